// The expensive part of a large app's synthesis, shared with a second thread. Once the app's
// objects are rendered, the synth-time analysis and the YAML need nothing else: a worker thread
// (./synthesis-worker.ts) receives copies of the objects in batches as they are rendered and
// writes their YAML meanwhile, analyzes them once it has them all, then writes YAML again, while
// this thread writes YAML until the analysis is known (the synthesis cannot go on before) and
// again when the app's YAML is asked for. Both threads take chunks of documents from a shared
// counter, so the split adapts to how long each part takes. The worker runs the same code on the same
// objects, so its findings and texts are those this thread would produce; whatever it does not
// deliver (it failed to start, threw, or timed out) is done here. The worker is opt-in
// (CDK8S_ISTIO_SYNTH_WORKER=on): it holds a second copy of the app's objects and of the
// analysis's model of them, so in `npx projen bench` it took 10 % less time at 5,000 services
// for 40 % more memory (541 -> 762 MB peak RSS), and gained nothing at 1,000. Apps below
// MIN_DOCUMENTS objects, apps whose charts edit their objects after rendering (./rendering)
// and TypeScript sources (tests) use no worker.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { exactJsonText } from './json-text';
import { flatText, stringifyYamlDocument } from './yaml-writer';
import type { AnalysisDiagnostic, AnalysisOptions } from '../analysis/mesh-analyzer';

/** Index of the shared control word holding the next document index to take. */
export const NEXT = 0;
/** Index of the control word that is 1 once the worker has finished (its texts are posted). */
export const DONE = 1;
/** Index of the control word that is 0 until decided: 1 when the worker joined the job, -1 when the host took it all. */
export const JOINED = 2;
/** Index of the control word that is 1 once the worker's analysis is posted. */
export const ANALYZED = 3;
/** Index of the control word holding how many documents the host has posted (or -1: it stopped posting). */
export const POSTED = 4;

/** The worker's `workerData`: the worker answers jobs only when started as this library's. */
export const SYNTH_WORKER = 'cdk8s-istio:synthesis-worker';

/** Apps with fewer objects are synthesized in one thread (a worker's start would cost more). */
const MIN_DOCUMENTS = 500;
/** Documents taken at a time. */
const CHUNK = 32;

/**
 * Takes the next chunk among the first `count` documents from the counter shared by the host and
 * the worker (which may hold fewer documents than the host while they are being posted).
 * @returns the chunk's first and end index, or undefined when none of them is left
 * @internal
 */
export function takeChunk(control: Int32Array, count: number): [number, number] | undefined {
  for (;;) {
    const start = Atomics.load(control, NEXT);
    if (start >= count) return undefined;
    const end = Math.min(start + CHUNK, count);
    if (Atomics.compareExchange(control, NEXT, start, end) === start) return [start, end];
  }
}
/** How long the host waits for the worker's analysis or last chunk before doing it itself. */
const TIMEOUT_MS = 120_000;

let worker: Worker | undefined;
let failed = false;

function theWorker(): Worker | undefined {
  if (worker || failed) return worker;
  const file = path.join(__dirname, 'synthesis-worker.js');
  if (!/^(on|1|true)$/i.test(process.env.CDK8S_ISTIO_SYNTH_WORKER ?? '') || !fs.existsSync(file)) {
    failed = true;
    return undefined;
  }
  try {
    worker = new Worker(file, { workerData: SYNTH_WORKER });
    worker.unref(); // never keeps the process alive
    worker.on('error', () => {
      failed = true;
      worker = undefined;
    });
  } catch {
    failed = true;
  }
  return worker;
}

/**
 * What the worker prepares before the app is synthesized (./synthesis-worker): the analysis
 * engines, and the schema validation engines with the common kinds' schemas and CEL rules.
 * @internal
 */
export interface WorkerPreparation {
  /** Whether the synthesis will analyze (load the analyzers). */
  readonly analysis: boolean;
  /** Whether the analysis will validate schemas (load and warm the validation engines). */
  readonly schemaValidation: boolean;
}

