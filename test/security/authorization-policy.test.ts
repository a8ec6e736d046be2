import { Chart, Testing } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationAction, AuthorizationPolicy } from '../../src/security/authorization-policy';
import { SecurityPolicyTarget } from '../../src/security/authorization-target';
import { Principal } from '../../src/security/principal';

const reviews = WorkloadSelector.fromLabels({ app: 'reviews' });

describe('AuthorizationPolicy', () => {
  test('principal-based ALLOW policy with operations and conditions', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'reviews', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      selector: reviews,
      action: AuthorizationAction.ALLOW,
      rules: [{
        sources: [{ principals: [Principal.serviceAccount('bookinfo', 'bookinfo-productpage')], namespaces: ['bookinfo'] }],
        operations: [{ methods: ['GET', 'HEAD'], paths: ['/reviews/*'], ports: [9080] }],
        when: [Condition.jwtClaim('groups', ['readers']), Condition.requestHeader('x-canary', ['true']).negate()],
      }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('security.istio.io/v1');
    expect(obj.kind).toBe('AuthorizationPolicy');
    expect(obj.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'], namespaces: ['bookinfo'] } }],
        to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/reviews/*'], ports: ['9080'] } }],
        when: [
          { key: 'request.auth.claims[groups]', values: ['readers'] },
          { key: 'request.headers[x-canary]', notValues: ['true'] },
        ],
      }],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('action is left out unless set (Istio defaults to ALLOW)', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'p', { rules: [{ operations: [{ methods: ['GET'] }] }] });
    expect(policy.action).toBe(AuthorizationAction.ALLOW);
    expect(Testing.synth(chart)[0].spec).toEqual({ rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
  });

  test('allowNothing renders an ALLOW policy without rules', () => {
    const chart = Testing.chart();
    AuthorizationPolicy.allowNothing(chart, 'none', { metadata: { name: 'allow-nothing' } });
    AuthorizationPolicy.allowNothing(chart, 'none-reviews', { selector: reviews });
    const [all, one] = Testing.synth(chart);
    expect(all.spec).toEqual({});
    expect(one.spec).toEqual({ selector: { matchLabels: { app: 'reviews' } } });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('denyAll renders DENY with one empty rule; allowAll renders ALLOW with one empty rule', () => {
    const chart = Testing.chart();
    AuthorizationPolicy.denyAll(chart, 'deny', { selector: reviews });
    AuthorizationPolicy.allowAll(chart, 'allow');
    const [deny, allow] = Testing.synth(chart);
    expect(deny.spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, action: 'DENY', rules: [{}] });
    expect(allow.spec).toEqual({ action: 'ALLOW', rules: [{}] });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('DENY policy with notPrincipals, ipBlocks and not-forms', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'deny', {
      action: AuthorizationAction.DENY,
      selector: WorkloadSelector.fromLabels({ app: 'httpbin' }),
    }).addRule({
      sources: [{ notPrincipals: [Principal.any()], notIpBlocks: ['10.1.0.0/16'], remoteIpBlocks: ['203.0.113.7', '2001:db8::/32'] }],
      operations: [{ notMethods: ['GET'], notPaths: ['/public/*', '*.png'], notPorts: [15021], hosts: ['*.example.com'], notHosts: ['admin.example.com'] }],
    });
    expect(Testing.synth(chart)[0].spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'DENY',
      rules: [{
        from: [{ source: { notPrincipals: ['*'], notIpBlocks: ['10.1.0.0/16'], remoteIpBlocks: ['203.0.113.7', '2001:db8::/32'] } }],
        to: [{ operation: { notMethods: ['GET'], notPaths: ['/public/*', '*.png'], notPorts: ['15021'], hosts: ['*.example.com'], notHosts: ['admin.example.com'] } }],
      }],
    });
  });

  test('requires a JWT: requestPrincipals and notRequestPrincipals', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'require-jwt', {
      action: AuthorizationAction.DENY,
      rules: [{ sources: [{ notRequestPrincipals: ['*'] }] }],
    });
    new AuthorizationPolicy(chart, 'issuer', {
      rules: [{ sources: [{ requestPrincipals: ['https://accounts.example.com/*'] }] }],
    });
    const [deny, allow] = Testing.synth(chart);
    expect(deny.spec.rules).toEqual([{ from: [{ source: { notRequestPrincipals: ['*'] } }] }]);
    expect(allow.spec.rules).toEqual([{ from: [{ source: { requestPrincipals: ['https://accounts.example.com/*'] } }] }]);
  });

  test('CUSTOM action with an extension provider', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ext', {
      action: AuthorizationAction.CUSTOM,
      provider: 'my-ext-authz',
      rules: [{ operations: [{ paths: ['/admin/*'] }] }],
    });
    expect(Testing.synth(chart)[0].spec).toEqual({
      action: 'CUSTOM',
      provider: { name: 'my-ext-authz' },
      rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }],
    });
  });

  test('AUDIT action', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'audit', { action: AuthorizationAction.AUDIT, rules: [{ operations: [{ paths: ['/data'] }] }] });
    expect(Testing.synth(chart)[0].spec.action).toBe('AUDIT');
  });

  test('targetRefs attach the policy to a waypoint, service or service entry', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'waypoint', {
      targetRefs: [
        SecurityPolicyTarget.gateway('waypoint'),
        SecurityPolicyTarget.service('reviews'),
        SecurityPolicyTarget.serviceEntry('external-api'),
      ],
      rules: [{ sources: [{ serviceAccounts: ['bookinfo/bookinfo-productpage'] }] }],
    });
    expect(Testing.synth(chart)[0].spec).toEqual({
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
        { group: '', kind: 'Service', name: 'reviews' },
        { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'external-api' },
      ],
      rules: [{ from: [{ source: { serviceAccounts: ['bookinfo/bookinfo-productpage'] } }] }],
    });
  });

  test('fromServiceAccount reads the service account name and namespace (chart namespace)', () => {
    const chart = new Chart(Testing.app(), 'bookinfo', { namespace: 'shop' });
    const sa = new ServiceAccount(chart, 'sa', { metadata: { name: 'frontend' } });
    new AuthorizationPolicy(chart, 'p', { rules: [{ sources: [{ principals: [Principal.fromServiceAccount(sa, 'example.org')] }] }] });
    const policy = Testing.synth(chart).find((o) => o.kind === 'AuthorizationPolicy');
    expect(policy.spec.rules[0].from[0].source.principals).toEqual(['example.org/ns/shop/sa/frontend']);
  });

  test('rules added after construction are rendered, and rules returns a copy', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'p', { selector: reviews });
    policy.addRule({ operations: [{ methods: ['GET'] }] }).addRule({ operations: [{ methods: ['POST'] }] });
    expect(policy.rules).toHaveLength(2);
    policy.rules.pop();
    expect(Testing.synth(chart)[0].spec.rules).toHaveLength(2);
  });

  test('later mutation of the caller\'s arrays does not change the policy', () => {
    const chart = Testing.chart();
    const methods = ['GET'];
    new AuthorizationPolicy(chart, 'p', { rules: [{ operations: [{ methods }] }] });
    methods.push('get');
    expect(Testing.synth(chart)[0].spec.rules).toEqual([{ to: [{ operation: { methods: ['GET'] } }] }]);
  });

  describe('bad input', () => {
    test('a path with a query string never matches: refused, the bare path accepted', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { rules: [{ operations: [{ paths: ['/api/items?id=1'] }] }] }))
        .toThrow('[test/p] rules[0].operations[0].paths[0] "/api/items?id=1" is invalid: Istio matches the path without the query string or fragment, so a path with "?" or "#" never matches. Fix: write the path alone ("/api/items")');
      expect(() => new AuthorizationPolicy(chart, 'q', { rules: [{ operations: [{ paths: ['/api/items'] }] }] })).not.toThrow();
    });

    test('CUSTOM without a provider', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { action: AuthorizationAction.CUSTOM, rules: [{}] }))
        .toThrow(/\[test\/p\] provider undefined is invalid: a CUSTOM policy .*needs the provider name\. Fix: pass `provider`/);
    });

    test('provider without CUSTOM', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { provider: 'ext', rules: [{}] }))
        .toThrow(/\[test\/p\] provider "ext" is invalid: .*only used with action CUSTOM.*Fix: set action: AuthorizationAction.CUSTOM/);
    });

    test('DENY without rules suggests denyAll()', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { action: AuthorizationAction.DENY });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] rules \[\] is invalid: a policy with action DENY and no rules matches no request.*use AuthorizationPolicy\.denyAll\(\)/);
    });

    test('AUDIT without rules', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { action: AuthorizationAction.AUDIT });
      expect(() => Testing.synth(chart)).toThrow(/rules \[\] is invalid: a policy with action AUDIT and no rules/);
    });

    test('ALLOW without rules suggests allowNothing()', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { selector: reviews });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] rules \[\] is invalid: an ALLOW policy without rules allows nothing\. Fix: .*allowNothing\(\)/);
    });

    test('CUSTOM without rules', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { action: AuthorizationAction.CUSTOM, provider: 'ext' });
      expect(() => Testing.synth(chart)).toThrow(/CUSTOM policy without rules sends no request to provider "ext"/);
    });

    test('selector and targetRefs together (CRD CEL rule)', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { selector: reviews, targetRefs: [SecurityPolicyTarget.gateway('waypoint')], rules: [{}] }))
        .toThrow(/\[test\/p\] selector and targetRefs .* mutually exclusive/);
    });

    test('empty targetRefs', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { targetRefs: [], rules: [{}] })).toThrow(/targetRefs \[\] is invalid: the list must not be empty/);
    });

    test('more than 16 targetRefs (CRD maxItems)', () => {
      const chart = Testing.chart();
      const refs = Array.from({ length: 17 }, (_, i) => SecurityPolicyTarget.service(`svc-${i}`));
      expect(() => new AuthorizationPolicy(chart, 'p', { targetRefs: refs, rules: [{}] })).toThrow(/targetRefs 17 is invalid: at most 16/);
    });

    test('more than 512 rules (CRD maxItems)', () => {
      const chart = Testing.chart();
      const policy = new AuthorizationPolicy(chart, 'p');
      for (let i = 0; i < 513; i++) policy.addRule({ operations: [{ ports: [1 + i] }] });
      expect(() => Testing.synth(chart)).toThrow(/rules \(513 rules\) is invalid: at most 512 rules/);
    });

    test('adding a rule to a denyAll() policy', () => {
      const chart = Testing.chart();
      const policy = AuthorizationPolicy.denyAll(chart, 'p');
      expect(() => policy.addRule({ operations: [{ methods: ['GET'] }] })).toThrow(/\[test\/p\] rules\[1\] .*created with AuthorizationPolicy\.denyAll\(\).*Fix: create a separate AuthorizationPolicy/);
    });

    test('adding a rule to an allowNothing() policy', () => {
      const chart = Testing.chart();
      const policy = AuthorizationPolicy.allowNothing(chart, 'p');
      expect(() => policy.addRule({})).toThrow(/created with AuthorizationPolicy\.allowNothing\(\)/);
    });

    test('unknown action (JavaScript caller)', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { action: 'REJECT' as AuthorizationAction, rules: [{}] }))
        .toThrow(/\[test\/p\] action "REJECT" is invalid: unknown action/);
    });

    test('a rule that is not an object (JavaScript caller)', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { rules: ['GET /'] as any })).toThrow(/rules\[0\] "GET \/" is invalid: a rule must be an object/);
    });

    test('a condition that is not a Condition (JavaScript caller)', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { rules: [{ when: [{ key: 'source.ip', values: ['1.2.3.4'] } as any] }] }))
        .toThrow(/rules\[0\]\.when\[0\] .* must be built with the Condition class/);
    });

    test('wildcard in a selector label value (CRD CEL rule)', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { selector: WorkloadSelector.fromLabels({ app: 'reviews-*' }), rules: [{}] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] selector label .*"reviews-\*" is invalid: .*wildcards are not allowed/);
    });

    test('wildcard in a selector label key (CRD CEL rule)', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { selector: WorkloadSelector.fromLabels({ 'app*': 'reviews' }), rules: [{}] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] selector label "app\*" .* is invalid: a label key .*wildcards are not allowed/);
    });

    test('selector without labels', () => {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'p', { selector: WorkloadSelector.fromLabels({}), rules: [{}] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] selector .*must not be empty/);
    });

    test('a principal that is not a Principal (JavaScript caller)', () => {
      const chart = Testing.chart();
      expect(() => new AuthorizationPolicy(chart, 'p', { rules: [{ sources: [{ principals: ['cluster.local/ns/a/sa/b'] as any }] }] }))
        .toThrow(/rules\[0\]\.sources\[0\]\.principals\[0\] "cluster.local\/ns\/a\/sa\/b" is invalid: a principal must be built with the Principal class/);
    });
  });
});
