import { Testing } from 'cdk8s';
import { GatewayApiAllowedRoutes, GatewayApiRouteNamespaces } from '../../src/gateway-api/allowed-routes';

describe('GatewayApiAllowedRoutes', () => {
  test('renders All, Same and Selector', () => {
    const chart = Testing.chart();
    expect(GatewayApiAllowedRoutes.all()._render(chart, 'a')).toEqual({ namespaces: { from: 'All' } });
    expect(GatewayApiAllowedRoutes.same()._render(chart, 'a')).toEqual({ namespaces: { from: 'Same' } });
    const sel = GatewayApiAllowedRoutes.fromNamespacesWithLabels({ 'shared-gateway-access': 'true' });
    expect(sel.namespaces).toBe(GatewayApiRouteNamespaces.SELECTOR);
    expect(sel._render(chart, 'a')).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'shared-gateway-access': 'true' } } } });
  });

  describe('bad input', () => {
    test('namespace selector without labels', () => {
      expect(() => GatewayApiAllowedRoutes.fromNamespacesWithLabels({})._render(Testing.chart(), 'listeners[0].allowedRoutes'))
        .toThrow(/\[test\] listeners\[0\]\.allowedRoutes\.namespaces\.selector \[\] is invalid: the list must not be empty/);
    });
  });
});
