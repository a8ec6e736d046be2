// The expensive part of a large app's synthesis, shared with a second thread. Once the app's
// objects are rendered, the synth-time analysis and the YAML need nothing else: a worker thread
// (./synthesis-worker.ts) analyzes a copy of the objects and then writes YAML, while this
// thread writes YAML until the analysis is known (the synthesis cannot go on before) and again
// when the app's YAML is asked for. Both threads take chunks of documents from a shared counter,
// so the split adapts to how long each part takes. The worker runs the same code on the same
// objects, so its findings and texts are those this thread would produce; whatever it does not
// deliver (it failed to start, threw, or timed out) is done here. Apps below MIN_DOCUMENTS
// objects and TypeScript sources (tests) use no worker; CDK8S_ISTIO_SYNTH_WORKER=off turns it
// off.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { stringifyYamlDocument } from './yaml-writer';
import type { AnalysisDiagnostic, AnalysisOptions } from '../analysis/mesh-analyzer';

/** Index of the shared control word holding the next document index to take. */
export const NEXT = 0;
/** Index of the control word that is 1 once the worker has finished (its texts are posted). */
export const DONE = 1;
/** Index of the control word that is 0 until decided: 1 when the worker joined the job, -1 when the host took it all. */
export const JOINED = 2;
/** Index of the control word that is 1 once the worker's analysis is posted. */
export const ANALYZED = 3;

/** The worker's `workerData`: the worker answers jobs only when started as this library's. */
export const SYNTH_WORKER = 'cdk8s-istio:synthesis-worker';

/** Apps with fewer objects are synthesized in one thread (a worker's start would cost more). */
const MIN_DOCUMENTS = 500;
/** Documents taken at a time. */
const CHUNK = 32;

/**
 * Takes the next chunk of `count` documents from the counter shared by the host and the worker.
 * @returns the chunk's first and end index, or undefined when none is left
 * @internal
 */
export function takeChunk(control: Int32Array, count: number): [number, number] | undefined {
  const start = Atomics.add(control, NEXT, CHUNK);
  return start < count ? [start, Math.min(start + CHUNK, count)] : undefined;
}
/** How long the host waits for the worker's analysis or last chunk before doing it itself. */
const TIMEOUT_MS = 120_000;

let worker: Worker | undefined;
let failed = false;

function theWorker(): Worker | undefined {
  if (worker || failed) return worker;
  const file = path.join(__dirname, 'synthesis-worker.js');
  if (/^(off|0|false)$/i.test(process.env.CDK8S_ISTIO_SYNTH_WORKER ?? '') || !fs.existsSync(file)) {
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

/** What the worker posts: its analysis first (when asked for), then its texts. */
interface WorkerReply {
  readonly diagnostics?: AnalysisDiagnostic[];
  readonly analysisError?: string;
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
    if (docs.length < MIN_DOCUMENTS) return undefined;
    const w = theWorker();
    if (!w) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(16));
    const { port1, port2 } = new MessageChannel();
    try {
      w.postMessage({ docs, control, port: port2, analysis }, [port2]);
    } catch {
      port1.close();
      return undefined; // not cloneable: done here
    }
    return new SynthesisJob(docs, control, port1, analysis !== undefined);
  }

  /** How many documents the worker wrote (known once the YAML was asked for). */
  public workerDocuments = 0;
  private readonly index = new Map<unknown, number>();
  private readonly texts: (string | undefined)[];
  private finished = false;

  private constructor(
    private readonly docs: readonly unknown[],
    private readonly control: Int32Array,
    private readonly port: MessagePort,
    private readonly analyzes: boolean,
  ) {
    this.texts = new Array(docs.length);
    docs.forEach((d, i) => {
      if (d !== null && typeof d === 'object' && !this.index.has(d)) this.index.set(d, i);
    });
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
    const chunk = takeChunk(this.control, this.docs.length);
    if (!chunk) return false;
    for (let i = chunk[0]; i < chunk[1]; i++) this.texts[i] = stringifyYamlDocument(this.docs[i]);
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
