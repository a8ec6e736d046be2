// istiod's VirtualService admission rules on objects (escape hatches, hand-written YAML): for
// each rule, an object istiod refuses and a nearby one it admits (which also passes the CRD schema).
import { admissionOf, expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const VS = 'networking.istio.io/v1';
const vs = (spec: Obj, metadata: Obj = {}) => istioObject(VS, 'VirtualService', spec, metadata);
const dest = (host = 'reviews', more: Obj = {}) => ({ destination: { host, ...more } });
/** A VirtualService with one HTTP route built from `route`. */
const http = (route: Obj, top: Obj = {}) => vs({ hosts: ['reviews'], http: [{ route: [dest()], ...route }], ...top });
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('VirtualService admission', () => {
  describe('hosts and gateways', () => {
    test('"*" only at gateways, not for the mesh', () => {
      pair(vs({ hosts: ['*'], http: [{ route: [dest()] }] }), vs({ hosts: ['*'], gateways: ['istio-system/ingress'], http: [{ route: [dest()] }] }), 'is not allowed for a VirtualService bound to the mesh');
    });
    test('overlapping hosts', () => {
      pair(vs({ hosts: ['*.example.com', 'api.example.com'], http: [{ route: [dest()] }] }), vs({ hosts: ['*.example.com', 'api.example.org'], http: [{ route: [dest()] }] }), 'duplicate hosts in the VirtualService: *.example.com & api.example.com');
    });
    test('gateway names: namespace/name labels, or a DNS name', () => {
      pair(http({}, { gateways: ['istio-system/my.gw'] }), http({}, { gateways: ['istio-system/my-gw'] }), 'invalid value for gateway name: "my.gw"');
      pair(http({}, { gateways: ['bad_ns/gw'] }), http({}, { gateways: ['bad-ns/gw'] }), 'invalid value for namespace: "bad_ns"');
      pair(http({}, { gateways: ['gw_1'] }), http({}, { gateways: ['gw-1'] }), 'gateway name "gw_1" is invalid');
    });
    test('a delegate (no hosts) names no gateways and has no tcp/tls routes', () => {
      pair(vs({ gateways: ['gw'], http: [{ route: [dest()] }] }), vs({ http: [{ route: [dest()] }] }), 'a delegate VirtualService (without hosts) cannot name gateways');
      pair(vs({ tcp: [{ route: [dest()] }] }), vs({ hosts: ['reviews'], tcp: [{ route: [dest()] }] }), 'cannot have tcp routes');
    });
    test('JWT claim routing only at a gateway', () => {
      const claims = { match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }] };
      pair(http(claims), http(claims, { gateways: ['istio-system/ingress'] }), 'JWT claim based routing ("@request.auth.claims.group") works at gateways only');
    });
    test('at least one route; duplicate exportTo entries', () => {
      pair(vs({ hosts: ['reviews'] }), http({}), 'http, tcp or tls routes must be provided');
      pair(http({}, { exportTo: ['default', '.'] }), http({}, { exportTo: ['other', '.'] }), 'duplicate entries in exportTo: . and the current namespace default');
      pair(http({}, { exportTo: ['a', 'a'] }), http({}, { exportTo: ['a', 'b'] }), 'duplicate entries in exportTo for entry "a"');
      pair(http({}, { exportTo: ['*', 'a'] }), http({}, { exportTo: ['*'] }), 'cannot have both public (*) and non-public');
      pair(http({}, { exportTo: ['~'] }), http({}, { exportTo: ['.'] }), 'exportTo ~ (none) is not allowed');
    });
  });

  describe('HTTP routes', () => {
    test('route, redirect or directResponse, not two of them', () => {
      pair(http({ route: undefined }), http({}), 'HTTP route, redirect or directResponse is required');
      pair(http({ redirect: { uri: '/b' } }), http({ route: undefined, redirect: { uri: '/b' } }), 'cannot contain both route and redirect');
      pair(http({ route: undefined, directResponse: { status: 503 }, fault: { abort: { httpStatus: 500 } } }), http({ route: undefined, directResponse: { status: 503 } }), 'both fault and directResponse');
      pair(http({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] }), http({ mirrors: [{ destination: { host: 'b' } }] }), 'both mirror and mirrors');
    });
    test('header matches: names are tokens, prefixes and regexes not empty', () => {
      pair(http({ match: [{ headers: { 'bad header': { exact: 'x' } } }] }), http({ match: [{ headers: { 'x-user': { exact: 'x' } } }] }), 'is not a valid header name');
      pair(http({ match: [{ headers: { 'x-user': { prefix: '' } } }] }), http({ match: [{ headers: { 'x-user': { prefix: 'a' } } }] }), 'a prefix string match cannot be empty');
      pair(http({ match: [{ method: { regex: '(?=GET)' } }] }), http({ match: [{ method: { regex: 'GET|HEAD' } }] }), 'is not an RE2 regular expression');
      pair(http({ match: [{ sourceNamespace: 'Bad_NS' }] }), http({ match: [{ sourceNamespace: 'prod' }] }), 'sourceNamespace match "Bad_NS" is invalid');
      pair(http({ match: [{ sourceLabels: { app: 'a b' } }] }), http({ match: [{ sourceLabels: { app: 'ab' } }] }), 'invalid label value "a b"');
      // a pseudo header, a JWT claim at a gateway, and "*" in withoutHeaders are fine
      expect(admissionOf(http({ match: [{ headers: { ':method': { exact: 'GET' } }, withoutHeaders: { 'x-debug': { regex: '*' } } }] }))).toEqual([]);
    });
    test('header operations: no pseudo headers, no Host on responses, values Envoy can parse; the authority once', () => {
      pair(http({ headers: { request: { set: { ':path': '/x' } } } }), http({ headers: { request: { set: { 'x-path': '/x' } } } }), 'header ":path" cannot be modified');
      pair(http({ headers: { response: { set: { host: 'a' } } } }), http({ headers: { response: { set: { 'x-host': 'a' } } } }), 'the Host header cannot be set on a response');
      pair(http({ headers: { request: { remove: ['host'] } } }), http({ headers: { request: { remove: ['x-host'] } } }), 'the Host header cannot be removed');
      pair(http({ headers: { request: { set: { 'x-a': '100%' } } } }), http({ headers: { request: { set: { 'x-a': '100%%' } } } }), 'unescaped "%"');
      pair(http({ headers: { request: { set: { 'x-a': '%REQ(x-b' } } } }), http({ headers: { request: { set: { 'x-a': '%REQ(x-b)%' } } } }), 'unterminated %VARIABLE% expression');
      pair(http({ headers: { request: { add: { 'x-a': 'a\u0001b' } } } }), http({ headers: { request: { add: { 'x-a': 'a b' } } } }), 'contains a control character');
      pair(http({ rewrite: { authority: 'a.example.com' }, headers: { request: { set: { host: 'b.example.com' } } } }), http({ headers: { request: { set: { host: 'b.example.com' } } } }), 'the authority is set more than once');
    });
    test('CORS: origins, methods, header names, maxAge in seconds', () => {
      pair(http({ corsPolicy: { allowOrigins: [{ exact: '' }] } }), http({ corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }] } }), 'an allowed origin needs a non-empty');
      pair(http({ corsPolicy: { allowMethods: ['get'] } }), http({ corsPolicy: { allowMethods: ['GET'] } }), '"get" is not a supported HTTP method');
      pair(http({ corsPolicy: { allowHeaders: ['bad header'] } }), http({ corsPolicy: { allowHeaders: ['*'] } }), 'is not a valid header name');
      pair(http({ corsPolicy: { maxAge: '1500ms' } }), http({ corsPolicy: { maxAge: '2s' } }), 'maxAge is accurate to seconds only');
    });
    test('fault injection: abort or delay, statuses, percentages, no exponential delay', () => {
      pair(http({ fault: {} }), http({ fault: { delay: { fixedDelay: '1s' } } }), 'must have an abort and/or a delay');
      pair(http({ fault: { abort: { grpcStatus: 'NOTFOUND' } } }), http({ fault: { abort: { grpcStatus: 'NOT_FOUND' } } }), 'gRPC status "NOTFOUND" is not supported');
      pair(http({ fault: { abort: { httpStatus: 700 } } }), http({ fault: { abort: { httpStatus: 503 } } }), 'HTTP status 700 is not in range 200-599');
      pair(http({ fault: { delay: { fixedDelay: '1s', percentage: { value: 0.00001 } } } }), http({ fault: { delay: { fixedDelay: '1s', percentage: { value: 0.0001 } } } }), 'below 0.0001');
      pair(http({ fault: { delay: { fixedDelay: '0.5ms' } } }), http({ fault: { delay: { fixedDelay: '1ms' } } }), 'must be at least 1ms');
    });
    test('redirect: something to redirect to, 3xx codes Envoy sends, http(s) schemes', () => {
      pair(http({ route: undefined, redirect: {} }), http({ route: undefined, redirect: { authority: 'b.example.com' } }), 'a redirect must specify uri, authority, scheme or port');
      pair(http({ route: undefined, redirect: { uri: '/b', redirectCode: 200 } }), http({ route: undefined, redirect: { uri: '/b', redirectCode: 308 } }), '200 is not a valid redirect code, it must be 3xx');
      pair(http({ route: undefined, redirect: { uri: '/b', redirectCode: 304 } }), http({ route: undefined, redirect: { uri: '/b', redirectCode: 303 } }), 'not a redirect code Envoy sends');
      pair(http({ route: undefined, redirect: { scheme: 'HTTPS' } }), http({ route: undefined, redirect: { scheme: 'https' } }), 'invalid redirect scheme "HTTPS"');
    });
    test('direct response status', () => {
      pair(http({ route: undefined, directResponse: { status: 150 } }), http({ route: undefined, directResponse: { status: 204 } }), 'HTTP status 150 is not in range 200-599');
    });
    test('retries: attempts, retryOn policies, durations', () => {
      pair(http({ retries: { attempts: 0, retryOn: '5xx' } }), http({ retries: { attempts: 2, retryOn: '5xx' } }), 'configured when attempts are set to 0');
      pair(http({ retries: { attempts: 2, retryOn: '5xx,gateway_error' } }), http({ retries: { attempts: 2, retryOn: '5xx,gateway-error,503' } }), '"gateway_error" is not a valid retryOn policy');
      pair(http({ retries: { attempts: 2, retryOn: '599' } }), http({ retries: { attempts: 2, retryOn: '504' } }), '"599" is not a valid retryOn policy');
    });
    test('rewrite: one of uri and uriRegexRewrite, something to rewrite, a complete regex rewrite', () => {
      pair(http({ rewrite: { uri: '/a', uriRegexRewrite: { match: '^/b', rewrite: '/c' } } }), http({ rewrite: { uriRegexRewrite: { match: '^/b', rewrite: '/c' } } }), 'only one of uri and uriRegexRewrite');
      pair(http({ rewrite: {} }), http({ rewrite: { authority: 'a.example.com' } }), 'a rewrite must specify uri, uriRegexRewrite or authority');
      pair(http({ rewrite: { uriRegexRewrite: { match: '^/b' } } }), http({ rewrite: { uriRegexRewrite: { match: '^/b', rewrite: '/c' } } }), 'uriRegexRewrite needs both match and rewrite');
    });
    test('destinations: host, subset, weights; mirror percentages; timeout', () => {
      pair(http({ route: [dest('*')] }), http({ route: [dest('*.example.com')] }), 'invalid destination host "*"');
      pair(http({ route: [dest('reviews', { subset: 'v1.0' })] }), http({ route: [dest('reviews', { subset: 'v1-0' })] }), 'subset name "v1.0" is invalid');
      pair(http({ route: [dest('a'), dest('b')] }), http({ route: [{ ...dest('a'), weight: 90 }, { ...dest('b'), weight: 10 }] }), 'total destination weight = 0');
      pair(http({ mirrors: [{ destination: { host: 'b' }, percentage: { value: 101 } }] }), http({ mirrors: [{ destination: { host: 'b' }, percentage: { value: 100 } }] }), 'mirror percentage must be in 0..100');
      pair(http({ timeout: '0s' }), http({ timeout: '10s' }), 'must be at least 1ms');
    });
  });

  describe('TLS and TCP routes', () => {
    const tls = (match: Obj[], hosts = ['*.example.com']) => vs({ hosts, gateways: ['istio-system/gw'], tls: [{ match, route: [dest('a.example.com')] }] });
    test('TLS: matches with SNI hosts within the VirtualService hosts', () => {
      pair(tls([]), tls([{ sniHosts: ['a.example.com'] }]), 'a TLS route must have at least one match condition');
      pair(tls([{ port: 443 }]), tls([{ port: 443, sniHosts: ['a.example.com'] }]), 'a TLS match must have at least one SNI host');
      pair(tls([{ sniHosts: ['a.example.org'] }]), tls([{ sniHosts: ['a.example.com'] }]), 'is not a compatible subset of any of the VirtualService\'s hosts');
      pair(tls([{ sniHosts: ['a.example.com'], destinationSubnets: ['10.0.0.0/33'] }]), tls([{ sniHosts: ['a.example.com'], destinationSubnets: ['10.0.0.0/8'] }]), 'is not a valid CIDR block');
    });
    test('TCP: a route, valid subnets and ports', () => {
      pair(vs({ hosts: ['db'], tcp: [{ match: [{ port: 5432 }] }] }), vs({ hosts: ['db'], tcp: [{ match: [{ port: 5432 }], route: [dest('db')] }] }), 'a TCP route is required');
      pair(vs({ hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.256'] }], route: [dest('db')] }] }), vs({ hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.255'] }], route: [dest('db')] }] }), 'is not a valid IP address');
      pair(vs({ hosts: ['db'], tcp: [{ route: [dest('a'), dest('b')] }] }), vs({ hosts: ['db'], tcp: [{ route: [{ ...dest('a'), weight: 50 }, { ...dest('b'), weight: 50 }] }] }), 'total destination weight = 0');
    });
  });

  test('the rules name the object and the field, as IST0106 (istiod admission)', () => {
    const [m] = admissionOf(http({ retries: { attempts: 0, perTryTimeout: '1s' } }));
    expect(m).toMatch(/^Schema validation error: spec\.http\[0\]\.retries: http retry policy configured when attempts are set to 0 \(disabled\) \(istiod admission\)$/);
  });
});
