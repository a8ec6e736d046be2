// The bad-input catalogue: plausible mistakes, grouped by construct. Each must be refused at
// synth with a message naming the construct path and the bad value (see bad-inputs.test.ts).
import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { GatewayApiHttpRoute } from '../../src/gateway-api/http-route';
import { GatewayApiPathMatch } from '../../src/gateway-api/http-route-match';
import { GatewayApiParentRef } from '../../src/gateway-api/parent-ref';
import { DestinationRule, DestinationRuleProps } from '../../src/networking/destination-rule';
import { Gateway } from '../../src/networking/gateway';
import { Server } from '../../src/networking/gateway-server';
import { FaultAbort } from '../../src/networking/route-fault';
import { HttpRoute } from '../../src/networking/route-http';
import { HttpRetryOn } from '../../src/networking/route-retry';
import { StringMatch } from '../../src/networking/route-string-match';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../../src/networking/service-entry';
import { Sidecar } from '../../src/networking/sidecar';
import { TrafficPolicy } from '../../src/networking/traffic-policy';
import { ClientTls } from '../../src/networking/traffic-policy-client-tls';
import { LoadBalancer } from '../../src/networking/traffic-policy-load-balancer';
import { VirtualService, VirtualServiceProps } from '../../src/networking/virtual-service';
import { CanaryService, CanaryServiceProps } from '../../src/patterns/canary-service';
import { EgressLockdown } from '../../src/patterns/egress-lockdown';
import { RequestMatch } from '../../src/patterns/fault-injection';
import { MeshIngress } from '../../src/patterns/ingress';
import { IngressGateway } from '../../src/patterns/ingress-gateway';
import { MeshIngressProps } from '../../src/patterns/ingress-props';
import { IngressBackend, IngressPath } from '../../src/patterns/ingress-route';
import { JwtProtectedApp, JwtProtectedAppProps } from '../../src/patterns/jwt-protected-app';
import { MeshService } from '../../src/patterns/mesh-service';
import { MeshServiceProps } from '../../src/patterns/mesh-service-props';
import { MtlsNamespace, MtlsNamespaceProps } from '../../src/patterns/mtls-namespace';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps } from '../../src/security/authorization-policy';
import { AuthorizationRule } from '../../src/security/authorization-rule';
import { SecurityPolicyTarget } from '../../src/security/authorization-target';
import { JwtRule } from '../../src/security/jwt-rule';
import { MtlsMode, PeerAuthentication } from '../../src/security/peer-authentication';
import { Principal } from '../../src/security/principal';
import { RequestAuthentication } from '../../src/security/request-authentication';
import { Telemetry } from '../../src/telemetry/telemetry';

/** One bad input: what the user wrote, and the value the message must show. */
export interface BadCase {
  readonly construct: string;
  readonly what: string;
  /** Builds the construct with id `x` in `chart` (the message must name `test/x`). */
  readonly build: (chart: Chart) => void;
  /** The bad value, as the message must print it (strings quoted, objects as JSON). */
  readonly value: unknown;
}

const cases: BadCase[] = [];
const add = (construct: string, what: string, value: unknown, build: (chart: Chart) => void) => cases.push({ construct, what, value, build });

