// MeshIngress object names: one `name`, or separate Gateway and route names (Online Boutique:
// Gateway `frontend-gateway`, HTTPRoute `frontend-route`).
import { Chart, Testing } from 'cdk8s';
import { IngressBackend, IngressGateway, IngressPath, MeshIngress, MeshService } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

describe('MeshIngress names', () => {
  test('Gateway API: gatewayName names the Gateway, its listener policy and the gateway identity; routeName the HTTPRoute', () => {
    const chart = shop();
    const frontend = new MeshService(chart, 'frontend', { port: 80, containerPort: 8080, image: 'f:1' });
    const ing = new MeshIngress(chart, 'ingress', {
      gateway: IngressGateway.gatewayApi(),
      gatewayName: 'frontend-gateway',
      routeName: 'frontend-route',
      hosts: ['*'],
      plainHttp: true,
      routes: [{ paths: [IngressPath.prefix('/')], backend: IngressBackend.fromMeshService(frontend) }],
    });
    const out = Testing.synth(chart);
    const names = (kind: string) => out.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    expect(names('Gateway')).toEqual(['frontend-gateway']);
    expect(names('HTTPRoute')).toEqual(['frontend-route']);
    const route = out.find((o) => o.kind === 'HTTPRoute');
    expect(route.spec.parentRefs[0].name).toBe('frontend-gateway');
    const listeners = out.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'frontend-gateway-listeners');
    expect(listeners.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'frontend-gateway' }]);
    expect(ing.gatewayPrincipal._render(ing, 'p')).toBe('cluster.local/ns/shop/sa/frontend-gateway-istio');
    expect([ing.gatewayName, ing.routeName, ing.name]).toEqual(['frontend-gateway', 'frontend-route', 'ingress']);
  });

  test('Istio API: the VirtualService takes routeName and refers to the Gateway by gatewayName; without them both take name', () => {
    const chart = shop();
    const web = new MeshService(chart, 'web', { port: 80, image: 'w:1' });
    new MeshIngress(chart, 'ingress', { gatewayName: 'web-gw', routeName: 'web-vs', hosts: ['web.example.com'], plainHttp: true, routes: [{ backend: IngressBackend.fromMeshService(web) }] });
    new MeshIngress(chart, 'other', { name: 'api', hosts: ['api.example.com'], plainHttp: true, routes: [{ backend: IngressBackend.fromMeshService(web) }] });
    const out = Testing.synth(chart);
    expect(out.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.name)).toEqual(['web-gw', 'api']);
    const vss = out.filter((o) => o.kind === 'VirtualService');
    expect(vss.map((o) => [o.metadata.name, o.spec.gateways])).toEqual([['web-vs', ['web-gw']], ['api', ['api']]]);
  });

  test('bad names are refused with the field', () => {
    expect(() => new MeshIngress(shop(), 'i', { gatewayName: 'my.gw', hosts: ['a.example.com'], plainHttp: true })).toThrow(/\[shop\/i\] gatewayName "my\.gw" is invalid/);
    expect(() => new MeshIngress(shop(), 'i', { routeName: 'Route_1', hosts: ['a.example.com'], plainHttp: true })).toThrow(/\[shop\/i\] routeName "Route_1" is invalid/);
    expect(() => new MeshIngress(shop(), 'i', { gateway: IngressGateway.gatewayApi(), gatewayName: 'g'.repeat(60), hosts: ['a.example.com'], plainHttp: true }))
      .toThrow(/gatewayName "g+" is invalid: Istio names the gateway deployment and its ServiceAccount "g+-istio", which is longer than 63 characters/);
  });
});
