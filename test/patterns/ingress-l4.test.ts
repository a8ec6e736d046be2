// MeshIngress L4 routes: TCP by gateway port (Istio API) and TLS passthrough by SNI host.
import { Chart, Testing } from 'cdk8s';
import { IngressBackend, IngressGateway, MeshIngress, MeshService, Protocol } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}
const ofKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

describe('MeshIngress L4 routes', () => {
  test('Istio: a TCP server and a tcp VirtualService rule by port; the backend allows the gateway on its port', () => {
    const chart = shop();
    const db = new MeshService(chart, 'db', { port: 5432, protocol: Protocol.TCP, image: 'postgres:16' });
    const web = new MeshService(chart, 'web', { port: 80, image: 'web:1' });
    const ing = new MeshIngress(chart, 'ingress', { hosts: ['web.example.com'], plainHttp: true, routes: [{ backend: IngressBackend.fromMeshService(web) }] });
    ing.addTcpRoute({ port: 5432, backend: IngressBackend.fromMeshService(db) });
    const out = Testing.synth(chart);
    expect(ofKind(out, 'Gateway')[0].spec.servers.map((s: any) => [s.port.number, s.port.protocol, s.hosts])).toEqual([[80, 'HTTP', ['./web.example.com']], [5432, 'TCP', ['*']]]);
    const vs = ofKind(out, 'VirtualService').find((v) => v.metadata.name === 'ingress-tcp-5432');
    expect(vs.spec).toEqual({ hosts: ['*'], gateways: ['ingress'], tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: 'db.shop.svc.cluster.local', port: { number: 5432 } } }] }] });
    const policy = ofKind(out, 'AuthorizationPolicy').find((p) => p.metadata.name === 'db');
    expect(policy.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }], to: [{ operation: { ports: ['5432'] } }] }]);
  });

  test('Istio: TLS passthrough by SNI host, a VirtualService per route', () => {
    const chart = shop();
    const api = new MeshService(chart, 'api', { port: 8443, protocol: Protocol.TLS, image: 'api:1' });
    const web = new MeshService(chart, 'web', { port: 80, image: 'web:1' });
    const ing = new MeshIngress(chart, 'ingress', { hosts: ['web.example.com'], credentialName: 'web-cert', routes: [{ backend: IngressBackend.fromMeshService(web) }] });
    ing.addTlsPassthroughRoute({ hosts: ['api.example.com'], backend: IngressBackend.fromMeshService(api) });
    const out = Testing.synth(chart);
    const servers = ofKind(out, 'Gateway')[0].spec.servers;
    expect(servers.find((s: any) => s.tls?.mode === 'PASSTHROUGH')).toMatchObject({ port: { number: 443, protocol: 'TLS' }, hosts: ['./api.example.com'] });
    const vs = ofKind(out, 'VirtualService').find((v) => v.metadata.name === 'ingress-tls-0');
    expect(vs.spec.tls).toEqual([{ match: [{ sniHosts: ['api.example.com'], port: 443 }], route: [{ destination: { host: 'api.shop.svc.cluster.local', port: { number: 8443 } } }] }]);
  });

  test('Gateway API: a Passthrough listener and a TLSRoute; the listener policy admits the port', () => {
    const chart = shop();
    const api = new MeshService(chart, 'api', { port: 8443, protocol: Protocol.TLS, image: 'api:1' });
    const ing = new MeshIngress(chart, 'ingress', { gateway: IngressGateway.gatewayApi(), hosts: ['web.example.com'], plainHttp: true });
    ing.addTlsPassthroughRoute({ hosts: ['api.example.com'], backend: IngressBackend.fromMeshService(api), port: 8443 });
    ing.addRoute({ backend: IngressBackend.fromMeshService(new MeshService(chart, 'web', { port: 80, image: 'web:1' })) });
    const out = Testing.synth(chart);
    const gw = ofKind(out, 'Gateway')[0];
    expect(gw.spec.listeners.find((l: any) => l.name === 'tls-0')).toMatchObject({ port: 8443, protocol: 'TLS', tls: { mode: 'Passthrough' } });
    const [route] = ofKind(out, 'TLSRoute');
    expect(route.spec).toEqual({ parentRefs: [{ name: 'ingress', sectionName: 'tls-0' }], hostnames: ['api.example.com'], rules: [{ backendRefs: [{ name: 'api', port: 8443 }] }] });
    const listeners = ofKind(out, 'AuthorizationPolicy').find((p) => p.metadata.name === 'ingress-listeners');
    expect(listeners.spec.rules.flatMap((r: any) => r.to[0].operation.ports)).toEqual(['80', '8443']);
  });

  describe('bad input', () => {
    test('TCP with the Gateway API; a port taken by another protocol; "*" as an SNI host', () => {
      const chart = shop();
      const db = new MeshService(chart, 'db', { port: 5432, protocol: Protocol.TCP, image: 'pg:16' });
      const gwApi = new MeshIngress(chart, 'a', { gateway: IngressGateway.gatewayApi(), hosts: ['a.example.com'], plainHttp: true });
      expect(() => gwApi.addTcpRoute({ port: 5432, backend: IngressBackend.fromMeshService(db) }))
        .toThrow(/\[shop\/a\] tcpRoutes\[0\] 5432 is invalid: TCP routes are TCPRoute objects of the Gateway API's experimental channel.*Fix: use IngressGateway\.istio\(\)/);
      const istio = new MeshIngress(chart, 'b', { hosts: ['b.example.com'], plainHttp: true });
      istio.addTcpRoute({ port: 9000, backend: IngressBackend.fromMeshService(db) });
      expect(() => istio.addTlsPassthroughRoute({ hosts: ['x.example.com'], port: 9000, backend: IngressBackend.fromMeshService(db) }))
        .toThrow(/tlsPassthroughRoutes\[1\]\.port 9000 is invalid: the gateway already serves TCP on this port/);
      expect(() => istio.addTlsPassthroughRoute({ hosts: ['*'], backend: IngressBackend.fromMeshService(db) }))
        .toThrow(/tlsPassthroughRoutes\[2\]\.hosts "\*" is invalid: TLS passthrough routes by SNI host name/);
      expect(() => istio.addTcpRoute({ port: 70000, backend: IngressBackend.fromMeshService(db) })).toThrow(/tcpRoutes\[3\]\.port 70000 is invalid/);
      expect(() => istio.addTcpRoute({ port: 5433, backend: 'db' as any })).toThrow(/tcpRoutes\[4\]\.backend "db" is invalid: a backend must be an IngressBackend/);
    });

    test('the HTTP(S) listener ports: no TCP route on them; TLS passthrough shares 443 with HTTPS (SNI)', () => {
      const chart = shop();
      const db = new MeshService(chart, 'db', { port: 5432, protocol: Protocol.TCP, image: 'pg:16' });
      const plain = new MeshIngress(chart, 'plain', { hosts: ['a.example.com'], plainHttp: true });
      expect(() => plain.addTcpRoute({ port: 80, backend: IngressBackend.fromMeshService(db) }))
        .toThrow(/\[shop\/plain\] tcpRoutes\[0\]\.port 80 is invalid: the gateway already serves HTTP on this port\. Fix: use another gateway port/);
      const secure = new MeshIngress(chart, 'secure', { hosts: ['b.example.com'], credentialName: 'b-cert' });
      expect(() => secure.addTcpRoute({ port: 443, backend: IngressBackend.fromMeshService(db) })).toThrow(/tcpRoutes\[0\]\.port 443 is invalid: the gateway already serves TLS on this port/);
      expect(() => secure.addTcpRoute({ port: 80, backend: IngressBackend.fromMeshService(db) })).toThrow(/port 80 is invalid: the gateway already serves HTTP/);
      const noRedirect = new MeshIngress(chart, 'direct', { hosts: ['c.example.com'], credentialName: 'c-cert', httpsRedirect: false });
      expect(() => noRedirect.addTcpRoute({ port: 80, backend: IngressBackend.fromMeshService(db) })).not.toThrow();
    });
  });
});
