// The Kubernetes CEL extension functions the vendored CRDs use (and a few more
// from the same libraries), implemented for @bufbuild/cel:
//  - URLs (k8s.io/apiserver/pkg/cel/library/urls.go): url(), isURL(), getScheme(),
//    getHost(), getHostname(), getPort(), getEscapedPath()
//  - IPs/CIDRs (ip.go, cidr.go): isIP(), ip(), family(), isLoopback(), isUnspecified(),
//    isCIDR(), cidr(), containsIP(), prefixLength(), ip() on a cidr
//  - lists (lists.go): isSorted(), sum(), min(), max()
//  - strings (cel-go ext strings, as enabled by Kubernetes): from @bufbuild/cel/ext
//  - regex matching is RE2 (re2js), like cel-go.
// Opaque values (URL, IP, CIDR) are represented as single-entry CEL maps with a
// private key, so they can be method targets without a protobuf type.
import { CelScalar, celFunc, celMethod, celError, isCelMap, listType, mapType } from '@bufbuild/cel';
import type { CelFunc, CelMap, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { cidrContains, ipBytes, k8sIsCIDR, k8sIsIP, parseIPv4 } from './net-parsing';

const URL_KEY = '__k8s_url__';
const IP_KEY = '__k8s_ip__';
const CIDR_KEY = '__k8s_cidr__';
const OPAQUE = mapType(CelScalar.STRING, CelScalar.DYN);
const DYN_LIST = listType(CelScalar.DYN);

// ---------------------------------------------------------------- URLs

interface ParsedUrl {
  scheme: string;
  host: string;
  path: string;
  query: string;
}

/** Go's url.ParseRequestURI, reduced to what the URL library exposes. */
export function parseRequestUri(raw: string): ParsedUrl | undefined {
  if (raw === '' || /[\x00-\x1f\x7f]/.test(raw)) return undefined;
  if (raw === '*') return { scheme: '', host: '', path: '*', query: '' };
  let rest = raw;
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[^/]*:/.test(rest) && rest.indexOf(':') === 0) {
    return undefined; // missing protocol scheme
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, host: '', path: '', query }; // opaque
    return undefined; // invalid URI for request
  }
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash >= 0 ? afterSlashes.slice(0, slash) : afterSlashes;
    rest = slash >= 0 ? afterSlashes.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    host = at >= 0 ? authority.slice(at + 1) : authority;
    if (!validHost(host)) return undefined;
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return undefined;
  return { scheme, host, path: rest, query };
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    const port = host.slice(end + 1);
    return port === '' || /^:[0-9]*$/.test(port);
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^[0-9]*$/.test(host.slice(colon + 1))) return false;
  return !/[\s<>"{}|\\^`]/.test(host);
}

function splitHostPort(host: string): { hostname: string; port: string } {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return { hostname: host.slice(1, end), port: host.slice(end + 2) };
  }
  const colon = host.lastIndexOf(':');
  if (colon < 0) return { hostname: host, port: '' };
  return { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

function urlOf(m: CelMap): ParsedUrl {
  return parseRequestUri(String(m.get(URL_KEY)))!;
}

// ---------------------------------------------------------------- helpers

function opaque(key: string, value: string): Map<string, string> {
  return new Map([[key, value]]);
}

function opaqueValue(m: CelMap, key: string): string | undefined {
  return isCelMap(m) && m.has(key) ? String(m.get(key)) : undefined;
}

function compareCel(a: CelValue, b: CelValue): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`cannot compare ${typeof a} and ${typeof b}`);
}

function listValues(l: Iterable<CelValue>): CelValue[] {
  return [...l];
}

/** All functions: the cel-go strings extension plus the Kubernetes libraries. */
export function kubernetesCelFunctions(): CelFunc[] {
  const fns: CelFunc[] = [
    // URLs
    celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => parseRequestUri(s) !== undefined),
    celFunc('url', [CelScalar.STRING], OPAQUE, (s) => {
      if (!parseRequestUri(s)) throw celError(`URL parse error during conversion from string: ${JSON.stringify(s)}`);
      return opaque(URL_KEY, s);
    }),
    celMethod('getScheme', OPAQUE, [], CelScalar.STRING, function () { return urlOf(this).scheme; }),
    celMethod('getHost', OPAQUE, [], CelScalar.STRING, function () { return urlOf(this).host; }),
    celMethod('getHostname', OPAQUE, [], CelScalar.STRING, function () { return splitHostPort(urlOf(this).host).hostname; }),
    celMethod('getPort', OPAQUE, [], CelScalar.STRING, function () { return splitHostPort(urlOf(this).host).port; }),
    celMethod('getEscapedPath', OPAQUE, [], CelScalar.STRING, function () { return urlOf(this).path; }),
    // IPs
    celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s) => k8sIsIP(s)),
    celFunc('ip', [CelScalar.STRING], OPAQUE, (s) => {
      if (!k8sIsIP(s)) throw celError(`IP Address ${JSON.stringify(s)} parse error during conversion from string`);
      return opaque(IP_KEY, s);
    }),
    celMethod('family', OPAQUE, [], CelScalar.INT, function () {
      const ip = opaqueValue(this, IP_KEY) ?? opaqueValue(this, CIDR_KEY)?.split('/')[0] ?? '';
      return parseIPv4(ip) ? 4n : 6n;
    }),
    celMethod('isLoopback', OPAQUE, [], CelScalar.BOOL, function () {
      const b = ipBytes(opaqueValue(this, IP_KEY) ?? '');
      return b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
    }),
    celMethod('isUnspecified', OPAQUE, [], CelScalar.BOOL, function () {
      return ipBytes(opaqueValue(this, IP_KEY) ?? '').every((x) => x === 0);
    }),
    // CIDRs
    celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s) => k8sIsCIDR(s)),
    celFunc('cidr', [CelScalar.STRING], OPAQUE, (s) => {
      if (!k8sIsCIDR(s)) throw celError(`network address parse error during conversion from string: ${JSON.stringify(s)}`);
      return opaque(CIDR_KEY, s);
    }),
    celMethod('containsIP', OPAQUE, [CelScalar.DYN], CelScalar.BOOL, function (ip) {
      const cidr = opaqueValue(this, CIDR_KEY) ?? '';
      const addr = typeof ip === 'string' ? ip : opaqueValue(ip as CelMap, IP_KEY) ?? '';
      if (!k8sIsIP(addr)) throw celError(`IP Address ${JSON.stringify(addr)} parse error`);
      return cidrContains(cidr, addr);
    }),
    celMethod('prefixLength', OPAQUE, [], CelScalar.INT, function () {
      return BigInt((opaqueValue(this, CIDR_KEY) ?? '/0').split('/')[1]);
    }),
    // lists
    celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
      const v = listValues(this);
      for (let i = 1; i < v.length; i++) if (compareCel(v[i - 1], v[i]) > 0) return false;
      return true;
    }),
    celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
      const v = listValues(this);
      if (v.length === 0) return 0n;
      if (typeof v[0] === 'bigint') return (v as bigint[]).reduce((a, b) => a + b, 0n);
      return (v as number[]).reduce((a, b) => a + b, 0);
    }),
    celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
      const v = listValues(this);
      if (v.length === 0) throw celError('min called on empty list');
      return v.reduce((a, b) => (compareCel(a, b) <= 0 ? a : b)) as any;
    }),
    celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
      const v = listValues(this);
      if (v.length === 0) throw celError('max called on empty list');
      return v.reduce((a, b) => (compareCel(a, b) >= 0 ? a : b)) as any;
    }),
  ];
  return [...strings, ...fns];
}
