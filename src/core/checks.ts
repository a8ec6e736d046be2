import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { RE2JS } from 're2js';
import { invalid } from './errors';

// Shared input checks. Each throws through `invalid()`, so every message names the
// construct path, the field, the bad value and the fix.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal */
export function checkDns1123Label(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    invalid(scope, field, value, 'it must be a DNS-1123 label (at most 63 characters: lower-case letters, digits and "-", starting and ending with a letter or digit)', 'use a name such as "reviews-v2"');
  }
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a Kubernetes Service name: a DNS-1035 label (it must start with a letter).
 * @internal
 */
export function checkServiceName(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length > 63 || !DNS1035_LABEL.test(value)) {
    invalid(scope, field, value, 'a Service name must be a DNS-1035 label (at most 63 characters: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit)', `use a name such as "${/^[0-9]/.test(value) ? `svc-${value.toLowerCase()}` : 'reviews'}"`);
  }
}

/** Istio's label rule (`pkg/config/labels`): a DNS-1123 label in which upper case is allowed. */
const ISTIO_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * Checks a name istiod validates with its own DNS-1123 label rule, which allows upper case:
 * DestinationRule subset names, ServiceEntry and Sidecar port names.
 * @internal
 */
export function checkIstioLabelName(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length > 63 || !ISTIO_LABEL.test(value)) {
    invalid(scope, field, value, 'it must be a DNS-1123 label (at most 63 characters: letters, digits and "-", starting and ending with a letter or digit)', 'use a name such as "v2" or "http-web"');
  }
}

/** @internal */
export function checkDns1123Subdomain(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    invalid(scope, field, value, 'it must be a DNS-1123 subdomain (at most 253 characters: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit)', 'use a name such as "reviews" or "reviews.default"');
  }
}

/** @internal */
export function checkPort(scope: IConstruct, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    invalid(scope, field, value, 'a port number must be an integer from 1 to 65535', 'use the service or container port, e.g. 9080');
  }
}

/** @internal */
export function checkPercentage(scope: IConstruct, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    invalid(scope, field, value, 'a percentage must be a number from 0 to 100', 'pass e.g. 10 for 10%');
  }
}

/**
 * An Istio `Percent` (fault and mirror shares): 0, or 0.0001 to 100 — istiod refuses a share
 * Envoy would round down to nothing.
 * @internal
 */
export function checkIstioPercent(scope: IConstruct, field: string, value: number | undefined): void {
  checkPercentage(scope, field, value);
  if (value !== undefined && value > 0 && value < 0.0001) {
    invalid(scope, field, value, 'istiod refuses a share between 0 and 0.0001%, which Envoy would round down to 0', 'use 0 to turn it off, or at least 0.0001');
  }
}

/** @internal */
export function checkWeight(scope: IConstruct, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    invalid(scope, field, value, 'a route weight must be an integer from 0 to 100', 'give weights such as 90 and 10 that add up to 100');
  }
}

/** @internal */
export function checkPositiveInteger(scope: IConstruct, field: string, value: number | undefined, min = 1): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    invalid(scope, field, value, `it must be an integer of at least ${min}`, `pass an integer >= ${min}`);
  }
}

/** @internal */
export function checkNonEmpty<T>(scope: IConstruct, field: string, value: readonly T[] | undefined, fix: string): void {
  if (value !== undefined && value.length === 0) {
    invalid(scope, field, value, 'the list must not be empty', fix);
  }
}

/** @internal */
export function checkExclusive(scope: IConstruct, fields: { [name: string]: unknown }, fix: string): void {
  const set = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (set.length > 1) {
    invalid(scope, set.map(([k]) => k).join(' and '), Object.fromEntries(set), 'these fields are mutually exclusive', fix);
  }
}

/** @internal */
export function checkUnique(scope: IConstruct, field: string, values: readonly string[], fix: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) invalid(scope, field, v, 'the value appears more than once', fix);
    seen.add(v);
  }
}

