import { Chart, Testing } from 'cdk8s';
import { Protocol, WorkloadSelector } from '../../src';
import { JwtProtectedApp } from '../../src/patterns/jwt-protected-app';
import { MeshService } from '../../src/patterns/mesh-service';
import { MtlsNamespace } from '../../src/patterns/mtls-namespace';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const INGRESS = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

const byKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

// ---------------------------------------------------------------------------------------
// A small model of Istio's authorization decision (CUSTOM aside): deny if any DENY policy
// matches; otherwise allow if the workload has no ALLOW policy or one of them matches.
// It reads the synthesized policies, so these tests check the YAML, not our intentions.

interface Request {
  /** Peer identity (mTLS), e.g. the ingress gateway's principal. */
  readonly peer?: string;
  /** `<iss>/<sub>` of a valid JWT, if any. */
  readonly requestPrincipal?: string;
  readonly claims?: { [claim: string]: string[] };
  readonly method?: string;
  readonly path?: string;
  /** Workload (container) port. */
  readonly port: number;
}

function matchString(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}
const anyOf = (list: string[] | undefined, value: string | undefined) => list === undefined || list.some((p) => matchString(p, value));
const noneOf = (list: string[] | undefined, value: string | undefined) => list === undefined || !list.some((p) => matchString(p, value));

function sourceMatches(s: any, r: Request): boolean {
  const ns = r.peer?.match(/\/ns\/([^/]+)\//)?.[1];
  return anyOf(s.principals, r.peer) && noneOf(s.notPrincipals, r.peer)
    && anyOf(s.namespaces, ns) && noneOf(s.notNamespaces, ns)
    && anyOf(s.requestPrincipals, r.requestPrincipal) && noneOf(s.notRequestPrincipals, r.requestPrincipal);
}

function operationMatches(o: any, r: Request): boolean {
  return anyOf(o.methods, r.method) && noneOf(o.notMethods, r.method)
    && anyOf(o.paths, r.path) && noneOf(o.notPaths, r.path)
    && anyOf(o.ports, String(r.port)) && noneOf(o.notPorts, String(r.port));
}

function conditionMatches(c: any, r: Request): boolean {
  const claim = /^request\.auth\.claims\[([^\]]+)\]$/.exec(c.key)?.[1];
  if (claim === undefined) throw new Error(`model does not know ${c.key}`);
  const values = r.claims?.[claim];
  const has = (list: string[]) => values !== undefined && values.some((v) => list.includes(v));
  return (c.values === undefined || has(c.values)) && (c.notValues === undefined || !has(c.notValues));
}

function ruleMatches(rule: any, r: Request): boolean {
  return (rule.from === undefined || rule.from.some((f: any) => sourceMatches(f.source, r)))
    && (rule.to === undefined || rule.to.some((t: any) => operationMatches(t.operation, r)))
    && (rule.when === undefined || rule.when.every((c: any) => conditionMatches(c, r)));
}

