// Unit tests per analyzer, with small hand-written fixtures (positive and negative), beyond the
// shared istioctl-analyze conformance cases.
import { AnalysisDiagnostic, AnalysisOptions, MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

type Obj = { [key: string]: any };

function meta(name: string, namespace?: string, extra: Obj = {}): Obj {
  return { name, ...(namespace !== undefined ? { namespace } : {}), ...extra };
}
const ns = (name: string, labels: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, undefined, { labels }) });
const pod = (name: string, namespace: string, labels: Obj, spec: Obj = { containers: [{ name: 'app', image: 'app' }] }, annotations?: Obj): Obj =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, namespace, { labels, ...(annotations ? { annotations } : {}) }), spec });
const svc = (name: string, namespace: string, selector: Obj, ports: Obj[], extra: Obj = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name, namespace, extra), spec: { selector, ports } });
const istio = (kind: string, name: string, namespace: string, spec: Obj, group = 'networking.istio.io', extraMeta: Obj = {}): Obj =>
  ({ apiVersion: `${group}/v1`, kind, metadata: meta(name, namespace, extraMeta), spec });
const deploy = (name: string, namespace: string, labels: Obj, spec: Obj = {}, annotations: Obj = {}, metaLabels: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(name, namespace, { labels: metaLabels }),
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: { containers: [{ name: 'app', image: 'x' }], ...spec } } },
});

function run(analyzer: string, objects: Obj[], options: AnalysisOptions = {}): AnalysisDiagnostic[] {
  return MeshAnalyzer.analyze(objects, { ...options, analyzers: [analyzer] });
}
const codes = (ds: AnalysisDiagnostic[]) => ds.map((d) => `${d.code} ${d.origin}`);

describe('virtualservice.DestinationRuleAnalyzer', () => {
  const vs = istio('VirtualService', 'reviews', 'shop', {
    hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }],
  });
  test('a route to a subset no DestinationRule defines is IST0101', () => {
    const ds = run('virtualservice.DestinationRuleAnalyzer', [vs]);
    expect(codes(ds)).toEqual(['IST0101 VirtualService shop/reviews']);
    expect(ds[0].message).toBe('Referenced host+subset in destinationrule not found: "reviews+v2"');
    expect(ds[0].level).toBe('Error');
  });
  test('the subset defined (FQDN host in the DestinationRule) is fine', () => {
    const dr = istio('DestinationRule', 'reviews', 'shop', { host: 'reviews.shop.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
    expect(run('virtualservice.DestinationRuleAnalyzer', [vs, dr])).toEqual([]);
  });
  test('a DestinationRule in another namespace does not count', () => {
    const dr = istio('DestinationRule', 'reviews', 'other', { host: 'reviews', subsets: [{ name: 'v2' }] });
    expect(codes(run('virtualservice.DestinationRuleAnalyzer', [vs, dr]))).toEqual(['IST0101 VirtualService shop/reviews']);
  });
  test('mirror subsets are checked too', () => {
    const m = istio('VirtualService', 'm', 'shop', { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], mirror: { host: 'b', subset: 'x' } }] });
    expect(run('virtualservice.DestinationRuleAnalyzer', [m])[0].message).toBe('Referenced mirror+subset in destinationrule not found: "b+x"');
  });
});