// ------------------------------------------------------------------ VirtualService
const vs = (chart: Chart, p: Partial<VirtualServiceProps>) => new VirtualService(chart, 'x', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }], ...p });
const vsRoute = (chart: Chart, r: Partial<HttpRoute>) => vs(chart, { http: [{ route: [{ host: 'reviews' }], ...r } as HttpRoute] });
for (const h of ['my_svc', 'https://reviews.io', 'a..b', '-a.com', 'api.example.com:443', 'a*.example.com', `${'a'.repeat(64)}.com`, 'reviews/v1']) {
  add('VirtualService', `host ${h}`, h, (c) => vs(c, { hosts: [h] }));
}
add('VirtualService', 'duplicate host', 'reviews', (c) => vs(c, { hosts: ['reviews', 'reviews'] }));
for (const h of ['*', '*.example.com', 'my_svc', 'http://reviews']) add('VirtualService', `destination host ${h}`, h, (c) => vsRoute(c, { route: [{ host: h }] }));
for (const s of ['v_1', '-v', 'v.1', 'a'.repeat(64)]) add('VirtualService', `subset ${s}`, s, (c) => vsRoute(c, { route: [{ host: 'reviews', subset: s }] }));
for (const w of [-1, 101, 33.5]) add('VirtualService', `weight ${w}`, w, (c) => vsRoute(c, { route: [{ host: 'reviews', subset: 'v1', weight: w }, { host: 'reviews', subset: 'v2', weight: 10 }] }));
for (const p of [0, 65536, 1.5, -80]) add('VirtualService', `destination port ${p}`, p, (c) => vsRoute(c, { route: [{ host: 'reviews', port: p }] }));
add('VirtualService', 'timeout 0', '0ms', (c) => vsRoute(c, { timeout: Duration.millis(0) }));
add('VirtualService', 'timeout 0.5ms', '0.5ms', (c) => vsRoute(c, { timeout: Duration.millis(0.5) }));
add('VirtualService', 'timeout as a string (JavaScript)', '10s', (c) => vsRoute(c, { timeout: '10s' as unknown as Duration }));
for (const a of [-1, 1.5, 2 ** 31]) add('VirtualService', `retry attempts ${a}`, a, (c) => vsRoute(c, { retries: { attempts: a } }));
add('VirtualService', 'retry perTryTimeout 0', '0ms', (c) => vsRoute(c, { retries: { attempts: 3, perTryTimeout: Duration.millis(0) } }));
for (const code of [300, 304, 305, 306, 500]) add('VirtualService', `redirect code ${code}`, code, (c) => vs(c, { http: [{ redirect: { uri: '/v2', redirectCode: code } }] }));
for (const scheme of ['HTTPS', 'ftp']) add('VirtualService', `redirect scheme ${scheme}`, scheme, (c) => vs(c, { http: [{ redirect: { uri: '/v2', scheme } }] }));
for (const re of ['\\Z', '(?=x)', 'a{1001}', 'x'.repeat(1100), '(', '\\h', '[z-a]']) add('VirtualService', `uri regex ${re.slice(0, 20)}`, re, (c) => vsRoute(c, { match: [{ uri: StringMatch.regex(re) }] }));
for (const m of ['', 'GE T']) add('VirtualService', `method ${JSON.stringify(m)}`, m, (c) => vsRoute(c, { match: [{ method: StringMatch.exact(m) }] }));
for (const h of ['X-Upper', 'a b', 'x(y)', '']) add('VirtualService', `match header name ${h}`, h, (c) => vsRoute(c, { match: [{ headers: { [h]: StringMatch.exact('v') } }] }));
for (const h of ['Host', ':path', 'a b']) add('VirtualService', `set header ${h}`, h, (c) => vsRoute(c, { requestHeaders: { set: { [h]: 'v' } } }));
for (const v of ['%', '50%', 'a\nb', 'a\rb', 'a\u0000b']) add('VirtualService', `header value ${JSON.stringify(v)}`, v, (c) => vsRoute(c, { responseHeaders: { set: { 'x-a': v } } }));
for (const p of [-1, 101, 0.00001]) add('VirtualService', `mirror percentage ${p}`, p, (c) => vsRoute(c, { mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: p }));
add('VirtualService', 'mirror percentage without mirror', 50, (c) => vsRoute(c, { mirrorPercentage: 50 }));
for (const s of [0, 99, 600]) add('VirtualService', `abort status ${s}`, s, (c) => vsRoute(c, { fault: { abort: FaultAbort.http(s) } }));
for (const p of [-1, 101, 0.00001]) add('VirtualService', `abort percentage ${p}`, p, (c) => vsRoute(c, { fault: { abort: FaultAbort.http(503, { percentage: p }) } }));
add('VirtualService', 'delay 0', '0ms', (c) => vsRoute(c, { fault: { delay: { fixedDelay: Duration.millis(0) } } }));
for (const e of ['Bad_NS', '']) add('VirtualService', `exportTo ${JSON.stringify(e)}`, e, (c) => vs(c, { exportTo: [e] }));
add('VirtualService', 'exportTo twice', '.', (c) => vs(c, { exportTo: ['.', '.'] }));
add('VirtualService', 'route without destinations', [], (c) => vsRoute(c, { route: [] }));
add('VirtualService', 'no routes at all', [], (c) => vs(c, { http: [] }));
add('VirtualService', 'two destinations, total weight 0', 0, (c) => vsRoute(c, { route: [{ host: 'reviews', subset: 'v1', weight: 0 }, { host: 'reviews', subset: 'v2', weight: 0 }] }));
for (const port of [0, 70000]) add('VirtualService', `match port ${port}`, port, (c) => vsRoute(c, { match: [{ port }] }));
add('VirtualService', 'metadata name with a dot is fine, upper case is not', 'Reviews', (c) => new VirtualService(c, 'x', { metadata: { name: 'Reviews' }, hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] }));
add('VirtualService', 'metadata namespace Default', 'Default', (c) => new VirtualService(c, 'x', { metadata: { namespace: 'Default' }, hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] }));

// ------------------------------------------------------------------ DestinationRule
const dr = (chart: Chart, p: Partial<DestinationRuleProps>) => new DestinationRule(chart, 'x', { host: 'reviews', ...p });
const drPolicy = (chart: Chart, trafficPolicy: TrafficPolicy) => dr(chart, { trafficPolicy });
for (const h of ['', 'my_svc', 'https://x', 'a..b', 'reviews:9080']) add('DestinationRule', `host ${JSON.stringify(h)}`, h, (c) => dr(c, { host: h }));
for (const n of ['', 'v_1', 'bad name', '-v1', 'a'.repeat(64)]) add('DestinationRule', `subset name ${JSON.stringify(n)}`, n, (c) => dr(c, { subsets: [{ name: n, labels: { version: 'v1' } }] }));
add('DestinationRule', 'duplicate subset', 'v1', (c) => dr(c, { subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }));
for (const [k, v] of [['bad key!', 'v1'], ['version', 'bad value'], ['version', '*']]) add('DestinationRule', `subset label ${k}=${v}`, k === 'version' ? v : k, (c) => dr(c, { subsets: [{ name: 'v1', labels: { [k]: v } }] }));
add('DestinationRule', 'consistent hash by an empty header', '', (c) => drPolicy(c, { loadBalancer: LoadBalancer.consistentHashByHeader('') }));
add('DestinationRule', 'consistent hash cookie without name', '', (c) => drPolicy(c, { loadBalancer: LoadBalancer.consistentHashByCookie({ name: '' }) }));
for (const p of [-1, 101]) add('DestinationRule', `maxEjectionPercent ${p}`, p, (c) => drPolicy(c, { outlierDetection: { maxEjectionPercent: p } }));
for (const n of [-1, 2 ** 31, 1.5]) {
  add('DestinationRule', `maxConnections ${n}`, n, (c) => drPolicy(c, { connectionPool: { tcp: { maxConnections: n } } }));
  add('DestinationRule', `http2MaxRequests ${n}`, n, (c) => drPolicy(c, { connectionPool: { http: { http2MaxRequests: n } } }));
  const u = n === 2 ** 31 ? 2 ** 32 : n; // a uint32 field
  add('DestinationRule', `consecutiveGatewayErrors ${u}`, u, (c) => drPolicy(c, { outlierDetection: { consecutiveGatewayErrors: u } }));
}
add('DestinationRule', 'connectTimeout 0', '0ms', (c) => drPolicy(c, { connectionPool: { tcp: { connectTimeout: Duration.millis(0) } } }));
add('DestinationRule', 'outlier interval 0', '0ms', (c) => drPolicy(c, { outlierDetection: { interval: Duration.millis(0) } }));
add('DestinationRule', 'baseEjectionTime 0.5ms', '0.5ms', (c) => drPolicy(c, { outlierDetection: { baseEjectionTime: Duration.millis(0.5) } }));
add('DestinationRule', 'TLS SNI with a space', 'bad host', (c) => drPolicy(c, { tls: ClientTls.simple({ sni: 'bad host' }) }));
add('DestinationRule', 'TLS credentialName with _', 'Bad_Name', (c) => drPolicy(c, { tls: ClientTls.simple({ credentialName: 'Bad_Name' }) }));
for (const e of ['Bad_NS', '']) add('DestinationRule', `exportTo ${JSON.stringify(e)}`, e, (c) => dr(c, { exportTo: [e] }));
add('DestinationRule', 'workload selector with a wildcard', 'a*', (c) => dr(c, { workloadSelector: WorkloadSelector.fromLabels({ app: 'a*' }) }));
add('DestinationRule', 'port-level setting on port 0', 0, (c) => drPolicy(c, { portLevelSettings: [{ port: 0, loadBalancer: LoadBalancer.consistentHashBySourceIp() }] }));

