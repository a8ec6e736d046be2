// istiod's AuthorizationPolicy admission rules on objects: a refused object and a nearby admitted one.
import { admissionOf, expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const ap = (spec: Obj, metadata: Obj = {}) => istioObject('security.istio.io/v1', 'AuthorizationPolicy', spec, metadata);
const allow = (rule: Obj) => ap({ selector: { matchLabels: { app: 'web' } }, rules: [rule] });
const deny = (rule: Obj) => ap({ action: 'DENY', rules: [rule] });
const custom = (rule: Obj) => ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [rule] });
const from = (source: Obj) => allow({ from: [{ source }] });
const to = (operation: Obj) => allow({ to: [{ operation }] });
const when = (c: Obj) => allow({ when: [c] });
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('AuthorizationPolicy admission: action, provider and rules', () => {
  test('one of selector and targetRefs; selector without wildcards', () => {
    pair(ap({ selector: { matchLabels: { app: 'web' } }, targetRefs: [{ kind: 'Service', group: '', name: 'web' }] }), ap({ targetRefs: [{ kind: 'Service', group: '', name: 'web' }] }), 'only one of selector, targetRef and targetRefs');
    pair(ap({ targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'web' }] }), ap({ targetRefs: [{ kind: 'GatewayClass', group: 'gateway.networking.k8s.io', name: 'istio' }] }), 'a targetRef must be a Service');
  });
  test('CUSTOM needs rules and a provider name; a provider only with CUSTOM', () => {
    pair(ap({ action: 'CUSTOM', provider: { name: 'ext-authz' } }), ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{}] }), 'a CUSTOM policy without rules never triggers');
    pair(ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [] }), ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{}] }), 'a CUSTOM policy without rules never triggers');
    pair(ap({ action: 'CUSTOM', rules: [{}] }), ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{}] }), 'a CUSTOM policy needs a provider name');
    pair(ap({ action: 'DENY', provider: { name: 'ext-authz' }, rules: [{}] }), ap({ action: 'DENY', rules: [{}] }), 'a provider is only allowed with action CUSTOM, not DENY');
    pair(ap({ provider: { name: 'ext-authz' }, rules: [{}] }), ap({ rules: [{}] }), 'not ALLOW');
  });
  test('DENY needs rules; ALLOW without rules (deny all) is admitted', () => {
    pair(ap({ action: 'DENY' }), ap({ action: 'DENY', rules: [{}] }), 'a DENY policy without rules never triggers');
    expect(admissionOf(ap({}))).toEqual([]);
    expect(admissionOf(ap({ action: 'AUDIT', rules: [{}] }))).toEqual([]);
  });
  test('CUSTOM cannot match on identities, in sources or conditions', () => {
    for (const k of ['namespaces', 'notNamespaces', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains']) {
      pair(custom({ from: [{ source: { [k]: ['shop'], ipBlocks: ['10.0.0.0/8'] } }] }), custom({ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }), `a CUSTOM policy cannot match on ${k}`);
    }
    for (const key of ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal', 'request.auth.claims[iss]']) {
      pair(custom({ when: [{ key, values: ['shop'] }] }), custom({ when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }), 'a CUSTOM policy cannot have conditions on identities');
    }
  });
});

