// GRPCRoute: routing by gRPC service and method (to Gateways and, GAMMA, to Services), with the
// same parent and backend checks as HTTPRoute, and the mistakes refused at synth.
import { Testing } from 'cdk8s';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiGrpcMethodMatch, GatewayApiGrpcRoute } from '../../src/gateway-api/grpc-route';
import { GatewayApiHttpRouteFilter, GatewayApiRedirectScheme } from '../../src/gateway-api/http-route-filter';
import { GatewayApiHeaderMatch } from '../../src/gateway-api/http-route-match';
import { GatewayApiListener } from '../../src/gateway-api/listener';
import { GatewayApiParentRef } from '../../src/gateway-api/parent-ref';

const cart = (n = 1) => ({ name: `cartservice-v${n}`, port: 7070 });

describe('GatewayApiGrpcRoute', () => {
  test('mesh routing by method, header and weight (snapshot reviewed)', () => {
    const chart = Testing.chart();
    new GatewayApiGrpcRoute(chart, 'cart', {
      metadata: { name: 'cartservice' },
      parentRefs: [GatewayApiParentRef.fromServiceName('cartservice')],
      rules: [{
        name: 'empty-cart-v2',
        matches: [
          { method: GatewayApiGrpcMethodMatch.exact({ service: 'hipstershop.CartService', method: 'EmptyCart' }) },
          { method: GatewayApiGrpcMethodMatch.regularExpression({ method: 'Get.*' }), headers: [GatewayApiHeaderMatch.exact('x-canary', 'true')] },
        ],
        filters: [GatewayApiHttpRouteFilter.requestHeaderModifier({ set: { 'x-routed-by': 'grpcroute' } })],
        backendRefs: [cart(2)],
      }, {
        backendRefs: [{ ...cart(1), weight: 90 }, { ...cart(2), weight: 10 }],
      }],
    });
    const [route] = Testing.synth(chart);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'cartservice' }]);
    expect(route.spec.rules[0].matches).toEqual([
      { method: { type: 'Exact', service: 'hipstershop.CartService', method: 'EmptyCart' } },
      { method: { type: 'RegularExpression', method: 'Get.*' }, headers: [{ name: 'x-canary', type: 'Exact', value: 'true' }] },
    ]);
    expect(route.spec.rules[1].backendRefs).toEqual([{ name: 'cartservice-v1', port: 7070, weight: 90 }, { name: 'cartservice-v2', port: 7070, weight: 10 }]);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('ingress: attached to an HTTPS listener of a Gateway, with hostnames', () => {
    const chart = Testing.chart();
    const gw = new GatewayApiGateway(chart, 'gw', { metadata: { name: 'grpc-gateway' }, listeners: [GatewayApiListener.http({ name: 'grpc', port: 8080 })] });
    const route = new GatewayApiGrpcRoute(chart, 'r', { parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'grpc' })], hostnames: ['grpc.example.com'] });
    route.addRule({ backendRefs: [cart()] });
    const spec = Testing.synth(chart).find((o) => o.kind === 'GRPCRoute').spec;
    expect(spec.parentRefs).toEqual([{ name: 'grpc-gateway', sectionName: 'grpc' }]);
    expect(spec.hostnames).toEqual(['grpc.example.com']);
    expect(route.rules).toHaveLength(1);
  });

  describe('bad input', () => {
    const route = () => new GatewayApiGrpcRoute(Testing.chart(), 'r', { parentRefs: [GatewayApiParentRef.fromServiceName('cartservice')] });
    test.each([
      ['a method match naming nothing', { matches: [{ method: GatewayApiGrpcMethodMatch.exact({}) }], backendRefs: [cart()] }, /rules\[0\]\.matches\[0\]\.method \{\} is invalid: a method match names a service, a method or both/],
      ['an exact service that is not a gRPC name', { matches: [{ method: GatewayApiGrpcMethodMatch.exact({ service: 'cart/Service' }) }], backendRefs: [cart()] }, /method\.service "cart\/Service" is invalid: it is not a gRPC service name.*Fix: write e\.g\. 'hipstershop\.CartService'/],
      ['an exact method with dots', { matches: [{ method: GatewayApiGrpcMethodMatch.exact({ method: 'Cart.Get' }) }], backendRefs: [cart()] }, /method\.method "Cart\.Get" is invalid: it is not a gRPC method name/],
      ['a regex RE2 cannot compile', { matches: [{ method: GatewayApiGrpcMethodMatch.regularExpression({ service: '(?<=a)b' }) }], backendRefs: [cart()] }, /method\.service "\(\?<=a\)b" is invalid/],
      ['a redirect filter', { filters: [GatewayApiHttpRouteFilter.requestRedirect({ scheme: GatewayApiRedirectScheme.HTTPS })], backendRefs: [cart()] }, /rules\[0\]\.filters\[0\]\.type "RequestRedirect" is invalid: a GRPCRoute has only RequestHeaderModifier, ResponseHeaderModifier, RequestMirror filters/],
      ['no backend', { backendRefs: [] }, /rules\[0\]\.backendRefs \[\] is invalid: a rule without backends answers every call with an error/],
      ['a weight out of range', { backendRefs: [{ ...cart(), weight: -1 }] }, /backendRefs\[0\]\.weight -1 is invalid: a backend weight must be an integer from 0 to 1000000/],
      ['a backend without port', { backendRefs: [{ name: 'cartservice' } as any] }, /backendRefs\[0\]\.port undefined is invalid: a Service backend needs a port/],
      ['the same header twice', { matches: [{ headers: [GatewayApiHeaderMatch.exact('X-A', '1'), GatewayApiHeaderMatch.exact('x-a', '2')] }], backendRefs: [cart()] }, /headers\[1\]\.name "x-a" is invalid: the header is already matched/],
    ])('%s', (_name, rule, message) => {
      expect(() => route().addRule(rule as any)).toThrow(message);
    });

    test('more than 128 matches over all rules', () => {
      const r = route();
      const matches = Array.from({ length: 64 }, (_, i) => ({ method: GatewayApiGrpcMethodMatch.exact({ method: `M${i}` }) }));
      r.addRule({ matches, backendRefs: [cart()] }).addRule({ matches, backendRefs: [cart()] });
      expect(() => r.addRule({ matches: matches.slice(0, 1), backendRefs: [cart()] })).toThrow(/129 matches in total.*at most 128 matches across all rules/);
    });

    test('at synth: no rule, no parent, a TLS-only listener as parent', () => {
      const chart = Testing.chart();
      new GatewayApiGrpcRoute(chart, 'empty');
      expect(() => Testing.synth(chart)).toThrow(/parentRefs \[\] is invalid: the route is attached to nothing[\s\S]*rules \[\] is invalid: the route has no rules/);
      const chart2 = Testing.chart();
      const gw = new GatewayApiGateway(chart2, 'gw', { listeners: [GatewayApiListener.tlsPassthrough({ name: 'tls' })] });
      new GatewayApiGrpcRoute(chart2, 'r', { parentRefs: [GatewayApiParentRef.fromGateway(gw)], rules: [{ backendRefs: [cart()] }] });
      expect(() => Testing.synth(chart2)).toThrow(/parentRefs\[0\] "\S+" is invalid: a GRPCRoute attaches to HTTP, HTTPS, HBONE listeners, and the listeners it would use on Gateway test\/gw are tls \(TLS\)/);
    });
  });
});