// ------------------------------------------------------------------ AuthorizationPolicy
const ap = (chart: Chart, p: Partial<AuthorizationPolicyProps>) => new AuthorizationPolicy(chart, 'x', { selector: WorkloadSelector.fromLabels({ app: 'reviews' }), ...p });
const apRule = (chart: Chart, rule: AuthorizationRule) => ap(chart, { rules: [rule] });
add('AuthorizationPolicy', 'spiffe:// principal', 'spiffe://cluster.local/ns/shop/sa/web', (c) => apRule(c, { sources: [{ principals: [Principal.of('spiffe://cluster.local/ns/shop/sa/web')] }] }));
add('AuthorizationPolicy', 'empty principal', '', (c) => apRule(c, { sources: [{ principals: [Principal.of('')] }] }));
add('AuthorizationPolicy', 'service account in a bad namespace', 'Bad_NS', (c) => apRule(c, { sources: [{ principals: [Principal.serviceAccount('Bad_NS', 'web')] }] }));
for (const ns of ['Bad NS', '']) add('AuthorizationPolicy', `source namespace ${JSON.stringify(ns)}`, ns, (c) => apRule(c, { sources: [{ namespaces: [ns] }] }));
for (const ip of ['10.0.0.0/33', 'not-an-ip', '300.1.1.1']) add('AuthorizationPolicy', `ipBlock ${ip}`, ip, (c) => apRule(c, { sources: [{ ipBlocks: [ip] }] }));
for (const p of ['/search?q=1', '/a#frag', '']) add('AuthorizationPolicy', `path ${JSON.stringify(p)}`, p, (c) => apRule(c, { operations: [{ paths: [p] }] }));
add('AuthorizationPolicy', 'empty method', '', (c) => apRule(c, { operations: [{ methods: [''] }] }));
for (const port of [0, 70000]) add('AuthorizationPolicy', `port ${port}`, port, (c) => apRule(c, { operations: [{ ports: [port] }] }));
add('AuthorizationPolicy', 'empty host', '', (c) => apRule(c, { operations: [{ hosts: [''] }] }));
add('AuthorizationPolicy', 'condition header with a space', 'request.headers[bad header]', (c) => apRule(c, { when: [Condition.requestHeader('bad header', ['x'])] }));
add('AuthorizationPolicy', 'source IP condition not a CIDR', '300.0.0.0/8', (c) => apRule(c, { when: [Condition.sourceIp(['300.0.0.0/8'])] }));
add('AuthorizationPolicy', 'unknown condition key', 'source.user', (c) => apRule(c, { when: [Condition.of('source.user', { values: ['x'] })] }));
add('AuthorizationPolicy', 'CUSTOM without a provider', undefined, (c) => ap(c, { action: AuthorizationAction.CUSTOM, rules: [{ operations: [{ paths: ['/admin'] }] }] }));
add('AuthorizationPolicy', 'provider with ALLOW', 'ext-authz', (c) => ap(c, { action: AuthorizationAction.ALLOW, provider: 'ext-authz' }));
add('AuthorizationPolicy', 'selector with an empty label key', '', (c) => ap(c, { selector: WorkloadSelector.fromLabels({ '': 'x' }) }));
add('AuthorizationPolicy', 'source without any field', {}, (c) => apRule(c, { sources: [{}] }));
add('AuthorizationPolicy', 'operation without any field', {}, (c) => apRule(c, { operations: [{}] }));

