// Legal edge cases: inputs at the edge of what istiod and the API server accept. Each must
// synthesize (and pass the schema/CEL/metadata validation every test synthesis runs).
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { DestinationRule } from '../../src/networking/destination-rule';
import { Gateway } from '../../src/networking/gateway';
import { Server } from '../../src/networking/gateway-server';
import { FaultAbort } from '../../src/networking/route-fault';
import { HttpRoute } from '../../src/networking/route-http';
import { StringMatch } from '../../src/networking/route-string-match';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../../src/networking/service-entry';
import { Sidecar } from '../../src/networking/sidecar';
import { LoadBalancer } from '../../src/networking/traffic-policy-load-balancer';
import { VirtualService } from '../../src/networking/virtual-service';
import { MeshIngress } from '../../src/patterns/ingress';
import { IngressGateway } from '../../src/patterns/ingress-gateway';
import { IngressBackend, IngressPath } from '../../src/patterns/ingress-route';
import { MeshService } from '../../src/patterns/mesh-service';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { MtlsMode, PeerAuthentication } from '../../src/security/peer-authentication';
import { Principal } from '../../src/security/principal';

interface LegalCase { readonly construct: string; readonly what: string; readonly build: (c: Chart) => void }
const cases: LegalCase[] = [];
const ok = (construct: string, what: string, build: (c: Chart) => void) => cases.push({ construct, what, build });

