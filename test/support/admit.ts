// Object-level istiod admission checks for tests: runs only `schema.IstioAdmissionAnalyzer` on
// objects written as plain JSON (as a user's escape hatch or hand-written YAML would produce).
import { validateObject } from './validator';
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

type Obj = { [key: string]: any };

/** An Istio object `kind` in `apiVersion` named `name` in namespace `default` with `spec`. */
export function istioObject(apiVersion: string, kind: string, spec: Obj, metadata: Obj = {}): Obj {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'default', ...metadata }, spec };
}

/** The admission messages for one object (empty when istiod would admit it). */
export function admissionOf(object: Obj): string[] {
  return MeshAnalyzer.analyze([object], { analyzers: ['schema.IstioAdmissionAnalyzer'] }).map((d) => d.message);
}

/**
 * Asserts that `refused` gets an admission message containing `expected` while `admitted` (a
 * nearby object, e.g. the same with the one field fixed) passes both the admission checks and
 * the CRD schema, so the rule is proven to be about that field.
 */
export function expectRefusedNearAdmitted(refused: Obj, admitted: Obj, expected: string): void {
  const messages = admissionOf(refused);
  if (!messages.some((m) => m.includes(expected))) {
    throw new Error(`expected an admission message containing ${JSON.stringify(expected)}, got ${JSON.stringify(messages)}`);
  }
  const nearby = admissionOf(admitted);
  if (nearby.length > 0) throw new Error(`expected the nearby object to be admitted, got ${JSON.stringify(nearby)}`);
  const schema = validateObject(admitted);
  if (schema.length > 0) throw new Error(`expected the nearby object to pass the CRD schema, got ${JSON.stringify(schema)}`);
}
