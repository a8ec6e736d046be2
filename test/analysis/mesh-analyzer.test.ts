// The library API of the analyzer: options, suppressions, formatting, YAML parsing, bad input.
import { AnalysisLevel, MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

type Obj = { [key: string]: any };

const vs = (name: string, namespace: string, subset = 'v2', annotations?: Obj): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset } }] }] },
});
const only = { analyzers: ['virtualservice.DestinationRuleAnalyzer'] };

test('a diagnostic carries Istio code, name, level, wording, origin and input index', () => {
  const [d, ...rest] = MeshAnalyzer.analyze([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, vs('reviews', 'shop')], only);
  expect(rest).toEqual([]);
  expect(d).toEqual({
    code: 'IST0101',
    messageName: 'ReferencedResourceNotFound',
    level: AnalysisLevel.ERROR,
    kind: 'VirtualService',
    namespace: 'shop',
    name: 'reviews',
    message: 'Referenced host+subset in destinationrule not found: "reviews+v2"',
    origin: 'VirtualService shop/reviews',
    analyzer: 'virtualservice.DestinationRuleAnalyzer',
    inputIndex: 1,
  });
  expect(MeshAnalyzer.format(d)).toBe('Error [IST0101] (VirtualService shop/reviews) Referenced host+subset in destinationrule not found: "reviews+v2"');
  expect(MeshAnalyzer.hasErrors([d])).toBe(true);
  expect(MeshAnalyzer.hasErrors([])).toBe(false);
});

test('objects without a namespace keep an empty namespace and a `Kind name` origin', () => {
  const o = vs('x', 'shop');
  delete o.metadata.namespace;
  const [d] = MeshAnalyzer.analyze([o], only);
  expect(d.namespace).toBe('');
  expect(d.origin).toBe('VirtualService x');
});

test('galley.istio.io/analyze-suppress on the object drops the listed codes (or all with *)', () => {
  expect(MeshAnalyzer.analyze([vs('a', 'shop', 'v2', { 'galley.istio.io/analyze-suppress': 'IST0118, IST0101' })], only)).toEqual([]);
  expect(MeshAnalyzer.analyze([vs('a', 'shop', 'v2', { 'galley.istio.io/analyze-suppress': '*' })], only)).toEqual([]);
  expect(MeshAnalyzer.analyze([vs('a', 'shop', 'v2', { 'galley.istio.io/analyze-suppress': 'IST0118' })], only)).toHaveLength(1);
});

test('suppressions option: by code, by resource (several spellings, globs)', () => {
  const objs = [vs('a', 'shop'), vs('b', 'shop'), vs('c', 'other')];
  const names = (s: Obj[]) => MeshAnalyzer.analyze(objs, { ...only, suppressions: s as any }).map((d) => d.origin);
  expect(names([{ code: 'IST0101' }])).toEqual([]);
  expect(names([{ code: 'IST0102' }])).toHaveLength(3);
  expect(names([{ code: 'IST0101', resource: 'VirtualService shop/a' }])).toEqual(['VirtualService other/c', 'VirtualService shop/b']);
  expect(names([{ code: 'IST0101', resource: 'VirtualService/shop/*' }])).toEqual(['VirtualService other/c']);
  expect(names([{ code: '*', resource: 'VirtualService */c' }])).toEqual(['VirtualService shop/a', 'VirtualService shop/b']);
});

test('objects in system namespaces are ignored', () => {
  expect(MeshAnalyzer.analyze([vs('a', 'kube-system')], only)).toEqual([]);
});

test('all analyzers run by default; the alpha-annotation analyzer only when named (as istioctl)', () => {
  const names = MeshAnalyzer.analyzerNames();
  expect(names).toContain('virtualservice.DestinationRuleAnalyzer');
  expect(names).toContain('annotations.AlphaAnalyzer');
  expect(names.length).toBeGreaterThanOrEqual(35);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', annotations: { 'sidecar.istio.io/proxyImage': 'i' } }, spec: { containers: [] } };
  expect(MeshAnalyzer.analyze([pod]).map((d) => d.code)).not.toContain('IST0136');
  expect(MeshAnalyzer.analyze([pod], { analyzers: ['annotations.AlphaAnalyzer'] }).map((d) => d.code)).toEqual(['IST0136']);
});

