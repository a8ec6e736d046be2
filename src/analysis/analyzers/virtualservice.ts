// VirtualService analyzers: destination hosts/ports, subsets, gateways, mesh host conflicts,
// JWT-claim routing, and the unreachable/ineffective match analysis of Istio's validation.
import {
  AnalysisContext, AnalyzerDef, LabelIndex, Obj, Resource, arr, canonicalJson, fullNameString, goQuote,
  hostMatches, hostToFqdn, isObj, num, obj, resourceNameFromHost, shortOrFullName, str, strMap,
} from '../model';
import { ServiceRegistry } from './service-registry';

interface RouteDestination {
  readonly rule: string;
  readonly destination: Obj;
}

/** tcp, tls then http route destinations (Istio's order). */
function routeDestinations(spec: Obj): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const rule of ['tcp', 'tls', 'http']) {
    for (const r of arr(spec[rule])) {
      for (const rd of arr(r?.route)) out.push({ rule, destination: obj(rd?.destination) });
    }
  }
  return out;
}

function mirrorDestinations(spec: Obj): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const r of arr(spec.http)) {
    if (isObj(r?.mirror)) out.push({ rule: 'http.mirror', destination: r.mirror });
    for (const m of arr(r?.mirrors)) out.push({ rule: 'http.mirrors', destination: obj(m?.destination) });
  }
  return out;
}

function checkPorts(ctx: AnalysisContext, r: Resource, d: Obj, ports: { number: number }[]): void {
  const host = str(d.host);
  if (!isObj(d.port)) {
    if (ports.length > 1) ctx.report(r, 'VirtualServiceDestinationPortSelectorRequired', host, ports.map((p) => p.number));
    return;
  }
  const want = num(d.port.number);
  if (!ports.some((p) => p.number === want)) ctx.report(r, 'ReferencedResourceNotFound', 'host:port', `${host}:${want}`);
}

export const destinationHostAnalyzer: AnalyzerDef = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  inputs: ['ServiceEntry', 'VirtualService', 'Service'],
  analyze(ctx) {
    const registry = ServiceRegistry.of(ctx);
    // host -> full names of virtual services routing to that host (one entry per subset destination)
    const subsetDestinations = new Map<string, string[]>();
    for (const r of ctx.all('VirtualService')) {
      const hosts = arr(r.spec.hosts).map(str);
      for (const http of arr(r.spec.http)) {
        for (const rd of arr(http?.route)) {
          const d = obj(rd?.destination);
          if (!str(d.subset)) continue;
          for (const h of hosts) {
            if (str(d.host) !== h) continue;
            const list = subsetDestinations.get(h) ?? [];
            list.push(r.fullName);
            subsetDestinations.set(h, list);
          }
        }
      }
    }
    for (const r of ctx.all('VirtualService')) {
      const exportTo = arr(r.spec.exportTo).map(str);
      for (const d of routeDestinations(r.spec)) {
        const s = registry.lookup(r.namespace, exportTo, str(d.destination.host));
        if (!s) {
          ctx.report(r, 'ReferencedResourceNotFound', 'host', str(d.destination.host));
          continue;
        }
        checkPorts(ctx, r, d.destination, s.ports);
      }
      for (const d of mirrorDestinations(r.spec)) {
        const s = registry.lookup(r.namespace, exportTo, str(d.destination.host));
        if (!s) {
          ctx.report(r, 'ReferencedResourceNotFound', 'mirror host', str(d.destination.host));
          continue;
        }
        checkPorts(ctx, r, d.destination, s.ports);
      }
      if (arr(r.spec.gateways).length === 0) continue;
      for (const http of arr(r.spec.http)) {
        for (const rd of arr(http?.route)) {
          const d = obj(rd?.destination);
          if (str(d.subset)) continue;
          for (const vs of subsetDestinations.get(str(d.host)) ?? []) {
            ctx.report(r, 'IngressRouteRulesNotAffected', vs, r.fullName);
          }
        }
      }
    }
  },
};

