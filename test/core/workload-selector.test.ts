import { Testing } from 'cdk8s';
import { Deployment, LabelSelector, Service, StatefulSet } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadSelector } from '../../src/core/workload-selector';

describe('WorkloadSelector', () => {
  test('fromLabels returns the labels', () => {
    const sel = WorkloadSelector.fromLabels({ app: 'reviews', version: 'v2' });
    expect(sel.labels).toEqual({ app: 'reviews', version: 'v2' });
  });

  test('labels returns a copy: mutating it does not change the selector', () => {
    const sel = WorkloadSelector.fromLabels({ app: 'reviews' });
    sel.labels.app = 'hacked';
    expect(sel.labels).toEqual({ app: 'reviews' });
  });

  test('fromLabels copies its input: later changes to the object do not change the selector', () => {
    const labels: { [key: string]: string } = { app: 'reviews' };
    const sel = WorkloadSelector.fromLabels(labels);
    labels.app = 'changed';
    expect(sel.labels).toEqual({ app: 'reviews' });
  });

  test('fromWorkload reads the workload selector labels', () => {
    const chart = Testing.chart();
    const d = new Deployment(chart, 'reviews', { containers: [{ image: 'reviews:1' }] });
    const sel = WorkloadSelector.fromWorkload(d);
    expect(sel.labels).toEqual(d.matchLabels);
    expect(Object.keys(sel.labels).length).toBeGreaterThan(0);
  });

  test('fromWorkload honours select() calls made after the selector was created', () => {
    const chart = Testing.chart();
    const d = new Deployment(chart, 'reviews', { containers: [{ image: 'reviews:1' }], select: false });
    const sel = WorkloadSelector.fromWorkload(d);
    expect(sel.labels).toEqual({});
    d.select(LabelSelector.of({ labels: { app: 'reviews', tier: 'backend' } }));
    expect(sel.labels).toEqual({ app: 'reviews', tier: 'backend' });
  });

  test('fromWorkload works for other workload kinds', () => {
    const chart = Testing.chart();
    const svc = new Service(chart, 'svc', { ports: [{ port: 80 }] });
    const s = new StatefulSet(chart, 'db', { containers: [{ image: 'db:1' }], service: svc });
    expect(WorkloadSelector.fromWorkload(s).labels).toEqual(s.matchLabels);
  });

  test('_render returns the labels for a non-empty selector', () => {
    const scope = new Construct(Testing.chart(), 'pa');
    expect(WorkloadSelector.fromLabels({ app: 'x' })._render(scope, 'selector')).toEqual({ app: 'x' });
  });

  describe('bad input', () => {
    test('an empty label selector fails, naming path, field, the selector and the fix', () => {
      const scope = new Construct(Testing.chart(), 'pa');
      expect(() => WorkloadSelector.fromLabels({})._render(scope, 'selector'))
        .toThrow('[test/pa] selector (labels {}) [] is invalid: the list must not be empty. Fix: select workloads by at least one label, or omit the selector to apply namespace-wide');
    });

    test('a wildcard label value fails, naming the label', () => {
      const scope = new Construct(Testing.chart(), 'pa');
      expect(() => WorkloadSelector.fromLabels({ app: '*' })._render(scope, 'selector'))
        .toThrow('[test/pa] selector label "app" "*" is invalid: a label value must be');
    });

    test('a workload without selector labels fails and names the workload', () => {
      const chart = Testing.chart();
      const d = new Deployment(chart, 'orphan', { containers: [{ image: 'x:1' }], select: false });
      const scope = new Construct(chart, 'pa');
      expect(() => WorkloadSelector.fromWorkload(d)._render(scope, 'selector'))
        .toThrow(/^\[test\/pa\] selector \(workload test\/orphan\) \[\] is invalid: the list must not be empty/);
    });
  });
});