/** Istio's decision for a request to pods with `labels` in `namespace`, given every synthesized object. */
function decide(objs: any[], namespace: string, labels: { [k: string]: string }, r: Request): 'ALLOW' | 'DENY' {
  const policies = byKind(objs, 'AuthorizationPolicy').filter((p) => p.metadata.namespace === namespace
    && Object.entries(p.spec.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
  const matches = (p: any) => (p.spec.rules ?? []).some((rule: any) => ruleMatches(rule, r));
  if (policies.some((p) => p.spec.action === 'DENY' && matches(p))) return 'DENY';
  const allows = policies.filter((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  return allows.length === 0 || allows.some(matches) ? 'ALLOW' : 'DENY';
}

// ---------------------------------------------------------------------------------------

/** Bookinfo-like setup: productpage behind the ingress gateway, reviews called by productpage. */
function setup(jwt: Partial<ConstructorParameters<typeof JwtProtectedApp>[2]> = {}) {
  const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
  const productpage = new MeshService(ns, 'productpage', { port: 9080, image: 'productpage:1' });
  const reviews = new MeshService(ns, 'reviews', { port: 9080, image: 'reviews:1' });
  productpage.allowFromIngressGateway();
  reviews.allowFrom(productpage, { methods: ['GET'] });
  const app = new JwtProtectedApp(ns, 'reviews-jwt', { service: reviews, issuer: ISSUER, jwksUri: JWKS_URI, ...jwt });
  return { ns, productpage, reviews, app, objs: () => Testing.synth(ns) };
}
const PRODUCTPAGE = 'cluster.local/ns/bookinfo/sa/productpage';
const RATINGS = 'cluster.local/ns/bookinfo/sa/ratings';
const REVIEWS_PODS = { app: 'reviews', version: 'v1' };

describe('JwtProtectedApp', () => {
  test('default configuration (snapshot)', () => {
    const { objs } = setup();
    expect(objs().filter((o) => ['RequestAuthentication', 'AuthorizationPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const ns = new MtlsNamespace(Testing.app(), 'shop');
    const api = new MeshService(ns, 'api', {
      port: 8080,
      image: 'api:1',
      additionalPorts: [{ port: 9090, protocol: Protocol.GRPC }, { port: 5432, protocol: Protocol.TCP }],
    });
    api.allowFromIngressGateway();
    new JwtProtectedApp(ns, 'api-jwt', {
      service: api,
      name: 'api-auth',
      issuer: ISSUER,
      jwksUri: JWKS_URI,
      audiences: ['shop-api'],
      forwardOriginalToken: true,
      additionalIssuers: [{
        issuer: 'testing@secure.istio.io',
        jwks: JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ' }] }),
        fromHeaders: [{ name: 'x-jwt-assertion' }],
      }],
      requiredClaims: { groups: ['buyers', 'admins'], scope: ['orders.read'] },
      exemptPaths: ['/healthz', '/static/*', '*.png'],
      allowAuthenticatedCallers: true,
    });
    expect(Testing.synth(ns).filter((o) => ['RequestAuthentication', 'AuthorizationPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('RequestAuthentication and policies select exactly the service\'s pods, in its namespace', () => {
    const { objs, reviews } = setup();
    const all = objs();
    const ra = byKind(all, 'RequestAuthentication')[0];
    expect(ra.spec.jwtRules).toEqual([{ issuer: ISSUER, jwksUri: JWKS_URI }]);
    const mine = [ra, ...byKind(all, 'AuthorizationPolicy').filter((p) => p.metadata.name.startsWith('reviews-'))];
    expect(mine).toHaveLength(2); // RequestAuthentication + DENY; no ALLOW for a service by default
    for (const o of mine) {
      expect(o.metadata.namespace).toBe(reviews.namespace);
      expect(o.spec.selector.matchLabels).toEqual(reviews.selector.labels);
    }
    // Every version's pods are selected.
    for (const d of byKind(all, 'Deployment').filter((x) => x.metadata.labels.app === 'reviews')) {
      expect(Object.entries(ra.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v)).toBe(true);
    }
  });

  test('a missing token is denied even for a caller the service allows (ALLOW policies are OR-ed; DENY closes the gap)', () => {
    const { objs } = setup();
    const all = objs();
    const noToken: Request = { peer: PRODUCTPAGE, method: 'GET', path: '/reviews/1', port: 9080 };
    expect(decide(all, 'bookinfo', REVIEWS_PODS, noToken)).toBe('DENY');
    // Without the DENY policy the allowFrom rule would have let it through.
    const withoutDeny = all.filter((o) => o.metadata.name !== 'reviews-require-jwt');
    expect(decide(withoutDeny, 'bookinfo', REVIEWS_PODS, noToken)).toBe('ALLOW');
  });

  test('an allowed caller with a valid token gets through; a caller not allowed does not, token or not', () => {
    const { objs } = setup();
    const all = objs();
    const token = { requestPrincipal: `${ISSUER}/alice` };
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: PRODUCTPAGE, method: 'GET', path: '/reviews/1', port: 9080, ...token })).toBe('ALLOW');
    // The allowFrom restriction still holds (method and caller): the JWT requirement is AND-ed.
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: PRODUCTPAGE, method: 'DELETE', path: '/reviews/1', port: 9080, ...token })).toBe('DENY');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: RATINGS, method: 'GET', path: '/reviews/1', port: 9080, ...token })).toBe('DENY');
  });

  test('a token from another issuer is denied', () => {
    const { objs } = setup();
    const r: Request = { peer: PRODUCTPAGE, requestPrincipal: 'https://evil.example.com/alice', method: 'GET', path: '/', port: 9080 };
    expect(decide(objs(), 'bookinfo', REVIEWS_PODS, r)).toBe('DENY');
  });

  test('required claims: a token without them is denied', () => {
    const { objs } = setup({ requiredClaims: { groups: ['reviewers'] } });
    const all = objs();
    const base: Request = { peer: PRODUCTPAGE, requestPrincipal: `${ISSUER}/alice`, method: 'GET', path: '/reviews/1', port: 9080 };
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...base, claims: { groups: ['reviewers', 'users'] } })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...base, claims: { groups: ['users'] } })).toBe('DENY');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, base)).toBe('DENY');
  });

  test('exempt paths are reachable without a token; other paths are not', () => {
    const { objs } = setup({ exemptPaths: ['/health', '/static/*'] });
    const all = objs();
    const noToken = { peer: PRODUCTPAGE, method: 'GET', port: 9080 };
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...noToken, path: '/health' })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...noToken, path: '/static/app.js' })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...noToken, path: '/reviews/1' })).toBe('DENY');
  });

  test('allowAuthenticatedCallers admits any caller with a valid token (and exempt paths) in a default-deny namespace', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
    const reviews = new MeshService(ns, 'reviews', { port: 9080, image: 'reviews:1' });
    new JwtProtectedApp(ns, 'jwt', { service: reviews, issuer: ISSUER, allowAuthenticatedCallers: true, exemptPaths: ['/health'] });
    const all = Testing.synth(ns);
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: RATINGS, requestPrincipal: `${ISSUER}/bob`, path: '/x', port: 9080 })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: RATINGS, path: '/x', port: 9080 })).toBe('DENY');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { peer: RATINGS, path: '/health', port: 9080 })).toBe('ALLOW');
  });

  test('a selector target gets the ALLOW policy by default (token holders admitted under default-deny)', () => {
    const ns = new MtlsNamespace(Testing.app(), 'foo');
    const app = new JwtProtectedApp(ns, 'httpbin', { selector: WorkloadSelector.fromLabels({ app: 'httpbin' }), issuer: ISSUER, jwksUri: JWKS_URI });
    const all = Testing.synth(ns);
    expect(app.allowPolicy).toBeDefined();
    const pods = { app: 'httpbin' };
    expect(decide(all, 'foo', pods, { peer: INGRESS, requestPrincipal: `${ISSUER}/alice`, path: '/ip', port: 8000 })).toBe('ALLOW');
    expect(decide(all, 'foo', pods, { peer: INGRESS, path: '/ip', port: 8000 })).toBe('DENY');
    for (const o of all.filter((x) => x.metadata.name.startsWith('httpbin'))) expect(o.metadata.namespace).toBe('foo');
  });

  test('several issuers: a token of any of them is accepted', () => {
    const { objs, app } = setup({ additionalIssuers: [{ issuer: 'https://login.example.org', jwksUri: 'https://login.example.org/jwks' }] });
    const all = objs();
    expect(app.issuers).toEqual([ISSUER, 'https://login.example.org']);
    expect(byKind(all, 'RequestAuthentication')[0].spec.jwtRules.map((r: any) => r.issuer)).toEqual(app.issuers);
    const r = { peer: PRODUCTPAGE, method: 'GET', path: '/', port: 9080 };
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...r, requestPrincipal: 'https://login.example.org/bob' })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...r, requestPrincipal: `${ISSUER}/alice` })).toBe('ALLOW');
    expect(decide(all, 'bookinfo', REVIEWS_PODS, { ...r, requestPrincipal: 'https://other.example.net/eve' })).toBe('DENY');
  });

  test('TCP ports of the service are not blocked by the JWT requirement', () => {
    const ns = new MtlsNamespace(Testing.app(), 'shop');
    const db = new MeshService(ns, 'api', { port: 8080, image: 'api:1', additionalPorts: [{ port: 5432, protocol: Protocol.TCP }] });
    db.allowFromNamespace('shop');
    new JwtProtectedApp(ns, 'jwt', { service: db, issuer: ISSUER });
    const all = Testing.synth(ns);
    const peer = 'cluster.local/ns/shop/sa/worker';
    expect(decide(all, 'shop', { app: 'api' }, { peer, port: 5432 })).toBe('ALLOW');
    expect(decide(all, 'shop', { app: 'api' }, { peer, path: '/orders', port: 8080 })).toBe('DENY');
  });

  test('forwardOriginalToken and audiences reach the RequestAuthentication', () => {
    const { objs } = setup({ audiences: ['bookinfo'], forwardOriginalToken: true });
    expect(byKind(objs(), 'RequestAuthentication')[0].spec.jwtRules[0]).toEqual({ issuer: ISSUER, jwksUri: JWKS_URI, audiences: ['bookinfo'], forwardOriginalToken: true });
  });

  describe('bad input', () => {
    test('JWT without issuer', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews } as any))
        .toThrow(/\[bookinfo\/x\] issuer undefined is invalid: a JWT requirement needs the issuer.*Fix: set issuer/);
    });

    test('blank issuer', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ' ' }))
        .toThrow(/\[bookinfo\/x\] issuer " " is invalid: a JWT requirement needs the issuer/);
    });

    test('issuer with a wildcard', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: 'https://*.example.com' }))
        .toThrow(/\[bookinfo\/x\] issuer "https:\/\/\*\.example\.com" is invalid: an issuer is matched exactly.*Fix: write the token's exact `iss` value/);
    });

    test('neither service nor selector', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'foo' });
      expect(() => new JwtProtectedApp(chart, 'x', { issuer: ISSUER }))
        .toThrow(/\[c\/x\] service \/ selector undefined is invalid: a JwtProtectedApp must know which workloads to protect\. Fix: pass `service/);
    });

    test('both service and selector', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, selector: WorkloadSelector.fromLabels({ app: 'r' }), issuer: ISSUER }))
        .toThrow(/\[bookinfo\/x\] service and selector .* is invalid: these fields are mutually exclusive/);
    });

    test('plain-HTTP key set URL', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, jwksUri: 'http://accounts.example.com/jwks.json' }))
        .toThrow(/jwtRules\[0\]\.jwksUri "http:\/\/accounts\.example\.com\/jwks\.json" is invalid: the key set must be fetched over HTTPS.*Fix: use "https:/);
    });

    test('both jwks and jwksUri', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, jwksUri: JWKS_URI, jwks: '{"keys":[{}]}' }))
        .toThrow(/jwtRules\[0\]\.jwks and jwtRules\[0\]\.jwksUri .* is invalid: these fields are mutually exclusive/);
    });

    test('the same issuer twice', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, additionalIssuers: [{ issuer: ISSUER }] }))
        .toThrow(/jwtRules\[1\]\.issuer "https:\/\/accounts\.example\.com" is invalid: another JWT rule of this policy already has this issuer/);
    });

    test('exempting every path', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, exemptPaths: ['/healthz', '/*'] }))
        .toThrow(/\[bookinfo\/x\] exemptPaths\[1\] "\/\*" is invalid: exempting every path turns the JWT requirement off\. Fix: list only the public paths/);
    });

    test('empty exempt path list', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, exemptPaths: [] }))
        .toThrow(/\[bookinfo\/x\] exemptPaths \[\] is invalid: the list must not be empty/);
    });

    test('relative exempt path', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, exemptPaths: ['healthz'] }))
        .toThrow(/\[bookinfo\/x\] exemptPaths\[0\] "healthz" is invalid: a path must start with "\/".*Fix: write e\.g\. "\/healthz"/);
    });

    test('required claim without values', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, requiredClaims: { groups: [] } }))
        .toThrow(/\[bookinfo\/x\] requiredClaims\["groups"\] \[\] is invalid: a required claim needs the list of accepted values\. Fix:/);
    });

    test('claim name with brackets', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, requiredClaims: { 'realm[roles]': ['a'] } }))
        .toThrow(/\[bookinfo\/x\] requiredClaims "realm\[roles\]" is invalid: a claim name must be non-empty and without brackets/);
    });

    test('a TCP-only service', () => {
      const ns = new MtlsNamespace(Testing.app(), 'data');
      const db = new MeshService(ns, 'db', { port: 5432, protocol: Protocol.TCP, image: 'pg:16' });
      expect(() => new JwtProtectedApp(ns, 'x', { service: db, issuer: ISSUER }))
        .toThrow(/\[data\/x\] service data\/db ports \["5432\/TCP"\] is invalid: JWTs are HTTP headers.*Fix: protect an HTTP service/);
    });

    test('a namespace other than the service\'s', () => {
      const { ns, reviews } = setup();
      expect(() => new JwtProtectedApp(ns, 'x', { service: reviews, issuer: ISSUER, namespace: 'other' }))
        .toThrow(/\[bookinfo\/x\] namespace "other" is invalid: policies for a workload must be in its namespace.*Fix: leave `namespace` out/);
    });

    test('a service nobody may call in a default-deny namespace fails synth', () => {
      const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
      const reviews = new MeshService(ns, 'reviews', { port: 9080, image: 'reviews:1' });
      new JwtProtectedApp(ns, 'jwt', { service: reviews, issuer: ISSUER });
      expect(() => Testing.synth(ns)).toThrow(/\[bookinfo\/jwt\] service "reviews" is invalid: it is in the default-deny namespace "bookinfo" and no ALLOW policy admits any caller.*Fix: declare its callers/);
    });
  });
});
