// The RateLimitService in a default-deny namespace: its own identities, the AuthorizationPolicies
// admitting exactly the calls the setup needs, and a clean mesh analysis.
import { App, Chart, Testing } from 'cdk8s';
import { MeshAnalysis } from '../../../src/core/mesh-analysis';
import { WorkloadSelector } from '../../../src/core/workload-selector';
import { MeshService } from '../../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../../src/patterns/mtls-namespace';
import { GlobalRateLimit } from '../../../src/patterns/rate-limit/global-rate-limit';
import { RateLimitAction, RateLimitUnit } from '../../../src/patterns/rate-limit/rate-limit-descriptor';
import { RateLimitService } from '../../../src/patterns/rate-limit/rate-limit-service';
import { RateLimitTarget } from '../../../src/patterns/rate-limit/rate-limit-target';
import { Principal } from '../../../src/security/principal';
import { fragmentChart } from '../../support/fragment';

type Obj = { [key: string]: any };

const RULES = [{ actions: [RateLimitAction.requestHeader(':path', 'PATH')] }];
const DESCRIPTORS = [{ key: 'PATH', requestsPerUnit: 100, unit: RateLimitUnit.MINUTE }];
const GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

function find(out: Obj[], kind: string, name: string): Obj {
  const o = out.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name}`);
  return o;
}

/** The principals and ports each rule of a policy admits, one `principals@ports` string per rule. */
function admitted(policy: Obj): string[] {
  expect(policy.spec.action).toBeUndefined(); // ALLOW
  return policy.spec.rules.map((r: Obj) => {
    expect(r.from).toHaveLength(1);
    expect(r.to).toHaveLength(1);
    expect(Object.keys(r.from[0].source)).toEqual(['principals']);
    expect(Object.keys(r.to[0].operation)).toEqual(['ports']);
    return `${r.from[0].source.principals.join(',')}@${r.to[0].operation.ports.join(',')}`;
  });
}

/**
 * A rate-limited MeshService and ingress gateway, the service in a default-deny STRICT namespace
 * (the gateway's EnvoyFilters live in its namespace, so in a chart of their own).
 */
function shop(): { ns: MtlsNamespace; platform: Chart; api: MeshService; rls: RateLimitService } {
  const app = new App();
  const ns = new MtlsNamespace(app, 'shop');
  const platform = new Chart(app, 'platform');
  const api = new MeshService(ns, 'api', { port: 8080, image: 'example/api:1.0' });
  const rls = new RateLimitService(ns, 'rls', { name: 'limits' });
  // A priority orders the relative patches explicitly (IST0151 otherwise, as for Istio's sample).
  new GlobalRateLimit(ns, 'api-limit', { target: RateLimitTarget.workload(api), service: rls, domain: 'api', rateLimits: RULES, descriptors: DESCRIPTORS, failureModeDeny: true, priority: 10 });
  new GlobalRateLimit(platform, 'edge-limit', { target: RateLimitTarget.ingressGateway(), service: rls, domain: 'edge', rateLimits: RULES, descriptors: DESCRIPTORS, failureModeDeny: true, priority: 10 });
  return { ns, platform, api, rls };
}

describe('RateLimitService in a default-deny namespace', () => {
  test('ratelimit and redis run as their own ServiceAccounts, without API tokens', () => {
    const out = Testing.synth(shop().ns);
    for (const name of ['limits', 'limits-redis']) {
      expect(find(out, 'ServiceAccount', name)).toMatchObject({ metadata: { namespace: 'shop' }, automountServiceAccountToken: false });
      const pod = find(out, 'Deployment', name).spec.template.spec;
      expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual([name, false]);
    }
  });

  test('redis admits only the rate-limit service on 6379; the service admits only the callers on 8081', () => {
    const { ns, rls } = shop();
    const out = Testing.synth(ns);
    const redis = find(out, 'AuthorizationPolicy', 'limits-redis');
    expect(redis.metadata.namespace).toBe('shop');
    expect(redis.spec.selector).toEqual({ matchLabels: { app: 'limits-redis' } });
    expect(admitted(redis)).toEqual(['cluster.local/ns/shop/sa/limits@6379']);
    const service = find(out, 'AuthorizationPolicy', 'limits');
    expect(service.metadata.namespace).toBe('shop');
    expect(service.spec.selector).toEqual({ matchLabels: { app: 'limits' } });
    expect(admitted(service)).toEqual(['cluster.local/ns/shop/sa/api@8081', `${GATEWAY}@8081`]);
    expect(rls.authorizationPolicy?.name).toBe('limits');
    expect(rls.redisAuthorizationPolicy.name).toBe('limits-redis');
    // the selectors match the pods
    expect(find(out, 'Deployment', 'limits').spec.template.metadata.labels).toMatchObject({ app: 'limits' });
    expect(find(out, 'Deployment', 'limits-redis').spec.template.metadata.labels).toMatchObject({ app: 'limits-redis' });
  });

  test('the whole setup synthesizes without any analyzer finding', () => {
    const { ns, platform } = shop();
    expect(MeshAnalysis.analyze(ns).map((d) => MeshAnalysis.format(d))).toEqual([]);
    expect(MeshAnalysis.analyze(platform).map((d) => MeshAnalysis.format(d))).toEqual([]);
    expect(Testing.synth(platform).map((o) => `${o.kind} ${o.metadata.namespace}`)).toEqual(['EnvoyFilter istio-system', 'EnvoyFilter istio-system']);
  });

  test('an ingress gateway target alone, with a gateway of its own: no finding, the gateway\'s account admitted', () => {
    const app = new App();
    const ns = new MtlsNamespace(app, 'edge');
    const gateway = new Chart(app, 'gateway');
    const rls = new RateLimitService(ns, 'ratelimit');
    new GlobalRateLimit(gateway, 'limit', {
      target: RateLimitTarget.ingressGateway({ namespace: 'ingress', selector: WorkloadSelector.fromLabels({ istio: 'public' }), serviceAccount: 'public-gateway' }),
      service: rls,
      domain: 'edge',
      rateLimits: RULES,
      descriptors: DESCRIPTORS,
      priority: 10,
    });
    expect(MeshAnalysis.analyze(app).map((d) => MeshAnalysis.format(d))).toEqual([]);
    expect(admitted(find(Testing.synth(ns), 'AuthorizationPolicy', 'ratelimit'))).toEqual(['cluster.local/ns/ingress/sa/public-gateway@8081']);
  });

  test('in an ambient namespace too (ztunnel enforces the principals and ports): no finding', () => {
    const app = new App();
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    const rls = new RateLimitService(ns, 'ratelimit');
    new GlobalRateLimit(new Chart(app, 'platform'), 'edge', { target: RateLimitTarget.ingressGateway(), service: rls, domain: 'edge', rateLimits: RULES, descriptors: DESCRIPTORS, priority: 10 });
    expect(MeshAnalysis.analyze(app).map((d) => MeshAnalysis.format(d))).toEqual([]);
    const out = Testing.synth(ns);
    expect(admitted(find(out, 'AuthorizationPolicy', 'ratelimit'))).toEqual([`${GATEWAY}@8081`]);
    expect(admitted(find(out, 'AuthorizationPolicy', 'ratelimit-redis'))).toEqual(['cluster.local/ns/shop/sa/ratelimit@6379']);
  });

  test('callers added after the GlobalRateLimits are rendered; a principal is admitted once', () => {
    const { ns, rls } = shop();
    const partner = Principal.serviceAccount('partners', 'partner-gateway');
    rls.allowCaller(partner).allowCaller(partner);
    expect(admitted(find(Testing.synth(ns), 'AuthorizationPolicy', 'limits'))).toEqual([
      'cluster.local/ns/shop/sa/api@8081', `${GATEWAY}@8081`, 'cluster.local/ns/partners/sa/partner-gateway@8081',
    ]);
  });

  test('without callers the service has no policy of its own (the namespace\'s default deny applies)', () => {
    const ns = new MtlsNamespace(new App(), 'idle');
    const rls = new RateLimitService(ns, 'ratelimit');
    const out = Testing.synth(ns);
    expect(rls.authorizationPolicy).toBeUndefined();
    expect(out.filter((o) => o.kind === 'AuthorizationPolicy').map((o) => o.metadata.name).sort()).toEqual(['allow-nothing', 'ratelimit-redis']);
  });

  test('pods with their principal are admitted', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    MeshAnalysis.suppress(chart, 'IST0127'); // the selected pods are deployed elsewhere
    const rls = new RateLimitService(chart, 'ratelimit');
    const target = RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'legacy' }), 8080, { principal: Principal.serviceAccount('apps', 'legacy') });
    new GlobalRateLimit(chart, 'limit', { target, service: rls, domain: 'legacy', rateLimits: RULES, descriptors: DESCRIPTORS });
    expect(admitted(find(Testing.synth(chart), 'AuthorizationPolicy', 'ratelimit'))).toEqual(['cluster.local/ns/apps/sa/legacy@8081']);
  });

  describe('bad input names the construct path, the bad value and the fix', () => {
    test('pods without a known identity cannot use a RateLimitService', () => {
      const chart = fragmentChart();
      const rls = new RateLimitService(chart, 'rls');
      expect(() => new GlobalRateLimit(chart, 'limit', { target: RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'legacy' }), 8080), service: rls, domain: 'legacy', rateLimits: RULES, descriptors: DESCRIPTORS }))
        .toThrow(/\[test\/limit\] target "pods" is invalid: the rate-limit service admits only the identities of its callers.*Fix: give it: RateLimitTarget\.pods\(selector, port, \{ principal: Principal\.serviceAccount/);
      // with an endpoint elsewhere no identity is needed
      expect(() => new GlobalRateLimit(chart, 'other', { target: RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'legacy' }), 8080), endpoint: { host: 'ratelimit.ops.svc.cluster.local', port: 8081 }, domain: 'legacy', rateLimits: RULES })).not.toThrow();
    });

    test('a pods principal that is not a Principal', () => {
      const target = RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'legacy' }), 8080, { principal: 'cluster.local/ns/apps/sa/legacy' as unknown as Principal });
      expect(() => new GlobalRateLimit(fragmentChart(), 'limit', { target, endpoint: { host: 'ratelimit.ops.svc.cluster.local', port: 8081 }, domain: 'legacy', rateLimits: RULES }))
        .toThrow(/\[test\/limit\] target principal "cluster\.local\/ns\/apps\/sa\/legacy" is invalid: the principal must be built with the Principal class\. Fix:/);
    });

    test('an invalid gateway service account', () => {
      const chart = fragmentChart();
      expect(() => new GlobalRateLimit(chart, 'limit', { target: RateLimitTarget.ingressGateway({ serviceAccount: 'Ingress_GW' }), service: new RateLimitService(chart, 'rls'), domain: 'a', rateLimits: RULES, descriptors: DESCRIPTORS }))
        .toThrow(/\[test\/limit\] target serviceAccount "Ingress_GW" is invalid: .*Fix:/);
    });

    test('allowCaller takes a Principal', () => {
      expect(() => new RateLimitService(fragmentChart(), 'rls').allowCaller('cluster.local/ns/a/sa/b' as unknown as Principal))
        .toThrow(/\[test\/rls\] allowCaller principal "cluster\.local\/ns\/a\/sa\/b" is invalid: the caller must be a Principal\. Fix:/);
    });
  });
});

test('snapshot: the service, redis, their identities and policies, and the descriptors ConfigMap', () => {
  const chart = new Chart(Testing.app(), 'ratelimit', { namespace: 'ratelimit' });
  new RateLimitService(chart, 'rls').addDomain('shop', DESCRIPTORS).allowCaller(Principal.serviceAccount('istio-system', 'istio-ingressgateway-service-account'));
  expect(Testing.synth(chart)).toMatchSnapshot();
});