const vsRoute = (c: Chart, r: Partial<HttpRoute>, hosts = ['reviews']) => new VirtualService(c, 'x', { hosts, http: [{ route: [{ host: 'reviews' }], ...r } as HttpRoute] });
for (const h of ['*.example.com', 'API.Example.com', '*foo.example.com', '*-foo.example.com', 'api.example.com.', `${'a'.repeat(63)}.com`, 'reviews.shop.svc.cluster.local']) {
  ok('VirtualService', `host ${h}`, (c) => vsRoute(c, {}, [h]));
}
for (const re of ['a(?i)b', '^/v[0-9]+$', '(?P<x>a)', '\\d+', 'x'.repeat(1024), '[[:alpha:]]+']) ok('VirtualService', `regex ${re.slice(0, 20)}`, (c) => vsRoute(c, { match: [{ uri: StringMatch.regex(re) }] }));
for (const m of ['PURGE', 'PROPFIND', 'GET']) ok('VirtualService', `method ${m}`, (c) => vsRoute(c, { match: [{ method: StringMatch.exact(m) }] }));
for (const code of [301, 302, 303, 307, 308]) ok('VirtualService', `redirect ${code}`, (c) => new VirtualService(c, 'x', { hosts: ['r'], http: [{ redirect: { uri: '/v2', redirectCode: code } }] }));
ok('VirtualService', 'timeout 1ms', (c) => vsRoute(c, { timeout: Duration.millis(1) }));
ok('VirtualService', 'timeout 24h', (c) => vsRoute(c, { timeout: Duration.hours(24) }));
ok('VirtualService', 'weights 0 and 100', (c) => vsRoute(c, { route: [{ host: 'reviews', subset: 'v1', weight: 0 }, { host: 'reviews', subset: 'v2', weight: 100 }] }));
ok('VirtualService', 'subset V2 (upper case)', (c) => vsRoute(c, { route: [{ host: 'reviews', subset: 'V2' }] }));
ok('VirtualService', 'mirror at 100%', (c) => vsRoute(c, { mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: 100 }));
ok('VirtualService', 'mirror at 0.0001%', (c) => vsRoute(c, { mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: 0.0001 }));
ok('VirtualService', 'abort at 0.0001%', (c) => vsRoute(c, { fault: { abort: FaultAbort.http(503, { percentage: 0.0001 }) } }));
ok('VirtualService', 'abort 200 and 599', (c) => new VirtualService(c, 'x', { hosts: ['r'], http: [{ route: [{ host: 'r' }], fault: { abort: FaultAbort.http(200) } }, { route: [{ host: 'r' }], fault: { abort: FaultAbort.http(599) } }] }));
ok('VirtualService', 'header value with an escaped %', (c) => vsRoute(c, { requestHeaders: { set: { 'x-pct': '50%%' } } }));
ok('VirtualService', 'header value that is empty', (c) => vsRoute(c, { requestHeaders: { set: { 'x-empty': '' } } }));
ok('VirtualService', 'header value with Envoy command operator', (c) => vsRoute(c, { requestHeaders: { set: { 'x-client': '%DOWNSTREAM_REMOTE_ADDRESS%' } } }));
ok('VirtualService', 'exportTo . and a namespace', (c) => new VirtualService(c, 'x', { hosts: ['r'], http: [{ route: [{ host: 'r' }] }], exportTo: ['.', 'istio-system'] }));
ok('VirtualService', 'destination port 65535', (c) => vsRoute(c, { route: [{ host: 'reviews', port: 65535 }] }));
ok('VirtualService', 'retries with 1 attempt', (c) => vsRoute(c, { retries: { attempts: 1 } }));
ok('VirtualService', 'name of 63 characters', (c) => new VirtualService(c, 'x', { metadata: { name: 'a'.repeat(63) }, hosts: ['r'], http: [{ route: [{ host: 'r' }] }] }));
ok('VirtualService', 'name of 253 characters with dots', (c) => new VirtualService(c, 'x', { metadata: { name: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(70)}` }, hosts: ['r'], http: [{ route: [{ host: 'r' }] }] }));

const dr = (c: Chart, p: object) => new DestinationRule(c, 'x', { host: 'reviews', ...p });
ok('DestinationRule', 'subset names V1 and canary-2', (c) => dr(c, { subsets: [{ name: 'V1', labels: { version: 'V1' } }, { name: 'canary-2', labels: { track: 'canary' } }] }));
ok('DestinationRule', 'label value of 63 characters', (c) => dr(c, { subsets: [{ name: 'v1', labels: { version: 'v'.repeat(63) } }] }));
ok('DestinationRule', 'label key with a prefix', (c) => dr(c, { subsets: [{ name: 'v1', labels: { 'app.kubernetes.io/version': 'v1' } }] }));
ok('DestinationRule', 'empty label value', (c) => dr(c, { subsets: [{ name: 'v1', labels: { canary: '' } }] }));
ok('DestinationRule', 'int32 maximum connections', (c) => dr(c, { trafficPolicy: { connectionPool: { tcp: { maxConnections: 2 ** 31 - 1 } } } }));
ok('DestinationRule', 'uint32 consecutive errors', (c) => dr(c, { trafficPolicy: { outlierDetection: { consecutiveGatewayErrors: 2 ** 32 - 1 } } }));
ok('DestinationRule', 'maxEjectionPercent 0 and 100', (c) => dr(c, { subsets: [{ name: 'a', labels: { v: 'a' }, trafficPolicy: { outlierDetection: { maxEjectionPercent: 0 } } }], trafficPolicy: { outlierDetection: { maxEjectionPercent: 100 } } }));
ok('DestinationRule', 'wildcard host', (c) => dr(c, { host: '*.example.com' }));
ok('DestinationRule', 'consistent hash by a header', (c) => dr(c, { trafficPolicy: { loadBalancer: LoadBalancer.consistentHashByHeader('x-user') } }));

const ap = (c: Chart, p: object) => new AuthorizationPolicy(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'reviews' }), ...p });
ok('AuthorizationPolicy', 'source.serviceAccount condition', (c) => ap(c, { rules: [{ when: [Condition.sourceServiceAccount(['shop/web'])] }] }));
ok('AuthorizationPolicy', 'namespace prefix wildcard', (c) => ap(c, { rules: [{ sources: [{ namespaces: ['team-*'] }] }] }));
ok('AuthorizationPolicy', 'path suffix wildcard', (c) => ap(c, { rules: [{ operations: [{ paths: ['*/info'] }] }] }));
ok('AuthorizationPolicy', 'path prefix wildcard', (c) => ap(c, { rules: [{ operations: [{ paths: ['/api/*'] }] }] }));
ok('AuthorizationPolicy', 'method PURGE', (c) => ap(c, { rules: [{ operations: [{ methods: ['PURGE'] }] }] }));
ok('AuthorizationPolicy', 'principal with a trust domain', (c) => ap(c, { rules: [{ sources: [{ principals: [Principal.of('example.org/ns/shop/sa/web')] }] }] }));
ok('AuthorizationPolicy', 'IPv6 CIDR', (c) => ap(c, { rules: [{ sources: [{ ipBlocks: ['2001:db8::/32'] }] }] }));
ok('AuthorizationPolicy', 'port 65535', (c) => ap(c, { rules: [{ operations: [{ ports: [65535] }] }] }));
ok('AuthorizationPolicy', 'JWT claim with nested path', (c) => ap(c, { rules: [{ when: [Condition.nestedJwtClaim(['realm_access', 'roles'], ['admin'])] }] }));

ok('ServiceEntry', 'upper-case port name', (c) => new ServiceEntry(c, 'x', { hosts: ['api.example.com'], location: ServiceEntryLocation.MESH_EXTERNAL, resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, protocol: Protocol.TLS, name: 'TLS-443' }] }));
ok('ServiceEntry', 'wildcard host with NONE resolution', (c) => new ServiceEntry(c, 'x', { hosts: ['*.example.com'], location: ServiceEntryLocation.MESH_EXTERNAL, resolution: ServiceEntryResolution.NONE, ports: [{ number: 443, protocol: Protocol.TLS }] }));
ok('ServiceEntry', 'DYNAMIC_DNS wildcard with HTTP and TLS ports', (c) => new ServiceEntry(c, 'x', { hosts: ['*.example.com'], location: ServiceEntryLocation.MESH_EXTERNAL, resolution: ServiceEntryResolution.DYNAMIC_DNS, ports: [{ number: 80, protocol: Protocol.HTTP }, { number: 443, protocol: Protocol.TLS }] }));
ok('AuthorizationPolicy', 'CUSTOM matching paths and source IP blocks', (c) => ap(c, { action: 'CUSTOM', provider: 'ext-authz', rules: [{ sources: [{ ipBlocks: ['10.0.0.0/8'] }], operations: [{ paths: ['/admin/*'] }] }] }));
ok('Sidecar', 'egress host ./reviews.<namespace>.svc.cluster.local', (c) => new Sidecar(c, 'x', { egress: [{ hosts: ['./reviews.default.svc.cluster.local'] }] }));
ok('Sidecar', 'egress host ~/*', (c) => new Sidecar(c, 'x', { egress: [{ hosts: ['~/*'] }] }));
ok('Sidecar', 'upper-case egress port name', (c) => new Sidecar(c, 'x', { egress: [{ hosts: ['./*'], port: { number: 8080, protocol: Protocol.HTTP, name: 'HTTP-Web' } }] }));
ok('Gateway', 'server host with a namespace', (c) => new Gateway(c, 'x', { servers: [Server.http({ hosts: ['shop/bookinfo.example.com'] })] }));
ok('Gateway', 'server host */*', (c) => new Gateway(c, 'x', { servers: [Server.http({ hosts: ['*/*'] })] }));
ok('PeerAuthentication', 'port-level PERMISSIVE on 65535', (c) => new PeerAuthentication(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), mode: MtlsMode.STRICT, portLevelMtls: [{ port: 65535, mode: MtlsMode.PERMISSIVE }] }));
ok('MeshService', 'version V2', (c) => new MeshService(c, 'x', { serviceName: 'reviews', port: 9080, versions: [{ version: 'V2', image: 'a:2' }] }));
ok('MeshService', 'service name of 63 characters', (c) => new MeshService(c, 'x', { serviceName: `s${'a'.repeat(62)}`, port: 9080, versions: [{ version: 'v1', image: 'a:1' }] }));
ok('MeshService', 'port 65535', (c) => new MeshService(c, 'x', { port: 65535, versions: [{ version: 'v1', image: 'a:1' }] }));
ok('MeshService', 'zero replicas', (c) => new MeshService(c, 'x', { port: 80, versions: [{ version: 'v1', image: 'a:1', replicas: 0 }] }));
ok('MeshIngress', 'Gateway API: /apikeys after /api', (c) => {
  new MeshIngress(c, 'x', {
    hosts: ['bookinfo.example.com'],
    credentialName: 'bookinfo-cert',
    gateway: IngressGateway.gatewayApi(),
    routes: [{ backend: IngressBackend.fromServiceName('api', 80), paths: [IngressPath.prefix('/api')] }, { backend: IngressBackend.fromServiceName('keys', 80), paths: [IngressPath.prefix('/apikeys')] }],
  });
});
ok('MeshIngress', 'wildcard host', (c) => new MeshIngress(c, 'x', { hosts: ['*.example.com'], credentialName: 'wildcard-cert', routes: [{ backend: IngressBackend.fromServiceName('web', 80) }] }));
ok('MeshIngress', 'plain HTTP', (c) => new MeshIngress(c, 'x', { hosts: ['web.example.com'], plainHttp: true, routes: [{ backend: IngressBackend.fromServiceName('web', 80) }] }));

// Raw Istio objects at the edge of istiod's admission rules (escape hatches, vendored YAML).
const raw = (apiVersion: string, kind: string, spec: object, metadata: object = {}) => (c: Chart) => {
  new VirtualService(c, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] }); // a library chart: analyzed at synth
  new ApiObject(c, 'x', { apiVersion, kind, metadata: { name: 'raw', ...metadata }, spec });
};
ok('AuthorizationPolicy (raw)', 'path templates {*} and {**}', raw('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ to: [{ operation: { paths: ['/api/{*}/items/{**}'] } }] }] }));
ok('AuthorizationPolicy (raw)', 'dry-run True on a DENY policy', raw('security.istio.io/v1', 'AuthorizationPolicy', { action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': 'True' } }));
ok('AuthorizationPolicy (raw)', 'trust domain with a leading wildcard', raw('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ from: [{ source: { trustDomains: ['*.example.com'] } }] }] }));
ok('AuthorizationPolicy (raw)', 'port 0 in notPorts', raw('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ to: [{ operation: { notPorts: ['0'] } }] }] }));
ok('Telemetry (raw)', 'access-log filter and tag override REMOVE', raw('telemetry.istio.io/v1', 'Telemetry', { accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }], metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ tagOverrides: { request_host: { operation: 'REMOVE' } } }] }] }));
ok('WasmPlugin (raw)', 'registry URL without a scheme', raw('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'ghcr.io/x/plugin:v1', sha256: 'a'.repeat(64) }));
ok('EnvoyFilter (raw)', 'v3 Lua filter before the router', raw('networking.istio.io/v1alpha3', 'EnvoyFilter', {
  configPatches: [{
    applyTo: 'HTTP_FILTER',
    match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } },
    patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', 'inlineCode': 'function envoy_on_request(h) end' } } },
  }],
}));

test('the catalogue holds at least 60 legal edge cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(60);
});

describe.each([...new Set(cases.map((c) => c.construct))])('%s', (construct) => {
  test.each(cases.filter((c) => c.construct === construct).map((c) => [c.what, c] as const))('accepts %s', (_what, c) => {
    const chart = Testing.chart();
    MeshAnalysis.suppress(chart, 'IST0101'); // fragments: referenced services live elsewhere
    c.build(chart);
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });
});
