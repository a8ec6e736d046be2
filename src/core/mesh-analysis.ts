// Synth-time mesh analysis: the hook that connects charts (the construct side) to the analysis
// engine (src/analysis, which reads plain manifests). Every construct of the library turns it on
// for its chart; it collects the app's ApiObjects, renders them, runs the analyzer and maps each
// diagnostic back to the construct path that produced the object.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { duplicateObjectErrors } from './duplicate-objects';
import { IMeshConfig, declareMeshConfig, declaredMeshConfig } from './mesh-config-source';
import { ownerPath, renderedObjects, startSynthesisJob } from './rendering';
import { appApiObjects, synthesisJob, synthesisMemo, trackSyntheses } from './synthesis';
import { prepareSynthesisWorker } from './synthesis-job';
import { AnalysisDiagnostic, AnalysisLevel, AnalysisOptions, MeshAnalyzer } from '../analysis/mesh-analyzer';
import { SYNTH_ASSUMPTIONS, definedOnly } from '../analysis/synth-marker';

const SUPPRESS_METADATA = 'cdk8s-istio:analyze-suppress';

/**
 * Context key (set on the App or any scope with `node.setContext`) choosing what automatic
 * synth-time analysis does: `error` (default: Error-level diagnostics fail the synth,
 * warnings are printed), `warn` (print everything, never fail) or `off`.
 * The environment variable `CDK8S_ISTIO_ANALYSIS` overrides it.
 */
const MODE_CONTEXT = 'cdk8s-istio/analysis';

/**
 * Context key turning off the schema part of synth-time analysis (IST0106: CRD schemas, CEL
 * rules, built-in kinds, metadata) when set to `off`; the environment variable
 * `CDK8S_ISTIO_SCHEMA_VALIDATION` overrides it. On by default.
 */
const SCHEMA_CONTEXT = 'cdk8s-istio/schema-validation';

