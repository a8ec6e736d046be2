// Semantic comparison of synthesized manifests with Istio's official Bookinfo YAML.
//
// Both sides are normalised the same way, and only in ways the Kubernetes API server
// itself makes two objects equal (see test/bookinfo/README.md for the full list):
//
//  1. key order: irrelevant (objects are compared key by key);
//  2. `null` values of non-nullable fields are dropped (structural-schema pruning);
//  3. CRD structural-schema `default`s are applied where a field is absent, exactly as
//     the API server does on create (e.g. Gateway API `parentRefs[].group/kind`);
//  4. an empty list or empty map equals an omitted one (proto3 repeated/map fields and Go
//     `omitempty` slices/maps have no presence), except where the schema defines a
//     `default` for that field (there omission is NOT the same as empty);
//  5. API version aliases: objects are matched by API group + kind + namespace + name; two
//     versions of a kind count as equal only when its CRD serves both with the same schema
//     (descriptions ignored), i.e. the API server converts between them losslessly.
//
// Our constructs may add a field only where ALLOWED_ADDITIONS lists it (exact path and exact
// value, only when the official object omits it). Anything else — a missing, extra or
// changed field, a missing or extra object — is reported.
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { CrdCatalog } from '../support/crd-catalog';

/** The vendored Istio 1.30.3 Bookinfo samples. */
export const BOOKINFO_DIR = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3-bookinfo');

/**
 * A field our constructs may add to an object although the official manifest omits it.
 */
export interface AllowedAddition {
  /** API group of the objects concerned. */
  readonly group: string;
  /** Kind of the objects concerned. */
  readonly kind: string;
  /** Field path from the object root, e.g. `['spec', 'location']`. */
  readonly path: readonly string[];
  /** The only value the addition may have. */
  readonly value: unknown;
  /** Why the addition does not change the meaning of the object. */
  readonly reason: string;
}

/**
 * Every field our constructs are allowed to add (documented in README.md).
 */
export const ALLOWED_ADDITIONS: readonly AllowedAddition[] = [
  {
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    path: ['spec', 'location'],
    value: 'MESH_EXTERNAL',
    reason: 'ServiceEntry always states its location explicitly; MESH_EXTERNAL is the zero value of '
      + 'Istio\'s ServiceEntry.Location enum, i.e. what Istio uses when the field is omitted',
  },
];

/** Options of the comparison. */
export interface DiffOptions {
  /**
   * Fields the actual objects may add.
   *
   * @default ALLOWED_ADDITIONS
   */
  readonly allowedAdditions?: readonly AllowedAddition[];
}

type Json = any;

function isPlainObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `networking.istio.io/v1` → `{ group: 'networking.istio.io', version: 'v1' }`; `v1` → core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Identity of an object: API group, kind, namespace and name (not the API version). */
export function objectKey(obj: Json): string {
  const { group } = splitApiVersion(String(obj?.apiVersion ?? ''));
  const ns = obj?.metadata?.namespace ?? '';
  return `${group || 'core'}/${obj?.kind}${ns ? ` ${ns}/` : ' '}${obj?.metadata?.name}`;
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

// ------------------------------------------------------------------ schema handling

/** Schema node of an object property (undefined: unknown / preserved field). */
function propertySchema(schema: Json, key: string): Json | undefined {
  if (!isPlainObject(schema)) return undefined;
  if (isPlainObject(schema.properties) && key in schema.properties) return schema.properties[key];
  if (isPlainObject(schema.additionalProperties)) return schema.additionalProperties;
  return undefined;
}

/** Whether the schema node describes a map (`additionalProperties`, no fixed properties). */
function isMapSchema(schema: Json): boolean {
  return isPlainObject(schema) && isPlainObject(schema.additionalProperties) && !isPlainObject(schema.properties);
}

/** Step 2: drops `null` values of fields whose schema is not `nullable` (recursively). */
function pruneNulls(schema: Json, value: Json): void {
  if (Array.isArray(value)) {
    for (const item of value) pruneNulls(schema?.items, item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const sub = propertySchema(schema, key);
    if (value[key] === null && !(isPlainObject(sub) && sub.nullable === true)) {
      delete value[key];
    } else {
      pruneNulls(sub, value[key]);
    }
  }
}

/** Step 3: applies structural-schema defaults to absent fields, top-down (like the API server). */
function applyDefaults(schema: Json, value: Json, root = false): void {
  if (!isPlainObject(schema)) return;
  if (Array.isArray(value)) {
    for (const item of value) applyDefaults(schema.items, item);
    return;
  }
  if (!isPlainObject(value)) return;
  if (isPlainObject(schema.properties)) {
    for (const [key, sub] of Object.entries<Json>(schema.properties)) {
      // `status` belongs to the controller (the status subresource ignores it on create).
      if (root && key === 'status') continue;
      if (value[key] === undefined && isPlainObject(sub) && sub.default !== undefined) {
        value[key] = JSON.parse(JSON.stringify(sub.default));
      }
    }
  }
  for (const key of Object.keys(value)) applyDefaults(propertySchema(schema, key), value[key]);
}

/** Step 4: drops empty lists and empty maps that have no schema default (recursively). */
function dropEmptyCollections(schema: Json, value: Json): void {
  if (Array.isArray(value)) {
    for (const item of value) dropEmptyCollections(schema?.items, item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const sub = propertySchema(schema, key);
    dropEmptyCollections(sub, value[key]);
    const v = value[key];
    const hasDefault = isPlainObject(sub) && sub.default !== undefined;
    if (hasDefault) continue;
    const emptyList = Array.isArray(v) && v.length === 0;
    const emptyMap = isPlainObject(v) && Object.keys(v).length === 0 && isMapSchema(sub);
    if (emptyList || emptyMap) delete value[key];
  }
}

function stripDescriptions(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(stripDescriptions);
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'description') out[k] = stripDescriptions(v);
  return out;
}

/**
 * Whether two API versions of a kind are aliases: the CRD serves both with the same schema
 * (descriptions aside), so the API server converts between them without loss.
 */
export function areVersionAliases(group: string, kind: string, a: string, b: string): boolean {
  if (a === b) return true;
  const catalog = CrdCatalog.default();
  const ea = catalog.get(group, a, kind);
  const eb = catalog.get(group, b, kind);
  if (!ea || !eb || !ea.served || !eb.served) return false;
  return isDeepStrictEqual(stripDescriptions(ea.schema), stripDescriptions(eb.schema));
}

/**
 * Normalises one manifest (steps 2-4 above; key order needs no step). Throws for a kind no
 * vendored CRD defines: the comparison only knows how the API server treats custom resources.
 */
export function normalizeManifest(obj: Json): Json {
  if (!isPlainObject(obj)) throw new Error(`a manifest must be an object, got ${show(obj)}`);
  const { group, version } = splitApiVersion(String(obj.apiVersion));
  const entry = CrdCatalog.default().get(group, version, String(obj.kind));
  if (!entry) throw new Error(`${objectKey(obj)}: no vendored CRD defines ${obj.apiVersion} ${obj.kind}`);
  const copy = JSON.parse(JSON.stringify(obj));
  pruneNulls(entry.schema, copy);
  applyDefaults(entry.schema, copy, true);
  dropEmptyCollections(entry.schema, copy);
  return copy;
}

// ------------------------------------------------------------------ comparison

/** Field-by-field differences between two normalised values (empty when equal). */
export function diffValues(expected: Json, actual: Json, at = ''): string[] {
  const where = at || '<root>';
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const out: string[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      const p = fieldPath(at, k);
      if (!(k in actual)) out.push(`missing field ${p} (expected ${show(expected[k])})`);
      else if (!(k in expected)) out.push(`extra field ${p}: ${show(actual[k])}`);
      else out.push(...diffValues(expected[k], actual[k], p));
    }
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: string[] = [];
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const p = fieldPath(at, i);
      if (i >= actual.length) out.push(`missing list item ${p} (expected ${show(expected[i])})`);
      else if (i >= expected.length) out.push(`extra list item ${p}: ${show(actual[i])}`);
      else out.push(...diffValues(expected[i], actual[i], p));
    }
    return out;
  }
  if (isDeepStrictEqual(expected, actual)) return [];
  return [`changed value at ${where}: expected ${show(expected)}, got ${show(actual)}`];
}

