import { AnalysisContext, AnalyzerDef, arr, canonicalJson, goQuote, isObj, num, obj, Obj, Resource, str } from '../../model';

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