// Istio host: a FQDN or short name, optionally starting with a "*" wildcard label,
// or "*" alone. Namespace-qualified forms (ns/host) are checked by their callers.
// istiod's host rule (ValidateWildcardDomain): DNS labels of letters, digits and "-" (no "_"),
// an optional "*." prefix or a "*"-prefixed first label, or "*" alone.
const HOST = /^(\*|(\*-?)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;
/** Envoy's generated SNI of a mesh service, accepted in a gateway-bound VirtualService's sniHosts. */
const OUTBOUND_SNI = /^outbound_\.[0-9]+_\.[^.]*_\.[a-zA-Z][-a-zA-Z0-9.]*$/;

/** @internal */
export function checkHost(scope: IConstruct, field: string, value: string, opts: { sni?: boolean } = {}): void {
  if (opts.sni && OUTBOUND_SNI.test(value)) return;
  const labelTooLong = value.split('.').some((label) => label.length > 63);
  const bare = value.endsWith('.') && value !== '*.' ? value.slice(0, -1) : value; // a root dot is allowed
  if (value.length === 0 || value.length > 255 || labelTooLong || !HOST.test(bare)) {
    const fix = value.includes('_')
      ? `istiod refuses "_" in host names: write e.g. "${value.replace(/_/g, '-')}"`
      : 'remove schemes, ports and paths: write "api.example.com", not "https://api.example.com:443/v1"';
    invalid(scope, field, value, 'a host must be a DNS name of letters, digits and "-" with labels of at most 63 characters (e.g. "reviews", "reviews.prod.svc.cluster.local", "*.example.com") or "*"', fix);
  }
}

// Kubernetes label key: optional DNS-1123 subdomain prefix and "/", then a name of at most
// 63 characters; value: empty or at most 63 characters. Istio selectors reject "*" in both.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** @internal */
export function checkLabel(scope: IConstruct, field: string, key: string, value: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const keyOk = name.length > 0 && name.length <= 63 && LABEL_NAME.test(name)
    && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
  if (!keyOk) {
    invalid(scope, field, key, 'a label key must be an optional DNS subdomain prefix and "/" followed by a name of at most 63 characters (letters, digits, "-", "_", "."); wildcards are not allowed', 'use a key such as "app" or "app.kubernetes.io/name"');
  }
  if (value.length > 63 || (value.length > 0 && !LABEL_NAME.test(value))) {
    invalid(scope, field, value, 'a label value must be at most 63 characters of letters, digits, "-", "_", "." and start and end with a letter or digit; wildcards are not allowed', 'use the exact label value, e.g. "reviews"');
  }
}

/**
 * True for an IPv4 or IPv6 address (no prefix length).
 * @internal
 */
export function isIpAddress(value: string): boolean {
  return typeof value === 'string' && isIP(value) !== 0;
}

/**
 * True for an IPv4 or IPv6 CIDR block with its prefix length, e.g. "10.0.0.0/16".
 * @internal
 */
export function isCidr(value: string): boolean {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const family = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (family === 0 || !/^[0-9]{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Checks an IP address or CIDR block ("10.0.0.0/16", "192.168.1.7", "2001:db8::/32").
 * @internal
 */
export function checkIpOrCidr(scope: IConstruct, field: string, value: string): void {
  if (!isIpAddress(value) && !isCidr(value)) {
    invalid(scope, field, value, 'it must be an IP address or a CIDR block', 'write e.g. "10.0.0.0/16", "192.168.1.7" or "2001:db8::/32"');
  }
}

const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;
const FQDN_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * An HTTP header name (an RFC 7230 token: letters, digits and !#$%&'*+-.^_`|~).
 * @internal
 */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * An integer between `min` and int32 max (for the protobuf `int32` fields).
 * @internal
 */
export function checkInt32(scope: IConstruct, field: string, value: number | undefined, min = 0): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > INT32_MAX) {
    invalid(scope, field, value, `it must be an integer from ${min} to ${INT32_MAX}`, `pass a whole number >= ${min}`);
  }
}

/**
 * An integer between `min` and uint32 max (for the protobuf `uint32` fields).
 * @internal
 */
export function checkUint32(scope: IConstruct, field: string, value: number | undefined, min = 0): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > UINT32_MAX) {
    invalid(scope, field, value, `it must be an integer from ${min} to ${UINT32_MAX}`, `pass a whole number >= ${min}`);
  }
}

/**
 * A non-empty string.
 * @internal
 */
export function checkNonEmptyString(scope: IConstruct, field: string, value: string | undefined, fix: string): void {
  if (value === undefined) return;
  if (value.trim().length === 0) {
    invalid(scope, field, value, 'it must not be empty', fix);
  }
}

/**
 * Kubernetes label keys and values (subset and endpoint labels), checked like selectors:
 * no wildcards.
 * @internal
 */
export function checkLabels(scope: IConstruct, field: string, labels: { [key: string]: string } | undefined): void {
  if (labels === undefined) return;
  for (const [key, value] of Object.entries(labels)) {
    checkLabel(scope, `${field} label ${JSON.stringify(key)}`, key, value);
  }
}

/**
 * Istio's `exportTo` rules: each entry is "." (this namespace), "*" (all namespaces), a
 * namespace name, or (ServiceEntry only) "~" (no namespace); no duplicates; "*" and "~"
 * must stand alone.
 * @internal
 */
export function checkExportTo(scope: IConstruct, field: string, values: readonly string[] | undefined, opts: { allowNone?: boolean } = {}): void {
  if (values === undefined) return;
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) invalid(scope, field, v, 'the namespace appears more than once', 'list each namespace once');
    seen.add(v);
    if (v === '.' || v === '*') continue;
    if (v === '~') {
      if (!opts.allowNone) invalid(scope, field, v, '"~" (export to no namespace) is only allowed for ServiceEntry', 'use "." to keep the resource in its own namespace');
      continue;
    }
    checkDns1123Label(scope, field, v);
  }
  if (values.length > 1 && seen.has('*')) {
    invalid(scope, field, values, '"*" (all namespaces) cannot be combined with other entries', 'use ["*"] alone, or list the namespaces');
  }
  if (values.length > 1 && seen.has('~')) {
    invalid(scope, field, values, '"~" (no namespace) cannot be combined with other entries', 'use ["~"] alone, or list the namespaces');
  }
}

