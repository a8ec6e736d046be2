// Evaluates the AuthorizationPolicies that apply to a workload against one request, as Istio
// does: CUSTOM policies first (their provider decides), then DENY, then ALLOW; a workload with
// no ALLOW policy allows; with ALLOW policies, a request no rule matches is denied. A rule
// matches when one of its sources, one of its operations and all of its conditions match.
// Where the answer turns on something the request does not give (a source IP, a port), the
// result is DEPENDS instead of a guess.
import { and, hostMatches, ipMatches, not, or, pathMatches, stringMatches, Truth, truth } from './match';

/** One request, as far as the question states it. */
export interface AuthzRequest {
  /**
   * The caller's mesh identity (mTLS peer principal), e.g. `cluster.local/ns/shop/sa/web`.
   * @default - no peer identity: plain text, or a caller outside the mesh
   */
  readonly principal?: string;
  /** @default - unknown */
  readonly sourceIp?: string;
  /** The destination (container) port. @default - unknown */
  readonly port?: number;
  /** HTTP method; with `path`, makes the request HTTP. @default - a TCP connection (with no path either) */
  readonly method?: string;
  /** HTTP path (query string ignored). @default - a TCP connection (with no method either) */
  readonly path?: string;
  /** HTTP Host/authority. @default - unknown */
  readonly host?: string;
  /** HTTP request headers (names case-insensitive). @default - none */
  readonly headers?: { readonly [name: string]: string };
  /** Claims of a JWT a RequestAuthentication has validated (`iss`, `sub`, `aud`, `azp`, ...). @default - no token */
  readonly jwtClaims?: { readonly [claim: string]: unknown };
}

/** An AuthorizationPolicy as written (`spec` as in the manifest). */
export interface AuthzPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly spec: { readonly [key: string]: any };
}

/** The decision. */
export type AuthzVerdict = 'ALLOW' | 'DENY' | 'DEPENDS';

/** What was decided, and by which policy and rule. */
export interface AuthzDecision {
  readonly verdict: AuthzVerdict;
  /** `<namespace>/<name>` of the deciding policy, if one decided. */
  readonly policy?: string;
  /** Index of the deciding rule in that policy. */
  readonly rule?: number;
  /** Why, in words. */
  readonly reason: string;
}

/** Fields and condition keys that exist only for HTTP (Istio ignores or drops them for TCP). */
const HTTP_ONLY_OPERATION = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
const HTTP_ONLY_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];

type Obj = { [key: string]: any };
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The namespace in a SPIFFE-style principal `<trust domain>/ns/<namespace>/sa/<account>`. */
function namespaceOf(principal: string | undefined): string | undefined {
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

/** Evaluation of one request, with what follows from it computed once. */
class RequestView {
  public readonly http: boolean;
  public readonly sourceNamespace?: string;
  public readonly requestPrincipal?: string;
  private readonly headers = new Map<string, string>();

  constructor(public readonly req: AuthzRequest) {
    this.http = req.method !== undefined || req.path !== undefined;
    this.sourceNamespace = namespaceOf(req.principal);
    const c = req.jwtClaims;
    if (c !== undefined && typeof c.iss === 'string' && typeof c.sub === 'string') this.requestPrincipal = `${c.iss}/${c.sub}`;
    for (const [k, v] of Object.entries(req.headers ?? {})) this.headers.set(k.toLowerCase(), v);
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
  if (!dropHttp) parts.push(field(s.requestPrincipals, s.notRequestPrincipals, (p) => truth(stringMatches(p, r.requestPrincipal))));
  return and(...parts);
}

/** One operation entry of a rule (`to[].operation`). */
function operationMatches(r: RequestView, o: Obj, dropHttp: boolean): Truth {
  const parts = [field(o.ports, o.notPorts, (p) => r.port(p))];
  if (!dropHttp) {
    parts.push(field(o.methods, o.notMethods, (p) => truth(stringMatches(p, r.req.method))));
    parts.push(field(o.paths, o.notPaths, (p) => truth(pathMatches(p, r.req.path))));
    parts.push(field(o.hosts, o.notHosts, (p) => (r.req.host === undefined ? Truth.UNKNOWN : truth(hostMatches(p, r.req.host)))));
  }
  return and(...parts);
}

/** The value(s) of a condition key for this request (none when absent), or `unknown` when the request does not say. */
function conditionValues(r: RequestView, key: string): string[] | 'unknown' {
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

/**
 * Decides one request against the policies that apply to its destination (selected by the
 * caller: the workload's namespace, its selectors, the root namespace, or `targetRefs`).
 */
export function evaluateAuthorization(policies: readonly AuthzPolicy[], request: AuthzRequest): AuthzDecision {
  const r = new RequestView(request);
  const byAction = (a: string) => policies.filter((p) => String(p.spec.action ?? 'ALLOW') === a);
  for (const p of byAction('CUSTOM')) {
    const m = policyMatch(r, p);
    if (m.truth !== Truth.FALSE) {
      return { verdict: 'DEPENDS', policy: id(p), rule: m.rule, reason: `the CUSTOM policy ${m.truth === Truth.TRUE ? 'matches' : 'may match'}: the external authorizer "${p.spec.provider?.name ?? ''}" decides` };
    }
  }
  let unsure: AuthzDecision | undefined;
  for (const p of byAction('DENY')) {
    const m = policyMatch(r, p);
    if (m.truth === Truth.TRUE) return { verdict: 'DENY', policy: id(p), rule: m.rule, reason: 'a DENY policy matches' };
    if (m.truth === Truth.UNKNOWN && unsure === undefined) {
      unsure = { verdict: 'DEPENDS', policy: id(p), rule: m.rule, reason: 'a DENY policy matches or not depending on what the request does not say (source IP, port, ...)' };
    }
  }
  if (unsure !== undefined) return unsure;
  const allow = byAction('ALLOW');
  if (allow.length === 0) return { verdict: 'ALLOW', reason: 'no ALLOW policy applies, so everything not denied is allowed' };
  for (const p of allow) {
    const m = policyMatch(r, p);
    if (m.truth === Truth.TRUE) return { verdict: 'ALLOW', policy: id(p), rule: m.rule, reason: 'an ALLOW policy matches' };
    if (m.truth === Truth.UNKNOWN && unsure === undefined) {
      unsure = { verdict: 'DEPENDS', policy: id(p), rule: m.rule, reason: 'an ALLOW policy matches or not depending on what the request does not say (source IP, port, ...)' };
    }
  }
  return unsure ?? { verdict: 'DENY', reason: `ALLOW policies apply (${allow.map(id).join(', ')}) but none matches` };
}
