// CanaryService with a delivery controller (ProgressiveDelivery): the options of the canary
// release (canaryFor, mirrorPercentage, resilience) land where the controller routes, and the
// weight, promotion and rollback are the controller's.
import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CanaryService, CanaryServiceProps, CircuitBreaker, DataplaneMode, DeliveryMetric, FaultInjection, MtlsNamespace,
  DeploymentNaming, FlaggerCanary, Gateway, MeshAnalysis, MeshService,
  ProgressiveDelivery, Protocol, RequestMatch, RetryPolicy, VirtualService, WorkloadDisruptionBudget,
} from '../../src';

type Obj = { [key: string]: any };
const STABLE = { version: 'v1', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' };
const CANARY = { version: 'v2', image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3' };

function chart(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}
function canary(scope: Construct, props: Partial<CanaryServiceProps>): CanaryService {
  return new CanaryService(scope, 'reviews', { port: 9080, stable: STABLE, canary: CANARY, ...props });
}
const all = (out: Obj[], kind: string) => out.filter((o) => o.kind === kind);
const one = (out: Obj[], kind: string) => {
  const found = all(out, kind);
  expect(found).toHaveLength(1);
  return found[0];
};
const selects = (selector: { [k: string]: string }, labels: { [k: string]: string }) => Object.entries(selector).every(([k, v]) => labels[k] === v);
/** The value at a JSON pointer, or undefined. */
const at = (obj: Obj, pointer: string) => pointer.split('/').slice(1).reduce<any>((o, k) => (o === undefined ? undefined : o[k]), obj);

describe.each([
  ['Flagger', () => ProgressiveDelivery.flagger()],
  ['Argo Rollouts', () => ProgressiveDelivery.argoRollouts()],
])('%s', (controller, delivery) => {
  test('deploys the canary version only, as one workload named after the service', () => {
    const c = chart();
    const reviews = canary(c, { delivery: delivery() });
    const out = Testing.synth(c);
    const workloads = out.filter((o) => ['Deployment', 'Rollout'].includes(o.kind));
    expect(workloads.map((w) => w.metadata.name)).toEqual(['reviews']);
    expect(workloads[0].kind).toBe(controller === 'Flagger' ? 'Deployment' : 'Rollout');
    expect(workloads[0].spec.template.spec.containers[0].image).toBe(CANARY.image);
    expect(workloads[0].spec.template.metadata.labels.version).toBe('v2');
    expect(reviews.delivery?.controller).toBe(controller);
    expect(reviews.service.versions).toEqual(['v2']);
  });

  test('the weight, promotion and rollback belong to the controller', () => {
    expect(() => canary(chart(), { delivery: delivery(), canaryWeight: 10 }))
      .toThrow(new RegExp(`canaryWeight "?10"? is invalid: ${controller} sets the weight step by step.*Fix: leave canaryWeight out`));
    const reviews = canary(chart(), { delivery: delivery() });
    for (const call of [() => reviews.promote(), () => reviews.rollback(), () => reviews.updateCanaryWeight(50)]) {
      expect(call).toThrow(new RegExp(`${controller} promotes and rolls back the canary from its metric gates.*Fix: let the controller decide`));
    }
  });

  test('is refused in an ambient namespace, with the fix', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo', { dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'waypoint' });
    expect(() => canary(ns, { delivery: delivery() })).toThrow(/the namespace is in ambient mode.*Fix: run the service with sidecars/);
  });

  test('fault injection is refused (the controller writes the routes)', () => {
    expect(() => canary(chart(), { delivery: delivery(), faultInjection: FaultInjection.abort(503, { percentage: 10 }) })).toThrow(/faultInjection .* is invalid/);
  });
});

describe('Flagger', () => {
  test('no Service, VirtualService or DestinationRule of reviews: Flagger generates them; the routing goes into the Canary', () => {
    const c = chart();
    const reviews = canary(c, {
      delivery: ProgressiveDelivery.flagger(),
      retries: RetryPolicy.standard({ attempts: 2 }),
      timeout: Duration.seconds(10),
      circuitBreaker: CircuitBreaker.of({
        connectionPool: { http: { http1MaxPendingRequests: 100 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10) },
      }),
    });
    const out = Testing.synth(c);
    expect(all(out, 'Service')).toEqual([]);
    expect(all(out, 'VirtualService')).toEqual([]);
    expect(all(out, 'DestinationRule')).toEqual([]);
    expect(reviews.destinationRule).toBeUndefined();
    const service = one(out, 'Canary').spec.service;
    expect(service.retries).toEqual({ attempts: 2, perTryTimeout: '2s', retryOn: 'connect-failure,refused-stream,reset-before-request,unavailable' });
    expect(service.timeout).toBe('10s');
    expect(service.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
    // Written with Istio's JSON names (consecutive5xxErrors), which Flagger's copy shares.
    expect(service.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '10s' });
    expect(service.trafficPolicy.connectionPool).toEqual({ http: { http1MaxPendingRequests: 100 } });
  });

  test('an Istio field Flagger\'s copy of the API lacks is refused, naming it', () => {
    // CircuitBreaker.standard() limits TCP connections: Flagger v1.44.0 has no connectionPool.tcp.
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.flagger(), circuitBreaker: CircuitBreaker.standard() }))
      .toThrow(/\[bookinfo\/reviews\/Flagger\] trafficPolicy\.connectionPool\.tcp \{"maxConnections":1024\} is invalid: Flagger v1\.44\.0's Canary carries an older copy of Istio's API.*Fix: leave the option out with Flagger/);
  });

  test('canaryFor makes it an A/B test, which needs iterations', () => {
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.flagger(), canaryFor: [RequestMatch.user('jason')] }))
      .toThrow(/iterations undefined is invalid: an A\/B analysis \(match\) sends only matching requests.*Fix: give e.g. iterations: 10/);
    const c = chart();
    canary(c, { delivery: ProgressiveDelivery.flagger({ iterations: 10 }), canaryFor: [RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes')] });
    const analysis = one(Testing.synth(c), 'Canary').spec.analysis;
    expect(analysis.iterations).toBe(10);
    expect(analysis.match[0]).toEqual({ headers: { 'end-user': { exact: 'jason' } } });
    expect(analysis.match).toHaveLength(2);
    expect(analysis.stepWeight).toBeUndefined();
  });

  test('mirrorPercentage is blue/green mirroring (iterations), never with a weight split', () => {
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.flagger({ stepWeight: 5 }), mirrorPercentage: 50 }))
      .toThrow(/mirrorPercentage "?50"? is invalid: Flagger mirrors traffic only in blue\/green mode/);
    const c = chart();
    canary(c, { delivery: ProgressiveDelivery.flagger({ iterations: 5 }), mirrorPercentage: 50 });
    const analysis = one(Testing.synth(c), 'Canary').spec.analysis;
    expect([analysis.mirror, analysis.mirrorWeight, analysis.iterations]).toEqual([true, 50, 5]);
  });

  test('gates render MetricTemplates on the canary Service Flagger generates', () => {
    const c = chart();
    canary(c, { delivery: ProgressiveDelivery.flagger({ metrics: [DeliveryMetric.errorRate({ maxErrorRate: 0.02 })] }) });
    const out = Testing.synth(c);
    const template = one(out, 'MetricTemplate');
    expect(template.spec.query).toContain('destination_service_name="reviews-canary"');
    const metric = one(out, 'Canary').spec.analysis.metrics[0];
    expect(metric.templateRef).toEqual({ name: template.metadata.name, namespace: 'bookinfo' });
    expect(metric.thresholdRange).toEqual({ max: 0.02 });
  });

  test('synth-time analysis knows what Flagger generates: a route to the primary resolves, a route to a missing host does not', () => {
    const c = chart();
    const reviews = canary(c, { delivery: ProgressiveDelivery.flagger() });
    const route = (host: string) => new VirtualService(c, `to-${host.split('.')[0]}`, {
      metadata: { name: `pin-${host.split('.')[0]}`, namespace: 'bookinfo' },
      hosts: ['pinned.example.com'],
      gateways: [],
      http: [{ route: [{ host, port: 9080 }] }],
    });
    route(reviews.flaggerCanary!.primaryHost);
    expect(MeshAnalysis.analyze(c).map((d) => d.diagnostic.code)).toEqual([]);
    route('reviews-secondary.bookinfo.svc.cluster.local');
    expect(MeshAnalysis.analyze(c).map((d) => d.diagnostic.code)).toContain('IST0101');
  });

  test('the PodDisruptionBudget covers the primary pods too (canonical-name, not app)', () => {
    const c = chart();
    canary(c, { delivery: ProgressiveDelivery.flagger(), disruptionBudget: WorkloadDisruptionBudget.minAvailable(1) });
    const out = Testing.synth(c);
    const labels = one(out, 'Deployment').spec.template.metadata.labels;
    const selector = one(out, 'PodDisruptionBudget').spec.selector.matchLabels;
    expect(selects(selector, labels)).toBe(true);
    expect(selects(selector, { ...labels, app: 'reviews-primary' })).toBe(true);
  });

  test('a further Service of the target is refused: it would reach only the canary pods', () => {
    const c = chart();
    const reviews = canary(c, { delivery: ProgressiveDelivery.argoRollouts() });
    expect(reviews.service.addService('reviews-external')).toBeDefined(); // fine with Argo: every ReplicaSet keeps app=reviews
    const c2 = chart();
    const target = new MeshService(c2, 'podinfo', { port: 9898, image: 'podinfo:6', deploymentNaming: DeploymentNaming.PLAIN });
    target.addService('podinfo-external');
    expect(() => new FlaggerCanary(c2, 'canary', { target }))
      .toThrow(/target bookinfo\/podinfo Service \["podinfo-external"\] is invalid: Flagger renames the `app` label of its primary pods.*Fix: remove the extra Service/);
  });

  test('ignoreDifferences points at fields the app emits', () => {
    const c = chart();
    const reviews = canary(c, { delivery: ProgressiveDelivery.flagger() });
    const out = Testing.synth(c);
    for (const d of reviews.flaggerCanary!.ignoreDifferences) {
      const obj = out.find((o) => o.kind === d.kind && o.metadata.name === d.name && o.metadata.namespace === d.namespace)!;
      expect(obj).toBeDefined();
      for (const p of d.jsonPointers ?? []) expect(at(obj, p)).toBeDefined();
    }
  });
});

