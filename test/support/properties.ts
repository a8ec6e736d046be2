// Shared harness of the property-based tests (test/properties): build a construct from
// generated props in a fresh app and check the outcome. Either the library refuses the input
// with its own error (construct path first, no TypeError), or every object it synthesizes
// passes the shipped schema/CEL/metadata validation and istiod's admission rules.
import { App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { admissionProblems } from './admission';
import { validateObject, withManifestValidationDisabled } from './validator';

/**
 * Runs per property: 500 in the test task (sized for its 90-second budget); CI runs them again at
 * the acceptance bar of 5,000 (`PROPERTY_RUNS=5000`, see .ci/run), which any value overrides.
 */
export const PROPERTY_RUNS = Number(process.env.PROPERTY_RUNS ?? 500);

/**
 * A library error: `[path] field value is invalid: ...`, cdk8s's validation report of such
 * errors, or cdk8s's wrapping of one raised while a lazy spec is rendered.
 */
const LIBRARY_ERROR = /^(\[[^\]]+\] |Validation failed with the following errors:\n\s+\[[^\]]+\] |Failed serializing construct at path '[^']+' with name '[^']+': Error: \[[^\]]+\] [^\n]* is invalid: .*Fix: )/s;

/** Refusal reasons seen (with PROPERTY_STATS=1), to tune generators toward both outcomes. */
export const REASONS = new Map<string, number>();

/** The most frequent refusal reasons, one per line. */
export function topReasons(n = 8): string {
  return [...REASONS].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${v} ${k}`).join('\n');
}

export interface Outcome {
  readonly refused?: string;
  readonly objects?: any[];
}

/**
 * Builds with `build(chart)` in a fresh app (synth-time analysis off: the objects are
 * validated here instead) and asserts the property. Returns what happened, for statistics.
 */
export function checkBuild(build: (chart: Chart) => IConstruct | void, namespace = 'shop'): Outcome {
  const app = new App({ outdir: Testing.app().outdir });
  app.node.setContext('cdk8s-istio/analysis', 'off');
  const chart = new Chart(app, 'mesh', { namespace });
  let objects: any[];
  try {
    build(chart);
    objects = withManifestValidationDisabled(() => Testing.synth(chart));
  } catch (e) {
    const err = e as Error;
    if (!(err instanceof Error) || err instanceof TypeError || err instanceof RangeError || !LIBRARY_ERROR.test(err.message)) {
      throw new Error(`not a library error: ${err?.constructor?.name}: ${err?.stack ?? err}`);
    }
    if (process.env.PROPERTY_STATS) {
      const key = err.message.replace(/"[^"]*"/g, 'X').replace(/^Validation failed with the following errors:\n\s*/, 'V: ').slice(0, 150);
      REASONS.set(key, (REASONS.get(key) ?? 0) + 1);
    }
    return { refused: err.message };
  }
  for (const o of objects) {
    const problems = [...validateObject(o), ...admissionProblems(o)];
    if (problems.length > 0) {
      throw new Error(`synthesized an object the API server or istiod would refuse:\n${JSON.stringify(o, undefined, 1)}\n${problems.join('\n')}`);
    }
  }
  return { objects };
}

/** Mostly one of `good`, sometimes one of `bad` (weights goodWeight : 1). */
export function pick<T>(good: T[], bad: T[], goodWeight = 30): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: goodWeight }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
}

/** `a` or undefined. */
export function optional<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined });
}

/**
 * The property, over PROPERTY_RUNS generated props (fixed seed, PROPERTY_SEED overrides):
 * each build is refused with a library error or admitted everywhere (see `checkBuild`), and
 * both outcomes occur, so the generator is neither all-bad nor all-good.
 */
export function assertRefusedOrAdmitted<P>(name: string, props: fc.Arbitrary<P>, build: (chart: Chart, p: P) => void): void {
  let refused = 0;
  fc.assert(fc.property(props, (p) => {
    if (checkBuild((chart) => build(chart, p)).refused) refused++;
  }), { numRuns: PROPERTY_RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261203) });
  if (process.env.PROPERTY_STATS) process.stdout.write(`${name}: ${refused} of ${PROPERTY_RUNS} refused\n${topReasons()}\n`);
  expect(refused).toBeGreaterThan(PROPERTY_RUNS / 20);
  expect(refused).toBeLessThan(PROPERTY_RUNS * 0.95);
}
