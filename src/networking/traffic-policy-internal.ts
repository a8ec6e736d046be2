import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { checkDns1123Label, checkLabel } from '../core/checks';
import { invalid } from '../core/errors';

// Module-private helpers shared by DestinationRule, ServiceEntry and Sidecar (and the
// traffic-policy building blocks). Not part of the public API: do not export this file
// from src/index.ts.

/**
 * Drops the `undefined` values of an object (a shallow copy).
 * @internal
 */
export function compact<T extends object>(obj: T): T {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/**
 * Like `compact`, but returns `undefined` when nothing is left.
 * @internal
 */
export function compactOrUndefined<T extends object>(obj: T): T | undefined {
  const out = compact(obj);
  return Object.keys(out).length === 0 ? undefined : out;
}

const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;

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
 * True for an IPv4 or IPv6 address (no prefix length).
 * @internal
 */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/**
 * True for an IPv4 or IPv6 CIDR block, e.g. "10.0.0.0/16".
 * @internal
 */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^[0-9]{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

const FQDN_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

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
