// Synth-time mesh analysis (draft hook, not wired into charts yet): collects the ApiObjects of a
// construct tree, renders them, runs the analyzer and maps each diagnostic back to the construct
// path that produced the object.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { AnalysisDiagnostic, AnalysisLevel, AnalysisOptions, MeshAnalyzer } from './mesh-analyzer';
import { changeEpoch } from '../core/changes';

const SUPPRESS_METADATA = 'cdk8s-istio:analyze-suppress';

/**
 * Context key (set on the App or any scope with `node.setContext`) choosing what automatic
 * synth-time analysis does: `error` (default: Error-level diagnostics fail the synth,
 * warnings are printed), `warn` (print everything, never fail) or `off`.
 * The environment variable `CDK8S_ISTIO_ANALYSIS` overrides it.
 */
const MODE_CONTEXT = 'cdk8s-istio/analysis';

/** Charts that already carry the automatic analysis validation. */
const AUTO_CHARTS = new WeakSet<IConstruct>();

/** The charts of each app (by root) that carry the automatic analysis validation. */
const CHARTS_OF = new WeakMap<IConstruct, Set<IConstruct>>();

/**
 * One analysis of an app's objects, shared by the validations of all its charts during a
 * single synthesis (cleared when the synchronous synthesis is over), so that analysis
 * stays linear in the number of objects however many charts the app has.
 */
