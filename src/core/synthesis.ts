// Synthesis boundaries of an app, so that work done once per synthesis (the synth-time mesh
// analysis) can be shared by the several validation passes cdk8s makes within one synthesis,
// and never outlives it.
//
// cdk8s has no synthesis hook, so the app's `synth`/`synthYaml` and each chart's `toJson` are
// wrapped on the instances (not on the prototypes): a call that is not nested in another starts
// a new synthesis of that app. User code only runs between syntheses, so every change to the
// app — through this library, cdk8s-plus or raw ApiObjects — is seen by the next synthesis.
import * as fs from 'fs';
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HeapCompaction } from './heap-compaction';
import { SynthesisJob } from './synthesis-job';
import { stringifyYamlDocument } from './yaml-writer';
import { markSynthesized } from '../analysis/synth-marker';

interface SynthesisState {
  /** Number of the current (or last) synthesis of the app. */
  id: number;
  /** Depth of nested synthesis calls (app.synthYaml() renders each chart with chart.toJson()). */
  depth: number;
  /** Work shared within the synthesis in progress (dropped when it ends, so nothing outlives it). */
  memo?: Map<string, unknown>;
  /** Whether the synthesis in progress is the app's `synth()` or `synthYaml()` (which write YAML). */
  writesYaml?: boolean;
  /** Work to do after each `app.synth()` has written the app's manifests, by key. */
  afterSynth?: Map<string, () => void>;
}

const STATE = new WeakMap<IConstruct, SynthesisState>();
const WRAPPED = new WeakSet<object>();
/** The methods the library's synthesis tracking wrapped, by their wrapper. */
const WRAPPED_METHODS = new WeakMap<Function, unknown>();

function stateOf(root: IConstruct): SynthesisState {
  let state = STATE.get(root);
  if (!state) STATE.set(root, state = { id: 0, depth: 0 });
  return state;
}

/**
 * The library's YAML writer (./yaml-writer) for the synthesis of `root`: documents the
 * synthesis handed to a worker are written by both threads (./synthesis-job). The app's YAML is
 * appended to a chunk of documents at a time: V8 keeps it as the list of the chunks' texts
 * until it is first read whole (written to a file, measured), so the documents' texts and a
 * joined copy of them are never held at once while the app's objects are.
 */
function yamlWriter(root: IConstruct): (...docs: unknown[]) => string {
  return (...docs) => {
    // a large app's rendering and analysis leave their garbage: collected once, before the first YAML
    synthesisMemo(root, 'heap-compacted', () => HeapCompaction.appliesTo(appApiObjects(root).length) && HeapCompaction.run());
    const job = synthesisJob(root);
    let yaml = '';
    // a chunk's texts are joined in one piece: the app's YAML is then a list of a few chunks, not
    // of every document's text and separator (V8 holds each appended piece with 32 bytes of
    // bookkeeping), and a document's own text is garbage (young) once its chunk is joined
    const chunk: string[] = [];
    for (let i = 0; i < docs.length; i++) {
      if (i > 0) chunk.push('---\n');
      chunk.push(job ? job.textOf(docs[i]) : stringifyYamlDocument(docs[i]));
      if (chunk.length >= YAML_CHUNK || i === docs.length - 1) {
        yaml += chunk.join('');
        chunk.length = 0;
      }
    }
    return yaml;
  };
}

/** Texts (documents and separators) the YAML writer joins at a time (~60 KB for typical manifests). */
const YAML_CHUNK = 128;

/** cdk8s's `Yaml.save` with the library's writer and the synth marker first. */
function markedSaver(root: IConstruct): (filePath: string, docs: unknown[]) => void {
  const write = yamlWriter(root);
  return (filePath, docs) => fs.writeFileSync(filePath, markSynthesized(write(...docs)), { encoding: 'utf8' });
}

type SynthChart = (chart: Chart) => unknown[];
/** cdk8s's internal per-chart synthesis (`chart.toJson()` calls it), reached without types. */
const APP_STATICS = App as unknown as { _synthChart?: SynthChart };

/** Every construct of the app, in tree order (once per synthesis). */
function appConstructs(root: IConstruct): IConstruct[] {
  return synthesisMemo(root, 'constructs', () => root.node.findAll());
}

/** Whether any construct of the app depends on another (`node.addDependency`). */
function hasDependencies(root: IConstruct): boolean {
  return synthesisMemo(root, 'has-dependencies', () => appConstructs(root).some((c) => c.node.dependencies.length > 0));
}

