// The access matrix of the Bookinfo example, from its manifests alone, in sidecar and ambient
// mode: every pair of services (and the ingress gateway), with the decision Istio would make.
import { Testing } from 'cdk8s';
import { BookinfoChart } from '../../../examples/bookinfo/bookinfo';
import { MeshCall, MeshModel } from '../../../src/analysis/authz/mesh-model';

const NS = 'bookinfo';
const SERVICES = ['productpage', 'details', 'reviews', 'ratings'];
const sa = (name: string) => ({ namespace: NS, serviceAccount: `bookinfo-${name}` });
const TOKEN = { iss: 'testing@secure.istio.io', sub: 'jason' };
const PATHS: { [s: string]: string } = { productpage: '/productpage', details: '/details/0', reviews: '/reviews/0', ratings: '/ratings/0' };

/** Who may call whom with GET on the service's own path, by design of the example. */
const ALLOWED = new Set(['productpage->details', 'productpage->reviews', 'reviews->ratings']);

describe.each(['istio', 'gateway-api'])('Bookinfo access matrix, ingress %s', (ingress) => {
  const app = Testing.app();
  new BookinfoChart(app, NS, { ingress });
  const mesh = MeshModel.fromApp(app);
  const call = (c: Partial<MeshCall> & { service: string }): string => mesh.canCall({ from: {}, namespace: NS, method: 'GET', path: PATHS[c.service], ...c }).verdict;

  test.each(SERVICES.flatMap((from) => SERVICES.filter((to) => to !== from).map((to) => [from, to])))('%s -> %s (GET on its path)', (from, to) => {
    expect(call({ from: sa(from), service: to })).toBe(ALLOWED.has(`${from}->${to}`) ? 'ALLOW' : 'DENY');
  });

  test('methods and paths outside the grant are denied', () => {
    expect(call({ from: sa('productpage'), service: 'reviews', method: 'POST' })).toBe('DENY');
    expect(call({ from: sa('productpage'), service: 'details', path: '/admin' })).toBe('DENY');
    expect(call({ from: sa('productpage'), service: 'details', method: undefined, path: undefined })).toBe('DENY');
  });

  test('callers outside the mesh reach nothing; the gateway reaches productpage with a token, or its assets without', () => {
    for (const s of SERVICES) expect(call({ service: s })).toBe('DENY');
    const gateway = ingress === 'istio' ? { namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account' } : { namespace: NS, serviceAccount: 'bookinfo-gateway-istio' };
    expect(call({ from: gateway, service: 'productpage' })).toBe('DENY');
    expect(call({ from: gateway, service: 'productpage', jwtClaims: TOKEN })).toBe('ALLOW');
    expect(call({ from: gateway, service: 'productpage', path: '/static/style.css' })).toBe('ALLOW');
    expect(call({ from: gateway, service: 'reviews', jwtClaims: TOKEN })).toBe('DENY');
  });

  test('the deciding policy is named', () => {
    const d = mesh.canCall({ from: sa('productpage'), service: 'reviews', namespace: NS, method: 'GET', path: '/reviews/0' });
    expect(d.policy).toBe(`${NS}/reviews`);
    const denied = mesh.canCall({ from: sa('details'), service: 'reviews', namespace: NS, method: 'GET', path: '/reviews/0' });
    expect(denied.reason).toMatch(/ALLOW policies apply \(.*bookinfo\/reviews.*\) but none matches/);
  });
});

describe('MeshModel on plain manifests', () => {
  const svc = (name: string, labels: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop', labels }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } });
  const deploy = (name: string, version: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${version}`, namespace: 'shop' }, spec: { template: { metadata: { labels: { app: name, version } }, spec: { containers: [{ name, image: 'x' }] } } } });
  const policy = (name: string, spec: object, namespace = 'shop') => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });

  test('versions that decide differently: depends on which endpoint answers', () => {
    const mesh = MeshModel.fromManifests([svc('cart'), deploy('cart', 'v1'), deploy('cart', 'v2'), policy('v2-only', { selector: { matchLabels: { version: 'v2' } }, rules: [{ to: [{ operation: { ports: ['8080'] } }] }] }), policy('v1-nothing', { selector: { matchLabels: { version: 'v1' } } })]);
    const d = mesh.canCall({ from: { namespace: 'shop', serviceAccount: 'web' }, service: 'cart', namespace: 'shop', port: 80 });
    expect(d.verdict).toBe('DEPENDS');
    expect(d.reason).toMatch(/Deployment shop\/cart-v1: DENY, Deployment shop\/cart-v2: ALLOW/);
  });

  test('the Service port maps to the target port the policy names; root-namespace policies apply everywhere', () => {
    const objects = [svc('cart'), deploy('cart', 'v1'), policy('ports', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })];
    expect(MeshModel.fromManifests(objects).canCall({ from: {}, service: 'cart', namespace: 'shop', port: 80 }).verdict).toBe('ALLOW');
    const meshWide = policy('deny-plain', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] }, 'istio-system');
    expect(MeshModel.fromManifests([...objects, meshWide]).canCall({ from: {}, service: 'cart', namespace: 'shop', port: 80 })).toMatchObject({ verdict: 'DENY', policy: 'istio-system/deny-plain' });
    expect(MeshModel.fromManifests(objects).canCall({ from: {}, service: 'cart', namespace: 'shop', port: 81 }).verdict).toBe('DENY');
    expect(MeshModel.fromManifests(objects).canCall({ from: {}, service: 'ghost', namespace: 'shop' }).verdict).toBe('DEPENDS');
  });

  test('a waypoint-served Service: the policies attached to it (and to the waypoint) decide, not those on the pods', () => {
    const objects = [svc('cart', { 'istio.io/use-waypoint': 'waypoint' }), deploy('cart', 'v1'),
      policy('on-pods', { selector: { matchLabels: { app: 'cart' } } }),
      policy('wp-nothing', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }] }),
      policy('cart', { targetRefs: [{ group: '', kind: 'Service', name: 'cart' }], rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })];
    const mesh = MeshModel.fromManifests(objects);
    expect(mesh.canCall({ from: {}, service: 'cart', namespace: 'shop', method: 'GET', path: '/' })).toMatchObject({ verdict: 'ALLOW', policy: 'shop/cart' });
    expect(mesh.canCall({ from: {}, service: 'cart', namespace: 'shop', method: 'POST', path: '/' }).verdict).toBe('DENY');
  });
});