function getPath(obj: Json, p: readonly string[]): Json {
  let cur = obj;
  for (const k of p) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function deletePath(obj: Json, p: readonly string[]): void {
  const parent = getPath(obj, p.slice(0, -1));
  if (isPlainObject(parent)) delete parent[p[p.length - 1]];
}

function indexByKey(objects: readonly Json[], side: string, problems: string[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const o of objects) {
    const key = objectKey(o);
    if (out.has(key)) problems.push(`duplicate object in ${side}: ${key}`);
    out.set(key, o);
  }
  return out;
}

/**
 * Compares the official objects with ours: same set of objects (by group, kind, namespace,
 * name) and each semantically equal after normalisation. Returns one line per difference.
 */
export function diffManifests(official: readonly Json[], ours: readonly Json[], options: DiffOptions = {}): string[] {
  const additions = options.allowedAdditions ?? ALLOWED_ADDITIONS;
  const problems: string[] = [];
  const expected = indexByKey(official, 'the official manifests', problems);
  const actual = indexByKey(ours, 'our manifests', problems);
  for (const key of expected.keys()) {
    if (!actual.has(key)) problems.push(`missing object ${key}`);
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) problems.push(`extra object ${key}`);
  }
  for (const [key, exp] of expected) {
    const act = actual.get(key);
    if (act === undefined) continue;
    const e = normalizeManifest(exp);
    const a = normalizeManifest(act);
    const ev = splitApiVersion(e.apiVersion);
    const av = splitApiVersion(a.apiVersion);
    if (!areVersionAliases(ev.group, e.kind, ev.version, av.version)) {
      problems.push(`${key}: changed value at apiVersion: expected ${show(e.apiVersion)}, got ${show(a.apiVersion)} (not served with the same schema)`);
    }
    delete e.apiVersion;
    delete a.apiVersion;
    for (const add of additions) {
      if (add.group !== ev.group || add.kind !== e.kind) continue;
      if (getPath(e, add.path) === undefined && isDeepStrictEqual(getPath(a, add.path), add.value)) deletePath(a, add.path);
    }
    problems.push(...diffValues(e, a).map((d) => `${key}: ${d}`));
  }
  return problems;
}

// ------------------------------------------------------------------ loading and asserting

/**
 * Every object of a YAML file (all documents; empty documents skipped). A path relative to
 * the vendored Bookinfo directory, e.g. `networking/virtual-service-all-v1.yaml`, or absolute.
 */
export function loadOfficial(file: string): Json[] {
  const full = path.isAbsolute(file) ? file : path.join(BOOKINFO_DIR, file);
  const docs = parseAllDocuments(fs.readFileSync(full, 'utf8'));
  const out: Json[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file}#${i}: YAML error: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) out.push(obj);
  });
  return out;
}

/**
 * Synthesizes `chart` (validated against the CRD schemas by the jest setup) and asserts it is
 * semantically equal to the official file. On failure, jest shows every difference.
 */
export function expectParity(officialFile: string, chart: Chart, options: DiffOptions = {}): void {
  const official = loadOfficial(officialFile);
  expect(official.length).toBeGreaterThan(0);
  const ours = Testing.synth(chart);
  expect(diffManifests(official, ours, options)).toEqual([]);
}
