// istiod's admission rules for a VirtualService's HTTP routes (Istio 1.30
// pkg/config/validation/virtualservice.go validateHTTPRoute and what it calls:
// validateHTTPRouteConflict, validateHTTPRouteMatchRequest, header operations,
// validateCORSPolicy, validateHTTPFaultInjection, mirrors, validateHTTPRedirect,
// validateHTTPDirectResponse, validateHTTPRetry, validateHTTPRewrite, validateAuthorityRewrite,
// validateHTTPRouteDestinations, timeout).
import { HEADER_TOKEN, headerOperations, matchHeaderNameProblem } from './http-headers';
import { Report, duration, durationMs, hostProblem, isDns1123Label, istioLabels, port, stringMatch } from './shared';
import { Obj, arr, isObj, num, str } from '../../../model';

const ENVOY_REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes',
  'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** HTTP status codes Go's `http.StatusText` knows (retryOn accepts them). */
const KNOWN_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);
const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

/** A StringMatch as `validateStringMatch`: a prefix may not be empty; regexes are RE2. */
function nonEmptyStringMatch(m: unknown, path: string, report: Report): void {
  if (!isObj(m)) return;
  if (m.prefix === '') report(`${path}.prefix`, 'a prefix string match cannot be empty');
  if (m.regex === '') report(`${path}.regex`, 'a regex string match cannot be empty');
  stringMatch(m, path, report);
}

/** `validatePercentage`: 0, or 0.0001..100. */
function fractionalPercent(v: unknown, path: string, report: Report): void {
  const x = isObj(v) ? v.value : undefined;
  if (typeof x !== 'number') return;
  if (x < 0 || x > 100) report(path, `percentage ${x} is not in range 0..100`);
  else if (x > 0 && x < 0.0001) report(path, `percentage ${x} is below 0.0001, which Envoy rounds to 0: nothing would be affected`);
}

/** `validateDestination`: a host (not `*`), a DNS-1123 subset name, a port. */
export function destination(d: unknown, path: string, report: Report): void {
  if (!isObj(d)) return;
  const host = str(d.host);
  if (host === '*') {report(`${path}.host`, 'invalid destination host "*"');} else {
    const p = hostProblem(host);
    if (p) report(`${path}.host`, p);
  }
  if (d.subset !== undefined && !isDns1123Label(str(d.subset))) report(`${path}.subset`, `subset name ${JSON.stringify(d.subset)} is invalid (a DNS-1123 label)`);
  if (isObj(d.port)) port(d.port.number, `${path}.port.number`, report);
}

/** `validateGatewayNames`: `<namespace>/<name>` with DNS-1123 labels, or an FQDN / short name. */
export function gatewayNames(v: unknown, path: string, report: Report): void {
  arr(v).forEach((g, i) => {
    const name = str(g);
    const at = `${path}[${i}]`;
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.length === 0 || name.length > 255 || name.split('.').some((l) => !isDns1123Label(l))) report(at, `gateway name ${JSON.stringify(name)} is invalid`);
      else if (/^[0-9]+$/.test(name.split('.').pop()!)) report(at, `gateway name ${JSON.stringify(name)} is invalid (top level domain cannot be all-numeric)`);
      return;
    }
    const [ns, gw] = [name.slice(0, slash), name.slice(slash + 1)];
    if (ns === '' || gw === '') {report(at, 'the gateway\'s namespace and name cannot be empty');} else {
      if (!isDns1123Label(ns)) report(at, `invalid value for namespace: ${JSON.stringify(ns)}`);
      if (!isDns1123Label(gw)) report(at, `invalid value for gateway name: ${JSON.stringify(gw)}`);
    }
  });
}

