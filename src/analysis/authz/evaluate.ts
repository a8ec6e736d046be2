// Evaluates the AuthorizationPolicies that apply to a workload against one request, as Istio
// does: CUSTOM policies first (their provider decides), then DENY, then ALLOW; a workload with
// no ALLOW policy allows; with ALLOW policies, a request no rule matches is denied. A rule
// matches when one of its sources, one of its operations and all of its conditions match.
// Where the answer turns on something the request does not give (a source IP, a port), the
// result is DEPENDS instead of a guess.
import { AccessLevel, AuthzAccess, AuthzDecision, AuthzPolicy, AuthzRequest, AuthzVerdict } from './authz-types';
import { and, hostMatches, ipMatches, not, or, pathMatches, stringMatches, Truth, truth } from './match';

/** Fields and condition keys that exist only for HTTP (Istio ignores or drops them for TCP). */
const HTTP_ONLY_OPERATION = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
const HTTP_ONLY_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];

type Obj = { [key: string]: any };
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The namespace in a SPIFFE-style principal `<trust domain>/ns/<namespace>/sa/<account>`. */
export function namespaceOf(principal: string | undefined): string | undefined {
  const m = /(?:^|\/)ns\/([^/]+)\/sa\//.exec(principal ?? '');
  return m ? m[1] : undefined;
}

/** `values` matches when any matches (absent: no constraint); `notValues` when none matches. */
function field(values: unknown, notValues: unknown, one: (pattern: string) => Truth): Truth {
  const parts: Truth[] = [];
  const v = list(values);
  const n = list(notValues);
  if (values !== undefined) parts.push(or(v.map(one)));
  if (notValues !== undefined) parts.push(not(or(n.map(one))));
  return and(...parts);
}

/**
 * Evaluation of one request, with what follows from it computed once. An `open` view stands for
 * every request of one caller: what the caller sends (method, path, host, port, headers, token)
 * is UNKNOWN, who the caller is stays known.
 */
class RequestView {
  public readonly http: boolean;
  public readonly sourceNamespace?: string;
  public readonly requestPrincipal?: string;
  private readonly headers = new Map<string, string>();

  constructor(public readonly req: AuthzRequest, public readonly open = false, http?: boolean) {
    this.http = http ?? (req.method !== undefined || req.path !== undefined);
    this.sourceNamespace = namespaceOf(req.principal);
    const c = req.jwtClaims;
    if (c !== undefined && typeof c.iss === 'string' && typeof c.sub === 'string') this.requestPrincipal = `${c.iss}/${c.sub}`;
    for (const [k, v] of Object.entries(req.headers ?? {})) this.headers.set(k.toLowerCase(), v);
  }

  /** Whether a request attribute matches, UNKNOWN for an open view. */
  public sent(matches: boolean): Truth {
    return this.open ? Truth.UNKNOWN : truth(matches);
  }

  public ip(pattern: string, ip: string | undefined): Truth {
    return ip === undefined ? Truth.UNKNOWN : truth(ipMatches(pattern, ip));
  }

  public port(pattern: string): Truth {
    return this.req.port === undefined ? Truth.UNKNOWN : truth(pattern === String(this.req.port));
  }

  public header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  /** A JWT claim by path (`a` or nested `a][b` from `request.auth.claims[a][b]`). */
  public claim(path: string[]): string[] | undefined {
    let v: unknown = this.req.jwtClaims;
    for (const p of path) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      v = (v as Obj)[p];
    }
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    return undefined;
  }
}

/** One source entry of a rule (`from[].source`). */
function sourceMatches(r: RequestView, s: Obj, dropHttp: boolean): Truth {
  const parts = [
    field(s.principals, s.notPrincipals, (p) => truth(stringMatches(p, r.req.principal))),
    field(s.namespaces, s.notNamespaces, (p) => truth(stringMatches(p, r.sourceNamespace))),
    field(s.ipBlocks, s.notIpBlocks, (p) => r.ip(p, r.req.sourceIp)),
    field(s.remoteIpBlocks, s.notRemoteIpBlocks, (p) => r.ip(p, r.req.sourceIp)),
  ];
  if (!dropHttp) parts.push(field(s.requestPrincipals, s.notRequestPrincipals, (p) => r.sent(stringMatches(p, r.requestPrincipal))));
  return and(...parts);
}

