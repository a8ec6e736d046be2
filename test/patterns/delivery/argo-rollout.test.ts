// ArgoRollout: a Rollout in place of the target's Deployment, the VirtualService and
// DestinationRule Argo Rollouts edits, and the AnalysisTemplate of the gates.
import { Chart, Duration, Testing } from 'cdk8s';
import { one, zeroWithoutErrors } from './support';
import {
  ArgoRollout,
  ArgoRolloutProps,
  DeliveryMetric,
  DeploymentNaming,
  MeshService,
  MeshServiceProps,
  MonitoredService,
  RequestMatch,
  RetryPolicy,
  RolloutStep,
  ServiceAlerts,
  StringMatch,
} from '../../../src';

type Obj = { [key: string]: any };

const NS = 'bookinfo';
const IMAGE = 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3';

function newChart(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: NS });
}

function reviews(scope: Chart, props: Partial<MeshServiceProps> = {}): MeshService {
  return new MeshService(scope, 'reviews', { port: 9080, image: IMAGE, deploymentNaming: DeploymentNaming.PLAIN, ...props });
}

function argo(props: Partial<ArgoRolloutProps> = {}, target: Partial<MeshServiceProps> = {}) {
  const chart = newChart();
  const svc = reviews(chart, target);
  const ro = new ArgoRollout(chart, 'reviews-rollout', { target: svc, ...props });
  const out = Testing.synth(chart);
  return { chart, svc, ro, out, rollout: one(out, 'Rollout') };
}


