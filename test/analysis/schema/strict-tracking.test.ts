// Strict validation of built-in kinds (src/analysis/schema/strict-tracking.ts): data of a shape
// that passed before is validated without the tracking proxies, and the result is the one the
// tracked run gives.
import { types } from 'util';
import * as fc from 'fast-check';
import { coreValidator, objectMetaValidator } from '../../../src/analysis/schema/core-objects';
import { AjvValidateFn, validateStrict } from '../../../src/analysis/schema/strict-tracking';

/** A validator of its own (nothing remembered for it), recording whether it was given proxies. */
function recording(fn: AjvValidateFn): AjvValidateFn & { proxied: boolean[] } {
  const wrapper = Object.assign((data: unknown) => {
    wrapper.proxied.push(types.isProxy(data));
    const ok = fn(data);
    wrapper.errors = fn.errors;
    return ok;
  }, { errors: null as any[] | null | undefined, proxied: [] as boolean[] });
  return wrapper;
}

const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image: `example/${name}:1`, ports: [{ containerPort: 9080 }], ...extra }] },
    },
  },
});

test('data of a shape that passed before is validated without proxies, with the same unknown fields', () => {
  const fn = recording(coreValidator('apps/v1', 'Deployment')!);
  const first = validateStrict(fn, deployment('a', { colour: 'red' }));
  expect(first).toEqual({ errors: [], unknownFields: ['/spec/template/spec/containers/0/colour'] });
  // another name, same shape: answered from the shape, the validator still runs (on the data itself)
  expect(validateStrict(fn, deployment('b', { colour: 'blue' }))).toEqual(first);
  // the same shape failing a check: the tracked run reports it
  const failing = validateStrict(fn, deployment('c', { colour: 'green', imagePullPolicy: 7 }));
  expect(failing.errors.length).toBeGreaterThan(0);
  expect(validateStrict(fn, { ...deployment('d'), spec: { ...deployment('d').spec, replicas: 'one' } }).errors.length).toBeGreaterThan(0);
  // [tracked, direct, tracked (new shape: imagePullPolicy), tracked (new shape), ...]: only a known, passing shape skips the proxies
  expect(fn.proxied.slice(0, 2)).toEqual([true, false]);
  expect(fn.proxied.filter((p) => !p)).toHaveLength(1);
});

test('an unknown field below a base pointer keeps its place', () => {
  const fn = recording(objectMetaValidator());
  for (const name of ['a', 'b']) {
    expect(validateStrict(fn, { name, labelz: { x: 'y' } }, '/metadata')).toEqual({ errors: [], unknownFields: ['/metadata/labelz'] });
  }
  expect(fn.proxied).toEqual([true, false]);
});

/** A value of the Deployment's schema, or a close miss (wrong type, unknown key, missing field). */
const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -3, max: 70000 }), fc.boolean(), fc.constant(null), fc.double({ noNaN: true }));
/** Mostly valid values (shapes that pass get remembered), sometimes a close miss. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: leaf, weight: 1 });
const arbitraryDeployment = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  replicas: mostly(fc.integer({ min: 0, max: 5 })),
  port: mostly(fc.integer({ min: 1, max: 65535 })),
  pullPolicy: fc.option(mostly(fc.constantFrom('Always', 'IfNotPresent')), { nil: undefined }),
  unknownKey: fc.option(fc.constantFrom('colour', 'imagePolicy', 'replica'), { nil: undefined, freq: 2 }),
  unknownAt: fc.constantFrom('spec', 'template', 'container', 'port', 'metadata'),
  unknownValue: leaf,
  dropSelector: fc.boolean(),
  labels: fc.dictionary(fc.constantFrom('app', 'version', 'tier'), mostly(fc.string({ maxLength: 4 })), { maxKeys: 2 }),
  resources: fc.option(fc.record({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), mostly(fc.constantFrom('100m', '1Gi', '2')), { maxKeys: 2 }) }), { nil: undefined }),
}).map((g) => {
  const port: Record<string, unknown> = { containerPort: g.port };
  const container: Record<string, unknown> = { name: g.name, image: 'i', ports: [port] };
  if (g.pullPolicy !== undefined) container.imagePullPolicy = g.pullPolicy;
  if (g.resources !== undefined) container.resources = g.resources;
  const template: Record<string, unknown> = { metadata: { labels: g.labels }, spec: { containers: [container] } };
  const spec: Record<string, unknown> = { replicas: g.replicas, template };
  if (!g.dropSelector) spec.selector = { matchLabels: g.labels };
  const metadata: Record<string, unknown> = { name: g.name, labels: g.labels };
  const at = { spec, template, container, port, metadata }[g.unknownAt];
  if (g.unknownKey !== undefined) at[g.unknownKey] = g.unknownValue;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
});

test('property: with shapes remembered, every result is the tracked run\'s', () => {
  const shared = recording(coreValidator('apps/v1', 'Deployment')!);
  fc.assert(fc.property(arbitraryDeployment, (d) => {
    const fresh = recording(coreValidator('apps/v1', 'Deployment')!); // nothing remembered: always tracked
    expect(validateStrict(shared, d)).toEqual(validateStrict(fresh, d));
  }), { numRuns: 2000, seed: 20261204 });
  // the generator repeats shapes: many runs skipped the proxies
  expect(shared.proxied.filter((p) => !p).length).toBeGreaterThan(200);
});
