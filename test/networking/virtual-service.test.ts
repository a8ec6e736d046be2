import { ApiObject, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { IstioResource } from '../../src/core/resource';
import { Gateway } from '../../src/networking/gateway';
import { IGateway } from '../../src/networking/gateway-ref';
import { HttpRetryOn } from '../../src/networking/route-retry';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { PeerAuthentication } from '../../src/security/peer-authentication';
import { fragmentChart } from '../support/fragment';

/** A minimal Istio Gateway construct, standing in for the Gateway L2 construct. */
class TestGateway extends IstioResource implements IGateway {
  public readonly apiObject: ApiObject;
  public get gatewayName(): string { return this.name; }
  public get gatewayNamespace(): string | undefined { return this.namespace; }
  public constructor(scope: Construct, id: string, namespace?: string) {
    super(scope, id);
    this.apiObject = new l1.Gateway(this, 'Resource', {
      metadata: { name: id, namespace },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${id}.example.com`] }] },
    });
  }
}

function synthVs(chart: Construct, name?: string): any {
  return Testing.synth(chart as any).find((o) => o.kind === 'VirtualService' && (name === undefined || o.metadata.name === name));
}

describe('VirtualService', () => {
  test('a Gateway construct in the VirtualService\'s own namespace renders as its bare name', () => {
    const chart = fragmentChart();
    const same = new TestGateway(chart, 'same-gw', 'istio-system');
    const other = new TestGateway(chart, 'other-gw', 'edge');
    new VirtualService(chart, 'vs', { metadata: { name: 'vs', namespace: 'istio-system' }, hosts: ['same-gw.example.com'], gateways: [same, other], http: [{ route: [{ host: 'reviews' }] }] });
    expect(synthVs(chart).spec.gateways).toEqual(['same-gw', 'edge/other-gw']);
  });

  test('canary with header match, retries and timeout (snapshot)', () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      hosts: ['reviews'],
      http: [
        {
          name: 'jason',
          match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
          route: [{ host: 'reviews', subset: 'v2' }],
        },
        {
          name: 'canary',
          route: [{ host: 'reviews', subset: 'v1', weight: 90 }, { host: 'reviews', subset: 'v3', weight: 10 }],
          timeout: Duration.seconds(5),
          retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [HttpRetryOn.GATEWAY_ERROR, HttpRetryOn.CONNECT_FAILURE] },
        },
      ],
    });
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const [vs] = manifests;
    expect(vs.apiVersion).toEqual('networking.istio.io/v1');
    expect(vs.kind).toEqual('VirtualService');
    expect(vs.spec.http[1]).toEqual({
      name: 'canary',
      route: [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
        { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
      ],
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
    });
  });

  test('fluent calls after construction are honoured, in order', () => {
    const chart = fragmentChart();
    const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'] });
    vs.addHttpRoute({ route: [{ host: 'reviews', subset: 'v1' }] })
      .addHost('reviews.bookinfo.svc.cluster.local')
      .addExportTo('.');
    const obj = synthVs(chart);
    expect(obj.spec).toEqual({
      hosts: ['reviews', 'reviews.bookinfo.svc.cluster.local'],
      http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }],
      exportTo: ['.'],
    });
  });

  test('gateways: names, namespace/name, mesh and Gateway constructs', () => {
    const chart = fragmentChart();
    const gwNs = new TestGateway(chart, 'public-gw', 'istio-system');
    const gwLocal = new TestGateway(chart, 'local-gw');
    const vs = new VirtualService(chart, 'vs', {
      hosts: ['bookinfo.example.com'],
      gateways: [Gateway.fromGatewayName('bookinfo-gateway'), Gateway.fromGatewayName('shared-gw', 'istio-ingress'), gwNs, gwLocal],
      http: [{ route: [{ host: 'productpage', port: 9080 }] }],
    });
    vs.addGateway(Gateway.MESH);
    expect(vs.gateways).toEqual(['bookinfo-gateway', 'istio-ingress/shared-gw', 'istio-system/public-gw', 'local-gw', 'mesh']);
    expect(synthVs(chart).spec.gateways).toEqual(vs.gateways);
  });

  test('the wildcard host is allowed on ingress gateways', () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'vs', { hosts: ['*'], gateways: [Gateway.fromGatewayName('bookinfo-gateway')], http: [{ route: [{ host: 'productpage' }] }] });
    expect(synthVs(chart).spec.hosts).toEqual(['*']);
  });

  test('TCP and TLS routes side by side', () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'vs', {
      hosts: ['*.example.com'],
      gateways: [Gateway.fromGatewayName('edge')],
      tcp: [{ match: [{ port: 5201 }], route: [{ host: 'tcp-iperf', port: 5201 }] }],
      tls: [{ match: [{ sniHosts: ['login.example.com'], port: 443 }], route: [{ host: 'login', port: 443 }] }],
    });
    const spec = synthVs(chart).spec;
    expect(spec.tcp).toEqual([{ match: [{ port: 5201 }], route: [{ destination: { host: 'tcp-iperf', port: { number: 5201 } } }] }]);
    expect(spec.tls).toEqual([{ match: [{ sniHosts: ['login.example.com'], port: 443 }], route: [{ destination: { host: 'login', port: { number: 443 } } }] }]);
  });

  test('destinations() lists every referenced (host, subset, port) once', () => {
    const chart = fragmentChart();
    const vs = new VirtualService(chart, 'vs', {
      hosts: ['reviews'],
      http: [
        { route: [{ host: 'reviews', subset: 'v1', weight: 50 }, { host: 'reviews', subset: 'v2', weight: 50 }], mirror: { host: 'reviews', subset: 'v3' } },
        { route: [{ host: 'reviews', subset: 'v1' }] },
      ],
      tcp: [{ route: [{ host: 'mongo', port: 27017 }] }],
    });
    expect(vs.destinations()).toEqual([
      { host: 'reviews', subset: 'v1' },
      { host: 'reviews', subset: 'v2' },
      { host: 'reviews', subset: 'v3', mirror: true },
      { host: 'mongo', port: 27017 },
    ]);
    expect(vs.httpRoutes).toHaveLength(2);
    expect(vs.tcpRoutes).toHaveLength(1);
    expect(vs.tlsRoutes).toHaveLength(0);
    expect(vs.hosts).toEqual(['reviews']);
    expect(vs.isDelegate).toBe(false);
  });

  test('delegation: root VirtualService hands /productpage to a host-less delegate', () => {
    const chart = fragmentChart();
    const delegate = new VirtualService(chart, 'pp', {
      metadata: { name: 'productpage', namespace: 'bookinfo' },
      http: [{ route: [{ host: 'productpage.bookinfo.svc.cluster.local' }] }],
    });
    new VirtualService(chart, 'root', {
      metadata: { name: 'root' },
      hosts: ['bookinfo.example.com'],
      gateways: [Gateway.fromGatewayName('ingress', 'istio-system')],
      http: [{ match: [{ uri: StringMatch.prefix('/productpage') }], delegateTo: delegate }],
    });
    expect(delegate.isDelegate).toBe(true);
    const root = synthVs(chart, 'root');
    expect(root.spec.http[0].delegate).toEqual({ name: 'productpage', namespace: 'bookinfo' });
    expect(synthVs(chart, 'productpage').spec.hosts).toBeUndefined();
  });

  test('exportTo accepts ".", namespaces, or "*" alone', () => {
    const chart = fragmentChart();
    const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'], exportTo: ['.', 'istio-system'], http: [{ route: [{ host: 'reviews' }] }] });
    expect(vs.exportTo).toEqual(['.', 'istio-system']);
    expect(synthVs(chart).spec.exportTo).toEqual(['.', 'istio-system']);
  });

  // (how fast is the benchmark's to say: npx projen bench)
  test('a VirtualService of 5000 rules and 1000 hosts synthesizes with every rule, in order', () => {
    const chart = fragmentChart();
    const hosts = Array.from({ length: 1000 }, (_, i) => `svc-${i}.example.com`);
    const vs = new VirtualService(chart, 'big', { hosts, gateways: [Gateway.fromGatewayName('gw')] });
    for (let i = 0; i < 5000; i++) {
      vs.addHttpRoute({ match: [{ uri: StringMatch.prefix(`/p${i}`) }], route: [{ host: 'a', subset: 'v1', weight: 50 }, { host: 'a', subset: 'v2', weight: 50 }] });
    }
    const obj = synthVs(chart);
    expect(obj.spec.http).toHaveLength(5000);
    expect(obj.spec.http[4999].match).toEqual([{ uri: { prefix: '/p4999' } }]);
    expect(obj.spec.hosts).toHaveLength(1000);
  });

  describe('bad input', () => {
    test('istiod admission: several destinations without weights ("total destination weight = 0")', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v1' }, { host: 'reviews', subset: 'v2' }] }] });
      expect(() => Testing.synth(chart)).toThrow('[test/vs] http[0].route[*].weight [null,null] is invalid: istiod refuses 2 destinations whose weights add up to 0 ("total destination weight = 0")');
      const ok = fragmentChart();
      new VirtualService(ok, 'vs', { hosts: ['reviews'], tcp: [{ route: [{ host: 'reviews', subset: 'v1', weight: 100 }, { host: 'reviews', subset: 'v2' }] }] });
      expect(() => Testing.synth(ok)).not.toThrow();
    });

    test('istiod admission: a VirtualService without routes', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'vs', { hosts: ['reviews'] });
      expect(() => Testing.synth(chart)).toThrow('[test/vs] http [] is invalid: a VirtualService without any HTTP, TCP or TLS route is refused by istiod. Fix: add a route with addHttpRoute(), addTcpRoute() or addTlsRoute(), or remove the VirtualService');
    });

    test('empty hosts list', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: [] })).toThrow(/\[test\/vs\] hosts \[\] is invalid: the list must not be empty/);
    });

    test('host with a scheme and port', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['https://api.example.com:443'] }))
        .toThrow(/\[test\/vs\] hosts\[0\] "https:\/\/api.example.com:443" is invalid/);
    });

    test('host listed twice', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews', 'reviews'] })).toThrow(/hosts\[1\] "reviews" is invalid: the host is listed twice/);
    });

    test('namespace-qualified host', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['bookinfo/reviews'] })).toThrow(/hosts\[0\] "bookinfo\/reviews" is invalid: .*cannot name a namespace.*exportTo/);
    });

    test('a delegate defined outside the app, by name', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'root', {
        metadata: { name: 'root', namespace: 'edge' },
        hosts: ['bookinfo.example.com'],
        gateways: [Gateway.fromGatewayName('gw')],
        http: [{ match: [{ uri: StringMatch.prefix('/reviews') }], delegateTo: VirtualService.fromVirtualServiceName('reviews-routes', 'reviews-team') }],
      });
      expect(synthVs(chart).spec.http[0].delegate).toEqual({ name: 'reviews-routes', namespace: 'reviews-team' });
    });

    test('no hosts and nobody delegates to it fails synth', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'vs', { http: [{ route: [{ host: 'reviews' }] }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/vs\] hosts \[\] is invalid: .*only valid as a delegate.*Fix: add hosts/);
    });

    test('delegate target with hosts fails synth', () => {
      const chart = fragmentChart();
      const target = new VirtualService(chart, 'target', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
      new VirtualService(chart, 'root', { hosts: ['bookinfo.example.com'], gateways: [Gateway.fromGatewayName('gw')], http: [{ delegateTo: target }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/target\] hosts \["reviews"\] is invalid: the VirtualService is the delegate of test\/root.*remove the hosts/);
    });

    test('delegate with gateways fails synth', () => {
      const chart = fragmentChart();
      const target = new VirtualService(chart, 'target', { gateways: [Gateway.fromGatewayName('gw')], http: [{ route: [{ host: 'reviews' }] }] });
      new VirtualService(chart, 'root', { hosts: ['bookinfo.example.com'], gateways: [Gateway.fromGatewayName('gw')], http: [{ delegateTo: target }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/target\] gateways \["gw"\] is invalid: a delegate VirtualService .*cannot name gateways/);
    });

    test('delegating to itself', () => {
      const chart = fragmentChart();
      const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'] });
      expect(() => vs.addHttpRoute({ delegateTo: vs })).toThrow(/http\[0\].delegateTo "test\/vs" is invalid: a VirtualService cannot delegate to itself/);
    });

    test('wildcard host on the mesh fails synth', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'vs', { hosts: ['*'], http: [{ route: [{ host: 'reviews' }] }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/vs\] hosts "\*" is invalid: the wildcard host "\*" is not allowed for a VirtualService bound to the mesh/);
    });

    test('malformed gateway reference', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews'], gateways: [Gateway.fromGatewayName('a/b/c')] }))
        .toThrow(/\[test\/vs\] gateways\[0\] "a\/b\/c" is invalid: a gateway reference is "name", "namespace\/name" or "mesh"/);
    });

    test('gateway with an invalid namespace', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews'], gateways: [Gateway.fromGatewayName('gw', 'Istio_System')] }))
        .toThrow(/gateways\[0\] namespace "Istio_System" is invalid: it must be a DNS-1123 label/);
    });

    test('a construct that is not a Gateway, or a gateway name as a string, passed from JavaScript', () => {
      const chart = fragmentChart();
      const pa = new PeerAuthentication(chart, 'pa');
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews'], gateways: [pa as any] }))
        .toThrow(/\[test\/vs\] gateways\[0\] "test\/pa" is invalid: a gateway must be a Gateway construct, Gateway.fromGatewayName\(...\) or Gateway.MESH/);
      expect(() => new VirtualService(chart, 'vs2', { hosts: ['reviews'], gateways: ['bookinfo-gateway' as any] }))
        .toThrow(/\[test\/vs2\] gateways\[0\] "bookinfo-gateway" is invalid: a gateway is a typed reference, not a string. Fix: pass Gateway.fromGatewayName\("bookinfo-gateway"\)/);
    });

    test('gateway listed twice', () => {
      const chart = fragmentChart();
      const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'], gateways: [Gateway.MESH] });
      expect(() => vs.addGateway(Gateway.MESH)).toThrow(/gateways\[1\] "mesh" is invalid: the gateway is listed twice/);
    });

    test('exportTo mixing "*" with namespaces', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews'], exportTo: ['*', 'bookinfo'] }))
        .toThrow(/exportTo \["\*","bookinfo"\] is invalid: "\*" \(all namespaces\) cannot be combined/);
    });

    test('exportTo with an invalid namespace', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['reviews'], exportTo: ['Book Info'] }))
        .toThrow(/exportTo\[0\] "Book Info" is invalid: it must be a DNS-1123 label/);
    });

    test('weights not adding up to 100 fail synth, also for routes added later', () => {
      const chart = fragmentChart();
      const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'] });
      vs.addHttpRoute({ route: [{ host: 'reviews', subset: 'v1', weight: 80 }, { host: 'reviews', subset: 'v2', weight: 10 }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/vs\] http\[0\].route\[\*\].weight \[80,10\] is invalid: the weights add up to 90, not 100/);
    });

    test('TCP weights not adding up to 100 fail synth', () => {
      const chart = fragmentChart();
      new VirtualService(chart, 'vs', { hosts: ['mongo'], tcp: [{ route: [{ host: 'mongo', subset: 'a', weight: 60 }, { host: 'mongo', subset: 'b', weight: 60 }] }] });
      expect(() => Testing.synth(chart)).toThrow(/tcp\[0\].route\[\*\].weight \[60,60\] is invalid: the weights add up to 120/);
    });
  });
});
