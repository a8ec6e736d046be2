import { Chart, Duration, Testing } from 'cdk8s';
import { TelemetryMetric, TelemetryWorkloadMode, TracingCustomTag, WorkloadSelector } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';
import { AccessLogFilter, MeshTelemetry, MeshTelemetryProps } from '../../src/patterns/mesh-telemetry';

function telemetries(chart: Chart): any[] {
  return Testing.synth(chart).filter((o) => o.kind === 'Telemetry');
}

function telemetryWith(props: MeshTelemetryProps): () => MeshTelemetry {
  const chart = new Chart(Testing.app(), 'c');
  return () => new MeshTelemetry(chart, 'tel', props);
}

describe('MeshTelemetry', () => {
  test('default configuration (snapshot)', () => {
    const chart = new Chart(Testing.app(), 'c');
    new MeshTelemetry(chart, 'mesh');
    expect(telemetries(chart)).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
    const reviews = new MeshService(chart, 'reviews', { port: 9080, image: 'reviews:1' });
    const telemetry = new MeshTelemetry(chart, 'reviews-telemetry', {
      service: reviews,
      name: 'reviews-observability',
      rootNamespace: 'mesh-root',
      metrics: {
        providers: ['prometheus', 'stackdriver'],
        disabledMetrics: [TelemetryMetric.REQUEST_SIZE, TelemetryMetric.RESPONSE_SIZE],
        reportingInterval: Duration.seconds(15),
      },
      accessLogging: { provider: 'envoy', filter: AccessLogFilter.serverErrorsOnly(), mode: TelemetryWorkloadMode.SERVER },
    });
    telemetry
      .enableTracing({ samplingPercentage: 2.5, provider: 'otel', customTags: { cluster: TracingCustomTag.literal('east'), user: TracingCustomTag.header('x-user-id', 'anonymous') } })
      .addAccessLogging({ provider: 'otel', filter: AccessLogFilter.fromExpression("connection.mtls == false || request.url_path.startsWith('/admin')") })
      .addAccessLogging({ provider: 'stackdriver', disabled: true });
    expect(telemetries(chart)).toMatchSnapshot();
  });

  describe('behaviour', () => {
    test('is mesh-wide by default: root namespace, no selector', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
      const t = new MeshTelemetry(chart, 'mesh');
      const [obj] = telemetries(chart);
      expect(t.meshWide).toBe(true);
      expect(t.namespace).toBe('istio-system');
      expect(obj.metadata).toEqual({ name: 'mesh-default', namespace: 'istio-system' });
      expect(obj.spec.selector).toBeUndefined();
    });

    test('a custom root namespace keeps the configuration mesh-wide', () => {
      const chart = new Chart(Testing.app(), 'c');
      const t = new MeshTelemetry(chart, 'mesh', { rootNamespace: 'mesh-root' });
      expect(t.meshWide).toBe(true);
      expect(telemetries(chart)[0].metadata.namespace).toBe('mesh-root');
    });

    test('a namespace configures only that namespace', () => {
      const chart = new Chart(Testing.app(), 'c');
      const t = new MeshTelemetry(chart, 'ns', { namespace: 'bookinfo', tracing: { samplingPercentage: 100 } });
      const [obj] = telemetries(chart);
      expect(t.meshWide).toBe(false);
      expect(obj.metadata).toEqual({ name: 'namespace-default', namespace: 'bookinfo' });
      expect(obj.spec.tracing).toEqual([{ randomSamplingPercentage: 100 }]);
    });

    test('a service scopes the Telemetry to its namespace and its pods', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
      const reviews = new MeshService(chart, 'reviews', { port: 9080, serviceName: 'reviews-svc', image: 'reviews:1' });
      const t = new MeshTelemetry(chart, 'tel', { service: reviews });
      const [obj] = telemetries(chart);
      expect(t.meshWide).toBe(false);
      expect(obj.metadata).toEqual({ name: reviews.serviceName, namespace: reviews.namespace });
      expect(obj.spec.selector).toEqual({ matchLabels: reviews.selector.labels });
      // the selector matches the labels of every version's pods
      const deployments = Testing.synth(chart).filter((o) => o.kind === 'Deployment');
      for (const d of deployments) expect(d.spec.template.metadata.labels).toMatchObject(obj.spec.selector.matchLabels);
    });

    test('a selector in the root namespace is not mesh-wide', () => {
      const chart = new Chart(Testing.app(), 'c');
      const t = new MeshTelemetry(chart, 'gw', { selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }) });
      expect(t.meshWide).toBe(false);
      const [obj] = telemetries(chart);
      expect(obj.metadata).toEqual({ name: 'workloads', namespace: 'istio-system' });
      expect(obj.spec.selector).toEqual({ matchLabels: { istio: 'ingressgateway' } });
    });

    test.each([
      [AccessLogFilter.errorsOnly(), 'response.code >= 400'],
      [AccessLogFilter.serverErrorsOnly(), 'response.code >= 500'],
      [AccessLogFilter.fromExpression('request.host == "x"'), 'request.host == "x"'],
    ])('access-log filter %# renders its CEL expression', (filter, expression) => {
      const chart = new Chart(Testing.app(), 'c');
      new MeshTelemetry(chart, 'mesh', { accessLogging: { filter } });
      expect(telemetries(chart)[0].spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }], filter: { expression } }]);
      expect(filter.expression).toBe(expression);
    });

    test('metrics go to every listed provider', () => {
      const chart = new Chart(Testing.app(), 'c');
      const providers = ['prometheus', 'stackdriver'];
      new MeshTelemetry(chart, 'mesh', { metrics: { providers } });
      expect(telemetries(chart)[0].spec.metrics[0].providers.map((p: any) => p.name)).toEqual(providers);
    });

    test('each disabled metric becomes one disabling override, in order', () => {
      const chart = new Chart(Testing.app(), 'c');
      const disabledMetrics = [TelemetryMetric.TCP_SENT_BYTES, TelemetryMetric.REQUEST_SIZE, TelemetryMetric.GRPC_REQUEST_MESSAGES];
      new MeshTelemetry(chart, 'mesh', { metrics: { disabledMetrics } });
      const [metrics] = telemetries(chart)[0].spec.metrics;
      expect(metrics.overrides.map((o: any) => o.match.metric)).toEqual(disabledMetrics);
      expect(metrics.overrides.every((o: any) => o.disabled === true)).toBe(true);
    });

    test('access-logging rules are added per provider, in order', () => {
      const chart = new Chart(Testing.app(), 'c');
      const providers = ['envoy', 'otel', 'file'];
      const t = new MeshTelemetry(chart, 'mesh');
      providers.slice(1).forEach((provider) => t.addAccessLogging({ provider, filter: AccessLogFilter.errorsOnly() }));
      const rules = telemetries(chart)[0].spec.accessLogging;
      expect(rules.map((r: any) => r.providers[0].name)).toEqual(providers);
    });

    test('namespace-wide MeshTelemetry in different namespaces or apps coexist', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      new MeshTelemetry(chart, 'mesh');
      new MeshTelemetry(chart, 'bookinfo', { namespace: 'bookinfo' });
      const reviews = new MeshService(chart, 'reviews-svc', { serviceName: 'reviews', namespace: 'bookinfo', port: 9080, image: 'r:1' });
      new MeshTelemetry(chart, 'reviews', { namespace: 'bookinfo', selector: reviews.selector });
      expect(telemetries(chart)).toHaveLength(3);
      const other = new Chart(Testing.app(), 'c');
      new MeshTelemetry(other, 'mesh');
      expect(telemetries(other)).toHaveLength(1);
    });

    test('two namespace-wide MeshTelemetry in one namespace fail at synth', () => {
      const chart = new Chart(Testing.app(), 'c');
      new MeshTelemetry(chart, 'first', { namespace: 'bookinfo' });
      new MeshTelemetry(chart, 'second', { namespace: 'bookinfo', name: 'other' });
      expect(() => Testing.synth(chart)).toThrow(/\[c\/second\] namespace "bookinfo" is invalid: c\/first already configures the whole namespace.*Fix: merge the settings into one MeshTelemetry/);
    });
  });

  describe('scope conflicts', () => {
    test('two MeshTelemetry selecting the same workloads fail at synth', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
      const reviews = new MeshService(chart, 'reviews', { port: 9080, image: 'r:1' });
      new MeshTelemetry(chart, 'by-service', { service: reviews });
      new MeshTelemetry(chart, 'by-labels', { namespace: 'bookinfo', selector: WorkloadSelector.fromLabels({ app: 'reviews' }), name: 'reviews-2' });
      expect(() => Testing.synth(chart)).toThrow(/\[c\/by-labels\] namespace "bookinfo" is invalid: c\/by-service already configures the same workloads \(\{"app":"reviews"\}\).*Fix: merge the settings/);
    });

    test('a conflict created after a first synth is still found', () => {
      const chart = new Chart(Testing.app(), 'c');
      new MeshTelemetry(chart, 'first');
      expect(telemetries(chart)).toHaveLength(1);
      new MeshTelemetry(chart, 'second', { name: 'second' });
      expect(() => Testing.synth(chart)).toThrow(/\[c\/second\] namespace "istio-system" is invalid: c\/first already configures the whole namespace/);
    });

    test('many namespace-wide MeshTelemetry in distinct namespaces validate together', () => {
      const chart = new Chart(Testing.app(), 'c');
      const n = 300;
      for (let i = 0; i < n; i++) new MeshTelemetry(chart, `ns${i}`, { namespace: `ns-${i}` });
      expect(telemetries(chart)).toHaveLength(n);
    });
  });

  describe('default output', () => {
    test('logs every request and keeps every standard metric; tracing inherited', () => {
      const chart = new Chart(Testing.app(), 'c');
      new MeshTelemetry(chart, 'mesh');
      const { spec } = telemetries(chart)[0];
      expect(spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }] }]);
      expect(spec.accessLogging[0].disabled).toBeUndefined();
      expect(spec.accessLogging[0].filter).toBeUndefined();
      expect(spec.metrics).toEqual([{ providers: [{ name: 'prometheus' }] }]);
      expect(spec.tracing).toBeUndefined();
    });
  });

  describe('bad input', () => {
    test('sampling percentage above 100', () => {
      expect(telemetryWith({ tracing: { samplingPercentage: 120 } })).toThrow(/\[c\/tel\] tracing.samplingPercentage 120 is invalid: a percentage must be a number from 0 to 100.*Fix: pass e.g. 10/);
    });
    test('negative sampling percentage', () => {
      expect(telemetryWith({ tracing: { samplingPercentage: -1 } })).toThrow(/tracing.samplingPercentage -1 is invalid/);
    });
    test('tracing configured twice', () => {
      const t = telemetryWith({ tracing: { samplingPercentage: 1 } })();
      expect(() => t.enableTracing({ samplingPercentage: 5 })).toThrow(/\[c\/tel\] tracing 5 is invalid: tracing is already configured.*Fix: configure tracing once/);
    });
    test('two access-log rules for one provider', () => {
      const t = telemetryWith({})();
      expect(() => t.addAccessLogging({ filter: AccessLogFilter.errorsOnly() })).toThrow(/accessLogging\[1\].provider "envoy" is invalid: the provider already has an access-logging rule.*Fix: combine the conditions/);
    });
    test('empty filter expression', () => {
      expect(telemetryWith({ accessLogging: { filter: AccessLogFilter.fromExpression('  ') } })).toThrow(/accessLogging\[0\].filter "  " is invalid: the filter expression is empty.*Fix: use AccessLogFilter.errorsOnly\(\)/);
    });
    test('a filter on a disabled access log', () => {
      expect(telemetryWith({ accessLogging: { disabled: true, filter: AccessLogFilter.errorsOnly() } })).toThrow(/accessLogging\[0\].filter "response.code >= 400" is invalid: a disabled access log writes nothing.*Fix: remove `filter`/);
    });
    test('namespace together with service', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
      const svc = new MeshService(chart, 'reviews', { port: 9080, image: 'r:1' });
      expect(() => new MeshTelemetry(chart, 'tel', { namespace: 'other', service: svc })).toThrow(/\[c\/tel\] namespace and service .* is invalid: these fields are mutually exclusive.*Fix: a `service` brings its own namespace/);
    });
    test('selector together with service', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
      const svc = new MeshService(chart, 'reviews', { port: 9080, image: 'r:1' });
      expect(() => new MeshTelemetry(chart, 'tel', { selector: WorkloadSelector.fromLabels({ app: 'x' }), service: svc })).toThrow(/selector and service .* is invalid: these fields are mutually exclusive/);
    });
    test('a service without a namespace', () => {
      const chart = new Chart(Testing.app(), 'c');
      const svc = new MeshService(chart, 'reviews', { port: 9080, image: 'r:1' });
      expect(() => new MeshTelemetry(chart, 'tel', { service: svc })).toThrow(/\[c\/tel\] service "c\/reviews" is invalid: the MeshService has no namespace.*Fix: give the MeshService a `namespace`/);
    });
    test('a namespace that is not a DNS label', () => {
      expect(telemetryWith({ namespace: 'Bookinfo' })).toThrow(/\[c\/tel\] namespace "Bookinfo" is invalid: it must be a DNS-1123 label/);
    });
    test('a root namespace that is not a DNS label', () => {
      expect(telemetryWith({ rootNamespace: 'istio_system' })).toThrow(/rootNamespace "istio_system" is invalid: it must be a DNS-1123 label/);
    });
    test('a bad name', () => {
      expect(telemetryWith({ name: 'Mesh Default' })).toThrow(/\[c\/tel\] name "Mesh Default" is invalid: it must be a DNS-1123 subdomain/);
    });
    test('a metric disabled twice', () => {
      expect(telemetryWith({ metrics: { disabledMetrics: [TelemetryMetric.REQUEST_SIZE, TelemetryMetric.REQUEST_SIZE] } })).toThrow(/metrics.disabledMetrics "REQUEST_SIZE" is invalid: the value appears more than once.*Fix: list each metric once/);
    });
    test('ALL_METRICS with individual metrics', () => {
      expect(telemetryWith({ metrics: { disabledMetrics: [TelemetryMetric.ALL_METRICS, TelemetryMetric.REQUEST_SIZE] } })).toThrow(/metrics.disabledMetrics \["ALL_METRICS","REQUEST_SIZE"\] is invalid: ALL_METRICS already disables every metric/);
    });
    test('no metrics provider', () => {
      expect(telemetryWith({ metrics: { providers: [] } })).toThrow(/metrics\[0\].providers \[\] is invalid: the list must not be empty.*Fix: name at least one provider/);
    });
    test('an empty provider name', () => {
      expect(telemetryWith({ accessLogging: { provider: '' } })).toThrow(/accessLogging\[0\].providers\[0\] "" is invalid: the provider name is empty.*Fix:/);
    });
  });
});
