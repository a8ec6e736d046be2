// Documents handed to the synthesis worker as JSON text (src/core/json-text.ts): only those JSON
// carries exactly, so that the worker's copy writes the same YAML as the original.
import * as fc from 'fast-check';
import { exactJsonText } from '../../src/core/json-text';
import { stringifyYamlDocument } from '../../src/core/yaml-writer';
import { PROPERTY_RUNS } from '../support/properties';

/** Same value: numbers by Object.is, arrays element by element (holes differ from undefined), objects by own keys in order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  if (Array.isArray(a) && (a.length !== (b as unknown[]).length)) return false;
  return ka.every((k) => same((a as any)[k], (b as any)[k]));
}

test('a manifest-like document is handed over as its JSON text', () => {
  const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { app: 'x' } }, data: { list: [1, 0.5, true, null, 'on'], nested: [[{}], []] } };
  expect(exactJsonText(doc)).toBe(JSON.stringify(doc));
  const bare = Object.assign(Object.create(null), { kind: 'Service' });
  expect(exactJsonText(bare)).toBe('{"kind":"Service"}'); // no prototype: its copy is a plain object with the same keys
});

test.each([
  ['undefined value', { a: undefined }],
  ['undefined element', { a: [1, undefined] }],
  ['hole', { a: [1, , 3] }], // eslint-disable-line no-sparse-arrays
  ['NaN', { a: NaN }],
  ['Infinity', { a: [Infinity] }],
  ['-Infinity', { a: -Infinity }],
  ['-0', { a: { b: -0 } }],
  ['Date', { a: new Date(0) }],
  ['toJSON', { a: Object.defineProperty({}, 'toJSON', { value: () => 'x', enumerable: false }) }], // not an own enumerable key, yet JSON calls it
  ['class instance', { a: new (class Point { x = 1; })() }],
  ['Map', { a: new Map([['k', 1]]) }],
  ['function', { a: () => 1 }],
  ['BigInt', { a: BigInt(1) }],
  ['symbol', { a: Symbol('s') }],
])('a document with a value JSON does not carry (%s) is not handed over as JSON', (_name, doc) => {
  expect(exactJsonText(doc)).toBeUndefined();
});

test('a cyclic or very deep document is left to the structured clone', () => {
  const cyclic: any = { a: {} };
  cyclic.a.self = cyclic;
  expect(exactJsonText(cyclic)).toBeUndefined();
  let deep: any = 'leaf';
  for (let i = 0; i < 200; i++) deep = { d: deep };
  expect(exactJsonText(deep)).toBeUndefined();
  let fine: any = 'leaf';
  for (let i = 0; i < 50; i++) fine = [fine];
  expect(exactJsonText({ fine })).toBe(JSON.stringify({ fine }));
});

test('property: a document handed over as JSON comes back the same, and its YAML is the same; one JSON would change is never handed over as JSON', () => {
  const value = fc.anything({
    maxDepth: 4,
    withNullPrototype: true,
    withSparseArray: true,
    withDate: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withObjectString: true,
    withUnicodeString: true,
  });
  const docs = fc.dictionary(fc.string(), fc.oneof(value, fc.constantFrom(-0, NaN, Infinity, -Infinity, undefined)));
  fc.assert(fc.property(docs, (doc) => {
    const text = exactJsonText(doc);
    const copy = JSON.parse(JSON.stringify(doc) ?? 'null');
    if (text === undefined) {
      // refused: either JSON changes it, or it holds something JSON would keep but only a clone keeps as it is
      return;
    }
    expect(text).toBe(JSON.stringify(doc));
    expect(same(copy, doc)).toBe(true);
    expect(stringifyYamlDocument(copy)).toBe(stringifyYamlDocument(doc));
  }), { numRuns: PROPERTY_RUNS });
  // and the other way: whatever JSON changes is refused
  fc.assert(fc.property(docs, (doc) => {
    const copy = JSON.parse(JSON.stringify(doc) ?? 'null');
    if (!same(copy, doc)) expect(exactJsonText(doc)).toBeUndefined();
  }), { numRuns: PROPERTY_RUNS });
});
