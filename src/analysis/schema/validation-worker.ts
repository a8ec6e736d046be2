// Worker thread of the synth-time schema validation (see ./validation-host.ts). It starts
// when the first chart turns on synth-time analysis, loads the validation engines (CEL,
// ajv code, kubernetes-models) while the app is still being constructed, and validates the
// app's objects when the synthesis asks for it. The handler is installed before anything
// heavy is loaded, so every failure is answered (and the host falls back to validating in
// its own thread).
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

if (parentPort) {
  parentPort.on('message', (req: ValidationRequest | 'prewarm') => {
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