// ------------------------------------------------------------------ PeerAuthentication, RequestAuthentication
for (const port of [0, 70000]) {
  add('PeerAuthentication', `port-level mTLS on port ${port}`, port, (c) => new PeerAuthentication(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), portLevelMtls: [{ port, mode: MtlsMode.PERMISSIVE }] }));
}
add('PeerAuthentication', 'port-level mTLS without a selector', 8080, (c) => new PeerAuthentication(c, 'x', { portLevelMtls: [{ port: 8080, mode: MtlsMode.PERMISSIVE }] }));
add('PeerAuthentication', 'the same port twice', 8080, (c) => new PeerAuthentication(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), portLevelMtls: [{ port: 8080, mode: MtlsMode.PERMISSIVE }, { port: 8080, mode: MtlsMode.STRICT }] }));
const ra = (chart: Chart, rule: Partial<JwtRule>) => new RequestAuthentication(chart, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks', ...rule } as JwtRule] });
add('RequestAuthentication', 'empty issuer', '', (c) => ra(c, { issuer: '' }));
for (const u of ['not-a-url', 'ftp://issuer.example.com/jwks']) add('RequestAuthentication', `jwksUri ${u}`, u, (c) => ra(c, { jwksUri: u }));
for (const j of ['{"keys":[{}]}', 'not json', '{}']) add('RequestAuthentication', `jwks ${j}`, j, (c) => ra(c, { jwksUri: undefined, jwks: j }));
add('RequestAuthentication', 'empty token header name', '', (c) => ra(c, { fromHeaders: [{ name: '' }] }));
add('RequestAuthentication', 'output payload header with a space', 'x payload', (c) => ra(c, { outputPayloadToHeader: 'x payload' }));
add('RequestAuthentication', 'empty audience', '', (c) => ra(c, { audiences: [''] }));

// ------------------------------------------------------------------ Gateway, ServiceEntry, Sidecar, Telemetry
const gw = (chart: Chart, server: Server, name?: string) => new Gateway(chart, 'x', { metadata: name ? { name } : undefined, selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }), servers: [server] });
for (const h of ['my_host.example.com', 'https://x.io']) add('Gateway', `server host ${h}`, h, (c) => gw(c, Server.http({ hosts: [h] })));
add('Gateway', 'server host ns/a..b', 'a..b', (c) => gw(c, Server.http({ hosts: ['ns/a..b'] })));
for (const port of [0, 70000]) add('Gateway', `server port ${port}`, port, (c) => gw(c, Server.http({ hosts: ['*'], port })));
add('Gateway', 'name with a dot', 'my.gw', (c) => gw(c, Server.http({ hosts: ['*'] }), 'my.gw'));
add('Gateway', 'selector with a wildcard', '*', (c) => new Gateway(c, 'x', { selector: WorkloadSelector.fromLabels({ istio: '*' }), servers: [Server.http({ hosts: ['*'] })] }));
add('Gateway', 'HTTPS credential with _', 'Bad_Cert', (c) => gw(c, Server.https({ hosts: ['*'], credentialName: 'Bad_Cert' })));
const se = (chart: Chart, p: any) => new ServiceEntry(chart, 'x', { hosts: ['api.example.com'], location: ServiceEntryLocation.MESH_EXTERNAL, resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, protocol: Protocol.TLS }], ...p });
for (const h of ['my_svc.example.com', '', 'https://api.example.com']) add('ServiceEntry', `host ${JSON.stringify(h)}`, h, (c) => se(c, { hosts: [h] }));
for (const n of [0, 70000]) add('ServiceEntry', `port ${n}`, n, (c) => se(c, { ports: [{ number: n, protocol: Protocol.TLS }] }));
add('ServiceEntry', 'target port 0', 0, (c) => se(c, { ports: [{ number: 443, protocol: Protocol.TLS, targetPort: 0 }] }));
add('ServiceEntry', 'port name with _', 'tls_443', (c) => se(c, { ports: [{ number: 443, protocol: Protocol.TLS, name: 'tls_443' }] }));
add('ServiceEntry', 'the same port twice', 443, (c) => se(c, { ports: [{ number: 443, protocol: Protocol.TLS }, { number: 443, protocol: Protocol.HTTPS }] }));
add('ServiceEntry', 'endpoint address that is not an address', 'not an ip', (c) => se(c, { resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'not an ip' }] }));
add('ServiceEntry', 'exportTo with _', 'Bad_NS', (c) => se(c, { exportTo: ['Bad_NS'] }));
const sc = (chart: Chart, p: any) => new Sidecar(chart, 'x', p);
add('Sidecar', 'egress host without namespace', 'reviews', (c) => sc(c, { egress: [{ hosts: ['reviews'] }] }));
add('Sidecar', 'egress host in a bad namespace', 'Bad_NS/*', (c) => sc(c, { egress: [{ hosts: ['Bad_NS/*'] }] }));
add('Sidecar', 'ingress bind that is not an IP', 'localhost', (c) => sc(c, { ingress: [{ port: { number: 80 }, bind: 'localhost' }] }));
add('Sidecar', 'egress port 70000', 70000, (c) => sc(c, { egress: [{ hosts: ['./*'], port: { number: 70000, protocol: Protocol.HTTP, name: 'http' } }] }));
add('Sidecar', 'port name with _', 'http_web', (c) => sc(c, { egress: [{ hosts: ['./*'], port: { number: 8080, protocol: Protocol.HTTP, name: 'http_web' } }] }));
add('Telemetry', 'access-log filter that is not CEL', 'response.code >=', (c) => new Telemetry(c, 'x', { accessLogging: [{ filter: 'response.code >=' }] }));
add('Telemetry', 'tracing sampling above 100', 101, (c) => new Telemetry(c, 'x', { tracing: [{ randomSamplingPercentage: 101 }] }));
add('Telemetry', 'tracing sampling below 0', -1, (c) => new Telemetry(c, 'x', { tracing: [{ randomSamplingPercentage: -1 }] }));

// ------------------------------------------------------------------ MeshService, CanaryService
const ms = (chart: Chart, p: Partial<MeshServiceProps>) => new MeshService(chart, 'x', { port: 9080, versions: [{ version: 'v1', image: 'example/reviews:1' }], ...p } as MeshServiceProps);
for (const n of ['Reviews', '9lives', 'rev_iews', 'a'.repeat(64)]) add('MeshService', `service name ${n}`, n, (c) => ms(c, { serviceName: n }));
for (const p of [0, 70000, 1.5]) add('MeshService', `port ${p}`, p, (c) => ms(c, { port: p }));
for (const v of ['', 'v_1', 'bad version', '-v']) add('MeshService', `version ${JSON.stringify(v)}`, v, (c) => ms(c, { versions: [{ version: v, image: 'example/reviews:1' }] }));
for (const i of ['', 'has space:1']) add('MeshService', `image ${JSON.stringify(i)}`, i, (c) => ms(c, { versions: [{ version: 'v1', image: i }] }));
for (const r of [-1, 1.5]) add('MeshService', `replicas ${r}`, r, (c) => ms(c, { versions: [{ version: 'v1', image: 'example/reviews:1', replicas: r }] }));
add('MeshService', 'the same version twice', 'v1', (c) => ms(c, { versions: [{ version: 'v1', image: 'a:1' }, { version: 'v1', image: 'a:2' }] }));
add('MeshService', 'versions that differ only in case', 'V1', (c) => ms(c, { versions: [{ version: 'v1', image: 'a:1' }, { version: 'V1', image: 'a:2' }] }));
add('MeshService', 'allowFromNamespace with _', 'Team_A', (c) => ms(c, {}).allowFromNamespace('Team_A'));
add('MeshService', 'service account name with _', 'Bad_SA', (c) => ms(c, { versions: [{ version: 'v1', image: 'a:1', serviceAccountName: 'Bad_SA' }] }));
add('MeshService', 'namespace Default', 'Default', (c) => ms(c, { namespace: 'Default' }));
const canary = (chart: Chart, p: Partial<CanaryServiceProps>) => new CanaryService(chart, 'x', { port: 9080, stable: { version: 'v1', image: 'a:1' }, canary: { version: 'v2', image: 'a:2' }, ...p });
for (const w of [-1, 101, 12.5]) add('CanaryService', `canary weight ${w}`, w, (c) => canary(c, { canaryWeight: w }));
for (const m of [-5, 150]) add('CanaryService', `mirror percentage ${m}`, m, (c) => canary(c, { mirrorPercentage: m }));
add('CanaryService', 'canary and stable the same version', 'v1', (c) => canary(c, { canary: { version: 'v1', image: 'a:2' } }));
add('CanaryService', 'port 0', 0, (c) => canary(c, { port: 0 }));
add('CanaryService', 'service name starting with a digit', '9lives', (c) => canary(c, { serviceName: '9lives' }));

