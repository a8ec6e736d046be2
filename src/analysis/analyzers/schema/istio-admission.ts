// IST0106 for what istiod's validating webhook (Istio 1.30 pkg/config/validation) refuses and
// the CRD schema lets through, checked on the objects as they are, so objects written by hand,
// through escape hatches (addJsonPatch, raw ApiObjects) or read by the CLI are covered too.
// The typed constructs refuse the same mistakes earlier, with their own field names.
// One file per kind under ./admission; this file only dispatches.
import { AnalysisContext, AnalyzerDef } from '../../model';
import { authorizationPolicy } from './admission/authorization-policy';
import { destinationRule } from './admission/destination-rule';
import { envoyFilter } from './admission/envoy-filter';
import { trafficExtension, wasmPlugin } from './admission/extensions';
import { gateway } from './admission/gateway';
import { istioMetadata } from './admission/istio-metadata';
import { peerAuthentication } from './admission/peer-authentication';
import { proxyConfig } from './admission/proxy-config';
import { requestAuthentication } from './admission/request-authentication';
import { serviceEntry } from './admission/service-entry';
import { AdmissionCheck, Report } from './admission/shared';
import { sidecar } from './admission/sidecar';
import { telemetry } from './admission/telemetry';
import { virtualService } from './admission/virtual-service';
import { workloadEntry, workloadGroup } from './admission/workload-entry';

/** The check of each kind istiod validates, by `<API group>/<Kind>`. */
const CHECKS: { [groupKind: string]: AdmissionCheck } = {
  'networking.istio.io/VirtualService': virtualService,
  'networking.istio.io/DestinationRule': destinationRule,
  'networking.istio.io/Gateway': gateway,
  'networking.istio.io/ServiceEntry': serviceEntry,
  'networking.istio.io/WorkloadEntry': workloadEntry,
  'networking.istio.io/WorkloadGroup': workloadGroup,
  'networking.istio.io/Sidecar': sidecar,
  'networking.istio.io/EnvoyFilter': envoyFilter,
  'networking.istio.io/ProxyConfig': proxyConfig,
  'telemetry.istio.io/Telemetry': telemetry,
  'extensions.istio.io/WasmPlugin': wasmPlugin,
  'extensions.istio.io/TrafficExtension': trafficExtension,
  'security.istio.io/AuthorizationPolicy': authorizationPolicy,
  'security.istio.io/PeerAuthentication': peerAuthentication,
  'security.istio.io/RequestAuthentication': requestAuthentication,
};

export const istioAdmissionAnalyzer: AnalyzerDef = {
  name: 'schema.IstioAdmissionAnalyzer',
  description: 'Checks Istio objects against the rules of istiod\'s validating webhook that their CRD schemas do not express',
  inputs: [],
  allKinds: true,
  analyze(ctx: AnalysisContext): void {
    for (const r of ctx.inputObjects()) {
      const slash = r.apiVersion.indexOf('/');
      if (slash < 0) continue;
      const check = CHECKS[`${r.apiVersion.slice(0, slash)}/${r.kind}`];
      if (check === undefined) continue;
      const report: Report = (path, message) => ctx.report(r, 'SchemaValidationError', `${path}: ${message} (istiod admission)`);
      istioMetadata(r, report);
      check(r, report);
    }
  },
};