const RUN_CACHE = new WeakMap<IConstruct, AppRun & { fingerprint: string; pending: Set<IConstruct> }>();

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
    const { all, run } = analyzeApp(scope.node.root, options);
    return located(scope, all, run);
  }

  /**
   * Turns on automatic analysis for the chart of `scope`. Every construct of this library
   * calls it, so charts that use the library are analyzed when synthesized; it is idempotent.
   *
   * Error-level diagnostics about the chart's objects fail the synth (each names the
   * construct path, the code and the message) and warnings are printed, unless the context
   * key `cdk8s-istio/analysis` (e.g. `app.node.setContext('cdk8s-istio/analysis', 'warn')`)
   * or the environment variable `CDK8S_ISTIO_ANALYSIS` says `warn` (print only) or `off`.
   * One analysis of the whole app is shared by all its charts within a synthesis.
   *
   * @param scope any construct inside the chart to analyze
   */
  public static enableFor(scope: IConstruct): void {
    const chart = [...scope.node.scopes].reverse().find((c) => Chart.isChart(c));
    if (!chart || AUTO_CHARTS.has(chart)) return;
    AUTO_CHARTS.add(chart);
    const root = chart.node.root;
    const charts = CHARTS_OF.get(root) ?? new Set<IConstruct>();
    CHARTS_OF.set(root, charts.add(chart));
    chart.node.addValidation({
      validate: () => {
        const mode = analysisMode(chart);
        if (mode === 'off') return [];
        const { all, run } = analyzeApp(chart.node.root, {}, chart);
        const errors: string[] = [];
        for (const d of located(chart, all, run)) {
          if (d.diagnostic.level === AnalysisLevel.ERROR && mode === 'error') {
            errors.push(`${MeshAnalysis.format(d)} (to accept this deliberately: MeshAnalysis.suppress(construct, '${d.diagnostic.code}'))`);
          } else if (d.diagnostic.level !== AnalysisLevel.INFO) {
            printOnce(chart.node.root, MeshAnalysis.format(d));
          }
        }
        return errors;
      },
    });
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

/** Warnings already printed for an app: cdk8s validates an app several times per synth. */
const PRINTED = new WeakMap<IConstruct, Set<string>>();

function printOnce(root: IConstruct, line: string): void {
  let printed = PRINTED.get(root);
  if (!printed) PRINTED.set(root, printed = new Set());
  if (printed.has(line)) return;
  printed.add(line);
  process.stderr.write(`${line}\n`);
}

function analysisMode(scope: IConstruct): 'error' | 'warn' | 'off' {
  const raw = process.env.CDK8S_ISTIO_ANALYSIS ?? scope.node.tryGetContext(MODE_CONTEXT) ?? 'error';
  const mode = String(raw).toLowerCase();
  if (mode === 'error' || mode === 'warn' || mode === 'off') return mode;
  throw new Error(`[${scope.node.path}] analysis mode ${JSON.stringify(raw)} is invalid: the ${MODE_CONTEXT} context key (or CDK8S_ISTIO_ANALYSIS) must be "error", "warn" or "off". Fix: e.g. app.node.setContext('${MODE_CONTEXT}', 'warn')`);
}

type AppRun = { all: ApiObject[]; run: ReturnType<typeof MeshAnalyzer._run> };

/**
 * Analyzes every object of the app. With a `consumer` (a chart's synth validation), the run
 * is shared: cdk8s validates the whole app several times per synthesis (once more per chart
 * it renders), each pass calling every chart's validation once. Within a pass the charts
 * take the shared run as it is; a chart asking again starts a new pass, and only then is the
 * tree walked to check whether the app changed (same constructs, no mutating call on a
 * construct of this library since, see core/changes). So the app is walked once per pass,
 * as cdk8s itself does, and analyzed once per synthesis.
 */
function analyzeApp(root: IConstruct, options: AnalysisOptions, consumer?: IConstruct): AppRun {
  const cached = consumer ? RUN_CACHE.get(root) : undefined;
  if (cached && consumer && cached.pending.delete(consumer)) return cached;
  const others = () => new Set([...(CHARTS_OF.get(root) ?? [])].filter((c) => c !== consumer));
  const constructs = root.node.findAll();
  const fingerprint = `${constructs.length}:${changeEpoch()}`;
  if (cached && cached.fingerprint === fingerprint) {
    cached.pending = others();
    return cached;
  }
  const all = constructs.filter((c): c is ApiObject => c instanceof ApiObject);
  const objects = all.map((o) => o.toJson());
  // An app that deploys objects into a namespace implies that namespace exists (kubectl
  // apply would fail otherwise), even when the app does not define the Namespace object.
  const declared = new Set(objects.filter((o) => o?.apiVersion === 'v1' && o?.kind === 'Namespace').map((o) => o.metadata?.name));
  const implied = new Set(objects.map((o) => o?.metadata?.namespace).filter((ns): ns is string => typeof ns === 'string' && !declared.has(ns)));
  const implicitNamespaces = [...implied].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  // manifests hold Deployments, not Pods: let pod templates stand for the pods they will run
  // TLS Secrets are rarely part of a cdk8s app (they hold private keys; cert-manager or a
  // secret store provides them), so a missing one is not an error at synth time.
  const run = MeshAnalyzer._run([...objects, ...implicitNamespaces], {
    ...options,
    workloadPods: options.workloadPods ?? true,
    externalSecrets: options.externalSecrets ?? true,
  });
  const result = { all, run };
  if (consumer) {
    const entry = { ...result, fingerprint, pending: others() };
    RUN_CACHE.set(root, entry);
    queueMicrotask(() => {
      if (RUN_CACHE.get(root) === entry) RUN_CACHE.delete(root);
    });
  }
  return result;
}

function located(scope: IConstruct, all: ApiObject[], run: AppRun['run']): MeshConstructDiagnostic[] {
  const mine = new Set(scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
  const out: MeshConstructDiagnostic[] = [];
  for (const d of run.diagnostics) {
    if (d.inputIndex === undefined) continue;
    const obj = all[d.inputIndex];
    if (obj === undefined || !mine.has(obj)) continue; // implicit objects are not reported
    const codes = suppressedCodes(obj);
    if (codes.has('*') || codes.has(d.code)) continue;
    out.push({ diagnostic: d, path: ownerPath(obj) });
  }
  return out;
}