// ------------------------------------------------------------------ MtlsNamespace, JwtProtectedApp, EgressLockdown
const mtls = (chart: Chart, p: Partial<MtlsNamespaceProps>) => new MtlsNamespace(chart, 'x', { namespaceName: 'shop', ...p });
for (const n of ['Default', 'shop_1', 'a'.repeat(64)]) add('MtlsNamespace', `namespace ${n}`, n, (c) => mtls(c, { namespaceName: n }));
add('MtlsNamespace', 'revision with _', 'Bad_Rev', (c) => mtls(c, { revision: 'Bad_Rev' }));
add('MtlsNamespace', 'waypoint with upper case', 'Waypoint', (c) => mtls(c, { waypoint: 'Waypoint' }));
add('MtlsNamespace', 'namespace label key with a space', 'bad key', (c) => mtls(c, { namespaceLabels: { 'bad key': 'x' } }));
const jwt = (chart: Chart, p: Partial<JwtProtectedAppProps>) => new JwtProtectedApp(chart, 'x', { selector: WorkloadSelector.fromLabels({ app: 'web' }), issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks', ...p });
add('JwtProtectedApp', 'empty issuer', '', (c) => jwt(c, { issuer: '' }));
for (const p of ['no-slash', '/a?b']) add('JwtProtectedApp', `exempt path ${p}`, p, (c) => jwt(c, { exemptPaths: [p] }));
add('JwtProtectedApp', 'required claim without a name', '', (c) => jwt(c, { requiredClaims: { '': ['x'] } }));
add('JwtProtectedApp', 'namespace with upper case', 'Web', (c) => jwt(c, { namespace: 'Web' }));
add('JwtProtectedApp', 'empty audience', '', (c) => jwt(c, { audiences: [''] }));
add('JwtProtectedApp', 'jwksUri that is not a URL', 'issuer/jwks', (c) => jwt(c, { jwksUri: 'issuer/jwks' }));
const egress = (chart: Chart, p: any) => new EgressLockdown(chart, 'x', { namespace: 'shop', allow: [{ host: 'api.example.com' }], ...p });
for (const h of ['my_api.example.com', 'https://api.example.com/v1', '']) add('EgressLockdown', `host ${JSON.stringify(h)}`, h, (c) => egress(c, { allow: [{ host: h }] }));
add('EgressLockdown', 'wildcard host on an HTTPS port (DYNAMIC_DNS)', 'HTTPS', (c) => egress(c, { allow: [{ host: '*.example.com', ports: [{ number: 443, protocol: Protocol.HTTPS }] }] }));
add('EgressLockdown', 'namespace Shop', 'Shop', (c) => egress(c, { namespace: 'Shop' }));
add('EgressLockdown', 'port 0', 0, (c) => egress(c, { allow: [{ host: 'api.example.com', ports: [{ number: 0, protocol: Protocol.TLS }] }] }));

// ------------------------------------------------------------------ MeshIngress, Gateway API HTTPRoute
const ingress = (chart: Chart, p: Partial<MeshIngressProps>) => new MeshIngress(chart, 'x', {
  hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-cert', routes: [{ backend: IngressBackend.fromServiceName('productpage', 9080) }], ...p,
});
for (const h of ['my_host.example.com', 'https://x.io', 'Bookinfo.example.com']) add('MeshIngress', `host ${h}`, h, (c) => ingress(c, { hosts: [h] }));
add('MeshIngress', 'no hosts', [], (c) => ingress(c, { hosts: [] }));
add('MeshIngress', 'certificate name with _', 'Bad_Cert', (c) => ingress(c, { credentialName: 'Bad_Cert' }));
add('MeshIngress', 'name with a dot', 'my.gw', (c) => ingress(c, { name: 'my.gw' }));
add('MeshIngress', 'namespace Default', 'Default', (c) => ingress(c, { namespace: 'Default' }));
for (const b of ['9lives', 'Bad_Name']) add('MeshIngress', `backend ${b}`, b, (c) => ingress(c, { routes: [{ backend: IngressBackend.fromServiceName(b, 9080) }] }));
add('MeshIngress', 'backend port 0', 0, (c) => ingress(c, { routes: [{ backend: IngressBackend.fromServiceName('productpage', 0) }] }));
add('MeshIngress', 'exact path without slash', 'productpage', (c) => ingress(c, { routes: [{ backend: IngressBackend.fromServiceName('productpage', 9080), paths: [IngressPath.exact('productpage')] }] }));
add('MeshIngress', 'path regex that is not RE2', '(?=x)', (c) => ingress(c, { routes: [{ backend: IngressBackend.fromServiceName('productpage', 9080), paths: [IngressPath.regex('(?=x)')] }] }));
add('MeshIngress', 'rewrite without paths', '/v2', (c) => ingress(c, { routes: [{ backend: IngressBackend.fromServiceName('productpage', 9080), rewritePath: '/v2' }] }));
add('MeshIngress', 'path shadowed by a catch-all', '/api', (c) => ingress(c, {
  routes: [{ backend: IngressBackend.fromServiceName('productpage', 9080) }, { backend: IngressBackend.fromServiceName('reviews', 9080), paths: [IngressPath.prefix('/api')] }],
}));
add('MeshIngress', 'gateway class with _', 'Bad_Class', (c) => ingress(c, { gateway: IngressGateway.gatewayApi({ gatewayClassName: 'Bad_Class' }) }));
add('MeshIngress', 'plain HTTP with a certificate', true, (c) => ingress(c, { plainHttp: true }));
add('MeshIngress', 'HTTPS without a certificate', undefined, (c) => ingress(c, { credentialName: undefined }));
const route = (chart: Chart, p: any) => new GatewayApiHttpRoute(chart, 'x', {
  parentRefs: [GatewayApiParentRef.fromGatewayName('bookinfo-gateway')], hostnames: ['bookinfo.example.com'], rules: [{ backendRefs: [{ name: 'productpage', port: 9080 }] }], ...p,
});
for (const h of ['Bad_Host.example.com', 'https://x.io', 'bookinfo.example.com:443']) add('HTTPRoute', `hostname ${h}`, h, (c) => route(c, { hostnames: [h] }));
add('HTTPRoute', 'path regex that is not RE2', '\\Z', (c) => route(c, { rules: [{ matches: [{ path: GatewayApiPathMatch.regularExpression('\\Z') }], backendRefs: [{ name: 'productpage', port: 9080 }] }] }));
add('HTTPRoute', 'backend weight -1', -1, (c) => route(c, { rules: [{ backendRefs: [{ name: 'productpage', port: 9080, weight: -1 }] }] }));
add('HTTPRoute', 'backend port 0', 0, (c) => route(c, { rules: [{ backendRefs: [{ name: 'productpage', port: 0 }] }] }));
add('HTTPRoute', 'backend name with _', 'product_page', (c) => route(c, { rules: [{ backendRefs: [{ name: 'product_page', port: 9080 }] }] }));
add('HTTPRoute', 'exact path without slash', 'x', (c) => route(c, { rules: [{ matches: [{ path: GatewayApiPathMatch.exact('x') }], backendRefs: [{ name: 'productpage', port: 9080 }] }] }));

// ------------------------------------------------------------------ escape hatches (schema, CEL, metadata at synth: IST0106)
const patched = (kind: string, build: (c: Chart) => { apiObject: { addJsonPatch(p: JsonPatch): void } }) =>
  (what: string, patch: JsonPatch, value: unknown) => add(`${kind} (escape hatch)`, what, value, (c) => build(c).apiObject.addJsonPatch(patch));
const vsPatch = patched('VirtualService', (c) => vs(c, {}));
vsPatch('timeout not a duration', JsonPatch.add('/spec/http/0/timeout', '10 seconds'), '10 seconds');
vsPatch('timeout below 1ms', JsonPatch.add('/spec/http/0/timeout', '0.5ms'), '0.5ms');
vsPatch('weight as a string', JsonPatch.add('/spec/http/0/route/0/weight', '90'), '90');
vsPatch('port number above 65535', JsonPatch.add('/spec/http/0/route/0/destination/port', { number: 70000 }), 70000);
vsPatch('a label with a space', JsonPatch.add('/metadata/labels', { 'bad key': 'x' }), 'bad key');
vsPatch('an annotation key with two slashes', JsonPatch.add('/metadata/annotations', { 'a/b/c': 'x' }), 'a/b/c');
vsPatch('a label value of 64 characters', JsonPatch.add('/metadata/labels', { app: 'a'.repeat(64) }), 'a'.repeat(64));
const drPatch = patched('DestinationRule', (c) => dr(c, {}));
drPatch('load balancer not in the enum', JsonPatch.add('/spec/trafficPolicy', { loadBalancer: { simple: 'FASTEST' } }), 'FASTEST');
drPatch('outlier interval below 1ms', JsonPatch.add('/spec/trafficPolicy', { outlierDetection: { interval: '0s' } }), '0s');
drPatch('subset label with a wildcard', JsonPatch.add('/spec/workloadSelector', { matchLabels: { app: 'rev*' } }), 'rev*');
drPatch('maxEjectionPercent above 100', JsonPatch.add('/spec/trafficPolicy', { outlierDetection: { maxEjectionPercent: 150 } }), 150);
const apPatch = patched('AuthorizationPolicy', (c) => ap(c, { rules: [{ operations: [{ paths: ['/a'] }] }] }));
apPatch('action not in the enum', JsonPatch.add('/spec/action', 'PERMIT'), 'PERMIT');
apPatch('a rule port as text', JsonPatch.add('/spec/rules/0/to/0/operation/ports', ['http']), 'http');
const paPatch = patched('PeerAuthentication', (c) => new PeerAuthentication(c, 'x', { mode: MtlsMode.STRICT }));
paPatch('mode not in the enum', JsonPatch.add('/spec/mtls/mode', 'SOMETIMES'), 'SOMETIMES');
const msPatch = patched('MeshService (Deployment)', (c) => {
  const s = ms(c, {});
  return { apiObject: { addJsonPatch: (p: JsonPatch) => (s.deployment('v1') as any).apiObject.addJsonPatch(p) } };
});
msPatch('replicas above int32', JsonPatch.replace('/spec/replicas', 2 ** 31), 2 ** 31);
msPatch('replicas as a string', JsonPatch.replace('/spec/replicas', 'three'), 'three');
msPatch('container ports as a string', JsonPatch.replace('/spec/template/spec/containers/0/ports', 'http'), 'http');

vsPatch('hosts as a string', JsonPatch.replace('/spec/hosts', 'reviews'), 'reviews');
vsPatch('exportTo as a number', JsonPatch.add('/spec/exportTo', 5), 5);
vsPatch('retry attempts as text', JsonPatch.add('/spec/http/0/retries', { attempts: '3' }), '3');
vsPatch('abort status as text', JsonPatch.add('/spec/http/0/fault', { abort: { httpStatus: '503' } }), '503');
vsPatch('mirror percentage as text', JsonPatch.add('/spec/http/0/mirrorPercentage', { value: 'half' }), 'half');
vsPatch('a label value with a space', JsonPatch.add('/metadata/labels', { app: 'a b' }), 'a b');
drPatch('TLS mode not in the enum', JsonPatch.add('/spec/trafficPolicy', { tls: { mode: 'MUTUALLY' } }), 'MUTUALLY');
drPatch('maxConnections as text', JsonPatch.add('/spec/trafficPolicy', { connectionPool: { tcp: { maxConnections: 'many' } } }), 'many');
drPatch('a subset name as a number', JsonPatch.add('/spec/subsets', [{ name: 5 }]), 5);
apPatch('action in lower case', JsonPatch.add('/spec/action', 'allow'), 'allow');
apPatch('principals as a string', JsonPatch.add('/spec/rules/0/from', [{ source: { principals: 'x' } }]), 'x');
const gwPatch = patched('Gateway', (c) => gw(c, Server.http({ hosts: ['*'] })));
gwPatch('server TLS mode not in the enum', JsonPatch.add('/spec/servers/0/tls', { mode: 'STRICT' }), 'STRICT');
gwPatch('server port number as text', JsonPatch.replace('/spec/servers/0/port/number', '80'), '80');
paPatch('mode in lower case', JsonPatch.add('/spec/mtls/mode', 'strict'), 'strict');
const raPatch = patched('RequestAuthentication', (c) => ra(c, {}));
raPatch('issuer as a number', JsonPatch.replace('/spec/jwtRules/0/issuer', 5), 5);
const scPatch = patched('Sidecar', (c) => sc(c, { egress: [{ hosts: ['./*'] }] }));
scPatch('outbound mode not in the enum', JsonPatch.add('/spec/outboundTrafficPolicy', { mode: 'DENY' }), 'DENY');
const sePatch = patched('ServiceEntry', (c) => se(c, {}));
sePatch('resolution not in the enum', JsonPatch.replace('/spec/resolution', 'STATICS'), 'STATICS');
sePatch('location not in the enum', JsonPatch.replace('/spec/location', 'OUTSIDE'), 'OUTSIDE');
const telPatch = patched('Telemetry', (c) => new Telemetry(c, 'x', { tracing: [{ randomSamplingPercentage: 10 }] }));
telPatch('sampling percentage as text', JsonPatch.replace('/spec/tracing/0/randomSamplingPercentage', 'ten'), 'ten');

// more typed input
for (const h of ['reviews:9080', ' reviews', 'reviews ']) add('VirtualService', `host ${JSON.stringify(h)}`, h, (c) => vs(c, { hosts: [h] }));
for (const h of [' reviews', 'a b']) add('DestinationRule', `host ${JSON.stringify(h)}`, h, (c) => dr(c, { host: h }));
add('DestinationRule', 'subset label key with two slashes', 'a/b/c', (c) => dr(c, { subsets: [{ name: 'v1', labels: { 'a/b/c': 'x' } }] }));
add('DestinationRule', 'subset label value of 64 characters', 'v'.repeat(64), (c) => dr(c, { subsets: [{ name: 'v1', labels: { version: 'v'.repeat(64) } }] }));
add('CanaryService', 'canary for an empty user', '', (c) => canary(c, { canaryFor: [RequestMatch.user('')] }));
add('PeerAuthentication', 'selector with a wildcard', '*', (c) => new PeerAuthentication(c, 'x', { selector: WorkloadSelector.fromLabels({ app: '*' }), mode: MtlsMode.STRICT }));
add('RequestAuthentication', 'jwksUri over plain HTTP', 'http://issuer.example.com/jwks', (c) => ra(c, { jwksUri: 'http://issuer.example.com/jwks' }));
add('RequestAuthentication', 'empty token query parameter', '', (c) => ra(c, { fromParams: [''] }));
add('RequestAuthentication', 'empty token cookie', '', (c) => ra(c, { fromCookies: [''] }));
add('Sidecar', 'egress host with _', 'my_svc.example.com', (c) => sc(c, { egress: [{ hosts: ['*/my_svc.example.com'] }] }));
add('Gateway', 'empty server host', '', (c) => gw(c, Server.http({ hosts: [''] })));
add('VirtualService', 'header value %%%', '%%%', (c) => vsRoute(c, { requestHeaders: { add: { 'x-a': '%%%' } } }));
add('DestinationRule', 'host *.', '*.', (c) => dr(c, { host: '*.' }));
add('ServiceEntry', 'host with a port', 'api.example.com:443', (c) => se(c, { hosts: ['api.example.com:443'] }));

add('AuthorizationPolicy', 'CUSTOM matching principals', ['cluster.local/ns/a/sa/b'], (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ sources: [{ principals: [Principal.of('cluster.local/ns/a/sa/b')] }] }] }));
add('AuthorizationPolicy', 'CUSTOM matching namespaces', ['shop'], (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ sources: [{ namespaces: ['shop'] }] }] }));
add('AuthorizationPolicy (escape hatch)', 'CUSTOM with principals', 'cluster.local/ns/a/sa/b', (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ operations: [{ paths: ['/a'] }] }] })
  .apiObject.addJsonPatch(JsonPatch.add('/spec/rules/0/from', [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }])));