/** One operation entry of a rule (`to[].operation`). */
function operationMatches(r: RequestView, o: Obj, dropHttp: boolean): Truth {
  const parts = [field(o.ports, o.notPorts, (p) => r.port(p))];
  if (!dropHttp) {
    parts.push(field(o.methods, o.notMethods, (p) => r.sent(stringMatches(p, r.req.method))));
    parts.push(field(o.paths, o.notPaths, (p) => r.sent(pathMatches(p, r.req.path))));
    parts.push(field(o.hosts, o.notHosts, (p) => (r.req.host === undefined ? Truth.UNKNOWN : r.sent(hostMatches(p, r.req.host)))));
  }
  return and(...parts);
}

/** The value(s) of a condition key for this request (none when absent), or `unknown` when the request does not say. */
function conditionValues(r: RequestView, key: string): string[] | 'unknown' {
  if (r.open && (key.startsWith('request.') || key.startsWith('destination.'))) return 'unknown';
  const bracket = /^([a-z.]+)\[(.*)\]$/.exec(key);
  if (bracket) {
    if (bracket[1] === 'request.headers') {
      const v = r.header(bracket[2]);
      return v === undefined ? [] : [v];
    }
    if (bracket[1] === 'request.auth.claims') return r.claim(bracket[2].split('][')) ?? [];
    return 'unknown';
  }
  const c = r.req.jwtClaims ?? {};
  switch (key) {
    case 'source.ip':
    case 'remote.ip':
      return r.req.sourceIp === undefined ? 'unknown' : [r.req.sourceIp];
    case 'source.namespace': return r.sourceNamespace === undefined ? [] : [r.sourceNamespace];
    case 'source.principal': return r.req.principal === undefined ? [] : [r.req.principal];
    case 'request.auth.principal': return r.requestPrincipal === undefined ? [] : [r.requestPrincipal];
    case 'request.auth.audiences': return typeof c.aud === 'string' ? [c.aud] : list(c.aud);
    case 'request.auth.presenter': return typeof c.azp === 'string' ? [c.azp] : [];
    case 'destination.port': return r.req.port === undefined ? 'unknown' : [String(r.req.port)];
    default: return 'unknown';
  }
}

/** One `when` condition. */
function conditionMatches(r: RequestView, c: Obj): Truth {
  const key = String(c.key ?? '');
  const values = conditionValues(r, key);
  if (values === 'unknown') return Truth.UNKNOWN;
  const ip = key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip';
  const one = (pattern: string) => truth(values.some((v) => (ip ? ipMatches(pattern, v) : stringMatches(pattern, v))));
  return field(c.values, c.notValues, one);
}

/** Whether a rule uses fields that exist only for HTTP. */
function usesHttpOnly(rule: Obj): boolean {
  return (rule.from ?? []).some((f: Obj) => HTTP_ONLY_SOURCE.some((k) => f?.source?.[k] !== undefined))
    || (rule.to ?? []).some((t: Obj) => HTTP_ONLY_OPERATION.some((k) => t?.operation?.[k] !== undefined))
    || (rule.when ?? []).some((w: Obj) => String(w?.key ?? '').startsWith('request.'));
}

/**
 * One rule. For a TCP connection Istio drops ALLOW rules that use HTTP-only fields (they never
 * match) and ignores those fields in DENY, CUSTOM and AUDIT rules (which then match more).
 */
function ruleMatches(r: RequestView, rule: Obj, action: string): Truth {
  const tcp = !r.http;
  if (tcp && action === 'ALLOW' && usesHttpOnly(rule)) return Truth.FALSE;
  const parts: Truth[] = [];
  if (rule.from !== undefined) parts.push(or((rule.from as Obj[]).map((f) => sourceMatches(r, f?.source ?? {}, tcp))));
  if (rule.to !== undefined) parts.push(or((rule.to as Obj[]).map((t) => operationMatches(r, t?.operation ?? {}, tcp))));
  const when = (rule.when ?? []) as Obj[];
  parts.push(...when.filter((w) => !(tcp && String(w?.key ?? '').startsWith('request.'))).map((w) => conditionMatches(r, w)));
  return and(...parts);
}

