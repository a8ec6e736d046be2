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

/** Runs `validate` on `data` and reports schema errors plus unknown fields (JSON pointers). */
export function validateStrict(validate: AjvValidateFn, data: unknown, basePointer = ''): StrictResult {
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
