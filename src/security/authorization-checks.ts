import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';

// Input checks shared by the AuthorizationPolicy and RequestAuthentication constructs.
// Internal module: not part of the public API (do not export it from src/index.ts).

/**
 * Checks an IP address or CIDR block ("10.0.0.0/16", "192.168.1.7", "2001:db8::/32").
 * @internal
 */
export function checkCidr(scope: IConstruct, field: string, value: string): void {
  const fail = (): never => invalid(scope, field, value, 'it must be an IP address or a CIDR block', 'write e.g. "10.0.0.0/16", "192.168.1.7" or "2001:db8::/32"');
  if (typeof value !== 'string') fail();
  const slash = value.indexOf('/');
  const ip = slash === -1 ? value : value.slice(0, slash);
  const family = isIP(ip);
  if (family === 0) fail();
  if (slash !== -1) {
    const bits = value.slice(slash + 1);
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) fail();
  }
}

/**
 * Checks a value matched by Istio's string matching in authorization policies: exact,
 * prefix ("abc*"), suffix ("*abc") or presence ("*"); the "*" may appear only at one end.
 * @internal
 */
export function checkMatchValue(scope: IConstruct, field: string, value: string, example: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    invalid(scope, field, value, 'the value must be a non-empty string', `write e.g. ${JSON.stringify(example)}`);
  }
  const inner = value.length > 1 ? value.slice(1, -1) : '';
  if (inner.includes('*') || (value.length > 1 && value.startsWith('*') && value.endsWith('*'))) {
    invalid(scope, field, value, 'Istio matches exact values, a prefix ("abc*"), a suffix ("*abc") or presence ("*"): "*" may appear once, only at the start or the end', `write e.g. ${JSON.stringify(example)}`);
  }
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

