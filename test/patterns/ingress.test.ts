import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { MeshIngress } from '../../src/patterns/ingress';
import { IngressApi, IngressGateway } from '../../src/patterns/ingress-gateway';
import { MeshIngressProps } from '../../src/patterns/ingress-props';

/** The gateway variant of an ingress API. */
const gatewayFor = (api: IngressApi): IngressGateway => (api === IngressApi.ISTIO ? IngressGateway.istio() : IngressGateway.gatewayApi());
import { IngressBackend, IngressPath, IngressRoute } from '../../src/patterns/ingress-route';
import { MeshService } from '../../src/patterns/mesh-service';
import { MtlsNamespace } from '../../src/patterns/mtls-namespace';
import { Principal } from '../../src/security/principal';

// The kinds MeshIngress emits (plus the AuthorizationPolicies it adds to MeshServices).
const INGRESS_KINDS = ['Gateway', 'VirtualService', 'HTTPRoute', 'ReferenceGrant', 'AuthorizationPolicy'];

function chartIn(namespace?: string): Chart {
  return new Chart(Testing.app(), 'c', { namespace });
}

/**
 * "Host not found" is expected for `IngressBackend.fromServiceName()` backends when
 * `external` (Services defined outside the app). (The certificate Secret also lives outside
 * the app, which synth-time analysis assumes for every Secret.)
 */
function ingress(scope: Construct, id: string, props: MeshIngressProps, external = false): MeshIngress {
  const ing = new MeshIngress(scope, id, props);
  if (external && ing.virtualService) MeshAnalysis.suppress(ing.virtualService, 'IST0101');
  return ing;
}

function synth(chart: Chart): any[] {
  return Testing.synth(chart).filter((o) => INGRESS_KINDS.includes(o.kind));
}

