// Rendering helpers shared by every layer.

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
