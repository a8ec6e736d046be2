// The mesh picture of the Bookinfo example (sidecar and ambient), of Istio's official Bookinfo
// samples, and of small meshes: its calls are exactly the pairs the authorization evaluation
// allows, its routes carry the weights and mirrors the routing objects declare, and its text is
// deterministic.
import * as path from 'path';
import { Testing } from 'cdk8s';
import { BookinfoChart } from '../../../examples/bookinfo/bookinfo';
import { OnlineBoutique } from '../../../examples/online-boutique/boutique';
import { AccessLevel } from '../../../src/analysis/authz/authz-types';
import { MeshModel } from '../../../src/analysis/authz/mesh-model';
import { MeshRouteKind } from '../../../src/analysis/graph/graph-model';
import { MeshGraph } from '../../../src/analysis/graph/mesh-graph';
import { assertValidManifests, loadYamlManifests } from '../../support/validator';

const NS = 'bookinfo';
const OFFICIAL = path.join(__dirname, '..', '..', 'fixtures', 'istio-1.30.3-bookinfo');
const official = (...files: string[]) => files.flatMap((f) => loadYamlManifests(path.join(OFFICIAL, f)).map((m) => m.object));

/** The call edges as `from -> to` node pairs. */
const edges = (g: MeshGraph) => g.data.calls.map((c) => `${c.fromNode} -> ${c.to}`).sort();

/** The pairs the evaluator allows some request for, drawn as the graph draws callers. */
function allowedPairs(model: MeshModel, g: MeshGraph): string[] {
  const nodeOf = new Map(g.data.callers.map((c) => [c.identity, c.node]));
  const identities = [...nodeOf.keys()];
  const pairs: string[] = [];
  for (const identity of identities) {
    const [namespace, serviceAccount] = identity.split('/');
    for (const s of model.services) {
      const [sns, sname] = s.split('/');
      if (nodeOf.get(identity) === s) continue;
      if (model.access({ namespace, serviceAccount }, sns, sname).level !== AccessLevel.NONE) pairs.push(`${nodeOf.get(identity)} -> ${s}`);
    }
  }
  return pairs.sort();
}

describe.each(['istio', 'gateway-api'])('the Bookinfo example, ingress %s', (ingress) => {
  const app = Testing.app();
  new BookinfoChart(app, NS, { ingress, scenario: '90-10' });
  const model = MeshModel.fromApp(app);
  const graph = MeshGraph.fromModel(model);
  const gateway = `gateway:${NS}/bookinfo-gateway`;

  test('calls: exactly the pairs the evaluation allows, and those are the example\'s design', () => {
    expect(edges(graph)).toEqual(allowedPairs(model, graph));
    expect(edges(graph)).toEqual([
      `${NS}/productpage -> ${NS}/details`,
      `${NS}/productpage -> ${NS}/reviews`,
      `${NS}/reviews -> ${NS}/ratings`,
      `${gateway} -> ${NS}/productpage`,
    ].sort());
  });

  test('a restricted call is labelled with the requests it may make, and those are allowed', () => {
    const call = graph.data.calls.find((c) => c.to === `${NS}/details`)!;
    expect(call).toMatchObject({ level: AccessLevel.SOME, allowed: ['GET /details/*'], mtls: 'STRICT' });
    expect(model.canCall({ from: { namespace: NS, serviceAccount: 'bookinfo-productpage' }, service: 'details', namespace: NS, method: 'GET', path: '/details/1' }).verdict).toBe('ALLOW');
    expect(model.canCall({ from: { namespace: NS, serviceAccount: 'bookinfo-productpage' }, service: 'details', namespace: NS, method: 'POST', path: '/details/1' }).verdict).toBe('DENY');
  });

  test('routes: reviews split 90/10 between v1 and v2; the gateway into productpage', () => {
    const reviews = graph.data.routes.filter((r) => r.source === `${NS}/reviews` && r.kind === MeshRouteKind.ROUTE);
    expect(reviews.map((r) => [r.version, r.weight])).toEqual([['v1', 90], ['v2', 10]]);
    expect(graph.data.routes.some((r) => r.source === gateway && r.to === `${NS}/productpage`)).toBe(true);
    expect(graph.data.gateways.map((g) => g.id)).toEqual([gateway]);
  });

  test('egress: each workload reaches only the external host it was granted', () => {
    expect(graph.data.egress.map((e) => `${e.fromNode} -> ${e.host}`)).toEqual([
      `${NS}/productpage -> a-cup-of.coffee`,
      `${NS}/reviews -> une-tasse-de.cafe`,
    ]);
  });

  test('services: versions, identities, STRICT mTLS; the dataplane mode of the example', () => {
    const reviews = graph.data.services.find((s) => s.id === `${NS}/reviews`)!;
    expect(reviews).toMatchObject({ versions: ['v1', 'v2', 'v3'], identities: [`${NS}/bookinfo-reviews`], mtls: 'STRICT', dataplane: ingress === 'istio' ? 'SIDECAR' : 'AMBIENT' });
    expect(reviews.waypoint).toBe(ingress === 'istio' ? undefined : `${NS}/waypoint`);
  });

  test('Mermaid snapshot', () => {
    expect(graph.toMermaid()).toMatchSnapshot();
  });

  test('the matrix: a row per identity and one without, a column per Service', () => {
    const matrix = graph.toMarkdownMatrix().trim().split('\n');
    expect(matrix).toHaveLength(2 + graph.data.callers.length + 1);
    expect(matrix[0].split(' | ')).toHaveLength(1 + graph.data.services.length);
    const productpage = matrix.find((l) => l.startsWith(`| ${NS}/bookinfo-productpage `))!;
    expect(productpage).toContain('GET /details/*');
    expect(matrix[matrix.length - 1]).toMatch(/^\| no mesh identity[^|]*( \| —)+ \|$/);
  });
});

