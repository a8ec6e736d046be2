// What one caller may send, across every request it could make (PolicySet.access): the level
// (ALL, SOME, NONE, DEPENDS), the requests the deciding rules describe, and the cache that
// decides alike the callers no pattern tells apart.
import * as fc from 'fast-check';
import { AccessLevel, AuthzPolicy } from '../../../src/analysis/authz/authz-types';
import { PolicySet, ruleLabel } from '../../../src/analysis/authz/evaluate';

const p = (name: string, spec: object, namespace = 'shop'): AuthzPolicy => ({ namespace, name, spec });
const WEB = { principal: 'cluster.local/ns/shop/sa/web' };
const OTHER = { principal: 'cluster.local/ns/other/sa/batch' };

describe('PolicySet.access', () => {
  test('no policy: every request', () => {
    expect(new PolicySet([]).access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.ALL, allowed: [], denied: [] });
  });

  test('allow-nothing: no request, whoever calls', () => {
    const set = new PolicySet([p('allow-nothing', {})]);
    expect(set.access(WEB, 8080, true).level).toBe(AccessLevel.NONE);
    expect(set.access({}, 8080, true).level).toBe(AccessLevel.NONE);
  });

  test('an ALLOW rule naming the caller and operations: SOME, described by the rule', () => {
    const set = new PolicySet([p('cart', { rules: [{ from: [{ source: { principals: [WEB.principal] } }], to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/cart/*'] } }] }] })]);
    expect(set.access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.SOME, allowed: ['GET,HEAD /cart/*'], policies: ['shop/cart'] });
    expect(set.access(OTHER, 8080, true).level).toBe(AccessLevel.NONE);
    // over TCP, an ALLOW rule with HTTP fields never matches
    expect(set.access(WEB, 8080, false).level).toBe(AccessLevel.NONE);
  });

  test('an ALLOW rule naming only the caller: ALL', () => {
    const set = new PolicySet([p('ns', { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] })]);
    expect(set.access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.ALL, policies: ['shop/ns'] });
    expect(set.access(OTHER, 8080, true).level).toBe(AccessLevel.NONE);
  });

  test('ports known to the question decide; unknown ones describe', () => {
    const set = new PolicySet([p('port', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })]);
    expect(set.access(WEB, 8080, true).level).toBe(AccessLevel.ALL);
    expect(set.access(WEB, 9090, true).level).toBe(AccessLevel.NONE);
    expect(set.access(WEB, undefined, true)).toMatchObject({ level: AccessLevel.SOME, allowed: ['port 8080'] });
  });

  test('a DENY rule matching the caller whatever it sends: NONE; one turning on what is sent: taken out', () => {
    const denyAll = p('deny-batch', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['other'] } }] }] });
    const denyAdmin = p('deny-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
    const set = new PolicySet([denyAll, denyAdmin]);
    expect(set.access(OTHER, 8080, true)).toMatchObject({ level: AccessLevel.NONE, policies: ['shop/deny-batch'] });
    expect(set.access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.SOME, allowed: ['*'], denied: ['/admin*'], policies: ['shop/deny-admin'] });
    // over TCP, DENY ignores the HTTP fields: it matches every connection
    expect(set.access(WEB, 8080, false).level).toBe(AccessLevel.NONE);
  });

  test('a CUSTOM policy matching every request: the external authorizer decides; one matching some: marked', () => {
    const all = p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    expect(new PolicySet([all]).access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.DEPENDS, policies: ['shop/ext'] });
    const some = p('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/api/*'] } }] }] });
    expect(new PolicySet([some]).access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.SOME, denied: ['ext-authz /api/*'] });
  });

  test('conditions on the request describe; conditions on the source decide', () => {
    const set = new PolicySet([p('when', { rules: [{ when: [{ key: 'request.headers[x-team]', values: ['a'] }, { key: 'source.namespace', values: ['shop'] }] }] })]);
    expect(set.access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.SOME, allowed: ['request.headers[x-team]=a'] });
    expect(set.access(OTHER, 8080, true).level).toBe(AccessLevel.NONE);
  });

  test('a source IP block: SOME when the caller\'s address is unknown, decided when known', () => {
    const set = new PolicySet([p('ip', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] })]);
    expect(set.access(WEB, 8080, true)).toMatchObject({ level: AccessLevel.SOME, allowed: ['from 10.0.0.0/8'] });
    expect(set.access({ ...WEB, sourceIp: '10.1.2.3' }, 8080, true).level).toBe(AccessLevel.ALL);
    expect(set.access({ ...WEB, sourceIp: '192.168.0.1' }, 8080, true).level).toBe(AccessLevel.NONE);
  });

  test('rule labels: not-forms, hosts, tokens, ports', () => {
    expect(ruleLabel({ to: [{ operation: { notMethods: ['DELETE'], hosts: ['a.example.com'], notPaths: ['/x'], ports: ['80'] } }] }, true)).toBe('not DELETE host a.example.com not /x port 80');
    expect(ruleLabel({ from: [{ source: { requestPrincipals: ['iss/*'] } }] }, true)).toBe('token iss/*');
    expect(ruleLabel({ from: [{ source: { requestPrincipals: ['iss/*'] } }], to: [{ operation: { methods: ['GET'] } }] }, false)).toBe('*');
    expect(ruleLabel({}, true)).toBe('*');
  });

  test('the cache decides every caller as a fresh evaluation would (property)', () => {
    const names = ['web', 'batch', 'cart'];
    const namespaces = ['shop', 'other'];
    const principal = fc.constantFrom(...names.flatMap((n) => namespaces.map((ns) => `cluster.local/ns/${ns}/sa/${n}`)), 'cluster.local/ns/shop/sa/*', '*/sa/web', '*');
    const source = fc.record({
      principals: fc.option(fc.array(principal, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      notNamespaces: fc.option(fc.array(fc.constantFrom(...namespaces, 'sh*'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    }, { requiredKeys: [] });
    const rule = fc.record({ from: fc.array(fc.record({ source }), { minLength: 1, maxLength: 2 }), to: fc.option(fc.constant([{ operation: { methods: ['GET'] } }]), { nil: undefined }) }, { requiredKeys: ['from'] });
    const policy = fc.record({ action: fc.constantFrom('ALLOW', 'DENY'), rules: fc.array(rule, { minLength: 1, maxLength: 2 }) });
    const callers = [...names.flatMap((n) => namespaces.map((ns) => ({ principal: `cluster.local/ns/${ns}/sa/${n}` }))), { principal: 'cluster.local/ns/third/sa/x' }, {}];
    fc.assert(fc.property(fc.array(policy, { minLength: 1, maxLength: 3 }), (specs) => {
      const policies = specs.map((s, i) => p(`p${i}`, s));
      const shared = new PolicySet(policies);
      for (const c of [...callers, ...callers]) {
        expect(shared.access(c, 80, true)).toEqual(new PolicySet(policies).access(c, 80, true));
      }
    }), { numRuns: 200 });
  });
});
