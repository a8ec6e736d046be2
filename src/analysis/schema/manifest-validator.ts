// Validates one manifest like `kubectl apply --validate=strict` against an API server that
// has the vendored CRDs installed:
//  - custom resources (any group/kind of imports/schemas, every version): the version's
//    openAPIV3Schema via ajv (unknown fields rejected, RE2 patterns, formats, defaults
//    applied to a copy), then its x-kubernetes-validations CEL rules and list-type uniqueness;
//  - built-in kinds: kubernetes-models 4.x validators, made strict about unknown fields;
//  - metadata of every object: ObjectMeta schema (strict) and the API server's name,
//    namespace, label and annotation rules.
// Kinds neither the catalogue nor kubernetes-models knows are reported as `unknownKind`
// (their metadata is still checked): the caller decides whether that is an error.
import type { ErrorObject } from 'ajv';
import { RuleChecker, collectRules, compileRule } from './cel-rules';
import type { PassedChecks, RuleProblem } from './cel-rules';
import { compiledSchema } from './compiled-schemas';
import { coreValidator, objectMetaValidator } from './core-objects';
import { dataKeyProblems, metadataProblems } from './metadata-rules';
import type { CrdVersionEntry } from './schema-catalog';
import { CrdCatalog } from './schema-catalog';
import { validateStrict } from './strict-tracking';

/** One problem of a manifest: field path (`spec.http[0].route`) and message. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** The result of validating one manifest. */
export interface ManifestValidation {
  readonly problems: SchemaProblem[];
  /** True when no schema knows the object's apiVersion + kind (only metadata was checked). */
  readonly unknownKind: boolean;
}

/** `/spec/http/0/route` -> `spec.http[0].route`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function ajvMessage(e: ErrorObject): string {
  const p: any = e.params ?? {};
  switch (e.keyword) {
    case 'enum': return `Unsupported value: must be one of ${JSON.stringify(p.allowedValues)}`;
    case 'oneOf':
      return p.passingSchemas
        ? 'must match exactly one schema in oneOf, but matches several (mutually exclusive fields set together?)'
        : 'must match exactly one schema in oneOf, but matches none';
    case 'type': return e.message ?? `must be ${p.type}`;
    case 'required': return `Required value: must have required property '${p.missingProperty}'`;
    case 'format': return `${e.message ?? `must match format "${p.format}"`}`;
    default:
      return e.message ?? `failed ${e.keyword} ${JSON.stringify(p)}`;
  }
}

/** The value at a JSON pointer, or undefined. */
function valueAt(data: unknown, pointer: string): unknown {
  let v: any = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** A value as the API server prints it in `Invalid value: ...` (JSON, shortened). */
export function printValue(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 160 ? `${json.slice(0, 150)}...(${json.length} characters)` : json;
}

/** Keywords whose message is about the value itself (the API server prints it). */
const VALUE_KEYWORDS = new Set(['type', 'format', 'pattern', 'enum', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'multipleOf', 'const', 'uniqueItems']);

function ajvProblems(errors: ErrorObject[] | null | undefined, prefix = '', data?: unknown): SchemaProblem[] {
  if (!errors) return [];
  // Drop the branch-level noise under a failing oneOf/anyOf: the junctor error says it.
  const junctors = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (junctors.some((j) => j !== e && e.schemaPath.startsWith(`${j.schemaPath}/`))) continue;
    let pointer = prefix + e.instancePath;
    let message = ajvMessage(e);
    if (data !== undefined && VALUE_KEYWORDS.has(e.keyword)) {
      const v = valueAt(data, e.instancePath);
      if (v !== undefined) message = `Invalid value: ${printValue(v)}: ${message}`;
    }
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as any).additionalProperty;
      pointer += `/${String(prop).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = `unknown field "${prop}"`;
    }
    const p = { path: pointerToPath(pointer) || '<root>', message };
    const key = `${p.path}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function unknownFieldProblems(pointers: string[]): SchemaProblem[] {
  return pointers.map((ptr) => {
    const segs = ptr.split('/');
    const field = segs[segs.length - 1].replace(/~1/g, '/').replace(/~0/g, '~');
    return { path: pointerToPath(ptr), message: `unknown field "${field}"` };
  });
}

/** `VirtualService "reviews" in namespace shop (networking.istio.io/v1)`. */
export function describeManifest(obj: any): string {
  if (obj === null || typeof obj !== 'object') return `<${obj === null ? 'null' : typeof obj}>`;
  const kind = typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  const ns = typeof obj.metadata?.namespace === 'string' ? ` in namespace ${obj.metadata.namespace}` : '';
  const av = typeof obj.apiVersion === 'string' ? ` (${obj.apiVersion})` : '';
  return `${kind} "${name}"${ns}${av}`;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const ruleWorkMemo = new WeakMap<object, boolean>();

/** Whether a CRD version's schema gives any field a default (which ajv then writes into the data). */
const hasDefaultsMemo = new WeakMap<CrdVersionEntry, boolean>();
function hasDefaults(entry: CrdVersionEntry): boolean {
  let has = hasDefaultsMemo.get(entry);
  // a property named "default" counts too: that only costs a copy
  if (has === undefined) hasDefaultsMemo.set(entry, has = JSON.stringify(entry.schema).includes('"default":'));
  return has;
}

/**
 * Whether a value is what JSON.parse could return: null, strings, booleans, finite numbers, and
 * arrays and plain objects of those (no undefined, no holes, no class instances, not deeper than
 * `depth`). Such a value reads the same as its JSON copy (validateManifest checks the copy of
 * any other value).
 */
function isJsonValue(v: unknown, depth = 64): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || depth === 0) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !isJsonValue(v[i], depth - 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k of Object.keys(v)) if (!isJsonValue((v as { [key: string]: unknown })[k], depth - 1)) return false;
  return true;
}

