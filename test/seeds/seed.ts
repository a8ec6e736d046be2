import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * Loads a YAML snippet copied from the seed documents (test/fixtures/seeds/<file>).
 * Returns the Kubernetes objects it contains.
 */
export function loadSeed(file: string): any[] {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'seeds', file), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
}

/** `networking.istio.io/v1alpha3` → `networking.istio.io`. */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * Asserts that a synthesized object is semantically the seed's object: same API group and
 * kind (seeds use older API versions; we emit v1), same name/namespace where the seed gives
 * them, and an equal spec (key order is irrelevant to toEqual).
 */
export function expectSameAsSeed(actual: any, seed: any): void {
  expect({ group: apiGroup(actual.apiVersion), kind: actual.kind }).toEqual({ group: apiGroup(seed.apiVersion), kind: seed.kind });
  if (seed.metadata?.name) expect(actual.metadata.name).toEqual(seed.metadata.name);
  if (seed.metadata?.namespace) expect(actual.metadata.namespace).toEqual(seed.metadata.namespace);
  expect(actual.spec).toEqual(seed.spec);
}