test('identical messages on one object are reported once', () => {
  const d = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'x' },
    spec: { template: { spec: { securityContext: { runAsUser: 1337 }, containers: [{ name: 'a', securityContext: { runAsUser: 1337 } }] } } },
  };
  expect(MeshAnalyzer.analyze([d], { analyzers: ['applicationUID.Analyzer'] })).toHaveLength(1);
});

test('parseYaml: multi-document, empty documents and List objects', () => {
  const objs = MeshAnalyzer.parseYaml('---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n');
  expect(objs.map((o) => o.metadata.name)).toEqual(['a', 'b']);
});

test('defaultMeshConfig is Istio\'s default', () => {
  expect(MeshAnalyzer.defaultMeshConfig()).toMatchObject({ rootNamespace: 'istio-system', ingressService: 'istio-ingressgateway', ingressControllerMode: 'STRICT' });
});

test('a 1000-object mesh is analyzed with all analyzers', () => {
  const objs: Obj[] = [];
  for (let i = 0; i < 250; i++) {
    objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'shop' }, spec: { selector: { app: `s${i}` }, ports: [{ name: 'http', port: 80 }] } });
    objs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'shop', labels: { app: `s${i}`, version: 'v1' } }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: `s${i}`, namespace: 'shop' }, spec: { host: `s${i}`, subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
    objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `s${i}`, namespace: 'shop' }, spec: { hosts: [`s${i}`], http: [{ route: [{ destination: { host: `s${i}`, subset: 'v1' } }] }] } });
  }
  const ds = MeshAnalyzer.analyze(objs);
  expect(ds.filter((d) => d.level === AnalysisLevel.ERROR)).toEqual([]);
});

describe('bad input', () => {
  test('an unknown analyzer name is rejected with the list of valid names', () => {
    expect(() => MeshAnalyzer.analyze([], { analyzers: ['virtualservice.Nope'] })).toThrow(/unknown analyzer "virtualservice.Nope": use one of .*virtualservice.GatewayAnalyzer/);
  });
  test('invalid YAML is rejected', () => {
    expect(() => MeshAnalyzer.parseYaml('a: [1, 2\nb: }')).toThrow();
  });
  test('non-objects and objects without kind are ignored, not fatal; an object without apiVersion is a schema error', () => {
    expect(MeshAnalyzer.analyze([null as any, 42 as any, { metadata: { name: 'x' } }])).toEqual([]);
    const d = MeshAnalyzer.analyze([{ kind: 'VirtualService' }]);
    expect(d.map((x) => `${x.code} ${x.message}`)).toEqual(['IST0106 Schema validation error: apiVersion: Required value: apiVersion must be a non-empty string']);
  });
  test('malformed specs (wrong types everywhere) do not crash the analyzers', () => {
    const weird: Obj[] = ['VirtualService', 'DestinationRule', 'Gateway', 'Sidecar', 'ServiceEntry', 'AuthorizationPolicy', 'Telemetry', 'EnvoyFilter', 'Service', 'Pod', 'Deployment', 'Namespace', 'MutatingWebhookConfiguration', 'ConfigMap', 'Secret', 'RequestAuthentication']
      .map((kind, i) => ({ apiVersion: 'x/v1', kind, metadata: { name: `w${i}`, namespace: 'n', labels: 'nope', annotations: 5 }, spec: { hosts: 'a', http: 'b', servers: [null, 1], selector: [], rules: [{ from: 'x' }], ports: [null], subsets: 7, configPatches: [null], template: 3 }, webhooks: 'x', data: 4 }));
    expect(() => MeshAnalyzer.analyze(weird)).not.toThrow();
  });
});
