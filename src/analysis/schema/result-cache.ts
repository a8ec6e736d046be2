// Remembers which objects were already found valid, so that a synthesis of an unchanged app
// does not load the validation engines again (like eslint's --cache or tsc's incremental
// builds). An entry is the SHA-256 of an object's JSON; the cache file is keyed by everything
// that decides the result: the validator's compiled code, the CRD schema catalogue and the
// versions of its engines, so any change to them starts a new cache. Each app (working
// directory and command line) has its own file, holding what its last synthesis found valid,
// so the file stays the size of the app and reading it costs little. Only valid objects are
// remembered: an invalid one is validated again and reported every time. The checks inside an
// object that passed (a CEL rule on a value, the metadata) are remembered with it in a second
// file (a line per object: its key, then theirs) for as long as the object is: when it changes
// in one place, the checks it did not change are still known and their engines are not loaded.
// That file is read only then (a synthesis of unchanged objects reads the objects' keys alone).
// istiod's admission checks of the objects are remembered as objects are (by the object's key,
// see ../analyzers/schema/istio-admission), written with them at the end of the analysis. Only
// the compiled library uses it (never the TypeScript sources the tests run);
// CDK8S_ISTIO_CACHE=off turns it off with the rest of the cache.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { PassedChecks } from './cel-rules';
import { cacheDir, writeAtomic } from './compiled-schemas';

/** Objects and checks (lines) kept at most; an object's key is 64 bytes of hex. */
const MAX_ENTRIES = 200_000;