let prepared = false;

/**
 * Starts the worker and has it load the engines the synthesis of a large app will need
 * (once per process), while the app is still being constructed: a large app's construction
 * keeps this thread busy long enough for the worker to be ready when its objects are rendered.
 * Called when an app's construction shows it will be large (see ./mesh-analysis).
 * @returns whether there is a synthesis worker (opt-in, see the file's header)
 * @internal
 */
export function prepareSynthesisWorker(preparation: WorkerPreparation): boolean {
  if (prepared) return worker !== undefined;
  prepared = true;
  const w = theWorker();
  if (!w) return false;
  try {
    w.postMessage({ prepare: preparation });
  } catch {
    // the job's own message reports a broken worker
  }
  return true;
}

/** What the worker posts: its analysis first (when asked for), then its texts. */
interface WorkerReply {
  readonly diagnostics?: AnalysisDiagnostic[];
  readonly analysisError?: string;
  /** How many documents the worker validated while the host was still handing them over. */
  readonly validatedAhead?: number;
  /** How many documents the worker added to the analysis's input while the host was still handing them over. */
  readonly indexedAhead?: number;
  /** Whether the worker had loaded the analysis's engines before the job (prepareSynthesisWorker). */
  readonly preparedEngines?: boolean;
  readonly chunks?: { start: number; texts: string[] }[];
}

/**
 * The analysis and the YAML texts of an app's rendered documents, shared with a worker.
 * @internal
 */
export class SynthesisJob {
  /**
   * Hands `docs` to the worker (when the app is large enough and a worker is available): it
   * analyzes them with `analysis` (unless undefined), then writes YAML.
   * @returns the job, or undefined when this thread does everything as usual
   */
  public static start(docs: readonly unknown[], analysis?: AnalysisOptions): SynthesisJob | undefined {
    const job = SynthesisJob.open(docs.length, analysis);
    job?.add(docs);
    return job;
  }