describe('the Online Boutique example', () => {
  const app = Testing.app();
  new OnlineBoutique(app);
  const model = MeshModel.fromApp(app);
  const graph = MeshGraph.fromModel(model);

  test('calls: exactly the pairs the evaluation allows; the frontend reaches its backends, nothing reaches the cart\'s redis but the cart', () => {
    expect(edges(graph)).toEqual(allowedPairs(model, graph));
    const into = (to: string) => graph.data.calls.filter((c) => c.to === to).map((c) => c.fromNode);
    expect(into('default/redis-cart')).toEqual(['default/cartservice']);
    expect(graph.data.calls.filter((c) => c.fromNode === 'default/frontend').length).toBeGreaterThanOrEqual(6);
    expect(graph.data.calls.every((c) => c.mtls === 'STRICT')).toBe(true);
  });
});

describe('Istio\'s official Bookinfo samples (no policies: everything allowed, plain text accepted)', () => {
  const objects = official('platform/kube/bookinfo.yaml', 'networking/bookinfo-gateway.yaml', 'networking/destination-rule-all.yaml',
    'networking/virtual-service-reviews-90-10.yaml', 'networking/virtual-service-ratings-test-delay.yaml', 'networking/egress-rule-google-apis.yaml');
  const graph = MeshGraph.fromManifests(objects);

  test('every identity may call every other Service, and the default ingress gateway too', () => {
    const services = ['details', 'productpage', 'ratings', 'reviews'].map((s) => `default/${s}`);
    const expected = [...services.flatMap((from) => services.filter((to) => to !== from).map((to) => `${from} -> ${to}`)),
      ...services.map((to) => `gateway:default/bookinfo-gateway -> ${to}`)].sort();
    expect(edges(graph)).toEqual(expected);
    expect(graph.data.calls.every((c) => c.level === AccessLevel.ALL && c.mtls === 'PERMISSIVE')).toBe(true);
    expect(graph.data.callers.find((c) => c.node === 'gateway:default/bookinfo-gateway')?.identity).toBe('istio-system/istio-ingressgateway-service-account');
  });

  test('the weighted route, the fault with its match, and the egress host', () => {
    expect(graph.data.routes.filter((r) => r.source === 'default/reviews').map((r) => [r.version, r.weight])).toEqual([['v1', 90], ['v2', 10]]);
    expect(graph.data.routes.find((r) => r.source === 'default/ratings')?.notes).toEqual(['if header end-user=jason', 'delay 7s (100%)']);
    expect(new Set(graph.data.egress.map((e) => e.host))).toEqual(new Set(['www.googleapis.com']));
    expect(graph.toMermaid()).toMatch(/linkStyle [\d,]+ stroke:#d33/);
  });

  test('with STRICT mTLS and the security task\'s policies, the picture narrows', () => {
    const policies = [
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'default' }, spec: {} },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'productpage-viewer', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'productpage' } }, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'details-viewer', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'details' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }], to: [{ operation: { methods: ['GET'] } }] }] } },
    ];
    assertValidManifests(policies);
    const g = MeshGraph.fromManifests([...objects, ...policies]);
    expect(edges(g)).toEqual([
      'default/details -> default/productpage', 'default/productpage -> default/details', 'default/ratings -> default/productpage',
      'default/reviews -> default/productpage', 'gateway:default/bookinfo-gateway -> default/productpage',
    ]);
    expect(g.data.calls.every((c) => c.mtls === 'STRICT' && c.allowed.join() === 'GET')).toBe(true);
    expect(g.toMermaid()).not.toContain('linkStyle');
  });
});