export const destinationRuleAnalyzer: AnalyzerDef = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  inputs: ['VirtualService', 'DestinationRule'],
  analyze(ctx) {
    const subsets = new Set<string>();
    for (const r of ctx.all('DestinationRule')) {
      const n = resourceNameFromHost(r.namespace, str(r.spec.host));
      for (const ss of arr(r.spec.subsets)) subsets.add(`${n.namespace}|${n.name}|${str(ss?.name)}`);
    }
    const ok = (vsNs: string, d: Obj): boolean => {
      const subset = str(d.subset);
      if (!subset) return true;
      const n = resourceNameFromHost(vsNs, str(d.host));
      return subsets.has(`${n.namespace}|${n.name}|${subset}`);
    };
    for (const r of ctx.all('VirtualService')) {
      for (const d of routeDestinations(r.spec)) {
        if (!ok(r.namespace, d.destination)) {
          ctx.report(r, 'ReferencedResourceNotFound', 'host+subset in destinationrule',
            `${str(d.destination.host)}+${str(d.destination.subset)}`);
        }
      }
      for (const d of mirrorDestinations(r.spec)) {
        if (!ok(r.namespace, d.destination)) {
          ctx.report(r, 'ReferencedResourceNotFound', 'mirror+subset in destinationrule',
            `${str(d.destination.host)}+${str(d.destination.subset)}`);
        }
      }
    }
  },
};

/** Gateway server hosts after Istio's namespace sanitising (`./h`, `*\/h`, `*\/*`). */
function gatewayHosts(gw: Resource): string[] {
  const out: string[] = [];
  for (const server of arr(gw.spec.servers)) {
    const sanitized: string[] = [];
    for (const h of arr(server?.hosts).map(str)) {
      if (!h.includes('/')) {
        sanitized.push(h);
        continue;
      }
      const parts = h.split('/');
      if (parts[0] === '.') {sanitized.push(`${gw.namespace}/${parts[1]}`);} else if (parts[0] === '*') {
        if (parts[1] === '*') {
          // `*/*` makes the whole server match every host
          sanitized.length = 0;
          sanitized.push('*');
          break;
        }
        sanitized.push(parts[1]);
      } else {sanitized.push(h);}
    }
    out.push(...sanitized);
  }
  return out;
}

export const gatewayAnalyzer: AnalyzerDef = {
  name: 'virtualservice.GatewayAnalyzer',
  description: 'Checks the gateways associated with each virtual service',
  inputs: ['Gateway', 'VirtualService'],
  analyze(ctx) {
    const hostsCache = new Map<Resource, string[]>();
    for (const r of ctx.all('VirtualService')) {
      const vsHosts = arr(r.spec.hosts).map(str);
      for (const gwName of arr(r.spec.gateways).map(str)) {
        if (gwName === 'mesh') continue;
        const local = gwName.includes('/') ? gwName.slice(gwName.indexOf('/') + 1) : gwName;
        if (local.includes('~istio-autogenerated-k8s-gateway~')) {
          ctx.report(r, 'ReferencedInternalGateway', r.fullName, gwName);
          continue;
        }
        const gwFull = shortOrFullName(r.namespace, gwName);
        const gw = ctx.find('Gateway', gwFull.namespace, gwFull.name);
        if (!gw) ctx.report(r, 'ReferencedResourceNotFound', 'gateway', gwName);
        let ghosts: string[] = [];
        if (gw) {
          if (!hostsCache.has(gw)) hostsCache.set(gw, gatewayHosts(gw));
          ghosts = hostsCache.get(gw)!;
        }
        let found = false;
        for (const raw of ghosts) {
          let gh = raw;
          const i = raw.indexOf('/');
          if (i >= 0) {
            const ns = raw.slice(0, i);
            if (ns !== r.namespace && ns !== '*') continue;
            gh = raw.slice(i + 1);
          }
          if (vsHosts.some((vh) => hostMatches(gh, vh))) {
            found = true;
            break;
          }
        }
        if (!found) ctx.report(r, 'VirtualServiceHostNotFoundInGateway', vsHosts, r.fullName, fullNameString(gwFull));
      }
    }
  },
};

