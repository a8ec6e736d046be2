// The library's REGISTRY_ONLY analyzer. With the outbound traffic policy REGISTRY_ONLY (the
// MeshConfig's, or a namespace-wide Sidecar's), sidecars send traffic for hosts outside the
// service registry to the BlackHoleCluster: a VirtualService or DestinationRule for an external
// host, a Sidecar egress host, or a tracing/access-log provider service that no ServiceEntry
// declares is configuration for traffic that will be dropped.
import { AnalysisContext, AnalyzerDef, Obj, Resource, arr, isObj, obj, str } from '../../model';
import { ServiceRegistry } from '../service-registry';
import { meshProviders } from './extension-providers';

const REGISTRY_ONLY = 'REGISTRY_ONLY';

/** Outbound traffic policy mode per namespace (namespace-wide Sidecar, root namespace Sidecar, MeshConfig). */
function outboundMode(ctx: AnalysisContext): (namespace: string) => string {
  const mesh = ctx.meshConfig();
  const meshMode = str(obj(mesh?.outboundTrafficPolicy).mode) || 'ALLOW_ANY';
  const root = str(mesh?.rootNamespace) || 'istio-system';
  const byNs = new Map<string, string>();
  for (const s of ctx.all('Sidecar')) {
    if (isObj(s.spec.workloadSelector)) continue;
    const mode = str(obj(s.spec.outboundTrafficPolicy).mode);
    if (mode !== '') byNs.set(s.namespace, mode);
  }
  return (namespace) => byNs.get(namespace) ?? byNs.get(root) ?? meshMode;
}

/**
 * Whether `host` names something outside the cluster: a dotted name that is not a Kubernetes
 * Service name (`<svc>.<ns>.svc[.<domain>]`, or `<svc>.<ns>` for a namespace the app has).
 */
function isExternal(host: string, namespaces: ReadonlySet<string>): boolean {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (bare === '' || bare === '*' || !bare.includes('.')) return false;
  if (/^[0-9.]+$/.test(bare) || bare.includes(':')) return false; // addresses are not hosts
  const labels = bare.split('.');
  if (labels.includes('svc') || bare === 'cluster.local' || bare.endsWith('.cluster.local')) return false;
  if (labels.length === 2 && namespaces.has(labels[1])) return false;
  return true;
}

function namespacesOf(ctx: AnalysisContext): Set<string> {
  const out = new Set<string>();
  for (const c of ['Namespace', 'Service', 'VirtualService', 'DestinationRule', 'Sidecar', 'ServiceEntry', 'Telemetry']) {
    for (const r of ctx.all(c)) out.add(c === 'Namespace' ? r.name : r.namespace);
  }
  return out;
}

/** The host part of a MeshConfig provider `service` (`<namespace>/<host>` or `<host>`). */
function providerHost(p: Obj): string | undefined {
  for (const [k, v] of Object.entries(p)) {
    if (k !== 'name' && isObj(v) && typeof v.service === 'string') return v.service.includes('/') ? v.service.slice(v.service.indexOf('/') + 1) : v.service;
  }
  return undefined;
}

export const registryOnlyAnalyzer: AnalyzerDef = {
  name: 'meshconfig.RegistryOnlyAnalyzer',
  description: 'Checks that external hosts configured under the REGISTRY_ONLY outbound traffic policy are declared by a ServiceEntry',
  inputs: ['MeshConfig', 'Namespace', 'Service', 'ServiceEntry', 'Sidecar', 'VirtualService', 'DestinationRule', 'Telemetry'],
  analyze(ctx) {
    const mode = outboundMode(ctx);
    // built on first use: an ALLOW_ANY mesh without REGISTRY_ONLY Sidecars never needs them
    let namespaces: Set<string> | undefined;
    let registry: ServiceRegistry | undefined;
    const unknown = (ns: string, host: string) => isExternal(host, namespaces ??= namespacesOf(ctx))
      && (registry ??= ServiceRegistry.of(ctx)).lookup(ns, [], host) === undefined;
    const report = (r: Resource, what: string, host: string, ns: string) => ctx.report(r, 'UnregisteredExternalHost', what, host, ns);
    for (const vs of ctx.all('VirtualService')) {
      const gateways = arr(vs.spec.gateways).map(str);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue; // gateway-only routes are the gateway's
      if (mode(vs.namespace) !== REGISTRY_ONLY) continue;
      for (const h of arr(vs.spec.hosts).map(str)) if (unknown(vs.namespace, h)) report(vs, 'host', h, vs.namespace);
    }
    for (const dr of ctx.all('DestinationRule')) {
      const h = str(dr.spec.host);
      if (mode(dr.namespace) === REGISTRY_ONLY && unknown(dr.namespace, h)) report(dr, 'host', h, dr.namespace);
    }
    for (const sc of ctx.all('Sidecar')) {
      const own = str(obj(sc.spec.outboundTrafficPolicy).mode);
      if ((own || mode(sc.namespace)) !== REGISTRY_ONLY) continue;
      for (const e of arr(sc.spec.egress)) {
        for (const entry of arr(obj(e).hosts).map(str)) {
          const host = entry.slice(entry.indexOf('/') + 1);
          if (unknown(sc.namespace, host)) report(sc, 'egress host', entry, sc.namespace);
        }
      }
    }
    const providers = meshProviders(ctx);
    for (const t of ctx.all('Telemetry')) {
      if (mode(t.namespace) !== REGISTRY_ONLY) continue;
      for (const use of ['tracing', 'accessLogging', 'metrics']) {
        for (const entry of arr(t.spec[use])) {
          for (const p of arr(obj(entry).providers)) {
            const name = str(obj(p).name);
            const host = providers.has(name) ? providerHost(providers.get(name)!) : undefined;
            if (host !== undefined && unknown(t.namespace, host)) report(t, `the service of extension provider "${name}"`, host, t.namespace);
          }
        }
      }
    }
  },
};
