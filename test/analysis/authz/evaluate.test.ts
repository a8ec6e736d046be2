// Authorization as Istio evaluates it, case by case (the semantics of Istio's AuthorizationPolicy
// reference and its security tasks): each case gives the policies that apply to the destination,
// the request, the expected verdict and the deciding policy (and rule).
import { AuthzPolicy, AuthzRequest, AuthzVerdict } from '../../../src/analysis/authz/authz-types';
import { evaluateAuthorization } from '../../../src/analysis/authz/evaluate';
import { pathMatches, stringMatches } from '../../../src/analysis/authz/match';

const SLEEP = 'cluster.local/ns/default/sa/sleep';
const WEB = 'cluster.local/ns/prod-web/sa/frontend';
const p = (name: string, spec: object, namespace = 'foo'): AuthzPolicy => ({ namespace, name, spec });
const allowNothing = p('allow-nothing', {});
const denyAll = p('deny-all', { action: 'DENY', rules: [{}] });
const allowAll = p('allow-all', { rules: [{}] });
const allowFrom = (principals: string[], extra: object = {}) => p('allow', { rules: [{ from: [{ source: { principals } }], ...extra }] });
const allowTo = (operation: object) => p('allow', { rules: [{ to: [{ operation }] }] });
const allowWhen = (when: object[]) => p('allow', { rules: [{ when }] });
const get = (path: string, extra: Partial<AuthzRequest> = {}): AuthzRequest => ({ principal: SLEEP, method: 'GET', path, port: 8000, ...extra });

type Case = [string, AuthzPolicy[], AuthzRequest, `${AuthzVerdict}`, string?, number?];