/** Charts that already carry the automatic analysis validation. */
const AUTO_CHARTS = new WeakSet<IConstruct>();

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
   * @param code the Istio message code (e.g. `IST0118`), a library code (e.g. `CKI0003`), or `*` for all
   */
  public static suppress(scope: IConstruct, code: string): void {
    if (!/^(IST\d{4}|CKI\d{4}|\*)$/.test(code)) {
      throw new Error(`[${scope.node.path}] analyzer suppression code ${JSON.stringify(code)} is invalid: expected an Istio message code like "IST0101" (or one of the library's, like "CKI0003"). Fix: pass the code printed by the analyzer, or "*".`);
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
    const { all, run } = analyzeApp(scope.node.root, { ...SYNTH_ASSUMPTIONS, ...declaredMesh(scope), ...definedOnly(options) });
    return located(scope, all, run);
  }

  /**
   * Declares the configuration of the mesh the app of `scope` deploys to, for a mesh installed
   * outside the app (a `MeshInstallation` in the app declares its own). Synth-time analysis then
   * checks the app against it instead of Istio's defaults: Telemetry providers and CUSTOM
   * authorization providers must be among its extension providers (CKI0007, CKI0008), and with
   * the outbound traffic policy REGISTRY_ONLY, external hosts the app configures must be declared
   * by a ServiceEntry (CKI0009). One mesh configuration per app.
   *
   * @param scope any construct of the app
   * @param meshConfig the mesh's configuration (a `MeshConfig`)
   */
  public static useMeshConfig(scope: IConstruct, meshConfig: IMeshConfig): void {
    declareMeshConfig(scope, meshConfig);
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
    countConstruct(scope);
    const chart = [...scope.node.scopes].reverse().find((c) => Chart.isChart(c));
    if (!chart || AUTO_CHARTS.has(chart)) return;
    AUTO_CHARTS.add(chart);
    trackSyntheses(chart);
    chart.node.addValidation({
      validate: () => {
        const errors = [...duplicateObjectErrors(chart)];
        const mode = analysisMode(chart);
        startSynthesisJob(chart.node.root, mode === 'off' ? undefined : synthOptions(chart));
        if (mode === 'off') return errors;
        for (const d of chartFindings(chart)) {
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

/**
 * Library constructs an app has when its construction shows it will be large enough for a
 * synthesis worker (./synthesis-job takes apps of 500 objects and more; the library's
 * constructs are most of an app's objects, and cdk8s-plus workloads come with them).
 */
const LARGE_APP_CONSTRUCTS = 250;

/**
 * Library constructs an app has when its construction shows that a first synthesis will
 * validate enough objects for the validation worker to pay for its start (in `npx projen bench`,
 * a first synthesis of 100 services, 700 objects, is slightly slower with it; of 1,000 services,
 * 7,000 objects, 8 % faster); a library construct stands for 1.5-2 objects.
 */
const VALIDATION_WORKER_CONSTRUCTS = 1000;

/** Library constructs created, by app (until the app is known to be large). */
const CONSTRUCTS = new WeakMap<IConstruct, number>();

/**
 * Counts a construct of the library; once the app is large, the synthesis worker loads the
 * engines its synthesis will need while the app is still being constructed.
 */
function countConstruct(scope: IConstruct): void {
  const root = scope.node.root;
  const count = (CONSTRUCTS.get(root) ?? 0) + 1;
  if (count > VALIDATION_WORKER_CONSTRUCTS) return; // known to be large: nothing more to count
  CONSTRUCTS.set(root, count);
  if (count !== LARGE_APP_CONSTRUCTS && count !== VALIDATION_WORKER_CONSTRUCTS) return;
  try {
    const mode = analysisMode(scope);
    const validates = mode !== 'off' && schemaValidation(scope);
    const synthesisWorker = prepareSynthesisWorker({ analysis: mode !== 'off', schemaValidation: validates });
    if (count === VALIDATION_WORKER_CONSTRUCTS && !synthesisWorker && validates) {
      // without a synthesis worker, a worker validates the objects as they are rendered (a first synthesis)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../analysis/schema/validation-host') as typeof import('../analysis/schema/validation-host')).ValidationStream.prepareForLargeApp();
    }
  } catch {
    // an invalid mode fails the synthesis, which names it
  }
}

/** Warnings already printed for an app: cdk8s validates an app several times per synth. */
const PRINTED = new WeakMap<IConstruct, Set<string>>();

/**
 * Prints a line to stderr once per app (cdk8s validates an app several times per synth).
 * @internal
 */
export function printOnce(root: IConstruct, line: string): void {
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

function schemaValidation(scope: IConstruct): boolean {
  const raw = process.env.CDK8S_ISTIO_SCHEMA_VALIDATION ?? scope.node.tryGetContext(SCHEMA_CONTEXT) ?? 'on';
  const mode = String(raw).toLowerCase();
  if (mode === 'on' || mode === 'off') return mode === 'on';
  throw new Error(`[${scope.node.path}] schema validation mode ${JSON.stringify(raw)} is invalid: the ${SCHEMA_CONTEXT} context key (or CDK8S_ISTIO_SCHEMA_VALIDATION) must be "on" or "off". Fix: e.g. app.node.setContext('${SCHEMA_CONTEXT}', 'off')`);
}

type AppRun = { all: ApiObject[]; run: { readonly diagnostics: AnalysisDiagnostic[] } };

/**
 * The diagnostics about a chart's objects in the app's analysis: within a synthesis the app
 * is analyzed once, shared by the validations of all its charts in all of cdk8s's validation
 * passes (so analysis stays linear in the number of objects however many charts the app has),
 * and each chart's findings are located once. Outside a synthesis (a direct
 * `node.validate()`), nothing is reused.
 */
function chartFindings(chart: IConstruct): MeshConstructDiagnostic[] {
  const root = chart.node.root;
  const { all, run } = synthesisMemo(root, 'mesh-analysis', () => analyzeApp(root, synthOptions(chart), synthesisJob(root)?.analysis()));
  const byChart = synthesisMemo(root, 'mesh-analysis-findings', () => new Map<IConstruct, MeshConstructDiagnostic[]>());
  let found = byChart.get(chart);
  if (!found) byChart.set(chart, found = located(chart, all, run));
  return found;
}

/**
 * The options of the synth-time analysis of a chart's app. An app that deploys objects into a
 * namespace implies that namespace exists (kubectl apply would fail otherwise); manifests hold
 * Deployments, not Pods, so pod templates stand for the pods they will run; TLS Secrets are
 * rarely part of a cdk8s app (cert-manager or a secret store provides them). `cdk8s-istio
 * analyze` makes the same assumptions for files the library synthesized (see
 * ../analysis/synth-marker).
 */
function synthOptions(chart: IConstruct): AnalysisOptions {
  return { ...SYNTH_ASSUMPTIONS, ...declaredMesh(chart), schemaValidation: schemaValidation(chart) };
}

/** The analysis options for the MeshConfig declared for the app of `scope`, if any. */
function declaredMesh(scope: IConstruct): AnalysisOptions {
  const declared = declaredMeshConfig(scope);
  return declared ? { meshConfig: declared.renderMeshConfig(), meshConfigComplete: true } : {};
}

/**
 * Analyzes every object of the app (rendered once per synthesis, see ./rendering), unless a
 * worker already did (`diagnostics`, see ./synthesis-job).
 */
function analyzeApp(root: IConstruct, options: AnalysisOptions, diagnostics?: AnalysisDiagnostic[]): AppRun {
  const all = appApiObjects(root);
  if (diagnostics) return { all, run: { diagnostics } };
  const objects = renderedObjects(root) as { [key: string]: any }[];
  // only the findings are kept: the run's model of the app (a Resource per object) is garbage now
  return { all, run: { diagnostics: MeshAnalyzer._run(objects, options).diagnostics } };
}

/** True when `c` is `scope` or inside it (what `scope.node.findAll()` would find, without walking the tree). */
function isWithin(c: IConstruct, scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s !== undefined; s = s.node.scope) if (s === scope) return true;
  return false;
}

function located(scope: IConstruct, all: ApiObject[], run: AppRun['run']): MeshConstructDiagnostic[] {
  const out: MeshConstructDiagnostic[] = [];
  for (const d of run.diagnostics) {
    if (d.inputIndex === undefined) continue;
    const obj = all[d.inputIndex];
    if (obj === undefined || !isWithin(obj, scope)) continue; // implicit objects are not reported
    const codes = suppressedCodes(obj);
    if (codes.has('*') || codes.has(d.code)) continue;
    out.push({ diagnostic: d, path: ownerPath(obj) });
  }
  return out;
}