export const conflictingMeshGatewayHostsAnalyzer: AnalyzerDef = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  inputs: ['VirtualService'],
  analyze(ctx) {
    const byScopedHost = new Map<string, Resource[]>();
    const exportedToAll = new Map<string, Resource[]>(); // fqdn -> VSs exported to all namespaces
    const wildcardExportedToAll: string[] = [];
    for (const r of ctx.all('VirtualService')) {
      const gateways = arr(r.spec.gateways).map(str);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      const exportTo = arr(r.spec.exportTo).map(str);
      const scopes = exportTo.length === 0 || exportTo.includes('*')
        ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const h of arr(r.spec.hosts).map(str)) {
          const fqdn = hostToFqdn(r.namespace, h);
          const key = `${scope}/${fqdn}`;
          const list = byScopedHost.get(key) ?? [];
          list.push(r);
          byScopedHost.set(key, list);
          if (scope === '*') {
            if (!exportedToAll.has(fqdn) && fqdn.startsWith('*')) wildcardExportedToAll.push(fqdn);
            exportedToAll.set(fqdn, list);
          }
        }
      }
    }
    const reported = new Set<Resource>();
    for (const [key, own] of byScopedHost) {
      const slash = key.indexOf('/');
      const scope = key.slice(0, slash);
      const fqdn = key.slice(slash + 1);
      let list = own;
      if (scope !== '*') {
        const extra: Resource[] = [];
        if (fqdn.startsWith('*')) {
          for (const [h, vss] of exportedToAll) if (hostMatches(fqdn, h)) extra.push(...vss);
        } else {
          extra.push(...(exportedToAll.get(fqdn) ?? []));
          for (const h of wildcardExportedToAll) if (hostMatches(fqdn, h)) extra.push(...(exportedToAll.get(h) ?? []));
        }
        list = [...own, ...extra];
      }
      if (list.length <= 1) continue;
      const names = list.map((v) => v.fullName).sort().join(',');
      for (const v of list) {
        if (reported.has(v)) continue;
        reported.add(v);
        ctx.report(v, 'ConflictingMeshGatewayVirtualServiceHosts', names, key);
      }
    }
  },
};

function isJwtClaimKey(key: string): boolean {
  return key.startsWith('@request.auth.claims.') || key.startsWith('@request.auth.claims[');
}

export const jwtClaimRouteAnalyzer: AnalyzerDef = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  description: 'Checks the VirtualService using JWT claim based routing has corresponding RequestAuthentication',
  inputs: ['VirtualService', 'RequestAuthentication', 'Gateway', 'Pod'],
  analyze(ctx) {
    const raByNs = new Map<string, ({ [key: string]: string } | undefined)[]>();
    for (const r of ctx.all('RequestAuthentication')) {
      const list = raByNs.get(r.namespace) ?? [];
      list.push(isObj(r.spec.selector) ? strMap(r.spec.selector.matchLabels) : undefined);
      raByNs.set(r.namespace, list);
    }
    const pods = ctx.cached('pods', () => new LabelIndex(ctx.all('Pod')));
    for (const r of ctx.all('VirtualService')) {
      let key = '';
      outer: for (const http of arr(r.spec.http)) {
        for (const m of arr(http?.match)) {
          for (const k of [...Object.keys(obj(m?.headers)), ...Object.keys(obj(m?.withoutHeaders))]) {
            if (isJwtClaimKey(k)) {
              key = k;
              break outer;
            }
          }
        }
      }
      if (!key) continue;
      for (const gwName of arr(r.spec.gateways).map(str)) {
        if (gwName === 'mesh') continue;
        const gwFull = shortOrFullName(r.namespace, gwName);
        const gw = ctx.find('Gateway', gwFull.namespace, gwFull.name);
        if (!gw) continue;
        for (const pod of pods.matching(strMap(gw.spec.selector))) {
          const sels = [...(raByNs.get('istio-system') ?? []), ...(raByNs.get(pod.namespace) ?? [])];
          const covered = sels.some((s) => !s || Object.keys(s).every((k) => k in pod.labels && pod.labels[k] === s[k]));
          if (!covered) ctx.report(r, 'JwtClaimBasedRoutingWithoutRequestAuthN', key, fullNameString(gwFull), pod.name);
        }
      }
    }
  },
};

// ---------------------------------------------------------------- schema.ValidationAnalyzer.VirtualService