describe('AuthorizationPolicy admission: sources', () => {
  test('a from entry needs a non-empty source', () => {
    pair(allow({ from: [{}] }), from({ namespaces: ['shop'] }), 'a from entry needs a source');
    pair(from({}), from({ namespaces: ['shop'] }), 'a source must set at least one field');
    pair(from({ namespaces: [] }), from({ notNamespaces: ['shop'] }), 'a source must set at least one field');
  });
  test('no empty values', () => {
    for (const k of ['principals', 'requestPrincipals', 'namespaces', 'notPrincipals', 'notRequestPrincipals', 'notNamespaces']) {
      pair(from({ [k]: [''] }), from({ [k]: ['x'] }), `an empty value is not allowed in ${k}`);
    }
  });
  test('IP blocks are addresses or CIDR blocks', () => {
    for (const k of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) {
      pair(from({ [k]: ['10.0.0.0/33'] }), from({ [k]: ['10.0.0.0/8'] }), 'is not a valid CIDR block');
      pair(from({ [k]: ['10.0.0.256'] }), from({ [k]: ['2001:db8::1'] }), 'is not a valid IP address');
    }
  });
  test('service accounts: not with namespaces or principals, name or namespace/name, no wildcard, at most 16 and 320 characters', () => {
    pair(from({ serviceAccounts: ['shop/web'], namespaces: ['shop'] }), from({ serviceAccounts: ['shop/web'] }), 'cannot set serviceAccounts together with namespaces');
    pair(from({ notServiceAccounts: ['web'], principals: ['cluster.local/ns/shop/sa/web'] }), from({ notServiceAccounts: ['web'], ipBlocks: ['10.0.0.0/8'] }), 'cannot set notServiceAccounts together with principals');
    pair(from({ serviceAccounts: ['shop/*'] }), from({ serviceAccounts: ['shop/web'] }), 'wildcards are not allowed in service accounts');
    pair(from({ serviceAccounts: ['a/b/c'] }), from({ serviceAccounts: ['a/b'] }), 'must be "serviceAccount" or "namespace/serviceAccount"');
    pair(from({ serviceAccounts: ['/web'] }), from({ serviceAccounts: ['web'] }), 'must be "serviceAccount" or "namespace/serviceAccount"');
    pair(from({ serviceAccounts: ['shop/'] }), from({ serviceAccounts: ['shop'] }), 'must be "serviceAccount" or "namespace/serviceAccount"');
    const many = Array.from({ length: 17 }, (_, i) => `sa${i}`);
    const refused = admissionOf(from({ serviceAccounts: many }));
    expect(refused.some((m) => m.includes('17 service accounts: at most 16'))).toBe(true);
    pair(from({ serviceAccounts: [`shop/${'a'.repeat(316)}`] }), from({ serviceAccounts: [`shop/${'a'.repeat(315)}`] }), 'over the limit of 320');
  });
  test('trust domains: one wildcard at the start or end, no "/"', () => {
    pair(from({ trustDomains: ['a*b'] }), from({ trustDomains: ['*.example.com'] }), 'a wildcard is only allowed at the start or the end');
    pair(from({ trustDomains: ['*a*'] }), from({ trustDomains: ['a*'] }), 'has more than one wildcard');
    pair(from({ notTrustDomains: ['cluster.local/ns'] }), from({ notTrustDomains: ['cluster.local'] }), 'must not contain "/"');
  });
  test('a spiffe:// principal never matches', () => {
    pair(deny({ from: [{ source: { principals: ['spiffe://cluster.local/ns/a/sa/b'] } }] }), deny({ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] }), 'istiod adds "spiffe://" itself');
    pair(from({ notPrincipals: ['spiffe://x'] }), from({ notPrincipals: ['x'] }), 'istiod adds "spiffe://" itself');
  });
});

