import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

// Istio's authorization match-value syntax, shared by AuthorizationPolicy and RequestAuthentication
// (generic checks live in src/core/checks.ts).
// Internal module: not part of the public API (do not export it from src/index.ts).

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