function conflicts(r: Obj, at: string, root: boolean, delegate: boolean, report: Report): void {
  const has = (k: string) => r[k] !== undefined && r[k] !== null;
  const routes = arr(r.route).length > 0;
  if (root) {
    if (has('redirect')) report(at, `root HTTP route ${str(r.name)} must not specify redirect`);
    if (r.route !== undefined) report(at, `root HTTP route ${str(r.name)} must not specify route`);
    return;
  }
  if (delegate && has('delegate')) report(`${at}.delegate`, 'a delegate HTTP route cannot contain a delegate');
  if (has('redirect')) {
    if (routes) report(at, 'an HTTP route cannot contain both route and redirect');
    if (has('fault')) report(at, 'an HTTP route cannot contain both fault and redirect');
    if (has('rewrite')) report(at, 'an HTTP route cannot contain both rewrite and redirect');
    if (has('directResponse')) report(at, 'an HTTP route cannot contain both directResponse and redirect');
  } else if (has('directResponse')) {
    if (routes) report(at, 'an HTTP route cannot contain both route and directResponse');
    if (has('fault')) report(at, 'an HTTP route cannot contain both fault and directResponse');
    if (has('rewrite')) report(at, 'an HTTP route cannot contain both rewrite and directResponse');
  } else if (!routes) {
    report(at, 'HTTP route, redirect or directResponse is required');
  }
  if (has('mirror') && arr(r.mirrors).length > 0) report(at, 'an HTTP route cannot contain both mirror and mirrors');
}

function matches(r: Obj, at: string, report: Report): void {
  arr(r.match).forEach((m: Obj, j) => {
    if (!isObj(m)) return;
    const mat = `${at}.match[${j}]`;
    for (const [name, h] of Object.entries(isObj(m.headers) ? (m.headers as Obj) : {})) {
      const p = matchHeaderNameProblem(name);
      if (p) report(`${mat}.headers`, p);
      if (h === null) report(`${mat}.headers[${JSON.stringify(name)}]`, 'a header match cannot be null');
      nonEmptyStringMatch(h, `${mat}.headers[${JSON.stringify(name)}]`, report);
    }
    for (const [name, h] of Object.entries(isObj(m.withoutHeaders) ? (m.withoutHeaders as Obj) : {})) {
      const p = matchHeaderNameProblem(name);
      if (p) report(`${mat}.withoutHeaders`, p);
      // "*" is not a regex: it means "present"
      if (isObj(h) && h.regex !== '*') nonEmptyStringMatch(h, `${mat}.withoutHeaders[${JSON.stringify(name)}]`, report);
    }
    // uri allows an empty prefix (Envoy does); scheme, method and authority do not
    if (isObj(m.uri)) stringMatch(m.uri, `${mat}.uri`, report);
    if (isObj(m.uri) && m.uri.regex === '') report(`${mat}.uri.regex`, 'a regex string match cannot be empty');
    for (const k of ['scheme', 'method', 'authority']) nonEmptyStringMatch(m[k], `${mat}.${k}`, report);
    for (const [name, q] of Object.entries(isObj(m.queryParams) ? (m.queryParams as Obj) : {})) nonEmptyStringMatch(q, `${mat}.queryParams[${JSON.stringify(name)}]`, report);
    if (m.port !== undefined && m.port !== 0) port(m.port, `${mat}.port`, report);
    istioLabels(m.sourceLabels, `${mat}.sourceLabels`, report);
    gatewayNames(m.gateways, `${mat}.gateways`, report);
    if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== '' && !isDns1123Label(m.sourceNamespace)) {
      report(`${mat}.sourceNamespace`, `sourceNamespace match ${JSON.stringify(m.sourceNamespace)} is invalid (a DNS-1123 label)`);
    }
  });
}

function cors(c: unknown, at: string, report: Report): void {
  if (!isObj(c)) return;
  arr(c.allowOrigins).forEach((o: Obj, i) => {
    const value = isObj(o) ? (o.exact ?? o.prefix ?? o.regex) : undefined;
    if (typeof value !== 'string' || value === '') report(`${at}.allowOrigins[${i}]`, 'an allowed origin needs a non-empty exact, prefix or regex match');
    else stringMatch(o, `${at}.allowOrigins[${i}]`, report);
  });
  arr(c.allowMethods).forEach((m, i) => { if (!CORS_METHODS.has(str(m))) report(`${at}.allowMethods[${i}]`, `${JSON.stringify(m)} is not a supported HTTP method (upper case, e.g. "GET")`); });
  for (const k of ['allowHeaders', 'exposeHeaders']) {
    arr(c[k]).forEach((h, i) => {
      const n = str(h);
      if (n === '') report(`${at}.${k}[${i}]`, 'header name cannot be empty');
      else if (n !== '*' && !HEADER_TOKEN.test(n)) report(`${at}.${k}[${i}]`, `header name ${JSON.stringify(n)} is not a valid header name`);
    });
  }
  if (c.maxAge !== undefined) {
    duration(c.maxAge, `${at}.maxAge`, report);
    const ms = durationMs(c.maxAge);
    if (ms !== undefined && ms >= 1 && ms % 1000 !== 0) report(`${at}.maxAge`, `${JSON.stringify(c.maxAge)}: maxAge is accurate to seconds only`);
  }
}

