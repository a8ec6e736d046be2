// Worker thread of the synth-time schema validation (see ./validation-host.ts for when it
// starts). It loads the validation engines (CEL, ajv code, kubernetes-models) while the app is
// still being constructed, and validates the app's objects as they are rendered (streamed:
// while the host renders and analyzes) or when the synthesis asks for it. The handler is
// installed before anything heavy is loaded, so every failure is answered (and the host falls
// back to validating in its own thread).
import { MessagePort, parentPort } from 'worker_threads';

/** A validation request from the host. */
export interface ValidationRequest {
  readonly objects: unknown[];
  readonly flag: Int32Array;
  readonly port: MessagePort;
}

type Validator = typeof import('./manifest-validator');
let validator: Validator | undefined;
function load(): Validator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!validator) validator = require('./manifest-validator') as Validator;
  return validator;
}

/** A stream of objects' JSON texts from the host (see ValidationStream in ./validation-host). */
export interface StreamRequest {
  /** Where the texts come, in batches (arrays of texts), and where the answers go. */
  readonly stream: MessagePort;
  /** [0]: how many texts are answered (counted once the answer is posted). */
  readonly control: Int32Array;
}

/**
 * Answers each batch of texts of a stream with the objects' validations (the host's in-thread
 * validation of the parsed texts, with the objects' result-cache keys and the keys of the checks
 * that passed inside them) or the error that stopped it (the host then validates those objects
 * itself).
 */
function answerStream(req: StreamRequest): void {
  let next = 0;
  req.stream.on('message', (texts: string[]) => {
    const first = next;
    next += texts.length;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const host = require('./validation-host') as typeof import('./validation-host');
      const keys = texts.map(host.keyOfJson); // the objects' result-cache keys (undefined when it is off)
      req.stream.postMessage({ first, keys, ...host.validateInThread(texts.map((t) => JSON.parse(t))) });
    } catch (e) {
      req.stream.postMessage({ first, error: String((e as Error)?.stack ?? e) });
    } finally {
      Atomics.add(req.control, 0, texts.length);
      Atomics.notify(req.control, 0);
    }
  });
}

if (parentPort) {
  parentPort.on('message', (req: ValidationRequest | StreamRequest | 'prewarm') => {
    if (req !== 'prewarm' && 'stream' in req) {
      answerStream(req);
      return;
    }
    if (req === 'prewarm') {
      try {
        load().prewarmValidation();
      } catch {
        // reported when a validation is requested
      }
      return;
    }
    try {
      const v = load();
      req.port.postMessage({ results: req.objects.map((o) => v.validateManifest(o)) });
    } catch (e) {
      req.port.postMessage({ error: String((e as Error)?.stack ?? e) });
    } finally {
      req.port.close();
      Atomics.store(req.flag, 0, 1);
      Atomics.notify(req.flag, 0);
    }
  });
}