/**
 * True for a fully qualified domain name without wildcards ("api.example.com").
 * @internal
 */
export function isFqdn(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => l.length <= 63 && FQDN_LABEL.test(l));
}

/**
 * Renders a list of strings, checking each one is non-empty.
 * @internal
 */
export function renderStrings(scope: IConstruct, field: string, values: readonly string[] | undefined, fix: string): string[] | undefined {
  if (values === undefined) return undefined;
  values.forEach((v, i) => checkNonEmptyString(scope, `${field}[${i}]`, v, fix));
  return [...values];
}

/**
 * Checks an optional list: when given it must not be empty and hold no empty strings.
 * @internal
 */
export function checkStringList(scope: IConstruct, field: string, values: readonly string[] | undefined, fix: string): void {
  if (values === undefined) return;
  if (!Array.isArray(values)) {
    invalid(scope, field, values, 'it must be a list of strings', fix);
  }
  checkNonEmpty(scope, field, values, fix);
  values.forEach((v, i) => {
    if (typeof v !== 'string' || v.trim().length === 0) {
      invalid(scope, `${field}[${i}]`, v, 'the value must be a non-empty string', fix);
    }
  });
}

/**
 * Copies an optional list (so later mutation of the caller's array has no effect).
 * @internal
 */
export function copyList<T>(values: readonly T[] | undefined): T[] | undefined {
  return values === undefined ? undefined : [...values];
}

/**
 * An HTTP header or query parameter name (RFC 7230 token), 1-256 characters.
 * @internal
 */
export function checkHeaderName(scope: IConstruct, field: string, value: string): void {
  if (value.length === 0 || value.length > 256 || !HTTP_TOKEN.test(value)) {
    invalid(scope, field, value, 'a header or query parameter name must be 1-256 token characters (letters, digits and !#$%&\'*+-.^_`|~; no spaces or ":")', 'use e.g. "x-user" or "version"');
  }
}

/**
 * A string of `min`..`max` characters.
 * @internal
 */
export function checkLength(scope: IConstruct, field: string, value: string, min: number, max: number): void {
  if (value.length < min || value.length > max) {
    invalid(scope, field, value, min === max ? `it must be exactly ${min} characters` : `it must be ${min} to ${max} characters long (is ${value.length})`, 'shorten or fill in the value');
  }
}

const API_KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const API_GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Kubernetes API group (empty for the core group, else a DNS subdomain) and kind (a letter,
 * then letters, digits and "-", at most 63), as object references write them.
 * @internal
 */
