// Manifest validator used by every test (installed by test/support/setup.ts).
//
// An object is validated like `kubectl apply --validate=strict` against an API
// server that has the vendored CRDs installed:
//  - custom resources (any group/kind defined in imports/crds/**.yaml, every version):
//    the version's openAPIV3Schema via ajv (unknown fields rejected, RE2 patterns,
//    formats, defaults applied), then its x-kubernetes-validations CEL rules and
//    list-type uniqueness;
//  - built-in kinds: kubernetes-models 4.x validators, made strict;
//  - metadata of every object: ObjectMeta schema (strict) + name/label/annotation rules;
//  - anything else (unknown apiVersion/kind) is an error, so nothing escapes.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FORMATS_CODE, formats, re2Engine } from './ajv-runtime';
import { RuleChecker } from './cel-rules';
import type { RuleProblem } from './cel-rules';
import { coreValidator, objectMetaValidator } from './core-objects';
import type { CrdVersionEntry } from './crd-catalog';
import { CACHE_ROOT, CrdCatalog, crdKey, writeAtomic } from './crd-catalog';
import { metadataProblems } from './metadata';
import { toAjvSchema } from './schema-convert';
import { validateStrict } from './strict-tracking';

// ---------------------------------------------------------------- ajv set-up

/** Bump when the ajv options or the schema conversion change (invalidates the code cache). */
const VALIDATOR_CODE_VERSION = '1';

// ajv itself is only loaded on a cache miss (the cached code needs only its runtime).
let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvInstance) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = require('ajv').default as typeof Ajv;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { _Code } = require('ajv/dist/compile/codegen/code');
    ajvInstance = new AjvClass({
      allErrors: true,
      strict: false,
      useDefaults: true,
      formats,
      code: { source: true, regExp: re2Engine, formats: new _Code(FORMATS_CODE) },
    });
  }
  return ajvInstance;
}

/**
 * Compiled ajv validator per CRD version. Compiling the big schemas (VirtualService,
 * DestinationRule, HTTPRoute) costs 0.2-0.3 s each inside jest, and every test file
 * starts afresh, so the generated standalone code is cached on disk, keyed by a hash
 * of the converted schema, and simply `require`d afterwards.
 */
const compiled = new Map<string, ValidateFunction>();
function compiledSchema(entry: CrdVersionEntry): ValidateFunction {
  const key = crdKey(entry.group, entry.version, entry.kind);
  let fn = compiled.get(key);
  if (fn) return fn;
  const schema = toAjvSchema(entry.schema);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajvVersion: string = require('ajv/package.json').version;
  const hash = createHash('sha256')
    .update(`${VALIDATOR_CODE_VERSION}\0${ajvVersion}\0${__dirname}\0${JSON.stringify(schema)}`)
    .digest('hex')
    .slice(0, 20);
  const file = path.join(CACHE_ROOT, 'ajv', `${entry.group}_${entry.kind}_${entry.version}-${hash}.js`);
  if (fs.existsSync(file)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fn = require(file) as ValidateFunction;
    } catch {
      fn = undefined;
    }
  }
  if (!fn) {
    const a = ajv();
    fn = a.compile(schema);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const standaloneCode = require('ajv/dist/standalone').default;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeAtomic(file, standaloneCode(a, fn));
    } catch {
      // no cache (read-only file system): compile again next time
    }
  }
  compiled.set(key, fn);
  return fn;
}

const ruleWorkMemo = new WeakMap<object, boolean>();

// ---------------------------------------------------------------- formatting

