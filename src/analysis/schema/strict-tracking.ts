// Strict unknown-field detection for the precompiled kubernetes-models validators.
//
// kubernetes-models 4.x ships ajv *standalone code* (no JSON schemas) that does not
// reject unknown fields. Its generated code reads every property its schema
// declares (`data.foo === undefined || validateFoo(data.foo)`) and iterates the keys
// of map-typed objects (`for (const key in data)`). So we run it on a Proxy that
// records, per object, which keys were read and whether the keys were enumerated:
//  - an object whose keys were enumerated is a map: every key is known;
//  - an object with no recorded access at all is free-form (RawExtension, FieldsV1):
//    anything goes, like `x-kubernetes-preserve-unknown-fields`;
//  - otherwise every own key the validator never read is an unknown field.
// This is exactly the API server's strict field validation for the built-in types,
// with the validator's own schema as the source of truth.

interface Track {
  touched: boolean;
  enumerated: boolean;
  readonly read: Set<string>;
}

/** A validate function produced by ajv (standalone or not). */
export type AjvValidateFn = ((data: unknown) => boolean) & { errors?: any[] | null };

/** An ajv-style error plus unknown-field findings, paths as JSON pointers. */
export interface StrictResult {
  readonly errors: any[];
  readonly unknownFields: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The shape of a value: its JSON with every leaf replaced by its type (so `{"a":"string"}`),
 * keys and array elements kept in order.
 */
function shapeOf(data: unknown): string {
  return JSON.stringify(data, (_key, v: unknown) => (v !== null && typeof v === 'object' ? v : typeof v)) ?? 'undefined';
}

/** Shapes a validator accepts, with the unknown fields found in them; at most MAX_SHAPES per validator. */
const ACCEPTED_SHAPES = new WeakMap<AjvValidateFn, Map<string, readonly string[]>>();
const MAX_SHAPES = 2_000;

/**
 * Runs `validate` on `data` and reports schema errors plus unknown fields (JSON pointers).
 *
 * Which keys the generated code reads depends on the shape of the data (its keys, array
 * lengths and leaf types), not on the values, as long as every check passes: the
 * kubernetes-models schemas branch on values only in `oneOf`s over scalar types (IntOrString,
 * Quantity), which read no keys. So once data of a shape passed, data of the same shape that
 * passes too has the same unknown fields: it is validated directly, without the proxies (which
 * cost several times the validation). Data that fails takes the tracked run, whose errors are
 * reported as before.
 */
export function validateStrict(validate: AjvValidateFn, data: unknown, basePointer = ''): StrictResult {
  if (data === null || typeof data !== 'object') return tracked(validate, data, basePointer);
  let shapes = ACCEPTED_SHAPES.get(validate);
  if (!shapes) ACCEPTED_SHAPES.set(validate, shapes = new Map());
  const shape = shapeOf(data);
  const known = shapes.get(shape);
  if (known && validate(data)) return { errors: [], unknownFields: known.map((p) => basePointer + p) };
  const result = tracked(validate, data, '');
  if (result.errors.length === 0 && shapes.size < MAX_SHAPES) shapes.set(shape, result.unknownFields);
  return basePointer === '' ? result : { errors: result.errors, unknownFields: result.unknownFields.map((p) => basePointer + p) };
}

/** The validation on proxies that record which keys the validator reads. */
function tracked(validate: AjvValidateFn, data: unknown, basePointer: string): StrictResult {
  const tracks = new Map<object, Track>();
  const proxies = new WeakMap<object, unknown>();
  const wrap = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const existing = proxies.get(v);
    if (existing) return existing;
    const t: Track = { touched: false, enumerated: false, read: new Set() };
    tracks.set(v, t);
    const p = new Proxy(v, {
      get(target, prop, receiver) {
        if (typeof prop === 'string') {
          t.touched = true;
          t.read.add(prop);
        }
        return wrap(Reflect.get(target, prop, receiver));
      },
      has(target, prop) {
        if (typeof prop === 'string') {
          t.touched = true;
          t.read.add(prop);
        }
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        t.touched = true;
        t.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(v, p);
    return p;
  };
  const ok = validate(wrap(data));
  const errors = ok ? [] : [...(validate.errors ?? [])];
  const unknownFields: string[] = [];
  const walk = (v: unknown, pointer: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${pointer}/${i}`));
      return;
    }
    if (!isPlainObject(v)) return;
    const t = tracks.get(v);
    for (const [k, x] of Object.entries(v)) {
      const child = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (t && t.touched && !t.enumerated && !t.read.has(k)) unknownFields.push(child);
      else walk(x, child);
    }
  };
  walk(data, basePointer);
  return { errors, unknownFields };
}
