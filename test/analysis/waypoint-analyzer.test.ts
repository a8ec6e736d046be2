// The library's ambient analyzer (codes CKI...): each finding fires on its mistake, stays quiet on
// the correct form, and reaches synth-time analysis with the construct path.
import { Testing } from 'cdk8s';
import { LIBRARY_MESSAGES } from '../../src/analysis/library-messages';
import { AnalysisDiagnostic, MeshAnalyzer } from '../../src/analysis/mesh-analyzer';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { VirtualService } from '../../src/networking/virtual-service';
import { CanaryService } from '../../src/patterns/canary-service';
import { MeshService } from '../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../src/patterns/mtls-namespace';

type Obj = { [key: string]: any };
const ns = (name: string, labels: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, namespace: string, labels: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] } });
const waypoint = (name: string, namespace: string): Obj => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] } });
const vs = (name: string, namespace: string, spec: Obj): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });
const route = (name: string, namespace: string, parent: Obj): Obj => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace }, spec: { parentRefs: [parent], rules: [{ backendRefs: [{ name: 'reviews', port: 80 }] }] } });
const policy = (kind: string, name: string, namespace: string, targetRefs: Obj[]): Obj => ({ apiVersion: 'security.istio.io/v1', kind, metadata: { name, namespace }, spec: { targetRefs, ...(kind === 'AuthorizationPolicy' ? { rules: [{}] } : {}) } });
const run = (objects: Obj[]): AnalysisDiagnostic[] => MeshAnalyzer.analyze(objects, { analyzers: ['ambient.WaypointAnalyzer'] });
const found = (objects: Obj[]) => run(objects).map((d) => `${d.code} ${d.level} ${d.origin}`);

describe('ambient.WaypointAnalyzer', () => {
  test('the library codes are its own (CKI), never Istio\'s', () => {
    for (const [code] of Object.values(LIBRARY_MESSAGES)) expect(code).toMatch(/^CKI\d{4}$/);
  });

  test('CKI0003: a use-waypoint label naming a waypoint that does not exist (namespace, Service, ServiceEntry; cross-namespace)', () => {
    const objects = [
      ns('shop', { 'istio.io/use-waypoint': 'waypoint' }),
      svc('cart', 'shop', { 'istio.io/use-waypoint': 'cart-wp' }),
      svc('web', 'shop', { 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' }),
      svc('opted-out', 'shop', { 'istio.io/use-waypoint': 'none' }),
    ];
    expect(found(objects)).toEqual(['CKI0003 Error Namespace shop', 'CKI0003 Error Service shop/cart', 'CKI0003 Error Service shop/web']);
    expect(run(objects)[2].message).toBe('The waypoint "shared" (label istio.io/use-waypoint) does not exist in namespace "infra", so traffic to this resource cannot be delivered. Create the waypoint (MtlsNamespace.addWaypoint, Waypoint), or fix the label.');
    expect(found([...objects, waypoint('waypoint', 'shop'), waypoint('cart-wp', 'shop'), waypoint('shared', 'infra')])).toEqual([]);
  });

  test('CKI0001: a mesh VirtualService for a waypoint-served host (Alpha); CKI0002: the same host in an HTTPRoute', () => {
    const base = [ns('shop', { 'istio.io/use-waypoint': 'waypoint' }), waypoint('waypoint', 'shop'), svc('reviews', 'shop'), svc('ratings', 'shop', { 'istio.io/use-waypoint': 'none' })];
    const reviewsVs = vs('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    const ratingsVs = vs('ratings', 'shop', { hosts: ['ratings.shop.svc.cluster.local'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
    const ingressVs = vs('ingress', 'shop', { hosts: ['reviews'], gateways: ['shop/gw'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    expect(found([...base, reviewsVs, ratingsVs, ingressVs])).toEqual(['CKI0001 Warning VirtualService shop/reviews']);
    const gamma = route('reviews', 'shop', { group: '', kind: 'Service', name: 'ratings' });
    expect(found([...base, ratingsVs, gamma])).toEqual(['CKI0002 Error VirtualService shop/ratings']);
    const grpc = { ...gamma, kind: 'GRPCRoute', metadata: { name: 'ratings-grpc', namespace: 'shop' } };
    expect(found([...base, ratingsVs, grpc])).toEqual(['CKI0002 Error VirtualService shop/ratings']);
    expect(run([...base, ratingsVs, gamma])[0].message).toContain('The VirtualService and the Gateway API route [shop/reviews] both route host ratings.shop.svc.cluster.local');
  });

  test('CKI0004: an EnvoyFilter in an ambient namespace, unless it targets a gateway', () => {
    const ef = (name: string, spec: Obj) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace: 'shop' }, spec });
    const patch = { configPatches: [{ applyTo: 'HTTP_FILTER', patch: { operation: 'ADD', value: { name: 'x' } } }] };
    const objects = [
      ns('shop', { 'istio.io/dataplane-mode': 'ambient' }),
      ef('all', patch),
      ef('app', { ...patch, workloadSelector: { labels: { app: 'web' } } }),
      ef('gateway', { ...patch, workloadSelector: { labels: { 'gateway.networking.k8s.io/gateway-name': 'shop-gateway' } } }),
    ];
    expect(found(objects)).toEqual(['CKI0004 Warning EnvoyFilter shop/all', 'CKI0004 Warning EnvoyFilter shop/app']);
    expect(found([ns('shop'), ef('all', patch)])).toEqual([]);
  });

  test('CKI0005: a policy attached to a Service, ServiceEntry or Gateway that does not exist', () => {
    const refs = [{ group: '', kind: 'Service', name: 'cart' }, { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'api' }, { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }, { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' }];
    const objects = [ns('shop'), policy('AuthorizationPolicy', 'ap', 'shop', refs), policy('RequestAuthentication', 'ra', 'shop', [refs[0]])];
    expect(found(objects)).toEqual(['CKI0005 Warning AuthorizationPolicy shop/ap', 'CKI0005 Warning AuthorizationPolicy shop/ap', 'CKI0005 Warning AuthorizationPolicy shop/ap', 'CKI0005 Warning RequestAuthentication shop/ra']);
    const se = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'api', namespace: 'shop' }, spec: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' } };
    expect(found([...objects, svc('cart', 'shop'), se, waypoint('waypoint', 'shop')])).toEqual([]);
  });

  test('at synth: a VirtualService next to a CanaryService in an ambient namespace is reported with its construct path', () => {
    const shop = new MtlsNamespace(Testing.app(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    shop.addWaypoint();
    const cart = new CanaryService(shop, 'cart', { port: 80, stable: { version: 'v1', image: 'cart:1' }, canary: { version: 'v2', image: 'cart:2' } });
    new MeshService(shop, 'web', { port: 80, image: 'web:1' });
    new VirtualService(shop, 'cart-vs', { hosts: [cart.host], http: [{ route: [{ host: cart.host, subset: 'v1' }] }] });
    const diagnostics = MeshAnalysis.analyze(shop).map((d) => `${d.path} ${d.diagnostic.code}`);
    expect(diagnostics.sort()).toEqual(['shop/cart-vs CKI0001', 'shop/cart-vs CKI0002']);
    expect(() => Testing.synth(shop)).toThrow(/\[shop\/cart-vs\] Error \[CKI0002\] \(VirtualService shop\/shop-cart-vs-\w+\) The VirtualService and the Gateway API route \[shop\/cart\] both route host cart\.shop\.svc\.cluster\.local/);
  });
});
