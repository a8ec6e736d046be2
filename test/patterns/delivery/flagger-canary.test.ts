// FlaggerCanary: what the Canary (and its MetricTemplates and AlertProviders) renders, and
// which objects of the target it leaves to Flagger.
import { Chart, Duration, Testing } from 'cdk8s';
import { one, zeroWithoutErrors } from './support';
import {
  CircuitBreaker,
  DeliveryMetric,
  DestinationRule,
  DeploymentNaming,
  FlaggerAlertProviderType,
  FlaggerAlertSeverity,
  FlaggerCanary,
  FlaggerCanaryProps,
  FlaggerWebhook,
  FlaggerWebhookType,
  Gateway,
  LoadBalancer,
  MeshAnalysis,
  MeshService,
  MeshServiceProps,
  MonitoredService,
  Protocol,
  RequestMatch,
  RetryPolicy,
  Server,
  ServiceAlerts,
  SimpleLoadBalancer,
  StringMatch,
  VirtualService,
} from '../../../src';
import { destinationTrafficPolicy } from '../../../src/patterns/resilience';

type Obj = { [key: string]: any };

const NS = 'test';
const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const CANONICAL = 'service.istio.io/canonical-name';

function newChart(): Chart {
  return new Chart(Testing.app(), 'podinfo-app', { namespace: NS });
}

function podinfo(scope: Chart, props: Partial<MeshServiceProps> = {}): MeshService {
  return new MeshService(scope, 'podinfo', { port: 80, containerPort: 9898, image: IMAGE, deploymentNaming: DeploymentNaming.PLAIN, ...props });
}

/** A chart with podinfo rolled out by Flagger. */
function flagger(props: Partial<FlaggerCanaryProps> = {}, target: Partial<MeshServiceProps> = {}) {
  const chart = newChart();
  const svc = podinfo(chart, target);
  const fc = new FlaggerCanary(chart, 'podinfo-canary', { target: svc, ...props });
  const out = Testing.synth(chart);
  return { chart, svc, fc, out, canary: one(out, 'Canary') };
}