/** Keys a plain object lists first, in ascending order: canonical array indices. */
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * The app's constructs in cdk8s's dependency order (`new DependencyGraph(app.node).topology()`),
 * once per synthesis. Without any dependency between constructs (the usual case) that graph has
 * no edges, and its order is the order it keeps vertices in: a plain object keyed by construct
 * path, i.e. the paths that are array indices (ascending), then the others in tree order. That
 * order is computed here directly; building the graph (a vertex per construct, ~300 ms for
 * 90,000 constructs) is left for apps with dependencies.
 */
function appTopology(root: IConstruct): IConstruct[] {
  return synthesisMemo(root, 'topology', () => {
    const all = appConstructs(root);
    if (hasDependencies(root)) return new DependencyGraph(root.node).topology();
    // only the app's children have one-segment paths (building every construct's path costs)
    const first = root.node.children.filter((c) => ARRAY_INDEX.test(c.node.id) && Number(c.node.id) < 2 ** 32 - 1);
    if (first.length === 0) return all;
    first.sort((a, b) => Number(a.node.path) - Number(b.node.path));
    const set = new Set(first);
    return [...first, ...all.filter((c) => !set.has(c))];
  });
}

/**
 * The objects of each chart of the app in dependency order, as `new DependencyGraph(chart.node)`
 * orders them (once per synthesis). Without dependencies a chart's order is its tree order (an
 * object's path is never an array index: it lies below a chart), the app's order restricted to
 * the chart.
 */
function chartObjects(root: IConstruct): Map<Chart, ApiObject[]> | undefined {
  return synthesisMemo(root, 'chart-objects', () => {
    if (hasDependencies(root)) return undefined;
    const byChart = new Map<Chart, ApiObject[]>();
    for (const o of appApiObjects(root)) {
      const chart = Chart.of(o);
      let list = byChart.get(chart);
      if (!list) byChart.set(chart, list = []);
      list.push(o);
    }
    return byChart;
  });
}

/**
 * A chart's objects in dependency order, rendered: what cdk8s's `chart.toJson()` returns, less
 * the app-wide dependency resolution and validation it repeats for every chart (the app's
 * `synth`/`synthYaml` has just done both, so with many charts they would cost charts × objects).
 * Objects the synthesis already rendered (for synth-time analysis) are not rendered again.
 */
function renderChart(root: IConstruct, chart: Chart): unknown[] {
  const rendered = synthesisRenderings(root);
  const objects = chartObjects(root)?.get(chart) ?? (chartObjects(root) ? [] : new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart));
  return objects.map((o) => rendered.get(o) ?? o.toJson());
}

function wrap(target: any, method: string, root: IConstruct, writesYaml: boolean): void {
  const original = target[method];
  if (typeof original !== 'function') return;
  const state = stateOf(root);
  const synthesis = function synthesis(this: unknown, ...args: unknown[]) {
    const outer = state.depth === 0;
    if (outer) {
      state.id++;
      state.memo = new Map();
      state.writesYaml = writesYaml;
    }
    state.depth++;
    // While the app writes its YAML, cdk8s's writer is replaced by one whose output kubectl
    // reads back as written (see ./yaml-writer); synthesis is synchronous, so the swap is
    // scoped to this call.
    // Files written by `app.synth()` start with the synth marker, so that `cdk8s-istio
    // analyze` recognizes them (see ../analysis/synth-marker).
    const stringify = Yaml.stringify;
    const save = Yaml.save;
    const synthChart = APP_STATICS._synthChart;
    if (writesYaml) Yaml.stringify = yamlWriter(root);
    if (writesYaml && method === 'synth') Yaml.save = markedSaver(root);
    // Within the app's synthesis (which resolved dependencies and validated the whole app
    // once), each chart only renders its objects; charts of other apps are left to cdk8s.
    if (outer && writesYaml && typeof synthChart === 'function') {
      APP_STATICS._synthChart = (chart: Chart) => (chart.node.root === root ? renderChart(root, chart) : synthChart.call(App, chart));
    }
    // The app's charts in dependency order (cdk8s's `App.charts` builds the whole app's graph).
    const ownCharts = outer && writesYaml && this === root && !Object.prototype.hasOwnProperty.call(root, 'charts');
    if (ownCharts) {
      Object.defineProperty(root, 'charts', { configurable: true, get: () => appTopology(root).filter((c): c is Chart => c instanceof Chart) });
    }
    try {
      const result = original.apply(this, args);
      if (outer && method === 'synth' && this === root) for (const fn of state.afterSynth?.values() ?? []) fn();
      return result;
    } finally {
      if (writesYaml) Yaml.stringify = stringify;
      if (writesYaml) Yaml.save = save;
      if (outer && writesYaml) APP_STATICS._synthChart = synthChart;
      if (ownCharts) delete (root as { charts?: unknown }).charts;
      state.depth--;
      if (state.depth === 0) {
        state.memo = undefined;
        state.writesYaml = undefined;
      }
    }
  };
  WRAPPED_METHODS.set(synthesis, original);
  Object.defineProperty(target, method, { configurable: true, writable: true, value: synthesis });
}

