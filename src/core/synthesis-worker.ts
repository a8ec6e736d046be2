// Worker thread of a large app's synthesis (see ./synthesis-job.ts): the host hands it the
// app's rendered objects; it analyzes them (when asked) and posts the findings, then takes
// chunks of documents from the counter it shares with the host and writes their YAML until none
// are left. Same code as the host's, so the results are those the host would produce.
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { ANALYZED, DONE, JOINED, SYNTH_WORKER, takeChunk } from './synthesis-job';
import { stringifyYamlDocument } from './yaml-writer';
import type { AnalysisOptions } from '../analysis/mesh-analyzer';

/** A job from the host: the documents, the shared control words and the analysis to run. */
interface SynthesisWorkerJob {
  readonly docs: unknown[];
  readonly control: Int32Array;
  readonly port: MessagePort;
  readonly analysis?: AnalysisOptions;
}

type Analyzer = typeof import('../analysis/mesh-analyzer');
function analyzer(): Analyzer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../analysis/mesh-analyzer') as Analyzer;
}

function analyze(job: SynthesisWorkerJob): void {
  try {
    const run = analyzer().MeshAnalyzer._run(job.docs as { [key: string]: any }[], job.analysis);
    job.port.postMessage({ diagnostics: run.diagnostics });
  } catch (e) {
    job.port.postMessage({ analysisError: String((e as Error)?.stack ?? e) });
  } finally {
    Atomics.store(job.control, ANALYZED, 1);
    Atomics.notify(job.control, ANALYZED);
  }
}

// only as the library's own worker (never when merely loaded in some other worker thread)
if (parentPort && workerData === SYNTH_WORKER) {
  parentPort.on('message', (job: SynthesisWorkerJob) => {
    const { docs, control, port } = job;
    if (Atomics.compareExchange(control, JOINED, 0, 1) !== 0) {
      port.close(); // the host did everything before this worker got to it
      return;
    }
    // whatever is written is posted, even if a document throws: the host writes the rest
    const chunks: { start: number; texts: string[] }[] = [];
    try {
      if (job.analysis) analyze(job);
      for (let chunk = takeChunk(control, docs.length); chunk; chunk = takeChunk(control, docs.length)) {
        const texts: string[] = [];
        chunks.push({ start: chunk[0], texts });
        for (let i = chunk[0]; i < chunk[1]; i++) {
          texts.push(stringifyYamlDocument(docs[i]));
          docs[i] = undefined; // the copy is not needed any more
        }
      }
    } catch {
      // the host writes whatever is missing
    } finally {
      port.postMessage({ chunks });
      port.close();
      Atomics.store(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  });
}
