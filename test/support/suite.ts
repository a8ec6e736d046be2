// Jest runs a test directory's *.test.ts files as one test file: the directory's *.suite.ts
// calls runTestFiles with a require of each, each file's tests run in a `describe` named after
// the file, and all of them share one module registry, so the library, cdk8s-plus-28 and the
// validator are loaded once per directory instead of once per file. Measured on the whole suite
// with coverage, the two ways interleaved: 173 test files 150 s and 112 s, 25 suites 71 s and
// 70 s (the same 3,301 tests).
//
// Snapshots stay where they were, one .snap file per test file, with the keys the file has when it
// runs alone (`npx projen test:files <pattern>`): the suite's snapshot state, the one jest reads
// and saves after the suite, sends each snapshot to the state of the test file it belongs to
// (found by the `describe` name) with that prefix taken off the test name. Jest's own bookkeeping
// therefore works as it does per file: written, matched and obsolete snapshots are counted in the
// summary, an obsolete snapshot fails the run, `test:update` removes it.
import * as fs from 'fs';
import * as path from 'path';

/** The part of jest-snapshot's SnapshotState (public API) a suite routes. */
interface SnapshotState {
  added: number;
  matched: number;
  unmatched: number;
  updated: number;
  match(options: { testName: string }): unknown;
  fail(testName: string, received: unknown, key?: string): string;
  markSnapshotsAsCheckedForTest(testName: string): void;
  clear(testIdentity?: unknown): void;
  getUncheckedCount(): number;
  getUncheckedKeys(): string[];
  removeUncheckedKeys(): void;
  save(): { deleted: boolean; saved: boolean };
}

type StateConstructor = new (snapshotPath: string, options: object) => SnapshotState;

const UPDATE_MODES = ['all', 'new', 'none'];

/** The options jest created the suite's snapshot state with, to create each file's the same way. */
function optionsOf(state: any): object {
  const updateSnapshot = state._updateSnapshot;
  if (!UPDATE_MODES.includes(updateSnapshot)) {
    throw new Error(`test/support/suite.ts: jest's SnapshotState no longer keeps its update mode in _updateSnapshot (found ${JSON.stringify(updateSnapshot)}); adapt optionsOf() to the installed jest-snapshot.`);
  }
  return {
    updateSnapshot,
    expand: state.expand,
    snapshotFormat: state.snapshotFormat,
    rootDir: state._rootDir,
    prettierPath: state._prettierPath,
  };
}

/** The test files of a directory (not its subdirectories) in the order the suite runs them. */
export function testFilesIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
}

/** Makes the suite's snapshot state a router to one state per test file. */
function routeSnapshots(dir: string, files: string[]): void {
  const suite = expect.getState().snapshotState as unknown as SnapshotState | undefined;
  if (!suite) throw new Error('test/support/suite.ts: runTestFiles() must run as a jest test file (no snapshot state)');
  const Ctor = suite.constructor as StateConstructor;
  const options = optionsOf(suite);
  const states = new Map<string, SnapshotState>(files.map((f) =>
    [`${f} `, new Ctor(path.join(dir, '__snapshots__', `${f}.snap`), options)]));
  const all = [...states.values()];

  /** The state of the file a full test name belongs to, and the name the file gives the test. */
  const route = (testName: string): [SnapshotState, string] => {
    for (const [prefix, state] of states) {
      if (testName.startsWith(prefix)) return [state, testName.slice(prefix.length)];
    }
    throw new Error(`test/support/suite.ts: snapshot of a test outside the suite's files: ${JSON.stringify(testName)}`);
  };
  const sum = (field: 'added' | 'matched' | 'unmatched' | 'updated') => all.reduce((n, s) => n + s[field], 0);

  const router: Partial<SnapshotState> = {
    match(opts) {
      const [state, testName] = route(opts.testName);
      return state.match({ ...opts, testName });
    },
    fail(name, received, key) {
      const [state, testName] = route(name);
      return state.fail(testName, received, key);
    },
    // jest calls this after the suite for each skipped or failed test
    markSnapshotsAsCheckedForTest(name) {
      for (const [prefix, state] of states) {
        if (name.startsWith(prefix)) state.markSnapshotsAsCheckedForTest(name.slice(prefix.length));
      }
    },
    // a test identity belongs to one file's state; the others ignore it
    clear: (testIdentity) => all.forEach((s) => s.clear(testIdentity)),
    getUncheckedCount: () => all.reduce((n, s) => n + s.getUncheckedCount(), 0),
    getUncheckedKeys: () => [...states].flatMap(([prefix, s]) => s.getUncheckedKeys().map((k) => `${prefix}${k}`)),
    removeUncheckedKeys: () => all.forEach((s) => s.removeUncheckedKeys()),
    save() {
      const saved = all.map((s) => s.save());
      // jest reads `deleted` as "the suite's snapshot file was removed": never one file for all
      return { deleted: false, saved: saved.some((s) => s.saved) };
    },
  };
  Object.assign(suite, router);
  for (const field of ['added', 'matched', 'unmatched', 'updated'] as const) {
    Object.defineProperty(suite, field, { get: () => sum(field), set: () => undefined, configurable: true });
  }
}

/**
 * Runs the *.test.ts files of `dir` (a suite's `__dirname`) in this jest test file, each in a
 * `describe` named after the file, with its snapshots in its own .snap file. `files` loads each
 * file: a literal `require` per file, which jest's dependency graph sees (watch mode,
 * `--findRelatedTests` and `--onlyChanged` find the suite of a changed file); it must name every
 * *.test.ts file of the directory and nothing else.
 */
export function runTestFiles(dir: string, files: { readonly [file: string]: () => unknown }): void {
  const present = testFilesIn(dir);
  const listed = Object.keys(files).sort();
  const suite = path.join(path.relative(process.cwd(), dir), `${path.basename(dir)}.suite.ts`);
  const missing = present.filter((f) => !listed.includes(f));
  const absent = listed.filter((f) => !present.includes(f));
  if (missing.length > 0 || absent.length > 0) {
    throw new Error([
      `${suite} must list exactly the *.test.ts files of its directory.`,
      ...missing.map((f) => `  add:    '${f}': () => require('./${f.replace(/\.ts$/, '')}'),`),
      ...absent.map((f) => `  remove: '${f}' (no such file)`),
    ].join('\n'));
  }
  routeSnapshots(dir, listed);
  for (const file of listed) describe(file, () => { files[file](); });
}