const named = (out: Obj[], kind: string, name: string) => out.filter((o) => o.kind === kind && o.metadata.name === name);
const selects = (selector: { [k: string]: string }, labels: { [k: string]: string } = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test('a progressive canary with query gates, a load test and an alert (snapshot)', () => {
  const { out } = flagger({
    stepWeight: 5,
    maxWeight: 50,
    interval: Duration.seconds(30),
    metrics: [DeliveryMetric.errorRate({ maxErrorRate: 0.01 }), DeliveryMetric.latency({ max: Duration.millis(500) })],
    webhooks: [FlaggerWebhook.rollout({ name: 'load-test', url: 'http://flagger-loadtester.test/', metadata: { cmd: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test/' } })],
    alerts: [{ name: 'on-call', provider: FlaggerAlertProviderType.SLACK, secretName: 'slack-url', channel: 'deployments' }],
    timeout: Duration.seconds(10),
  }, { autoscaling: { maxReplicas: 4 } });
  expect(out.filter((o) => o.apiVersion.startsWith('flagger.app/'))).toMatchSnapshot();
});

describe('FlaggerCanary: the Canary', () => {
  test('provider istio, targetRef the target\'s Deployment as the chart would have emitted it, no autoscalerRef without autoscaling', () => {
    // The Deployment the same MeshService renders without a controller: the Canary must name it.
    const plain = newChart();
    podinfo(plain);
    const deployment = one(Testing.synth(plain), 'Deployment');

    const { canary, out } = flagger();
    expect(canary.metadata).toEqual({ name: 'podinfo', namespace: NS });
    expect(canary.spec.provider).toBe('istio');
    expect(canary.spec.targetRef).toEqual({ apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.metadata.name });
    // The target Deployment itself stays in the app (Flagger scales it and copies it to <name>-primary).
    expect(named(out, 'Deployment', deployment.metadata.name)).toHaveLength(1);
    expect(canary.spec.autoscalerRef).toBeUndefined();
    expect(out.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('autoscalerRef names the emitted HorizontalPodAutoscaler, which still scales the target Deployment', () => {
    const { canary, out } = flagger({}, { autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 99 } });
    const hpa = one(out, 'HorizontalPodAutoscaler');
    expect(canary.spec.autoscalerRef).toEqual({ apiVersion: hpa.apiVersion, kind: hpa.kind, name: hpa.metadata.name });
    expect(hpa.spec.scaleTargetRef).toEqual(canary.spec.targetRef);
  });

  test('service block: port, targetPort, portName and appProtocol of the Service the target would have had', () => {
    const target: Partial<MeshServiceProps> = { port: 8080, containerPort: 9898, portName: 'http-web', protocol: Protocol.HTTP2 };
    const plain = newChart();
    podinfo(plain, target);
    const [port] = one(Testing.synth(plain), 'Service').spec.ports;

    const { canary } = flagger({}, target);
    const s = canary.spec.service;
    expect(s.name).toBe('podinfo');
    expect({ port: s.port, targetPort: s.targetPort, portName: s.portName, appProtocol: s.appProtocol })
      .toEqual({ port: port.port, targetPort: port.targetPort, portName: port.name, appProtocol: port.appProtocol });
    expect(s.portDiscovery).toBeUndefined();
  });

  test('portDiscovery only when the service has further ports', () => {
    const { canary } = flagger({}, { additionalPorts: [{ port: 9797, protocol: Protocol.HTTP, name: 'http-metrics' }] });
    expect(canary.spec.service.portDiscovery).toBe(true);
    expect(canary.spec.service.port).toBe(80);
  });

  test('gateways: namespace/name references plus mesh (once), none when not given', () => {
    expect(flagger().canary.spec.service.gateways).toBeUndefined();
    const external = Gateway.fromGatewayName('public-gateway', 'istio-system');
    expect(flagger({ gateways: [external] }).canary.spec.service.gateways).toEqual(['istio-system/public-gateway', 'mesh']);
    expect(flagger({ gateways: [Gateway.MESH, external] }).canary.spec.service.gateways).toEqual(['mesh', 'istio-system/public-gateway']);
  });

  test('a Gateway construct of the app is referenced by its namespace and name', () => {
    const chart = newChart();
    const gw = new Gateway(chart, 'gw', { metadata: { name: 'public-gateway', namespace: 'istio-system' }, servers: [Server.http({ hosts: ['app.example.com'] })] });
    new FlaggerCanary(chart, 'c', { target: podinfo(chart), gateways: [gw] });
    expect(one(Testing.synth(chart).filter((o) => o.kind === 'Canary'), 'Canary').spec.service.gateways)
      .toEqual([`${gw.gatewayNamespace}/${gw.gatewayName}`, 'mesh']);
  });

  test('hosts are passed on; none by default', () => {
    expect(flagger().canary.spec.service.hosts).toBeUndefined();
    expect(flagger({ hosts: ['app.example.com', 'www.example.com'] }).canary.spec.service.hosts).toEqual(['app.example.com', 'www.example.com']);
  });

  test('trafficPolicy: ISTIO_MUTUAL by default, absent with requireMutualTls: false', () => {
    expect(flagger().canary.spec.service.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    expect(flagger({ requireMutualTls: false }).canary.spec.service.trafficPolicy).toBeUndefined();
  });

  test('trafficPolicy: a circuit breaker renders as in a DestinationRule, in the JSON names of the Istio API', () => {
    const breaker = CircuitBreaker.of({
      connectionPool: { http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 10 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
    });
    const loadBalancer = LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST);
    const policy = flagger({ circuitBreaker: breaker, loadBalancer }).canary.spec.service.trafficPolicy;
    const drChart = newChart();
    const dr = new DestinationRule(drChart, 'dr', { host: 'podinfo', trafficPolicy: destinationTrafficPolicy({ circuitBreaker: breaker, loadBalancer }) });
    MeshAnalysis.suppress(dr, 'IST0174');
    expect(policy).toEqual(one(Testing.synth(drChart), 'DestinationRule').spec.trafficPolicy);
    expect(policy.outlierDetection.consecutive5xxErrors).toBe(5);
    expect(policy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  test('trafficPolicy: a TCP connection limit, which Flagger\'s Canary cannot carry, is refused with a fix', () => {
    expect(() => flagger({ circuitBreaker: CircuitBreaker.standard() })).toThrow(/connectionPool\.tcp .*is invalid: .*Fix: /);
  });

  test('retries, timeout, rewrite, headers and CORS render exactly as the library renders them in a VirtualService route', () => {
    const route = {
      retries: RetryPolicy.idempotent({ attempts: 2, perTryTimeout: Duration.seconds(3) }),
      timeout: Duration.seconds(30),
      rewrite: { uri: '/' },
      requestHeaders: { set: { 'x-rollout': 'flagger' }, remove: ['x-debug'] },
      responseHeaders: { add: { 'x-served-by': 'podinfo' } },
      corsPolicy: { allowOrigins: [StringMatch.exact('https://app.example.com')], allowMethods: ['GET', 'POST'], maxAge: Duration.hours(1) },
    };
    const { canary } = flagger(route);

    // The same options in a hand-written VirtualService route: Flagger must write the same.
    const vsChart = newChart();
    const vs = new VirtualService(vsChart, 'vs', {
      hosts: ['podinfo'],
      http: [{
        route: [{ host: 'podinfo' }],
        retries: route.retries.retry,
        timeout: route.timeout,
        rewrite: route.rewrite,
        requestHeaders: route.requestHeaders,
        responseHeaders: route.responseHeaders,
        corsPolicy: route.corsPolicy,
      }],
    });
    MeshAnalysis.suppress(vs, 'IST0101');
    const http = one(Testing.synth(vsChart), 'VirtualService').spec.http[0];
    const s = canary.spec.service;
    expect({ retries: s.retries, timeout: s.timeout, rewrite: s.rewrite, headers: s.headers, corsPolicy: s.corsPolicy })
      .toEqual({ retries: http.retries, timeout: http.timeout, rewrite: http.rewrite, headers: http.headers, corsPolicy: http.corsPolicy });
    for (const key of ['retries', 'timeout', 'rewrite', 'headers', 'corsPolicy']) expect(s[key]).toBeDefined();
  });

  test('none of the route options is rendered when none is given', () => {
    const s = flagger().canary.spec.service;
    for (const key of ['retries', 'timeout', 'rewrite', 'headers', 'corsPolicy', 'gateways', 'hosts']) expect(s[key]).toBeUndefined();
  });

  test('progressDeadline in seconds, skipAnalysis passed on', () => {
    const { canary } = flagger({ progressDeadline: Duration.minutes(10), skipAnalysis: true });
    expect(canary.spec.progressDeadlineSeconds).toBe(600);
    expect(canary.spec.skipAnalysis).toBe(true);
    const plain = flagger().canary.spec;
    expect(plain.progressDeadlineSeconds).toBeUndefined();
    expect(plain.skipAnalysis).toBeUndefined();
  });
});

describe('FlaggerCanary: the analysis', () => {
  test('defaults: every minute, threshold 5, stepWeight 10 up to maxWeight 50, Flagger\'s built-in checks', () => {
    const { canary, out } = flagger();
    const a = canary.spec.analysis;
    expect({ interval: a.interval, threshold: a.threshold, stepWeight: a.stepWeight, maxWeight: a.maxWeight })
      .toEqual({ interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50 });
    expect(a.metrics).toEqual([
      { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
      { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
    ]);
    expect(out.filter((o) => o.kind === 'MetricTemplate')).toEqual([]);
    for (const key of ['iterations', 'match', 'mirror', 'mirrorWeight', 'stepWeights', 'webhooks', 'alerts', 'sessionAffinity']) expect(a[key]).toBeUndefined();
  });

  test('interval, threshold, stepWeight, maxWeight and stepWeightPromotion as given', () => {
    const a = flagger({
      interval: Duration.seconds(15),
      threshold: 10,
      stepWeight: 5,
      maxWeight: 50,
      stepWeightPromotion: 25,
      metrics: [DeliveryMetric.requestSuccessRate({ minPercent: 99, interval: Duration.minutes(1) })],
    }).canary.spec.analysis;
    const { interval, threshold, stepWeight, maxWeight, stepWeightPromotion } = a;
    expect({ interval, threshold, stepWeight, maxWeight, stepWeightPromotion })
      .toEqual({ interval: '15s', threshold: 10, stepWeight: 5, maxWeight: 50, stepWeightPromotion: 25 });
  });

  test('stepWeights replace stepWeight/maxWeight', () => {
    const a = flagger({ stepWeights: [1, 5, 10, 25, 50] }).canary.spec.analysis;
    expect(a.stepWeights).toEqual([1, 5, 10, 25, 50]);
    expect(a.stepWeight).toBeUndefined();
    expect(a.maxWeight).toBeUndefined();
  });

  test('A/B testing: iterations and the header matches, no weights; the cookie regex finds the cookie among others only', () => {
    const a = flagger({ iterations: 10, match: [RequestMatch.cookie('type', 'insider'), RequestMatch.userAgent('.*Firefox.*')] }).canary.spec.analysis;
    expect(a.iterations).toBe(10);
    for (const key of ['stepWeight', 'maxWeight', 'stepWeights', 'mirror']) expect(a[key]).toBeUndefined();
    expect(a.match).toHaveLength(2);
    expect(a.match[1]).toEqual({ headers: { 'user-agent': { regex: '.*Firefox.*' } } });
    expect(Object.keys(a.match[0].headers)).toEqual(['cookie']);
    const cookie = new RegExp(a.match[0].headers.cookie.regex);
    for (const header of ['type=insider', 'a=b; type=insider', 'a=b;type=insider; c=d']) expect(cookie.test(header)).toBe(true);
    for (const header of ['type=insiders', 'xtype=insider', 'type=outsider', 'a=type=insider']) expect(cookie.test(header)).toBe(false);
  });

  test('A/B with every user of a name: the end-user header', () => {
    const a = flagger({ iterations: 5, match: [RequestMatch.user('jason')] }).canary.spec.analysis;
    expect(a.match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
  });

  test('blue/green with mirroring: iterations, mirror and mirrorWeight', () => {
    const a = flagger({ iterations: 10, mirrorPercentage: 50 }).canary.spec.analysis;
    expect({ iterations: a.iterations, mirror: a.mirror, mirrorWeight: a.mirrorWeight }).toEqual({ iterations: 10, mirror: true, mirrorWeight: 50 });
    expect(a.match).toBeUndefined();
    expect(a.stepWeight).toBeUndefined();
  });

  test('session affinity: cookie name and max age in seconds', () => {
    const a = flagger({ sessionAffinity: { cookieName: 'flagger-cookie', maxAge: Duration.hours(2) } }).canary.spec.analysis;
    expect(a.sessionAffinity).toEqual({ cookieName: 'flagger-cookie', maxAge: 7200 });
    expect(flagger({ sessionAffinity: { cookieName: 'c' } }).canary.spec.analysis.sessionAffinity).toEqual({ cookieName: 'c' });
  });

  test('query gates become MetricTemplates referenced by templateRef; built-in checks stay built in', () => {
    const { canary, out } = flagger({
      metrics: [
        DeliveryMetric.errorRate({ maxErrorRate: 0.02 }),
        DeliveryMetric.latency({ max: Duration.millis(300), percentile: 95, interval: Duration.minutes(2) }),
        DeliveryMetric.prometheus({ name: 'queue-depth', query: 'sum(queue_depth{app="podinfo"})', max: 100, min: 0 }),
        DeliveryMetric.requestSuccessRate({ minPercent: 98 }),
      ],
      prometheusAddress: 'http://prometheus.monitoring:9090',
    });
    const templates = out.filter((o) => o.kind === 'MetricTemplate');
    const metrics: Obj[] = canary.spec.analysis.metrics;
    expect(metrics.map((m) => m.name)).toEqual(['error-rate', 'latency-p95', 'queue-depth', 'request-success-rate']);
    const refs = metrics.filter((m) => m.templateRef !== undefined);
    expect(refs.map((m) => m.templateRef)).toEqual(templates.map((t) => ({ name: t.metadata.name, namespace: t.metadata.namespace })));
    expect(templates).toHaveLength(3);
    for (const t of templates) {
      expect(t.metadata.namespace).toBe(NS);
      expect(t.spec.provider).toEqual({ type: 'prometheus', address: 'http://prometheus.monitoring:9090' });
      expect(typeof t.spec.query).toBe('string');
    }
    expect(templates.find((t) => t.metadata.name === refs[2].templateRef.name)!.spec.query).toBe('sum(queue_depth{app="podinfo"})');
    expect(metrics.map((m) => [m.thresholdRange, m.interval])).toEqual([
      [{ max: 0.02 }, '1m'], [{ max: 300 }, '2m'], [{ min: 0, max: 100 }, '1m'], [{ min: 98 }, '1m'],
    ]);
    expect(metrics[3].templateRef).toBeUndefined();
  });

  test('the MetricTemplates query the default Prometheus of Istio\'s add-on when no address is given', () => {
    const { out } = flagger({ metrics: [DeliveryMetric.errorRate()] });
    expect(one(out, 'MetricTemplate').spec.provider.address).toBe('http://prometheus.istio-system:9090');
  });

  test('webhooks of every type, in the order given, with their options', () => {
    const url = 'http://flagger-loadtester.test/';
    const factories: [(o: any) => FlaggerWebhook, FlaggerWebhookType][] = [
      [FlaggerWebhook.preRollout, FlaggerWebhookType.PRE_ROLLOUT],
      [FlaggerWebhook.confirmRollout, FlaggerWebhookType.CONFIRM_ROLLOUT],
      [FlaggerWebhook.rollout, FlaggerWebhookType.ROLLOUT],
      [FlaggerWebhook.confirmTrafficIncrease, FlaggerWebhookType.CONFIRM_TRAFFIC_INCREASE],
      [FlaggerWebhook.confirmPromotion, FlaggerWebhookType.CONFIRM_PROMOTION],
      [FlaggerWebhook.postRollout, FlaggerWebhookType.POST_ROLLOUT],
      [FlaggerWebhook.rollback, FlaggerWebhookType.ROLLBACK],
      [FlaggerWebhook.event, FlaggerWebhookType.EVENT],
    ];
    const webhooks = factories.map(([make], i) => make({ name: `hook-${i}`, url }));
    webhooks.forEach((w, i) => expect(w.type).toBe(factories[i][1]));
    const rendered: Obj[] = flagger({ webhooks }).canary.spec.analysis.webhooks;
    expect(rendered.map((w) => [w.name, w.type, w.url])).toEqual(factories.map(([, type], i) => [`hook-${i}`, type, url]));
    // Every type Flagger knows, once.
    expect(new Set(rendered.map((w) => w.type))).toEqual(new Set(Object.values(FlaggerWebhookType)));

    const full = flagger({
      webhooks: [FlaggerWebhook.rollout({
        name: 'load-test',
        url,
        timeout: Duration.seconds(5),
        retries: 3,
        muteAlert: true,
        metadata: { type: 'cmd', cmd: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test/' },
      })],
    }).canary.spec.analysis.webhooks;
    expect(full).toEqual([{
      name: 'load-test',
      type: 'rollout',
      url,
      timeout: '5s',
      retries: 3,
      muteAlert: true,
      metadata: { type: 'cmd', cmd: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test/' },
    }]);
  });

  test('alerts: an AlertProvider each, with the webhook URL in a Secret, referenced by the analysis', () => {
    const { canary, out } = flagger({
      alerts: [
        { name: 'on-call', provider: FlaggerAlertProviderType.SLACK, secretName: 'slack-url', channel: 'deployments', severity: FlaggerAlertSeverity.WARN },
        { name: 'teams', provider: FlaggerAlertProviderType.MSTEAMS, secretName: 'teams-url', username: 'rollouts' },
      ],
    });
    const providers = out.filter((o) => o.kind === 'AlertProvider');
    const alerts: Obj[] = canary.spec.analysis.alerts;
    expect(alerts.map((a) => a.providerRef.name)).toEqual(providers.map((p) => p.metadata.name));
    expect(alerts.map((a) => [a.name, a.severity])).toEqual([['on-call', 'warn'], ['teams', 'error']]);
    expect(providers.map((p) => p.metadata.namespace)).toEqual([NS, NS]);
    expect(providers.map((p) => p.spec)).toEqual([
      { type: 'slack', channel: 'deployments', username: 'flagger', secretRef: { name: 'slack-url' } },
      { type: 'msteams', username: 'rollouts', secretRef: { name: 'teams-url' } },
    ]);
    // No webhook URL (a credential) in the manifests.
    for (const p of providers) expect(p.spec.address).toBeUndefined();
  });
});

describe('FlaggerCanary: what is left to Flagger', () => {
  test('no Service named after the target, no VirtualService and no DestinationRule; other services keep theirs', () => {
    const chart = newChart();
    const svc = podinfo(chart);
    const frontend = new MeshService(chart, 'frontend', { port: 80, image: 'nginx:1.27' });
    svc.allowFrom(frontend);
    const fc = new FlaggerCanary(chart, 'podinfo-canary', { target: svc });
    const out = Testing.synth(chart);
    expect(named(out, 'Service', fc.serviceName)).toEqual([]);
    for (const suffix of ['-primary', '-canary']) expect(named(out, 'Service', `${fc.serviceName}${suffix}`)).toEqual([]);
    expect(out.filter((o) => o.kind === 'VirtualService' || o.kind === 'DestinationRule').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(named(out, 'Service', frontend.serviceName)).toHaveLength(1);
    expect(named(out, 'ServiceAccount', fc.serviceName)).toHaveLength(1);
  });

  test('the hosts Flagger generates', () => {
    const { fc } = flagger();
    expect(fc.primaryHost).toBe(`${fc.serviceName}-primary.${NS}.svc.cluster.local`);
    expect(fc.canaryHost).toBe(`${fc.serviceName}-canary.${NS}.svc.cluster.local`);
    expect(fc.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'podinfo', namespace: NS, jsonPointers: ['/spec/replicas'] }]);
  });

  test('allowFrom: the policy selects the canonical-name label, which the target\'s pods and Flagger\'s primary copy both carry', () => {
    const chart = newChart();
    const svc = podinfo(chart);
    const frontend = new MeshService(chart, 'frontend', { port: 80, image: 'nginx:1.27' });
    svc.allowFrom(frontend);
    new FlaggerCanary(chart, 'podinfo-canary', { target: svc });
    const out = Testing.synth(chart);
    const policy = one(out, 'AuthorizationPolicy', svc.serviceName);
    const labels = one(out, 'Deployment', svc.serviceName).spec.template.metadata.labels;
    expect(policy.spec.selector.matchLabels).toEqual({ [CANONICAL]: labels[CANONICAL] });
    expect(labels[CANONICAL]).toBe(svc.serviceName);
    // Flagger's primary copy renames `app` to <name>-primary: still selected.
    expect(selects(policy.spec.selector.matchLabels, { ...labels, app: `${svc.serviceName}-primary` })).toBe(true);
    const principals = policy.spec.rules.flatMap((r: Obj) => r.from.flatMap((f: Obj) => f.source.principals));
    expect(principals).toEqual([`cluster.local/ns/${NS}/sa/${frontend.serviceAccount.name}`]);
  });

  test('without a controller the same policy selects by app (the canonical-name label is the controller\'s doing)', () => {
    const chart = newChart();
    const svc = podinfo(chart);
    svc.allowFrom(new MeshService(chart, 'frontend', { port: 80, image: 'nginx:1.27' }));
    const out = Testing.synth(chart);
    expect(one(out, 'AuthorizationPolicy', svc.serviceName).spec.selector.matchLabels[CANONICAL]).toBeUndefined();
  });
});

describe('FlaggerCanary: gates measure what ServiceAlerts measures', () => {
  /** The PromQL of a ServiceAlerts rule, without its ` > threshold` comparison. */
  function alertQuery(rule: Obj, threshold: string): string {
    const expr: string = rule.expr;
    const suffix = ` > ${threshold}`;
    expect(expr.endsWith(suffix)).toBe(true);
    return expr.slice(0, -suffix.length);
  }

  test('the error-rate and latency MetricTemplates hold ServiceAlerts\' queries, for the canary Service', () => {
    const chart = newChart();
    const svc = podinfo(chart);
    const fc = new FlaggerCanary(chart, 'podinfo-canary', {
      target: svc,
      interval: Duration.minutes(1),
      metrics: [
        DeliveryMetric.errorRate({ maxErrorRate: 0.05, interval: Duration.minutes(2) }),
        DeliveryMetric.latency({ max: Duration.millis(250), interval: Duration.minutes(2) }),
      ],
    });
    new ServiceAlerts(chart, 'alerts', {
      services: [MonitoredService.fromMeshService(svc)],
      errorRate: { threshold: 0.05, window: Duration.minutes(2) },
      latency: { threshold: Duration.millis(250), window: Duration.minutes(2) },
    });
    const out = Testing.synth(chart);
    const rules: Obj[] = one(out, 'PrometheusRule').spec.groups.flatMap((g: Obj) => g.rules);
    const errorRule = rules.find((r) => r.expr.includes('response_code'))!;
    const latencyRule = rules.find((r) => r.expr.includes('histogram_quantile'))!;
    expect(errorRule).toBeDefined();
    expect(latencyRule).toBeDefined();

    const canaryName = fc.canaryHost.split('.')[0];
    const asService = (q: string) => q.split(`"${canaryName}"`).join(`"${fc.serviceName}"`);
    const templates = new Map(out.filter((o) => o.kind === 'MetricTemplate').map((t) => [t.metadata.name, t.spec.query as string]));
    const queryOf = (metric: string) => templates.get(fc.canary.toJson().spec.analysis.metrics.find((m: Obj) => m.name === metric).templateRef.name)!;

    for (const [metric, rule, threshold] of [['error-rate', errorRule, '0.05'], ['latency-p99', latencyRule, '250']] as const) {
      const q = queryOf(metric);
      // The gate measures the canary Service Flagger generates, not the primary.
      expect(q).toContain(`destination_service_name="${canaryName}"`);
      expect(q).not.toContain(`destination_service_name="${fc.serviceName}"`);
      expect(asService(q)).toBe(metric === 'error-rate' ? zeroWithoutErrors(alertQuery(rule, threshold)) : alertQuery(rule, threshold));
    }
  });
});
