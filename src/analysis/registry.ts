// The analyzers, by Istio's registered analyzer name. Each lives in
// analyzers/<package>/<analyzer>.ts, named after Istio's pkg/config/analysis/analyzers packages.
import { waypointAnalyzer } from './analyzers/ambient/waypoint';
import { alphaAnnotationsAnalyzer } from './analyzers/annotations/alpha';
import { k8sAnnotationsAnalyzer } from './analyzers/annotations/k8s';
import { applicationUidAnalyzer } from './analyzers/applicationuid/applicationuid';
import { authorizationPoliciesAnalyzer } from './analyzers/auth/authorization-policies';
import { blockedCidrsAnalyzer } from './analyzers/authn/blocked-cidrs';
import { conditionAnalyzer } from './analyzers/conditions/condition';
import { flaggerAnalyzer } from './analyzers/controllers/flagger';
import { serviceAssociationAnalyzer } from './analyzers/deployment/multi-service';
import { deprecationAnalyzer } from './analyzers/deprecation/deprecation';
import { caCertificateAnalyzer } from './analyzers/destinationrule/ca-certificate';
import { subsetSelectPodAnalyzer } from './analyzers/destinationrule/subset-select-pod';
import { envoyPatchAnalyzer } from './analyzers/envoyfilter/envoy-patch';
import { externalControlPlaneAnalyzer } from './analyzers/externalcontrolplane/external-control-plane';
import { certificateAnalyzer } from './analyzers/gateway/certificate';
import { conflictingGatewayAnalyzer } from './analyzers/gateway/conflicting-gateway';
import { ingressGatewayPortAnalyzer } from './analyzers/gateway/ingress-gateway-port';
import { secretAnalyzer } from './analyzers/gateway/secret';
import { imageAnalyzer } from './analyzers/injection/image';
import { imageAutoAnalyzer } from './analyzers/injection/image-auto';
import { injectionAnalyzer } from './analyzers/injection/injection';
import { crdVersionAnalyzer } from './analyzers/k8sgateway/crd-version';
import { k8sGatewaySelectorAnalyzer } from './analyzers/k8sgateway/selector';
import { extensionProviderAnalyzer } from './analyzers/meshconfig/extension-providers';
import { registryOnlyAnalyzer } from './analyzers/meshconfig/registry-only';
import { meshNetworksAnalyzer } from './analyzers/meshnetworks/mesh-networks';
import { istioAdmissionAnalyzer } from './analyzers/schema/istio-admission';
import { manifestSchemaAnalyzer } from './analyzers/schema/manifest-schema';
import { virtualServiceValidationAnalyzer } from './analyzers/schema/virtual-service-validation';
import { portNameAnalyzer } from './analyzers/service/port-name';
import { serviceEntryAnalyzer } from './analyzers/serviceentry/serviceentry';
import { sidecarSelectorAnalyzer } from './analyzers/sidecar/selector';
import { telemetryDefaultSelectorAnalyzer } from './analyzers/telemetry/default-selector';
import { telemetryLightstepAnalyzer } from './analyzers/telemetry/lightstep';
import { telemetryProviderAnalyzer } from './analyzers/telemetry/provider';
import { telemetrySelectorAnalyzer } from './analyzers/telemetry/selector';
import { conflictingMeshGatewayHostsAnalyzer } from './analyzers/virtualservice/conflicting-mesh-gateway-hosts';
import { destinationHostAnalyzer } from './analyzers/virtualservice/destination-host';
import { destinationRuleAnalyzer } from './analyzers/virtualservice/destination-rule';
import { gatewayAnalyzer } from './analyzers/virtualservice/gateway';
import { jwtClaimRouteAnalyzer } from './analyzers/virtualservice/jwt-claim-route';
import { webhookAnalyzer } from './analyzers/webhook/webhook';
import { AnalyzerDef } from './model';

/** Every analyzer, in Istio's `All()` order (plus the ones Istio only runs when named). */
export const ANALYZERS: readonly AnalyzerDef[] = [
  k8sAnnotationsAnalyzer,
  blockedCidrsAnalyzer,
  authorizationPoliciesAnalyzer,
  conditionAnalyzer,
  serviceAssociationAnalyzer,
  applicationUidAnalyzer,
  caCertificateAnalyzer,
  subsetSelectPodAnalyzer,
  deprecationAnalyzer,
  envoyPatchAnalyzer,
  externalControlPlaneAnalyzer,
  ingressGatewayPortAnalyzer,
  certificateAnalyzer,
  secretAnalyzer,
  conflictingGatewayAnalyzer,
  injectionAnalyzer,
  imageAnalyzer,
  imageAutoAnalyzer,
  k8sGatewaySelectorAnalyzer,
  crdVersionAnalyzer,
  meshNetworksAnalyzer,
  portNameAnalyzer,
  sidecarSelectorAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  gatewayAnalyzer,
  jwtClaimRouteAnalyzer,
  serviceEntryAnalyzer,
  webhookAnalyzer,
  telemetryProviderAnalyzer,
  telemetrySelectorAnalyzer,
  telemetryDefaultSelectorAnalyzer,
  telemetryLightstepAnalyzer,
  virtualServiceValidationAnalyzer,
  manifestSchemaAnalyzer,
  istioAdmissionAnalyzer,
  alphaAnnotationsAnalyzer,
  // The library's own (codes CKI...).
  waypointAnalyzer,
  flaggerAnalyzer,
  extensionProviderAnalyzer,
  registryOnlyAnalyzer,
];

/** Analyzer by registered name. */
export const ANALYZERS_BY_NAME: ReadonlyMap<string, AnalyzerDef> = new Map(ANALYZERS.map((a) => [a.name, a]));
