// The copy every rendered object gets (src/core/plain-copy.ts): the same data, exactly, with
// objects of one shape sharing a hidden class. Whether they share one is V8's state of the whole
// process (once objects of more than ~1,500 different first keys were built from `{}`, new shapes
// get a class per object), so that is checked in a fresh process, as a synthesis runs, with
// V8's %HaveSameMap.
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { plainCopy } from '../../src/core/plain-copy';
import { renderedObjects } from '../../src/core/rendering';
import { VirtualService } from '../../src/networking/virtual-service';
import { COUNT_CLASSES, runInFreshV8 } from '../support/fresh-v8';

/**
 * Hidden classes, counted in a fresh `node --allow-natives-syntax` that loads
 * src/core/plain-copy.ts transpiled: of `count` objects built as the generated bindings build
 * them (`cdk8s import`'s toJson_* functions: `Object.entries(r).reduce((r, i) => ({ ...r,
 * [i[0]]: i[1] }), {})`), and of their copies, for a struct and for its nesting in a list.
 */
function classesInFreshProcess(count: number): { built: number; copied: number; nestedBuilt: number; nestedCopied: number } {
  return runInFreshV8(['core/plain-copy.ts'], ([plainCopyJs]) => `
    const { plainCopy } = require(${JSON.stringify(plainCopyJs)});
    // one function per struct, as generated (V8's feedback for the spread is per function)
    const destination = (f) => Object.entries(f).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
    const route = (f) => Object.entries(f).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
    const spec = (f) => Object.entries(f).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
    const object = (f) => Object.entries(f).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
    ${COUNT_CLASSES}
    const built = Array.from({ length: ${count} }, (_, i) => object({ kind: 'VirtualService', spec: spec({ hosts: ['h' + i], route: [route({ destination: destination({ host: 'h' + i, port: undefined, subset: 'v1' }), weight: 90 })] }) }));
    const copies = built.map((o) => plainCopy(o));
    if (JSON.stringify(copies) !== JSON.stringify(built)) throw new Error('the copies differ');
    const nested = (o) => o.spec.route[0].destination;
    console.log(JSON.stringify({ built: classes(built), copied: classes(copies), nestedBuilt: classes(built.map(nested)), nestedCopied: classes(copies.map(nested)) }));`);
}

describe('plainCopy', () => {
  test('objects built as the generated bindings build them get one hidden class each; their copies share one (a fresh process)', () => {
    const found = classesInFreshProcess(40);
    // the premise: V8 gives most of them a class of their own, the outer and the nested ones
    expect(found.built).toBeGreaterThan(20);
    expect(found.nestedBuilt).toBeGreaterThan(20);
    expect(found.copied).toBe(1);
    expect(found.nestedCopied).toBe(1);
  });

  test('the copy holds the same data in the same key order, in new objects and arrays', () => {
    const original = { b: 1, a: { z: [1, { y: 'x' }], c: null }, list: [] as unknown[], t: true, s: 'str' };
    const copy = plainCopy(original);
    expect(copy).toStrictEqual(original);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect(Object.keys(copy.a)).toEqual(['z', 'c']);
    expect(copy).not.toBe(original);
    expect(copy.a).not.toBe(original.a);
    expect(copy.a.z).not.toBe(original.a.z);
    expect(copy.a.z[1]).not.toBe(original.a.z[1]);
  });

  test('values JSON would change are kept as they are: NaN, -0, undefined, holes, class instances, null-prototype objects', () => {
    const date = new Date(0);
    const bare = Object.create(null);
    bare.k = 'v';
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const copy = plainCopy({ nan: NaN, negZero: -0, undef: undefined, holes, date, bare, big: BigInt(7) });
    expect(copy.nan).toBeNaN();
    expect(Object.is(copy.negZero, -0)).toBe(true);
    expect('undef' in copy).toBe(true);
    expect(copy.undef).toBeUndefined();
    expect(copy.holes).toHaveLength(3);
    expect(1 in copy.holes).toBe(false);
    expect(copy.holes).not.toBe(holes);
    expect(copy.date).toBe(date);
    expect(copy.bare).toBe(bare);
    expect(copy.big).toBe(BigInt(7));
  });

  test('an own __proto__ key stays a key (it does not become the prototype)', () => {
    const original = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = plainCopy(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as any).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
  });

  test('a cycle or a value nested deeper than any manifest is kept below the limit, not followed', () => {
    const cyclic: any = { name: 'loop' };
    cyclic.self = cyclic;
    const copy = plainCopy(cyclic);
    expect(copy).not.toBe(cyclic);
    let depth = 0;
    for (let o = copy; o !== cyclic; o = o.self) depth++;
    expect(depth).toBeGreaterThan(50);
    expect(depth).toBeLessThan(200);
  });
});

describe('rendered objects', () => {
  test('each object the synthesis reads is a copy of what its binding rendered, equal to it, library or cdk8s-plus', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    const vs = new VirtualService(chart, 'vs', { hosts: ['s'], http: [{ route: [{ host: 's', subset: 'v1', weight: 90 }, { host: 's', subset: 'v2', weight: 10 }] }] });
    const deployment = new kplus.Deployment(chart, 'd', { containers: [{ image: 'img', portNumber: 8080, securityContext: { user: 1000 } }] });
    const rendered = new Map<object, any>();
    for (const o of [vs.apiObject, ApiObject.of(deployment)]) {
      const render = o.toJson.bind(o);
      jest.spyOn(o, 'toJson').mockImplementation(() => {
        const json = render();
        rendered.set(o, json);
        return json;
      });
    }
    const docs = renderedObjects(app) as any[];
    for (const json of rendered.values()) {
      const doc = docs.find((d) => d.kind === json.kind && d.metadata.name === json.metadata.name);
      expect(doc).toStrictEqual(json);
      expect(doc).not.toBe(json);
      expect(doc.spec).not.toBe(json.spec);
    }
    expect(rendered.size).toBe(2);
  });
});
