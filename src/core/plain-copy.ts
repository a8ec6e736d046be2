// A rendered object rebuilt with shared hidden classes. The bindings `cdk8s import` generates
// (ours and cdk8s-plus's) render each struct with `Object.entries(r).reduce((r, i) => ({ ...r,
// [i[0]]: i[1] }), {})`, and V8 gives every object such a spread builds a hidden class (map) of
// its own: one per rendered struct, so that everything that reads the renderings (the
// synth-time analysis, the YAML writer, the result cache's JSON.stringify) runs megamorphic, and
// each map and its descriptors stay in memory with the object. Copied once right after
// rendering, objects of the same shape share one map. For the benchmark mesh of 1,000 services
// (heap snapshots, profiles): objects with a map of their own 50,000 → 9,000 (the rest are the
// constructs' props, built by the generated constructors); the copy takes ~50 ms, the analysis
// ~60 ms less and the YAML ~25 ms less. (V8 limits the shapes it links from the empty object's
// class to ~1,500: in a process that already built objects of that many different first keys, a
// new shape gets a class per object, copied or not; a `cdk8s synth` rarely comes near.)

/**
 * Deeper than any manifest: a value nested deeper (or a cycle) is kept as it is, not copied
 * (./json-text does not hand it over as JSON either).
 * @internal
 */
export const MANIFEST_MAX_DEPTH = 100;

/**
 * `value` with every plain object (prototype Object.prototype) and array in it rebuilt, key by
 * key in the same order; everything else (strings, numbers including NaN and -0, undefined,
 * class instances, objects without a prototype) is kept as it is, so the copy writes the same
 * YAML and JSON as the original. Array holes stay holes.
 * @internal
 */
export function plainCopy<T>(value: T): T {
  return copy(value, 0) as T;
}

function copy(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > MANIFEST_MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copy(value[i], depth + 1);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const v = copy(record[key], depth + 1);
    // an own `__proto__` key (JSON can hold one) must stay a key, not become the prototype
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