function fault(f: unknown, at: string, report: Report): void {
  if (!isObj(f)) return;
  if (f.abort === undefined && f.delay === undefined) report(at, 'HTTP fault injection must have an abort and/or a delay');
  if (isObj(f.abort)) {
    const a = f.abort;
    fractionalPercent(a.percentage, `${at}.abort.percentage`, report);
    if (a.grpcStatus !== undefined && !GRPC_STATUS.has(str(a.grpcStatus))) report(`${at}.abort.grpcStatus`, `gRPC status ${JSON.stringify(a.grpcStatus)} is not supported (e.g. "NOT_FOUND", "UNAVAILABLE")`);
    if (a.http2Error !== undefined) report(`${at}.abort.http2Error`, 'HTTP/2 abort fault injection is not supported yet');
    if (a.httpStatus !== undefined && (num(a.httpStatus) < 200 || num(a.httpStatus) > 600)) report(`${at}.abort.httpStatus`, `HTTP status ${a.httpStatus} is not in range 200-599`);
  }
  if (isObj(f.delay)) {
    fractionalPercent(f.delay.percentage, `${at}.delay.percentage`, report);
    duration(f.delay.fixedDelay, `${at}.delay.fixedDelay`, report);
    if (f.delay.exponentialDelay !== undefined) report(`${at}.delay.exponentialDelay`, 'exponentialDelay is not supported yet');
  }
}

function redirect(rd: unknown, at: string, report: Report): void {
  if (!isObj(rd)) return;
  if (!rd.uri && !rd.authority && rd.port === undefined && rd.derivePort === undefined && !rd.scheme) report(at, 'a redirect must specify uri, authority, scheme or port');
  const code = rd.redirectCode;
  if (code !== undefined && code !== 0) {
    if (num(code) < 300 || num(code) > 399) report(`${at}.redirectCode`, `${code} is not a valid redirect code, it must be 3xx`);
    else if (!ENVOY_REDIRECT_CODES.has(num(code))) report(`${at}.redirectCode`, `${code} is not a redirect code Envoy sends (301, 302, 303, 307, 308): the redirect would be dropped`);
  }
  if (rd.scheme !== undefined && rd.scheme !== '' && rd.scheme !== 'http' && rd.scheme !== 'https') report(`${at}.scheme`, `invalid redirect scheme ${JSON.stringify(rd.scheme)}, it must be "http" or "https"`);
  if (typeof rd.port === 'number' && rd.port > 0) port(rd.port, `${at}.port`, report);
}

