// Runs the schema validation of a synthesis. Objects found valid by an earlier synthesis are
// skipped (./result-cache). The rest are validated in this thread, or, when a worker was
// started (`prewarmSchemaValidation`, opt-in with CDK8S_ISTIO_VALIDATION_WORKER=on, see
// ./prewarm), handed to the worker that loaded the engines in parallel with the app's
// construction, and the synth waits for the answer (synchronously: cdk8s validations are
// synchronous). Without a compiled worker (running from TypeScript sources, in tests) or on any
// worker failure, validation runs in the calling thread: the results are the same.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, Worker, receiveMessageOnPort } from 'worker_threads';
import type { ManifestValidation } from './manifest-validator';
import { jsonKey, knownValid, objectKey, passedChecks, rememberValid, rememberedCount, resultCacheEnabled, saveValid } from './result-cache';

/** How long a synthesis waits for the worker before validating in its own thread. */
const WORKER_TIMEOUT_MS = 120_000;

let worker: Worker | undefined;
let workerFailed = false;

function workerFile(): string | undefined {
  const file = path.join(__dirname, 'validation-worker.js');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * Starts loading the schema validation engines in a worker thread (idempotent). Called when
 * a chart turns on synth-time analysis.
 */
export function prewarmSchemaValidation(): void {
  if (worker || workerFailed) return;
  const file = workerFile();
  if (!file) return;
  try {
    worker = new Worker(file);
    worker.unref();
    worker.on('error', () => {
      workerFailed = true;
      worker = undefined;
    });
    worker.postMessage('prewarm');
  } catch {
    workerFailed = true;
    worker = undefined;
  }
}

/**
 * Prepares a first synthesis's validation: reads what an earlier synthesis of the app found
 * valid, and unless that was anything, loads the validation engines in this thread and prepares
 * the common kinds' schemas and CEL rules (the synthesis worker does this while the app is
 * constructed, see src/core/synthesis-worker.ts; in a re-synthesis the objects are found valid
 * from before, and loading engines that may not be needed would only compete with the app's
 * construction).
 * @returns whether it prepared the engines (false: a re-synthesis)
 */
export function prepareValidation(): boolean {
  if (resultCacheEnabled() && rememberedCount() > 0) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./manifest-validator') as typeof import('./manifest-validator')).prewarmValidation();
  return true;
}

/** Validations of objects, with the keys of the checks inside each object that passed (when remembered). */
interface Validated {
  readonly results: ManifestValidation[];
  readonly checks?: readonly string[][];
}

function inThread(objects: readonly unknown[]): Validated {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateManifest } = require('./manifest-validator') as typeof import('./manifest-validator');
  const passed = passedChecks(); // checks inside objects that passed in earlier runs
  if (!passed) return { results: objects.map((o) => validateManifest(o)) };
  const checks: string[][] = [];
  const results = objects.map((o) => {
    // the checks of this object that passed, now or before: kept with the object (see rememberValid)
    const mine = new Set<string>();
    const result = validateManifest(o, {
      keyOf: passed.keyOf,
      passed: (key) => {
        const known = passed.passed(key);
        if (known) mine.add(key);
        return known;
      },
      remember: (key) => {
        passed.remember(key);
        mine.add(key);
      },
    });
    checks.push([...mine]);
    return result;
  });
  return { results, checks };
}

/** Results of objects validated ahead of the analysis, by identity (see validateAhead). */
const validatedAhead = new WeakMap<object, ManifestValidation>();

/**
 * The result-cache key of an object from its JSON text (`JSON.stringify` of the object), for
 * validateAhead; undefined when caching is off. The synthesis worker takes it from the text it
 * parses its copy from, so the object is not written to JSON again.
 */
export function keyOfJson(json: string): string | undefined {
  return resultCacheEnabled() ? jsonKey(json) : undefined;
}

/**
 * Validates objects ahead of the analysis that will ask for them: the synthesis worker
 * (src/core/synthesis-worker.ts) does this with its own copies of the app's objects while the app
 * is still rendering, and validateManifests answers those objects from memory. The objects must
 * not change afterwards (the worker's copies never do). `knownKeys[i]`, when given, is the
 * result-cache key of `objects[i]` (see keyOfJson).
 */
export function validateAhead(objects: readonly unknown[], knownKeys: readonly (string | undefined)[] = []): void {
  const todo: object[] = [];
  const known: (string | undefined)[] = [];
  objects.forEach((o, i) => {
    if (o === null || typeof o !== 'object' || validatedAhead.has(o)) return;
    todo.push(o);
    known.push(knownKeys[i]);
  });
  if (todo.length === 0) return;
  const keys = resultCacheEnabled() ? todo.map((o, i) => known[i] ?? objectKey(o)) : undefined;
  validateNow(todo, keys).forEach((r, i) => {
    validatedAhead.set(todo[i], r);
    if (keys) keysAhead.set(todo[i], keys[i]);
  });
}

/** The result-cache keys of the objects validated ahead, by identity. */
const keysAhead = new WeakMap<object, string>();

/**
 * The result-cache key of an object validated ahead (see validateAhead), for checks of the
 * whole object remembered with it; undefined for other objects or when caching is off.
 */
export function keyValidatedAhead(obj: object): string | undefined {
  return keysAhead.get(obj);
}

/**
 * Validates manifests: objects found valid by an earlier synthesis are skipped (see
 * ./result-cache), objects validated ahead are answered from memory, the rest are validated in
 * the prewarmed worker when there is one, else in this thread.
 */
export function validateManifests(objects: readonly unknown[]): ManifestValidation[] {
  const results: (ManifestValidation | undefined)[] = objects.map((o) => (o !== null && typeof o === 'object' ? validatedAhead.get(o) : undefined));
  const rest = results.flatMap((r, i) => (r ? [] : [i]));
  if (rest.length > 0) validateNow(rest.map((i) => objects[i])).forEach((r, n) => { results[rest[n]] = r; });
  if (resultCacheEnabled()) saveValid();
  return results as ManifestValidation[];
}

function validateNow(objects: readonly unknown[], known?: readonly string[]): ManifestValidation[] {
  if (!resultCacheEnabled()) return validateUncached(objects).results; // no hashing when nothing is remembered
  const keys = known ?? objects.map(objectKey);
  const todo = objects.map((_o, i) => i).filter((i) => !knownValid(keys[i]));
  const results: ManifestValidation[] = objects.map(() => ({ problems: [], unknownKind: false }));
  if (todo.length > 0) {
    const fresh = validateUncached(todo.map((i) => objects[i]));
    todo.forEach((i, n) => {
      const r = fresh.results[n];
      results[i] = r;
      if (r.problems.length === 0 && !r.unknownKind) rememberValid(keys[i], fresh.checks?.[n]);
    });
  }
  return results;
}

function validateUncached(objects: readonly unknown[]): Validated {
  if (!worker || workerFailed || objects.length === 0) return inThread(objects);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    worker.postMessage({ objects, flag, port: port2 }, [port2]);
  } catch {
    port1.close();
    return inThread(objects); // not cloneable (should not happen with JSON manifests)
  }
  const waited = Atomics.wait(flag, 0, 0, WORKER_TIMEOUT_MS);
  const reply = receiveMessageOnPort(port1)?.message as { results?: ManifestValidation[]; error?: string } | undefined;
  port1.close();
  if (waited === 'timed-out' || !reply || !reply.results) {
    workerFailed = true;
    void worker.terminate();
    worker = undefined;
    return inThread(objects);
  }
  return { results: reply.results };
}
