import { App, Chart, Duration, Testing } from 'cdk8s';
import { WorkloadSelector } from '../../../src/core/workload-selector';
import { MeshService } from '../../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../../src/patterns/mtls-namespace';
import { LocalRateLimit, LocalRateLimitProps, RateLimitPathMatchType } from '../../../src/patterns/rate-limit/local-rate-limit';
import { RateLimitTarget } from '../../../src/patterns/rate-limit/rate-limit-target';
import { admissionOf } from '../../support/admit';
import { fragmentChart } from '../../support/fragment';

type Obj = { [key: string]: any };

const BUCKET = { maxTokens: 100, fillInterval: Duration.minutes(1) };
const PODS = RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'api' }), 8080);

function perRoute(spec: Obj): Obj {
  return spec.configPatches[1].patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit'];
}

function build(props: Partial<LocalRateLimitProps>): () => LocalRateLimit {
  return () => new LocalRateLimit(fragmentChart(), 'limit', { target: PODS, tokenBucket: BUCKET, ...props } as LocalRateLimitProps);
}

describe('LocalRateLimit', () => {
  test('defaults: the overall bucket on the inbound virtual host of the port, enforced, 429 by Envoy', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    const api = new MeshService(chart, 'api', { port: 9090, image: 'example/api:1.0' });
    const limit = new LocalRateLimit(chart, 'limit', { target: RateLimitTarget.workload(api), tokenBucket: { maxTokens: 50, fillInterval: Duration.seconds(1) } });
    const out = Testing.synth(chart).find((o) => o.kind === 'EnvoyFilter')!;
    expect(out.metadata.namespace).toBe('apps');
    expect(limit.envoyFilter.name).toBe(out.metadata.name);
    expect(out.spec.workloadSelector).toEqual({ labels: { app: 'api' } });
    expect(out.spec.configPatches[1].match).toEqual({ context: 'SIDECAR_INBOUND', routeConfiguration: { vhost: { name: 'inbound|http|9090', route: { action: 'ANY' } } } });
    expect(out.spec.configPatches[1].patch.value.route).toBeUndefined();
    expect(perRoute(out.spec)).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
      'stat_prefix': 'http_local_rate_limit',
      'token_bucket': { max_tokens: 50, tokens_per_fill: 50, fill_interval: '1s' },
      'filter_enabled': { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
      'filter_enforced': { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
    });
    expect(admissionOf(out)).toEqual([]);
    // ordered after the EnvoyFilters of the default priority, so istioctl has no IST0151 to report
    expect(out.spec.priority).toBe(10);
  });

  test('priority: the user\'s (0 included) is kept; a non-integer is refused with the fix', () => {
    const spec = (priority: number) => Testing.synth((build({ priority })().node.scope as Chart)).find((o) => o.kind === 'EnvoyFilter')!.spec;
    expect(spec(-5).priority).toBe(-5);
    expect(spec(0).priority).toBe(0);
    expect(build({ priority: 1.5 })).toThrow(/^\[[^\]]*limit\] priority 1\.5 is invalid: it must be an integer from -2147483648 to 2147483647\. Fix: /);
  });

  test('exact paths, header buckets, status, dry run, sub-second interval in protobuf form', () => {
    const chart = fragmentChart();
    new LocalRateLimit(chart, 'limit', {
      target: PODS,
      tokenBucket: { maxTokens: 20, tokensPerFill: 5, fillInterval: Duration.millis(250) },
      paths: [{ path: '/login', match: RateLimitPathMatchType.EXACT, ignoreCase: false, tokenBucket: { maxTokens: 5, fillInterval: Duration.minutes(1) } }, { path: '/api/v1/', tokenBucket: BUCKET }],
      headers: [{ header: 'X-Plan', value: 'free', tokenBucket: { maxTokens: 10, fillInterval: Duration.seconds(1) } }, { header: 'x-plan', value: 'trial', tokenBucket: BUCKET }],
      status: 503,
      dryRun: true,
      priority: -10,
    });
    const [out] = Testing.synth(chart);
    expect(out.spec.priority).toBe(-10);
    const value = out.spec.configPatches[1].patch.value;
    expect(value.route.rate_limits).toEqual([
      { actions: [{ header_value_match: { descriptor_value: 'login', expect_match: true, headers: [{ name: ':path', string_match: { exact: '/login', ignore_case: false } }] } }] },
      { actions: [{ header_value_match: { descriptor_value: 'api-v1', expect_match: true, headers: [{ name: ':path', string_match: { prefix: '/api/v1/', ignore_case: true } }] } }] },
      { actions: [{ request_headers: { header_name: 'x-plan', descriptor_key: 'x-plan' } }] },
    ]);
    const config = perRoute(out.spec);
    expect(config.token_bucket).toEqual({ max_tokens: 20, tokens_per_fill: 5, fill_interval: '0.250s' });
    expect(config.descriptors.map((d: Obj) => d.entries)).toEqual([
      [{ key: 'header_match', value: 'login' }], [{ key: 'header_match', value: 'api-v1' }], [{ key: 'x-plan', value: 'free' }], [{ key: 'x-plan', value: 'trial' }],
    ]);
    expect(config.status).toEqual({ code: 503 });
    expect(config.filter_enforced.default_value.numerator).toBe(0);
    expect(config.filter_enabled.default_value.numerator).toBe(100);
  });

  test('an ingress gateway target: GATEWAY context, istio-system by default, optional port', () => {
    const chart = new Chart(Testing.app(), 'platform');
    new LocalRateLimit(chart, 'edge', { target: RateLimitTarget.ingressGateway({ port: 8080 }), tokenBucket: BUCKET });
    const [ef] = Testing.synth(chart);
    expect(ef.metadata.namespace).toBe('istio-system');
    expect(ef.spec.workloadSelector).toEqual({ labels: { istio: 'ingressgateway' } });
    expect(ef.spec.configPatches.map((p: Obj) => p.match.context)).toEqual(['GATEWAY', 'GATEWAY']);
    expect(ef.spec.configPatches[1].match.routeConfiguration).toEqual({ portNumber: 8080, vhost: { name: '', route: { action: 'ANY' } } });
  });

  test('a gateway running in an ambient namespace is allowed: gateway pods still run Envoy', () => {
    const ns = new MtlsNamespace(new App(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    new LocalRateLimit(ns, 'edge', {
      target: RateLimitTarget.ingressGateway({ namespace: 'shop', selector: WorkloadSelector.fromLabels({ 'gateway.networking.k8s.io/gateway-name': 'shop-gateway' }) }),
      tokenBucket: BUCKET,
    });
    const ef = Testing.synth(ns).find((o) => o.kind === 'EnvoyFilter')!;
    expect(ef.metadata.namespace).toBe('shop');
    expect(ef.spec.workloadSelector).toEqual({ labels: { 'gateway.networking.k8s.io/gateway-name': 'shop-gateway' } });
    expect(ef.spec.configPatches[0].match.context).toBe('GATEWAY');
  });

  describe('bad input names the construct path, the bad value and the fix', () => {
    test.each([
      ['a bucket of 0 tokens', build({ tokenBucket: { maxTokens: 0, fillInterval: Duration.seconds(1) } }), /\[test\/limit\] tokenBucket\.maxTokens 0 is invalid: .*Envoy refuses 0.*Fix: pass a whole number of tokens/],
      ['a fractional token count', build({ tokenBucket: { maxTokens: 10.5, fillInterval: Duration.seconds(1) } }), /\[test\/limit\] tokenBucket\.maxTokens 10\.5 is invalid: a bucket holds a whole number of tokens.*Fix:/],
      ['tokensPerFill above maxTokens', build({ tokenBucket: { maxTokens: 10, tokensPerFill: 20, fillInterval: Duration.seconds(1) } }), /\[test\/limit\] tokenBucket\.tokensPerFill 20 is invalid: more tokens per fill than the bucket holds.*Fix: raise maxTokens to at least 20/],
      ['0 tokens per fill', build({ tokenBucket: { maxTokens: 10, tokensPerFill: 0, fillInterval: Duration.seconds(1) } }), /tokenBucket\.tokensPerFill 0 is invalid: .*Fix:/],
      ['a fill interval under 50ms', build({ tokenBucket: { maxTokens: 10, fillInterval: Duration.millis(20) } }), /\[test\/limit\] tokenBucket\.fillInterval "20ms" is invalid: the duration must be at least 50ms.*Fix: Envoy's local rate limit needs a fill interval of at least 50ms/],
      ['a fill interval that is not a Duration', build({ tokenBucket: { maxTokens: 10, fillInterval: '1s' as unknown as Duration } }), /tokenBucket\.fillInterval "1s" is invalid: a duration must be a cdk8s Duration.*Fix: use e\.g\. Duration\.seconds/],
      ['a path without a leading /', build({ paths: [{ path: 'login', tokenBucket: BUCKET }] }), /\[test\/limit\] paths\[0\]\.path "login" is invalid: a path must start with "\/".*Fix: write e\.g\. "\/login"/],
      ['a path with a query', build({ paths: [{ path: '/a?b=1', tokenBucket: BUCKET }] }), /paths\[0\]\.path "\/a\?b=1" is invalid: .*no spaces, query or fragment.*Fix:/],
      ['two paths with the same descriptor', build({ paths: [{ path: '/a/b', tokenBucket: BUCKET }, { path: '/a-b', tokenBucket: BUCKET }] }), /\[test\/limit\] paths\[1\]\.name "a-b" is invalid: another limit already uses the descriptor header_match=a-b.*Fix: give each path a distinct name/],
      ['a header value listed twice', build({ headers: [{ header: 'x-plan', value: 'free', tokenBucket: BUCKET }, { header: 'X-Plan', value: 'free', tokenBucket: BUCKET }] }), /headers\[1\]\.value "free" is invalid: another limit already uses the descriptor x-plan=free.*Fix:/],
      ['an invalid header name', build({ headers: [{ header: 'x plan', value: 'free', tokenBucket: BUCKET }] }), /\[test\/limit\] headers\[0\]\.header "x plan" is invalid: a header or query parameter name must be 1-256 token characters.*Fix:/],
      ['an invalid response header name', build({ responseHeaders: { 'bad header': 'x' } }), /responseHeaders\[0\] "bad header" is invalid: .*Fix:/],
      ['a status Envoy does not define', build({ status: 299 }), /\[test\/limit\] status 299 is invalid: Envoy replies to limited requests with a status its HttpStatus enum defines.*Fix: use e\.g\. 429/],
      ['a port out of range', build({ target: RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'api' }), 70000) }), /\[test\/limit\] target port 70000 is invalid: .*Fix:/],
      ['a path limit name with spaces', build({ paths: [{ path: '/a', name: 'my limit', tokenBucket: BUCKET }] }), /paths\[0\]\.name "my limit" is invalid: a limit name must be.*Fix: give the path limit a name/],
      ['a missing token bucket', build({ tokenBucket: undefined }), /\[test\/limit\] .*tokenBucket.*Fix:/],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });

    test('a workload in an ambient namespace is refused: ztunnel and waypoints ignore EnvoyFilters', () => {
      const ns = new MtlsNamespace(new App(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
      const api = new MeshService(ns, 'api', { port: 8080, image: 'example/api:1.0' });
      expect(() => new LocalRateLimit(ns, 'limit', { target: RateLimitTarget.workload(api), tokenBucket: BUCKET }))
        .toThrow(/\[shop\/limit\] target "workload api in namespace shop" is invalid: the namespace runs in ambient mode: ztunnel and waypoints ignore EnvoyFilters.*Fix: rate-limit at the ingress gateway instead/);
    });

    test('a workload without a known port is refused', () => {
      const chart = fragmentChart();
      const worker = { workloadName: 'worker', namespace: 'apps', selector: WorkloadSelector.fromLabels({ app: 'worker' }), node: chart.node } as any;
      expect(() => new LocalRateLimit(chart, 'limit', { target: RateLimitTarget.workload(worker), tokenBucket: BUCKET }))
        .toThrow(/\[test\/limit\] target port undefined is invalid: a sidecar rate limit needs the service port.*Fix: pass the port/);
    });
  });
});

test('snapshot: a workload\'s local rate limit with a per-path bucket, rate-limit headers and a response header', () => {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const api = new MeshService(chart, 'api', { port: 8080, image: 'example/api:1.0' });
  new LocalRateLimit(chart, 'limit', {
    target: RateLimitTarget.workload(api),
    tokenBucket: { maxTokens: 100, fillInterval: Duration.minutes(1) },
    paths: [{ path: '/checkout', tokenBucket: { maxTokens: 10, fillInterval: Duration.minutes(1) } }],
    rateLimitHeaders: true,
    responseHeaders: { 'x-local-rate-limit': 'true' },
  });
  expect(Testing.synth(chart).filter((o) => o.kind === 'EnvoyFilter')).toMatchSnapshot();
});
