// Worker thread that writes part of a large app's YAML while the synthesis goes on (see
// ./parallel-yaml.ts): the host hands it the app's rendered objects once they exist; the
// worker and the host then take chunks of documents from a shared counter until none are
// left, so the work splits by itself however busy the host is. The worker writes with the same
// function as the host, so every document's text is the same whichever thread wrote it.
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { DONE, JOINED, NEXT, YAML_WORKER } from './parallel-yaml';
import { stringifyYamlDocument } from './yaml-writer';

/** A job from the host: the documents and the shared control words (see ./parallel-yaml). */
interface YamlWorkerJob {
  readonly docs: unknown[];
  readonly control: Int32Array;
  readonly chunk: number;
  readonly port: MessagePort;
}

// only as the library's own worker (never when merely loaded in some other worker thread)
if (parentPort && workerData === YAML_WORKER) {
  parentPort.on('message', (job: YamlWorkerJob) => {
    const { docs, control, chunk, port } = job;
    if (Atomics.compareExchange(control, JOINED, 0, 1) !== 0) {
      port.close(); // the host wrote everything before this worker got to it
      return;
    }
    const chunks: { start: number; texts: string[] }[] = [];
    try {
      for (;;) {
        const start = Atomics.add(control, NEXT, chunk);
        if (start >= docs.length) break;
        const texts: string[] = [];
        for (let i = start; i < Math.min(start + chunk, docs.length); i++) {
          texts.push(stringifyYamlDocument(docs[i]));
          docs[i] = undefined; // the clone is not needed any more
        }
        chunks.push({ start, texts });
      }
      port.postMessage({ chunks });
    } catch (e) {
      port.postMessage({ error: String((e as Error)?.stack ?? e) });
    } finally {
      port.close();
      Atomics.store(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  });
}