function routeName(route: Obj, n: number, http: boolean): string {
  if (http && str(route.name)) return goQuote(str(route.name));
  return `#${n}`;
}

function requestName(match: Obj, n: number, http: boolean): string {
  if (http && str(match.name)) return goQuote(str(match.name));
  return `#${n}`;
}

function exactOrPrefix(m: unknown): string {
  const o = obj(m);
  if (str(o.exact)) return `exact:${str(o.exact)}`;
  if (str(o.prefix)) return `prefix:${str(o.prefix)}`;
  return '';
}

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  query: Map<string, string>;
  without: Map<string, string>;
}

function prefixMatch(route: Obj, match: Obj, rulen: number, matchn: number): PrefixMatch | undefined {
  if (!isObj(match.uri)) return undefined;
  const prefix = str(match.uri.prefix);
  if (!prefix) return undefined;
  const toMap = (v: unknown) => new Map(Object.entries(obj(v)).map(([k, x]) => [k, exactOrPrefix(x)]));
  return {
    route: routeName(route, rulen, true),
    match: requestName(match, matchn, true),
    prefix,
    port: num(match.port),
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: toMap(match.headers),
    query: toMap(match.queryParams),
    without: toMap(match.withoutHeaders),
  };
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const bv = b.get(k);
    if (bv === undefined) return false;
    if (v !== bv && !v.startsWith(bv)) return false;
  }
  return true;
}

function prefixCovers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.query, b.query) && mapCovered(a.without, b.without);
}

function unreachableRules(ctx: AnalysisContext, r: Resource, routes: any[], http: boolean): void {
  const seen = new Map<string, number>();
  let emptyAt = -1;
  const prefixes: PrefixMatch[] = [];
  routes.forEach((route: Obj, rulen: number) => {
    if (!isObj(route)) return;
    const matches = arr(route.match);
    if (matches.length === 0) {
      if (emptyAt >= 0) ctx.report(r, 'VirtualServiceUnreachableRule', routeName(route, rulen, http), 'only the last rule can have no matches');
      emptyAt = rulen;
      return;
    }
    let dups = 0;
    matches.forEach((match: Obj, matchn: number) => {
      if (emptyAt >= 0) {
        ctx.report(r, 'VirtualServiceUnreachableRule', routeName(route, rulen, http), 'route without matches defined before');
        return;
      }
      const m = obj(match);
      const key = canonicalJson(http ? { ...m, name: undefined } : m);
      const dupn = seen.get(key);
      if (dupn !== undefined) {
        ctx.report(r, 'VirtualServiceIneffectiveMatch', routeName(route, rulen, http), requestName(m, matchn, http),
          routeName(obj(routes[dupn]), dupn, http));
        dups++;
        return;
      }
      seen.set(key, rulen);
      if (http) {
        const pm = prefixMatch(route, m, rulen, matchn);
        if (pm) prefixes.push(pm);
      }
    });
    if (dups === matches.length) {
      ctx.report(r, 'VirtualServiceUnreachableRule', routeName(route, rulen, http), 'all matches used by prior rules');
    }
  });
  // overlapping prefix matches (pairwise within one VirtualService, as Istio does)
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      if (prefixes[j].prefix === prefixes[i].prefix) continue;
      if (prefixCovers(prefixes[i], prefixes[j])) {
        ctx.report(r, 'VirtualServiceIneffectiveMatch', prefixes[j].route, `${prefixes[j].match} of prefix ${prefixes[j].prefix}`,
          `${prefixes[i].match} of prefix ${prefixes[i].prefix} on ${prefixes[i].route}`);
      }
    }
  }
}

export const virtualServiceValidationAnalyzer: AnalyzerDef = {
  name: 'schema.ValidationAnalyzer.VirtualService',
  description: "Runs schema validation as an analyzer on 'VirtualService' resources",
  inputs: ['VirtualService'],
  analyze(ctx) {
    for (const r of ctx.all('VirtualService')) {
      unreachableRules(ctx, r, arr(r.spec.http), true);
      unreachableRules(ctx, r, arr(r.spec.tcp), false);
      unreachableRules(ctx, r, arr(r.spec.tls), false);
    }
  },
};
