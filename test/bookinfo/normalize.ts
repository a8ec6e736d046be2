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
import { ApiObject, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { CrdCatalog } from '../../src/analysis/schema/schema-catalog';

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

/** The value at `p`; a step into a list is its index written as a string (`'0'`). */
function getPath(obj: Json, p: readonly string[]): Json {
  let cur = obj;
  for (const k of p) {
    if (Array.isArray(cur) && /^\d+$/.test(k)) cur = cur[Number(k)];
    else if (isPlainObject(cur)) cur = cur[k];
    else return undefined;
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

// ------------------------------------------------------------------ built-in (platform) kinds
//
// `platform/kube/*.yaml` hold built-in Kubernetes objects (Service, ServiceAccount,
// Deployment, ...), which no CRD schema describes, so `normalizeManifest` refuses them. They
// are compared by `diffPlatformManifests`: objects of vendored CRD kinds exactly as above, the
// built-in kinds listed in PLATFORM_KINDS with the normalisation C1 and the allowed additions
// of PLATFORM_ALLOWED_ADDITIONS / PLATFORM_ALLOWED_ITEMS (documented in README.md), nothing else.

/** The built-in kinds `diffPlatformManifests` compares (`<group or core>/<kind>`). */
export const PLATFORM_KINDS: readonly string[] = ['core/Service', 'core/ServiceAccount', 'apps/Deployment'];

/**
 * A field our objects may carry although the official object omits it. In `path`, `*` stands
 * for every item of a list (items are paired by position with the official list's items).
 */
export interface PlatformAllowedAddition {
  /** API group of the objects concerned (`''` for the core group). */
  readonly group: string;
  /** Kind of the objects concerned. */
  readonly kind: string;
  /** Field path from the object root; `*` matches every list item. */
  readonly path: readonly string[];
  /** The only value accepted, when it is fixed. */
  readonly value?: unknown;
  /**
   * For a value that depends on the object (e.g. `targetPort` equal to the sibling `port`):
   * whether `value` is accepted, given the object holding the field.
   */
  readonly check?: (value: unknown, parent: Record<string, unknown>) => boolean;
  /** What is accepted, as written in README.md. */
  readonly accepts: string;
  /** Whether this is the value Kubernetes itself uses when the field is omitted. */
  readonly kubernetesDefault: boolean;
  /** Why the addition does not change the meaning of the object. */
  readonly reason: string;
}

/**
 * A list item our objects may carry although the official list has no item of that name
 * (or no list at all). The item must be exactly `item`.
 */
export interface PlatformAllowedItem {
  /** API group of the objects concerned. */
  readonly group: string;
  /** Kind of the objects concerned. */
  readonly kind: string;
  /** Path of the list; `*` matches every item of an enclosing list. */
  readonly path: readonly string[];
  /** The exact item; it is identified by its `name`. */
  readonly item: { readonly name: string; readonly [key: string]: unknown };
  /** Why the addition does not change the meaning of the object. */
  readonly reason: string;
}

const POD = ['spec', 'template', 'spec'];
const CONTAINER = [...POD, 'containers', '*'];

/** Our MeshService's container security context (secure default). */
const SECURE_CONTAINER_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Our MeshService's default resources. */
const DEFAULT_RESOURCES = { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '128Mi' } };

/** IANA service name (what a named container port must be). */
const IANA_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every field our platform objects may add (README.md, "Platform parity"). */
export const PLATFORM_ALLOWED_ADDITIONS: readonly PlatformAllowedAddition[] = [
  // --- ServiceAccount
  {
    group: '',
    kind: 'ServiceAccount',
    path: ['automountServiceAccountToken'],
    value: false,
    accepts: '`false`',
    kubernetesDefault: false,
    reason: 'secure default: pods of the account get no API token unless they ask for it (Bookinfo never calls the Kubernetes API)',
  },
  // --- Service
  {
    group: '',
    kind: 'Service',
    path: ['spec', 'type'],
    value: 'ClusterIP',
    accepts: '`ClusterIP`',
    kubernetesDefault: true,
    reason: 'cdk8s-plus states the Service type; `ClusterIP` is the Kubernetes default',
  },
  {
    group: '',
    kind: 'Service',
    path: ['spec', 'externalIPs'],
    value: [],
    accepts: '`[]`',
    kubernetesDefault: true,
    reason: 'cdk8s-plus writes an empty list; the field is `omitempty`, so `[]` and an omitted field are stored alike',
  },
  {
    group: '',
    kind: 'Service',
    path: ['spec', 'ports', '*', 'targetPort'],
    check: (v, port) => v === port.port,
    accepts: 'the same number as the port\'s `port`',
    kubernetesDefault: true,
    reason: 'Kubernetes defaults `targetPort` to `port`',
  },
  {
    group: '',
    kind: 'Service',
    path: ['spec', 'ports', '*', 'appProtocol'],
    check: (v, port) => typeof port.name === 'string' && v === port.name.split('-')[0],
    accepts: 'the protocol prefix of the port\'s `name` (`http` for `http`)',
    kubernetesDefault: false,
    reason: 'MeshService states the protocol explicitly; Istio reads the same protocol from the port name prefix when `appProtocol` is absent',
  },
  // --- Deployment
  {
    group: 'apps',
    kind: 'Deployment',
    path: ['spec', 'minReadySeconds'],
    value: 0,
    accepts: '`0`',
    kubernetesDefault: true,
    reason: 'cdk8s-plus default, equal to the Kubernetes default',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: ['spec', 'progressDeadlineSeconds'],
    value: 600,
    accepts: '`600`',
    kubernetesDefault: true,
    reason: 'cdk8s-plus default, equal to the Kubernetes default',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: ['spec', 'strategy'],
    value: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    accepts: '`{type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}`',
    kubernetesDefault: true,
    reason: 'cdk8s-plus default, equal to the Kubernetes default',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: ['spec', 'template', 'metadata', 'labels', 'cdk8s.io/metadata.addr'],
    check: (v) => typeof v === 'string' && v.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*)-[0-9a-f]{8}$/.test(v),
    accepts: 'a label value ending in `-<8 hex digits>` (cdk8s\' construct address)',
    kubernetesDefault: false,
    reason: 'cdk8s-plus labels every pod template with its construct address; an extra label changes no selector of the sample (Services select `app`, subsets `version`)',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...POD, 'automountServiceAccountToken'],
    value: false,
    accepts: '`false`',
    kubernetesDefault: false,
    reason: 'secure default: no Kubernetes API token in the pods (Bookinfo never calls the API)',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...POD, 'serviceAccountName'],
    value: 'default',
    accepts: '`default`',
    kubernetesDefault: true,
    reason: 'the ServiceAccount admission controller sets an omitted `serviceAccountName` to `default` (a MeshService version with `serviceAccountName: \'default\'`)',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...POD, 'securityContext'],
    value: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
    accepts: '`{fsGroupChangePolicy: Always, runAsNonRoot: true}`',
    kubernetesDefault: false,
    reason: 'secure default `runAsNonRoot`; `fsGroupChangePolicy: Always` is what Kubernetes does when it is omitted (and has no effect without `fsGroup`)',
  },
  ...([['dnsPolicy', 'ClusterFirst'], ['hostNetwork', false], ['restartPolicy', 'Always'], ['setHostnameAsFQDN', false], ['terminationGracePeriodSeconds', 30]] as const)
    .map(([field, value]): PlatformAllowedAddition => ({
      group: 'apps',
      kind: 'Deployment',
      path: [...POD, field],
      value,
      accepts: `\`${value}\``,
      kubernetesDefault: true,
      reason: 'cdk8s-plus default, equal to the Kubernetes default',
    })),
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'securityContext'],
    value: SECURE_CONTAINER_CONTEXT,
    accepts: 'MeshService\'s default: non-root, no privilege escalation, not privileged, all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem',
    kubernetesDefault: false,
    reason: 'secure default (Pod Security "restricted")',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'resources'],
    value: DEFAULT_RESOURCES,
    accepts: 'requests cpu 100m / memory 128Mi, limits cpu 500m / memory 512Mi',
    kubernetesDefault: false,
    reason: 'secure default: requests and limits for every container',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'readinessProbe'],
    check: (v, c: any) => Array.isArray(c.ports) && c.ports.length > 0
      && isDeepStrictEqual(v, { failureThreshold: 3, tcpSocket: { port: c.ports[0].containerPort } }),
    accepts: '`{tcpSocket: {port: <first containerPort>}, failureThreshold: 3}`',
    kubernetesDefault: false,
    reason: 'default readiness check (a TCP connect to the container port; `failureThreshold: 3` is the Kubernetes default)',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'imagePullPolicy'],
    check: (v, c: any) => v === 'IfNotPresent' && typeof c.image === 'string' && /:[\w][\w.-]*$/.test(c.image.split('/').pop()!) && !c.image.endsWith(':latest'),
    accepts: '`IfNotPresent` for an image with a tag other than `latest`',
    kubernetesDefault: true,
    reason: 'Kubernetes defaults the pull policy of such an image to `IfNotPresent`',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'ports', '*', 'name'],
    check: (v) => typeof v === 'string' && IANA_NAME.test(v),
    accepts: 'an IANA service name (MeshService uses the Service port\'s name, e.g. `http`)',
    kubernetesDefault: false,
    reason: 'a named container port only labels the port; the sample\'s Services target container ports by number',
  },
];

