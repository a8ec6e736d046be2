// The conversion of CRD schemas for ajv (src/analysis/schema/schema-convert.ts) keeps a
// subschema that repeats once, under `definitions`: the validator must find exactly what the
// fully inline schema finds, and say it the same way.
import type { ErrorObject } from 'ajv';
import * as fc from 'fast-check';
import { newAjv } from '../../../src/analysis/schema/compiled-schemas';
import { validateManifest } from '../../../src/analysis/schema/manifest-validator';
import { CrdCatalog } from '../../../src/analysis/schema/schema-catalog';
import { toAjvSchema } from '../../../src/analysis/schema/schema-convert';

const catalog = CrdCatalog.default();
const entryOf = (key: string) => {
  const [group, version, kind] = key.split('/');
  return catalog.get(group, version, kind)!;
};

/** The schema with every `$ref` replaced by the definition it names (and no `definitions`). */
function expanded(schema: any): any {
  const defs = schema.definitions ?? {};
  const walk = (s: any): any => {
    if (Array.isArray(s)) return s.map(walk);
    if (s === null || typeof s !== 'object') return s;
    if (typeof s.$ref === 'string') return walk(defs[s.$ref.replace('#/definitions/', '')]);
    return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'definitions').map(([k, v]) => [k, walk(v)]));
  };
  return walk(schema);
}

/** The `$ref`s of a schema, each with whether it lies within anyOf/oneOf/allOf/not. */
function refs(schema: any): { ref: string; inJunctor: boolean }[] {
  const out: { ref: string; inJunctor: boolean }[] = [];
  const walk = (s: any, inJunctor: boolean): void => {
    if (s === null || typeof s !== 'object') return;
    if (typeof s.$ref === 'string') out.push({ ref: s.$ref, inJunctor });
    for (const [k, v] of Object.entries(s)) walk(v, inJunctor || ['anyOf', 'oneOf', 'allOf', 'not'].includes(k));
  };
  walk(schema, false);
  return out;
}

test.each(catalog.keys())('%s: the shared schema is the inline one with repeated subschemas referred to, never within a junctor', (key) => {
  const entry = entryOf(key);
  const inline = toAjvSchema(entry.schema, false);
  const shared = toAjvSchema(entry.schema);
  expect(expanded(shared)).toEqual(inline);
  expect(JSON.stringify(inline)).not.toContain('$ref');
  const found = refs(shared);
  expect(found.filter((r) => r.inJunctor)).toEqual([]);
  // every definition is used more than once (counting uses within other definitions), and none
  // has a default (ajv would not apply it through the $ref)
  for (const [name, def] of Object.entries<any>(shared.definitions ?? {})) {
    expect(found.filter((r) => r.ref === `#/definitions/${name}`).length).toBeGreaterThan(1);
    expect(def.default).toBeUndefined();
  }
});

test('a DestinationRule\'s traffic policy and its settings are kept once; a VirtualService shares subschemas too', () => {
  const dr = toAjvSchema(entryOf('networking.istio.io/v1/DestinationRule').schema);
  const vs = toAjvSchema(entryOf('networking.istio.io/v1/VirtualService').schema);
  // the subset's traffic policy is the spec's, so both refer to one definition
  const policy = dr.properties.spec.properties.trafficPolicy;
  expect(policy.$ref).toMatch(/^#\/definitions\//);
  expect(dr.properties.spec.properties.subsets.items.properties.trafficPolicy).toEqual(policy);
  // within it, a port's settings are the whole service's
  const settings = dr.definitions[policy.$ref.replace('#/definitions/', '')].properties;
  for (const name of ['connectionPool', 'loadBalancer', 'outlierDetection', 'tls']) {
    expect(settings[name].$ref).toMatch(/^#\/definitions\//);
    expect(settings.portLevelSettings.items.properties[name]).toEqual(settings[name]);
  }
  expect(Object.keys(dr.definitions)).toHaveLength(5);
  expect(Object.keys(vs.definitions).length).toBeGreaterThan(0);
  // small repeated subschemas stay inline
  expect(dr.properties.spec.properties.host).toEqual({ type: 'string' });
  expect(dr.properties.spec.properties.subsets.items.properties.name).toEqual({ type: 'string' });
});

const errorsOf = (validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }, data: unknown) =>
  validate(structuredClone(data)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();

/** A DestinationRule that sets every traffic policy setting at the top, per port and per subset. */
const destinationRule = () => {
  const settings = {
    connectionPool: { tcp: { maxConnections: 100, connectTimeout: '30ms' }, http: { http2MaxRequests: 1000, maxRequestsPerConnection: 10 } },
    loadBalancer: { simple: 'LEAST_REQUEST', localityLbSetting: { enabled: true } },
    outlierDetection: { consecutive5xxErrors: 7, interval: '5m', baseEjectionTime: '15m' },
    tls: { mode: 'ISTIO_MUTUAL' },
  };
  const policy = { ...settings, portLevelSettings: [{ port: { number: 9080 }, ...settings }] };
  return JSON.parse(JSON.stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { host: 'reviews', trafficPolicy: policy, subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: policy }] },
  }));
};

