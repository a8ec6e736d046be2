// ajv validators of the CRD schemas, compiled lazily (only kinds that are validated) and
// kept per process. Compiling a big schema (a DestinationRule's, a Rollout's) costs 0.1-0.3 s,
// so a validator comes, in this order, from:
//  - the package: `npx projen compile` compiles every CRD version's validator into
//    `lib/src/analysis/schema/validators/` (ShippedValidators.write), so that an app's first
//    synthesis in a fresh clone or CI job compiles none;
//  - the disk cache: the generated standalone code of validators compiled before, under
//    `node_modules/.cache/cdk8s-istio/` of the project that installed the library (keyed by a
//    hash of schema, ajv version and library location), like other build tools do; set the
//    environment variable `CDK8S_ISTIO_CACHE=off` to compile in memory only;
//  - ajv, compiling the schema.
// A shipped or cached validator is used only when it was compiled from the same schema, by the
// same ajv version and the same code (this module's ajv options, ./schema-convert).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { RUNTIME_REQUIRE, formats, re2Engine } from './ajv-runtime';
import type { CrdVersionEntry } from './schema-catalog';
import { CrdCatalog, crdKey } from './schema-catalog';
import { toAjvSchema } from './schema-convert';

/**
 * A new ajv compiler with the options of every validator. `runtime` is how the generated
 * standalone code requires ./ajv-runtime (the regex engine and the formats).
 * @internal
 */
export function newAjv(runtime: string = RUNTIME_REQUIRE): Ajv {
  // ajv's compiler is only loaded on a miss (generated code needs only its runtime).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvClass = require('ajv').default as typeof Ajv;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { _Code } = require('ajv/dist/compile/codegen/code');
  const regExp = Object.assign((pattern: string) => re2Engine(pattern), { code: `${runtime}.re2Engine` });
  return new AjvClass({
    allErrors: true,
    strict: false,
    useDefaults: true,
    // subschemas a schema repeats are compiled once (./schema-convert shares them)
    inlineRefs: false,
    formats,
    code: { source: true, regExp, formats: new _Code(`${runtime}.formats`) },
  });
}

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  // this module's ajv: its generated code requires the runtime by absolute path (the disk cache)
  if (!ajvInstance) ajvInstance = newAjv();
  return ajvInstance;
}

let ajvVersionMemo: string | undefined;
function ajvVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (ajvVersionMemo === undefined) ajvVersionMemo = require('ajv/package.json').version as string;
  return ajvVersionMemo;
}

let makerMemo: string | null | undefined;
/**
 * The code that makes validators: this module (ajv's options), ./schema-convert and ajv's
 * version; null when it cannot be read (the library bundled into one file): no shipped or
 * cached code is used then.
 */
function validatorMaker(): string | null {
  if (makerMemo === undefined) {
    try {
      const hash = createHash('sha256').update(ajvVersion());
      for (const file of [__filename, require.resolve('./schema-convert')]) hash.update('\0').update(fs.readFileSync(file));
      makerMemo = hash.digest('hex');
    } catch {
      makerMemo = null;
    }
  }
  return makerMemo;
}

/** What a validator's code depends on: the code that makes it and the CRD version's schema (null: unknown). */
function fingerprint(entry: CrdVersionEntry): string | null {
  const maker = validatorMaker();
  return maker === null ? null : createHash('sha256').update(`${maker}\0${JSON.stringify(entry.schema)}`).digest('hex');
}

let cacheDirMemo: string | null | undefined;

/** `<project>/node_modules/.cache/cdk8s-istio`, or null when caching is off (CDK8S_ISTIO_CACHE=off). */
export function cacheDir(): string | null {
  if (cacheDirMemo !== undefined) return cacheDirMemo;
  cacheDirMemo = null;
  if (!/^(off|0|false)$/i.test(process.env.CDK8S_ISTIO_CACHE ?? '')) {
    let dir = __dirname;
    let packageRoot: string | undefined;
    for (let i = 0; i < 8 && path.dirname(dir) !== dir; i++, dir = path.dirname(dir)) {
      if (path.basename(dir) === 'node_modules') {
        cacheDirMemo = path.join(dir, '.cache', 'cdk8s-istio');
        return cacheDirMemo;
      }
      if (!packageRoot && fs.existsSync(path.join(dir, 'package.json'))) packageRoot = dir;
    }
    if (packageRoot) cacheDirMemo = path.join(packageRoot, 'node_modules', '.cache', 'cdk8s-istio');
  }
  return cacheDirMemo;
}

/** Writes a file under a temporary name and renames it into place (readers never see half a file). */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

const compiled = new Map<string, ValidateFunction>();