function find(objs: any[], kind: string, name?: string, namespace?: string): any {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name)
    && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind} ${namespace ?? ''}/${name ?? ''} in ${objs.map((x) => `${x.kind} ${x.metadata.namespace}/${x.metadata.name}`).join(', ')}`);
  return o;
}

/** Seed 004: the productpage paths of the Bookinfo gateway, in order. */
const BOOKINFO_PATHS = () => [
  IngressPath.exact('/productpage'),
  IngressPath.prefix('/static'),
  IngressPath.exact('/login'),
  IngressPath.exact('/logout'),
  IngressPath.prefix('/api/v1/products'),
];

interface Bookinfo {
  readonly chart: Chart;
  readonly productpage: MeshService;
  readonly api: MeshService;
  readonly auth: MeshService;
  readonly ingress: MeshIngress;
}

/** The richest configuration: seed 004's path list, seed 003's ordered prefixes with rewrite and header. */
function richest(api: IngressApi): Bookinfo {
  const chart = chartIn('bookinfo');
  const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'examples-bookinfo-productpage-v1:1.20.3' });
  const backend = new MeshService(chart, 'api', { namespace: 'backend', port: 8080, image: 'api:1.0' });
  const auth = new MeshService(chart, 'auth', { namespace: 'backend', port: 8081, image: 'auth:1.0' });
  const ing = ingress(chart, 'bookinfo', {
    gateway: gatewayFor(api),
    hosts: ['bookinfo.example.com', 'www.bookinfo.example.com'],
    credentialName: 'bookinfo-cert',
    routes: [{
      name: 'public-api',
      paths: [IngressPath.prefix('/service/api/public/')],
      rewritePath: '/api/public/',
      backend: IngressBackend.fromMeshService(backend),
      timeout: Duration.seconds(5),
    }],
  }, true);
  ing
    .addRoute({
      name: 'auth',
      paths: [IngressPath.prefix('/service/')],
      requestHeaders: { set: { 'x-custom-header': 'ingress' } },
      backend: IngressBackend.fromMeshService(auth),
    })
    .addRoute({ name: 'productpage', paths: BOOKINFO_PATHS(), backend: IngressBackend.fromMeshService(productpage) })
    .addRoute({
      name: 'versioned',
      paths: [IngressPath.regex('/v[0-9]+/.*'), IngressPath.exact('/legacy')],
      rewritePath: '/current',
      rewriteHost: 'api.backend.svc.cluster.local',
      backend: IngressBackend.fromMeshService(backend),
    })
    .addRoute({ name: 'docs', paths: [IngressPath.prefix('/docs/')], backend: IngressBackend.fromServiceName('docs', 80, { namespace: 'docs' }) });
  return { chart, productpage, api: backend, auth, ingress: ing };
}

function defaultIngress(api: IngressApi): Bookinfo {
  const chart = chartIn('bookinfo');
  const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'examples-bookinfo-productpage-v1:1.20.3' });
  const ing = ingress(chart, 'bookinfo', {
    gateway: gatewayFor(api),
    hosts: ['bookinfo.example.com'],
    credentialName: 'bookinfo-cert',
    routes: [{ backend: IngressBackend.fromMeshService(productpage) }],
  });
  return { chart, productpage, api: productpage, auth: productpage, ingress: ing };
}

// ---------------------------------------------------------------------------------------------
// Small models of the rendered configuration, to test what the output does (not what it says).

/** Istio AuthorizationPolicy path matching: exact, "prefix*", "*suffix" or "*". */
function policyPathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return pattern === path;
}

/** Whether an ALLOW policy lets `principal` call `path` on `port`. */
function policyAllows(policy: any, principal: string, path: string, port: number): boolean {
  return (policy.spec.rules ?? []).some((rule: any) => {
    const fromOk = (rule.from ?? [{}]).some((f: any) => !f.source?.principals || f.source.principals.includes(principal));
    const toOk = (rule.to ?? [{}]).some((t: any) => {
      const op = t.operation ?? {};
      return (!op.paths || op.paths.some((p: string) => policyPathMatches(p, path)))
        && (!op.ports || op.ports.includes(String(port)));
    });
    return fromOk && toOk;
  });
}

/** Istio VirtualService routing: the first matching rule, and the path after its rewrite. */
function istioRoute(vs: any, path: string): { host: string; port: number; path: string } | undefined {
  for (const rule of vs.spec.http) {
    const matches: any[] = rule.match ?? [{}];
    const m = matches.find((x) => !x.uri
      || (x.uri.exact !== undefined && x.uri.exact === path)
      || (x.uri.prefix !== undefined && path.startsWith(x.uri.prefix))
      || (x.uri.regex !== undefined && new RegExp(`^(?:${x.uri.regex})$`).test(path)));
    if (!m) continue;
    let out = path;
    if (rule.rewrite?.uri !== undefined) {
      out = m.uri?.prefix !== undefined ? rule.rewrite.uri + path.slice(m.uri.prefix.length) : rule.rewrite.uri;
    }
    const d = rule.route[0].destination;
    return { host: d.host, port: d.port.number, path: out };
  }
  return undefined;
}

const SAMPLE_PATHS = ['/productpage', '/static/app.css', '/login', '/logout', '/api/v1/products/1',
  '/service/api/public/items', '/service/dashboard', '/v2/items', '/legacy', '/docs/intro', '/admin', '/'];

describe('MeshIngress', () => {
  test('default configuration (Istio API): HTTPS with the certificate, HTTP redirected, one catch-all route', () => {
    const { chart } = defaultIngress(IngressApi.ISTIO);
    expect(synth(chart)).toMatchSnapshot();
  });

  test('default configuration (Gateway API)', () => {
    const { chart } = defaultIngress(IngressApi.GATEWAY_API);
    expect(synth(chart)).toMatchSnapshot();
  });

  test('richest configuration (Istio API): seed 004 paths, seed 003 ordered prefixes with rewrite, regex, several backends', () => {
    const { chart } = richest(IngressApi.ISTIO);
    expect(synth(chart)).toMatchSnapshot();
  });

  test('richest configuration (Gateway API)', () => {
    const { chart } = richest(IngressApi.GATEWAY_API);
    expect(synth(chart)).toMatchSnapshot();
  });

  test('seed 004: the productpage paths become one VirtualService rule with the matches in the given order', () => {
    const chart = chartIn('default');
    const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'pp:1' });
    const paths = BOOKINFO_PATHS();
    ingress(chart, 'bookinfo', { hosts: ['*'], plainHttp: true, routes: [{ paths, backend: IngressBackend.fromMeshService(productpage) }] });
    const vs = find(synth(chart), 'VirtualService');
    expect(vs.spec.http).toHaveLength(1);
    expect(vs.spec.http[0].match).toEqual(paths.map((p) => ({ uri: { [p.matchType === 'Exact' ? 'exact' : 'prefix']: p.value } })));
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: productpage.host, port: { number: productpage.port } } }]);
  });

  test('routes are rendered in the order they were added, each to its own backend', () => {
    const { chart, ingress: ing } = richest(IngressApi.ISTIO);
    const vs = find(synth(chart), 'VirtualService');
    expect(vs.spec.http.map((r: any) => r.name)).toEqual(ing.routes.map((r) => r.name));
    expect(vs.spec.http.map((r: any) => r.route[0].destination.host)).toEqual(ing.routes.map((r) => r.backend._host()));
  });

  test('seed 003: requests reach the intended backend with the rewritten path (first match wins)', () => {
    const { chart } = richest(IngressApi.ISTIO);
    const vs = find(synth(chart), 'VirtualService');
    expect(istioRoute(vs, '/service/api/public/test')).toEqual({ host: 'api.backend.svc.cluster.local', port: 8080, path: '/api/public/test' });
    expect(istioRoute(vs, '/service/dashboard')).toEqual({ host: 'auth.backend.svc.cluster.local', port: 8081, path: '/service/dashboard' });
    expect(istioRoute(vs, '/v7/x')).toEqual({ host: 'api.backend.svc.cluster.local', port: 8080, path: '/current' });
    expect(istioRoute(vs, '/admin')).toBeUndefined();
    const rule = vs.spec.http.find((r: any) => r.name === 'auth');
    expect(rule.headers).toEqual({ request: { set: { 'x-custom-header': 'ingress' } } });
  });

  test('every exposed MeshService allows exactly the paths the gateway forwards to it, from the gateway identity only', () => {
    const { chart, productpage, api, auth } = richest(IngressApi.ISTIO);
    const objs = synth(chart);
    const vs = find(objs, 'VirtualService');
    const gatewayIdentity = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
    const services = [productpage, api, auth];
    for (const svc of services) {
      const policy = find(objs, 'AuthorizationPolicy', svc.serviceName, svc.namespace);
      expect(policy.spec.selector).toEqual({ matchLabels: { app: svc.serviceName } });
      for (const path of SAMPLE_PATHS) {
        const routed = istioRoute(vs, path);
        const reachesThis = routed !== undefined && routed.host === svc.host;
        // Forwarded requests are allowed; anything the gateway does not forward here is not.
        expect([path, policyAllows(policy, gatewayIdentity, routed?.path ?? path, svc.port)]).toEqual([path, reachesThis]);
        expect(policyAllows(policy, 'cluster.local/ns/bookinfo/sa/attacker', routed?.path ?? path, svc.port)).toBe(false);
      }
    }
  });

  test('a regex path forwarded unchanged cannot be expressed as policy paths: the rule allows every path of the port', () => {
    const chart = chartIn('bookinfo');
    const svc = new MeshService(chart, 'svc', { port: 8080, image: 'svc:1' });
    ingress(chart, 'ing', { hosts: ['a.example.com'], credentialName: 'cert', routes: [{ paths: [IngressPath.regex('/v[0-9]+/.*')], backend: IngressBackend.fromMeshService(svc) }] });
    const policy = find(synth(chart), 'AuthorizationPolicy', 'svc');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }],
      to: [{ operation: { ports: ['8080'] } }],
    }]);
  });

  test('secure default (Istio API): HTTPS only with the certificate, port 80 only redirects, hosts scoped to the gateway namespace', () => {
    const { chart, ingress: ing } = defaultIngress(IngressApi.ISTIO);
    const objs = synth(chart);
    const gw = find(objs, 'Gateway');
    const servers = gw.spec.servers;
    expect(servers.filter((s: any) => s.port.protocol === 'HTTP').every((s: any) => s.tls?.httpsRedirect === true)).toBe(true);
    const https = servers.filter((s: any) => s.port.protocol === 'HTTPS');
    expect(https).toHaveLength(1);
    expect(https[0].tls).toEqual({ mode: 'SIMPLE', credentialName: 'bookinfo-cert' });
    // "./host": only VirtualServices of the gateway's namespace can bind to these hosts.
    for (const s of servers) expect(s.hosts).toEqual(ing.hosts.map((h) => `./${h}`));
    const vs = find(objs, 'VirtualService');
    expect(vs.spec.hosts).toEqual(ing.hosts);
    // same namespace: the bare name, which Istio resolves in the VirtualService's namespace
    expect(gw.metadata.namespace).toBe(vs.metadata.namespace);
    expect(vs.spec.gateways).toEqual([gw.metadata.name]);
    expect(vs.metadata.namespace).toBe(gw.metadata.namespace);
  });

  test('secure default (Gateway API): HTTPS listener with the certificate, HTTP listener only redirects, routes of the same namespace only', () => {
    const { chart, ingress: ing } = defaultIngress(IngressApi.GATEWAY_API);
    const objs = synth(chart);
    const gw = find(objs, 'Gateway');
    for (const l of gw.spec.listeners) expect(l.allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
    const https = gw.spec.listeners.find((l: any) => l.protocol === 'HTTPS');
    expect(https.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ name: 'bookinfo-cert' }] });
    const main = find(objs, 'HTTPRoute', 'bookinfo');
    expect(main.spec.parentRefs).toEqual([{ name: gw.metadata.name, sectionName: https.name }]);
    const redirect = find(objs, 'HTTPRoute', ing.httpsRedirectRoute!.name);
    const http = gw.spec.listeners.find((l: any) => l.protocol === 'HTTP');
    expect(redirect.spec.parentRefs).toEqual([{ name: gw.metadata.name, sectionName: http.name }]);
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(main.spec.hostnames).toEqual(ing.hosts);
    expect(redirect.spec.hostnames).toEqual(ing.hosts);
  });

  test('Gateway API: the exposed service allows the identity Istio gives the Gateway deployment (<name>-istio), on its port, without L7 attributes', () => {
    const { chart, ingress: ing, productpage } = defaultIngress(IngressApi.GATEWAY_API);
    const objs = synth(chart);
    const gw = find(objs, 'Gateway');
    const expected = `cluster.local/ns/${gw.metadata.namespace}/sa/${gw.metadata.name}-${gw.spec.gatewayClassName}`;
    expect(ing.gatewayPrincipal._render(ing, 'test')).toBe(expected);
    const policy = find(objs, 'AuthorizationPolicy', 'productpage');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: [expected] } }],
      to: [{ operation: { ports: [String(productpage.port)] } }],
    }]);
  });

  test('Gateway API: a custom GatewayClass changes the gateway identity', () => {
    const chart = chartIn('edge');
    const svc = new MeshService(chart, 'web', { port: 8080, image: 'web:1' });
    ingress(chart, 'public', { gateway: IngressGateway.gatewayApi({ gatewayClassName: 'istio-edge' }), hosts: ['web.example.com'], credentialName: 'web-cert', routes: [{ backend: IngressBackend.fromMeshService(svc) }] });
    const policy = find(synth(chart), 'AuthorizationPolicy', 'web');
    expect(policy.spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/edge/sa/public-istio-edge']);
  });

  test('Gateway API: two routes to one service add one identity rule', () => {
    const chart = chartIn('bookinfo');
    const svc = new MeshService(chart, 'web', { port: 8080, image: 'web:1' });
    const ing = ingress(chart, 'ing', { gateway: IngressGateway.gatewayApi(), hosts: ['web.example.com'], credentialName: 'web-cert' });
    ing.addRoute({ paths: [IngressPath.prefix('/a/')], backend: IngressBackend.fromMeshService(svc) });
    ing.addRoute({ paths: [IngressPath.prefix('/b/')], backend: IngressBackend.fromMeshService(svc) });
    expect(find(synth(chart), 'AuthorizationPolicy', 'web').spec.rules).toHaveLength(1);
  });

  test('Gateway API: a backend in another namespace gets a ReferenceGrant there for exactly the routed services', () => {
    const { chart } = richest(IngressApi.GATEWAY_API);
    const objs = synth(chart);
    const route = find(objs, 'HTTPRoute', 'bookinfo');
    const foreign = new Map<string, Set<string>>();
    for (const rule of route.spec.rules) {
      for (const b of rule.backendRefs) {
        if (b.namespace) foreign.set(b.namespace, new Set([...(foreign.get(b.namespace) ?? []), b.name]));
      }
    }
    const grants = objs.filter((o) => o.kind === 'ReferenceGrant');
    expect(grants.map((g) => g.metadata.namespace).sort()).toEqual([...foreign.keys()].sort());
    for (const g of grants) {
      expect(g.spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: route.metadata.namespace }]);
      expect(g.spec.to.map((t: any) => t.name).sort()).toEqual([...foreign.get(g.metadata.namespace)!].sort());
      expect(g.spec.to.every((t: any) => t.group === '' && t.kind === 'Service')).toBe(true);
    }
  });

  test('Gateway API: a rewrite over several paths becomes one rule per path, each with its own path modifier', () => {
    const { chart } = richest(IngressApi.GATEWAY_API);
    const route = find(synth(chart), 'HTTPRoute', 'bookinfo');
    const versioned = route.spec.rules.filter((r: any) => r.name?.startsWith('versioned'));
    expect(versioned.map((r: any) => r.matches)).toEqual([
      [{ path: { type: 'RegularExpression', value: '/v[0-9]+/.*' } }],
      [{ path: { type: 'Exact', value: '/legacy' } }],
    ]);
    for (const r of versioned) {
      expect(r.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { hostname: 'api.backend.svc.cluster.local', path: { type: 'ReplaceFullPath', replaceFullPath: '/current' } } }]);
    }
    const pub = route.spec.rules.find((r: any) => r.name === 'public-api');
    expect(pub.filters[0].urlRewrite.path).toEqual({ type: 'ReplacePrefixMatch', replacePrefixMatch: '/api/public/' });
    expect(pub.timeouts).toEqual({ request: '5s' });
  });

  test('one route description, two renderings: the same paths go to the same backends', () => {
    const istio = richest(IngressApi.ISTIO);
    const gwapi = richest(IngressApi.GATEWAY_API);
    const vs = find(synth(istio.chart), 'VirtualService');
    const route = find(synth(gwapi.chart), 'HTTPRoute', 'bookinfo');
    const fromIstio = vs.spec.http.flatMap((r: any) => r.match.map((m: any) => {
      const [type, value] = Object.entries(m.uri)[0] as [string, string];
      const d = r.route[0].destination;
      return `${type}:${value} -> ${d.host.split('.')[0]}:${d.port.number}`;
    }));
    const typeName: { [k: string]: string } = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regex' };
    const fromGwApi = route.spec.rules.flatMap((r: any) => r.matches.map((m: any) => `${typeName[m.path.type]}:${m.path.value} -> ${r.backendRefs[0].name}:${r.backendRefs[0].port}`));
    expect(fromGwApi).toEqual(fromIstio);
    expect(route.spec.hostnames).toEqual(vs.spec.hosts);
  });

  test('plain HTTP only when asked for: one HTTP server / listener, no redirect, no certificate', () => {
    for (const api of [IngressApi.ISTIO, IngressApi.GATEWAY_API]) {
      const chart = chartIn('dev');
      const ing = ingress(chart, 'dev', { gateway: gatewayFor(api), hosts: ['*'], plainHttp: true, routes: [{ backend: IngressBackend.fromServiceName('web', 8080) }] }, true);
      const gw = find(synth(chart), 'Gateway');
      if (api === IngressApi.ISTIO) {
        expect(gw.spec.servers).toEqual([{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['./*'] }]);
      } else {
        expect(gw.spec.listeners).toEqual([{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }]);
        // "*" is not a Gateway API hostname: the route serves every host instead.
        expect(find(synth(chart), 'HTTPRoute').spec.hostnames).toBeUndefined();
        expect(ing.httpsRedirectRoute).toBeUndefined();
      }
    }
  });

  test('httpsRedirect: false leaves port 80 closed', () => {
    for (const api of [IngressApi.ISTIO, IngressApi.GATEWAY_API]) {
      const chart = chartIn('bookinfo');
      ingress(chart, 'ing', { gateway: gatewayFor(api), hosts: ['a.example.com'], credentialName: 'cert', httpsRedirect: false, routes: [{ backend: IngressBackend.fromServiceName('web', 8080) }] }, true);
      const gw = find(synth(chart), 'Gateway');
      const ports = api === IngressApi.ISTIO ? gw.spec.servers.map((s: any) => s.port.number) : gw.spec.listeners.map((l: any) => l.port);
      expect(ports).toEqual([443]);
    }
  });

  test('a custom Istio gateway: its selector, and its identity in the allow rule', () => {
    const chart = chartIn('bookinfo');
    const svc = new MeshService(chart, 'web', { port: 8080, image: 'web:1' });
    const principal = Principal.serviceAccount('istio-ingress', 'istio-ingress');
    // the custom gateway deployment is installed outside the app: its selector matches no pod here
    MeshAnalysis.suppress(chart, 'IST0101');
    ingress(chart, 'ing', {
      hosts: ['web.example.com'],
      credentialName: 'web-cert',
      gateway: IngressGateway.istio({ selector: WorkloadSelector.fromLabels({ istio: 'ingress' }), principal }),
      routes: [{ paths: [IngressPath.prefix('/app/')], backend: IngressBackend.fromMeshService(svc) }],
    });
    const objs = synth(chart);
    expect(find(objs, 'Gateway').spec.selector).toEqual({ istio: 'ingress' });
    const policy = find(objs, 'AuthorizationPolicy', 'web');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/istio-ingress'] } }],
      to: [{ operation: { paths: ['/app/*'], ports: ['8080'] } }],
    }]);
  });

  test('a Service backend by name: routed by FQDN (or short name in the ingress namespace), no policy added', () => {
    const chart = chartIn('bookinfo');
    ingress(chart, 'ing', { hosts: ['a.example.com'], credentialName: 'cert' }, true)
      .addRoute({ paths: [IngressPath.prefix('/docs/')], backend: IngressBackend.fromServiceName('docs', 80, { namespace: 'docs' }) })
      .addRoute({ backend: IngressBackend.fromServiceName('web', 8080) });
    const objs = synth(chart);
    expect(find(objs, 'VirtualService').spec.http.map((r: any) => r.route[0].destination)).toEqual([
      { host: 'docs.docs.svc.cluster.local', port: { number: 80 } },
      { host: 'web', port: { number: 8080 } },
    ]);
    expect(objs.filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });

  test('a MeshService port other than the main one', () => {
    const chart = chartIn('bookinfo');
    const svc = new MeshService(chart, 'web', { port: 8080, image: 'web:1', additionalPorts: [{ port: 9090, protocol: Protocol.GRPC }] });
    ingress(chart, 'ing', { hosts: ['a.example.com'], credentialName: 'cert', routes: [{ backend: IngressBackend.fromMeshService(svc, { port: 9090 }) }] });
    const objs = synth(chart);
    expect(find(objs, 'VirtualService').spec.http[0].route[0].destination.port).toEqual({ number: 9090 });
    expect(find(objs, 'AuthorizationPolicy', 'web').spec.rules[0].to).toEqual([{ operation: { ports: ['9090'] } }]);
  });

  test('getters', () => {
    const { ingress: ing } = richest(IngressApi.ISTIO);
    expect(ing.api).toBe(IngressApi.ISTIO);
    expect(ing.name).toBe('bookinfo');
    expect(ing.namespace).toBe('bookinfo');
    expect(ing.hosts).toEqual(['bookinfo.example.com', 'www.bookinfo.example.com']);
    expect(ing.routes.map((r) => r.name)).toEqual(['public-api', 'auth', 'productpage', 'versioned', 'docs']);
    expect(ing.gatewayPrincipal._render(ing, 'x')).toBe('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    expect(ing.gateway).toBeDefined();
    expect(ing.virtualService).toBeDefined();
    expect(ing.httpRoute).toBeUndefined();
    const gw = richest(IngressApi.GATEWAY_API).ingress;
    expect(gw.gatewayApiGateway).toBeDefined();
    expect(gw.httpRoute).toBeDefined();
    expect(gw.httpsRedirectRoute).toBeDefined();
    expect(gw.gateway).toBeUndefined();
  });

  test('a regex path is not checked for overlaps, but a catch-all shadows it', () => {
    const chart = chartIn('bookinfo');
    const ing = ingress(chart, 'ing', { hosts: ['a.example.com'], credentialName: 'cert' });
    ing.addRoute({ paths: [IngressPath.prefix('/v1/')], backend: IngressBackend.fromServiceName('a', 80) });
    expect(() => ing.addRoute({ paths: [IngressPath.regex('/v1/.*')], backend: IngressBackend.fromServiceName('b', 80) })).not.toThrow();
    ing.addRoute({ backend: IngressBackend.fromServiceName('c', 80) });
    expect(() => ing.addRoute({ paths: [IngressPath.regex('/v2/.*')], backend: IngressBackend.fromServiceName('d', 80) }))
      .toThrow(/routes\[3\]\.paths\[0\] "\/v2\/\.\*" is invalid: routes\[2\] comes first and already matches it with its catch-all/);
  });

  test('a rejected route leaves the ingress unchanged', () => {
    const chart = chartIn('bookinfo');
    const ing = ingress(chart, 'ing', { hosts: ['a.example.com'], credentialName: 'cert' });
    expect(() => ing.addRoute({ paths: [IngressPath.prefix('/a/')], rewritePath: 'x', backend: IngressBackend.fromServiceName('a', 80) })).toThrow();
    expect(ing.routes).toEqual([]);
    expect(() => ing.addRoute({ paths: [IngressPath.prefix('/a/')], backend: IngressBackend.fromServiceName('a', 80) })).not.toThrow();
  });
});

describe('bad input', () => {
  const svcBackend = () => IngressBackend.fromServiceName('web', 8080);
  const base = { hosts: ['a.example.com'], credentialName: 'cert' };
  const build = (props: Partial<MeshIngressProps>, namespace: string | null = 'bookinfo') =>
    () => ingress(chartIn(namespace ?? undefined), 'ing', { ...base, ...props } as MeshIngressProps);

  test('shadowing follows the API: Gateway API prefixes match whole path segments, Istio prefixes any string prefix', () => {
    const routes = [
      { paths: [IngressPath.prefix('/api')], backend: svcBackend() },
      { paths: [IngressPath.prefix('/apikeys')], backend: svcBackend() },
    ];
    expect(build({ gateway: IngressGateway.gatewayApi(), routes })).not.toThrow();
    expect(build({ routes }))
      .toThrow(/\[c\/ing\] routes\[1\]\.paths\[0\] "\/apikeys" is invalid: routes\[0\] comes first and already matches it with prefix "\/api"/);
    expect(build({ gateway: IngressGateway.gatewayApi(), routes: [routes[0], { paths: [IngressPath.exact('/api/v1')], backend: svcBackend() }] }))
      .toThrow(/routes\[1\]\.paths\[0\] "\/api\/v1" is invalid: routes\[0\] comes first and already matches it with prefix "\/api"/);
    expect(build({ gateway: IngressGateway.gatewayApi(), routes: [{ paths: [IngressPath.prefix('/api/')], backend: svcBackend() }, { paths: [IngressPath.exact('/api')], backend: svcBackend() }] }))
      .toThrow(/routes\[1\]\.paths\[0\] "\/api" is invalid: routes\[0\] comes first and already matches it with prefix "\/api\/"/);
  });

  test('no hosts', () => {
    expect(build({ hosts: [] })).toThrow(/^\[c\/ing\] hosts \[\] is invalid: the list must not be empty\. Fix: list the host names clients use/);
  });

  test('hosts missing', () => {
    expect(build({ hosts: undefined })).toThrow(/\[c\/ing\] hosts undefined is invalid: an ingress routes requests by their Host header.*Fix: pass e\.g\. hosts: \["bookinfo\.example\.com"\]/);
  });

  test('duplicate host', () => {
    expect(build({ hosts: ['a.example.com', 'a.example.com'] })).toThrow(/\[c\/ing\] hosts\[1\] "a\.example\.com" is invalid: the host is listed twice\. Fix: list each host once/);
  });

  test('"*" with other hosts', () => {
    expect(build({ hosts: ['*', 'a.example.com'] })).toThrow(/\[c\/ing\] hosts \["\*","a\.example\.com"\] is invalid: "\*" already covers every host\. Fix: use \["\*"\] alone/);
  });

  test('a URL instead of a host', () => {
    expect(build({ hosts: ['https://a.example.com'] })).toThrow(/\[c\/ing\] hosts\[0\] "https:\/\/a\.example\.com" is invalid: a hostname must be a lower-case DNS name.*Fix: write e\.g\. "bookinfo\.example\.com"/);
  });

  test('HTTPS without credential', () => {
    expect(build({ credentialName: undefined })).toThrow(/\[c\/ing\] credentialName undefined is invalid: the ingress serves HTTPS by default and needs the certificate.*Fix: pass credentialName: "<kubernetes\.io\/tls Secret>", or set plainHttp: true/);
  });

  test('a credentialName that is no Secret name', () => {
    expect(build({ credentialName: 'Bookinfo Cert' })).toThrow(/\[c\/ing\] credentialName "Bookinfo Cert" is invalid: it must be a DNS-1123 subdomain.*Fix:/);
  });

  test('plain HTTP together with a certificate', () => {
    expect(build({ plainHttp: true })).toThrow(/\[c\/ing\] plainHttp and credentialName \{"plainHttp":true,"credentialName":"cert"\} is invalid: plain HTTP turns TLS off.*Fix: keep credentialName for HTTPS/);
  });

  test('httpsRedirect on a plain-HTTP ingress', () => {
    expect(build({ credentialName: undefined, plainHttp: true, httpsRedirect: true })).toThrow(/\[c\/ing\] httpsRedirect true is invalid: a plain-HTTP ingress has no HTTPS to redirect to\. Fix: drop httpsRedirect/);
  });

  test('duplicate path match across routes', () => {
    const ing = build({})();
    ing.addRoute({ paths: [IngressPath.exact('/login')], backend: svcBackend() });
    expect(() => ing.addRoute({ paths: [IngressPath.exact('/logout'), IngressPath.exact('/login')], backend: IngressBackend.fromServiceName('auth', 80) }))
      .toThrow(/\[c\/ing\] routes\[1\]\.paths\[1\] "\/login" is invalid: the same exact path is already matched by routes\[0\]\. Fix: match each path once/);
  });

  test('duplicate path match within a route', () => {
    expect(build({ routes: [{ paths: [IngressPath.prefix('/static'), IngressPath.prefix('/static')], backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.paths\[1\] "\/static" is invalid: the same prefix path is already matched by routes\[0\]/);
  });

  test('seed 003 in the wrong order: the specific prefix after the broad one is unreachable', () => {
    const ing = build({})();
    ing.addRoute({ paths: [IngressPath.prefix('/service/')], backend: IngressBackend.fromServiceName('auth', 80) });
    expect(() => ing.addRoute({ paths: [IngressPath.prefix('/service/api/public/')], rewritePath: '/api/public/', backend: svcBackend() }))
      .toThrow(/\[c\/ing\] routes\[1\]\.paths\[0\] "\/service\/api\/public\/" is invalid: routes\[0\] comes first and already matches it with prefix "\/service\/", so this path would never be reached\. Fix: add the more specific route first/);
  });

  test('a route after a catch-all', () => {
    const ing = build({ routes: [{ backend: svcBackend() }] })();
    expect(() => ing.addRoute({ paths: [IngressPath.exact('/login')], backend: IngressBackend.fromServiceName('auth', 80) }))
      .toThrow(/\[c\/ing\] routes\[1\]\.paths\[0\] "\/login" is invalid: routes\[0\] comes first and already matches it with its catch-all \(no paths\).*Fix:/);
  });

  test('rewrite without match', () => {
    expect(build({ routes: [{ rewritePath: '/api/', backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.rewritePath "\/api\/" is invalid: a path rewrite replaces the matched path or prefix, and the route has no paths to match\. Fix: add the paths the rewrite applies to/);
  });

  test('a rewrite path without a leading slash', () => {
    expect(build({ routes: [{ paths: [IngressPath.prefix('/a/')], rewritePath: 'api/', backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.rewritePath "api\/" is invalid: a path must start with "\/"\. Fix: write a path such as/);
  });

  test('a path without a leading slash', () => {
    expect(build({ routes: [{ paths: [IngressPath.exact('login')], backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.paths\[0\] "login" is invalid: a path must start with "\/"\. Fix: .*IngressPath\.exact/);
  });

  test('a wildcard in a literal path', () => {
    expect(build({ routes: [{ paths: [IngressPath.prefix('/api/*')], backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.paths\[0\] "\/api\/\*" is invalid: a literal path cannot contain "\*".*Fix: .*IngressPath\.regex\(\)/);
  });

  test('an empty path list', () => {
    expect(build({ routes: [{ paths: [], backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.paths \[\] is invalid: the list must not be empty\. Fix: list at least one path, or leave `paths` out/);
  });

  test('a route without backend', () => {
    expect(build({ routes: [{ paths: [IngressPath.prefix('/a/')] } as unknown as IngressRoute] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.backend undefined is invalid: a route needs a backend\. Fix: pass backend: IngressBackend\.fromMeshService/);
  });

  test('duplicate route name', () => {
    const ing = build({ routes: [{ name: 'web', paths: [IngressPath.prefix('/a/')], backend: svcBackend() }] })();
    expect(() => ing.addRoute({ name: 'web', paths: [IngressPath.prefix('/b/')], backend: svcBackend() }))
      .toThrow(/\[c\/ing\] routes\[1\]\.name "web" is invalid: another route of this ingress has the same name\. Fix: give each route a unique name/);
  });

  test('route to a MeshService in no namespace across namespaces', () => {
    const app = Testing.app();
    const noNs = new Chart(app, 'apps');
    const svc = new MeshService(noNs, 'web', { port: 8080, image: 'web:1' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    expect(() => ingress(edge, 'ing', { ...base, routes: [{ backend: IngressBackend.fromMeshService(svc) }] }))
      .toThrow(/\[edge\/ing\] routes\[0\]\.backend \(apps\/web\)\.namespace undefined is invalid: the service has no namespace, so it cannot be told apart from a service in the ingress' namespace "edge".*Fix: give the MeshService a `namespace`/);
  });

  test('Gateway API: route to another namespace from an ingress in no namespace', () => {
    expect(build({ gateway: IngressGateway.gatewayApi(), routes: [{ backend: IngressBackend.fromServiceName('docs', 80, { namespace: 'docs' }) }] }, null))
      .toThrow(/\[c\/ing\] routes\[0\]\.backend\.namespace "docs" is invalid: a route to another namespace needs a ReferenceGrant there.*Fix: give the MeshIngress a `namespace`/);
  });

  test('Gateway API: gateway identity of an ingress in no namespace', () => {
    const ing = build({ gateway: IngressGateway.gatewayApi(), routes: [{ backend: svcBackend() }] }, null)();
    expect(() => ing.gatewayPrincipal).toThrow(/\[c\/ing\] namespace undefined is invalid: Istio runs the Gateway API gateway as ServiceAccount "ing-istio".*Fix: give the MeshIngress a `namespace`/);
  });

  test('a custom gateway selector without its identity', () => {
    expect(build({ gateway: IngressGateway.istio({ selector: WorkloadSelector.fromLabels({ istio: 'ingress' }) }) }))
      .toThrow(/\[c\/ing\] gateway principal undefined is invalid: a custom gateway \(selector\) runs under its own ServiceAccount.*Fix: pass its identity too/);
  });

  test('Gateway API: a name too long for the generated deployment', () => {
    const name = 'x'.repeat(60);
    expect(build({ gateway: IngressGateway.gatewayApi(), name }))
      .toThrow(new RegExp(`\\[c/ing\\] name "${name}" is invalid: Istio names the gateway deployment and its ServiceAccount "${name}-istio", which is longer than 63 characters\\. Fix: use a shorter name`));
  });

  test('Gateway API: an Envoy substitution in a header value', () => {
    expect(build({ gateway: IngressGateway.gatewayApi(), routes: [{ requestHeaders: { set: { 'x-path': '%REQ(:PATH)%' } }, backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.requestHeaders\.set\.x-path "%REQ\(:PATH\)%" is invalid: Gateway API header values are literal.*Fix: use a literal value, or gateway: IngressGateway\.istio\(\)/);
  });

  test('a TCP MeshService behind an HTTP route', () => {
    const chart = chartIn('bookinfo');
    const db = new MeshService(chart, 'db', { port: 5432, protocol: Protocol.TCP, image: 'postgres:16' });
    expect(() => ingress(chart, 'ing', { ...base, routes: [{ backend: IngressBackend.fromMeshService(db) }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.backend \(c\/db\) port 5432 protocol "TCP" is invalid: an HTTP ingress route can only forward to an HTTP, HTTP2 or gRPC port\. Fix:/);
  });

  test('a MeshService port the service does not have', () => {
    const chart = chartIn('bookinfo');
    const svc = new MeshService(chart, 'web', { port: 8080, image: 'web:1' });
    expect(() => ingress(chart, 'ing', { ...base, routes: [{ backend: IngressBackend.fromMeshService(svc, { port: 9999 }) }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.backend \(c\/web\)\.port 9999 is invalid: it is not a port of the service \(its ports are 8080\)\. Fix: route to one of its ports/);
  });

  test('a Service backend with a bad name', () => {
    expect(build({ routes: [{ backend: IngressBackend.fromServiceName('Web_App', 80) }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.backend\.serviceName "Web_App" is invalid: a Service name must be a DNS-1035 label.*Fix:/);
  });

  test('a rewriteHost that is not a host name', () => {
    expect(build({ routes: [{ paths: [IngressPath.prefix('/a/')], rewriteHost: '*.example.com', backend: svcBackend() }] }))
      .toThrow(/\[c\/ing\] routes\[0\]\.rewriteHost "\*\.example\.com" is invalid: a hostname must be a lower-case DNS name.*Fix: write e\.g\. "bookinfo\.example\.com"/);
  });

  test('no routes at synthesis', () => {
    const chart = chartIn('bookinfo');
    ingress(chart, 'ing', base);
    expect(() => Testing.synth(chart)).toThrow(/\[c\/ing\] routes \[\] is invalid: an ingress without routes answers every request with 404\. Fix: add one/);
  });
});

describe('Gateway API gateway in a default-deny namespace', () => {
  test('the gateway gets an ALLOW policy for exactly its listener ports, attached with targetRefs', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'shop');
    const web = new MeshService(ns, 'web', { port: 8080, image: 'web:1' });
    const ing = new MeshIngress(ns, 'edge', {
      gateway: IngressGateway.gatewayApi(),
      hosts: ['shop.example.com'],
      credentialName: 'shop-cert',
      routes: [{ paths: [IngressPath.prefix('/')], backend: IngressBackend.fromMeshService(web) }],
    });
    const objs = Testing.synth(ns);
    const policy = objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'edge-listeners');
    expect(ing.gatewayPolicy).toBeDefined();
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }]);
    const gateway = objs.find((o) => o.kind === 'Gateway');
    const listenerPorts = gateway.spec.listeners.map((l: any) => String(l.port)).sort();
    expect(policy.spec.rules).toHaveLength(1);
    expect(policy.spec.rules[0].to[0].operation.ports.slice().sort()).toEqual(listenerPorts);
    expect(listenerPorts).toEqual(['443', '80']);
    // the namespace's default deny is still there: the gateway policy is an explicit opening
    expect(objs.some((o) => o.kind === 'AuthorizationPolicy' && o.spec && Object.keys(o.spec).length === 0)).toBe(true);
  });

  test('the Istio API does not add a gateway policy (Istio\'s ingress gateway runs in istio-system)', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'shop');
    const web = new MeshService(ns, 'web', { port: 8080, image: 'web:1' });
    const ing = new MeshIngress(ns, 'edge', { hosts: ['shop.example.com'], credentialName: 'shop-cert', routes: [{ paths: [IngressPath.prefix('/')], backend: IngressBackend.fromMeshService(web) }] });
    expect(ing.gatewayPolicy).toBeUndefined();
  });
});
