// Where traffic goes, from the routing objects: VirtualServices (mesh and gateway bound),
// Gateway API routes (attached to a Service or to a Gateway), DestinationRule subsets as
// versions, Istio and Gateway API Gateways with their hosts and identities, and the external
// hosts (ServiceEntries) each identity may reach through its Sidecar's egress hosts.
import { MeshGraphEgress, MeshGraphGateway, MeshGraphRoute, MeshRouteKind } from './graph-model';
import { AccessLevel } from '../authz/authz-types';
import { byString, groupOf, MeshIndex, MeshWorkloadInfo } from '../authz/mesh-index';
import { arr, selectorMatches } from '../model';

type Obj = { [key: string]: any };

const nsOf = (o: Obj) => String(o.metadata?.namespace ?? 'default');
const nameOf = (o: Obj) => String(o.metadata?.name ?? '');
const GATEWAY_API = 'gateway.networking.k8s.io';
const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute']);

/** The traffic of a mesh. */
export interface Traffic {
  readonly routes: MeshGraphRoute[];
  readonly gateways: MeshGraphGateway[];
  readonly egress: MeshGraphEgress[];
}

/** Istio's default install: the identity of the gateway a well-known selector picks. */
const DEFAULT_GATEWAY_IDENTITIES: { [istio: string]: string } = {
  ingressgateway: 'istio-system/istio-ingressgateway-service-account',
  egressgateway: 'istio-system/istio-egressgateway-service-account',
};

