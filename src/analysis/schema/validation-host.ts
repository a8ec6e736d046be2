// Runs the schema validation of a synthesis. Objects found valid by an earlier synthesis are
// skipped (./result-cache). The rest are validated in this thread, or by a worker that loaded the
// engines in parallel with the app's construction: started for a large app's synthesis when
// nothing of the app was found valid before (ValidationStream.prepareForLargeApp, called by src/core once the
// construction shows the app is large: a first synthesis, or one after an upgrade), or for any
// app with CDK8S_ISTIO_VALIDATION_WORKER=on (see ./prewarm). The synthesis hands the worker its
// objects as they are rendered (ValidationStream.add), so that the worker validates them while this
// thread renders and analyzes; the analysis then takes the answers, waiting for them if need be
// (synchronously: cdk8s validations are synchronous), and once it has them all the worker ends,
// its memory released before the YAML is written. Without a compiled worker (running from
// TypeScript sources, in tests) or on any worker failure, validation runs in the calling
// thread: the results are the same.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import type { ManifestValidation } from './manifest-validator';
import { jsonKey, knownValid, objectKey, passedChecks, rememberValid, rememberedCount, resultCacheEnabled, saveValid } from './result-cache';

/** How long a synthesis waits for the worker before validating in its own thread. */
const WORKER_TIMEOUT_MS = 120_000;
/** The worker's young generation (V8's default is 48 MB at most). */
const WORKER_YOUNG_GENERATION_MB = 8;

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
    // a small young generation: the worker holds a batch of objects at a time, and its memory
    // stays ~20 MB lower (measured on `npx projen bench`'s mesh, for the same time)
    worker = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
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
export interface Validated {
  readonly results: ManifestValidation[];
  readonly checks?: readonly string[][];
}

/**
 * Validates objects in the calling thread, with the keys of the checks inside each valid
 * object that passed (when the result cache is on).
 * @internal
 */