function retries(rt: unknown, at: string, report: Report): void {
  if (!isObj(rt)) return;
  const attempts = num(rt.attempts);
  if (attempts < 0) report(`${at}.attempts`, 'attempts cannot be negative');
  if (attempts === 0 && (rt.perTryTimeout !== undefined || (rt.retryOn !== undefined && rt.retryOn !== '') || rt.retryRemoteLocalities !== undefined)) {
    report(at, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  duration(rt.perTryTimeout, `${at}.perTryTimeout`, report);
  duration(rt.backoff, `${at}.backoff`, report);
  if (typeof rt.retryOn === 'string' && rt.retryOn !== '') {
    for (const policy of rt.retryOn.split(',')) {
      const code = /^[0-9]+$/.test(policy) ? Number(policy) : NaN;
      if (!KNOWN_STATUS.has(code) && !RETRY_ON.has(policy)) report(`${at}.retryOn`, `${JSON.stringify(policy)} is not a valid retryOn policy`);
    }
  }
}

function rewrite(rw: unknown, at: string, report: Report): void {
  if (!isObj(rw)) return;
  const regex = rw.uriRegexRewrite;
  if (rw.uri && regex !== undefined) report(at, 'a rewrite may contain only one of uri and uriRegexRewrite');
  if (!rw.uri && regex === undefined && !rw.authority) report(at, 'a rewrite must specify uri, uriRegexRewrite or authority');
  if (isObj(regex)) {
    if (!regex.match || !regex.rewrite) report(`${at}.uriRegexRewrite`, 'uriRegexRewrite needs both match and rewrite');
    else stringMatch({ regex: regex.match }, `${at}.uriRegexRewrite.match`, report);
  }
}

/** Checks one HTTP route of a VirtualService (`delegate`: the VirtualService has no hosts). */
export function httpRoute(r: Obj, at: string, delegate: boolean, report: Report): void {
  conflicts(r, at, !delegate && r.delegate !== undefined && r.delegate !== null, delegate, report);
  matches(r, at, report);
  const authorities = headerOperations(r.headers, `${at}.headers`, report);
  if (isObj(r.rewrite) && r.rewrite.authority) authorities.unshift(str(r.rewrite.authority));
  if (authorities.length > 1) report(at, `the authority is set more than once: ${JSON.stringify(authorities)} (rewrite.authority and the host/:authority request headers)`);
  cors(r.corsPolicy, `${at}.corsPolicy`, report);
  fault(r.fault, `${at}.fault`, report);
  if (isObj(r.mirrorPercent)) {
    if (num(r.mirrorPercent.value) > 100) report(`${at}.mirrorPercent`, `mirrorPercent must have a max value of 100 (it has ${r.mirrorPercent.value})`);
  }
  if (isObj(r.mirrorPercentage)) {
    const v = num(r.mirrorPercentage.value);
    if (v > 100 || v < 0) report(`${at}.mirrorPercentage`, `mirrorPercentage must be in 0..100 (it has ${v})`);
    else if (v > 0 && v < 0.0001) report(`${at}.mirrorPercentage`, `percentage ${v} is below 0.0001, which Envoy rounds to 0: nothing would be mirrored`);
  }
  destination(r.mirror, `${at}.mirror`, report);
  arr(r.mirrors).forEach((m: Obj, i) => {
    if (!isObj(m) || !isObj(m.destination)) { report(`${at}.mirrors[${i}]`, 'a mirror needs a destination'); return; }
    destination(m.destination, `${at}.mirrors[${i}].destination`, report);
    const v = isObj(m.percentage) ? num(m.percentage.value) : undefined;
    if (v !== undefined && (v > 100 || v < 0)) report(`${at}.mirrors[${i}].percentage`, `mirror percentage must be in 0..100 (it has ${v})`);
  });
  redirect(r.redirect, `${at}.redirect`, report);
  if (isObj(r.directResponse)) {
    const status = num(r.directResponse.status);
    if (status < 200 || status > 600) report(`${at}.directResponse.status`, `HTTP status ${r.directResponse.status} is not in range 200-599`);
    const body = isObj(r.directResponse.body) ? str(r.directResponse.body.string ?? r.directResponse.body.bytes) : '';
    if (Buffer.byteLength(body) > 1024 * 1024) report(`${at}.directResponse.body`, 'a direct response body must be less than 1MB');
  }
  retries(r.retries, `${at}.retries`, report);
  rewrite(r.rewrite, `${at}.rewrite`, report);
  const dests = arr(r.route);
  dests.forEach((d: Obj, j) => {
    const dat = `${at}.route[${j}]`;
    if (!isObj(d)) { report(dat, 'a route destination cannot be null'); return; }
    if (!isObj(d.destination)) report(dat, 'destination is required');
    headerOperations(d.headers, `${dat}.headers`, report);
    destination(d.destination, `${dat}.destination`, report);
    if (num(d.weight) < 0) report(`${dat}.weight`, `weight ${d.weight} < 0`);
  });
  if (dests.length > 1 && dests.reduce((s: number, d: Obj) => s + (isObj(d) ? num(d.weight) : 0), 0) === 0) report(`${at}.route`, 'total destination weight = 0');
  duration(r.timeout, `${at}.timeout`, report);
}
