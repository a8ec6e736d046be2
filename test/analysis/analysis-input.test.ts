// The analysis's input built in batches (src/analysis/analysis-input.ts), as the synthesis
// worker builds it while the app renders: the same analysis as from all the objects at once,
// whatever the batches and wherever the Namespace objects come.
import * as fc from 'fast-check';
import { AnalysisInput, templatePod } from '../../src/analysis/analysis-input';
import { AnalysisOptions, MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

type Obj = { [key: string]: any };

const OPTIONS: AnalysisOptions = { workloadPods: true, impliedNamespaces: true, externalSecrets: true, schemaValidation: false };

const namespace = (name: string, labels: Obj): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (name: string, ns: string, podLabels: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name, ...podLabels } }, spec: { containers: [{ name, image: `example/${name}:1` }] } },
  },
});
const service = (name: string, ns: string): Obj => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
});
const virtualService = (name: string, ns: string, host: string): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: ns },
  spec: { hosts: [name], http: [{ route: [{ destination: { host } }] }] },
});

/** The run's resources as the analyzers see them, with the input position of each. */
function view(input: AnalysisInput | Obj[]) {
  const run = MeshAnalyzer._run(input, OPTIONS);
  return { diagnostics: run.diagnostics, resources: run.resources.map((r) => ({ seq: r.seq, origin: r.origin, raw: r.raw })) };
}

/** Adds the objects in batches ending at the given cuts. */
function inBatches(objects: Obj[], cuts: number[]): AnalysisInput {
  const input = new AnalysisInput(true);
  let from = 0;
  for (const cut of [...cuts.filter((c) => c < objects.length).sort((a, b) => a - b), objects.length]) {
    input.add(objects.slice(from, cut));
    from = cut;
  }
  return input;
}

describe('AnalysisInput', () => {
  test('a workload added before its Namespace object gets that namespace\'s injection (the last Namespace object of a name wins)', () => {
    const objects = [
      deployment('a', 'shop', {}),
      namespace('shop', {}),
      deployment('b', 'shop', {}),
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('c', 'mall', {}),
      namespace('mall', { 'istio.io/dataplane-mode': 'ambient' }),
    ];
    const input = new AnalysisInput(true);
    for (const o of objects) input.add([o]);
    const pods = MeshAnalyzer._run(input, OPTIONS).resources.filter((r) => r.kind === 'Pod');
    const sidecars = (name: string) => pods.find((p) => p.name === `${name}-pod-template`)!.raw.spec.containers.map((c: Obj) => c.name);
    expect(sidecars('a')).toEqual(['a', 'istio-proxy']);
    expect(sidecars('b')).toEqual(['b', 'istio-proxy']);
    expect(pods.find((p) => p.name === 'c-pod-template')!.annotations['ambient.istio.io/redirection']).toBe('enabled');
    expect(view(inBatches(objects, [1, 2, 3, 4, 5]))).toEqual(view(objects));
  });

  test('property: any split into batches analyzes as all the objects at once', () => {
    const labels = fc.constantFrom<Obj>({}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }, { 'istio.io/rev': 'canary' }, { 'istio.io/dataplane-mode': 'ambient' });
    const podLabels = fc.constantFrom<Obj>({}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }, { 'istio.io/dataplane-mode': 'none' });
    const ns = fc.constantFrom('shop', 'mall', 'kube-system', 'elsewhere');
    const name = fc.constantFrom('a', 'b', 'c');
    const object = fc.oneof(
      fc.tuple(ns, labels).map(([n, l]) => namespace(n, l)),
      fc.tuple(name, ns, podLabels).map(([n, s, l]) => deployment(n, s, l)),
      fc.tuple(name, ns).map(([n, s]) => service(n, s)),
      fc.tuple(name, ns, name).map(([n, s, h]) => virtualService(n, s, h)),
      fc.constant<Obj>({ metadata: { name: 'no-kind', namespace: 'nowhere' } }),
    );
    fc.assert(fc.property(fc.array(object, { maxLength: 24 }), fc.array(fc.nat(24), { maxLength: 6 }), (objects, cuts) => {
      const input = inBatches(objects, cuts);
      const batched = view(input); // with the index built as the objects came
      expect(batched).toEqual(view(objects));
      expect(view(input)).toEqual(batched); // a second run indexes the objects anew
      // each workload's pod is made with the labels of its namespace's last Namespace object,
      // wherever that object comes (the pod follows its workload in the resources)
      const last = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels]));
      for (const pod of batched.resources.filter((r) => r.raw.kind === 'Pod' && r.origin.endsWith('-pod-template'))) {
        const owner = batched.resources[pod.seq - 1].raw;
        expect(pod.raw).toEqual(templatePod(owner, last.get(owner.metadata.namespace) ?? {}));
      }
    }), { numRuns: 300, seed: 20261204 });
  });

  test('an input is analyzed with the options it was built for, and takes no object once used', () => {
    const input = new AnalysisInput(true).add([deployment('a', 'shop', {})]);
    expect(() => MeshAnalyzer._run(input, { ...OPTIONS, workloadPods: false })).toThrow(/an analysis input built for other options/);
    MeshAnalyzer._run(input, OPTIONS);
    expect(() => input.add([service('a', 'shop')])).toThrow(/objects added to an analysis input after it was used/);
    // a second run of the same input sees the same objects (a run adds its implied objects to its own list)
    expect(view(input)).toEqual(view([deployment('a', 'shop', {})]));
  });
});
