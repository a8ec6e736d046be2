// Remembers which objects were already found valid, so that a synthesis of an unchanged app
// does not load the validation engines again (like eslint's --cache or tsc's incremental
// builds). An entry is the SHA-256 of an object's JSON; the cache file is keyed by everything
// that decides the result: the validator's compiled code, the CRD schema catalogue and the
// versions of its engines, so any change to them starts a new cache. Each app (working
// directory and command line) has its own file, holding what its last synthesis found valid,
// so the file stays the size of the app and reading it costs little. Only valid objects are
// remembered: an invalid one is validated again and reported every time. Checks inside an
// object that passed (a CEL rule on a value, the metadata) are remembered the same way, so an
// object changed in one place does not load the engines of the checks it did not change, and
// so are istiod's admission checks of objects validated ahead (the synthesis worker's). Only
// the compiled library uses it (never the TypeScript sources the tests run);
// CDK8S_ISTIO_CACHE=off turns it off with the rest of the cache.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { PassedChecks } from './cel-rules';
import { cacheDir } from './compiled-schemas';

/** Entries kept at most; each is 64 bytes of hex on disk. */
const MAX_ENTRIES = 200_000;

interface Store {
  readonly file: string;
  /** What the file held. */
  readonly valid: Set<string>;
  /** What this process found valid (read back or validated): the file's next content. */
  readonly used: Set<string>;
  /** Whether `used` holds something the file does not. */
  added: boolean;
}

let store: Store | null | undefined;

/** The app: its working directory and command line (a synthesis runs the app's program). */
function appKey(): string {
  return crypto.createHash('sha256').update(`${process.cwd()}\0${process.argv.slice(1).join('\0')}`).digest('hex').slice(0, 12);
}

/** The compiled files under `dir` (and its subdirectories), sorted; none when it does not exist. */
function jsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []))
    .sort();
}

function versionKey(): string {
  const hash = crypto.createHash('sha256');
  // the schema validation, istiod's admission checks (remembered the same way, see
  // ../analyzers/schema/istio-admission) and the resource model they read objects with
  const analysis = path.dirname(__dirname);
  const files = [
    ...fs.readdirSync(__dirname).filter((f) => f.endsWith('.js')).sort().map((f) => path.join(__dirname, f)),
    ...jsFiles(path.join(analysis, 'analyzers', 'schema')),
    path.join(analysis, 'model.js'),
  ];
  for (const f of files) if (fs.existsSync(f)) hash.update(`${path.relative(analysis, f)}\0`).update(fs.readFileSync(f));
  for (const pkg of ['ajv', '@bufbuild/cel', 'kubernetes-models', 're2js']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      hash.update(`${pkg}@${require(`${pkg}/package.json`).version}`);
    } catch {
      hash.update(`${pkg}@?`);
    }
  }
  let dir = __dirname;
  for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const index = path.join(dir, 'imports', 'schemas', 'index.json');
    if (fs.existsSync(index)) {
      hash.update(fs.readFileSync(index));
      break;
    }
  }
  return hash.digest('hex').slice(0, 20);
}

function open(): Store | null {
  if (store !== undefined) return store;
  store = null;
  const dir = cacheDir();
  if (!dir || __filename.endsWith('.ts')) return store;
  try {
    const file = path.join(dir, `valid-${versionKey()}-${appKey()}.txt`);
    const valid = new Set<string>(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length === 64) : []);
    store = { file, valid, used: new Set(), added: false };
  } catch {
    store = null;
  }
  return store;
}

/** True when the result cache is in use (compiled library, cache not turned off). */
export function resultCacheEnabled(): boolean {
  return open() !== null;
}

/** How many objects (and checks) an earlier synthesis of the app found valid. */
export function rememberedCount(): number {
  return open()?.valid.size ?? 0;
}

/** The SHA-256 of a text, in hex (with Node's one-shot hash where it has one: no Hash object per key). */
const sha256: (text: string) => string = typeof (crypto as { hash?: unknown }).hash === 'function'
  ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: 'hex'): string }).hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The cache key of an object. */
export function objectKey(obj: unknown): string {
  return sha256(JSON.stringify(obj) ?? 'undefined');
}

/**
 * The cache key of a check (`check` names it) of a whole object, from the object's key: it
 * never collides with object keys or with another check's.
 */
export function checkKey(check: string, objectKeyOf: string): string {
  return sha256(`${check}\0${objectKeyOf}`);
}

/**
 * True when the object (or check, by key) was found valid before, by an earlier synthesis or
 * earlier in this one (a CEL rule on a value many objects share runs once); false when unknown
 * or caching is off.
 */
export function knownValid(key: string): boolean {
  const s = open();
  if (!s) return false;
  if (s.used.has(key)) return true;
  if (!s.valid.has(key)) return false;
  s.used.add(key);
  return true;
}

/** Remembers that the objects (or checks) with these keys are valid. */
export function rememberValid(keys: readonly string[]): void {
  const s = open();
  if (!s) return;
  for (const k of keys) {
    s.used.add(k);
    if (!s.valid.has(k)) s.added = true;
  }
}

/**
 * Writes what this synthesis found valid, when it differs from the file: entries of objects
 * the app no longer has are dropped.
 */
export function saveValid(): void {
  const s = open();
  if (!s || (!s.added && s.used.size === s.valid.size)) return;
  try {
    const all = [...s.used].slice(-MAX_ENTRIES);
    fs.mkdirSync(path.dirname(s.file), { recursive: true });
    const tmp = `${s.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, `${all.join('\n')}\n`);
    fs.renameSync(tmp, s.file);
    s.valid.clear();
    for (const k of all) s.valid.add(k);
    s.used.clear();
    s.added = false;
  } catch {
    // read-only: the next synthesis validates again
  }
}

/**
 * The checks inside an object's validation that passed in earlier runs (CEL rules on a value,
 * metadata), kept with the valid objects; `undefined` when caching is off. Keys are the
 * SHA-256 of the check's name and its input, so they never collide with object keys.
 */
export function passedChecks(): PassedChecks | undefined {
  const s = open();
  if (!s) return undefined;
  return {
    keyOf: (check, input) => sha256(`${check}\0${JSON.stringify(input) ?? 'undefined'}`),
    passed: (key) => knownValid(key),
    remember: (key) => rememberValid([key]),
  };
}