describe('AuthorizationPolicy admission: operations', () => {
  test('a to entry needs a non-empty operation', () => {
    pair(allow({ to: [{}] }), to({ methods: ['GET'] }), 'a to entry needs an operation');
    pair(to({}), to({ methods: ['GET'] }), 'an operation must set at least one field');
  });
  test('no empty values; ports are decimal numbers up to 65535', () => {
    for (const k of ['methods', 'paths', 'hosts', 'notMethods', 'notPaths', 'notHosts', 'ports', 'notPorts']) {
      pair(to({ [k]: [''] }), to({ [k]: [k.toLowerCase().endsWith('ports') ? '80' : 'x'] }), `an empty value is not allowed in ${k}`);
    }
    pair(to({ ports: ['65536'] }), to({ ports: ['65535'] }), 'is not a port number');
    pair(to({ notPorts: ['http'] }), to({ notPorts: ['0'] }), 'is not a port number');
    pair(to({ ports: ['+80'] }), to({ ports: ['80'] }), 'is not a port number');
  });
  test('path templates: {*} and {**} only, {**} last, literal segments', () => {
    pair(to({ paths: ['/a/{**}/b/{*}'] }), to({ paths: ['/a/{*}/b/{**}'] }), '{**} must be the last');
    pair(to({ paths: ['/a/{id}'] }), to({ paths: ['/a/{*}'] }), 'are only allowed in the templates');
    pair(to({ notPaths: ['/a/{*}/b c'] }), to({ notPaths: ['/a/{*}/b-c'] }), 'is not a valid literal');
    pair(to({ paths: ['/a//{*}'] }), to({ paths: ['/a/{*}'] }), 'is not a valid literal');
    expect(admissionOf(to({ paths: ['/a b/*'] }))).toEqual([]);
  });
  test('a path with a query or fragment never matches', () => {
    pair(to({ paths: ['/api?x=1'] }), to({ paths: ['/api'] }), 'matched without the query');
    pair(to({ notPaths: ['/a#b'] }), to({ notPaths: ['/a'] }), 'matched without the query');
  });
});

describe('AuthorizationPolicy admission: conditions', () => {
  test('a key and values or notValues, no empty values', () => {
    pair(when({ key: '', values: ['a'] }), when({ key: 'source.namespace', values: ['a'] }), 'a condition needs a key');
    pair(when({ key: 'source.namespace' }), when({ key: 'source.namespace', notValues: ['a'] }), 'needs values or notValues');
    pair(when({ key: 'source.namespace', values: ['a', ''] }), when({ key: 'source.namespace', values: ['a', 'b'] }), 'an empty value is not allowed');
  });
  test('map keys have the form name[entry]', () => {
    for (const base of ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.a']) {
      pair(when({ key: `${base}[]`, values: ['a'] }), when({ key: `${base}[x]`, values: ['a'] }), 'must have the form name[entry]');
      pair(when({ key: base, values: ['a'] }), when({ key: `${base}[x]`, values: ['a'] }), 'must have the form name[entry]');
    }
  });
  test('IP, port, service account and trust domain values', () => {
    for (const key of ['source.ip', 'remote.ip', 'destination.ip']) pair(when({ key, values: ['1.2.3'] }), when({ key, values: ['1.2.3.4'] }), 'is not a valid IP address');
    pair(when({ key: 'destination.port', notValues: ['99999'] }), when({ key: 'destination.port', notValues: ['9999'] }), 'is not a port number');
    pair(when({ key: 'source.serviceAccount', values: ['a/b/c'] }), when({ key: 'source.serviceAccount', values: ['shop/web'] }), 'must be "serviceAccount"');
    pair(when({ key: 'source.trustDomain', values: ['a*b'] }), when({ key: 'source.trustDomain', values: ['*b'] }), 'a wildcard is only allowed');
  });
  test('known keys only; replaced and removed keys say what to use', () => {
    pair(when({ key: 'source.ips', values: ['a'] }), when({ key: 'source.ip', values: ['10.0.0.1'] }), 'unknown condition key "source.ips"');
    pair(when({ key: 'destination.namespace', values: ['a'] }), when({ key: 'source.namespace', values: ['a'] }), 'the policy\'s own namespace');
    pair(when({ key: 'destination.labels[app]', values: ['a'] }), when({ key: 'request.headers[app]', values: ['a'] }), 'select workloads with spec.selector');
    pair(when({ key: 'destination.user', values: ['a'] }), when({ key: 'request.auth.presenter', values: ['a'] }), 'was removed');
    for (const key of ['source.principal', 'request.auth.principal', 'request.auth.audiences', 'connection.sni']) expect(admissionOf(when({ key, values: ['x'] }))).toEqual([]);
  });
});
