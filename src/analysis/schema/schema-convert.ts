// Converts a Kubernetes structural OpenAPI v3 schema (as found in a CRD's
// `openAPIV3Schema`) into a JSON schema ajv can compile, with the API server's
// strict field validation semantics:
//  - every `type: object` node that is not `x-kubernetes-preserve-unknown-fields`
//    and declares no `additionalProperties` rejects unknown fields;
//  - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
//  - `nullable` is kept (ajv understands it) only where a `type` is present;
//  - `x-kubernetes-*` keywords and descriptions are dropped (CEL rules and
//    list types are checked by cel-rules.ts against the raw schema);
//  - formats the API server does not know are dropped.

/** Formats ajv is given implementations for (see validator.ts). */
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
 */
export function toAjvSchema(root: any): any {
  const out = convert(root, false);
  // `metadata` is `type: object` in CRDs; the API server validates it as ObjectMeta,
  // which validator.ts does separately (names, labels, annotations, unknown fields).
  // Every object may carry apiVersion, kind and metadata, whether or not the CRD lists them.
  out.properties = {
    ...out.properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
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
