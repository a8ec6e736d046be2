// Synth-time mesh analysis (draft hook, not wired into charts yet): collects the ApiObjects of a
// construct tree, renders them, runs the analyzer and maps each diagnostic back to the construct
// path that produced the object.
import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { AnalysisDiagnostic, AnalysisLevel, AnalysisOptions, MeshAnalyzer } from './mesh-analyzer';

const SUPPRESS_METADATA = 'cdk8s-istio:analyze-suppress';

/**
 * A mesh analyzer diagnostic located in the construct tree.
 */
export interface MeshConstructDiagnostic {
  /** The diagnostic. */
  readonly diagnostic: AnalysisDiagnostic;
  /**
   * Path of the construct that produced the object (the L2 construct wrapping the ApiObject, or
   * the ApiObject itself).
   * @default - the object is implicit (e.g. the default ingress gateway)
   */
  readonly path?: string;
}

/**
 * Options of synth-time analysis.
 */
export interface MeshSynthOptions extends AnalysisOptions {
  /**
   * Print Warning-level diagnostics (to stderr) when validating.
   * @default true
   */
  readonly printWarnings?: boolean;
}

/** The construct that "owns" an ApiObject: its L2 wrapper when the ApiObject is its `Resource`. */
function ownerPath(obj: ApiObject): string {
  const scope = obj.node.scope;
  if (scope && obj.node.id === 'Resource' && (scope as any).apiObject === obj) return scope.node.path;
  return obj.node.path;
}

function suppressedCodes(obj: ApiObject): Set<string> {
  const codes = new Set<string>();
  for (const c of obj.node.scopes) {
    for (const m of c.node.metadata) if (m.type === SUPPRESS_METADATA) codes.add(String(m.data));
  }
  return codes;
}

/**
 * Runs the mesh analyzer on the Kubernetes objects of a cdk8s construct tree (a Chart or an App),
 * and turns Error-level diagnostics into synth failures that name the code and construct path.
 *
 * @example
 * MeshAnalysis.suppress(myVirtualService, 'IST0101'); // deliberate, per construct
 * MeshAnalysis.validateOnSynth(chart);                  // Errors fail `app.synth()`
 */
export class MeshAnalysis {
  /**
   * Deliberately suppresses a message code for every object produced by `scope` and its
   * children (use a Chart to suppress chart-wide).
   *
   * @param scope the construct (or chart) whose objects should not get the message
   * @param code the Istio message code (e.g. `IST0118`), or `*` for all
   */
  public static suppress(scope: IConstruct, code: string): void {
    if (!/^(IST\d{4}|\*)$/.test(code)) {
      throw new Error(`[${scope.node.path}] analyzer suppression code ${JSON.stringify(code)} is invalid: expected an Istio message code like "IST0101". Fix: pass the code printed by the analyzer, or "*".`);
    }
    scope.node.addMetadata(SUPPRESS_METADATA, code);
  }

  /**
   * Analyzes the objects of `scope` (its ApiObjects, rendered with `toJson()`) in the context
   * of the whole app, and returns the diagnostics about objects produced under `scope`.
   * Workload pod templates count as running pods unless `workloadPods` is false.
   *
   * @param scope a Chart (or any construct; the whole app is indexed, only `scope`'s objects are reported)
   * @param options analysis options
   */
  public static analyze(scope: IConstruct, options: AnalysisOptions = {}): MeshConstructDiagnostic[] {
    const all = scope.node.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const mine = new Set(scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
    const objects = all.map((o) => o.toJson());
    // manifests hold Deployments, not Pods: let pod templates stand for the pods they will run
    const run = MeshAnalyzer._run(objects, { ...options, workloadPods: options.workloadPods ?? true });
    const out: MeshConstructDiagnostic[] = [];
    for (const d of run.diagnostics) {
      if (d.inputIndex === undefined) continue;
      const obj = all[d.inputIndex];
      if (!mine.has(obj)) continue;
      const codes = suppressedCodes(obj);
      if (codes.has('*') || codes.has(d.code)) continue;
      out.push({ diagnostic: d, path: ownerPath(obj) });
    }
    return out;
  }

  /**
   * Formats a located diagnostic: `[path] Error [IST0101] (VirtualService ns/name) message`.
   */
  public static format(d: MeshConstructDiagnostic): string {
    return `[${d.path ?? '<implicit>'}] ${MeshAnalyzer.format(d.diagnostic)}`;
  }

  /**
   * Adds a validation to `scope` so that `app.synth()` fails on Error-level diagnostics (each
   * error names the construct path, code and message) and prints warnings.
   */
  public static validateOnSynth(scope: IConstruct, options: MeshSynthOptions = {}): void {
    const validation: IValidation = {
      validate: () => {
        const diags = MeshAnalysis.analyze(scope, options);
        if (options.printWarnings !== false) {
          for (const d of diags) {
            if (d.diagnostic.level === AnalysisLevel.WARNING) process.stderr.write(`${MeshAnalysis.format(d)}\n`);
          }
        }
        return diags.filter((d) => d.diagnostic.level === AnalysisLevel.ERROR).map((d) => MeshAnalysis.format(d));
      },
    };
    scope.node.addValidation(validation);
  }
}