describe('rendering', () => {
  const svc = (name: string, ns = 'shop') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] } });
  const deploy = (name: string, ns = 'shop', version = 'v1', app = name) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-${version}`, namespace: ns },
    spec: { selector: { matchLabels: { app, version } }, template: { metadata: { labels: { app, version } }, spec: { serviceAccountName: name, containers: [{ name, image: 'x:1' }] } } },
  });
  const objects = [
    svc('cart'), deploy('cart', 'shop', 'v1'), deploy('cart', 'shop', 'v2', 'cart'), svc('cart-v1'), svc('web'), deploy('web'),
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'cart', namespace: 'shop' }, spec: { host: 'cart', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } },
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop' }, spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart', subset: 'v1' }, weight: 75 }, { destination: { host: 'cart', subset: 'v2' }, weight: 25 }], mirror: { host: 'cart-v1' }, mirrorPercentage: { value: 5 } }] } },
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'cart' } }, rules: [{ to: [{ operation: { paths: ['/say/"hi"|there'] } }] }] } },
  ];
  beforeAll(() => assertValidManifests(objects));

  test('node ids stay unique when keys sanitize alike (Service cart-v1, version cart@v1)', () => {
    const text = MeshGraph.fromManifests(objects).toMermaid();
    const ids = [...text.matchAll(/^\s+(n_\w+)[[{(/]/gm)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['n_shop_cart_v1', 'n_shop_cart_v1_2']));
  });

  test('labels are escaped: Mermaid entities, DOT backslashes', () => {
    const g = MeshGraph.fromManifests(objects);
    expect(g.toMermaid()).toContain('/say/#quot;hi#quot;#124;there');
    expect(g.toDot()).toContain('/say/\\"hi\\"|there');
    expect(g.toMarkdownMatrix()).toContain('/say/"hi"\\|there');
  });

  test('weights and mirrors are drawn as such', () => {
    const g = MeshGraph.fromManifests(objects);
    expect(g.data.routes.map((r) => `${r.kind} ${r.to} ${r.version ?? ''} ${r.weight ?? ''}`)).toEqual([
      'MIRROR shop/cart-v1  5', 'ROUTE shop/cart v1 75', 'ROUTE shop/cart v2 25',
    ]);
    expect(g.toMermaid()).toMatch(/n_shop_cart -\.->\|"mirror 5%"\| n_shop_cart_v1\b/);
    expect(g.toDot()).toContain('"shop/cart" -> "shop/cart@v1" [label="75%", style=bold');
  });

  test('deterministic: the order of the manifests does not change the text', () => {
    const a = MeshGraph.fromManifests(objects);
    const b = MeshGraph.fromManifests([...objects].reverse());
    expect(b.toMermaid()).toBe(a.toMermaid());
    expect(b.toDot()).toBe(a.toDot());
    expect(JSON.stringify(b.toJson())).toBe(JSON.stringify(a.toJson()));
    expect(b.toMarkdownMatrix()).toBe(a.toMarkdownMatrix());
  });

  test('a namespace alone: its nodes and what touches them', () => {
    const other = [svc('batch', 'jobs'), deploy('batch', 'jobs')];
    const g = MeshGraph.fromManifests([...objects, ...other], { namespace: 'jobs' });
    expect(g.data.services.map((s) => s.id)).toEqual(['jobs/batch']);
    expect(g.data.namespaces).toEqual(['jobs', 'shop']);
    expect(g.data.calls.every((c) => c.fromNode.startsWith('jobs/') || c.to.startsWith('jobs/'))).toBe(true);
  });

  test('SVG laid out by Graphviz (WebAssembly)', async () => {
    const svg = await MeshGraph.fromManifests(objects).toSvg();
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('<svg');
    expect(svg).toContain('<title>shop/cart&#45;&gt;shop/cart@v1</title>');
  });
});
