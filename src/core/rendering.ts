// Each object of an app rendered once per synthesis: the rendering the synth-time analysis
// reads is the one the YAML is written from (see ./synthesis), and, when the synthesis writes
// YAML, a worker takes its share of the analysis and the YAML as soon as the objects are
// rendered (see ./synthesis-job).
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { plainCopy } from './plain-copy';
import { appApiObjects, chartsRenderAsCdk8s, synthesisJob, synthesisMemo, synthesisRenderings, synthesisWritesYaml } from './synthesis';
import { SynthesisJob } from './synthesis-job';
import type { AnalysisOptions } from '../analysis/mesh-analyzer';

/**
 * The construct that "owns" an ApiObject: its L2 wrapper when the ApiObject is its `Resource`.
 * @internal
 */
export function ownerPath(obj: ApiObject): string {
  const scope = obj.node.scope;
  if (scope && obj.node.id === 'Resource' && (scope as any).apiObject === obj) return scope.node.path;
  return obj.node.path;
}

/**
 * An object rendered with `toJson()`, copied so that its objects share hidden classes (see
 * ./plain-copy). A rendering that crashes (typically an escape-hatch JSON patch that put a
 * single value where the generated binding expects a list) becomes a library error that names
 * the construct and shows the patches applied to it.
 */
function renderObject(o: ApiObject): unknown {
  try {
    return plainCopy(o.toJson());
  } catch (e) {
    const message = String((e as Error).message ?? e);
    if (/^\[[^\]]+\] /.test(message)) throw e; // already a library error
    const patches = ((o as unknown as { patches?: unknown[] }).patches ?? []).map((p) => (p as { operation?: unknown }).operation ?? p);
    const applied = patches.length > 0 ? ` after the JSON patches ${JSON.stringify(patches)}` : '';
    throw new Error(`[${ownerPath(o)}] ${o.kind} ${JSON.stringify(o.name)} cannot be rendered${applied}: ${message}. Fix: check the escape-hatch patches of this object: a patch must keep each field's type (a list stays a list)`);
  }
}

/** Objects rendered between two hand-overs to the synthesis worker. */
const BATCH = 256;

/**
 * The app's objects rendered, in the order of `appApiObjects` (once per synthesis; the
 * renderings are kept for the YAML). When this call renders them, `batch` receives them in
 * batches as they are rendered.
 * @internal
 */
export function renderedObjects(root: IConstruct, batch?: (docs: unknown[]) => void): unknown[] {
  return synthesisMemo(root, 'rendered', () => {
    const renderings = synthesisRenderings(root);
    const objects = appApiObjects(root);
    const docs: unknown[] = new Array(objects.length);
    for (let start = 0; start < objects.length; start += BATCH) {
      const end = Math.min(start + BATCH, objects.length);
      for (let i = start; i < end; i++) {
        const json = renderObject(objects[i]);
        renderings.set(objects[i], json);
        docs[i] = json;
      }
      batch?.(docs.slice(start, end));
    }
    return docs;
  });
}

/**
 * Where rendered objects go to be validated as they are rendered: the validation worker, when the
 * synthesis validates schemas and one was started for a large app (see
 * ../analysis/schema/validation-host), unless the app's charts edit their objects after rendering
 * (the worker would validate them as they were).
 */
function validationStream(root: IConstruct, analysis: AnalysisOptions | undefined): ((docs: unknown[]) => void) | undefined {
  if (analysis === undefined || analysis.schemaValidation === false) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const host = require('../analysis/schema/validation-host') as typeof import('../analysis/schema/validation-host');
  const { ValidationStream } = host;
  return ValidationStream.running() && chartsRenderAsCdk8s(root) ? (docs) => ValidationStream.add(docs) : undefined;
}

/**
 * When the synthesis in progress writes YAML (`app.synth()`, `app.synthYaml()`): renders the
 * app's objects and hands them to a worker (once) as they are rendered; it writes their YAML
 * meanwhile, and analyzes them with `analysis` (unless undefined) once it has them all.
 * Without a synthesis worker, a validation worker may validate them as they are rendered (see
 * validationStream).
 * @internal
 */
export function startSynthesisJob(root: IConstruct, analysis: AnalysisOptions | undefined): void {
  if (!synthesisWritesYaml(root)) return;
  synthesisJob(root, () => {
    // the worker writes YAML from its copies of the objects as rendered: not for an app whose
    // charts change them afterwards (a Chart subclass that edits what `super.toJson()` returns)
    const job = chartsRenderAsCdk8s(root) ? SynthesisJob.open(appApiObjects(root).length, analysis) : undefined;
    if (!job) {
      renderedObjects(root, validationStream(root, analysis));
      return undefined;
    }
    let streamed = 0;
    try {
      const docs = renderedObjects(root, (b) => {
        job.add(b);
        streamed += b.length;
      });
      if (streamed === 0) job.add(docs); // rendered earlier in this synthesis: all at once
    } catch (e) {
      job.abort();
      throw e;
    }
    return job;
  });
}