/** The first rule of a policy that matches, or the first that might. */
function policyMatch(r: RequestView, policy: AuthzPolicy): { truth: Truth; rule?: number } {
  const action = String(policy.spec.action ?? 'ALLOW');
  const rules = (policy.spec.rules ?? []) as Obj[];
  let maybe: number | undefined;
  for (let i = 0; i < rules.length; i++) {
    const t = ruleMatches(r, rules[i] ?? {}, action);
    if (t === Truth.TRUE) return { truth: t, rule: i };
    if (t === Truth.UNKNOWN && maybe === undefined) maybe = i;
  }
  return maybe !== undefined ? { truth: Truth.UNKNOWN, rule: maybe } : { truth: Truth.FALSE };
}

const id = (p: AuthzPolicy) => `${p.namespace}/${p.name}`;

const words = (v: unknown): string => list(v).join(',');

/**
 * A short description of the requests a rule matches beyond who sends them: its operations
 * (`GET,HEAD /api/*`, alternatives joined by `or`), then tokens, address blocks and request
 * conditions, joined by `, ` (all must hold); not-forms read `not`.
 */
export function ruleLabel(rule: Obj, http: boolean): string {
  const parts: string[] = [];
  const ops = ((rule.to ?? []) as Obj[]).map((t) => {
    const o: Obj = t?.operation ?? {};
    const bits = http ? [
      o.methods !== undefined ? words(o.methods) : '', o.notMethods !== undefined ? `not ${words(o.notMethods)}` : '',
      o.hosts !== undefined ? `host ${words(o.hosts)}` : '', o.notHosts !== undefined ? `host not ${words(o.notHosts)}` : '',
      o.paths !== undefined ? words(o.paths) : '', o.notPaths !== undefined ? `not ${words(o.notPaths)}` : '',
    ] : [];
    bits.push(o.ports !== undefined ? `port ${words(o.ports)}` : '', o.notPorts !== undefined ? `port not ${words(o.notPorts)}` : '');
    return bits.filter((b) => b !== '').join(' ');
  }).filter((o) => o !== '');
  if (ops.length > 0) parts.push(ops.join(' or '));
  for (const f of (rule.from ?? []) as Obj[]) {
    const src: Obj = f?.source ?? {};
    if (http && src.requestPrincipals !== undefined) parts.push(`token ${words(src.requestPrincipals)}`);
    if (http && src.notRequestPrincipals !== undefined) parts.push(`without token ${words(src.notRequestPrincipals)}`);
    for (const k of ['ipBlocks', 'remoteIpBlocks']) if (src[k] !== undefined) parts.push(`from ${words(src[k])}`);
    for (const k of ['notIpBlocks', 'notRemoteIpBlocks']) if (src[k] !== undefined) parts.push(`from not ${words(src[k])}`);
  }
  for (const w of (rule.when ?? []) as Obj[]) {
    const key = String(w?.key ?? '');
    // who calls is decided, not described; what is sent (and from where) is described
    if ((!http && key.startsWith('request.')) || key === 'source.namespace' || key === 'source.principal') continue;
    if (w?.values !== undefined) parts.push(`${key}=${words(w.values)}`);
    if (w?.notValues !== undefined) parts.push(`${key}!=${words(w.notValues)}`);
  }
  return parts.length > 0 ? parts.join(', ') : '*';
}

/** A caller, as far as known: its principal (and the namespace in it), its address. */
export interface AccessCaller {
  readonly principal?: string;
  /** The namespace in the principal (computed when absent). */
  readonly namespace?: string;
  readonly sourceIp?: string;
}

/**
 * The AuthorizationPolicies that apply to one workload (or one waypoint-served Service),
 * grouped by action once, deciding single requests and whole callers.
 */
export class PolicySet {
  private readonly custom: readonly AuthzPolicy[];
  private readonly deny: readonly AuthzPolicy[];
  private readonly allow: readonly AuthzPolicy[];
  /** The principal and namespace patterns of every rule: callers alike on all of them are decided alike. */
  private readonly patterns = {
    principals: new Set<string>(), namespaces: new Set<string>(), wildPrincipals: [] as string[], wildNamespaces: [] as string[],
  };
  private readonly accessCache = new Map<string, AuthzAccess>();

