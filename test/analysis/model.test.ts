// The analyzer's model (src/analysis/model.ts) and the indexes analyzers build on it: they find
// what a scan of every object finds, and an index made from one collection is shared only by
// analyzers that may see it.
import * as fc from 'fast-check';
import { servicesSelecting } from '../../src/analysis/analyzers/deployment/multi-service';
import { LabelIndex } from '../../src/analysis/label-index';
import { AnalysisContext, ObjectIndex, Resource, selectorMatches } from '../../src/analysis/model';

const pod = (name: string, labels: { [key: string]: string }, seq: number) =>
  new Resource({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels } }, seq);

describe('LabelIndex', () => {
  test('property: matching() and any() find what a scan of every object finds, with the objects\' labels or others', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'version', 'tier', 'a=b'), fc.constantFrom('x', 'y', 'v1', '='), { maxKeys: 3 });
    fc.assert(fc.property(fc.array(labels, { maxLength: 12 }), fc.array(labels, { maxLength: 6 }), fc.boolean(), (podLabels, selectors, augment) => {
      const pods = podLabels.map((l, i) => pod(`p${i}`, l, i));
      // another labelling (as a pod's node adds topology labels): the index must not use the objects' own
      const other = (r: Resource) => (augment && r.seq % 2 === 0 ? { ...r.labels, zone: 'z1' } : r.labels);
      const index = new LabelIndex(pods, other);
      for (const sel of [...selectors, { zone: 'z1' }]) {
        const scan = pods.filter((p) => selectorMatches(sel, other(p)));
        expect(index.matching(sel)).toEqual(scan);
        expect(index.any(sel)).toBe(scan.length > 0);
      }
    }), { numRuns: 300, seed: 20261204 });
  });
});

describe('AnalysisContext.cachedOf', () => {
  test('an index made from one collection is made once for every analyzer that has the collection as an input, and anew (from nothing) for one that has not', () => {
    const index = new ObjectIndex([pod('a', { app: 'a' }, 0), pod('b', { app: 'b' }, 1)]);
    const shared = new Map<string, unknown>();
    const context = (inputs: string[]) => new AnalysisContext(index, new Set(inputs), 'test', undefined, undefined, shared);
    let made = 0;
    const podNames = (ctx: AnalysisContext) => ctx.cachedOf('Pod', 'names', () => {
      made++;
      return ctx.all('Pod').map((p) => p.name);
    });
    const first = podNames(context(['Pod', 'Service']));
    expect(first).toEqual(['a', 'b']);
    expect(podNames(context(['Pod', 'Namespace']))).toBe(first);
    expect(made).toBe(1);
    expect(podNames(context(['Service']))).toEqual([]);
    expect(made).toBe(2);
  });

  test('an index made from several collections is shared only by analyzers that have them all as inputs', () => {
    const index = new ObjectIndex([pod('a', {}, 0), new Resource({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' } }, 1)]);
    const shared = new Map<string, unknown>();
    const context = (inputs: string[]) => new AnalysisContext(index, new Set(inputs), 'test', undefined, undefined, shared);
    const names = (ctx: AnalysisContext) => ctx.cachedOf(['Pod', 'Service'], 'names', () => [...ctx.all('Pod'), ...ctx.all('Service')].map((r) => r.name));
    const both = names(context(['Service', 'Pod']));
    expect(both).toEqual(['a', 's']);
    expect(names(context(['Pod', 'Service', 'Namespace']))).toBe(both);
    expect(names(context(['Service']))).toEqual(['s']); // not the shared one: this analyzer sees no Pod
  });
});

describe('deployment.MultiServiceAnalyzer: the Services selecting a workload', () => {
  test('property: found through their selectors\' pairs, they are those a scan of the namespace\'s Services finds, in the same order', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'version', 'tier'), fc.constantFrom('a', 'b'), { maxKeys: 3 });
    const service = fc.record({ namespace: fc.constantFrom('shop', 'mall'), selector: labels });
    fc.assert(fc.property(fc.array(service, { maxLength: 10 }), fc.constantFrom('shop', 'mall', 'none'), labels, (services, namespace, workload) => {
      const resources = services.map((s, i) =>
        new Resource({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: s.namespace }, spec: { selector: s.selector } }, i));
      const ctx = new AnalysisContext(new ObjectIndex(resources), new Set(['Service']), 'test', undefined, undefined, new Map());
      const selects = (r: Resource) => Object.keys(r.spec.selector).length > 0 && selectorMatches(r.spec.selector, workload);
      const scan = resources.filter((r) => r.namespace === namespace && selects(r));
      expect(servicesSelecting(ctx, namespace, workload)).toEqual(scan);
    }), { numRuns: 300, seed: 20261204 });
  });
});