const CASES: Case[] = [
  // no policy, allow-nothing, deny-all, allow-all
  ['no policy applies: allowed', [], get('/'), 'ALLOW'],
  ['allow-nothing: denied', [allowNothing], get('/'), 'DENY'],
  ['deny-all: denied', [denyAll], get('/'), 'DENY', 'foo/deny-all', 0],
  ['allow-all: allowed', [allowAll], get('/'), 'ALLOW', 'foo/allow-all', 0],
  ['allow-nothing next to a matching ALLOW: allowed by it', [allowNothing, allowFrom([SLEEP])], get('/'), 'ALLOW', 'foo/allow'],
  ['a DENY without rules matches nothing', [p('deny-none', { action: 'DENY' })], get('/'), 'ALLOW'],
  ['AUDIT policies decide nothing', [p('audit', { action: 'AUDIT', rules: [{}] })], get('/'), 'ALLOW'],
  // principals
  ['exact principal', [allowFrom([SLEEP])], get('/'), 'ALLOW', 'foo/allow', 0],
  ['another principal', [allowFrom([WEB])], get('/'), 'DENY'],
  ['principal prefix wildcard', [allowFrom(['cluster.local/ns/default/*'])], get('/'), 'ALLOW', 'foo/allow'],
  ['principal suffix wildcard', [allowFrom(['*/sa/sleep'])], get('/'), 'ALLOW', 'foo/allow'],
  ['"*" needs a peer identity: plain text is denied', [allowFrom(['*'])], get('/', { principal: undefined }), 'DENY'],
  ['"*" admits any mTLS peer', [allowFrom(['*'])], get('/'), 'ALLOW', 'foo/allow'],
  ['DENY notPrincipals ["*"] denies plain text', [p('require-mtls', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })], get('/', { principal: undefined }), 'DENY', 'foo/require-mtls'],
  ['DENY notPrincipals ["*"] lets mTLS through', [p('require-mtls', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })], get('/'), 'ALLOW'],
  ['principals and notPrincipals in one source', [p('allow', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/*'], notPrincipals: [SLEEP] } }] }] })], get('/'), 'DENY'],
  // namespaces
  ['namespace from the peer identity', [p('allow', { rules: [{ from: [{ source: { namespaces: ['default'] } }] }] })], get('/'), 'ALLOW', 'foo/allow'],
  ['another namespace', [p('allow', { rules: [{ from: [{ source: { namespaces: ['prod'] } }] }] })], get('/'), 'DENY'],
  ['namespace prefix wildcard', [p('allow', { rules: [{ from: [{ source: { namespaces: ['prod-*'] } }] }] })], get('/', { principal: WEB }), 'ALLOW', 'foo/allow'],
  ['notNamespaces in a DENY', [p('deny-others', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['foo'] } }] }] })], get('/'), 'DENY', 'foo/deny-others'],
  ['no namespace without a peer identity', [p('allow', { rules: [{ from: [{ source: { namespaces: ['default'] } }] }] })], get('/', { principal: undefined }), 'DENY'],
  // IP blocks
  ['ipBlocks without a known source IP: depends', [p('allow', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })], get('/'), 'DEPENDS', 'foo/allow'],
  ['ipBlocks CIDR contains the source', [p('allow', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })], get('/', { sourceIp: '10.1.2.3' }), 'ALLOW', 'foo/allow'],
  ['ipBlocks CIDR does not', [p('allow', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })], get('/', { sourceIp: '192.168.0.1' }), 'DENY'],
  ['ipBlocks single address', [p('allow', { rules: [{ from: [{ source: { ipBlocks: ['1.2.3.4'] } }] }] })], get('/', { sourceIp: '1.2.3.4' }), 'ALLOW', 'foo/allow'],
  ['notRemoteIpBlocks in a DENY', [p('deny', { action: 'DENY', rules: [{ from: [{ source: { notRemoteIpBlocks: ['203.0.113.0/24'] } }] }] })], get('/', { sourceIp: '198.51.100.7' }), 'DENY', 'foo/deny'],
  ['an IPv6 source and an IPv4 block', [p('allow', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })], get('/', { sourceIp: '2001:db8::1' }), 'DENY'],
  // methods, paths, hosts, ports
  ['method GET allowed', [allowTo({ methods: ['GET'] })], get('/'), 'ALLOW', 'foo/allow'],
  ['method POST not', [allowTo({ methods: ['GET'] })], get('/', { method: 'POST' }), 'DENY'],
  ['exact path', [allowTo({ paths: ['/info'] })], get('/info'), 'ALLOW', 'foo/allow'],
  ['exact path ignores the query string', [allowTo({ paths: ['/info'] })], get('/info?x=1'), 'ALLOW', 'foo/allow'],
  ['prefix path', [allowTo({ paths: ['/api/*'] })], get('/api/v1/items'), 'ALLOW', 'foo/allow'],
  ['prefix path outside', [allowTo({ paths: ['/api/*'] })], get('/apix'), 'DENY'],
  ['suffix path', [allowTo({ paths: ['*.png'] })], get('/static/logo.png'), 'ALLOW', 'foo/allow'],
  ['notPaths in a DENY (JWT-style exemption)', [p('require', { action: 'DENY', rules: [{ to: [{ operation: { notPaths: ['/healthz'] } }] }] })], get('/healthz'), 'ALLOW'],
  ['notPaths in a DENY, other path', [p('require', { action: 'DENY', rules: [{ to: [{ operation: { notPaths: ['/healthz'] } }] }] })], get('/admin'), 'DENY', 'foo/require'],
  ['template {*}: one segment', [allowTo({ paths: ['/books/{*}/reviews'] })], get('/books/42/reviews'), 'ALLOW', 'foo/allow'],
  ['template {*}: not two segments', [allowTo({ paths: ['/books/{*}/reviews'] })], get('/books/4/2/reviews'), 'DENY'],
  ['template {**}: any depth', [allowTo({ paths: ['/files/{**}'] })], get('/files/a/b/c.txt'), 'ALLOW', 'foo/allow'],
  ['hosts, case-insensitive, port ignored', [allowTo({ hosts: ['books.example.com'] })], get('/', { host: 'Books.Example.com:8080' }), 'ALLOW', 'foo/allow'],
  ['hosts without a known host: depends', [allowTo({ hosts: ['books.example.com'] })], get('/'), 'DEPENDS', 'foo/allow'],
  ['port allowed', [allowTo({ ports: ['8000'] })], get('/'), 'ALLOW', 'foo/allow'],
  ['another port', [allowTo({ ports: ['9000'] })], get('/'), 'DENY'],
  ['port rule without a known port: depends', [allowTo({ ports: ['9000'] })], get('/', { port: undefined }), 'DEPENDS', 'foo/allow'],
  ['notPorts', [allowTo({ notPorts: ['9000'] })], get('/'), 'ALLOW', 'foo/allow'],
  // precedence
  ['DENY wins over a matching ALLOW', [allowAll, p('deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })], get('/admin/x'), 'DENY', 'foo/deny-admin'],
  ['a DENY that does not match leaves the ALLOW', [allowAll, p('deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })], get('/home'), 'ALLOW', 'foo/allow-all'],
  ['CUSTOM matching: the provider decides', [allowAll, p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })], get('/admin'), 'DEPENDS', 'foo/ext'],
  ['CUSTOM not matching: the others decide', [allowNothing, p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })], get('/home'), 'DENY'],
  ['a DENY that may match: depends', [allowAll, p('deny-ip', { action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['1.2.3.4'] } }] }] })], get('/'), 'DEPENDS', 'foo/deny-ip'],
  ['the second rule decides', [p('allow', { rules: [{ from: [{ source: { principals: [WEB] } }] }, { to: [{ operation: { methods: ['GET'] } }] }] })], get('/'), 'ALLOW', 'foo/allow', 1],
  ['one source and one operation must both match', [p('allow', { rules: [{ from: [{ source: { principals: [SLEEP] } }], to: [{ operation: { methods: ['POST'] } }] }] })], get('/'), 'DENY'],
  ['any of several sources', [p('allow', { rules: [{ from: [{ source: { principals: [WEB] } }, { source: { namespaces: ['default'] } }] }] })], get('/'), 'ALLOW', 'foo/allow'],
  // conditions
  ['request header condition (name case-insensitive)', [allowWhen([{ key: 'request.headers[Version]', values: ['v1'] }])], get('/', { headers: { version: 'v1' } }), 'ALLOW', 'foo/allow'],
  ['request header absent', [allowWhen([{ key: 'request.headers[version]', values: ['v1'] }])], get('/'), 'DENY'],
  ['request header notValues', [allowWhen([{ key: 'request.headers[version]', notValues: ['v2'] }])], get('/', { headers: { version: 'v1' } }), 'ALLOW', 'foo/allow'],
  ['source.namespace condition', [allowWhen([{ key: 'source.namespace', values: ['default'] }])], get('/'), 'ALLOW', 'foo/allow'],
  ['source.principal condition', [allowWhen([{ key: 'source.principal', values: [WEB] }])], get('/'), 'DENY'],
  ['JWT claim (list) condition', [allowWhen([{ key: 'request.auth.claims[groups]', values: ['admins'] }])], get('/', { jwtClaims: { iss: 'https://idp', sub: 'u1', groups: ['users', 'admins'] } }), 'ALLOW', 'foo/allow'],
  ['nested JWT claim condition', [allowWhen([{ key: 'request.auth.claims[realm][role]', values: ['editor'] }])], get('/', { jwtClaims: { realm: { role: 'editor' } } }), 'ALLOW', 'foo/allow'],
  ['JWT claim condition without a token', [allowWhen([{ key: 'request.auth.claims[groups]', values: ['admins'] }])], get('/'), 'DENY'],
  ['audiences condition', [allowWhen([{ key: 'request.auth.audiences', values: ['bookinfo'] }])], get('/', { jwtClaims: { aud: ['bookinfo', 'other'] } }), 'ALLOW', 'foo/allow'],
  ['source.ip condition without a known IP: depends', [allowWhen([{ key: 'source.ip', values: ['10.0.0.0/8'] }])], get('/'), 'DEPENDS', 'foo/allow'],
  ['source.ip condition with a CIDR', [allowWhen([{ key: 'source.ip', values: ['10.0.0.0/8'] }])], get('/', { sourceIp: '10.9.9.9' }), 'ALLOW', 'foo/allow'],
  ['destination.port condition', [allowWhen([{ key: 'destination.port', values: ['8000'] }])], get('/'), 'ALLOW', 'foo/allow'],
  // request principals (JWT)
  ['requestPrincipals iss/sub', [p('allow', { rules: [{ from: [{ source: { requestPrincipals: ['https://idp/u1'] } }] }] })], get('/', { jwtClaims: { iss: 'https://idp', sub: 'u1' } }), 'ALLOW', 'foo/allow'],
  ['requestPrincipals issuer wildcard', [p('allow', { rules: [{ from: [{ source: { requestPrincipals: ['https://idp/*'] } }] }] })], get('/', { jwtClaims: { iss: 'https://idp', sub: 'u2' } }), 'ALLOW', 'foo/allow'],
  ['requestPrincipals without a token', [p('allow', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] })], get('/'), 'DENY'],
  ['DENY notRequestPrincipals ["*"]: no token, denied', [p('require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] })], get('/'), 'DENY', 'foo/require-jwt'],
  ['DENY notRequestPrincipals ["*"]: with a token, allowed', [p('require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] })], get('/', { jwtClaims: { iss: 'i', sub: 's' } }), 'ALLOW'],
  // more forms
  ['host suffix wildcard', [allowTo({ hosts: ['*.example.com'] })], get('/', { host: 'api.example.com' }), 'ALLOW', 'foo/allow'],
  ['notHosts', [allowTo({ notHosts: ['admin.example.com'] })], get('/', { host: 'admin.example.com' }), 'DENY'],
  ['notMethods in a DENY', [p('read-only', { action: 'DENY', rules: [{ to: [{ operation: { notMethods: ['GET', 'HEAD'] } }] }] })], get('/', { method: 'DELETE' }), 'DENY', 'foo/read-only'],
  ['notMethods in a DENY, a GET passes', [p('read-only', { action: 'DENY', rules: [{ to: [{ operation: { notMethods: ['GET', 'HEAD'] } }] }] })], get('/'), 'ALLOW'],
  ['paths "*" matches any path', [allowTo({ paths: ['*'] })], get('/anything/at/all'), 'ALLOW', 'foo/allow'],
  ['presenter condition', [allowWhen([{ key: 'request.auth.presenter', values: ['web-app'] }])], get('/', { jwtClaims: { azp: 'web-app' } }), 'ALLOW', 'foo/allow'],
  ['request.auth.principal condition', [allowWhen([{ key: 'request.auth.principal', values: ['https://idp/*'] }])], get('/', { jwtClaims: { iss: 'https://idp', sub: 'u9' } }), 'ALLOW', 'foo/allow'],
  ['header notValues in a DENY', [p('deny-non-v1', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[version]', notValues: ['v1'] }] }] })], get('/', { headers: { version: 'v2' } }), 'DENY', 'foo/deny-non-v1'],
  ['the second ALLOW policy matches', [allowFrom([WEB]), p('allow-get', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })], get('/'), 'ALLOW', 'foo/allow-get'],
  ['CUSTOM is evaluated before a matching DENY', [denyAll, p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] })], get('/'), 'DEPENDS', 'foo/ext'],
  ['remoteIpBlocks in an ALLOW', [p('allow', { rules: [{ from: [{ source: { remoteIpBlocks: ['203.0.113.0/24'] } }] }] })], get('/', { sourceIp: '203.0.113.9' }), 'ALLOW', 'foo/allow'],
  ['another trust domain is another principal', [allowFrom(['cluster.local/ns/default/sa/sleep'])], get('/', { principal: 'other.domain/ns/default/sa/sleep' }), 'DENY'],
  ['TCP: a DENY rule ignores its header condition (denies)', [p('deny', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[x]', values: ['1'] }] }] })], { principal: SLEEP, port: 3306 }, 'DENY', 'foo/deny'],
  // TCP connections
  ['TCP: an ALLOW rule with HTTP fields never matches', [allowTo({ methods: ['GET'] })], { principal: SLEEP, port: 3306 }, 'DENY'],
  ['TCP: a DENY rule ignores its HTTP fields (denies)', [p('deny-get', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['3306'] } }] }] })], { principal: SLEEP, port: 3306 }, 'DENY', 'foo/deny-get'],
  ['TCP: an ALLOW rule on identity and port', [p('allow', { rules: [{ from: [{ source: { principals: [SLEEP] } }], to: [{ operation: { ports: ['3306'] } }] }] })], { principal: SLEEP, port: 3306 }, 'ALLOW', 'foo/allow'],
  ['TCP: a request header condition in an ALLOW drops the rule', [allowWhen([{ key: 'request.headers[x]', values: ['1'] }])], { principal: SLEEP, port: 3306 }, 'DENY'],
];

describe('evaluateAuthorization', () => {
  test('the corpus has at least 80 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
  });

  // as objects: test.each would pass its `done` callback in the place of a missing column
  const rows = CASES.map(([name, policies, request, verdict, policy, rule]) => ({
    name, policies, request, verdict, policy: policy ?? null, rule: rule ?? null,
  }));
  test.each(rows)('$name', ({ policies, request, verdict, policy, rule }) => {
    const d = evaluateAuthorization(policies, request);
    expect(d.verdict).toBe(verdict);
    expect(d.policy ?? null).toBe(policy);
    if (rule !== null) expect(d.rule).toBe(rule);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  test('the reasons say what decided', () => {
    expect(evaluateAuthorization([allowNothing], get('/')).reason).toBe('ALLOW policies apply (foo/allow-nothing) but none matches');
    expect(evaluateAuthorization([], get('/')).reason).toBe('no ALLOW policy applies, so everything not denied is allowed');
    expect(evaluateAuthorization([p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] })], get('/')).reason).toBe('the CUSTOM policy matches: the external authorizer "opa" decides');
  });
});

describe('matching', () => {
  test.each([
    ['*', 'x', true], ['*', '', false], ['*', undefined, false], ['abc*', 'abcd', true], ['abc*', 'ab', false],
    ['*bc', 'abc', true], ['*bc', 'abd', false], ['abc', 'abc', true], ['abc', 'abcd', false],
  ] as const)('string %s against %s: %s', (pattern, value, expected) => {
    expect(stringMatches(pattern, value)).toBe(expected);
  });
  test.each([
    ['/a/{*}/c', '/a/b/c', true], ['/a/{*}/c', '/a//c', false], ['/a/{*}', '/a/b/c', false],
    ['/a/{**}', '/a/b/c', true], ['/a/{*}/{**}', '/a/b/c/d', true], ['/a/{**}', '/a', false], ['/a/*', '/a/b/c', true],
  ] as const)('path %s against %s: %s', (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });
});
