// A full garbage collection between a large app's rendering and the writing of its YAML.
//
// When a synthesis starts writing YAML, the old generation still holds what rendering and the
// synth-time analysis left behind (at 5,000 services of `npx projen bench`, 140 of 385 MB), and
// V8 collects it only once the heap has grown past its next limit: writing the YAML grows the
// heap on top of that garbage, and the process peaks there. Collecting it first lowers the peak
// to what the app holds (5,000 services: a re-synthesis 503-508 -> 469-472 MB; a first
// synthesis 531-541 -> 507-516 MB, its peak then being while the validation worker runs), for a
// collection of about 230 ms of an 8-9 s synthesis. At 1,000 services (7,000 objects) it gains
// nothing (213 MB either way, for a 60 ms collection), so apps under 10,000 objects are left to V8.
import * as v8 from 'v8';
import * as vm from 'vm';

/** V8's full collection (`gc()`), once found; null when it cannot be had. */
let fullGc: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (fullGc !== undefined) return fullGc;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (fullGc = exposed as () => void); // node --expose-gc
  fullGc = null;
  try {
    // V8 gives `gc()` to the contexts created while its flag is set: one such context, then the
    // flag is unset (the process's other contexts, and later ones, are as they were)
    v8.setFlagsFromString('--expose-gc');
    try {
      const fn = vm.runInNewContext('gc') as unknown;
      if (typeof fn === 'function') fullGc = fn as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  } catch {
    // a runtime without V8's flags: the synthesis goes on without the collection
  }
  return fullGc;
}

/**
 * The full garbage collection between a large app's rendering and the writing of its YAML (see
 * the file's header).
 * @internal
 */
export class HeapCompaction {
  /** How many objects an app has from which its synthesis collects the garbage before writing YAML. */
  public static readonly OBJECTS = 10_000;

  /** Whether a synthesis of an app of `objects` objects collects the garbage before writing its YAML. */
  public static appliesTo(objects: number): boolean {
    return objects >= HeapCompaction.OBJECTS;
  }

  /** Runs a full garbage collection now; false when the runtime offers none (nothing happens). */
  public static run(): boolean {
    const gc = collector();
    if (!gc) return false;
    gc();
    return true;
  }
}
