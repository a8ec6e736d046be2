// The analyzers, by Istio's registered analyzer name.
import {
  certificateAnalyzer, conflictingGatewayAnalyzer, ingressGatewayPortAnalyzer, secretAnalyzer,
} from './analyzers/gateway';
import {
  authorizationPoliciesAnalyzer, blockedCidrsAnalyzer, caCertificateAnalyzer, crdVersionAnalyzer, deprecationAnalyzer,
  envoyPatchAnalyzer, k8sGatewaySelectorAnalyzer, meshNetworksAnalyzer, serviceEntryAnalyzer, sidecarSelectorAnalyzer,
  subsetSelectPodAnalyzer, telemetryDefaultSelectorAnalyzer, telemetryLightstepAnalyzer, telemetryProviderAnalyzer,
  telemetrySelectorAnalyzer,
} from './analyzers/policies';
import {
  conflictingMeshGatewayHostsAnalyzer, destinationHostAnalyzer, destinationRuleAnalyzer, gatewayAnalyzer,
  jwtClaimRouteAnalyzer, virtualServiceValidationAnalyzer,
} from './analyzers/virtualservice';
import {
  alphaAnnotationsAnalyzer, applicationUidAnalyzer, conditionAnalyzer, externalControlPlaneAnalyzer, imageAnalyzer,
  imageAutoAnalyzer, injectionAnalyzer, k8sAnnotationsAnalyzer, portNameAnalyzer, serviceAssociationAnalyzer,
  webhookAnalyzer,
} from './analyzers/workloads';
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
  alphaAnnotationsAnalyzer,
];

/** Analyzer by registered name. */
export const ANALYZERS_BY_NAME: ReadonlyMap<string, AnalyzerDef> = new Map(ANALYZERS.map((a) => [a.name, a]));