/** Every path to a value of `v` (objects' keys and arrays' indexes). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [at];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => paths(x, [...at, k]))];
}

test('property: on a DestinationRule with a value replaced anywhere, or a field added, the shared validator finds what the inline one finds', () => {
  const entry = entryOf('networking.istio.io/v1/DestinationRule');
  const inline = newAjv().compile(toAjvSchema(entry.schema, false));
  const shared = newAjv().compile(toAjvSchema(entry.schema));
  const base = destinationRule();
  expect(errorsOf(shared, base)).toEqual([]);
  const where = paths(base).filter((p) => p.length > 0);
  const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('ROUND_ROBIN', 'DISABLE', '1s', -1),
    fc.dictionary(fc.constantFrom('simple', 'consistentHash', 'tcp', 'bogus', 'mode'), fc.oneof(fc.string(), fc.integer())));
  fc.assert(fc.property(fc.constantFrom(...where), value, fc.boolean(), (p, v, add) => {
    const obj: any = structuredClone(base);
    let parent = obj;
    for (const k of p.slice(0, -1)) parent = parent[k];
    const last = p[p.length - 1];
    if (add && typeof parent[last] === 'object' && parent[last] !== null && !Array.isArray(parent[last])) parent[last].unexpected = v;
    else parent[last] = v;
    expect(errorsOf(shared, obj)).toEqual(errorsOf(inline, obj));
  }), { numRuns: 150 });
});

test('a oneOf in a shared subschema is reported once, without its branches\' errors', () => {
  const obj: any = destinationRule();
  obj.spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer = { simple: 'RANDOM', consistentHash: { httpHeaderName: 'x-user' } };
  const { problems } = validateManifest(obj);
  expect(problems).toEqual([{
    path: 'spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer',
    message: expect.stringContaining('matches several'),
  }]);
});

test('defaults are applied as with the inline schema (an HTTPRoute\'s parent group and kind, path match type, backend weight)', () => {
  const entry = entryOf('gateway.networking.k8s.io/v1/HTTPRoute');
  const inline = newAjv().compile(toAjvSchema(entry.schema, false));
  const shared = newAjv().compile(toAjvSchema(entry.schema));
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'reviews' },
    spec: {
      parentRefs: [{ name: 'gw' }, { name: 'mesh', kind: 'Service', group: '' }],
      rules: [
        { matches: [{ path: { value: '/a' } }, { headers: [{ name: 'x', value: 'y' }] }], backendRefs: [{ name: 'a', port: 80 }, { name: 'b', port: 80, weight: 5 }] },
        { backendRefs: [{ name: 'c', port: 80, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'h', value: 'v' }] } }] }] },
      ],
    },
  };
  const [a, b] = [JSON.parse(JSON.stringify(route)), JSON.parse(JSON.stringify(route))];
  expect(inline(a)).toBe(true);
  expect(shared(b)).toBe(true);
  expect(b).toEqual(a);
  expect(b.spec.parentRefs[0]).toEqual({ name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' });
  expect(b.spec.rules[0].matches[0].path.type).toBe('PathPrefix');
  expect(b.spec.rules[0].backendRefs[0].weight).toBe(1);
});