  constructor(policies: readonly AuthzPolicy[]) {
    const byAction = (a: string) => policies.filter((p) => String(p.spec.action ?? 'ALLOW') === a);
    this.custom = byAction('CUSTOM');
    this.deny = byAction('DENY');
    this.allow = byAction('ALLOW');
    const add = (values: unknown, exact: Set<string>, wild: string[]) => {
      for (const v of list(values)) {
        if (!v.includes('*')) exact.add(v);
        else if (!wild.includes(v)) wild.push(v);
      }
    };
    const pt = this.patterns;
    for (const p of policies) {
      for (const rule of (p.spec.rules ?? []) as Obj[]) {
        for (const f of (rule?.from ?? []) as Obj[]) {
          add(f?.source?.principals, pt.principals, pt.wildPrincipals);
          add(f?.source?.notPrincipals, pt.principals, pt.wildPrincipals);
          add(f?.source?.namespaces, pt.namespaces, pt.wildNamespaces);
          add(f?.source?.notNamespaces, pt.namespaces, pt.wildNamespaces);
        }
        for (const w of (rule?.when ?? []) as Obj[]) {
          if (w?.key === 'source.principal') add([...list(w.values), ...list(w.notValues)], pt.principals, pt.wildPrincipals);
          if (w?.key === 'source.namespace') add([...list(w.values), ...list(w.notValues)], pt.namespaces, pt.wildNamespaces);
        }
      }
    }
  }

  /** The decision on one request. */
  public decide(request: AuthzRequest): AuthzDecision {
    const r = new RequestView(request);
    for (const p of this.custom) {
      const m = policyMatch(r, p);
      if (m.truth !== Truth.FALSE) {
        return { verdict: AuthzVerdict.DEPENDS, policy: id(p), rule: m.rule, reason: `the CUSTOM policy ${m.truth === Truth.TRUE ? 'matches' : 'may match'}: the external authorizer "${p.spec.provider?.name ?? ''}" decides` };
      }
    }
    let unsure: AuthzDecision | undefined;
    for (const p of this.deny) {
      const m = policyMatch(r, p);
      if (m.truth === Truth.TRUE) return { verdict: AuthzVerdict.DENY, policy: id(p), rule: m.rule, reason: 'a DENY policy matches' };
      if (m.truth === Truth.UNKNOWN && unsure === undefined) {
        unsure = { verdict: AuthzVerdict.DEPENDS, policy: id(p), rule: m.rule, reason: 'a DENY policy matches or not depending on what the request does not say (source IP, port, ...)' };
      }
    }
    if (unsure !== undefined) return unsure;
    if (this.allow.length === 0) return { verdict: AuthzVerdict.ALLOW, reason: 'no ALLOW policy applies, so everything not denied is allowed' };
    for (const p of this.allow) {
      const m = policyMatch(r, p);
      if (m.truth === Truth.TRUE) return { verdict: AuthzVerdict.ALLOW, policy: id(p), rule: m.rule, reason: 'an ALLOW policy matches' };
      if (m.truth === Truth.UNKNOWN && unsure === undefined) {
        unsure = { verdict: AuthzVerdict.DEPENDS, policy: id(p), rule: m.rule, reason: 'an ALLOW policy matches or not depending on what the request does not say (source IP, port, ...)' };
      }
    }
    return unsure ?? { verdict: AuthzVerdict.DENY, reason: `ALLOW policies apply (${this.allow.map(id).join(', ')}) but none matches` };
  }