interface Problem {
  readonly path: string;
  readonly message: string;
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

function ajvProblems(errors: ErrorObject[] | null | undefined, prefix = ''): Problem[] {
  if (!errors) return [];
  // Drop the branch-level noise under a failing oneOf/anyOf/not: the junctor error says it.
  const junctors = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (junctors.some((j) => j !== e && e.schemaPath.startsWith(`${j.schemaPath}/`))) continue;
    let pointer = prefix + e.instancePath;
    let message = ajvMessage(e);
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

function unknownFieldProblems(pointers: string[]): Problem[] {
  return pointers.map((ptr) => {
    const segs = ptr.split('/');
    const field = segs[segs.length - 1].replace(/~1/g, '/').replace(/~0/g, '~');
    return { path: pointerToPath(ptr), message: `unknown field "${field}"` };
  });
}

function describeObject(obj: any): string {
  if (obj === null || typeof obj !== 'object') return `<${obj === null ? 'null' : typeof obj}>`;
  const kind = typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  const ns = typeof obj.metadata?.namespace === 'string' ? ` in namespace ${obj.metadata.namespace}` : '';
  const av = typeof obj.apiVersion === 'string' ? ` (${obj.apiVersion})` : '';
  return `${kind} "${name}"${ns}${av}`;
}

// ---------------------------------------------------------------- validation

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function validateCustomResource(entry: CrdVersionEntry, obj: any): Problem[] {
  const problems: Problem[] = [];
  const data = JSON.parse(JSON.stringify(obj)); // ajv applies defaults to this copy
  const validate = compiledSchema(entry);
  if (!validate(data)) problems.push(...ajvProblems(validate.errors));
  if (isPlainObject(obj.metadata)) {
    const meta = validateStrict(objectMetaValidator(), obj.metadata, '/metadata');
    problems.push(...ajvProblems(meta.errors, '/metadata'), ...unknownFieldProblems(meta.unknownFields));
  }
  const ruleProblems: RuleProblem[] = [];
  const checker = new RuleChecker(ruleProblems, ruleWorkMemo);
  checker.check(entry.schema, data, '');
  for (const p of ruleProblems) problems.push({ path: p.path.replace(/^\./, '') || '<root>', message: p.message });
  return problems;
}

function validateBuiltIn(obj: any): Problem[] | undefined {
  const fn = coreValidator(obj.apiVersion, obj.kind);
  if (!fn) return undefined;
  const { errors, unknownFields } = validateStrict(fn, obj);
  return [...ajvProblems(errors), ...unknownFieldProblems(unknownFields)];
}

function problemsOf(obj: unknown): Problem[] {
  if (!isPlainObject(obj)) return [{ path: '<root>', message: `a manifest must be an object, got ${JSON.stringify(obj)}` }];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return [{ path: 'apiVersion', message: 'Required value: apiVersion must be a non-empty string' }];
  if (typeof kind !== 'string' || kind === '') return [{ path: 'kind', message: 'Required value: kind must be a non-empty string' }];
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const catalog = CrdCatalog.default();
  let problems: Problem[];
  if (group !== '' && catalog.hasGroupKind(group, kind)) {
    const entry = catalog.get(group, version, kind);
    if (!entry) {
      return [{
        path: 'apiVersion',
        message: `no matches for kind "${kind}" in version "${apiVersion}": the CRD defines versions ${catalog.versionsOf(group, kind).join(', ')}`,
      }];
    }
    if (!entry.served) {
      return [{ path: 'apiVersion', message: `version "${version}" of ${kind} is not served by its CRD (${entry.file})` }];
    }
    problems = validateCustomResource(entry, obj);
  } else {
    const builtIn = validateBuiltIn(obj);
    if (!builtIn) {
      return [{
        path: 'kind',
        message: `unknown kind: no CRD under imports/crds and no built-in Kubernetes type defines apiVersion "${apiVersion}" kind "${kind}"`,
      }];
    }
    problems = builtIn;
  }
  problems.push(...metadataProblems(obj));
  return problems;
}

/**
 * Validates one manifest object. Returns the problems as `<path>: <message>` strings
 * (empty when the object is valid).
 */
export function validateObject(obj: unknown): string[] {
  return problemsOf(obj).map((p) => `${p.path}: ${p.message}`);
}

/**
 * Validates many objects and throws one readable Error listing every problem of every
 * object (with kind, name, apiVersion and path).
 */
export function assertValidManifests(objs: readonly unknown[], context?: string): void {
  const sections: string[] = [];
  let count = 0;
  objs.forEach((obj, i) => {
    const problems = validateObject(obj);
    if (problems.length === 0) return;
    count += problems.length;
    sections.push(`  ${describeObject(obj)} [object #${i + 1}]:\n${problems.map((p) => `    - ${p}`).join('\n')}`);
  });
  if (count > 0) {
    const where = context ? ` (${context})` : '';
    throw new Error(`Manifest validation failed${where}: ${count} problem(s) in ${sections.length} object(s)\n${sections.join('\n')}`);
  }
}

// ---------------------------------------------------------------- YAML files

/** One document of a YAML file. */
export interface YamlManifest {
  /** `file#index` (index is 0-based among the file's documents). */
  readonly source: string;
  readonly object: unknown;
}

function yamlFilesUnder(p: string): string[] {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

/**
 * Loads every document of a YAML file, or of every `.yaml`/`.yml` file under a
 * directory (recursively, sorted). Empty documents are skipped; YAML syntax errors throw.
 */
export function loadYamlManifests(fileOrDir: string): YamlManifest[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  const out: YamlManifest[] = [];
  for (const file of yamlFilesUnder(fileOrDir)) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    docs.forEach((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${file}#${i}: YAML error: ${doc.errors[0].message}`);
      const object = doc.toJS();
      if (object !== null && object !== undefined) out.push({ source: `${file}#${i}`, object });
    });
  }
  return out;
}

/** Validates every YAML document under a file or directory; returns `source: path: message` strings. */
export function validateYamlPath(fileOrDir: string): string[] {
  const out: string[] = [];
  for (const m of loadYamlManifests(fileOrDir)) {
    for (const p of validateObject(m.object)) out.push(`${m.source} ${describeObject(m.object)}: ${p}`);
  }
  return out;
}

/** Throws one Error listing every problem in every YAML document under a file or directory. */
export function assertValidYamlPath(fileOrDir: string, context?: string): void {
  const problems = validateYamlPath(fileOrDir);
  if (problems.length > 0) {
    const where = context ? ` (${context})` : '';
    throw new Error(`Manifest validation failed${where}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// ---------------------------------------------------------------- opt-out

let disabledDepth = 0;

/** True unless inside {@link withManifestValidationDisabled}. */
export function isManifestValidationEnabled(): boolean {
  return disabledDepth === 0;
}

/**
 * Runs `fn` with the automatic validation of `Testing.synth` / `App.synthYaml` turned
 * off — for the rare test that must synthesize an invalid object on purpose (e.g. to
 * test an escape hatch). Validate explicitly with {@link validateObject} instead.
 */
export function withManifestValidationDisabled<T>(fn: () => T): T {
  disabledDepth++;
  try {
    return fn();
  } finally {
    disabledDepth--;
  }
}
