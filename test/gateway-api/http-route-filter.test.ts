import { Testing } from 'cdk8s';
import { GatewayApiHttpRouteFilter, GatewayApiPathModifier, GatewayApiRedirectScheme } from '../../src/gateway-api/http-route-filter';

describe('GatewayApiHttpRouteFilter', () => {
  test('renders each filter kind', () => {
    expect(GatewayApiHttpRouteFilter.responseHeaderModifier({ add: { 'x-a': '1' }, remove: ['server'] })._render())
      .toEqual({ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-a', value: '1' }], remove: ['server'] } });
    expect(GatewayApiHttpRouteFilter.requestRedirect({ hostname: 'new.example.com', port: 8443, path: GatewayApiPathModifier.replaceFullPath('/home') })._render())
      .toEqual({ type: 'RequestRedirect', requestRedirect: { hostname: 'new.example.com', port: 8443, path: { type: 'ReplaceFullPath', replaceFullPath: '/home' } } });
    expect(GatewayApiHttpRouteFilter.urlRewrite({ hostname: 'internal.local' })._render()).toEqual({ type: 'URLRewrite', urlRewrite: { hostname: 'internal.local' } });
    expect(GatewayApiHttpRouteFilter.requestMirror({ serviceName: 'reviews-v2', port: 9080, percent: 10 })._render())
      .toEqual({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-v2', port: 9080 }, percent: 10 } });
  });

  describe('bad input', () => {
    const check = (f: GatewayApiHttpRouteFilter) => () => f._validate(Testing.chart(), 'rules[0].filters[0]');

    test('header modifier that changes nothing', () => {
      expect(check(GatewayApiHttpRouteFilter.requestHeaderModifier({}))).toThrow(/\[test\] rules\[0\]\.filters\[0\] \{\} is invalid: the header modifier changes nothing/);
    });

    test('header modifier with a bad header name, or a header twice', () => {
      expect(check(GatewayApiHttpRouteFilter.requestHeaderModifier({ set: { 'x custom': 'v' } }))).toThrow(/filters\[0\]\.set "x custom" is invalid/);
      expect(check(GatewayApiHttpRouteFilter.requestHeaderModifier({ add: { 'X-A': '1', 'x-a': '2' } }))).toThrow(/filters\[0\]\.add "x-a" is invalid: the header appears twice/);
      expect(check(GatewayApiHttpRouteFilter.requestHeaderModifier({ remove: ['a', 'A'] }))).toThrow(/filters\[0\]\.remove "A" is invalid: the header is listed twice/);
    });

    test('redirect status code that is not a redirect', () => {
      expect(check(GatewayApiHttpRouteFilter.requestRedirect({ scheme: GatewayApiRedirectScheme.HTTPS, statusCode: 200 })))
        .toThrow(/filters\[0\]\.requestRedirect\.statusCode 200 is invalid: a redirect status must be one of 301, 302, 303, 307, 308/);
    });

    test('redirect to the same URL', () => {
      expect(check(GatewayApiHttpRouteFilter.requestRedirect({ statusCode: 301 }))).toThrow(/requestRedirect \{"statusCode":301\} is invalid: a redirect that changes neither/);
    });

    test('wildcard redirect hostname', () => {
      expect(check(GatewayApiHttpRouteFilter.requestRedirect({ hostname: '*.example.com' }))).toThrow(/requestRedirect\.hostname "\*\.example\.com" is invalid/);
    });

    test('rewrite that changes nothing', () => {
      expect(check(GatewayApiHttpRouteFilter.urlRewrite({}))).toThrow(/urlRewrite \{\} is invalid: the rewrite changes nothing/);
    });

    test('mirror percentage above 100, fractional, or without port', () => {
      expect(check(GatewayApiHttpRouteFilter.requestMirror({ serviceName: 'x', port: 80, percent: 150 }))).toThrow(/requestMirror\.percent 150 is invalid: a percentage must be a number from 0 to 100/);
      expect(check(GatewayApiHttpRouteFilter.requestMirror({ serviceName: 'x', port: 80, percent: 12.5 }))).toThrow(/requestMirror\.percent 12\.5 is invalid: the Gateway API takes a whole percentage/);
      expect(check(GatewayApiHttpRouteFilter.requestMirror({ serviceName: 'x' } as any))).toThrow(/requestMirror\.backendRef\.port undefined is invalid: a Service backend needs a port/);
    });
  });
});