interface Store {
  /** The cache directory. */
  readonly dir: string;
  /** The app's key (see appKey). */
  readonly app: string;
  /**
   * The objects' file: a key per line, an object's (`<key>`) or a whole-object check's that it
   * passed, such as istiod's admission (`<key>:<check>`).
   */
  readonly file: string;
  /** The checks' file: a line per object, its key then the keys of the checks inside it that passed. */
  readonly checksFile: string;
  /** What the objects' file held. */
  valid: Set<string>;
  /** What this process found valid (read back or validated): the objects' file's next content. */
  readonly used: Set<string>;
  /** The whole-object checks the objects' file lists, by check: the keys of the objects that passed it. */
  checksValid: Map<string, Set<string>>;
  /** The whole-object checks passed in this process, by check (the file's next content). */
  readonly checksUsed: Map<string, Set<string>>;
  /** Whether `used` or `checksUsed` holds something the file does not. */
  added: boolean;
  /** The checks' file, by object (read when a check is first looked up: a changed object). */
  tails?: Map<string, string>;
  /** Every check key of `tails`. */
  checkKeys?: Set<string>;
  /** Checks that passed in this process (shared by the objects that have the same value). */
  readonly passedNow: Set<string>;
  /** Whether `tails` holds something the checks' file does not. */
  tailsChanged: boolean;
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

/** The validation's engines, whose versions key the cache. */
const ENGINES = ['ajv', '@bufbuild/cel', 'kubernetes-models', 're2js'];

/**
 * The version of each of the validation's engines (`?` when not found), read from the
 * package.json that Node's lookup of the package from here finds first (`<dir>/node_modules/<pkg>`
 * from this directory up): `require('<pkg>/package.json')` fails for packages whose `exports` do
 * not list it (@bufbuild/cel, re2js).
 * @internal
 */
export function engineVersions(): { [pkg: string]: string } {
  const versions: { [pkg: string]: string } = {};
  for (const pkg of ENGINES) {
    versions[pkg] = '?';
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
      const file = path.join(dir, 'node_modules', pkg, 'package.json');
      if (fs.existsSync(file)) {
        try {
          versions[pkg] = String(JSON.parse(fs.readFileSync(file, 'utf8')).version ?? '?');
        } catch {
          // unreadable: '?'
        }
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return versions;
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
  for (const [pkg, version] of Object.entries(engineVersions())) hash.update(`${pkg}@${version}`);
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

/**
 * Removes the files this app's synthesis wrote with other versions of the validation (an
 * upgrade of the library or of its engines starts a new cache: the old one is never read again).
 */
function removeOtherVersions(s: Store): void {
  const mine = new RegExp(`^valid-[0-9a-f]{20}-${s.app}(\\.checks)?\\.txt$`);
  for (const f of fs.readdirSync(s.dir)) {
    if (!mine.test(f) || path.join(s.dir, f) === s.file || path.join(s.dir, f) === s.checksFile) continue;
    fs.rmSync(path.join(s.dir, f), { force: true });
  }
}

/** The lines of a file, none when it does not exist. */
function linesOf(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
}

/** The objects' file's lines: the objects' keys, and by whole-object check the keys of the objects that passed it. */
function objectLines(lines: readonly string[]): { valid: Set<string>; checksValid: Map<string, Set<string>> } {
  const valid = new Set<string>();
  const checksValid = new Map<string, Set<string>>();
  for (const line of lines) {
    if (line.length === KEY_LENGTH) {
      valid.add(line);
    } else if (line.length > KEY_LENGTH + 1 && line.charCodeAt(KEY_LENGTH) === COLON) {
      const check = line.slice(KEY_LENGTH + 1);
      let keys = checksValid.get(check);
      if (!keys) checksValid.set(check, keys = new Set());
      keys.add(line.slice(0, KEY_LENGTH));
    }
  }
  return { valid, checksValid };
}

/** Characters of an object's key (SHA-256 in hex). */
const KEY_LENGTH = 64;
const COLON = 58;

function open(): Store | null {
  if (store !== undefined) return store;
  store = null;
  const dir = cacheDir();
  if (!dir || __filename.endsWith('.ts')) return store;
  try {
    const app = appKey();
    const base = path.join(dir, `valid-${versionKey()}-${app}`);
    const { valid, checksValid } = objectLines(linesOf(`${base}.txt`));
    store = {
      dir,
      app,
      file: `${base}.txt`,
      checksFile: `${base}.checks.txt`,
      valid,
      used: new Set(),
      checksValid,
      checksUsed: new Map(),
      added: false,
      passedNow: new Set(),
      tailsChanged: false,
    };
  } catch {
    store = null;
  }
  return store;
}

/** The checks' file of the store, read once. */
function tailsOf(s: Store): Map<string, string> {
  if (s.tails === undefined) {
    s.tails = new Map();
    try {
      for (const line of linesOf(s.checksFile)) if (line.length > 65 && line.charAt(64) === ' ') s.tails.set(line.slice(0, 64), line.slice(65));
    } catch {
      // unreadable: the checks run again
    }
  }
  return s.tails;
}

function checkKeysOf(s: Store): Set<string> {
  if (s.checkKeys === undefined) {
    s.checkKeys = new Set();
    for (const tail of tailsOf(s).values()) for (const k of tail.split(' ')) s.checkKeys.add(k);
  }
  return s.checkKeys;
}

/** True when the result cache is in use (compiled library, cache not turned off). */
export function resultCacheEnabled(): boolean {
  return open() !== null;
}

/** How many objects an earlier synthesis of the app found valid. */
export function rememberedCount(): number {
  return open()?.valid.size ?? 0;
}

/** The SHA-256 of a text, in hex (with Node's one-shot hash where it has one: no Hash object per key). */
const sha256: (text: string) => string = typeof (crypto as { hash?: unknown }).hash === 'function'
  ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: 'hex'): string }).hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The cache key of an object: the hash of its JSON text (see jsonKey). */
export function objectKey(obj: unknown): string {
  return jsonKey(JSON.stringify(obj) ?? 'undefined');
}

/** The cache key of an object from its JSON text (`JSON.stringify` of it), for callers that have the text. */
export function jsonKey(json: string): string {
  return sha256(json);
}

/**
 * True when the object with key `objectKeyOf` passed the whole-object check `check` (e.g.
 * `istiod-admission`) before, in an earlier synthesis or earlier in this one; false when unknown
 * or caching is off. A check is remembered by the object's own key (no key of its own to make).
 */
export function knownCheck(check: string, objectKeyOf: string): boolean {
  const s = open();
  if (!s) return false;
  if (s.checksValid.get(check)?.has(objectKeyOf) !== true) return s.checksUsed.get(check)?.has(objectKeyOf) === true;
  useCheck(s, check, objectKeyOf);
  return true;
}

/** Remembers that the object with key `objectKeyOf` passed the whole-object check `check` (see knownCheck). */
export function rememberCheck(check: string, objectKeyOf: string): void {
  const s = open();
  if (!s) return;
  useCheck(s, check, objectKeyOf);
  if (s.checksValid.get(check)?.has(objectKeyOf) !== true) s.added = true;
}

/** Keeps the check an object passed in the file's next content. */
function useCheck(s: Store, check: string, objectKeyOf: string): void {
  const used = s.checksUsed.get(check);
  if (used) used.add(objectKeyOf);
  else s.checksUsed.set(check, new Set([objectKeyOf]));
}

/**
 * True when the object (by key) was found valid before, by an earlier synthesis or earlier in
 * this one; false when unknown or caching is off.
 */
export function knownValid(key: string): boolean {
  const s = open();
  if (!s) return false;
  // one lookup for the usual case (found in the file), a second for what this synthesis found
  if (!s.valid.has(key)) return s.used.has(key);
  s.used.add(key);
  return true;
}

/**
 * Remembers that the object with this key is valid. `checks` are the
 * keys of the checks inside the object that passed (its CEL rules, its metadata): they are kept
 * with the object as long as it is, so that when it changes in one place, the checks it did not
 * change are still known.
 */
export function rememberValid(key: string, checks?: readonly string[]): void {
  const s = open();
  if (!s) return;
  s.used.add(key);
  if (!s.valid.has(key)) s.added = true;
  if (checks === undefined || checks.length === 0) return;
  const tails = tailsOf(s);
  const tail = checks.join(' ');
  if (tails.get(key) === tail) return;
  tails.set(key, tail);
  s.tailsChanged = true;
}

/**
 * Writes what this synthesis found valid, when it differs from the file: entries of objects
 * the app no longer has are dropped.
 */
export function saveValid(): void {
  const s = open();
  if (!s) return;
  try {
    const sizes = (m: Map<string, Set<string>>) => [...m.values()].reduce((n, keys) => n + keys.size, 0);
    const changed = s.added || s.used.size !== s.valid.size || sizes(s.checksUsed) !== sizes(s.checksValid);
    if (!changed && !s.tailsChanged) return; // an unchanged app: nothing to write (or to list)
    fs.mkdirSync(path.dirname(s.file), { recursive: true });
    const write = (file: string, lines: string[]) => writeAtomic(file, `${lines.join('\n')}\n`);
    const checkLines = [...s.checksUsed].flatMap(([check, keys]) => [...keys].map((k) => `${k}:${check}`));
    const all = [...s.used, ...checkLines].slice(-MAX_ENTRIES);
    if (s.tailsChanged && s.tails) {
      // the checks of the objects this synthesis has (a dropped object's go with it)
      const kept = new Set(all);
      for (const k of [...s.tails.keys()]) if (!kept.has(k)) s.tails.delete(k);
      write(s.checksFile, [...s.tails].map(([k, tail]) => `${k} ${tail}`));
      s.tailsChanged = false;
      s.checkKeys = undefined;
    }
    if (!changed) return;
    if (!fs.existsSync(s.file)) removeOtherVersions(s);
    write(s.file, all);
    ({ valid: s.valid, checksValid: s.checksValid } = objectLines(all));
    s.used.clear();
    s.checksUsed.clear();
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
    passed: (key) => s.passedNow.has(key) || checkKeysOf(s).has(key),
    remember: (key) => {
      s.passedNow.add(key);
    },
  };
}
