// The YAML of a large app, written by two threads. Writing YAML is the largest single cost of a
// synthesis and needs nothing but the rendered objects, which exist once the synthesis has
// rendered them for analysis; from then on a worker thread (./yaml-worker.ts) writes documents
// while this thread analyzes the app, and this thread joins in when the app's YAML is asked
// for. Both take chunks from a shared counter, so the split adapts to how long the analysis
// takes. The texts are those this thread would write (same function); anything the worker did
// not deliver — it failed to start, threw, or timed out — is written here. Apps below
// MIN_DOCUMENTS objects, and TypeScript sources (tests), use no worker; the environment variable
// CDK8S_ISTIO_YAML_WORKER=off turns it off.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { stringifyYamlDocument } from './yaml-writer';

/** Index of the shared control word holding the next document index to take. */
export const NEXT = 0;
/** Index of the control word that is 1 once the worker has finished (its texts are posted). */
export const DONE = 1;
/** Index of the control word that is 0 until decided: 1 when the worker joined the job, -1 when the host took it all. */
export const JOINED = 2;

/** The worker's `workerData`: the worker answers jobs only when started as this library's. */
export const YAML_WORKER = 'cdk8s-istio:yaml-worker';

/** Apps with fewer objects write their YAML in one thread (a worker's start would cost more). */
const MIN_DOCUMENTS = 500;
/** Documents taken at a time. */
const CHUNK = 32;
/** How long the host waits for the worker's last chunk before writing it itself. */
const TIMEOUT_MS = 30_000;

let worker: Worker | undefined;
let failed = false;

function theWorker(): Worker | undefined {
  if (worker || failed) return worker;
  const file = path.join(__dirname, 'yaml-worker.js');
  if (/^(off|0|false)$/i.test(process.env.CDK8S_ISTIO_YAML_WORKER ?? '') || !fs.existsSync(file)) {
    failed = true;
    return undefined;
  }
  try {
    worker = new Worker(file, { workerData: YAML_WORKER });
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
 * The YAML texts of an app's rendered documents, written by this thread and a worker.
 * @internal
 */
export class ParallelYaml {
  /**
   * Starts writing `docs` in a worker (when the app is large enough and a worker is available).
   * @returns the job, or undefined when this thread writes everything as usual
   */
  public static start(docs: readonly unknown[]): ParallelYaml | undefined {
    if (docs.length < MIN_DOCUMENTS) return undefined;
    const w = theWorker();
    if (!w) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(12));
    const { port1, port2 } = new MessageChannel();
    try {
      w.postMessage({ docs, control, chunk: CHUNK, port: port2 }, [port2]);
    } catch {
      port1.close();
      return undefined; // not cloneable: written here
    }
    return new ParallelYaml(docs, control, port1);
  }

  /** How many documents the worker wrote (known once the YAML was asked for). */
  public workerDocuments = 0;
  private readonly index = new Map<unknown, number>();
  private texts?: (string | undefined)[];

  private constructor(private readonly docs: readonly unknown[], private readonly control: Int32Array, private readonly port: MessagePort) {
    docs.forEach((d, i) => {
      if (d !== null && typeof d === 'object' && !this.index.has(d)) this.index.set(d, i);
    });
  }

  /** The text of a document (written here unless it is one of the job's). */
  public textOf(doc: unknown): string {
    const i = this.index.get(doc);
    if (i === undefined) return stringifyYamlDocument(doc);
    return this.finish()[i] ?? stringifyYamlDocument(doc);
  }

  /** Writes what is left here, then collects the worker's texts (once). */
  private finish(): (string | undefined)[] {
    if (this.texts) return this.texts;
    const texts: (string | undefined)[] = new Array(this.docs.length);
    const { control } = this;
    for (;;) {
      const start = Atomics.add(control, NEXT, CHUNK);
      if (start >= this.docs.length) break;
      for (let i = start; i < Math.min(start + CHUNK, this.docs.length); i++) texts[i] = stringifyYamlDocument(this.docs[i]);
    }
    // the worker joined unless this thread can still claim the job for itself
    if (Atomics.compareExchange(control, JOINED, 0, -1) === 1) {
      const waited = Atomics.wait(control, DONE, 0, TIMEOUT_MS);
      const reply = receiveMessageOnPort(this.port)?.message as { chunks?: { start: number; texts: string[] }[] } | undefined;
      if (waited === 'timed-out') failed = true;
      for (const c of reply?.chunks ?? []) {
        c.texts.forEach((t, k) => { texts[c.start + k] = t; });
        this.workerDocuments += c.texts.length;
      }
    }
    this.port.close();
    this.texts = texts; // holes (worker failure) are written by textOf
    return texts;
  }
}