/** Reads the traffic of an indexed mesh; `nodeOf` names the node an identity is drawn as. */
export function readTraffic(index: MeshIndex, nodeOf: (identity: string) => string, principalOf: (identity: string) => string): Traffic {
  const objects = index.objects;
  const of = (group: string, kind: string) => objects.filter((o) => groupOf(o) === group && o.kind === kind);

  /** A host (short, `name.ns`, `name.ns.svc[.cluster.local]`) to the Service it names. */
  const serviceOf = (host: string, ns: string): string | undefined => {
    const parts = host.split('.');
    const [name, namespace] = parts.length === 1 ? [parts[0], ns] : [parts[0], parts[1]];
    const suffix = parts.slice(2).join('.');
    if (parts.length > 2 && suffix !== 'svc' && suffix !== 'svc.cluster.local') return undefined;
    return index.service(namespace, name)?.id;
  };
  const target = (host: string, ns: string) => serviceOf(host, ns) ?? `external:${host}`;

  // DestinationRule subsets: the version each names.
  const subsets = new Map<string, Map<string, string>>();
  for (const dr of of('networking.istio.io', 'DestinationRule')) {
    const id = serviceOf(String(dr.spec?.host ?? ''), nsOf(dr));
    if (id === undefined) continue;
    const m = subsets.get(id) ?? new Map<string, string>();
    for (const s of arr(dr.spec?.subsets)) if (s?.name) m.set(String(s.name), String(s.labels?.version ?? s.name));
    subsets.set(id, m);
  }
  const versionOf = (to: string, subset: unknown, versionService?: string): string | undefined =>
    subset ? subsets.get(to)?.get(String(subset)) ?? String(subset) : versionService;

  const routes: MeshGraphRoute[] = [];
  const gateways = new Map<string, MeshGraphGateway>();
  const egressVia = new Map<string, string>();

  // Gateways: Istio's (servers' hosts; identity from the selected workloads or the default install) and Gateway API's.
  for (const g of of('networking.istio.io', 'Gateway')) {
    const selector: { [k: string]: string } = g.spec?.selector ?? {};
    const selected = index.workloads.find((w) => Object.keys(selector).length > 0 && selectorMatches(selector, w.labels));
    const identity = selected?.identity ?? DEFAULT_GATEWAY_IDENTITIES[selector.istio ?? ''];
    // `ns/host` names which namespaces' routes may bind; the picture shows the host.
    const hosts = [...new Set(arr(g.spec?.servers).flatMap((s) => arr(s?.hosts).map((h) => String(h).replace(/^[^/]*\//, ''))))].sort();
    gateways.set(`gateway:${nsOf(g)}/${nameOf(g)}`, { id: `gateway:${nsOf(g)}/${nameOf(g)}`, declaredBy: `Gateway ${nsOf(g)}/${nameOf(g)}`, hosts, identity });
  }
  const waypoints = new Set<string>();
  for (const g of of(GATEWAY_API, 'Gateway')) {
    const id = `gateway:${nsOf(g)}/${nameOf(g)}`;
    if (g.spec?.gatewayClassName === 'istio-waypoint') {
      waypoints.add(id);
      continue;
    }
    const hosts = [...new Set(arr(g.spec?.listeners).map((l) => String(l?.hostname ?? '*')))].sort();
    const identity = g.spec?.gatewayClassName === 'istio' ? `${nsOf(g)}/${nameOf(g)}-istio` : undefined;
    gateways.set(id, { id, declaredBy: `Gateway ${nsOf(g)}/${nameOf(g)}`, hosts, identity });
  }

  // VirtualServices.
  for (const vs of of('networking.istio.io', 'VirtualService')) {
    const ns = nsOf(vs);
    const declaredBy = `VirtualService ${ns}/${nameOf(vs)}`;
    const bound = arr(vs.spec?.gateways).map(String);
    const sources: string[] = [];
    if (bound.length === 0 || bound.includes('mesh')) {
      for (const h of arr(vs.spec?.hosts).map(String)) sources.push(serviceOf(h, ns) ?? `external:${h}`);
    }
    for (const g of bound.filter((b) => b !== 'mesh')) {
      const [gns, gname] = g.includes('/') ? g.split('/') : [ns, g];
      sources.push(`gateway:${gns}/${gname}`);
    }
    const http = arr(vs.spec?.http);
    const l4 = [...arr(vs.spec?.tcp), ...arr(vs.spec?.tls)];
    for (const r of [...http, ...l4]) {
      const notes = routeNotes(r);
      const dests = arr(r?.route);
      for (const d of dests) {
        const to = target(String(d?.destination?.host ?? ''), ns);
        const weight = dests.length > 1 || d?.weight !== undefined ? Number(d?.weight ?? 0) : undefined;
        for (const source of sources) {
          const share = weight === 100 && dests.length === 1 ? undefined : weight;
          routes.push({ source, to, version: versionOf(to, d?.destination?.subset), weight: share, kind: MeshRouteKind.ROUTE, notes, declaredBy });
          if (source.startsWith('external:') && !to.startsWith('external:')) egressVia.set(source.slice('external:'.length), to);
        }
      }
      for (const m of [...(r?.mirror ? [{ destination: r.mirror, percentage: r.mirrorPercentage }] : []), ...arr(r?.mirrors)]) {
        const to = target(String(m?.destination?.host ?? ''), ns);
        const pct = m?.percentage?.value !== undefined ? Number(m.percentage.value) : undefined;
        for (const source of sources) {
          routes.push({ source, to, version: versionOf(to, m?.destination?.subset), weight: pct, kind: MeshRouteKind.MIRROR, notes: [], declaredBy });
        }
      }
    }
  }

  // Gateway API routes: attached to a Service (mesh, GAMMA) or to a Gateway (ingress).
  for (const route of objects.filter((o) => groupOf(o) === GATEWAY_API && ROUTE_KINDS.has(o.kind))) {
    const ns = nsOf(route);
    const declaredBy = `${route.kind} ${ns}/${nameOf(route)}`;
    const sources = arr(route.spec?.parentRefs).map((p) => {
      const pns = String(p?.namespace ?? ns);
      if (p?.kind === 'Service' && (p?.group ?? '') === '') return index.service(pns, String(p?.name))?.id;
      const gw = `gateway:${pns}/${p?.name}`;
      return waypoints.has(gw) ? undefined : gw;
    }).filter((s): s is string => s !== undefined);
    for (const rule of arr(route.spec?.rules)) {
      const backends = arr(rule?.backendRefs).filter((b) => (b?.kind ?? 'Service') === 'Service' && (b?.group ?? '') === '');
      const total = backends.reduce((n, b) => n + Number(b?.weight ?? 1), 0);
      const notes = gatewayRouteNotes(rule);
      for (const b of backends) {
        const to = index.service(String(b?.namespace ?? ns), String(b?.name))?.id ?? `external:${b?.name}`;
        const weight = backends.length > 1 ? (total === 0 ? 0 : Math.round((Number(b?.weight ?? 1) * 1000) / total) / 10) : undefined;
        const version = index.service(String(b?.namespace ?? ns), String(b?.name))?.versions;
        for (const source of sources) {
          routes.push({ source, to, version: version?.length === 1 ? version[0] : undefined, weight, kind: MeshRouteKind.ROUTE, notes, declaredBy });
        }
      }
      for (const f of arr(rule?.filters).filter((x) => x?.type === 'RequestMirror')) {
        const ref = f.requestMirror?.backendRef ?? {};
        const to = index.service(String(ref.namespace ?? ns), String(ref.name))?.id ?? `external:${ref.name}`;
        const fraction = f.requestMirror?.fraction;
        const pct = f.requestMirror?.percent ?? (fraction ? (100 * Number(fraction.numerator)) / Number(fraction.denominator ?? 100) : undefined);
        for (const source of sources) routes.push({ source, to, weight: pct, kind: MeshRouteKind.MIRROR, notes: [], declaredBy });
      }
    }
  }

  return {
    routes: dedupe(routes),
    gateways: [...gateways.values()].sort((a, b) => byString(a.id, b.id)),
    egress: readEgress(index, nodeOf, principalOf, egressVia),
  };
}

function routeKey(r: MeshGraphRoute): string {
  return [r.source, r.to, r.version ?? '', r.kind, r.weight ?? '', r.notes.join(';'), r.declaredBy].join('|');
}

function dedupe(routes: MeshGraphRoute[]): MeshGraphRoute[] {
  const seen = new Map<string, MeshGraphRoute>();
  for (const r of routes) seen.set(routeKey(r), r);
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

const strMatch = (m: Obj | undefined): string => {
  if (m === undefined || m === null) return '';
  if (m.exact !== undefined) return `=${m.exact}`;
  if (m.prefix !== undefined) return `${m.prefix}*`;
  if (m.regex !== undefined) return `~${m.regex}`;
  return '';
};

/** A VirtualService route's matches, fault, timeout and retries, in words. */
function routeNotes(r: Obj): string[] {
  const notes: string[] = [];
  const matches = arr(r?.match).map((m) => [
    m?.uri ? `path ${strMatch(m.uri)}` : '',
    ...Object.entries(m?.headers ?? {}).map(([k, v]) => `header ${k}${strMatch(v as Obj)}`),
    m?.port !== undefined ? `port ${m.port}` : '',
    ...arr(m?.sniHosts).map((h) => `sni ${h}`),
  ].filter((x) => x !== '').join(' ')).filter((x) => x !== '');
  if (matches.length > 0) notes.push(`if ${matches.join(' or ')}`);
  const delay = r?.fault?.delay;
  if (delay) notes.push(`delay ${delay.fixedDelay ?? ''} (${delay.percentage?.value ?? delay.percent ?? 100}%)`);
  const abort = r?.fault?.abort;
  if (abort) notes.push(`abort ${abort.httpStatus ?? abort.grpcStatus ?? ''} (${abort.percentage?.value ?? 100}%)`);
  if (r?.timeout) notes.push(`timeout ${r.timeout}`);
  if (r?.retries?.attempts !== undefined) notes.push(`retries ${r.retries.attempts}`);
  return notes;
}

/** A Gateway API rule's matches and timeouts, in words. */
function gatewayRouteNotes(rule: Obj): string[] {
  const notes: string[] = [];
  const matches = arr(rule?.matches).map((m) => [
    m?.path ? `path ${m.path.type === 'Exact' ? '=' : m.path.type === 'RegularExpression' ? '~' : ''}${m.path.value ?? '/'}${(m.path.type ?? 'PathPrefix') === 'PathPrefix' ? '*' : ''}` : '',
    ...arr(m?.headers).map((h) => `header ${h?.name}=${h?.value}`),
    m?.method ? `method ${m.method}` : '',
  ].filter((x) => x !== '').join(' ')).filter((x) => x !== '');
  if (matches.length > 0) notes.push(`if ${matches.join(' or ')}`);
  if (rule?.timeouts?.request) notes.push(`timeout ${rule.timeouts.request}`);
  if (rule?.retry?.attempts !== undefined) notes.push(`retries ${rule.retry.attempts}`);
  return notes;
}

/** Whether a Sidecar egress host (`ns/host`) admits a host a ServiceEntry in `seNs` declares. */
function egressAdmits(entry: string, sidecarNs: string, seNs: string, host: string): boolean {
  const at = entry.indexOf('/');
  const [nsPart, hostPart] = at < 0 ? ['*', entry] : [entry.slice(0, at), entry.slice(at + 1)];
  const nsOk = nsPart === '*' || (nsPart === '.' ? sidecarNs === seNs : nsPart === seNs);
  const hostOk = hostPart === '*' || (hostPart.startsWith('*.') ? host.endsWith(hostPart.slice(1)) : hostPart === host);
  return nsOk && hostOk;
}

/** The external hosts (ServiceEntries outside the mesh) each caller identity may reach. */
type Naming = (identity: string) => string;

function readEgress(index: MeshIndex, nodeOf: Naming, principalOf: Naming, via: Map<string, string>): MeshGraphEgress[] {
  // Each ServiceEntry read once: where it is visible, its hosts, and (egress waypoint) the policies that decide who gets out.
  const entries = index.objects.filter((o) => groupOf(o) === 'networking.istio.io' && o.kind === 'ServiceEntry' && o.spec?.location !== 'MESH_INTERNAL').map((se) => {
    const namespace = nsOf(se);
    const wp = se.metadata?.labels?.['istio.io/use-waypoint'];
    const waypoint = wp ? `${se.metadata?.labels?.['istio.io/use-waypoint-namespace'] ?? namespace}/${wp}` : undefined;
    return {
      namespace,
      exportTo: arr(se.spec?.exportTo ?? ['*']).map(String),
      hosts: arr(se.spec?.hosts).map(String),
      waypoint,
      http: arr(se.spec?.ports).some((p) => /^(http|grpc)/i.test(String(p?.protocol ?? ''))),
      policies: waypoint === undefined ? undefined : index.attachedPolicies('networking.istio.io', 'ServiceEntry', namespace, nameOf(se), waypoint),
    };
  });
  if (entries.length === 0) return [];
  const sidecars = index.objects.filter((o) => groupOf(o) === 'networking.istio.io' && o.kind === 'Sidecar');
  const sidecarOf = (w: MeshWorkloadInfo): Obj | undefined => {
    const inNs = sidecars.filter((s) => nsOf(s) === w.namespace);
    return inNs.find((s) => s.spec?.workloadSelector?.labels !== undefined && selectorMatches(s.spec.workloadSelector.labels, w.labels))
      ?? inNs.find((s) => s.spec?.workloadSelector === undefined)
      ?? sidecars.find((s) => nsOf(s) === index.rootNamespace && s.spec?.workloadSelector === undefined);
  };
  const out = new Map<string, MeshGraphEgress>();
  for (const w of index.workloads) {
    const sidecar = sidecarOf(w);
    const admitted: string[] | undefined = sidecar === undefined ? undefined : arr(sidecar.spec?.egress).flatMap((e) => arr(e?.hosts).map(String));
    for (const se of entries) {
      const { exportTo } = se;
      if (!(exportTo.includes('*') || exportTo.includes(w.namespace) || (exportTo.includes('.') && se.namespace === w.namespace))) continue;
      // The egress waypoint's policies (attached to the ServiceEntry or to it) decide who gets out.
      const decided = se.policies?.access({ principal: principalOf(w.identity) }, undefined, se.http);
      if (decided?.level === AccessLevel.NONE) continue;
      for (const host of se.hosts) {
        if (admitted !== undefined && !admitted.some((e) => egressAdmits(e, nsOf(sidecar!), se.namespace, host))) continue;
        out.set(`${w.identity}|${host}`, { from: w.identity, fromNode: nodeOf(w.identity), host, via: via.get(host) ?? se.waypoint });
      }
    }
  }
  return [...out.keys()].sort().map((k) => out.get(k)!);
}