describe('Argo Rollouts', () => {
  test('canaryFor becomes a header route and mirrorPercentage a mirror route, before the steps', () => {
    const c = chart();
    const reviews = canary(c, {
      delivery: ProgressiveDelivery.argoRollouts({ metrics: [DeliveryMetric.errorRate()] }),
      canaryFor: [RequestMatch.user('jason')],
      mirrorPercentage: 20,
    });
    const rollout = one(Testing.synth(c), 'Rollout');
    const canarySpec = rollout.spec.strategy.canary;
    expect(canarySpec.steps[0]).toEqual({ setHeaderRoute: { name: 'canary-for', match: [{ headerName: 'end-user', headerValue: { exact: 'jason' } }] } });
    expect(canarySpec.steps[1]).toEqual({ setMirrorRoute: { name: 'mirror', percentage: 20 } });
    expect(canarySpec.trafficRouting.managedRoutes).toEqual([{ name: 'canary-for' }, { name: 'mirror' }]);
    // The default steps follow, with an analysis after each pause (the rollout has gates).
    expect(canarySpec.steps.slice(2).map((s: Obj) => Object.keys(s)[0])).toEqual(['setWeight', 'pause', 'analysis', 'setWeight', 'pause', 'analysis']);
    expect(reviews.argoRollout!.managedRoutes).toEqual(['canary-for', 'mirror']);
  });

  test('a fractional mirror percentage is refused (Argo mirrors whole percentages)', () => {
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.argoRollouts(), mirrorPercentage: 2.5 }))
      .toThrow(/mirrorPercentage "?2.5"? is invalid: Argo Rollouts mirrors a whole percentage.*Fix: round it, e.g. 3/);
  });

  test('resilience options go to the VirtualService and DestinationRule Argo edits', () => {
    const c = chart();
    const reviews = canary(c, { delivery: ProgressiveDelivery.argoRollouts(), timeout: Duration.seconds(3), requireMutualTls: false });
    const out = Testing.synth(c);
    const vs = one(out, 'VirtualService');
    expect(vs.spec.http).toHaveLength(1);
    expect(vs.spec.http[0].timeout).toBe('3s');
    expect(one(out, 'DestinationRule').spec.trafficPolicy).toBeUndefined();
    expect(reviews.destinationRule).toBe(reviews.argoRollout!.destinationRule);
    expect(reviews.virtualService).toBe(reviews.argoRollout!.virtualService);
  });

  test('gateways and hosts: the ingress traffic is split by the same route (mesh kept)', () => {
    const c = chart();
    MeshAnalysis.suppress(c, 'IST0101'); // the gateway is defined elsewhere
    canary(c, { delivery: ProgressiveDelivery.argoRollouts({ gateways: [Gateway.fromGatewayName('bookinfo-gateway')], hosts: ['bookinfo.example.com'] }) });
    const vs = one(Testing.synth(c), 'VirtualService');
    expect(vs.spec.hosts).toEqual(['reviews.bookinfo.svc.cluster.local', 'bookinfo.example.com']);
    expect(vs.spec.gateways).toEqual(['bookinfo-gateway', 'mesh']);
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.argoRollouts({ hosts: ['not a host'] }) })).toThrow(/hosts "not a host" is invalid/);
  });

  test('a TCP service is refused: Argo re-weights an http route', () => {
    expect(() => canary(chart(), { delivery: ProgressiveDelivery.argoRollouts(), protocol: Protocol.TCP }))
      .toThrow(/target protocol "?TCP"? is invalid.*Fix: give the service an HTTP, HTTP2 or GRPC port/);
  });

  test('ignoreDifferences and annotateForFlux point at the objects Argo edits', () => {
    const c = chart();
    const reviews = canary(c, { delivery: ProgressiveDelivery.argoRollouts() });
    reviews.argoRollout!.annotateForFlux();
    const out = Testing.synth(c);
    for (const d of reviews.argoRollout!.ignoreDifferences) {
      const obj = out.find((o) => o.kind === d.kind && o.metadata.name === d.name
        && o.metadata.namespace === d.namespace && o.apiVersion.startsWith(d.group))!;
      expect(obj).toBeDefined();
      for (const p of d.jsonPointers ?? []) expect(at(obj, p)).toBeDefined();
      expect(obj.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
    }
  });
});