  /**
   * What a caller (its identity and address, as far as known) may send over HTTP or TCP: every
   * request is evaluated at once, what it sends being unknown; a rule that turns on what is
   * sent allows (or denies) SOME requests, described by the rule.
   */
  public access(caller: AccessCaller, port: number | undefined, http: boolean): AuthzAccess {
    if (caller.sourceIp !== undefined) return this.evaluateAccess(caller, port, http);
    // What tells callers apart here: which exact patterns they hit and which wildcards match.
    const pt = this.patterns;
    const principal = caller.principal;
    const namespace = caller.namespace ?? namespaceOf(principal);
    const pHit = principal !== undefined && pt.principals.has(principal);
    const nHit = namespace !== undefined && pt.namespaces.has(namespace);
    let key = `${http}|${port}`;
    if (pHit || nHit || pt.wildPrincipals.length > 0 || pt.wildNamespaces.length > 0) {
      key += `|${pHit ? principal : '-'}|${nHit ? namespace : '-'}|`;
      for (const w of pt.wildPrincipals) key += stringMatches(w, principal) ? '1' : '0';
      for (const w of pt.wildNamespaces) key += stringMatches(w, namespace) ? '1' : '0';
    }
    let a = this.accessCache.get(key);
    if (a === undefined) {
      a = this.evaluateAccess(caller, port, http);
      this.accessCache.set(key, a);
    }
    return a;
  }

  private evaluateAccess(caller: AccessCaller, port: number | undefined, http: boolean): AuthzAccess {
    const r = new RequestView({ principal: caller.principal, sourceIp: caller.sourceIp, port }, true, http);
    const denied: string[] = [];
    const policies = new Set<string>();
    type Sure = (p: AuthzPolicy) => AuthzAccess | undefined;
    const scan = (set: readonly AuthzPolicy[], action: string, sure: Sure, maybe: (p: AuthzPolicy, rule: Obj) => void): AuthzAccess | undefined => {
      for (const p of set) {
        const rules = (p.spec.rules ?? []) as Obj[];
        for (const rule of rules) {
          const t = ruleMatches(r, rule ?? {}, action);
          if (t === Truth.TRUE) return sure(p);
          if (t === Truth.UNKNOWN) maybe(p, rule ?? {});
        }
      }
      return undefined;
    };
    const decided = scan(this.custom, 'CUSTOM',
      (p) => ({ level: AccessLevel.DEPENDS, allowed: [], denied: [], policies: [id(p)], reason: `the external authorizer "${p.spec.provider?.name ?? ''}" of the CUSTOM policy ${id(p)} decides` }),
      (p, rule) => { denied.push(`ext-authz ${ruleLabel(rule, http)}`); policies.add(id(p)); })
      ?? scan(this.deny, 'DENY',
        (p) => ({ level: AccessLevel.NONE, allowed: [], denied: [], policies: [id(p)], reason: `the DENY policy ${id(p)} matches every request of this caller` }),
        (p, rule) => { denied.push(ruleLabel(rule, http)); policies.add(id(p)); });
    if (decided !== undefined) return decided;
    const less = denied.length > 0 ? ` less what ${[...policies].join(', ')} take${policies.size > 1 ? '' : 's'} out` : '';
    if (this.allow.length === 0) {
      return { level: denied.length > 0 ? AccessLevel.SOME : AccessLevel.ALL, allowed: denied.length > 0 ? ['*'] : [], denied, policies: [...policies], reason: `no ALLOW policy applies${less}` };
    }
    const allowed: string[] = [];
    const allowers = new Set<string>();
    const all = scan(this.allow, 'ALLOW',
      (p) => ({ level: denied.length > 0 ? AccessLevel.SOME : AccessLevel.ALL, allowed: denied.length > 0 ? ['*'] : [], denied, policies: [id(p), ...policies], reason: `the ALLOW policy ${id(p)} matches every request of this caller${less}` }),
      (p, rule) => { allowed.push(ruleLabel(rule, http)); allowers.add(id(p)); });
    if (all !== undefined) return all;
    if (allowed.length === 0) {
      return { level: AccessLevel.NONE, allowed: [], denied: [], policies: [], reason: `ALLOW policies apply (${this.allow.map(id).join(', ')}) but none matches this caller` };
    }
    return { level: AccessLevel.SOME, allowed: [...new Set(allowed)], denied, policies: [...allowers, ...policies], reason: `${[...allowers].join(', ')} allow${allowers.size > 1 ? '' : 's'} some requests${less}` };
  }
}

/**
 * Decides one request against the policies that apply to its destination (selected by the
 * caller: the workload's namespace, its selectors, the root namespace, or `targetRefs`).
 */
export function evaluateAuthorization(policies: readonly AuthzPolicy[], request: AuthzRequest): AuthzDecision {
  return new PolicySet(policies).decide(request);
}
