import { Duration, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { SecurityPolicyTarget } from '../../src/security/authorization-target';
import { RequestAuthentication } from '../../src/security/request-authentication';

const issuer = 'https://accounts.example.com';
const jwksUri = 'https://accounts.example.com/.well-known/jwks.json';

describe('RequestAuthentication', () => {
  test('JWT rule with a JWKS URL for selected workloads', () => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'jwt', {
      metadata: { name: 'jwt-example', namespace: 'foo' },
      selector: WorkloadSelector.fromLabels({ app: 'httpbin' }),
      jwtRules: [{ issuer, jwksUri, audiences: ['httpbin'] }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('security.istio.io/v1');
    expect(obj.kind).toBe('RequestAuthentication');
    expect(obj.spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      jwtRules: [{ issuer, jwksUri, audiences: ['httpbin'] }],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('addJwtRule adds issuers fluently; issuers lists them', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'jwt')
      .addJwtRule({ issuer, jwksUri })
      .addJwtRule({ issuer: 'testing@secure.istio.io', jwks: '{"keys":[{"kty":"RSA","e":"AQAB","n":"abc"}]}' });
    expect(ra.issuers).toEqual([issuer, 'testing@secure.istio.io']);
    expect(Testing.synth(chart)[0].spec.jwtRules).toHaveLength(2);
  });

  test('targetRefs attach the policy to an ingress gateway', () => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'jwt', { targetRefs: [SecurityPolicyTarget.gateway('ingress')], jwtRules: [{ issuer }] });
    expect(Testing.synth(chart)[0].spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }],
      jwtRules: [{ issuer }],
    });
  });

  test('selects a cdk8s-plus workload', () => {
    const chart = Testing.chart();
    const deployment = new Deployment(chart, 'web', { containers: [{ image: 'web:1' }] });
    new RequestAuthentication(chart, 'jwt', { selector: WorkloadSelector.fromWorkload(deployment), jwtRules: [{ issuer, timeout: Duration.seconds(10) }] });
    const ra = Testing.synth(chart).find((o) => o.kind === 'RequestAuthentication');
    expect(ra.spec.selector.matchLabels).toEqual(deployment.matchLabels);
    expect(ra.spec.jwtRules[0].timeout).toBe('10s');
  });

  describe('bad input', () => {
    test('no JWT rules', () => {
      const chart = Testing.chart();
      new RequestAuthentication(chart, 'jwt', { selector: WorkloadSelector.fromLabels({ app: 'x' }) });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/jwt\] jwtRules \[\] is invalid: a RequestAuthentication without JWT rules validates no token\. Fix: add a rule with addJwtRule/);
    });

    test('duplicate issuer', () => {
      const chart = Testing.chart();
      const ra = new RequestAuthentication(chart, 'jwt', { jwtRules: [{ issuer, jwksUri }] });
      expect(() => ra.addJwtRule({ issuer, audiences: ['other'] })).toThrow(/\[test\/jwt\] jwtRules\[1\]\.issuer "https:\/\/accounts\.example\.com" is invalid: another JWT rule of this policy already has this issuer\. Fix: merge the two rules/);
    });

    test('selector and targetRefs together (CRD CEL rule)', () => {
      const chart = Testing.chart();
      expect(() => new RequestAuthentication(chart, 'jwt', {
        selector: WorkloadSelector.fromLabels({ app: 'x' }),
        targetRefs: [SecurityPolicyTarget.gateway('gw')],
        jwtRules: [{ issuer }],
      })).toThrow(/\[test\/jwt\] selector and targetRefs .* mutually exclusive/);
    });

    test('empty targetRefs', () => {
      expect(() => new RequestAuthentication(Testing.chart(), 'jwt', { targetRefs: [], jwtRules: [{ issuer }] })).toThrow(/targetRefs \[\] is invalid: the list must not be empty/);
    });

    test('more than 16 targetRefs (CRD maxItems)', () => {
      const refs = Array.from({ length: 17 }, (_, i) => SecurityPolicyTarget.gateway(`gw-${i}`));
      expect(() => new RequestAuthentication(Testing.chart(), 'jwt', { targetRefs: refs, jwtRules: [{ issuer }] })).toThrow(/targetRefs 17 is invalid: at most 16/);
    });

    test('invalid target name', () => {
      expect(() => new RequestAuthentication(Testing.chart(), 'jwt', { targetRefs: [SecurityPolicyTarget.service('')], jwtRules: [{ issuer }] }))
        .toThrow(/targetRefs\[0\] name "" is invalid/);
    });

    test('selector without labels', () => {
      const chart = Testing.chart();
      new RequestAuthentication(chart, 'jwt', { selector: WorkloadSelector.fromLabels({}), jwtRules: [{ issuer }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/jwt\] selector .*must not be empty/);
    });

    test('selector label value longer than 63 characters (CRD maxLength)', () => {
      const chart = Testing.chart();
      new RequestAuthentication(chart, 'jwt', { selector: WorkloadSelector.fromLabels({ app: 'a'.repeat(64) }), jwtRules: [{ issuer }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/jwt\] selector label "app" "a{64}" is invalid: .*at most 63 characters/);
    });
  });
});
