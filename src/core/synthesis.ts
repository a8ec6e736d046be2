// Synthesis boundaries of an app, so that work done once per synthesis (the synth-time mesh
// analysis) can be shared by the several validation passes cdk8s makes within one synthesis,
// and never outlives it.
//
// cdk8s has no synthesis hook, so the app's `synth`/`synthYaml` and each chart's `toJson` are
// wrapped on the instances (not on the prototypes): a call that is not nested in another starts
// a new synthesis of that app. User code only runs between syntheses, so every change to the
// app — through this library, cdk8s-plus or raw ApiObjects — is seen by the next synthesis.
import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { stringifyYamlSafely } from './yaml-writer';
import { markSynthesized } from '../analysis/synth-marker';

interface SynthesisState {
  /** Number of the current (or last) synthesis of the app. */
  id: number;
  /** Depth of nested synthesis calls (app.synthYaml() renders each chart with chart.toJson()). */
  depth: number;
}

const STATE = new WeakMap<IConstruct, SynthesisState>();
const WRAPPED = new WeakSet<object>();

function stateOf(root: IConstruct): SynthesisState {
  let state = STATE.get(root);
  if (!state) STATE.set(root, state = { id: 0, depth: 0 });
  return state;
}

/** cdk8s's `Yaml.save` with the library's writer and the synth marker first. */
function saveMarked(filePath: string, docs: unknown[]): void {
  fs.writeFileSync(filePath, markSynthesized(stringifyYamlSafely(...docs)), { encoding: 'utf8' });
}

function wrap(target: any, method: string, root: IConstruct, writesYaml: boolean): void {
  const original = target[method];
  if (typeof original !== 'function') return;
  const state = stateOf(root);
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    value: function synthesis(this: unknown, ...args: unknown[]) {
      if (state.depth === 0) state.id++;
      state.depth++;
      // While the app writes its YAML, cdk8s's writer is replaced by one whose output kubectl
      // reads back as written (see ./yaml-writer); synthesis is synchronous, so the swap is
      // scoped to this call.
      // Files written by `app.synth()` start with the synth marker, so that `cdk8s-istio
      // analyze` recognizes them (see ../analysis/synth-marker).
      const stringify = Yaml.stringify;
      const save = Yaml.save;
      if (writesYaml) Yaml.stringify = stringifyYamlSafely;
      if (writesYaml && method === 'synth') Yaml.save = saveMarked;
      try {
        return original.apply(this, args);
      } finally {
        if (writesYaml) Yaml.stringify = stringify;
        if (writesYaml) Yaml.save = save;
        state.depth--;
      }
    },
  });
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
 * The synthesis of `root` in progress, or undefined outside a synthesis (e.g. a direct
 * `node.validate()` call), where nothing may be reused.
 * @internal
 */
export function currentSynthesis(root: IConstruct): number | undefined {
  const state = STATE.get(root);
  return state && state.depth > 0 ? state.id : undefined;
}