const selects = (selector: { [k: string]: string }, labels: { [k: string]: string } = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Evaluates an Argo Rollouts successCondition (a JS-compatible expression on `result`). */
function holds(condition: string, value: number): boolean {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('result', `return (${condition});`)([value]) as boolean;
}

test('a rollout with a header route, steps and gates (snapshot)', () => {
  const { out } = argo({
    steps: [
      RolloutStep.headerRoute('testers', [RequestMatch.user('jason')]),
      RolloutStep.weight(20), RolloutStep.pause(Duration.minutes(5)), RolloutStep.analysis(), RolloutStep.weight(60), RolloutStep.pause(),
    ],
    metrics: [DeliveryMetric.errorRate({ maxErrorRate: 0.01 }), DeliveryMetric.latency({ max: Duration.millis(500) })],
    timeout: Duration.seconds(10),
  }, { autoscaling: { maxReplicas: 4 } });
  const rollout = one(out, 'Rollout');
  // the pod template is the MeshService's Deployment's (tested above), kept out of the snapshot
  const { template, ...spec } = rollout.spec;
  expect(template.spec.containers[0].image).toBe(IMAGE);
  const routing = out.filter((o) => ['VirtualService', 'DestinationRule', 'AnalysisTemplate', 'HorizontalPodAutoscaler'].includes(o.kind));
  expect([{ ...rollout, spec }, ...routing]).toMatchSnapshot();
});

describe('ArgoRollout: the Rollout replaces the Deployment', () => {
  test('same selector, template and replicas as the Deployment the service renders without a controller', () => {
    const props: Partial<MeshServiceProps> = { versions: [{ version: 'v2', image: IMAGE, replicas: 3 }], image: undefined, env: { LOG_DIR: '/tmp/logs' } };
    const plain = newChart();
    reviews(plain, props);
    const deployment = one(Testing.synth(plain), 'Deployment');

    const { rollout, out } = argo({}, props);
    expect(rollout.metadata).toEqual({ name: deployment.metadata.name, namespace: NS, labels: { app: 'reviews' } });
    expect(rollout.spec.selector).toEqual(deployment.spec.selector);
    expect(rollout.spec.template).toEqual(deployment.spec.template);
    expect(rollout.spec.replicas).toBe(3);
    expect(rollout.spec.replicas).toBe(deployment.spec.replicas);
    expect(rollout.spec.progressDeadlineSeconds).toBe(deployment.spec.progressDeadlineSeconds);
    // A Deployment's rolling-update strategy has no meaning for a Rollout.
    expect(rollout.spec.strategy.rollingUpdate).toBeUndefined();
    expect(Object.keys(rollout.spec.strategy)).toEqual(['canary']);
    expect(out.filter((o) => o.kind === 'Deployment')).toEqual([]);
  });

  test('no Deployment of the target is emitted; other services keep theirs, and the Service stays', () => {
    const chart = newChart();
    const svc = reviews(chart);
    const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3' });
    new ArgoRollout(chart, 'reviews-rollout', { target: svc });
    const out = Testing.synth(chart);
    const deployments = out.filter((o) => o.kind === 'Deployment');
    expect(deployments.filter((d) => d.metadata.name === svc.serviceName)).toEqual([]);
    expect(deployments.map((d) => d.metadata.labels.app)).toEqual([productpage.serviceName]);
    const service = one(out, 'Service', svc.serviceName);
    expect(selects(service.spec.selector, one(out, 'Rollout').spec.template.metadata.labels)).toBe(true);
  });

  test('the HorizontalPodAutoscaler scales the Rollout', () => {
    const { rollout, out } = argo({}, { autoscaling: { minReplicas: 2, maxReplicas: 6 } });
    const hpa = one(out, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: rollout.apiVersion, kind: rollout.kind, name: rollout.metadata.name });
    // The autoscaler owns the replicas.
    expect(rollout.spec.replicas).toBeUndefined();
  });

  test('allowFrom: the policy selects the Rollout\'s pods', () => {
    const chart = newChart();
    const svc = reviews(chart);
    svc.allowFrom(new MeshService(chart, 'productpage', { port: 9080, image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3' }));
    new ArgoRollout(chart, 'reviews-rollout', { target: svc });
    const out = Testing.synth(chart);
    const policy = one(out, 'AuthorizationPolicy', svc.serviceName);
    expect(selects(policy.spec.selector.matchLabels, one(out, 'Rollout').spec.template.metadata.labels)).toBe(true);
  });
});

describe('ArgoRollout: the routing objects Argo Rollouts edits', () => {
  test('trafficRouting names the emitted VirtualService, its route and the DestinationRule and subsets; route primary stable 100 / canary 0', () => {
    const { rollout, out } = argo();
    const istio = rollout.spec.strategy.canary.trafficRouting.istio;
    const vs = one(out, 'VirtualService', istio.virtualService.name);
    const dr = one(out, 'DestinationRule', istio.destinationRule.name);
    const { stableSubsetName, canarySubsetName } = istio.destinationRule;
    expect(istio.virtualService.routes).toEqual(['primary']);
    const route = vs.spec.http.find((h: Obj) => h.name === istio.virtualService.routes[0]);
    expect(vs.spec.http).toHaveLength(1);
    expect(route.route.map((r: Obj) => [r.destination.subset, r.weight])).toEqual([[stableSubsetName, 100], [canarySubsetName, 0]]);
    expect(dr.spec.subsets.map((s: Obj) => s.name)).toEqual([stableSubsetName, canarySubsetName]);
    // One host throughout: the Service's.
    const service = one(out, 'Service', 'reviews');
    const host = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    expect(vs.spec.hosts).toEqual([host]);
    expect(dr.spec.host).toBe(host);
    for (const r of route.route) expect(r.destination.host).toBe(host);
    // Both subsets select the Rollout's pods (Argo adds the pod-template hash at run time).
    const labels = rollout.spec.template.metadata.labels;
    for (const s of dr.spec.subsets) expect(selects(s.labels, labels)).toBe(true);
  });

  test('DestinationRule: ISTIO_MUTUAL by default, no traffic policy with requireMutualTls: false', () => {
    expect(one(argo().out, 'DestinationRule').spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    expect(one(argo({ requireMutualTls: false }).out, 'DestinationRule').spec.trafficPolicy).toBeUndefined();
  });

  test('retries and timeout go on the primary route', () => {
    const { out } = argo({ retries: RetryPolicy.standard({ attempts: 2 }), timeout: Duration.seconds(10) });
    const route = one(out, 'VirtualService').spec.http[0];
    expect(route.timeout).toBe('10s');
    expect(route.retries.attempts).toBe(2);
    expect(one(argo().out, 'VirtualService').spec.http[0].retries).toBeUndefined();
  });

  test('ignoreDifferences and annotateForFlux point at the emitted VirtualService and DestinationRule', () => {
    const chart = newChart();
    const ro = new ArgoRollout(chart, 'r', { target: reviews(chart) }).annotateForFlux();
    const out = Testing.synth(chart);
    const vs = one(out, 'VirtualService');
    const dr = one(out, 'DestinationRule');
    expect(ro.ignoreDifferences.map((d) => `${d.kind}/${d.namespace}/${d.name}`)).toEqual([
      `VirtualService/${vs.metadata.namespace}/${vs.metadata.name}`, `DestinationRule/${dr.metadata.namespace}/${dr.metadata.name}`,
    ]);
    for (const o of [vs, dr]) expect(o.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
    expect(one(out, 'Rollout').metadata.annotations).toBeUndefined();
  });
});

describe('ArgoRollout: steps', () => {
  test('default steps: 10 %, 5 minutes, 50 %, 5 minutes; with an analysis after each pause when there are gates', () => {
    const plain = argo().rollout.spec.strategy.canary;
    expect(plain.steps).toEqual([{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '5m' } }]);
    const gated = argo({ metrics: [DeliveryMetric.errorRate()] });
    const template = gated.ro.analysisTemplate!.name;
    expect(gated.rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 10 }, { pause: { duration: '5m' } }, { analysis: { templates: [{ templateName: template }] } },
      { setWeight: 50 }, { pause: { duration: '5m' } }, { analysis: { templates: [{ templateName: template }] } },
    ]);
    // Analysis steps, so no background analysis.
    expect(gated.rollout.spec.strategy.canary.analysis).toBeUndefined();
  });

  test('weights, pauses (timed and manual), canary scale', () => {
    const { rollout } = argo({
      steps: [
        RolloutStep.canaryScale(50), RolloutStep.weight(20), RolloutStep.pause(Duration.seconds(90)), RolloutStep.weight(60), RolloutStep.pause(),
        RolloutStep.weight(30, { allowDecrease: true }),
      ],
    });
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setCanaryScale: { weight: 50 } }, { setWeight: 20 }, { pause: { duration: '90s' } }, { setWeight: 60 }, { pause: {} }, { setWeight: 30 },
    ]);
  });

  test('managedRoutes: the header and mirror routes of the steps, once each, in order of first use', () => {
    const { rollout, ro } = argo({
      steps: [
        RolloutStep.headerRoute('canary-users', [RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes')]),
        RolloutStep.mirrorRoute({ name: 'mirror-posts', percentage: 50, match: [RequestMatch.of({ method: StringMatch.exact('POST'), uri: StringMatch.prefix('/reviews') })] }),
        RolloutStep.weight(20),
        RolloutStep.pause(),
        RolloutStep.headerRoute('canary-users'),
        RolloutStep.mirrorRoute({ name: 'mirror-all', percentage: 10 }),
      ],
    });
    const canary = rollout.spec.strategy.canary;
    const used = canary.steps.flatMap((s: Obj) => [s.setHeaderRoute?.name, s.setMirrorRoute?.name].filter((n) => n !== undefined));
    const expected = [...new Set(used)];
    expect(expected).toEqual(['canary-users', 'mirror-posts', 'mirror-all']);
    expect(canary.trafficRouting.managedRoutes).toEqual(expected.map((name) => ({ name })));
    expect(ro.managedRoutes).toEqual(expected);
    // The header route: one match per header condition.
    const header = canary.steps[0].setHeaderRoute;
    expect(header.match[0]).toEqual({ headerName: 'end-user', headerValue: { exact: 'jason' } });
    expect(header.match[1].headerName).toBe('cookie');
    expect(new RegExp(header.match[1].headerValue.regex).test('a=b; beta=yes')).toBe(true);
    expect(new RegExp(header.match[1].headerValue.regex).test('a=b; notbeta=yes')).toBe(false);
    // Removing a route: the name only.
    expect(canary.steps[4]).toEqual({ setHeaderRoute: { name: 'canary-users' } });
    expect(canary.steps[1].setMirrorRoute).toEqual({ name: 'mirror-posts', percentage: 50, match: [{ method: { exact: 'POST' }, path: { prefix: '/reviews' } }] });
    expect(canary.steps[5].setMirrorRoute).toEqual({ name: 'mirror-all', percentage: 10 });
  });

  test('no managedRoutes without header or mirror steps', () => {
    expect(argo({ steps: [RolloutStep.weight(20), RolloutStep.pause()] }).rollout.spec.strategy.canary.trafficRouting.managedRoutes).toBeUndefined();
  });
});

describe('ArgoRollout: analysis', () => {
  test('background analysis from step 0 when there are gates and no analysis step; from analysisStartingStep when given', () => {
    const steps = [RolloutStep.weight(20), RolloutStep.pause(Duration.minutes(1)), RolloutStep.weight(50), RolloutStep.pause()];
    const bg = argo({ steps, metrics: [DeliveryMetric.errorRate()] });
    const at = one(bg.out, 'AnalysisTemplate');
    expect(bg.rollout.spec.strategy.canary.analysis).toEqual({ templates: [{ templateName: at.metadata.name }], startingStep: 0 });
    expect(bg.rollout.spec.strategy.canary.steps.some((s: Obj) => s.analysis !== undefined)).toBe(false);

    const later = argo({ steps, metrics: [DeliveryMetric.errorRate()], analysisStartingStep: 2 });
    expect(later.rollout.spec.strategy.canary.analysis.startingStep).toBe(2);
  });

  test('analysis steps run the AnalysisTemplate, without background analysis', () => {
    const { rollout, out } = argo({
      steps: [RolloutStep.weight(20), RolloutStep.pause(Duration.minutes(1)), RolloutStep.analysis(), RolloutStep.weight(50)],
      metrics: [DeliveryMetric.errorRate()],
    });
    const at = one(out, 'AnalysisTemplate');
    expect(rollout.spec.strategy.canary.analysis).toBeUndefined();
    expect(rollout.spec.strategy.canary.steps[2]).toEqual({ analysis: { templates: [{ templateName: at.metadata.name }] } });
  });

  test('no AnalysisTemplate and no analysis without gates', () => {
    const { ro, out, rollout } = argo();
    expect(ro.analysisTemplate).toBeUndefined();
    expect(out.filter((o) => o.kind === 'AnalysisTemplate')).toEqual([]);
    expect(rollout.spec.strategy.canary.analysis).toBeUndefined();
  });

  test('successCondition: passes exactly within min..max', () => {
    const { out } = argo({
      metrics: [
        DeliveryMetric.errorRate({ maxErrorRate: 0.02 }),
        DeliveryMetric.prometheus({ name: 'throughput', query: 'sum(rate(istio_requests_total[1m]))', min: 5 }),
        DeliveryMetric.prometheus({ name: 'queue', query: 'max(queue_depth)', min: 1, max: 10 }),
        DeliveryMetric.latency({ max: Duration.millis(300) }),
      ],
      failureLimit: 3,
    });
    const metrics: Obj[] = one(out, 'AnalysisTemplate').spec.metrics;
    expect(metrics.map((m) => m.name)).toEqual(['error-rate', 'throughput', 'queue', 'latency-p99']);
    const byName = new Map(metrics.map((m) => [m.name, m.successCondition as string]));
    const cases: [string, number, boolean][] = [
      ['error-rate', 0, true], ['error-rate', 0.02, true], ['error-rate', 0.021, false],
      ['throughput', 5, true], ['throughput', 1000, true], ['throughput', 4.9, false],
      ['queue', 1, true], ['queue', 10, true], ['queue', 0.5, false], ['queue', 10.5, false],
      ['latency-p99', 300, true], ['latency-p99', 301, false],
    ];
    for (const [name, value, ok] of cases) expect([name, value, holds(byName.get(name)!, value)]).toEqual([name, value, ok]);
    for (const m of metrics) {
      expect(m.failureLimit).toBe(3);
      expect(m.interval).toBe('1m');
      expect(m.provider.prometheus.address).toBe('http://prometheus.istio-system:9090');
    }
    expect(metrics[2].provider.prometheus.query).toBe('max(queue_depth)');
  });

  test('the error-rate and latency gates hold ServiceAlerts\' queries for the same service', () => {
    const chart = newChart();
    const svc = reviews(chart);
    new ArgoRollout(chart, 'r', {
      target: svc,
      metrics: [
        DeliveryMetric.errorRate({ maxErrorRate: 0.05, interval: Duration.minutes(2) }),
        DeliveryMetric.latency({ max: Duration.millis(250), interval: Duration.minutes(2) }),
      ],
      prometheusAddress: 'http://prometheus.monitoring:9090',
    });
    new ServiceAlerts(chart, 'alerts', {
      services: [MonitoredService.fromMeshService(svc)],
      errorRate: { threshold: 0.05, window: Duration.minutes(2) },
      latency: { threshold: Duration.millis(250), window: Duration.minutes(2) },
    });
    const out = Testing.synth(chart);
    const rules: Obj[] = one(out, 'PrometheusRule').spec.groups.flatMap((g: Obj) => g.rules);
    const metrics: Obj[] = one(out, 'AnalysisTemplate').spec.metrics;
    const pairs: [Obj, Obj][] = [
      [metrics.find((m) => m.name === 'error-rate')!, rules.find((r) => r.expr.includes('response_code'))!],
      [metrics.find((m) => m.name === 'latency-p99')!, rules.find((r) => r.expr.includes('histogram_quantile'))!],
    ];
    for (const [metric, rule] of pairs) {
      expect(metric.provider.prometheus.address).toBe('http://prometheus.monitoring:9090');
      // The alert fires when the query exceeds the bound the gate accepts.
      const bound = metric.successCondition.match(/^result\[0\] <= (.+)$/)[1];
      const alert = rule.expr.slice(0, -` > ${bound}`.length);
      expect(rule.expr).toBe(`${alert} > ${bound}`);
      expect(metric.provider.prometheus.query).toBe(metric.name === 'error-rate' ? zeroWithoutErrors(alert) : alert);
      expect(metric.provider.prometheus.query).toContain(`destination_service_name="${svc.serviceName}"`);
    }
  });
});