add('ServiceEntry', 'DYNAMIC_DNS on an HTTPS port', 'HTTPS', (c) => se(c, { hosts: ['*.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS, ports: [{ number: 443, protocol: Protocol.HTTPS }] }));
add('ServiceEntry', 'DYNAMIC_DNS for a concrete host', 'api.example.com', (c) => se(c, { resolution: ServiceEntryResolution.DYNAMIC_DNS }));
add('ServiceEntry', 'partial wildcard on an HTTPS port', '*api.example.com', (c) => se(c, { hosts: ['*api.example.com'], resolution: ServiceEntryResolution.NONE, ports: [{ number: 443, protocol: Protocol.HTTPS }] }));
add('AuthorizationPolicy', 'CUSTOM matching request principals', ['*'], (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ sources: [{ requestPrincipals: ['*'] }] }] }));
add('AuthorizationPolicy', 'CUSTOM matching service accounts', ['shop/web'], (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ sources: [{ serviceAccounts: ['shop/web'] }] }] }));
add('AuthorizationPolicy', 'CUSTOM with a JWT claim condition', 'request.auth.claims[iss]', (c) => ap(c, { action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ when: [Condition.jwtClaim('iss', ['https://issuer.example.com'])] }] }));
add('AuthorizationPolicy', 'targetRef to a kind istiod does not attach to', 'Widget', (c) => ap(c, { selector: undefined, targetRefs: [SecurityPolicyTarget.of('example.io', 'Widget', 'w1')] }));