export function checkGroupKind(scope: IConstruct, field: string, group: string, kind: string, example: string): void {
  if (typeof group !== 'string' || group.length > 253 || !API_GROUP.test(group)) {
    invalid(scope, `${field} group`, group, 'an API group must be empty (core) or a DNS subdomain', `use e.g. ${example}`);
  }
  if (typeof kind !== 'string' || kind.length > 63 || !API_KIND.test(kind)) {
    invalid(scope, `${field} kind`, kind, 'a kind must start with a letter and hold only letters, digits and "-"', `use e.g. ${example}`);
  }
}

/**
 * A list of at most `max` entries.
 * @internal
 */
export function checkMaxItems(scope: IConstruct, field: string, count: number, max: number, fix: string): void {
  if (count > max) {
    invalid(scope, field, `${count} entries`, `the Gateway API allows at most ${max}`, fix);
  }
}

/** The longest regex istiod accepts. */
const MAX_REGEX_LENGTH = 1024;

/**
 * Checks a pattern Envoy compiles with RE2 (Istio's string matches, Gateway API path, header
 * and query regexes) with a real RE2 engine: look-around, back-references, `\Z`, `\h`,
 * repeat counts over 1000 and anything else RE2 does not parse are refused; RE2-only syntax
 * (`(?P<name>...)`, inline flags anywhere, `\pL`) is accepted.
 * @internal
 */
export function checkRe2Regex(scope: IConstruct, field: string, pattern: string): void {
  if (/\(\?<?[=!]/.test(pattern)) {
    invalid(scope, field, pattern, 'RE2 (used by Envoy) does not support look-ahead or look-behind groups', 'rewrite the pattern without (?=...), (?!...), (?<=...) or (?<!...)');
  }
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) {
    invalid(scope, field, pattern, 'RE2 (used by Envoy) does not support back-references', 'rewrite the pattern without \\1-style back-references');
  }
  if (pattern.length > MAX_REGEX_LENGTH) {
    invalid(scope, field, `${pattern.slice(0, 40)}... (${pattern.length} characters)`, `istiod accepts regexes of at most ${MAX_REGEX_LENGTH} characters`, 'shorten the pattern, or split the match into several routes');
  }
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    invalid(scope, field, pattern, `the regular expression does not parse as RE2 (${(e as Error).message})`, 'fix the RE2 pattern, e.g. "^/v[0-9]+/.*"');
  }
}

/**
 * Checks the required properties of a construct (from JavaScript, nothing enforces them):
 * a missing one fails with the construct path and what to pass, instead of a TypeError.
 *
 * @param what the construct's name, e.g. "a DestinationRule"
 * @param required each required property with an example of what to pass
 * @internal
 */
export function checkRequiredProps(scope: IConstruct, what: string, props: object | undefined, required: { [name: string]: string }): void {
  if (props === undefined || props === null || typeof props !== 'object') {
    invalid(scope, 'props', props, `${what} needs its properties`, `pass { ${Object.entries(required).map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
  }
  for (const [name, example] of Object.entries(required)) {
    if ((props as { [key: string]: unknown })[name] === undefined) {
      invalid(scope, name, undefined, `${what} needs \`${name}\``, `pass ${name}: ${example}`);
    }
  }
}

/**
 * Checks that `expression` parses as CEL (istiod refuses a Telemetry access-log filter that
 * does not). The CEL parser is loaded only when an expression is checked.
 * @internal
 */
export function checkCelExpression(scope: IConstruct, field: string, expression: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
  try {
    parse(expression);
  } catch (e) {
    const reason = String((e as Error).message).split('\n')[0];
    invalid(scope, field, expression, `it is not a valid CEL expression (${reason})`, 'write a CEL expression over Envoy attributes, e.g. "response.code >= 400"');
  }
}

/**
 * Returns `value` when it is an instance of `cls`; otherwise refuses it (a plain object or a
 * string from JavaScript where a library class made with its factories is expected), naming
 * the field, the value and the factory to use, instead of failing later with a TypeError.
 * @internal
 */
export function expectInstance<T>(
  scope: IConstruct, field: string, value: T, cls: { readonly prototype: NonNullable<T>; readonly name: string }, example: string,
): T {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  if (value !== undefined && !(value instanceof (cls as unknown as Function))) {
    invalid(scope, field, value, `expected a ${cls.name} made with its factories, got a plain ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`, `write ${example}`);
  }
  return value;
}