  /**
   * Opens a job for `total` documents (when that is enough for a worker and one is available),
   * to be handed over in batches with `add()` as they are rendered: the worker writes the YAML of
   * those it has, and analyzes them with `analysis` (unless undefined) once it has them all.
   * @returns the job, or undefined when this thread does everything as usual
   */
  public static open(total: number, analysis?: AnalysisOptions): SynthesisJob | undefined {
    if (total < MIN_DOCUMENTS) return undefined;
    const w = theWorker();
    if (!w) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(20));
    const { port1, port2 } = new MessageChannel();
    try {
      w.postMessage({ total, control, port: port2, analysis }, [port2]);
    } catch {
      port1.close();
      return undefined;
    }
    return new SynthesisJob(total, control, port1, analysis !== undefined);
  }

  /** How many documents the worker wrote (known once the YAML was asked for). */
  public workerDocuments = 0;
  /** How many documents were handed to the worker as JSON text (./json-text), not cloned. */
  public handedAsJson = 0;
  /** How many documents the worker validated before it had them all (known with its analysis). */
  public validatedAhead = 0;
  /** How many documents the worker added to the analysis's input before it had them all (known with its analysis). */
  public indexedAhead = 0;
  /** Whether the worker had loaded the analysis's engines before the job (known with its analysis). */
  public preparedEngines = false;
  private readonly index = new Map<unknown, number>();
  private readonly texts: (string | undefined)[];
  private readonly docs: unknown[] = [];
  private finished = false;

  private constructor(
    private readonly total: number,
    private readonly control: Int32Array,
    private readonly port: MessagePort,
    private readonly analyzes: boolean,
  ) {
    this.texts = new Array(total);
  }

  /**
   * Hands the next rendered documents to the worker. Once it could not (a document that is not
   * cloneable), the worker gets no more: it writes and analyzes nothing past what it has, and
   * this thread does the rest.
   */
  public add(batch: readonly unknown[]): void {
    const start = this.docs.length;
    if (start + batch.length > this.total) throw new Error(`cdk8s-istio: a synthesis job for ${this.total} documents was handed ${start + batch.length}`);
    batch.forEach((d, k) => {
      this.docs.push(d);
      if (d !== null && typeof d === 'object' && !this.index.has(d)) this.index.set(d, start + k);
    });
    if (Atomics.load(this.control, POSTED) < 0) return;
    try {
      // as JSON texts when JSON carries every document of the batch exactly (./json-text), else cloned
      const json: string[] = [];
      for (const d of batch) {
        const text = exactJsonText(d);
        if (text === undefined) break;
        json.push(text);
      }
      const asJson = json.length === batch.length;
      this.port.postMessage(asJson ? { start, json } : { start, docs: batch });
      if (asJson) this.handedAsJson += batch.length;
      Atomics.store(this.control, POSTED, this.docs.length);
    } catch {
      Atomics.store(this.control, POSTED, -1); // not cloneable: the rest is done here
    }
    Atomics.notify(this.control, POSTED);
  }

  /** Stops handing documents to the worker (the synthesis failed): it finishes what it has. */
  public abort(): void {
    Atomics.store(this.control, POSTED, -1);
    Atomics.notify(this.control, POSTED);
  }

  /**
   * The worker's analysis of the documents, once it is known; this thread writes YAML while it
   * waits. Undefined when the job has no analysis or the worker could not deliver it: the
   * caller then analyzes in its own thread.
   */
  public analysis(): AnalysisDiagnostic[] | undefined {
    if (!this.analyzes) return undefined;
    const { control } = this;
    while (Atomics.load(control, ANALYZED) === 0) {
      if (this.writeChunk()) continue;
      // nothing left to write: wait for the worker, unless it never joined (then it never will)
      if (Atomics.compareExchange(control, JOINED, 0, -1) !== 1) return undefined;
      if (Atomics.wait(control, ANALYZED, 0, TIMEOUT_MS) === 'timed-out') {
        failed = true;
        return undefined;
      }
    }
    const reply = receiveMessageOnPort(this.port)?.message as WorkerReply | undefined;
    this.validatedAhead = reply?.validatedAhead ?? 0;
    this.indexedAhead = reply?.indexedAhead ?? 0;
    this.preparedEngines = reply?.preparedEngines === true;
    return reply?.diagnostics;
  }

  /**
   * The text of a document (written here unless it is one of the job's). A text is handed out
   * once and then dropped (the YAML being assembled holds it); asked again, it is written again.
   */
  public textOf(doc: unknown): string {
    const i = this.index.get(doc);
    if (i === undefined) return stringifyYamlDocument(doc);
    this.finish();
    const text = this.texts[i];
    this.texts[i] = undefined;
    return text ?? stringifyYamlDocument(doc);
  }

  /** Writes the next chunk here; false when none is left. */
  private writeChunk(): boolean {
    if (this.docs.length < this.total) throw new Error(`cdk8s-istio: a synthesis job for ${this.total} documents was handed ${this.docs.length}`);
    const chunk = takeChunk(this.control, this.docs.length);
    if (!chunk) return false;
    for (let i = chunk[0]; i < chunk[1]; i++) this.texts[i] = flatText(stringifyYamlDocument(this.docs[i]));
    return true;
  }

  /** Writes what is left here, then collects the worker's texts (once). */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    while (this.writeChunk());
    // the worker joined unless this thread can still claim the job for itself
    if (Atomics.compareExchange(this.control, JOINED, 0, -1) === 1) {
      if (Atomics.wait(this.control, DONE, 0, TIMEOUT_MS) === 'timed-out') failed = true;
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        for (const c of (m.message as WorkerReply).chunks ?? []) {
          c.texts.forEach((t, k) => { this.texts[c.start + k] = t; });
          this.workerDocuments += c.texts.length;
        }
      }
    }
    this.port.close(); // holes (worker failure) are written by textOf
  }
}
