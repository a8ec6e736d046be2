import { Duration, Testing } from 'cdk8s';
import { GatewayApiAllowedRoutes } from '../../src/gateway-api/allowed-routes';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiHttpRoute } from '../../src/gateway-api/http-route';
import { GatewayApiHttpRouteFilter, GatewayApiPathModifier, GatewayApiRedirectScheme } from '../../src/gateway-api/http-route-filter';
import { GatewayApiHeaderMatch, GatewayApiHttpMethod, GatewayApiPathMatch, GatewayApiQueryParamMatch } from '../../src/gateway-api/http-route-match';
import { GatewayApiListener } from '../../src/gateway-api/listener';
import { GatewayApiParentRef } from '../../src/gateway-api/parent-ref';

function routeOf(chart: ReturnType<typeof Testing.chart>): any {
  return Testing.synth(chart).find((o) => o.kind === 'HTTPRoute');
}

describe('GatewayApiHttpRoute', () => {
  test('Bookinfo route attached to a Gateway construct', () => {
    const chart = Testing.chart();
    const gw = new GatewayApiGateway(chart, 'gw', { metadata: { name: 'bookinfo-gateway' }, listeners: [GatewayApiListener.http()] });
    new GatewayApiHttpRoute(chart, 'route', {
      metadata: { name: 'bookinfo' },
      parentRefs: [GatewayApiParentRef.fromGateway(gw)],
      rules: [{
        matches: [{ path: GatewayApiPathMatch.exact('/productpage') }, { path: GatewayApiPathMatch.prefix('/static') }],
        backendRefs: [{ name: 'productpage', port: 9080 }],
      }],
    });
    const route = routeOf(chart);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'bookinfo-gateway' }],
      rules: [{
        matches: [{ path: { type: 'Exact', value: '/productpage' } }, { path: { type: 'PathPrefix', value: '/static' } }],
        backendRefs: [{ name: 'productpage', port: 9080 }],
      }],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('GAMMA: weighted split for mesh traffic to a Service (reviews 90/10)', () => {
    const chart = Testing.chart();
    new GatewayApiHttpRoute(chart, 'reviews', {
      metadata: { name: 'reviews' },
      parentRefs: [GatewayApiParentRef.fromServiceName('reviews', { port: 9080 })],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
    expect(routeOf(chart).spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
  });

  test('hostnames, header/query/method matches, filters, timeouts, fluent addRule', () => {
    const chart = Testing.chart();
    const route = new GatewayApiHttpRoute(chart, 'r', {
      parentRefs: [GatewayApiParentRef.fromGatewayName('public', { namespace: 'istio-ingress', sectionName: 'https' })],
      hostnames: ['bookinfo.example.com'],
    });
    expect(route.addRule({
      name: 'jason',
      matches: [{
        path: GatewayApiPathMatch.prefix('/service/'),
        headers: [GatewayApiHeaderMatch.exact('end-user', 'jason')],
        queryParams: [GatewayApiQueryParamMatch.regularExpression('v', '^2.*')],
        method: GatewayApiHttpMethod.GET,
      }],
      filters: [
        GatewayApiHttpRouteFilter.urlRewrite({ path: GatewayApiPathModifier.replacePrefixMatch('/') }),
        GatewayApiHttpRouteFilter.requestHeaderModifier({ set: { 'x-custom': 'yes' } }),
      ],
      backendRefs: [{ name: 'reviews-v2', port: 9080 }],
      timeout: Duration.seconds(10),
      backendRequestTimeout: Duration.millis(2500),
    })).toBe(route);
    route.addRule({ backendRefs: [{ name: 'reviews-v1', port: 9080 }], timeout: Duration.seconds(0) })
      .addHostname('*.bookinfo.example.com');
    const spec = routeOf(chart).spec;
    expect(spec.parentRefs).toEqual([{ name: 'public', namespace: 'istio-ingress', sectionName: 'https' }]);
    expect(spec.hostnames).toEqual(['bookinfo.example.com', '*.bookinfo.example.com']);
    expect(spec.rules[0]).toEqual({
      name: 'jason',
      matches: [{
        path: { type: 'PathPrefix', value: '/service/' },
        headers: [{ name: 'end-user', type: 'Exact', value: 'jason' }],
        queryParams: [{ name: 'v', type: 'RegularExpression', value: '^2.*' }],
        method: 'GET',
      }],
      filters: [
        { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-custom', value: 'yes' }] } },
      ],
      backendRefs: [{ name: 'reviews-v2', port: 9080 }],
      timeouts: { request: '10s', backendRequest: '2s500ms' },
    });
    expect(spec.rules[1]).toEqual({ backendRefs: [{ name: 'reviews-v1', port: 9080 }], timeouts: { request: '0s' } });
    expect(route.rules).toHaveLength(2);
  });

  test('HTTP-to-HTTPS redirect rule has no backends', () => {
    const chart = Testing.chart();
    new GatewayApiHttpRoute(chart, 'redirect', {
      parentRefs: [GatewayApiParentRef.fromGatewayName('gw', { sectionName: 'http' })],
      rules: [{ filters: [GatewayApiHttpRouteFilter.requestRedirect({ scheme: GatewayApiRedirectScheme.HTTPS, statusCode: 301 })] }],
    });
    expect(routeOf(chart).spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('cross-namespace attachment allowed by the listener', () => {
    const chart = Testing.chart();
    const gw = new GatewayApiGateway(chart, 'gw', {
      metadata: { name: 'shared', namespace: 'istio-ingress' },
      listeners: [GatewayApiListener.http({ allowedRoutes: GatewayApiAllowedRoutes.all() })],
    });
    new GatewayApiHttpRoute(chart, 'r', {
      metadata: { namespace: 'bookinfo' },
      parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'http', port: 80 })],
      rules: [{ backendRefs: [{ name: 'productpage', port: 9080 }] }],
    });
    expect(routeOf(chart).spec.parentRefs).toEqual([{ name: 'shared', namespace: 'istio-ingress', sectionName: 'http', port: 80 }]);
  });

  test('same parent twice with distinct sectionNames', () => {
    const chart = Testing.chart();
    new GatewayApiHttpRoute(chart, 'r', {
      parentRefs: [GatewayApiParentRef.fromGatewayName('gw', { sectionName: 'a' }), GatewayApiParentRef.fromGatewayName('gw', { sectionName: 'b' })],
      rules: [{ backendRefs: [{ name: 'productpage', port: 9080 }] }],
    });
    expect(routeOf(chart).spec.parentRefs).toHaveLength(2);
  });

  describe('bad input', () => {
    const parent = GatewayApiParentRef.fromGatewayName('gw');
    const backend = { name: 'productpage', port: 9080 };

    test('negative backend weight', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', { parentRefs: [parent], rules: [{ backendRefs: [{ ...backend, weight: -10 }] }] }))
        .toThrow(/\[test\/r\] rules\[0\]\.backendRefs\[0\]\.weight -10 is invalid: a backend weight must be an integer from 0 to 1000000/);
    });

    test('backend without a port', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', { parentRefs: [parent], rules: [{ backendRefs: [{ name: 'productpage' } as any] }] }))
        .toThrow(/rules\[0\]\.backendRefs\[0\]\.port undefined is invalid: a Service backend needs a port/);
    });

    test('more than 16 rules', () => {
      const chart = Testing.chart();
      const route = new GatewayApiHttpRoute(chart, 'r', { parentRefs: [parent] });
      for (let i = 0; i < 16; i++) route.addRule({ matches: [{ path: GatewayApiPathMatch.exact(`/p${i}`) }], backendRefs: [backend] });
      expect(() => route.addRule({ backendRefs: [backend] })).toThrow(/\[test\/r\] rules "17 entries" is invalid: the Gateway API allows at most 16/);
    });

    test('more than 128 matches in total', () => {
      const chart = Testing.chart();
      const route = new GatewayApiHttpRoute(chart, 'r', { parentRefs: [parent] });
      const matches = (n: number, rule: number) => Array.from({ length: n }, (_, i) => ({ path: GatewayApiPathMatch.exact(`/r${rule}/p${i}`) }));
      route.addRule({ matches: matches(64, 0), backendRefs: [backend] }).addRule({ matches: matches(64, 1), backendRefs: [backend] });
      expect(() => route.addRule({ matches: matches(1, 2), backendRefs: [backend] })).toThrow(/rules\[2\]\.matches "129 matches in total" is invalid: .*at most 128 matches/);
    });

    test('redirect together with backends', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [parent],
        rules: [{ filters: [GatewayApiHttpRouteFilter.requestRedirect({ scheme: GatewayApiRedirectScheme.HTTPS })], backendRefs: [backend] }],
      })).toThrow(/rules\[0\]\.backendRefs \["productpage"\] is invalid: a rule that redirects answers the client itself/);
    });

    test('redirect and rewrite in one rule', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [parent],
        rules: [{ filters: [GatewayApiHttpRouteFilter.requestRedirect({ port: 8443 }), GatewayApiHttpRouteFilter.urlRewrite({ hostname: 'a.example.com' })] }],
      })).toThrow(/rules\[0\]\.filters "RequestRedirect and URLRewrite" is invalid: a rule either redirects the client or rewrites/);
    });

    test('the same filter kind twice', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [parent],
        rules: [{
          filters: [GatewayApiHttpRouteFilter.requestHeaderModifier({ set: { a: '1' } }), GatewayApiHttpRouteFilter.requestHeaderModifier({ remove: ['b'] })],
          backendRefs: [backend],
        }],
      })).toThrow(/rules\[0\]\.filters\[1\]\.type "RequestHeaderModifier" is invalid: this kind of filter may appear only once per rule/);
    });

    test('replacePrefixMatch without a single PathPrefix match', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [parent],
        rules: [{
          matches: [{ path: GatewayApiPathMatch.exact('/a') }],
          filters: [GatewayApiHttpRouteFilter.urlRewrite({ path: GatewayApiPathModifier.replacePrefixMatch('/b') })],
          backendRefs: [backend],
        }],
      })).toThrow(/rules\[0\]\.filters\[0\]\.path\.replacePrefixMatch "\/b" is invalid: replacing the matched prefix needs exactly one PathPrefix match .*of type Exact/);
    });

    test('backend request timeout longer than the request timeout', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [parent],
        rules: [{ backendRefs: [backend], timeout: Duration.seconds(5), backendRequestTimeout: Duration.seconds(10) }],
      })).toThrow(/rules\[0\]\.timeouts\.backendRequest "10s" is invalid: it is longer than the request timeout 5s/);
    });

    test('rule with neither backends nor redirect', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', { parentRefs: [parent], rules: [{ matches: [{ path: GatewayApiPathMatch.prefix('/') }] }] }))
        .toThrow(/rules\[0\]\.backendRefs \[\] is invalid: a rule without backends and without a redirect answers every request with HTTP 500/);
    });

    test('route without parents or rules fails synth', () => {
      const chart = Testing.chart();
      new GatewayApiHttpRoute(chart, 'r');
      expect(() => Testing.synth(chart)).toThrow(/\[test\/r\] parentRefs \[\] is invalid: the route is attached to nothing.*\[test\/r\] rules \[\] is invalid: the route has no rules/s);
    });

    test('same parent twice without sectionName', () => {
      const chart = Testing.chart();
      new GatewayApiHttpRoute(chart, 'r', {
        parentRefs: [GatewayApiParentRef.fromGatewayName('gw'), GatewayApiParentRef.fromGatewayName('gw', { sectionName: 'http' })],
        rules: [{ backendRefs: [backend] }],
      });
      expect(() => Testing.synth(chart)).toThrow(/parentRefs "Gateway\/\/gw" is invalid: the same parent is referenced 2 times, so each reference needs its own distinct sectionName/);
    });

    test('sectionName that names no listener of the Gateway', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw', { listeners: [GatewayApiListener.http()] });
      new GatewayApiHttpRoute(chart, 'r', { parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'https' })], rules: [{ backendRefs: [backend] }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/r\] parentRefs\[0\]\.sectionName "https" is invalid: Gateway test\/gw has no listener of that name \(it has \["http"\]\)/);
    });

    test('port that matches no listener of the Gateway', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw', { listeners: [GatewayApiListener.http()] });
      new GatewayApiHttpRoute(chart, 'r', { parentRefs: [GatewayApiParentRef.fromGateway(gw, { port: 8080 })], rules: [{ backendRefs: [backend] }] });
      expect(() => Testing.synth(chart)).toThrow(/parentRefs\[0\]\.port 8080 is invalid: Gateway test\/gw has no listener on that port/);
    });

    test('route in another namespace than a Same-only Gateway', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw', { metadata: { namespace: 'istio-ingress' }, listeners: [GatewayApiListener.http()] });
      new GatewayApiHttpRoute(chart, 'r', { metadata: { namespace: 'bookinfo' }, parentRefs: [GatewayApiParentRef.fromGateway(gw)], rules: [{ backendRefs: [backend] }] });
      expect(() => Testing.synth(chart)).toThrow(/parentRefs\[0\]\.namespace "istio-ingress" is invalid: the route lives in namespace "bookinfo" but the Gateway's listeners only admit routes from their own namespace/);
    });

    test('hostname with upper case, and duplicated hostname', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', { hostnames: ['Bookinfo.com'] })).toThrow(/\[test\/r\] hostnames\[0\] "Bookinfo\.com" is invalid/);
      expect(() => new GatewayApiHttpRoute(chart, 'r2', { hostnames: ['a.com', 'a.com'] })).toThrow(/hostnames "a\.com" is invalid: the hostname is listed twice/);
    });

    test('duplicate rule names', () => {
      const chart = Testing.chart();
      const route = new GatewayApiHttpRoute(chart, 'r', { rules: [{ name: 'main', backendRefs: [backend] }] });
      expect(() => route.addRule({ name: 'main', backendRefs: [backend] })).toThrow(/rules\[1\]\.name "main" is invalid: another rule of this route has the same name/);
    });

    test('backend name that is not a Service name', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiHttpRoute(chart, 'r', { rules: [{ backendRefs: [{ name: 'Product_Page', port: 9080 }] }] }))
        .toThrow(/rules\[0\]\.backendRefs\[0\]\.name "Product_Page" is invalid: it must be a DNS-1123 label/);
    });
  });
});
