// Bookinfo with reviews rolled out by a delivery controller (BOOKINFO_DELIVERY=flagger|argo):
// every scenario that has a canary, synthesized (the jest setup validates every object
// against the vendored CRDs, Flagger's and Argo Rollouts' included) and analyzed.
import { Testing } from 'cdk8s';
import { BookinfoChart, DELIVERY_CONTROLLERS, SCENARIOS, bookinfoOptions } from '../../examples/bookinfo/bookinfo';
import { MeshAnalysis } from '../../src';

type Obj = { [key: string]: any };
const NS = 'bookinfo';

const SCENARIOS_WITH_CANARY = Object.keys(SCENARIOS).filter((s) => SCENARIOS[s].promoted !== true);
const COMBINATIONS: [string, string][] = DELIVERY_CONTROLLERS.flatMap((d) => SCENARIOS_WITH_CANARY.map((s): [string, string] => [d, s]));

function synth(delivery: string, scenario: string): { chart: BookinfoChart; objects: Obj[] } {
  const chart = new BookinfoChart(Testing.app(), NS, { scenario, delivery });
  return { chart, objects: Testing.synth(chart) };
}

const find = (objects: Obj[], kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
const selects = (selector: { [k: string]: string }, labels: { [k: string]: string } = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(COMBINATIONS)('BOOKINFO_DELIVERY=%s, scenario %s', (delivery, scenario) => {
  const { chart, objects } = synth(delivery, scenario);
  const s = SCENARIOS[scenario];

  test('synthesizes with no analyzer diagnostics at all', () => {
    expect(MeshAnalysis.analyze(chart).map((d) => `${d.diagnostic.level} ${d.diagnostic.code} ${d.diagnostic.message}`)).toEqual([]);
  });

  test('reviews runs the canary version only; the controller keeps the running one', () => {
    const workloads = objects.filter((o) => ['Deployment', 'Rollout'].includes(o.kind) && o.metadata.name.startsWith('reviews'));
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`)).toEqual([delivery === 'flagger' ? 'Deployment/reviews' : 'Rollout/reviews']);
    expect(workloads[0].spec.template.spec.containers[0].image).toBe(`docker.io/istio/examples-bookinfo-reviews-${s.canary}:1.20.3`);
  });

  test('reviews\' allow policy selects every copy of its pods, and productpage may call it', () => {
    const policy = find(objects, 'AuthorizationPolicy', 'reviews')[0];
    const labels = find(objects, delivery === 'flagger' ? 'Deployment' : 'Rollout', 'reviews')[0].spec.template.metadata.labels;
    expect(selects(policy.spec.selector.matchLabels, labels)).toBe(true);
    if (delivery === 'flagger') {
      // Flagger's primary copy: the same labels, but its `app` renamed to reviews-primary.
      expect(selects(policy.spec.selector.matchLabels, { ...labels, app: 'reviews-primary' })).toBe(true);
    }
    const principals = policy.spec.rules.flatMap((r: Obj) => r.from.flatMap((f: Obj) => f.source.principals ?? []));
    expect(principals).toContain('cluster.local/ns/bookinfo/sa/bookinfo-productpage');
  });

  if (delivery === 'flagger') {
    test('a Flagger Canary, and none of the objects Flagger generates', () => {
      const canary = find(objects, 'Canary', 'reviews')[0];
      expect(canary.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' });
      expect(canary.spec.analysis.match !== undefined).toBe(s.jasonSeesCanary === true);
      expect(canary.spec.analysis.iterations !== undefined).toBe(s.jasonSeesCanary === true);
      for (const [kind, name] of [['Service', 'reviews'], ['Service', 'reviews-primary'], ['Service', 'reviews-canary'], ['VirtualService', 'reviews'], ['DestinationRule', 'reviews']]) {
        expect(find(objects, kind, name)).toEqual([]);
      }
      const templates = objects.filter((o) => o.kind === 'MetricTemplate').map((o) => o.metadata.name);
      expect(canary.spec.analysis.metrics.map((m: Obj) => m.templateRef.name).sort()).toEqual(templates.sort());
    });
  } else {
    test('an Argo Rollout routing through the VirtualService and DestinationRule it names', () => {
      const rollout = find(objects, 'Rollout', 'reviews')[0];
      const istio = rollout.spec.strategy.canary.trafficRouting.istio;
      const vs = find(objects, 'VirtualService', istio.virtualService.name)[0];
      const dr = find(objects, 'DestinationRule', istio.destinationRule.name)[0];
      const route = vs.spec.http.find((h: Obj) => h.name === istio.virtualService.routes[0]);
      const { stableSubsetName, canarySubsetName } = istio.destinationRule;
      expect(route.route.map((r: Obj) => [r.destination.subset, r.weight])).toEqual([[stableSubsetName, 100], [canarySubsetName, 0]]);
      expect(dr.spec.subsets.map((x: Obj) => x.name).sort()).toEqual([canarySubsetName, stableSubsetName].sort());
      const headerRoutes = rollout.spec.strategy.canary.steps.filter((st: Obj) => st.setHeaderRoute !== undefined);
      expect(headerRoutes.length > 0).toBe(s.jasonSeesCanary === true);
      expect(find(objects, 'Deployment', 'reviews')).toEqual([]);
    });
  }
});

describe('BOOKINFO_DELIVERY', () => {
  test('comes from the environment or the context', () => {
    expect(bookinfoOptions(undefined, { BOOKINFO_DELIVERY: 'argo' }).delivery).toBe('argo');
    const app = Testing.app();
    app.node.setContext('bookinfo/delivery', 'flagger');
    expect(bookinfoOptions(app, { BOOKINFO_DELIVERY: 'argo' }).delivery).toBe('flagger');
  });

  test('an unknown controller fails with the list of valid values', () => {
    expect(() => new BookinfoChart(Testing.app(), NS, { delivery: 'spinnaker' })).toThrow(/BOOKINFO_DELIVERY "spinnaker" is invalid.*Valid values: flagger, argo/);
  });

  test('ambient mode and a promoted scenario are refused with the fix', () => {
    expect(() => new BookinfoChart(Testing.app(), NS, { delivery: 'flagger', ingress: 'gateway-api' })).toThrow(/sidecar VirtualServices\. Fix: use BOOKINFO_INGRESS=istio/);
    expect(() => new BookinfoChart(Testing.app(), NS, { delivery: 'argo', scenario: 'v3' })).toThrow(/promotes the canary itself\. Fix: pick a scenario with a canary/);
  });
});
