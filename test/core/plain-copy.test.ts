// The copy every rendered object gets (src/core/plain-copy.ts): the same data, exactly, with
// objects of one shape sharing a hidden class. V8's %HaveSameMap tells whether two objects share
// one; the flag that allows it applies to functions compiled after it is set.
import * as v8 from 'node:v8';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { plainCopy } from '../../src/core/plain-copy';
import { renderedObjects } from '../../src/core/rendering';
import { VirtualService } from '../../src/networking/virtual-service';

v8.setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/**
 * How many hidden classes the objects have between them. V8 may still move some objects of one
 * shape to a newer class of it (when a field's representation is generalized), so a shared
 * class shows as one or a few, and a class per object as about as many as there are objects.
 */
function hiddenClasses(objects: readonly object[]): number {
  const representatives: object[] = [];
  for (const o of objects) if (!representatives.some((r) => haveSameMap(r, o))) representatives.push(o);
  return representatives.length;
}

/** What the generated bindings do to every struct they render (`cdk8s import`'s toJson_* functions). */
function likeGeneratedBinding(fields: { [key: string]: unknown }): any {
  return Object.entries(fields).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
}

describe('plainCopy', () => {
  test('objects built as the generated bindings build them get one hidden class each; their copies share one', () => {
    const built = Array.from({ length: 40 }, (_, i) => likeGeneratedBinding({ host: `h${i}`, port: undefined, subset: 'v1' }));
    expect(hiddenClasses(built)).toBeGreaterThan(20); // the premise: V8 gives most of them a map of their own
    const copies = built.map((o) => plainCopy(o));
    expect(hiddenClasses(copies)).toBeLessThanOrEqual(3);
    expect(copies).toEqual(built);
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
  test('objects of the same kind, library or cdk8s-plus, share hidden classes down to their nested structs', () => {
    const count = 30;
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    for (let i = 0; i < count; i++) {
      new VirtualService(chart, `vs${i}`, { hosts: [`s${i}`], http: [{ route: [{ host: `s${i}`, subset: 'v1', weight: 90 }, { host: `s${i}`, subset: 'v2', weight: 10 }] }] });
      new kplus.Deployment(chart, `d${i}`, { containers: [{ image: `img${i}`, portNumber: 8080, securityContext: { user: 1000 } }] });
    }
    const docs = renderedObjects(app) as any[];
    const services = docs.filter((d) => d.kind === 'VirtualService');
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(services).toHaveLength(count);
    expect(deployments).toHaveLength(count);
    // without the copy, each of these has about `count` classes
    expect(hiddenClasses(services)).toBeLessThanOrEqual(3);
    expect(hiddenClasses(services.map((o) => o.spec))).toBeLessThanOrEqual(3);
    expect(hiddenClasses(services.map((o) => o.spec.http[0].route[1].destination))).toBeLessThanOrEqual(3);
    expect(hiddenClasses(deployments)).toBeLessThanOrEqual(3);
    expect(hiddenClasses(deployments.map((o) => o.spec.template.spec.containers[0].resources.limits))).toBeLessThanOrEqual(3);
  });
});
