// The schema validation (src/analysis/schema/manifest-validator.ts) checks what the API server
// would receive, the object's JSON, whether or not it copies the object first (it does only when
// the object is not plain JSON, or a CRD schema has defaults to write), and never writes into the
// caller's object.
import * as fc from 'fast-check';
import { validateManifest } from '../../../src/analysis/schema/manifest-validator';

type Obj = { [key: string]: any };

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** A VirtualService (its CRD schema has no defaults), with a mistake when `broken`. */
const virtualService = (broken: boolean): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop', labels: { app: 'reviews' } },
  spec: {
    hosts: ['reviews'],
    http: [{ match: [{ uri: { prefix: '/v1' } }], route: [{ destination: { host: 'reviews', subset: 'v1', port: { number: broken ? 'x' : 9080 } }, weight: 100 }] }],
  },
});

/** An HTTPRoute (its CRD schema defaults the path match and the backend weight). */
const httpRoute = (): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] },
});

/** A Deployment (a built-in kind: the strict schema of kubernetes-models). */
const deployment = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'reviews' } },
    template: { metadata: { labels: { app: 'reviews' } }, spec: { containers: [{ name: 'reviews', image: 'example/reviews:1', ports: [{ containerPort: 9080 }] }] } },
  },
});

/** Values JSON does not have: they vanish (undefined, functions), turn into null (NaN, holes) or into strings (dates). */
const notJson = fc.constantFrom<unknown>(undefined, Number.NaN, Infinity, new Date(0), () => 1, [1, , 3]); // eslint-disable-line no-sparse-arrays

/** Puts `value` at a random place of the object (a new key of some object in it, or an array element). */
function plant(o: Obj, value: unknown, pick: number[]): Obj {
  let node: any = o;
  for (const p of pick) {
    const keys = Object.keys(node).filter((k) => node[k] !== null && typeof node[k] === 'object');
    if (keys.length === 0) break;
    node = node[keys[p % keys.length]];
  }
  if (Array.isArray(node)) node.push(value);
  else node[`planted${pick.length}`] = value;
  return o;
}

describe('validateManifest', () => {
  test('finds in an object what it finds in the object\'s JSON, wherever a value JSON does not have is', () => {
    const make = fc.constantFrom(() => virtualService(false), () => virtualService(true), httpRoute, deployment);
    fc.assert(fc.property(make, notJson, fc.array(fc.nat(9), { maxLength: 6 }), (object, value, pick) => {
      const o = plant(object(), value, pick);
      expect(validateManifest(o)).toEqual(validateManifest(json(o)));
    }), { numRuns: 300, seed: 20261204 });
  });

  test('an undefined field is no field (as in the JSON sent to the API server); a wrong one is still reported', () => {
    const o = virtualService(false);
    o.spec.http[0].timeout = undefined;
    expect(validateManifest(o).problems).toEqual([]);
    const wrong = virtualService(true);
    wrong.spec.http[0].timeout = undefined;
    expect(validateManifest(wrong).problems.map((p) => p.path)).toEqual(['spec.http[0].route[0].destination.port.number']);
  });

  test('an object that has no JSON (a cycle) is a problem, not a crash', () => {
    const o = virtualService(false);
    o.spec.self = o;
    expect(validateManifest(o).problems).toEqual([{ path: '<root>', message: expect.stringMatching(/^a manifest must be JSON: .*circular/) }]);
  });

  test('the caller\'s object is left as it was, defaults included', () => {
    for (const o of [virtualService(false), virtualService(true), httpRoute(), deployment()]) {
      const before = json(o);
      validateManifest(o);
      expect(o).toEqual(before);
    }
  });
});
