import { App, Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { MeshAnalysis } from '../../../src/core/mesh-analysis';
import { WorkloadSelector } from '../../../src/core/workload-selector';
import { MeshService } from '../../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../../src/patterns/mtls-namespace';
import { GlobalRateLimit, GlobalRateLimitProps } from '../../../src/patterns/rate-limit/global-rate-limit';
import { RateLimitAction, RateLimitUnit } from '../../../src/patterns/rate-limit/rate-limit-descriptor';
import { RateLimitService } from '../../../src/patterns/rate-limit/rate-limit-service';
import { RateLimitTarget } from '../../../src/patterns/rate-limit/rate-limit-target';
import { admissionOf } from '../../support/admit';
import { fragmentChart } from '../../support/fragment';

type Obj = { [key: string]: any };

const ENDPOINT = { host: 'ratelimit.ratelimit.svc.cluster.local', port: 8081 };
const PATH_RULE = { actions: [RateLimitAction.requestHeader(':path', 'PATH')] };

function build(props: Partial<GlobalRateLimitProps>): () => GlobalRateLimit {
  return () => new GlobalRateLimit(fragmentChart(), 'limit', {
    target: RateLimitTarget.ingressGateway(), endpoint: ENDPOINT, domain: 'shop', rateLimits: [PATH_RULE], ...props,
  } as GlobalRateLimitProps);
}

function withService(descriptors: unknown): () => GlobalRateLimit {
  return () => {
    const chart = fragmentChart();
    return new GlobalRateLimit(chart, 'limit', {
      target: RateLimitTarget.ingressGateway(), service: new RateLimitService(chart, 'rls'), domain: 'shop', rateLimits: [PATH_RULE], descriptors,
    } as GlobalRateLimitProps);
  };
}

describe('GlobalRateLimit', () => {
  test('defaults: fail open, Envoy\'s timeout, 1s connect timeout; every action kind renders', () => {
    const chart = new Chart(Testing.app(), 'platform');
    const limit = new GlobalRateLimit(chart, 'limit', {
      target: RateLimitTarget.ingressGateway(),
      endpoint: ENDPOINT,
      domain: 'shop',
      rateLimits: [
        { actions: [RateLimitAction.remoteAddress()] },
        { actions: [RateLimitAction.genericKey('all'), RateLimitAction.requestHeader('x-user', 'USER')] },
        { actions: [RateLimitAction.headerValueMatch('admin', [{ name: ':path', prefix: '/admin', ignoreCase: true }], false), RateLimitAction.destinationCluster()] },
        { actions: [RateLimitAction.genericKey('login', 'route')] },
      ],
    });
    const [filter, actions] = Testing.synth(chart);
    expect(filter.metadata.name).toBe(limit.filter.name);
    expect(actions.metadata.name).toBe(limit.actions.name);
    const typed = filter.spec.configPatches[0].patch.value.typed_config;
    expect(typed.failure_mode_deny).toBe(false);
    expect(typed.timeout).toBeUndefined();
    expect(filter.spec.configPatches[1].patch.value.connect_timeout).toBe('1s');
    const endpoint = filter.spec.configPatches[1].patch.value.load_assignment.endpoints[0].lb_endpoints[0].endpoint;
    expect(endpoint.address.socket_address).toEqual({ address: ENDPOINT.host, port_value: 8081 });
    expect(actions.spec.configPatches[0].patch.value.rate_limits).toEqual([
      { actions: [{ remote_address: {} }] },
      { actions: [{ generic_key: { descriptor_value: 'all' } }, { request_headers: { header_name: 'x-user', descriptor_key: 'USER' } }] },
      { actions: [{ header_value_match: { descriptor_value: 'admin', expect_match: false, headers: [{ name: ':path', string_match: { prefix: '/admin', ignore_case: true } }] } }, { destination_cluster: {} }] },
      { actions: [{ generic_key: { descriptor_value: 'login', descriptor_key: 'route' } }] },
    ]);
    expect(admissionOf(filter)).toEqual([]);
    expect(admissionOf(actions)).toEqual([]);
  });

  test('a sidecar target: SIDECAR_INBOUND, the inbound virtual host, the workload\'s namespace; nested descriptors in the service config', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    const api = new MeshService(chart, 'api', { port: 8080, image: 'example/api:1.0' });
    const rls = new RateLimitService(chart, 'rls', { name: 'limits', replicas: 2 });
    new GlobalRateLimit(chart, 'limit', {
      target: RateLimitTarget.workload(api),
      service: rls,
      domain: 'api',
      timeout: Duration.millis(100),
      failureModeDeny: true,
      priority: 5,
      rateLimits: [{ actions: [RateLimitAction.remoteAddress(), RateLimitAction.requestHeader(':path', 'PATH')] }],
      descriptors: [{ key: 'remote_address', requestsPerUnit: 1000, unit: RateLimitUnit.HOUR, descriptors: [{ key: 'PATH', value: '/search', requestsPerUnit: 10, unit: RateLimitUnit.SECOND, shadowMode: true }] }],
    });
    const out = Testing.synth(chart);
    const [filter, actions] = out.filter((o) => o.kind === 'EnvoyFilter');
    expect(filter.metadata.namespace).toBe('apps');
    expect([filter.spec.priority, actions.spec.priority]).toEqual([5, 5]);
    expect(filter.spec.configPatches[0].match.context).toBe('SIDECAR_INBOUND');
    expect(filter.spec.configPatches[0].patch.value.typed_config).toMatchObject({ domain: 'api', failure_mode_deny: true, timeout: '0.100s' });
    // A service deployed here is called through Istio's own cluster (mTLS, the proxy's identity): no cluster is added.
    expect(filter.spec.configPatches).toHaveLength(1);
    expect(filter.spec.configPatches[0].patch.value.typed_config.rate_limit_service).toEqual({ grpc_service: { envoy_grpc: { cluster_name: 'outbound|8081||limits.apps.svc.cluster.local' } } });
    expect(actions.spec.configPatches[0].match).toEqual({ context: 'SIDECAR_INBOUND', routeConfiguration: { vhost: { name: 'inbound|http|8080', route: { action: 'ANY' } } } });
    const config = out.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'limits-config')!;
    expect(YAML.parse(config.data['api.yaml'])).toEqual({
      domain: 'api',
      descriptors: [{
        key: 'remote_address',
        rate_limit: { unit: 'hour', requests_per_unit: 1000 },
        descriptors: [{ key: 'PATH', value: '/search', rate_limit: { unit: 'second', requests_per_unit: 10 }, shadow_mode: true }],
      }],
    });
    const deployment = out.find((o) => o.kind === 'Deployment' && o.metadata.name === 'limits')!;
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.limits).toBeDefined();
    expect(container.env.find((e: Obj) => e.name === 'REDIS_URL').value).toBe('limits-redis:6379');
  });

  test('two domains share one service, one file each', () => {
    const chart = fragmentChart();
    const rls = new RateLimitService(chart, 'rls', { namespace: 'ratelimit' });
    const descriptors = [{ key: 'PATH', requestsPerUnit: 5, unit: RateLimitUnit.DAY }];
    new GlobalRateLimit(chart, 'a', { target: RateLimitTarget.ingressGateway(), service: rls, domain: 'a', rateLimits: [PATH_RULE], descriptors });
    const partner = RateLimitTarget.ingressGateway({ selector: WorkloadSelector.fromLabels({ istio: 'partner-gateway' }), serviceAccount: 'partner-gateway' });
    new GlobalRateLimit(chart, 'b', { target: partner, service: rls, domain: 'b', rateLimits: [PATH_RULE], descriptors });
    const config = Testing.synth(chart).find((o) => o.kind === 'ConfigMap')!;
    expect(Object.keys(config.data).sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(() => new GlobalRateLimit(chart, 'c', { target: RateLimitTarget.ingressGateway(), service: rls, domain: 'a', rateLimits: [PATH_RULE], descriptors }))
      .toThrow(/\[test\/rls\] domain "a" is invalid: the rate-limit service already has a configuration for this domain\. Fix:/);
  });

  describe('bad input names the construct path, the bad value and the fix', () => {
    test.each([
      ['an empty domain', build({ domain: '' }), /\[test\/limit\] domain "" is invalid: a domain must be non-empty.*Fix: use e\.g\. "productpage-ratelimit"/],
      ['a domain with spaces', build({ domain: 'my domain' }), /\[test\/limit\] domain "my domain" is invalid: .*Fix:/],
      ['no rules', build({ rateLimits: [] }), /\[test\/limit\] rateLimits \[\] is invalid: the list must not be empty\. Fix: give at least one rule/],
      ['a rule without actions', build({ rateLimits: [{ actions: [] }] }), /rateLimits\[0\]\.actions \[\] is invalid: the list must not be empty\. Fix:/],
      ['an invalid header name in an action', build({ rateLimits: [{ actions: [RateLimitAction.requestHeader('x user', 'USER')] }] }), /\[test\/limit\] rateLimits\[0\]\.actions\[0\]\.headerName "x user" is invalid: .*Fix:/],
      ['an empty descriptor key in an action', build({ rateLimits: [{ actions: [RateLimitAction.requestHeader('x-user', '')] }] }), /rateLimits\[0\]\.actions\[0\]\.descriptorKey "" is invalid: a descriptor key or value must not be empty\. Fix:/],
      ['a header match with both exact and prefix', build({ rateLimits: [{ actions: [RateLimitAction.headerValueMatch('a', [{ name: ':path', exact: '/a', prefix: '/a' }])] }] }), /rateLimits\[0\]\.actions\[0\]\.headers\[0\] .* is invalid: give exactly one of exact and prefix\. Fix:/],
      ['a zero timeout', build({ timeout: Duration.millis(0) }), /\[test\/limit\] timeout "0ms" is invalid: the duration must be at least 1ms.*Fix: give a positive timeout/],
      ['a fractional-millisecond timeout', build({ timeout: Duration.millis(0.5) }), /\[test\/limit\] timeout "0\.5ms" is invalid: .*whole milliseconds.*Fix:/],
      ['an endpoint port out of range', build({ endpoint: { host: ENDPOINT.host, port: 0 } }), /\[test\/limit\] endpoint\.port 0 is invalid: .*Fix:/],
      ['a wildcard endpoint host', build({ endpoint: { host: '*.svc.cluster.local', port: 8081 } }), /endpoint\.host "\*\.svc\.cluster\.local" is invalid: the service host cannot be a wildcard\. Fix:/],
      ['no service at all', build({ endpoint: undefined }), /\[test\/limit\] service undefined is invalid: a global rate limit needs a rate-limit service\. Fix: pass service:/],
      ['descriptors for a service configured elsewhere', build({ descriptors: [{ key: 'PATH', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE }] }), /\[test\/limit\] descriptors 1 is invalid: the descriptors of a service deployed elsewhere are configured there.*Fix:/],
      ['a deployed service without descriptors', withService(undefined), /\[test\/limit\] descriptors undefined is invalid: the rate-limit service deployed here needs the descriptors.*Fix:/],
      ['duplicate descriptors', withService([{ key: 'PATH', value: '/', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE }, { key: 'PATH', value: '/', requestsPerUnit: 2, unit: RateLimitUnit.MINUTE }]),
        /\[test\/rls\] domain shop descriptors\[1\] "PATH=\/" is invalid: the descriptor appears twice at this level.*Fix: merge the two descriptors/],
      ['an invalid unit', withService([{ key: 'PATH', requestsPerUnit: 1, unit: 'week' }]), /\[test\/rls\] domain shop descriptors\[0\]\.unit "week" is invalid: unknown unit\. Fix: use RateLimitUnit\.SECOND, MINUTE, HOUR or DAY/],
      ['a unit without requestsPerUnit', withService([{ key: 'PATH', unit: RateLimitUnit.MINUTE }]), /descriptors\[0\]\.requestsPerUnit "minute" is invalid: a limit needs both requestsPerUnit and unit\. Fix:/],
      ['a negative requestsPerUnit', withService([{ key: 'PATH', requestsPerUnit: -1, unit: RateLimitUnit.MINUTE }]), /descriptors\[0\]\.requestsPerUnit -1 is invalid: .*Fix:/],
      ['a nested duplicate', withService([{ key: 'a', descriptors: [{ key: 'b', requestsPerUnit: 1, unit: RateLimitUnit.SECOND }, { key: 'b', requestsPerUnit: 1, unit: RateLimitUnit.SECOND }] }]),
        /descriptors\[0\]\.descriptors\[1\] "b=\*" is invalid: the descriptor appears twice.*Fix:/],
      ['a descriptor that limits nothing', withService([{ key: 'PATH' }]), /descriptors\[0\] "PATH=\*" is invalid: the descriptor has neither a limit nor nested descriptors\. Fix:/],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });

    test('a workload in an ambient namespace is refused, its ingress gateway is not', () => {
      const app = new App();
      const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
      const api = new MeshService(ns, 'api', { port: 8080, image: 'example/api:1.0' });
      expect(() => new GlobalRateLimit(ns, 'limit', { target: RateLimitTarget.workload(api), endpoint: ENDPOINT, domain: 'shop', rateLimits: [PATH_RULE] }))
        .toThrow(/\[shop\/limit\] target "workload api in namespace shop" is invalid: the namespace runs in ambient mode.*Fix: rate-limit at the ingress gateway instead/);
      expect(() => new GlobalRateLimit(ns, 'edge', { target: RateLimitTarget.ingressGateway({ namespace: 'shop' }), endpoint: ENDPOINT, domain: 'shop', rateLimits: [PATH_RULE] })).not.toThrow();
    });

    test('a connect timeout with a RateLimitService (called through Istio\'s cluster) is refused', () => {
      const chart = fragmentChart();
      expect(() => new GlobalRateLimit(chart, 'limit', { target: RateLimitTarget.ingressGateway(), service: new RateLimitService(chart, 'rls'), domain: 'shop', rateLimits: [PATH_RULE], descriptors: [{ key: 'PATH', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE }], connectTimeout: Duration.seconds(2) }))
        .toThrow(/\[test\/limit\] connectTimeout "2s" is invalid: a RateLimitService is called through Istio's own cluster.*Fix: leave connectTimeout out, or set connectionPool\.tcp\.connectTimeout in a DestinationRule/);
    });

    test('two GlobalRateLimits on the same gateway are refused at synth, naming both', () => {
      const chart = fragmentChart();
      new GlobalRateLimit(chart, 'first', { target: RateLimitTarget.ingressGateway(), endpoint: ENDPOINT, domain: 'a', rateLimits: [PATH_RULE] });
      new GlobalRateLimit(chart, 'second', { target: RateLimitTarget.ingressGateway({ port: 443 }), endpoint: ENDPOINT, domain: 'b', rateLimits: [PATH_RULE] });
      expect(() => Testing.synth(chart)).toThrow(new RegExp('\\[test/second\\] target "ingress gateway \\{\\\\"istio\\\\":\\\\"ingressgateway\\\\"\\} in namespace istio-system" is invalid: '
        + 'GlobalRateLimits test/first and test/second rate-limit the same proxies: Envoy would run both rate limit filters.*rate_limit_cluster\\. '
        + 'Fix: put the rules of both in one GlobalRateLimit'));
    });

    test('two GlobalRateLimits on one workload (or its pods) are refused, other workloads are not', () => {
      const app = new App();
      const ns = new MtlsNamespace(app, 'shop');
      const api = new MeshService(ns, 'api', { port: 8080, additionalPorts: [{ port: 9090 }], image: 'example/api:1.0' });
      const web = new MeshService(ns, 'web', { port: 8080, image: 'example/web:1.0' });
      const rls = new RateLimitService(ns, 'rls');
      const descriptors = [{ key: 'PATH', requestsPerUnit: 5, unit: RateLimitUnit.MINUTE }];
      new GlobalRateLimit(ns, 'api-http', { target: RateLimitTarget.workload(api), service: rls, domain: 'api', rateLimits: [PATH_RULE], descriptors, priority: 1 });
      new GlobalRateLimit(ns, 'web-limit', { target: RateLimitTarget.workload(web), service: rls, domain: 'web', rateLimits: [PATH_RULE], descriptors, priority: 1 });
      expect(() => Testing.synth(ns)).not.toThrow();
      new GlobalRateLimit(ns, 'api-admin', { target: RateLimitTarget.workload(api, 9090), service: rls, domain: 'admin', rateLimits: [PATH_RULE], descriptors, priority: 1 });
      expect(() => Testing.synth(ns)).toThrow(/\[shop\/api-admin\] target "workload api \{\\"app\\":\\"api\\"\} in namespace shop" is invalid: GlobalRateLimits shop\/api-http and shop\/api-admin rate-limit the same proxies/);
      // pods selected through a raw selector with the same labels are the same proxies
      const pods = new Chart(app, 'pods', { namespace: 'shop' });
      MeshAnalysis.suppress(pods, 'IST0101');
      new GlobalRateLimit(pods, 'raw', { target: RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'web' }), 8080), endpoint: ENDPOINT, domain: 'raw', rateLimits: [PATH_RULE] });
      expect(() => Testing.synth(pods)).toThrow(/\[pods\/raw\] target "pods \{\\"app\\":\\"web\\"\} in namespace shop" is invalid: GlobalRateLimits shop\/web-limit and pods\/raw rate-limit the same proxies/);
    });

    test('an invalid service name', () => {
      expect(() => new RateLimitService(fragmentChart(), 'rls', { name: 'Rate_Limit' })).toThrow(/\[test\/rls\] name "Rate_Limit" is invalid: .*Fix:/);
    });
  });
});

test('snapshot: an ingress gateway\'s global rate limit through a RateLimitService', () => {
  const chart = new Chart(Testing.app(), 'edge', { namespace: 'istio-system' });
  new GlobalRateLimit(chart, 'limit', {
    target: RateLimitTarget.ingressGateway(),
    service: new RateLimitService(chart, 'ratelimit'),
    domain: 'shop',
    rateLimits: [PATH_RULE],
    descriptors: [{ key: 'PATH', value: '/', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE }, { key: 'PATH', requestsPerUnit: 100, unit: RateLimitUnit.MINUTE }],
    failureModeDeny: true,
    timeout: Duration.seconds(1),
  });
  expect(Testing.synth(chart).filter((o) => o.kind === 'EnvoyFilter')).toMatchSnapshot();
});
