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
  if (value.length === 0 || value.length > 255 || !HOST.test(value)) {
    invalid(scope, field, value, 'a host must be a DNS name (e.g. "reviews", "reviews.prod.svc.cluster.local", "*.example.com") or "*"', 'remove schemes, ports and paths: write "api.example.com", not "https://api.example.com:443/v1"');
  }
}
