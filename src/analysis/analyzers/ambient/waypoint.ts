// The library's ambient-mode analyzer (Istio's catalogue has no messages for these): routes and
// policies that a waypoint would not apply as written, and references to waypoints and policy
// targets that do not exist.
import { AnalyzerDef, arr, hostToFqdn, isObj, namespaceInAmbientMode, obj, pushTo, Resource, resourceNameFromHost, str, strMap, waypointFromLabels } from '../../model';

const NONE = 'none';
const GATEWAY_KEYS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];
const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

export const waypointAnalyzer: AnalyzerDef = {
  name: 'ambient.WaypointAnalyzer',
  description: 'Checks ambient-mode configuration: VirtualServices on waypoint-served hosts, VirtualService and HTTPRoute for one host, missing waypoints and policy targets, EnvoyFilters in ambient namespaces',
  inputs: ['VirtualService', 'HTTPRoute', 'GRPCRoute', 'Service', 'ServiceEntry', 'Namespace', 'KubernetesGateway', 'EnvoyFilter', ...POLICY_KINDS],
  analyze(ctx) {
    const gatewayExists = (ns: string, name: string) => ctx.find('KubernetesGateway', ns, name) !== undefined;

    // 1. use-waypoint labels naming a waypoint that does not exist
    for (const r of [...ctx.all('Namespace'), ...ctx.all('Service'), ...ctx.all('ServiceEntry')]) {
      const w = waypointFromLabels(r.labels, r.collection === 'Namespace' ? r.name : r.namespace);
      if (w !== undefined && w !== NONE && !gatewayExists(w.namespace, w.name)) ctx.report(r, 'WaypointNotFound', w.name, w.namespace);
    }

    // The waypoint serving each Service / ServiceEntry host (own label, else its namespace's).
    const served = new Map<string, string>();
    const namespaceWaypoint = (ns: string) => {
      const n = ctx.find('Namespace', '', ns);
      const w = n ? waypointFromLabels(n.labels, ns) : undefined;
      return w === undefined || w === NONE ? undefined : w;
    };
    const serve = (r: Resource, hosts: string[]) => {
      const own = waypointFromLabels(r.labels, r.namespace);
      const w = own === undefined ? namespaceWaypoint(r.namespace) : own === NONE ? undefined : own;
      if (w !== undefined) for (const h of hosts) served.set(h, `${w.namespace}/${w.name}`);
    };
    for (const s of ctx.all('Service')) serve(s, [`${s.name}.${s.namespace}.svc.cluster.local`]);
    for (const se of ctx.all('ServiceEntry')) serve(se, arr(se.spec.hosts).map(str));

    // Hosts routed by HTTP/gRPC routes attached to a Service (GAMMA) or a ServiceEntry.
    const routed = new Map<string, Resource[]>();
    for (const route of [...ctx.all('HTTPRoute'), ...ctx.all('GRPCRoute')]) {
      for (const p of arr(route.spec.parentRefs)) {
        const kind = str(p?.kind);
        const group = str(p?.group);
        const ns = str(p?.namespace) || route.namespace;
        if (kind === 'Service' && group === '') pushTo(routed, `${str(p.name)}.${ns}.svc.cluster.local`, route);
        if (kind === 'ServiceEntry' && group === 'networking.istio.io') {
          for (const h of arr(ctx.find('ServiceEntry', ns, str(p.name))?.spec.hosts).map(str)) pushTo(routed, h, route);
        }
      }
    }

    // 2. VirtualServices for mesh traffic to waypoint-served hosts, or to hosts a Gateway API route routes
    for (const vs of ctx.all('VirtualService')) {
      const gateways = arr(vs.spec.gateways).map(str);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      for (const host of arr(vs.spec.hosts).map(str)) {
        const fqdn = hostToFqdn(vs.namespace, host);
        const svc = resourceNameFromHost(vs.namespace, fqdn);
        const key = ctx.find('Service', svc.namespace, svc.name) ? `${svc.name}.${svc.namespace}.svc.cluster.local` : fqdn;
        const waypoint = served.get(key);
        if (waypoint !== undefined) ctx.report(vs, 'VirtualServiceOnWaypoint', host, waypoint);
        const routes = routed.get(key);
        if (routes !== undefined) ctx.report(vs, 'VirtualServiceAndHttpRoute', routes.map((r) => r.fullName), host);
      }
    }

    // 3. EnvoyFilters in ambient namespaces that do not target a gateway
    for (const ef of ctx.all('EnvoyFilter')) {
      if (!namespaceInAmbientMode(ctx.find('Namespace', '', ef.namespace))) continue;
      if (arr(ef.spec.targetRefs).length > 0) continue;
      const labels = strMap(obj(ef.spec.workloadSelector).labels);
      if (GATEWAY_KEYS.some((k) => k in labels)) continue;
      ctx.report(ef, 'EnvoyFilterInAmbientNamespace', ef.namespace);
    }

    // 4. policies attached to a Service, ServiceEntry or Gateway that does not exist
    for (const kind of POLICY_KINDS) {
      for (const policy of ctx.all(kind)) {
        const refs = [...(isObj(policy.spec.targetRef) ? [policy.spec.targetRef] : []), ...arr(policy.spec.targetRefs)];
        for (const ref of refs) {
          const name = str(ref?.name);
          const ns = str(ref?.namespace) || policy.namespace;
          const group = str(ref?.group);
          const refKind = str(ref?.kind);
          const collection = refKind === 'Service' && group === '' ? 'Service'
            : refKind === 'ServiceEntry' && group === 'networking.istio.io' ? 'ServiceEntry'
              : refKind === 'Gateway' && group === 'gateway.networking.k8s.io' ? 'KubernetesGateway' : undefined;
          if (collection !== undefined && ctx.find(collection, ns, name) === undefined) ctx.report(policy, 'PolicyTargetNotFound', refKind, name, ns);
        }
      }
    }
  },
};