export function validateInThread(objects: readonly unknown[]): Validated {
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
  const keys = resultCacheEnabled() ? todo.map((o, i) => known[i] ?? keyOf(o)) : undefined;
  validateNow(todo, keys).forEach((r, i) => {
    validatedAhead.set(todo[i], r);
    if (keys?.[i] !== undefined) keysAhead.set(todo[i], keys[i]!);
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

/** The result of an object found valid by an earlier synthesis (one for all: it is never changed). */
const FOUND_VALID: ManifestValidation = Object.freeze({ problems: Object.freeze([]) as unknown as ManifestValidation['problems'], unknownKind: false });

/** Texts handed to the worker by ValidationStream.add and its answers. */
interface Stream {
  readonly port: MessagePort;
  /** [0]: how many of the texts the worker has answered. */
  readonly control: Int32Array;
  /** How many texts were handed over. */
  posted: number;
  /** The worker's results, the objects' result-cache keys and the keys of the checks that passed inside each, by text (known once collected). */
  readonly results: (ManifestValidation | undefined)[];
  readonly keys: (string | undefined)[];
  readonly checks: (readonly string[] | undefined)[];
  collected: boolean;
}

/**
 * An object handed over by ValidationStream.add: its stream, its text's index (-1: found valid
 * before, not handed over) and its result-cache key (when this thread computed it: else the
 * worker does).
 */
interface Streamed {
  readonly stream: Stream;
  readonly index: number;
  readonly key: string | undefined;
}

const streamed = new WeakMap<object, Streamed>();
let openStream: Stream | undefined;
/**
 * The objects of a synthesis validated by the worker as they are rendered: the worker is
 * started for a large app (`prepareForLargeApp`), the synthesis hands it each batch of objects
 * it renders (`add`), and validateManifests takes the worker's answers.
 */
export class ValidationStream {
  /** How many objects this process handed to the worker (see `add`). */
  public static handedOver = 0;

  /** True when objects can be handed to the worker (see `add`). */
  public static running(): boolean {
    return worker !== undefined && !workerFailed;
  }

  /**
   * Starts the worker (see prewarmSchemaValidation) for the synthesis of a large app, unless an
   * earlier synthesis of the app found objects valid: then few if any are left to validate, and
   * the worker would only cost its start and its memory.
   */
  public static prepareForLargeApp(): void {
    if (resultCacheEnabled() && rememberedCount() > 0) return;
    prewarmSchemaValidation();
  }

  /**
   * Hands rendered objects to the worker as their JSON text (what the API server would
   * receive), so that it validates them while this thread goes on rendering and analyzing;
   * validateManifests takes its answers. Objects found valid by an earlier synthesis are not
   * handed over; objects JSON cannot write (a cycle, a BigInt) are validated by
   * validateManifests as usual. The objects must not change afterwards (a synthesis hands over
   * what it rendered). Does nothing without a running worker (see `running`).
   */
  public static add(objects: readonly unknown[]): void {
    if (!ValidationStream.running() || !worker) return;
    let s = openStream;
    if (!s || s.collected) {
      const control = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      try {
        worker.postMessage({ stream: port2, control }, [port2]);
      } catch {
        port1.close();
        return;
      }
      s = openStream = { port: port1, control, posted: 0, results: [], keys: [], checks: [], collected: false };
    }
    // the keys of objects that may be known valid; the worker computes the others'
    const lookUp = resultCacheEnabled() && rememberedCount() > 0;
    const texts: string[] = [];
    const handed: [object, string | undefined][] = [];
    for (const o of objects) {
      if (o === null || typeof o !== 'object' || Array.isArray(o) || streamed.has(o)) continue;
      let text: string;
      try {
        text = JSON.stringify(o);
      } catch {
        continue;
      }
      const key = lookUp ? jsonKey(text) : undefined;
      if (key !== undefined && knownValid(key)) {
        streamed.set(o, { stream: s, index: -1, key });
        continue;
      }
      texts.push(text);
      handed.push([o, key]);
    }
    if (texts.length === 0) return;
    try {
      s.port.postMessage(texts);
    } catch {
      return; // validated by validateManifests
    }
    handed.forEach(([o, key], k) => streamed.set(o, { stream: s!, index: s!.posted + k, key }));
    s.posted += texts.length;
    ValidationStream.handedOver += texts.length;
  }
}

/** Waits for the worker's answers to a stream's texts (once); a text it did not answer is validated in this thread. */
function collect(s: Stream): void {
  if (s.collected) return;
  s.collected = true;
  if (openStream === s) openStream = undefined;
  for (let done = Atomics.load(s.control, 0); done < s.posted; done = Atomics.load(s.control, 0)) {
    if (Atomics.wait(s.control, 0, done, WORKER_TIMEOUT_MS) === 'timed-out') {
      workerFailed = true;
      break;
    }
  }
  for (let m = receiveMessageOnPort(s.port); m; m = receiveMessageOnPort(s.port)) {
    const reply = m.message as { first: number; results?: ManifestValidation[]; keys?: (string | undefined)[]; checks?: string[][] };
    reply.results?.forEach((r, k) => {
      s.results[reply.first + k] = r;
      s.keys[reply.first + k] = reply.keys?.[k];
      s.checks[reply.first + k] = reply.checks?.[k];
    });
  }
  s.port.close();
  if (!openStream) releaseWorker();
}

/**
 * Ends the worker once a synthesis has the answers to every object it handed over: the worker's
 * memory (its engines and copies of the objects, about 40 MB in a first synthesis of
 * `npx projen bench`'s 5,000 services) is released before the app's YAML is written, when the
 * app's own memory peaks. A later synthesis that needs a worker starts another
 * (prewarmSchemaValidation).
 */
function releaseWorker(): void {
  if (!worker) return;
  void worker.terminate();
  worker = undefined;
}

/**
 * The worker's result for an object handed over by ValidationStream.add; undefined for other
 * objects (or one it did not answer). Its result-cache key goes to `keysOut`.
 */
function streamedResult(o: object, keysOut?: Map<object, string>): ManifestValidation | undefined {
  const e = streamed.get(o);
  if (!e) return undefined;
  collect(e.stream);
  const r = e.index < 0 ? FOUND_VALID : e.stream.results[e.index];
  if (!r) return undefined;
  const key = e.key ?? e.stream.keys[e.index];
  if (key === undefined || !resultCacheEnabled()) return r;
  keysOut?.set(o, key);
  if (e.index >= 0 && r.problems.length === 0 && !r.unknownKind) rememberValid(key, e.stream.checks[e.index]);
  return r;
}

/** Options of validateManifests. */
export interface ValidateManifestsOptions {
  /** Receives the result-cache key of each object (when the cache is on), for checks of the whole object remembered with it. */
  readonly keysOut?: Map<object, string>;
  /**
   * Whether to write what was found valid to the result cache now (default true); false when
   * the caller remembers more with the objects' keys and then calls saveValidation.
   */
  readonly save?: boolean;
}

/** Writes what was found valid to the result cache (see validateManifests' `save`). */
export function saveValidation(): void {
  if (resultCacheEnabled()) saveValid();
}

/**
 * Validates manifests: objects found valid by an earlier synthesis are skipped (see
 * ./result-cache), objects validated ahead or handed to the worker as they were rendered
 * (ValidationStream) are answered from what was found, the rest are validated in the prewarmed
 * worker when there is one, else in this thread.
 */
export function validateManifests(objects: readonly unknown[], options: ValidateManifestsOptions = {}): ManifestValidation[] {
  const { keysOut } = options;
  const results: (ManifestValidation | undefined)[] = objects.map((o) => {
    if (o === null || typeof o !== 'object') return undefined;
    const ahead = validatedAhead.get(o);
    if (ahead === undefined) return streamedResult(o, keysOut);
    const key = keysAhead.get(o);
    if (key !== undefined) keysOut?.set(o, key);
    return ahead;
  });
  const rest = results.flatMap((r, i) => (r ? [] : [i]));
  if (rest.length > 0) validateNow(rest.map((i) => objects[i]), undefined, keysOut).forEach((r, n) => { results[rest[n]] = r; });
  if (options.save !== false) saveValidation();
  return results as ManifestValidation[];
}

/** The result-cache key of an object; undefined when JSON cannot write it (a cycle, a BigInt: validated, never remembered). */
function keyOf(o: unknown): string | undefined {
  try {
    return objectKey(o);
  } catch {
    return undefined;
  }
}

function validateNow(objects: readonly unknown[], known?: readonly (string | undefined)[], keysOut?: Map<object, string>): ManifestValidation[] {
  if (!resultCacheEnabled()) return validateUncached(objects).results; // no hashing when nothing is remembered
  const keys = known ?? objects.map(keyOf);
  if (keysOut) {
    objects.forEach((o, i) => {
      if (keys[i] !== undefined && o !== null && typeof o === 'object') keysOut.set(o, keys[i]!);
    });
  }
  const todo = objects.map((_o, i) => i).filter((i) => keys[i] === undefined || !knownValid(keys[i]!));
  const results: ManifestValidation[] = objects.map(() => FOUND_VALID);
  if (todo.length > 0) {
    const fresh = validateUncached(todo.map((i) => objects[i]));
    todo.forEach((i, n) => {
      const r = fresh.results[n];
      results[i] = r;
      if (r.problems.length === 0 && !r.unknownKind && keys[i] !== undefined) rememberValid(keys[i]!, fresh.checks?.[n]);
    });
  }
  return results;
}

function validateUncached(objects: readonly unknown[]): Validated {
  if (!ValidationStream.running() || !worker || objects.length === 0) return validateInThread(objects);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    worker.postMessage({ objects, flag, port: port2 }, [port2]);
  } catch {
    port1.close();
    return validateInThread(objects); // not cloneable (should not happen with JSON manifests)
  }
  const waited = Atomics.wait(flag, 0, 0, WORKER_TIMEOUT_MS);
  const reply = receiveMessageOnPort(port1)?.message as { results?: ManifestValidation[]; error?: string } | undefined;
  port1.close();
  if (waited === 'timed-out' || !reply || !reply.results) {
    workerFailed = true;
    void worker.terminate();
    worker = undefined;
    return validateInThread(objects);
  }
  return { results: reply.results };
}
