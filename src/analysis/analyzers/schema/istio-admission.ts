// IST0106 for what istiod's validating webhook (Istio 1.30 pkg/config/validation) refuses and
// the CRD schema lets through, checked on the objects as they are, so objects written by hand,
// through escape hatches (addJsonPatch, raw ApiObjects) or read by the CLI are covered too.
// The typed constructs refuse the same mistakes earlier, with their own field names.
// One file per kind under ./admission; this file only dispatches.
import { AnalysisContext, AnalyzerDef, Resource } from '../../model';
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
import { objectKeys } from './manifest-schema';
import { knownCheck, rememberCheck } from '../../schema/result-cache';
import { keyValidatedAhead } from '../../schema/validation-host';

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

/** The check of an object's kind, if istiod validates the kind. */
function checkOf(r: Resource): AdmissionCheck | undefined {
  const slash = r.apiVersion.indexOf('/');
  return slash < 0 ? undefined : CHECKS[`${r.apiVersion.slice(0, slash)}/${r.kind}`];
}

/** The problems istiod's webhook finds in an object (`path: message`), none for kinds it does not validate. */
function admissionProblems(r: Resource): string[] {
  const check = checkOf(r);
  if (check === undefined) return [];
  const problems: string[] = [];
  const report: Report = (path, message) => problems.push(`${path}: ${message}`);
  istioMetadata(r, report);
  check(r, report);
  return problems;
}

/** The name istiod's admission check is remembered under, with each admitted object's key (see ../../schema/result-cache). */
const ADMISSION = 'istiod-admission';

/** Problems of objects checked ahead of the analysis, by object (see admitAhead). */
const checkedAhead = new WeakMap<object, string[]>();

/**
 * The problems istiod's webhook finds in an object whose result-cache key is known (validated
 * ahead, or in this run: `keys`): one an earlier synthesis found admitted is not checked again
 * (see ../../schema/result-cache), and an admitted one is remembered. Objects with problems are
 * checked and reported every time; without a key, an object is checked.
 */
function admittedAhead(r: Resource, keys?: ReadonlyMap<object, string>): string[] {
  const known = keyValidatedAhead(r.raw) ?? keys?.get(r.raw);
  const key = known === undefined || checkOf(r) === undefined ? undefined : known;
  if (key !== undefined && knownCheck(ADMISSION, key)) return [];
  const problems = admissionProblems(r);
  if (key !== undefined && problems.length === 0) rememberCheck(ADMISSION, key);
  return problems;
}

/**
 * Checks objects ahead of the analysis that will report on them: the synthesis worker
 * (src/core/synthesis-worker.ts) does this with its own copies of the app's objects while the app
 * is still rendering, and the analyzer answers those objects from memory. The objects must not
 * change afterwards (the worker's copies never do).
 */
export function admitAhead(resources: readonly Resource[]): void {
  for (const r of resources) if (!checkedAhead.has(r.raw)) checkedAhead.set(r.raw, admittedAhead(r));
}

export const istioAdmissionAnalyzer: AnalyzerDef = {
  name: 'schema.IstioAdmissionAnalyzer',
  description: 'Checks Istio objects against the rules of istiod\'s validating webhook that their CRD schemas do not express',
  inputs: [],
  allKinds: true,
  analyze(ctx: AnalysisContext): void {
    // the objects' keys, when the schema validation ran before: what was admitted is remembered with them
    const keys = objectKeys(ctx);
    for (const r of ctx.inputObjects()) {
      for (const p of checkedAhead.get(r.raw) ?? admittedAhead(r, keys)) ctx.report(r, 'SchemaValidationError', `${p} (istiod admission)`);
    }
  },
};