/** The ajv validator of one CRD version (see the file's header for where it comes from). */
export function compiledSchema(entry: CrdVersionEntry): ValidateFunction {
  const key = crdKey(entry.group, entry.version, entry.kind);
  let fn = compiled.get(key);
  if (fn) return fn;
  const print = fingerprint(entry);
  if (print !== null) fn = ShippedValidators.default().get(entry, print);
  const dir = fn || print === null ? null : cacheDir();
  let file: string | undefined;
  if (dir) {
    // the disk cache's code requires the runtime by absolute path: its location is part of the key
    const hash = createHash('sha256').update(`${print}\0${__dirname}`).digest('hex').slice(0, 20);
    file = path.join(dir, `${entry.group}_${entry.kind}_${entry.version}-${hash}.js`);
    fn = requireValidator(file);
  }
  if (!fn) {
    const a = ajv();
    fn = a.compile(toAjvSchema(entry.schema));
    if (file) {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        writeAtomic(file, standaloneCode(a, fn));
      } catch {
        // read-only file system: compile again next time
      }
    }
  }
  compiled.set(key, fn);
  return fn;
}

/** The validator a file of generated code exports, or undefined when it is missing or broken. */
function requireValidator(file: string): ValidateFunction | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as ValidateFunction;
  } catch {
    return undefined;
  }
}

function standaloneCode(a: Ajv, fn: ValidateFunction): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('ajv/dist/standalone').default as (a: Ajv, fn: ValidateFunction) => string)(a, fn);
}

/** Where the package's validators are: `validators/` next to this module (in lib/, once compiled). */
const SHIPPED_DIR = path.join(__dirname, 'validators');
/** The shipped validators' index: each CRD version's file and fingerprint. */
const SHIPPED_INDEX = 'index.json';

/** One CRD version's row in the index of the shipped validators. */
interface ShippedRow {
  readonly file: string;
  readonly fingerprint: string;
}

/**
 * The validators compiled when the package was built, one file of ajv standalone code per CRD
 * version of the catalogue, and their index.
 * @internal
 */
export class ShippedValidators {
  /** The package's validators (none when running from the TypeScript sources). */
  public static default(): ShippedValidators {
    if (!ShippedValidators.instance) ShippedValidators.instance = new ShippedValidators(SHIPPED_DIR);
    return ShippedValidators.instance;
  }

  /**
   * Compiles the validators of the catalogue's CRD versions into `dir` (emptied first), with
   * code that requires the runtime relative to `dir`, and writes their index.
   * @param keys the CRD versions (`group/version/kind`), all by default
   * @returns how many validators were written
   */
  public static write(dir: string = SHIPPED_DIR, keys?: readonly string[]): number {
    const catalog = CrdCatalog.default();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    let runtime = path.relative(dir, path.join(__dirname, 'ajv-runtime')).split(path.sep).join('/');
    if (!runtime.startsWith('.')) runtime = `./${runtime}`;
    const index: Record<string, ShippedRow> = {};
    for (const key of [...(keys ?? catalog.keys())].sort()) {
      const [group, version, kind] = key.split('/');
      const entry = catalog.get(group, version, kind);
      if (!entry) throw new Error(`cdk8s-istio: no CRD version ${key} in the schema catalogue`);
      const print = fingerprint(entry);
      if (print === null) throw new Error('cdk8s-istio: the code that compiles the CRD validators cannot be read, so shipped validators could never be used');
      // one compiler per schema: a compiler's standalone code holds every schema it compiled
      const a = newAjv(`require(${JSON.stringify(runtime)})`);
      const file = `${group}_${kind}_${version}.js`;
      fs.writeFileSync(path.join(dir, file), standaloneCode(a, a.compile(toAjvSchema(entry.schema))));
      index[key] = { file, fingerprint: print };
    }
    fs.writeFileSync(path.join(dir, SHIPPED_INDEX), `${JSON.stringify(index, null, 1)}\n`);
    return Object.keys(index).length;
  }

  private static instance: ShippedValidators | undefined;
  private rows: Record<string, ShippedRow> | undefined;

  constructor(private readonly dir: string) {}

  /**
   * The shipped validator of a CRD version, or undefined when none was compiled from its schema
   * (a catalogue changed since the build) by the same code.
   * @param print the entry's fingerprint
   */
  public get(entry: CrdVersionEntry, print: string): ValidateFunction | undefined {
    const row = this.index()[crdKey(entry.group, entry.version, entry.kind)];
    return row && row.fingerprint === print ? requireValidator(path.join(this.dir, row.file)) : undefined;
  }

  private index(): Record<string, ShippedRow> {
    if (this.rows === undefined) {
      try {
        this.rows = JSON.parse(fs.readFileSync(path.join(this.dir, SHIPPED_INDEX), 'utf8')) as Record<string, ShippedRow>;
      } catch {
        this.rows = {}; // none shipped (the TypeScript sources, or a package built without them)
      }
    }
    return this.rows;
  }
}
