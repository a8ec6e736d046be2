// Converts a Kubernetes structural OpenAPI v3 schema (as found in a CRD's
// `openAPIV3Schema`) into a JSON schema ajv can compile, with the API server's
// strict field validation semantics:
//  - every `type: object` node that is not `x-kubernetes-preserve-unknown-fields`
//    and declares no `additionalProperties` rejects unknown fields;
//  - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
//  - `nullable` is kept (ajv understands it) only where a `type` is present;
//  - `x-kubernetes-*` keywords and descriptions are dropped (CEL rules and
//    list types are checked by cel-rules.ts against the raw schema);
//  - formats the API server does not know are dropped;
//  - a subschema that occurs more than once (a DestinationRule's traffic policy holds the same
//    load balancer, connection pool, outlier detection and TLS settings for the whole service
//    and again for each port, and each subset repeats it all) is kept once, under
//    `definitions`, and referred to: ajv compiles it once (a DestinationRule's validator
//    compiles in a third of the time, and its code is a quarter of the size).

/** Formats ajv is given implementations for (see ./ajv-runtime). */
export const KNOWN_FORMATS = new Set([
  'int32', 'int64', 'float', 'double', 'byte', 'date-time', 'date', 'ipv4', 'ipv6', 'cidr', 'uuid',
]);

const DROP = new Set(['description', 'example', 'externalDocs', 'title']);

/** True when a (raw) schema node lets unknown fields through. */
export function preservesUnknown(schema: any): boolean {
  return schema?.['x-kubernetes-preserve-unknown-fields'] === true;
}

/**
 * Converts one raw CRD version schema.
 * @param root the version's `openAPIV3Schema`
 * @param share whether subschemas that repeat are kept once (see shareRepeatedSubschemas)
 */
export function toAjvSchema(root: any, share = true): any {
  const out = convert(root, false);
  // `metadata` is `type: object` in CRDs; the API server validates it as ObjectMeta,
  // which ./manifest-validator does separately (names, labels, annotations, unknown fields).
  // Every object may carry apiVersion, kind and metadata, whether or not the CRD lists them.
  out.properties = {
    ...out.properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
  return share ? shareRepeatedSubschemas(out) : out;
}

/**
 * Subschemas shorter than this (as JSON) stay inline where they repeat: a reference costs
 * about as much as compiling them again (over the vendored CRDs, 120 gives the least code).
 */
const MIN_SHARED_JSON = 120;

/** The subschemas of a (converted) schema node, and whether each is a branch of a junctor. */
function subschemas(s: any): { node: any; inJunctor: boolean }[] {
  const out: { node: any; inJunctor: boolean }[] = [];
  const add = (node: any, inJunctor: boolean): void => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) out.push({ node, inJunctor });
  };
  for (const v of Object.values(s.properties ?? {})) add(v, false);
  if (!Array.isArray(s.items)) add(s.items, false);
  else for (const v of s.items) add(v, false);
  add(s.additionalProperties, false);
  for (const k of ['allOf', 'anyOf', 'oneOf']) for (const v of s[k] ?? []) add(v, true);
  add(s.not, true);
  return out;
}

/**
 * Keeps each subschema that occurs more than once in a converted schema once, under
 * `definitions`, and puts a `$ref` to it everywhere it occurred (for a validator compiled with
 * ajv's `inlineRefs: false`). Subschemas within `anyOf`, `oneOf`, `allOf` and `not` stay
 * inline: the validator drops a failing junctor's branch errors by their schema path, which
 * must then lie under the junctor's (./manifest-validator). So do subschemas with a `default`:
 * ajv applies a property's default in its parent's code, from the property's own subschema.
 * @param root a schema made by `toAjvSchema` without sharing (not modified)
 */
function shareRepeatedSubschemas(root: any): any {
  // how often each subschema's text occurs once the repeated ones are kept once: the walk goes
  // into a text's subschemas only where it first meets the text
  const json = new Map<any, string>();
  const occurrences = new Map<string, number>();
  const count = (s: any, inJunctor: boolean): void => {
    const text = JSON.stringify(s);
    const seen = occurrences.get(text) ?? 0;
    // ajv writes a property's default from the parent's code, which does not see into a $ref
    if (s !== root && !inJunctor && s.default === undefined) {
      json.set(s, text);
      occurrences.set(text, seen + 1);
    }
    if (seen === 0 || s === root) for (const c of subschemas(s)) count(c.node, inJunctor || c.inJunctor);
  };
  count(root, false);
  const shared = (text: string | undefined) => text !== undefined && text.length >= MIN_SHARED_JSON && occurrences.get(text)! > 1;
  const definitions: Record<string, any> = {};
  const names = new Map<string, string>();
  const rewrite = (s: any): any => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
    const text = json.get(s);
    if (!shared(text)) return rewriteWithin(s);
    let name = names.get(text!);
    if (name === undefined) {
      name = `shared${names.size}`;
      names.set(text!, name);
      definitions[name] = rewriteWithin(s);
    }
    return { $ref: `#/definitions/${name}` };
  };
  // only nodes outside junctors are shared, so only those are rewritten
  const rewriteWithin = (s: any): any => {
    const o = { ...s };
    if (s.properties) o.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, rewrite(v)]));
    if (s.items !== null && typeof s.items === 'object') o.items = Array.isArray(s.items) ? s.items.map(rewrite) : rewrite(s.items);
    if (s.additionalProperties !== null && typeof s.additionalProperties === 'object') o.additionalProperties = rewrite(s.additionalProperties);
    return o;
  };
  const out = rewriteWithin(root);
  if (names.size > 0) out.definitions = definitions;
  return out;
}

function convert(s: any, inJunctor: boolean): any {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
  const o: any = {};
  for (const [k, v] of Object.entries(s)) {
    if (DROP.has(k) || k.startsWith('x-kubernetes-')) continue;
    switch (k) {
      case 'properties': {
        const props: any = {};
        for (const [pk, pv] of Object.entries(v as object)) props[pk] = convert(pv, inJunctor);
        o.properties = props;
        break;
      }
      case 'items':
        o.items = Array.isArray(v) ? v.map((x) => convert(x, inJunctor)) : convert(v, inJunctor);
        break;
      case 'additionalProperties':
        o.additionalProperties = typeof v === 'object' ? convert(v, inJunctor) : v;
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        o[k] = (v as any[]).map((x) => convert(x, true));
        break;
      case 'not':
        o.not = convert(v, true);
        break;
      case 'format':
        if (KNOWN_FORMATS.has(v as string)) o.format = v;
        break;
      case 'nullable':
        if (v === true && s.type) o.nullable = true;
        break;
      default:
        o[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string'] === true && !o.anyOf && !o.oneOf) {
    o.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.type === 'object' && !inJunctor && s.additionalProperties === undefined && !preservesUnknown(s)) {
    o.additionalProperties = false;
  }
  // `nullable` with an enum: ajv requires null to be listed.
  if (o.nullable && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  return o;
}