// Raw Istio objects (escape hatches, vendored YAML): istiod's admission rules apply to them too.
const rawIstio = (apiVersion: string, kind: string, spec: object, metadata: object = {}) => (c: Chart) => {
  new VirtualService(c, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] }); // a library chart: analyzed at synth
  new ApiObject(c, 'x', { apiVersion, kind, metadata: { name: 'raw', ...metadata }, spec });
};
add('Telemetry (raw)', 'access-log filter that is not CEL', 'response.code >=', rawIstio('telemetry.istio.io/v1', 'Telemetry', { accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >=' } }] }));
add('Telemetry (raw)', 'tag override UPSERT without a value', 'request_host', rawIstio('telemetry.istio.io/v1', 'Telemetry', { metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ tagOverrides: { request_host: { operation: 'UPSERT' } } }] }] }));
add('Telemetry (raw)', 'sampling percentage 150', 150, rawIstio('telemetry.istio.io/v1', 'Telemetry', { tracing: [{ randomSamplingPercentage: 150 }] }));
const envoyFilter = (patch: object, match: object = {}) => rawIstio('networking.istio.io/v1alpha3', 'EnvoyFilter', { configPatches: [{ applyTo: 'HTTP_FILTER', match: { context: 'SIDECAR_INBOUND', ...match }, patch }] });
add('EnvoyFilter (raw)', 'Envoy v2 type', 'type.googleapis.com/envoy.config.filter.http.lua.v2.Lua', envoyFilter({ operation: 'INSERT_BEFORE', value: { name: 'lua', typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.http.lua.v2.Lua' } } }));
add('EnvoyFilter (raw)', 'proxy version regex that does not compile', '1.2(', envoyFilter({ operation: 'MERGE', value: {} }, { proxy: { proxyVersion: '1.2(' } }));
add('EnvoyFilter (raw)', 'sub-filter match with applyTo CLUSTER', 'CLUSTER', rawIstio('networking.istio.io/v1alpha3', 'EnvoyFilter', { configPatches: [{ applyTo: 'CLUSTER', match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } }, patch: { operation: 'MERGE', value: {} } }] }));
add('WasmPlugin (raw)', 'registry with a port but no scheme', 'localhost:5000/plugin:v1', rawIstio('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'localhost:5000/plugin:v1' }));
add('WasmPlugin (raw)', 'sha256 in upper case', 'A'.repeat(64), rawIstio('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://ghcr.io/x/plugin:v1', sha256: 'A'.repeat(64) }));
add('WasmPlugin (raw)', 'duplicate VM environment variable', 'MODE', rawIstio('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://ghcr.io/x/plugin:v1', vmConfig: { env: [{ name: 'MODE', value: 'a' }, { name: 'MODE', value: 'b' }] } }));
add('AuthorizationPolicy (raw)', 'condition on destination.labels', 'destination.labels[app]', rawIstio('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ when: [{ key: 'destination.labels[app]', values: ['web'] }] }] }));
add('AuthorizationPolicy (raw)', 'service account with two slashes', 'a/b/c', rawIstio('security.istio.io/v1', 'AuthorizationPolicy', { rules: [{ from: [{ source: { serviceAccounts: ['a/b/c'] } }] }] }));
add('AuthorizationPolicy (raw)', 'dry-run annotation that is not a boolean', 'yes', rawIstio('security.istio.io/v1', 'AuthorizationPolicy', { action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': 'yes' } }));
add('VirtualService (raw)', 'dry-run annotation on a VirtualService', 'istio.io/dry-run', rawIstio('networking.istio.io/v1', 'VirtualService', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] }, { annotations: { 'istio.io/dry-run': 'true' } }));
const rawConfigMap = (key: string) => (c: Chart) => {
  new VirtualService(c, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] }); // a library chart: analyzed at synth
  new ApiObject(c, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { [key]: 'v' } });
};
add('ConfigMap (raw)', 'data key over 253 characters', `${'k'.repeat(150)}...`, rawConfigMap('k'.repeat(254)));
add('ConfigMap (raw)', 'data key with a space', 'bad key', rawConfigMap('bad key'));
add('ConfigMap (raw)', 'data key ..', '..', rawConfigMap('..'));

// plain JavaScript objects where the library expects an instance made with its factories
add('VirtualService (JavaScript)', 'a plain object as a URI match', { prefix: '/api' }, (c) => vsRoute(c, { match: [{ uri: { prefix: '/api' } as unknown as StringMatch }] }));
add('VirtualService (JavaScript)', 'a plain object as a CORS origin', { regex: '.*' }, (c) => vsRoute(c, { corsPolicy: { allowOrigins: [{ regex: '.*' } as unknown as StringMatch] } }));
add('VirtualService (JavaScript)', 'a plain object as a fault abort', { httpStatus: 503 }, (c) => vsRoute(c, { fault: { abort: { httpStatus: 503 } as unknown as FaultAbort } }));
add('VirtualService (JavaScript)', 'a string as a retry condition', '5xx', (c) => vsRoute(c, { retries: { attempts: 2, retryOn: ['5xx' as unknown as HttpRetryOn] } }));
add('DestinationRule (JavaScript)', 'a plain object as a load balancer', { simple: 'ROUND_ROBIN' }, (c) => drPolicy(c, { loadBalancer: { simple: 'ROUND_ROBIN' } as unknown as LoadBalancer }));
add('DestinationRule (JavaScript)', 'a plain object as client TLS', { mode: 'ISTIO_MUTUAL' }, (c) => drPolicy(c, { tls: { mode: 'ISTIO_MUTUAL' } as unknown as ClientTls }));
add('AuthorizationPolicy (JavaScript)', 'a string as a principal', 'cluster.local/ns/a/sa/b', (c) => apRule(c, { sources: [{ principals: ['cluster.local/ns/a/sa/b' as unknown as Principal] }] }));
add('AuthorizationPolicy (JavaScript)', 'a plain object as a condition', { key: 'source.ip', values: ['10.0.0.0/8'] }, (c) => apRule(c, { when: [{ key: 'source.ip', values: ['10.0.0.0/8'] } as unknown as Condition] }));

export const BAD_CASES: readonly BadCase[] = cases;
