import { Chart, Testing } from 'cdk8s';
import { CanaryService, MeshService, MeshServiceProps, MeshWorkload, WorkloadDisruptionBudget } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}
const ofKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

describe('workload scaling', () => {
  test('autoscaling: one HorizontalPodAutoscaler per Deployment, CPU and memory targets; the Deployment states no replicas', () => {
    const chart = shop();
    new MeshService(chart, 'cart', {
      port: 7070,
      image: 'cart:1',
      autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 },
    });
    const out = Testing.synth(chart);
    const [hpa] = ofKind(out, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toMatchObject({ name: 'cart-v1', namespace: 'shop' });
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart-v1' } });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(ofKind(out, 'Deployment')[0].spec.replicas).toBeUndefined();
  });

  test('CPU 80 % is the default target; a canary gets an autoscaler per version', () => {
    const chart = shop();
    new CanaryService(chart, 'reviews', { port: 9080, stable: { version: 'v1', image: 'r:1' }, canary: { version: 'v2', image: 'r:2' }, autoscaling: { maxReplicas: 4 } });
    const hpas = ofKind(Testing.synth(chart), 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => [h.metadata.name, h.spec.minReplicas, h.spec.metrics[0].resource.target.averageUtilization])).toEqual([['reviews-v1', 1, 80], ['reviews-v2', 1, 80]]);
  });

  test('disruption budget: one PodDisruptionBudget per Deployment selecting its pods', () => {
    const chart = shop();
    new MeshService(chart, 'cart', { port: 7070, image: 'cart:1', disruptionBudget: WorkloadDisruptionBudget.minAvailable(1) });
    new MeshWorkload(chart, 'worker', { image: 'w:1', disruptionBudget: WorkloadDisruptionBudget.maxUnavailablePercent(25) });
    const pdbs = ofKind(Testing.synth(chart), 'PodDisruptionBudget');
    expect(pdbs.map((p) => [p.apiVersion, p.metadata.name, p.spec])).toEqual([
      ['policy/v1', 'cart-v1', { minAvailable: 1, selector: { matchLabels: { app: 'cart', version: 'v1' } } }],
      ['policy/v1', 'worker', { maxUnavailable: '25%', selector: { matchLabels: { app: 'worker' } } }],
    ]);
    const pct = shop();
    new MeshService(pct, 'a', { port: 80, image: 'a:1', disruptionBudget: WorkloadDisruptionBudget.minAvailablePercent(50) });
    new MeshService(pct, 'b', { port: 80, image: 'b:1', disruptionBudget: WorkloadDisruptionBudget.maxUnavailable(2) });
    expect(ofKind(Testing.synth(pct), 'PodDisruptionBudget').map((p) => p.spec.minAvailable ?? p.spec.maxUnavailable)).toEqual(['50%', 2]);
  });

  describe('bad input', () => {
    const build = (props: Partial<MeshServiceProps>) => () => new MeshService(shop(), 'cart', { port: 7070, image: 'cart:1', ...props });
    test('autoscaling bounds and targets', () => {
      expect(build({ autoscaling: { minReplicas: 5, maxReplicas: 2 } })).toThrow(/\[shop\/cart\] autoscaling\.maxReplicas 2 is invalid: it is below minReplicas \(5\)/);
      expect(build({ autoscaling: {} as any })).toThrow(/autoscaling\.maxReplicas undefined is invalid: autoscaling needs a maximum/);
      expect(build({ autoscaling: { maxReplicas: 3, cpuUtilization: 0 } })).toThrow(/autoscaling\.cpuUtilization 0 is invalid: a utilization target is a whole percentage/);
      expect(build({ autoscaling: { maxReplicas: 3, minReplicas: 0 } })).toThrow(/autoscaling\.minReplicas 0 is invalid/);
    });
    test('replicas together with autoscaling', () => {
      expect(build({ image: undefined, autoscaling: { maxReplicas: 3 }, versions: [{ version: 'v1', image: 'a:1', replicas: 2 }] }))
        .toThrow(/versions\[v1\]\.replicas 2 is invalid: the service is autoscaled/);
      expect(() => new MeshWorkload(shop(), 'w', { image: 'w:1', replicas: 2, autoscaling: { maxReplicas: 3 } })).toThrow(/\[shop\/w\] replicas 2 is invalid: the workload is autoscaled/);
    });
    test('disruption budgets out of range, or not a WorkloadDisruptionBudget', () => {
      expect(() => { const c = shop(); new MeshService(c, 'a', { port: 80, image: 'a:1', disruptionBudget: WorkloadDisruptionBudget.minAvailablePercent(150) }); Testing.synth(c); })
        .toThrow(/disruptionBudget\.minAvailable 150 is invalid: a percentage must be a whole number from 0 to 100/);
      expect(() => { const c = shop(); new MeshService(c, 'a', { port: 80, image: 'a:1', disruptionBudget: WorkloadDisruptionBudget.maxUnavailable(-1) }); Testing.synth(c); })
        .toThrow(/disruptionBudget\.maxUnavailable -1 is invalid/);
      expect(build({ disruptionBudget: { minAvailable: 1 } as any })).toThrow(/disruptionBudget .* is invalid: a disruption budget must be a WorkloadDisruptionBudget/);
    });
  });
});