/**
 * Whether each chart of the app renders as cdk8s's `Chart.toJson()` does (under this library's
 * tracking): no subclass or patch of a chart's `toJson` changes its objects between their
 * rendering and the YAML.
 * @internal
 */
export function chartsRenderAsCdk8s(root: IConstruct): boolean {
  return synthesisMemo(root, 'charts-as-cdk8s', () => appConstructs(root).every((c) => {
    if (!(c instanceof Chart)) return true;
    let toJson: unknown = (c as unknown as { toJson: unknown }).toJson;
    while (typeof toJson === 'function' && WRAPPED_METHODS.has(toJson)) toJson = WRAPPED_METHODS.get(toJson);
    return toJson === Chart.prototype.toJson;
  }));
}

/**
 * Tracks the syntheses of the app that `chart` belongs to (idempotent).
 * @internal
 */
export function trackSyntheses(chart: IConstruct): void {
  const root = chart.node.root;
  for (const [target, methods] of [[root, ['synth', 'synthYaml']], [chart, ['toJson']]] as const) {
    if (WRAPPED.has(target)) continue;
    WRAPPED.add(target);
    for (const m of methods) wrap(target, m, root, target === root);
  }
}

/**
 * Runs `fn` after every `app.synth()` of the app of `scope`, once the app's manifests are
 * written (e.g. files that must not be applied with the app, such as an istioctl install
 * file). A later registration under the same key replaces the earlier one.
 * @internal
 */
export function afterAppSynth(scope: IConstruct, key: string, fn: () => void): void {
  const root = scope.node.root;
  if (!WRAPPED.has(root)) {
    WRAPPED.add(root);
    for (const m of ['synth', 'synthYaml']) wrap(root, m, root, true);
  }
  const state = stateOf(root);
  (state.afterSynth ??= new Map()).set(key, fn);
}

/**
 * The synthesis of `root` in progress, or undefined outside a synthesis (e.g. a direct
 * `node.validate()` call), where nothing may be reused.
 * @internal
 */
export function currentSynthesis(root: IConstruct): number | undefined {
  const state = STATE.get(root);
  return state && state.depth > 0 ? state.id : undefined;
}

/**
 * Work shared within the synthesis of `root` in progress: `compute()` once per synthesis and
 * key, dropped when the synthesis ends. Outside a synthesis nothing is reused: `compute()` runs
 * on every call.
 * @internal
 */
export function synthesisMemo<T>(root: IConstruct, key: string, compute: () => T): T {
  const memo = STATE.get(root)?.memo;
  if (memo === undefined) return compute();
  if (!memo.has(key)) memo.set(key, compute());
  return memo.get(key) as T;
}

/**
 * The app's ApiObjects (found once per synthesis).
 * @internal
 */
export function appApiObjects(root: IConstruct): ApiObject[] {
  return synthesisMemo(root, 'api-objects', () => appConstructs(root).filter((c): c is ApiObject => c instanceof ApiObject));
}

/**
 * Whether the synthesis of `root` in progress writes YAML (the app's `synth()` or
 * `synthYaml()`, not a chart's `toJson()`).
 * @internal
 */
export function synthesisWritesYaml(root: IConstruct): boolean {
  return STATE.get(root)?.writesYaml === true;
}

/**
 * The objects the synthesis in progress rendered, by ApiObject (see ./rendering).
 * @internal
 */
export function synthesisRenderings(root: IConstruct): Map<ApiObject, unknown> {
  return synthesisMemo(root, 'renderings', () => new Map<ApiObject, unknown>());
}

/**
 * The job the synthesis in progress handed to a worker (./synthesis-job), if any; `start`
 * hands it over the first time it is given.
 * @internal
 */
export function synthesisJob(root: IConstruct, start?: () => SynthesisJob | undefined): SynthesisJob | undefined {
  const memo = STATE.get(root)?.memo;
  if (memo === undefined) return undefined;
  if (!memo.has('synthesis-job') && start) memo.set('synthesis-job', start());
  return memo.get('synthesis-job') as SynthesisJob | undefined;
}
