// Worker thread of a large app's synthesis (see ./synthesis-job.ts): the host hands it the
// app's rendered objects in batches as it renders them; meanwhile it validates them and adds them
// to the analysis's input (when asked to analyze), loads the analyzers, and takes chunks of the
// documents it has from the counter it shares with the host and writes their YAML; once it has
// them all it analyzes them and posts the findings, then writes YAML until none are left. Same
// code as the host's, so the results are those the host would produce.
import { MessagePort, parentPort, receiveMessageOnPort, workerData } from 'worker_threads';
import { ANALYZED, DONE, JOINED, POSTED, SYNTH_WORKER, WorkerPreparation, takeChunk } from './synthesis-job';
import { flatText, stringifyYamlDocument } from './yaml-writer';
import type { AnalysisInput } from '../analysis/analysis-input';
import type { AnalysisOptions } from '../analysis/mesh-analyzer';

/** A job from the host: how many documents it will post, the shared control words and the analysis to run. */
interface SynthesisWorkerJob {
  readonly total: number;
  readonly control: Int32Array;
  readonly port: MessagePort;
  readonly analysis?: AnalysisOptions;
}

/** A batch of documents posted by the host: cloned, or as their JSON texts (see ./json-text). */
type SynthesisBatch = { readonly start: number } & ({ readonly docs: unknown[] } | { readonly json: string[] });

/** Documents validated ahead at a time (between them the worker looks for new batches). */
const AHEAD = 64;

type ValidationHost = typeof import('../analysis/schema/validation-host');
function validationHost(): ValidationHost {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/schema/validation-host') as ValidationHost;
}

/** The result-cache key of a document from its JSON text, if the validation can say (else it computes it). */
function keyOf(json: string): string | undefined {
  try {
    return validationHost().keyOfJson(json);
  } catch {
    return undefined; // validating fails alike, and is handled there
  }
}

type Input = typeof import('../analysis/analysis-input');
/** The analysis's view of the documents, built as they come (see ../analysis/analysis-input). */
function analysisInput(workloadPods: boolean): AnalysisInput | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return new (require('../analysis/analysis-input') as Input).AnalysisInput(workloadPods);
  } catch {
    return undefined; // the analysis builds it from the documents
  }
}

type Admission = typeof import('../analysis/analyzers/schema/istio-admission');
function admission(): Admission {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/analyzers/schema/istio-admission') as Admission;
}

type Analyzer = typeof import('../analysis/mesh-analyzer');
function analyzer(): Analyzer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/mesh-analyzer') as Analyzer;
}

type Objects = { [key: string]: any }[];

/** How many documents were validated and added to the analysis's input before the worker had them all. */
interface Ahead {
  readonly validatedAhead: number;
  readonly indexedAhead: number;
}

/**
 * Analyzes the documents `objects()` gives (all of them, or with no `objects` none: the host
 * stopped posting and analyzes itself).
 */
function analyze(job: SynthesisWorkerJob, objects: (() => AnalysisInput | Objects) | undefined, ahead: Ahead): void {
  try {
    const run = objects === undefined ? undefined : analyzer().MeshAnalyzer._run(objects(), job.analysis);
    job.port.postMessage({ diagnostics: run?.diagnostics, ...ahead, preparedEngines });
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
    // The result-cache keys of documents received as JSON text, kept until validated ahead: the
    // validation fingerprints an object by its JSON text (../analysis/schema/result-cache).
    const keys: (string | undefined)[] = [];
    let held = 0; // the documents received (batches come in order)
    const receive = () => {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const batch = m.message as SynthesisBatch;
        if ('json' in batch) {
          batch.json.forEach((t, k) => {
            docs[batch.start + k] = JSON.parse(t);
            if (validating) keys[batch.start + k] = keyOf(t);
          });
          held = batch.start + batch.json.length;
        } else {
          batch.docs.forEach((d, k) => { docs[batch.start + k] = d; });
          held = batch.start + batch.docs.length;
        }
      }
    };
    // whatever is written is posted, even if a document throws: the host writes the rest
    const chunks: { start: number; texts: string[] }[] = [];
    let analyzed = !job.analysis;
    // Until it has every document, the worker validates those it has (the analysis's schema
    // validation, answered from memory later) and adds them to the analysis's input before it
    // writes YAML: the host, still rendering, can write YAML afterwards, but only the worker can
    // do this part of the analysis ahead.
    let validating = job.analysis !== undefined && job.analysis.schemaValidation !== false;
    let validated = 0;
    let input = job.analysis !== undefined ? analysisInput(job.analysis.workloadPods === true) : undefined;
    let indexed = 0;
    // istiod's admission checks (an analyzer of the schema validation) are run ahead too
    const selected = job.analysis?.analyzers ?? [];
    let admitting = validating && (selected.length === 0 || selected.includes('schema.IstioAdmissionAnalyzer'));
    let analyzerLoaded = job.analysis === undefined;
    try {
      for (;;) {
        const posted = Atomics.load(control, POSTED);
        receive();
        const complete = held === total;
        if (!analyzed && (complete || posted < 0)) {
          analyzed = true;
          // the input gets the documents not added yet
          analyze(job, complete ? () => (input ? input.add(docs.slice(indexed) as Objects) : docs as Objects) : undefined,
            { validatedAhead: validated, indexedAhead: input ? indexed : 0 });
          input = undefined; // its objects are not needed any more
        }
        const from = Math.min(validating ? validated : held, input ? indexed : held);
        if (!analyzed && from < held) {
          const batch = docs.slice(from, Math.min(from + AHEAD, held));
          if (validating && validated === from) {
            try {
              validationHost().validateAhead(batch, keys.slice(from, from + batch.length));
              validated += batch.length;
            } catch {
              validating = false; // the analysis validates them
            }
            keys.fill(undefined, from, from + batch.length);
          }
          if (input && indexed === from) {
            const before = input.inputResources.length;
            try {
              input.add(batch as Objects);
              indexed += batch.length;
            } catch {
              input = undefined; // the analysis reads the documents itself
            }
            try {
              if (input && admitting) admission().admitAhead(input.inputResources.slice(before));
            } catch {
              admitting = false; // the analysis checks them
            }
          }
          continue;
        }
        const chunk = takeChunk(control, held);
        if (chunk) {
          const texts: string[] = [];
          chunks.push({ start: chunk[0], texts });
          for (let i = chunk[0]; i < chunk[1]; i++) {
            texts.push(flatText(stringifyYamlDocument(docs[i])));
            if (analyzed) docs[i] = undefined; // the copy is not needed any more
          }
          continue;
        }
        if (complete || posted < 0) break;
        if (!analyzed && !analyzerLoaded) {
          // nothing to do until the host posts more: load the analyzers meanwhile
          analyzerLoaded = true;
          try {
            analyzer();
          } catch {
            // the analysis reports it
          }
          continue;
        }
        Atomics.wait(control, POSTED, posted, 1000); // until the host posts more
      }
    } catch {
      // the host writes whatever is missing
    } finally {
      if (!analyzed) analyze(job, undefined, { validatedAhead: 0, indexedAhead: 0 });
      port.postMessage({ chunks });
      port.close();
      Atomics.store(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  });
}
