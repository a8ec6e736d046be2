import { isIP } from 'net';
import { IConstruct } from 'constructs';
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
const HOST = /^(\*|(\*\.)?[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?)*\.?)$/;

/** @internal */
export function checkHost(scope: IConstruct, field: string, value: string): void {
  const labelTooLong = value.split('.').some((label) => label.length > 63);
  if (value.length === 0 || value.length > 255 || labelTooLong || !HOST.test(value)) {
    invalid(scope, field, value, 'a host must be a DNS name with labels of at most 63 characters (e.g. "reviews", "reviews.prod.svc.cluster.local", "*.example.com") or "*"', 'remove schemes, ports and paths: write "api.example.com", not "https://api.example.com:443/v1"');
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