describe('virtualservice.DestinationHostAnalyzer', () => {
  test('unknown host is IST0101; a known Service is fine', () => {
    const vs = istio('VirtualService', 'r', 'shop', { hosts: ['r'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
    expect(codes(run('virtualservice.DestinationHostAnalyzer', [vs]))).toEqual(['IST0101 VirtualService shop/r']);
    const s = svc('ratings', 'shop', { app: 'ratings' }, [{ name: 'http', port: 9080 }]);
    expect(run('virtualservice.DestinationHostAnalyzer', [vs, s])).toEqual([]);
  });
  test('multi-port service without a destination port is IST0112; a wrong port is IST0101', () => {
    const s = svc('ratings', 'shop', { app: 'ratings' }, [{ name: 'http', port: 9080 }, { name: 'grpc', port: 9090 }]);
    const noPort = istio('VirtualService', 'a', 'shop', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
    const badPort = istio('VirtualService', 'b', 'shop', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings', port: { number: 1 } } }] }] });
    const ds = run('virtualservice.DestinationHostAnalyzer', [s, noPort, badPort]);
    expect(codes(ds)).toEqual(['IST0101 VirtualService shop/b', 'IST0112 VirtualService shop/a']);
    expect(ds[1].message).toContain('exposes multiple ports [9080 9090]');
  });
  test('wildcard ServiceEntry hosts resolve, exportTo limits visibility', () => {
    const se = istio('ServiceEntry', 'ext', 'shop', { hosts: ['*.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], exportTo: ['.'] });
    const here = istio('VirtualService', 'here', 'shop', { hosts: ['api.example.com'], tls: [{ match: [{ sniHosts: ['api.example.com'] }], route: [{ destination: { host: 'api.example.com' } }] }] });
    const there = istio('VirtualService', 'there', 'other', { hosts: ['api.example.com'], tls: [{ match: [{ sniHosts: ['api.example.com'] }], route: [{ destination: { host: 'api.example.com' } }] }] });
    expect(codes(run('virtualservice.DestinationHostAnalyzer', [se, here, there]))).toEqual(['IST0101 VirtualService other/there']);
  });
  test('the implicit ingress gateway Service is a valid destination', () => {
    const vs = istio('VirtualService', 'x', 'shop', { hosts: ['x'], http: [{ route: [{ destination: { host: 'istio-ingressgateway.istio-system.svc.cluster.local', port: { number: 80 } } }] }] });
    expect(run('virtualservice.DestinationHostAnalyzer', [vs])).toEqual([]);
  });
});

describe('virtualservice.GatewayAnalyzer', () => {
  const gw = istio('Gateway', 'gw', 'shop', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.shop.com'] }] });
  test('missing gateway: IST0101 and IST0132', () => {
    const vs = istio('VirtualService', 'v', 'shop', { hosts: ['a.shop.com'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    expect(codes(run('virtualservice.GatewayAnalyzer', [vs]))).toEqual(['IST0101 VirtualService shop/v', 'IST0132 VirtualService shop/v']);
  });
  test('host covered by the gateway wildcard is fine; other host is IST0132', () => {
    const ok = istio('VirtualService', 'ok', 'shop', { hosts: ['a.shop.com'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    const bad = istio('VirtualService', 'bad', 'shop', { hosts: ['a.other.com'], gateways: ['shop/gw', 'mesh'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    const ds = run('virtualservice.GatewayAnalyzer', [gw, ok, bad]);
    expect(codes(ds)).toEqual(['IST0132 VirtualService shop/bad']);
    expect(ds[0].message).toBe('one or more host [a.other.com] defined in VirtualService shop/bad not found in Gateway shop/gw.');
  });
  test('gateway hosts scoped to another namespace do not match', () => {
    const scoped = istio('Gateway', 'gw2', 'shop', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['team/*'] }] });
    const vs = istio('VirtualService', 'v', 'shop', { hosts: ['a.b'], gateways: ['gw2'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    expect(codes(run('virtualservice.GatewayAnalyzer', [scoped, vs]))).toEqual(['IST0132 VirtualService shop/v']);
  });
  test('reference to a generated Gateway API gateway is IST0165', () => {
    const vs = istio('VirtualService', 'v', 'shop', { hosts: ['a'], gateways: ['shop/x-istio-autogenerated-k8s-gateway-y'.replace('-istio', '~istio').replace('gateway-y', 'gateway~y')], http: [{ route: [{ destination: { host: 'a' } }] }] });
    expect(codes(run('virtualservice.GatewayAnalyzer', [vs]))).toEqual(['IST0165 VirtualService shop/v']);
  });
});

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  const vs = (name: string, namespace: string, hosts: string[], extra: Obj = {}) => istio('VirtualService', name, namespace, { hosts, http: [{ route: [{ destination: { host: hosts[0] } }] }], ...extra });
  test('two mesh VirtualServices for one host: IST0109 on both', () => {
    const ds = run('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [vs('a', 'shop', ['reviews']), vs('b', 'shop', ['reviews.shop.svc.cluster.local'])]);
    expect(codes(ds)).toEqual(['IST0109 VirtualService shop/a', 'IST0109 VirtualService shop/b']);
    expect(ds[0].message).toContain('The VirtualServices shop/a,shop/b associated with mesh gateway define the same host */reviews.shop.svc.cluster.local');
  });
  test('different namespaces, gateway-bound or exportTo-separated VirtualServices do not conflict', () => {
    expect(run('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [
      vs('a', 'shop', ['reviews']), vs('b', 'other', ['reviews']),
      vs('c', 'shop', ['reviews'], { gateways: ['gw'] }),
    ])).toEqual([]);
    expect(run('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [
      vs('a', 'shop', ['x.com'], { exportTo: ['.'] }), vs('b', 'other', ['x.com'], { exportTo: ['.'] }),
    ])).toEqual([]);
  });
});

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  const gw = istio('Gateway', 'gw', 'istio-system', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
  const vs = istio('VirtualService', 'v', 'istio-system', {
    hosts: ['a.com'],
    gateways: ['gw'],
    http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }], route: [{ destination: { host: 'a' } }] }],
  });
  test('claim routing without RequestAuthentication on the gateway pod is IST0149', () => {
    const ds = run('virtualservice.JWTClaimRouteAnalyzer', [gw, vs]);
    expect(codes(ds)).toEqual(['IST0149 VirtualService istio-system/v']);
    expect(ds[0].message).toContain('(key: @request.auth.claims.group)');
  });
  test('a RequestAuthentication selecting the gateway pod fixes it', () => {
    const ra = istio('RequestAuthentication', 'jwt', 'istio-system', { selector: { matchLabels: { istio: 'ingressgateway' } } }, 'security.istio.io');
    expect(run('virtualservice.JWTClaimRouteAnalyzer', [gw, vs, ra])).toEqual([]);
  });
});

describe('schema.ValidationAnalyzer.VirtualService', () => {
  test('duplicate match and rules after a catch-all are reported', () => {
    const vs = istio('VirtualService', 'v', 'shop', {
      hosts: ['a'],
      http: [
        { name: 'first', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'a' } }] },
        { name: 'dup', match: [{ name: 'same', uri: { prefix: '/api' } }], route: [{ destination: { host: 'b' } }] },
        { route: [{ destination: { host: 'a' } }] },
        { route: [{ destination: { host: 'c' } }] },
      ],
    });
    const ds = run('schema.ValidationAnalyzer.VirtualService', [vs]);
    expect(ds.map((d) => d.message)).toEqual([
      'VirtualService rule "dup" not used (all matches used by prior rules).',
      'VirtualService rule #3 not used (only the last rule can have no matches).',
      'VirtualService rule "dup" match "same" is not used (duplicate/overlapping match in rule "first").',
    ]);
  });
  test('a shorter prefix before a longer one makes the longer ineffective; the reverse order is fine', () => {
    const routes = (a: string, b: string) => istio('VirtualService', 'v', 'shop', {
      hosts: ['a'], http: [a, b].map((p) => ({ match: [{ uri: { prefix: p } }], route: [{ destination: { host: 'a' } }] })),
    });
    expect(codes(run('schema.ValidationAnalyzer.VirtualService', [routes('/api', '/api/v2')]))).toEqual(['IST0131 VirtualService shop/v']);
    expect(run('schema.ValidationAnalyzer.VirtualService', [routes('/api/v2', '/api')])).toEqual([]);
  });
});

describe('gateway analyzers', () => {
  const gw = (name: string, selector: Obj, servers: Obj[], namespace = 'shop') => istio('Gateway', name, namespace, { selector, servers });
  const http = (port: number, hosts: string[]) => ({ port: { number: port, name: `http-${port}`, protocol: 'HTTP' }, hosts });
  test('IngressGatewayPortAnalyzer: port not on the gateway Service is IST0162, selector matching nothing IST0101', () => {
    const ds = run('gateway.IngressGatewayPortAnalyzer', [
      gw('ok', { istio: 'ingressgateway' }, [http(80, ['*'])]),
      gw('badport', { istio: 'ingressgateway' }, [http(8080, ['*'])]),
      gw('nopod', { app: 'none' }, [http(80, ['*'])]),
    ]);
    expect(codes(ds)).toEqual(['IST0101 Gateway shop/nopod', 'IST0162 Gateway shop/badport']);
  });
  test('IngressGatewayPortAnalyzer: ingressControllerMode OFF removes the implicit ingress gateway', () => {
    const ds = run('gateway.IngressGatewayPortAnalyzer', [gw('ok', { istio: 'ingressgateway' }, [http(80, ['*'])])], { meshConfig: { ingressControllerMode: 'OFF' } });
    expect(codes(ds)).toEqual(['IST0101 Gateway shop/ok']);
  });
  test('ConflictingGatewayAnalyzer: same selector, port and host is IST0145; different hosts are fine', () => {
    const a = gw('a', { istio: 'ingressgateway' }, [http(80, ['x.com'])]);
    const b = gw('b', { istio: 'ingressgateway' }, [http(80, ['x.com'])]);
    const c = gw('c', { istio: 'ingressgateway' }, [http(80, ['y.com'])]);
    expect(codes(run('gateway.ConflictingGatewayAnalyzer', [a, b, c]))).toEqual(['IST0145 Gateway shop/a', 'IST0145 Gateway shop/b']);
    expect(run('gateway.ConflictingGatewayAnalyzer', [a, c])).toEqual([]);
  });
  test('CertificateAnalyzer: two gateways sharing a credential is IST0138', () => {
    const tls = (cn: string) => ({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: cn } });
    const ds = run('gateway.CertificateAnalyzer', [gw('a', { istio: 'ingressgateway' }, [tls('c1')]), gw('b', { istio: 'ingressgateway' }, [tls('c1')])]);
    expect(codes(ds)).toEqual(['IST0138 Gateway shop/a', 'IST0138 Gateway shop/b']);
    expect(run('gateway.CertificateAnalyzer', [gw('a', { istio: 'ingressgateway' }, [tls('c1')]), gw('b', { istio: 'ingressgateway' }, [tls('c2')])])).toEqual([]);
  });
  test('SecretAnalyzer: missing and invalid credentials', () => {
    const tls = (cn: string) => ({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: cn } });
    const bogus = { apiVersion: 'v1', kind: 'Secret', metadata: meta('bogus', 'istio-system'), data: { 'tls.crt': Buffer.from('not a cert').toString('base64'), 'tls.key': 'eA==' } };
    const ds = run('gateway.SecretAnalyzer', [gw('a', { istio: 'ingressgateway' }, [tls('missing'), tls('bogus')]), bogus]);
    expect(ds.map((d) => d.message)).toEqual([
      'Referenced credentialName not found: "missing"',
      'The credential referenced by the Gateway a in namespace istio-system is invalid, which can cause the traffic not to work as expected.',
    ]);
  });
});

describe('service and deployment analyzers', () => {
  test('PortNameAnalyzer: unnamed/unknown-protocol ports are IST0118, well-known ports and appProtocol are fine', () => {
    const ds = run('service.PortNameAnalyzer', [
      svc('a', 'shop', { app: 'a' }, [{ name: 'foo', port: 8080 }, { name: 'http-web', port: 80 }, { port: 3306 }, { name: 'x', port: 81, appProtocol: 'http' }]),
    ]);
    expect(codes(ds)).toEqual(['IST0118 Service shop/a']);
    expect(ds[0].message).toBe("Port name foo (port: 8080, targetPort: 0) doesn't follow the naming convention of Istio port.");
  });
  test('PortNameAnalyzer: control-plane services are skipped', () => {
    expect(run('service.PortNameAnalyzer', [svc('istiod', 'istio-system', {}, [{ name: 'foo', port: 1 }], { labels: { istio: 'pilot' } })])).toEqual([]);
  });
  test('MultiServiceAnalyzer: one deployment behind two services with different protocols on a port is IST0116', () => {
    const d = deploy('web', 'shop', { app: 'web' }, { containers: [{ name: 'istio-proxy', image: 'proxy' }] });
    const ds = run('deployment.MultiServiceAnalyzer', [d,
      svc('tcp', 'shop', { app: 'web' }, [{ name: 'tcp', port: 80, protocol: 'TCP' }]),
      svc('udp', 'shop', { app: 'web' }, [{ name: 'udp', port: 80, protocol: 'UDP', targetPort: 8080 }])]);
    expect(codes(ds)).toEqual(['IST0116 Deployment shop/web']);
  });
  test('MultiServiceAnalyzer: deployments not in the mesh are skipped', () => {
    const d = deploy('web', 'shop', { app: 'web' });
    expect(run('deployment.MultiServiceAnalyzer', [d,
      svc('tcp', 'shop', { app: 'web' }, [{ name: 'tcp', port: 80, protocol: 'TCP' }]),
      svc('udp', 'shop', { app: 'web' }, [{ name: 'udp', port: 80, protocol: 'UDP' }])])).toEqual([]);
  });
  test('ApplicationUIDAnalyzer: runAsUser 1337 is IST0144 (once per object)', () => {
    const d = deploy('web', 'shop', { app: 'web' }, { securityContext: { runAsUser: 1337 }, containers: [{ name: 'a', securityContext: { runAsUser: 1337 } }] });
    expect(codes(run('applicationUID.Analyzer', [d]))).toEqual(['IST0144 Deployment shop/web']);
    expect(run('applicationUID.Analyzer', [deploy('ok', 'shop', { app: 'ok' }, { securityContext: { runAsUser: 1000 } })])).toEqual([]);
  });
});

describe('policy analyzers', () => {
  test('AuthorizationPoliciesAnalyzer: unknown source namespace is IST0101, no workloads IST0127', () => {
    const ap = istio('AuthorizationPolicy', 'ap', 'shop', {
      selector: { matchLabels: { app: 'web' } },
      rules: [{ from: [{ source: { namespaces: ['shop', 'ghost', 'sh*'] } }] }],
    }, 'security.istio.io');
    const ds = run('auth.AuthorizationPoliciesAnalyzer', [ns('shop'), ap]);
    expect(ds.map((d) => d.message)).toEqual([
      'Referenced namespace not found: "ghost"',
      'No matching workloads for this resource with the following labels: app=web',
    ]);
    const p = pod('web', 'shop', { app: 'web' }, { containers: [{ name: 'istio-proxy', image: 'proxy' }] });
    expect(codes(run('auth.AuthorizationPoliciesAnalyzer', [ns('shop'), ns('ghost'), ap, p]))).toEqual([]);
  });
  test('AuthorizationPoliciesAnalyzer: a Gateway API Gateway Istio deploys (a waypoint, an ingress) counts as a mesh workload', () => {
    const gw = (name: string, cls: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta(name, 'egress'), spec: { gatewayClassName: cls, listeners: [] } });
    const nsWide = istio('AuthorizationPolicy', 'allow-nothing', 'egress', {}, 'security.istio.io');
    const byRef = istio('AuthorizationPolicy', 'egress-api', 'egress', { targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'api' }], rules: [{}] }, 'security.istio.io');
    const bySelector = istio('AuthorizationPolicy', 'waypoint-only', 'egress', { selector: { matchLabels: { 'istio.io/gateway-name': 'waypoint' } }, rules: [{}] }, 'security.istio.io');
    // no pod at all: every policy matches nothing
    expect(codes(run('auth.AuthorizationPoliciesAnalyzer', [ns('egress'), nsWide, byRef, bySelector]))).toEqual([
      'IST0127 AuthorizationPolicy egress/allow-nothing', 'IST0127 AuthorizationPolicy egress/egress-api', 'IST0127 AuthorizationPolicy egress/waypoint-only',
    ]);
    // Istio runs the waypoint's pod, labelled with the gateway's name
    expect(codes(run('auth.AuthorizationPoliciesAnalyzer', [ns('egress'), gw('waypoint', 'istio-waypoint'), nsWide, byRef, bySelector]))).toEqual([]);
    // a class Istio does not deploy adds no pod
    expect(codes(run('auth.AuthorizationPoliciesAnalyzer', [ns('egress'), gw('waypoint', 'other-vendor'), nsWide]))).toEqual(['IST0127 AuthorizationPolicy egress/allow-nothing']);
  });
  test('SelectorAnalyzer (sidecar): selector matching no pod and overlapping sidecars', () => {
    const sc = (name: string, labels?: Obj) => istio('Sidecar', name, 'shop', labels ? { workloadSelector: { labels } } : {});
    const ds = run('sidecar.SelectorAnalyzer', [pod('p', 'shop', { app: 'a' }), sc('one', { app: 'a' }), sc('two', { app: 'a' }), sc('none', { app: 'zz' }), sc('d1'), sc('d2')]);
    expect(codes(ds)).toEqual([
      'IST0101 Sidecar shop/none', 'IST0110 Sidecar shop/one', 'IST0110 Sidecar shop/two', 'IST0111 Sidecar shop/d1', 'IST0111 Sidecar shop/d2',
    ]);
  });
  test('CaCertificateAnalyzer: SIMPLE TLS without caCertificates is IST0128; with them fine', () => {
    const dr = (tls: Obj) => istio('DestinationRule', 'd', 'shop', { host: 'db', trafficPolicy: { tls } });
    expect(codes(run('destinationrule.CaCertificateAnalyzer', [dr({ mode: 'SIMPLE' })]))).toEqual(['IST0128 DestinationRule shop/d']);
    expect(run('destinationrule.CaCertificateAnalyzer', [dr({ mode: 'SIMPLE', caCertificates: '/ca.pem' })])).toEqual([]);
    expect(run('destinationrule.CaCertificateAnalyzer', [dr({ mode: 'ISTIO_MUTUAL' })])).toEqual([]);
  });
  test('SubsetSelectPodAnalyzer: unknown host is IST0174, subset selecting no pod IST0173', () => {
    const s = svc('web', 'shop', { app: 'web' }, [{ name: 'http', port: 80 }]);
    const dr = istio('DestinationRule', 'd', 'shop', { host: 'web', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v9', labels: { version: 'v9' } }] });
    const ghost = istio('DestinationRule', 'g', 'shop', { host: 'ghost' });
    const ds = run('destinationrule.SubsetSelectPodAnalyzer', [s, dr, ghost, pod('w', 'shop', { app: 'web', version: 'v1' })]);
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([
      'IST0173 The Subset v9 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
      'IST0174 The host ghost defined in the DestinationRule does not match any services in the mesh.',
    ]);
  });
  test('ServiceEntry Analyzer: TCP ports without addresses is IST0134 unless DNS auto-allocation is on', () => {
    const se = istio('ServiceEntry', 'db', 'shop', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' });
    expect(codes(run('serviceentry.Analyzer', [se]))).toEqual(['IST0134 ServiceEntry shop/db']);
    const mesh = { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } };
    expect(run('serviceentry.Analyzer', [se], { meshConfig: mesh })).toEqual([]);
  });
  test('Telemetry analyzers: two selector-less Telemetries (IST0160), empty access log providers (IST0157)', () => {
    const t = (name: string, spec: Obj) => istio('Telemetry', name, 'shop', spec, 'telemetry.istio.io');
    expect(codes(run('telemetry.DefaultSelectorAnalyzer', [t('a', {}), t('b', {})]))).toEqual(['IST0160 Telemetry shop/a', 'IST0160 Telemetry shop/b']);
    expect(codes(run('telemetry.ProviderAnalyzer', [t('a', { accessLogging: [{}] })]))).toEqual(['IST0157 Telemetry shop/a']);
    expect(run('telemetry.ProviderAnalyzer', [t('a', { accessLogging: [{}] })], { meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } })).toEqual([]);
  });
  test('Telemetry SelectorAnalyzer: selector matching no pod is IST0101', () => {
    const t = istio('Telemetry', 't', 'shop', { selector: { matchLabels: { app: 'x' } } }, 'telemetry.istio.io');
    expect(codes(run('telemetry.SelectorAnalyzer', [t]))).toEqual(['IST0101 Telemetry shop/t']);
    expect(run('telemetry.SelectorAnalyzer', [t, pod('p', 'shop', { app: 'x' })])).toEqual([]);
  });
  test('EnvoyPatchAnalyzer: ADD on HTTP_ROUTE is IST0153; relative op without priority IST0151', () => {
    const ef = (name: string, patches: Obj[], priority?: number) => istio('EnvoyFilter', name, 'shop', { configPatches: patches, ...(priority ? { priority } : {}) }, 'networking.istio.io');
    const ds = run('envoyfilter.EnvoyPatchAnalyzer', [
      ef('add', [{ applyTo: 'HTTP_ROUTE', patch: { operation: 'ADD', value: {} } }]),
      ef('rel', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'x' } } }]),
      ef('prio', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'x' } } }], 10),
    ]);
    expect(codes(ds)).toEqual(['IST0153 EnvoyFilter shop/add', 'IST0151 EnvoyFilter shop/rel']);
  });
  test('k8sgateway.SelectorAnalyzer: selector on a Gateway API pod is ineffective (IST0166); targetRef is fine', () => {
    const gwPod = pod('gw', 'shop', { 'gateway.networking.k8s.io/gateway-name': 'web-gw', 'app': 'gw' });
    const sel = istio('AuthorizationPolicy', 'a', 'shop', { selector: { matchLabels: { app: 'gw' } } }, 'security.istio.io');
    const ref = istio('AuthorizationPolicy', 'b', 'shop', { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'web-gw' } }, 'security.istio.io');
    const ds = run('k8sgateway.SelectorAnalyzer', [gwPod, sel, ref]);
    expect(codes(ds)).toEqual(['IST0166 AuthorizationPolicy shop/a']);
    expect(ds[0].message).toBe('Ineffective selector on Kubernetes Gateway web-gw. Use the TargetRef field instead.');
  });
  test('CRDVersionAnalyzer: old Gateway API CRD bundle is IST0176', () => {
    const crd = (v: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'tlsroutes.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': v } }, spec: {} });
    expect(codes(run('k8sgateway.CRDVersionAnalyzer', [crd('v1.2.0')]))).toEqual(['IST0176 CustomResourceDefinition tlsroutes.gateway.networking.k8s.io']);
    expect(run('k8sgateway.CRDVersionAnalyzer', [crd('v1.5.1')])).toEqual([]);
  });
  test('BlockedCIDRsAnalyzer: istiod without BLOCKED_CIDRS_IN_JWKS_URIS when RequestAuthentications exist is IST0175', () => {
    const istiod = (env: Obj[]) => deploy('istiod', 'istio-system', { app: 'istiod' }, { containers: [{ name: 'discovery', image: 'pilot', env }] }, {}, { app: 'istiod' });
    const ra = istio('RequestAuthentication', 'jwt', 'shop', {}, 'security.istio.io');
    expect(codes(run('authn.BlockedCIDRsAnalyzer', [istiod([]), ra]))).toEqual(['IST0175 Deployment istio-system/istiod']);
    expect(run('authn.BlockedCIDRsAnalyzer', [istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8' }]), ra])).toEqual([]);
    expect(run('authn.BlockedCIDRsAnalyzer', [istiod([])])).toEqual([]);
  });
});

describe('injection, webhook, annotation and condition analyzers', () => {
  test('injection.Analyzer: uninjected namespace (IST0102) and pod missing its proxy (IST0103)', () => {
    const ds = run('injection.Analyzer', [ns('plain'), ns('meshed', { 'istio-injection': 'enabled' }), pod('p', 'meshed', { app: 'p' })]);
    expect(codes(ds)).toEqual(['IST0103 Pod meshed/p', 'IST0102 Namespace plain']);
  });
  test('injection.Analyzer: conflicting injection labels are IST0123', () => {
    expect(codes(run('injection.Analyzer', [ns('x', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' })]))).toEqual(['IST0123 Namespace x']);
  });
  test('webhook.Analyzer: a webhook pointing at a missing Service is IST0139', () => {
    const mwc = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'inj' }, webhooks: [{ name: 'sidecar-injector.istio.io', clientConfig: { service: { name: 'istiod', namespace: 'istio-system' } } }] };
    expect(run('webhook.Analyzer', [mwc])[0].message).toBe('Injector refers to a control plane service that does not exist: istio-system/istiod.');
    expect(run('webhook.Analyzer', [mwc, svc('istiod', 'istio-system', {}, [])])).toEqual([]);
  });
  test('annotations.K8sAnalyzer: unknown and misplaced Istio annotations', () => {
    const p = pod('p', 'shop', {}, { containers: [] }, { 'sidecar.istio.io/bogus': 'x', 'networking.istio.io/exportTo': '.', 'example.com/other': 'y' });
    expect(codes(run('annotations.K8sAnalyzer', [p]))).toEqual(['IST0107 Pod shop/p', 'IST0108 Pod shop/p']);
  });
  test('conditions.ConditionAnalyzer: a negative condition in status is IST0171', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('r', 'shop'), spec: {}, status: { parents: [{ conditions: [{ type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: 'no gateway' }] }] } };
    const ds = run('conditions.ConditionAnalyzer', [route]);
    expect(ds[0].message).toBe('A condition with a negative status is present: type=Accepted, reason=NoMatchingParent, message=no gateway.');
  });
});

describe('remaining analyzers', () => {
  test('telemetry.LightstepAnalyzer: a Lightstep tracing provider is deprecated (IST0002)', () => {
    const t = istio('Telemetry', 't', 'shop', { tracing: [{ providers: [{ name: 'ls' }] }] }, 'telemetry.istio.io');
    const mesh = { extensionProviders: [{ name: 'ls', lightstep: { service: 'x', port: 8080 } }] };
    expect(codes(run('telemetry.LightstepAnalyzer', [t], { meshConfig: mesh }))).toEqual(['IST0002 Telemetry shop/t']);
    expect(run('telemetry.LightstepAnalyzer', [t])).toEqual([]);
  });
  test('deprecation.DeprecationAnalyzer: fault.delay.percent and removed rbac CRDs', () => {
    const vs = istio('VirtualService', 'v', 'shop', { hosts: ['a'], http: [{ fault: { delay: { percent: 10, fixedDelay: '1s' } }, route: [{ destination: { host: 'a' } }] }] });
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'serviceroles.rbac.istio.io' }, spec: { group: 'rbac.istio.io', names: { kind: 'ServiceRole' } } };
    const ds = run('deprecation.DeprecationAnalyzer', [vs, crd]);
    expect(ds.map((d) => d.message)).toEqual([
      'Deprecated: Custom resource type rbac.istio.io ServiceRole is removed',
      'Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage',
    ]);
    const ok = istio('VirtualService', 'v', 'shop', { hosts: ['a'], http: [{ fault: { delay: { percentage: { value: 10 }, fixedDelay: '1s' } }, route: [{ destination: { host: 'a' } }] }] });
    expect(run('deprecation.DeprecationAnalyzer', [ok])).toEqual([]);
  });
  test('meshnetworks.MeshNetworksAnalyzer: unknown registry is IST0126 unless a remote secret names it', () => {
    const mn = { networks: { n1: { endpoints: [{ fromRegistry: 'cluster-2' }, { fromRegistry: 'Kubernetes' }] } } };
    expect(run('meshnetworks.MeshNetworksAnalyzer', [], { meshNetworks: mn }).map((d) => d.message)).toEqual(['Unknown service registry cluster-2 in network n1']);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'remote', namespace: 'istio-system', labels: { 'istio/multiCluster': 'true' } }, data: { 'cluster-2': 'eA==' } };
    expect(run('meshnetworks.MeshNetworksAnalyzer', [secret], { meshNetworks: mn })).toEqual([]);
  });
  test('injection.ImageAutoAnalyzer: image: auto outside any injection webhook', () => {
    const d = deploy('web', 'shop', { app: 'web' }, { containers: [{ name: 'istio-proxy', image: 'auto' }] });
    expect(codes(run('injection.ImageAutoAnalyzer', [d]))).toEqual(['IST0146 Deployment shop/web']);
    const mwc = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'inj' },
      webhooks: [{ name: 'namespace.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }],
    };
    expect(run('injection.ImageAutoAnalyzer', [d, mwc, ns('shop', { 'istio-injection': 'enabled' })])).toEqual([]);
  });
  test('injection.ImageAnalyzer: proxies older than the injector image are IST0158', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { values: JSON.stringify({ global: { hub: 'docker.io/istio', tag: '1.30.3', proxy: { image: 'proxyv2' } } }) } };
    const p = (name: string, tag: string) => pod(name, 'shop', { app: name }, { containers: [{ name: 'istio-proxy', image: `docker.io/istio/proxyv2:${tag}` }] });
    const ds = run('injection.ImageAnalyzer', [cm, ns('shop', { 'istio-injection': 'enabled' }), p('old', '1.29.0'), p('new', '1.30.3')]);
    expect(ds.map((d) => `${d.code} ${d.origin}`)).toEqual(['IST0158 Namespace shop']);
    expect(ds[0].message).toContain('(pod names: [old])');
  });
  test('externalcontrolplane: an IP address webhook URL is IST0164, a hostname is fine', () => {
    const vwc = (url: string) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'istio-validator-external' }, webhooks: [{ name: 'rev.validation.istio.io', clientConfig: { url } }] });
    expect(codes(run('externalcontrolplane.ExternalControlPlaneAnalyzer', [vwc('https://10.0.0.1:15017/validate')]))).toEqual(['IST0164 ValidatingWebhookConfiguration istio-validator-external']);
    expect(run('externalcontrolplane.ExternalControlPlaneAnalyzer', [vwc('https://istiod.example.com:15017/validate')])).toEqual([]);
  });
  test('sidecar.SelectorAnalyzer: a Sidecar in an ambient namespace has no effect (IST0167)', () => {
    const sc = istio('Sidecar', 's', 'amb', {});
    expect(codes(run('sidecar.SelectorAnalyzer', [ns('amb', { 'istio.io/dataplane-mode': 'ambient' }), sc]))).toEqual(['IST0167 Sidecar amb/s']);
  });
});