function validateCustomResource(entry: CrdVersionEntry, obj: any, remembered?: PassedChecks): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const scope = `${entry.group}/${entry.version}/${entry.kind}`;
  const passed: PassedChecks | undefined = remembered && { ...remembered, keyOf: (check, input) => remembered.keyOf(`${scope}\0${check}`, input) };
  // ajv writes the schema's defaults into the data it checks: a copy, unless there are none
  const data = hasDefaults(entry) ? JSON.parse(JSON.stringify(obj)) : obj;
  const validate = compiledSchema(entry);
  if (!validate(data)) problems.push(...ajvProblems(validate.errors, '', data));
  if (isPlainObject(obj.metadata)) {
    // ObjectMeta's validator lives in kubernetes-models: not loaded when this metadata passed before
    const key = passed?.keyOf('ObjectMeta', obj.metadata);
    if (key === undefined || !passed!.passed(key)) {
      const meta = validateStrict(objectMetaValidator(), obj.metadata, '/metadata');
      const metaProblems = [...ajvProblems(meta.errors, '/metadata', obj.metadata), ...unknownFieldProblems(meta.unknownFields)];
      problems.push(...metaProblems);
      if (key !== undefined && metaProblems.length === 0) passed!.remember(key);
    }
  }
  const ruleProblems: RuleProblem[] = [];
  new RuleChecker(ruleProblems, ruleWorkMemo, passed).check(entry.schema, data, '');
  for (const p of ruleProblems) {
    const message = p.value === undefined || isPlainObject(p.value) || Array.isArray(p.value) ? p.message : `Invalid value: ${printValue(p.value)}: ${p.message}`;
    problems.push({ path: p.path.replace(/^\./, '') || '<root>', message });
  }
  return problems;
}

function validateBuiltIn(obj: any): SchemaProblem[] | undefined {
  const fn = coreValidator(obj.apiVersion, obj.kind);
  if (!fn) return undefined;
  const { errors, unknownFields } = validateStrict(fn, obj);
  return [...ajvProblems(errors, '', obj), ...unknownFieldProblems(unknownFields)];
}

/**
 * Validates one manifest object. `passed` remembers checks that passed in earlier runs (CEL
 * rules on the same value, the same metadata), so that an object changed in one place is
 * validated again without loading the engines of the checks its change does not touch.
 */
export function validateManifest(given: unknown, passed?: PassedChecks): ManifestValidation {
  const fail = (path: string, message: string): ManifestValidation => ({ problems: [{ path, message }], unknownKind: false });
  // what the API server would receive: the object's JSON (undefined fields gone, ...)
  let obj: unknown = given;
  if (!isJsonValue(given)) {
    try {
      obj = JSON.parse(JSON.stringify(given) ?? 'null');
    } catch (e) {
      return fail('<root>', `a manifest must be JSON: ${(e as Error).message}`); // a cycle, a BigInt
    }
  }
  if (!isPlainObject(obj)) return fail('<root>', `a manifest must be an object, got ${JSON.stringify(given)}`);
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return fail('apiVersion', 'Required value: apiVersion must be a non-empty string');
  if (typeof kind !== 'string' || kind === '') return fail('kind', 'Required value: kind must be a non-empty string');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const catalog = CrdCatalog.default();
  let problems: SchemaProblem[];
  let unknownKind = false;
  if (group !== '' && catalog.hasGroupKind(group, kind)) {
    const entry = catalog.get(group, version, kind);
    if (!entry) {
      return fail('apiVersion', `no matches for kind "${kind}" in version "${apiVersion}": the CRD defines versions ${catalog.versionsOf(group, kind).join(', ')}`);
    }
    if (!entry.served) {
      return fail('apiVersion', `version "${version}" of ${kind} is not served by its CRD (${entry.crdName}); use ${catalog.versionsOf(group, kind).filter((v) => catalog.get(group, v, kind)?.served).join(' or ')}`);
    }
    problems = validateCustomResource(entry, obj, passed);
  } else {
    const builtIn = validateBuiltIn(obj);
    unknownKind = builtIn === undefined;
    problems = builtIn ?? [];
  }
  problems.push(...metadataProblems(obj), ...dataKeyProblems(obj));
  return { problems, unknownKind };
}

/** Kinds nearly every mesh app has: what {@link prewarmValidation} prepares. */
const COMMON_CUSTOM_KINDS: readonly [string, string, string][] = [
  ['networking.istio.io', 'v1', 'VirtualService'],
  ['networking.istio.io', 'v1', 'DestinationRule'],
  ['networking.istio.io', 'v1', 'Gateway'],
  ['security.istio.io', 'v1', 'AuthorizationPolicy'],
  ['security.istio.io', 'v1', 'PeerAuthentication'],
];
const COMMON_BUILT_IN_KINDS: readonly [string, string][] = [
  ['apps/v1', 'Deployment'], ['v1', 'Service'], ['v1', 'ServiceAccount'], ['v1', 'Namespace'],
];

/**
 * Loads the validation engines and prepares the common kinds' schemas and CEL rules, so that
 * the first validation is fast (run by the validation worker while the app is constructed).
 */
export function prewarmValidation(): void {
  objectMetaValidator();
  for (const [apiVersion, kind] of COMMON_BUILT_IN_KINDS) coreValidator(apiVersion, kind);
  const catalog = CrdCatalog.default();
  for (const [group, version, kind] of COMMON_CUSTOM_KINDS) {
    const entry = catalog.get(group, version, kind);
    if (!entry) continue;
    compiledSchema(entry);
    for (const rule of collectRules(entry.schema)) compileRule(rule);
  }
}
