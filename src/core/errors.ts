import { IConstruct } from 'constructs';

/**
 * Formats a value for an error message: strings quoted, objects as JSON.
 * @internal
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Builds the library's error message: construct path, field, bad value, and the fix.
 *
 * `[bookinfo/reviews] route weight 120 is invalid: weights must be between 0 and 100. Fix: ...`
 * @internal
 */
export function invalidMessage(scope: IConstruct, field: string, value: unknown, problem: string, fix: string): string {
  return `[${scope.node.path}] ${validationMessage(field, value, problem, fix)}`;
}

/**
 * The same message without the construct path, for `node.addValidation()` results:
 * cdk8s already prefixes each validation error with `[<construct path>]`.
 * @internal
 */
export function validationMessage(field: string, value: unknown, problem: string, fix: string): string {
  return `${field} ${showValue(value)} is invalid: ${problem}. Fix: ${fix}`;
}

/**
 * Throws a synth-time validation error naming the construct path, the field, the bad
 * value and how to fix it.
 * @internal
 */
export function invalid(scope: IConstruct, field: string, value: unknown, problem: string, fix: string): never {
  throw new Error(invalidMessage(scope, field, value, problem, fix));
}