/** Every list item our platform objects may add (README.md, "Platform parity"). */
export const PLATFORM_ALLOWED_ITEMS: readonly PlatformAllowedItem[] = [
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...POD, 'volumes'],
    item: { name: 'tmp', emptyDir: {} },
    reason: 'the writable `/tmp` that goes with the read-only root filesystem',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    path: [...CONTAINER, 'volumeMounts'],
    item: { name: 'tmp', mountPath: '/tmp' },
    reason: 'the writable `/tmp` that goes with the read-only root filesystem',
  },
];

/** Options of the platform comparison. */
export interface PlatformDiffOptions extends DiffOptions {
  /**
   * Fields our built-in objects may add.
   *
   * @default PLATFORM_ALLOWED_ADDITIONS
   */
  readonly platformAdditions?: readonly PlatformAllowedAddition[];
  /**
   * List items our built-in objects may add.
   *
   * @default PLATFORM_ALLOWED_ITEMS
   */
  readonly platformItems?: readonly PlatformAllowedItem[];
}

type Step = string | number;

/** Every concrete path of `obj` matching `pattern` (`*` expands to the indices of a list). */
function expandPath(obj: Json, pattern: readonly string[], prefix: Step[] = []): Step[][] {
  if (pattern.length === 0) return [prefix];
  const [head, ...rest] = pattern;
  if (head === '*') {
    if (!Array.isArray(obj)) return [];
    return obj.flatMap((item, i) => expandPath(item, rest, [...prefix, i]));
  }
  if (!isPlainObject(obj) || !(head in obj)) return rest.length === 0 && isPlainObject(obj) ? [[...prefix, head]] : [];
  return expandPath(obj[head], rest, [...prefix, head]);
}

