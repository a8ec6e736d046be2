// Worker thread of a large app's synthesis (see ./synthesis-job.ts): the host hands it the
// app's rendered objects in batches as it renders them; meanwhile it takes chunks of the
// documents it has from the counter it shares with the host and writes their YAML; once it has
// them all it analyzes them (when asked) and posts the findings, then writes YAML until none are
// left. Same code as the host's, so the results are those the host would produce.
import { MessagePort, parentPort, receiveMessageOnPort, workerData } from 'worker_threads';
import { ANALYZED, DONE, JOINED, POSTED, SYNTH_WORKER, WorkerPreparation, takeChunk } from './synthesis-job';
import { stringifyYamlDocument } from './yaml-writer';
import type { AnalysisOptions } from '../analysis/mesh-analyzer';

/** A job from the host: how many documents it will post, the shared control words and the analysis to run. */
interface SynthesisWorkerJob {
  readonly total: number;
  readonly control: Int32Array;
  readonly port: MessagePort;
  readonly analysis?: AnalysisOptions;
}

/** A batch of documents posted by the host. */
interface SynthesisBatch {
  readonly start: number;
  readonly docs: unknown[];
}

/** Documents validated ahead at a time (between them the worker looks for new batches). */
const AHEAD = 64;

type ValidationHost = typeof import('../analysis/schema/validation-host');
function validationHost(): ValidationHost {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/schema/validation-host') as ValidationHost;
}

type Analyzer = typeof import('../analysis/mesh-analyzer');
function analyzer(): Analyzer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/mesh-analyzer') as Analyzer;
}

/**
 * Analyzes the documents (all of them, or none when the host stopped posting: it then analyzes
 * itself); `validatedAhead` documents were validated before.
 */
function analyze(job: SynthesisWorkerJob, docs: unknown[] | undefined, validatedAhead: number): void {
  try {
    const run = docs === undefined ? undefined : analyzer().MeshAnalyzer._run(docs as { [key: string]: any }[], job.analysis);
    job.port.postMessage({ diagnostics: run?.diagnostics, validatedAhead, preparedEngines });
  } catch (e) {
    job.port.postMessage({ analysisError: String((e as Error)?.stack ?? e) });
  } finally {
    Atomics.store(job.control, ANALYZED, 1);
    Atomics.notify(job.control, ANALYZED);
  }
}

/** Whether the worker loaded the analysis's engines before its first job (see prepare). */
let preparedEngines = false;

/**
 * Loads the engines a first synthesis will need before its objects arrive (the host is still
 * constructing the app). Only the schema validation of a first synthesis has more work than
 * the worker can do while the objects are rendered; otherwise it loads nothing yet (loading
 * competes with the app's construction for the machine). Anything that fails here fails
 * again, and is handled, in the job.
 */
function prepare(preparation: WorkerPreparation): void {
  try {
    if (preparation.analysis && preparation.schemaValidation && validationHost().prepareValidation()) {
      analyzer();
      preparedEngines = true;
    }
  } catch {
    // the job validates and analyzes as usual (or reports why it cannot)
  }
}

// only as the library's own worker (never when merely loaded in some other worker thread)
if (parentPort && workerData === SYNTH_WORKER) {
  parentPort.on('message', (message: SynthesisWorkerJob | { prepare: WorkerPreparation }) => {
    if ('prepare' in message) return prepare(message.prepare);
    const job = message;
    const { total, control, port } = job;
    if (Atomics.compareExchange(control, JOINED, 0, 1) !== 0) {
      port.close(); // the host did everything before this worker got to it
      return;
    }
    const docs: unknown[] = new Array(total);
    let held = 0; // the documents received (batches come in order)
    const receive = () => {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const batch = m.message as SynthesisBatch;
        batch.docs.forEach((d, k) => { docs[batch.start + k] = d; });
        held = batch.start + batch.docs.length;
      }
    };
    // whatever is written is posted, even if a document throws: the host writes the rest
    const chunks: { start: number; texts: string[] }[] = [];
    let analyzed = !job.analysis;
    // Until it has every document, the worker validates those it has (the analysis's schema
    // validation, answered from memory later) before it writes YAML: the host, still rendering,
    // can write YAML afterwards, but only the worker can validate ahead.
    let validating = job.analysis !== undefined && job.analysis.schemaValidation !== false;
    let ahead = 0;
    try {
      for (;;) {
        const posted = Atomics.load(control, POSTED);
        receive();
        const complete = held === total;
        if (!analyzed && (complete || posted < 0)) {
          analyzed = true;
          analyze(job, complete ? docs : undefined, ahead);
        }
        if (!analyzed && validating && ahead < held) {
          const end = Math.min(ahead + AHEAD, held);
          try {
            validationHost().validateAhead(docs.slice(ahead, end));
            ahead = end;
          } catch {
            validating = false; // the analysis validates them
          }
          continue;
        }
        const chunk = takeChunk(control, held);
        if (chunk) {
          const texts: string[] = [];
          chunks.push({ start: chunk[0], texts });
          for (let i = chunk[0]; i < chunk[1]; i++) {
            texts.push(stringifyYamlDocument(docs[i]));
            if (analyzed) docs[i] = undefined; // the copy is not needed any more
          }
          continue;
        }
        if (complete || posted < 0) break;
        Atomics.wait(control, POSTED, posted, 1000); // until the host posts more
      }
    } catch {
      // the host writes whatever is missing
    } finally {
      if (!analyzed) analyze(job, undefined, 0);
      port.postMessage({ chunks });
      port.close();
      Atomics.store(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  });
}