function getAt(obj: Json, p: readonly Step[]): Json {
  let cur = obj;
  for (const k of p) {
    if (typeof k === 'number' ? !Array.isArray(cur) : !isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/**
 * Step C1: the pod template's `volumes` are ordered by name (on both sides). Pod volumes are
 * a list keyed by `name` (`patchMergeKey: name`); containers refer to them by name only, so
 * their order has no meaning. Nothing else of a built-in object is normalised.
 */
export function normalizePlatformManifest(obj: Json): Json {
  if (!isPlainObject(obj)) throw new Error(`a manifest must be an object, got ${show(obj)}`);
  const { group } = splitApiVersion(String(obj.apiVersion));
  if (!PLATFORM_KINDS.includes(`${group || 'core'}/${obj.kind}`)) {
    throw new Error(`${objectKey(obj)}: ${obj.apiVersion} ${obj.kind} is not a built-in kind the platform comparison knows`);
  }
  const copy = JSON.parse(JSON.stringify(obj));
  const volumes = getAt(copy, [...POD, 'volumes']);
  if (obj.kind === 'Deployment' && Array.isArray(volumes)) {
    volumes.sort((a: Json, b: Json) => String(a?.name).localeCompare(String(b?.name)));
  }
  return copy;
}

/** Removes from `ours` the allowed list items the official object does not have. */
function dropAllowedItems(official: Json, ours: Json, group: string, items: readonly PlatformAllowedItem[]): void {
  for (const allowed of items) {
    if (allowed.group !== group || allowed.kind !== ours.kind) continue;
    for (const p of expandPath(ours, allowed.path)) {
      const list = getAt(ours, p);
      if (!Array.isArray(list)) continue;
      const officialList = getAt(official, p);
      if (Array.isArray(officialList) && officialList.some((i: Json) => i?.name === allowed.item.name)) continue;
      const at = list.findIndex((i: Json) => isDeepStrictEqual(i, allowed.item));
      if (at < 0) continue;
      list.splice(at, 1);
      if (list.length === 0 && officialList === undefined) {
        const parent = getAt(ours, p.slice(0, -1));
        delete parent[p[p.length - 1]];
      }
    }
  }
}

/** Removes from `ours` the allowed fields the official object omits. */
function dropAllowedAdditions(official: Json, ours: Json, group: string, additions: readonly PlatformAllowedAddition[]): void {
  for (const add of additions) {
    if (add.group !== group || add.kind !== ours.kind) continue;
    for (const p of expandPath(ours, add.path)) {
      const parent = getAt(ours, p.slice(0, -1));
      const key = p[p.length - 1];
      if (!isPlainObject(parent) || !(key in parent)) continue;
      const officialParent = getAt(official, p.slice(0, -1));
      if (isPlainObject(officialParent) && key in officialParent) continue;
      const value = parent[key];
      const ok = add.check ? add.check(value, parent) : isDeepStrictEqual(value, add.value);
      if (ok) delete parent[key as string];
    }
  }
}

/**
 * Like `diffManifests`, for files that also hold built-in objects (`platform/kube/*.yaml`):
 * objects of vendored CRD kinds are compared exactly as `diffManifests` does; built-in
 * objects (PLATFORM_KINDS) after C1, with only the listed additions accepted.
 */
export function diffPlatformManifests(official: readonly Json[], ours: readonly Json[], options: PlatformDiffOptions = {}): string[] {
  const additions = options.platformAdditions ?? PLATFORM_ALLOWED_ADDITIONS;
  const items = options.platformItems ?? PLATFORM_ALLOWED_ITEMS;
  const isCustom = (o: Json) => {
    const { group, version } = splitApiVersion(String(o?.apiVersion ?? ''));
    return CrdCatalog.default().get(group, version, String(o?.kind)) !== undefined;
  };
  const problems = diffManifests(official.filter(isCustom), ours.filter(isCustom), options);
  const expected = indexByKey(official.filter((o) => !isCustom(o)), 'the official manifests', problems);
  const actual = indexByKey(ours.filter((o) => !isCustom(o)), 'our manifests', problems);
  for (const key of expected.keys()) if (!actual.has(key)) problems.push(`missing object ${key}`);
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`extra object ${key}`);
  for (const [key, exp] of expected) {
    const act = actual.get(key);
    if (act === undefined) continue;
    const e = normalizePlatformManifest(exp);
    const a = normalizePlatformManifest(act);
    if (e.apiVersion !== a.apiVersion) problems.push(`${key}: changed value at apiVersion: expected ${show(e.apiVersion)}, got ${show(a.apiVersion)}`);
    delete e.apiVersion;
    delete a.apiVersion;
    const { group } = splitApiVersion(String(exp.apiVersion));
    dropAllowedItems(e, a, group, items);
    dropAllowedAdditions(e, a, group, additions);
    problems.push(...diffValues(e, a).map((d) => `${key}: ${d}`));
  }
  return problems;
}

/**
 * Synthesizes `chart` (validated by the jest setup) and asserts that it is semantically
 * equal to the union of the official files (`diffPlatformManifests`). With `only`, just the
 * objects of those constructs are compared: for official files that are fragments of a
 * service (e.g. a single Deployment added to `bookinfo.yaml`'s services).
 */
export function expectPlatformParity(
  officialFiles: string | readonly string[],
  chart: Chart,
  options: PlatformDiffOptions & { readonly only?: readonly IConstruct[] } = {},
): void {
  const files = typeof officialFiles === 'string' ? [officialFiles] : officialFiles;
  const official = files.flatMap((f) => loadOfficial(f));
  expect(official.length).toBeGreaterThan(0);
  const synthesized = Testing.synth(chart);
  let ours = synthesized;
  if (options.only !== undefined) {
    const wanted = options.only.map((c) => ApiObject.of(c).toJson());
    ours = synthesized.filter((o) => wanted.some((w) => objectKey(w) === objectKey(o)));
    expect(ours.length).toBe(wanted.length);
  }
  expect(diffPlatformManifests(official, ours, options)).toEqual([]);
}
