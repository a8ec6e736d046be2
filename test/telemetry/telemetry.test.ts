import { Duration, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { TelemetryMetric, TelemetryTagOperation } from '../../src/telemetry/metrics';
import { TelemetryTargetRef } from '../../src/telemetry/target-ref';
import { Telemetry } from '../../src/telemetry/telemetry';
import { TracingCustomTag } from '../../src/telemetry/tracing';
import { TelemetryWorkloadMode } from '../../src/telemetry/workload-mode';
import { fragmentChart } from '../support/fragment';

describe('Telemetry', () => {
  test('mesh-wide tracing, metrics and access logging', () => {
    const chart = fragmentChart();
    const telemetry = new Telemetry(chart, 'mesh-default', {
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      tracing: [{ providers: ['zipkin'], randomSamplingPercentage: 10 }],
      metrics: [{ providers: ['prometheus'] }],
      accessLogging: [{ providers: ['envoy'] }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('telemetry.istio.io/v1');
    expect(obj.kind).toBe('Telemetry');
    expect(telemetry.kind).toBe('Telemetry');
    expect(obj.spec).toEqual({
      tracing: [{ providers: [{ name: 'zipkin' }], randomSamplingPercentage: 10 }],
      metrics: [{ providers: [{ name: 'prometheus' }] }],
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('tracing with custom tags, match mode and switches', () => {
    const chart = fragmentChart();
    new Telemetry(chart, 'tracing', {
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      tracing: [{
        providers: ['otel'],
        randomSamplingPercentage: 0.5,
        mode: TelemetryWorkloadMode.SERVER,
        disableSpanReporting: false,
        disableContextPropagation: false,
        enableIstioTags: true,
        useRequestIdForTraceSampling: true,
        customTags: {
          cluster: TracingCustomTag.literal('east'),
          pod: TracingCustomTag.environment('POD_NAME'),
          node: TracingCustomTag.environment('NODE_NAME', 'unknown'),
          user: TracingCustomTag.header('x-user-id', 'anonymous'),
          agent: TracingCustomTag.header('user-agent'),
          path: TracingCustomTag.formatter('%REQ(:PATH)%'),
        },
      }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.selector).toEqual({ matchLabels: { app: 'reviews' } });
    expect(obj.spec.tracing).toEqual([{
      providers: [{ name: 'otel' }],
      randomSamplingPercentage: 0.5,
      match: { mode: 'SERVER' },
      disableSpanReporting: false,
      disableContextPropagation: false,
      enableIstioTags: true,
      useRequestIdForTraceSampling: true,
      customTags: {
        cluster: { literal: { value: 'east' } },
        pod: { environment: { name: 'POD_NAME' } },
        node: { environment: { name: 'NODE_NAME', defaultValue: 'unknown' } },
        user: { header: { name: 'x-user-id', defaultValue: 'anonymous' } },
        agent: { header: { name: 'user-agent' } },
        path: { formatter: { value: '%REQ(:PATH)%' } },
      },
    }]);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('tracing disabled for one namespace, sampling 0 and 100 are accepted', () => {
    const chart = fragmentChart();
    new Telemetry(chart, 't', {
      tracing: [
        { disableSpanReporting: true },
        { providers: ['a'], randomSamplingPercentage: 0 },
        { providers: ['b'], randomSamplingPercentage: 100 },
      ],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.tracing).toEqual([
      { disableSpanReporting: true },
      { providers: [{ name: 'a' }], randomSamplingPercentage: 0 },
      { providers: [{ name: 'b' }], randomSamplingPercentage: 100 },
    ]);
  });

  test('metrics overrides: disable, tag upsert/remove, custom metric, mode, reporting interval', () => {
    const chart = fragmentChart();
    new Telemetry(chart, 'metrics', {
      metadata: { name: 'metrics', namespace: 'bookinfo' },
      metrics: [{
        providers: ['prometheus'],
        reportingInterval: Duration.seconds(15),
        overrides: [
          { metric: TelemetryMetric.REQUEST_SIZE, disabled: true },
          {
            metric: TelemetryMetric.REQUEST_COUNT,
            mode: TelemetryWorkloadMode.CLIENT_AND_SERVER,
            tagOverrides: {
              request_host: { value: 'request.host' },
              env: { operation: TelemetryTagOperation.UPSERT, value: "'prod'" },
              request_protocol: { operation: TelemetryTagOperation.REMOVE },
            },
          },
          { customMetric: 'envoy_cluster_upstream_rq', mode: TelemetryWorkloadMode.CLIENT, disabled: true },
          { mode: TelemetryWorkloadMode.SERVER, disabled: true },
          { disabled: false },
        ],
      }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.metrics).toEqual([{
      providers: [{ name: 'prometheus' }],
      reportingInterval: '15s',
      overrides: [
        { match: { metric: 'REQUEST_SIZE' }, disabled: true },
        {
          match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' },
          tagOverrides: {
            request_host: { operation: 'UPSERT', value: 'request.host' },
            env: { operation: 'UPSERT', value: "'prod'" },
            request_protocol: { operation: 'REMOVE' },
          },
        },
        { match: { customMetric: 'envoy_cluster_upstream_rq', mode: 'CLIENT' }, disabled: true },
        { match: { mode: 'SERVER' }, disabled: true },
        { disabled: false },
      ],
    }]);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('access logging with filter, mode and disabled', () => {
    const chart = fragmentChart();
    new Telemetry(chart, 'logs', {
      accessLogging: [
        { providers: ['envoy'], filter: 'response.code >= 400', mode: TelemetryWorkloadMode.CLIENT },
        { providers: ['otel'], disabled: true },
      ],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.accessLogging).toEqual([
      { providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' }, match: { mode: 'CLIENT' } },
      { providers: [{ name: 'otel' }], disabled: true },
    ]);
  });

  test('fluent add* calls after construction are rendered, in order', () => {
    const chart = fragmentChart();
    const t = new Telemetry(chart, 't');
    expect(t.addTracing({ providers: ['zipkin'] })).toBe(t);
    t.addMetrics({ providers: ['prometheus'] })
      .addAccessLogging({ providers: ['envoy'] })
      .addAccessLogging({ providers: ['otel'], filter: 'response.code >= 500' });
    const [obj] = Testing.synth(chart);
    expect(obj.spec).toEqual({
      tracing: [{ providers: [{ name: 'zipkin' }] }],
      metrics: [{ providers: [{ name: 'prometheus' }] }],
      accessLogging: [
        { providers: [{ name: 'envoy' }] },
        { providers: [{ name: 'otel' }], filter: { expression: 'response.code >= 500' } },
      ],
    });
  });

  test('targetRefs: Gateway, GatewayClass, Service and ServiceEntry', () => {
    const chart = fragmentChart();
    new Telemetry(chart, 't', {
      targetRefs: [
        TelemetryTargetRef.gateway('bookinfo-gateway'),
        TelemetryTargetRef.gatewayClass('istio'),
        TelemetryTargetRef.service('reviews'),
        TelemetryTargetRef.serviceEntry('external-api'),
      ],
      accessLogging: [{ providers: ['envoy'] }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' },
      { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' },
      { group: '', kind: 'Service', name: 'reviews' },
      { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'external-api' },
    ]);
    expect(obj.spec.selector).toBeUndefined();
    const ref = TelemetryTargetRef.service('reviews');
    expect([ref.group, ref.kind, ref.name]).toEqual(['', 'Service', 'reviews']);
  });

  test('selects a cdk8s-plus workload by its selector labels', () => {
    const chart = fragmentChart();
    const deployment = new Deployment(chart, 'ratings', { containers: [{ image: 'ratings:1' }] });
    new Telemetry(chart, 't', {
      selector: WorkloadSelector.fromWorkload(deployment),
      accessLogging: [{ providers: ['envoy'] }],
    });
    const t = Testing.synth(chart).find((o) => o.kind === 'Telemetry');
    expect(t.spec.selector.matchLabels).toEqual(deployment.matchLabels);
  });

  test('input objects are not mutated and later changes to them are not picked up', () => {
    const chart = fragmentChart();
    const providers = ['envoy'];
    new Telemetry(chart, 't', { accessLogging: [{ providers }] });
    providers.push('otel');
    const [obj] = Testing.synth(chart);
    expect(obj.spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }] }]);
  });

  // (how fast is the benchmark's to say: npx projen bench)
  test('a Telemetry of 2000 access-logging rules synthesizes with every rule, in order', () => {
    const chart = fragmentChart();
    const t = new Telemetry(chart, 't');
    for (let i = 0; i < 2000; i++) t.addAccessLogging({ providers: [`p${i}`], filter: `response.code >= ${i}` });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.accessLogging).toHaveLength(2000);
    expect(obj.spec.accessLogging[1999]).toEqual({ providers: [{ name: 'p1999' }], filter: { expression: 'response.code >= 1999' } });
  });

  describe('bad input', () => {
    test('sampling percentage above 100', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { tracing: [{ randomSamplingPercentage: 150 }] }))
        .toThrow(/\[test\/t\] tracing\[0\]\.randomSamplingPercentage 150 is invalid: .*0 to 100.*Fix: /);
    });

    test('negative sampling percentage in a later rule names its index', () => {
      const chart = fragmentChart();
      const t = new Telemetry(chart, 't', { tracing: [{ providers: ['zipkin'] }] });
      expect(() => t.addTracing({ randomSamplingPercentage: -1 }))
        .toThrow(/\[test\/t\] tracing\[1\]\.randomSamplingPercentage -1 is invalid/);
    });

    test('empty provider name', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { accessLogging: [{ providers: ['envoy', ''] }] }))
        .toThrow(/\[test\/t\] accessLogging\[0\]\.providers\[1\] "" is invalid: the provider name is empty\. Fix: .*"envoy"/);
    });

    test('empty providers list', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { metrics: [{ providers: [] }] }))
        .toThrow(/\[test\/t\] metrics\[0\]\.providers \[\] is invalid: the list must not be empty\. Fix: .*omit `providers`/);
    });

    test('duplicate providers', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { metrics: [{ providers: ['prometheus', 'prometheus'] }] }))
        .toThrow(/\[test\/t\] metrics\[0\]\.providers "prometheus" is invalid: the value appears more than once\. Fix: list each provider once/);
    });

    test('tag override UPSERT without a value', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        metrics: [{
          overrides: [{ metric: TelemetryMetric.REQUEST_COUNT, tagOverrides: { request_host: { operation: TelemetryTagOperation.UPSERT } } }],
        }],
      })).toThrow(/\[test\/t\] metrics\[0\]\.overrides\[0\]\.tagOverrides\.request_host\.value undefined is invalid: an UPSERT tag override needs a value.*Fix: .*request\.host/);
    });

    test('tag override with default operation and an empty value', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        metrics: [{ overrides: [{ tagOverrides: { env: { value: '' } } }] }],
      })).toThrow(/tagOverrides\.env\.value "" is invalid: an UPSERT tag override needs a value/);
    });

    test('tag override REMOVE with a value', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: TelemetryTagOperation.REMOVE, value: 'x' } } }] }],
      })).toThrow(/\[test\/t\] metrics\[0\]\.overrides\[0\]\.tagOverrides\.request_protocol\.value "x" is invalid: a REMOVE tag override takes no value.*Fix: drop `value`/);
    });

    test('empty tag name in tagOverrides', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        metrics: [{ overrides: [{ tagOverrides: { '': { value: 'request.host' } } }] }],
      })).toThrow(/\[test\/t\] metrics\[0\]\.overrides\[0\]\.tagOverrides "" is invalid: the tag name is empty/);
    });

    test('metric and customMetric together', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        metrics: [{ overrides: [{ metric: TelemetryMetric.REQUEST_COUNT, customMetric: 'my_metric', disabled: true }] }],
      })).toThrow(/\[test\/t\] metrics\[0\]\.overrides\[0\]\.metric and metrics\[0\]\.overrides\[0\]\.customMetric .*mutually exclusive.*Fix: select either/);
    });

    test('empty customMetric name', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { metrics: [{ overrides: [{ customMetric: '', disabled: true }] }] }))
        .toThrow(/\[test\/t\] metrics\[0\]\.overrides\[0\]\.customMetric "" is invalid: the metric name is empty/);
    });

    test('reporting interval below 1ms', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { metrics: [{ reportingInterval: Duration.millis(0) }] }))
        .toThrow(/\[test\/t\] metrics\[0\]\.reportingInterval "0ms" is invalid: .*at least 1ms/);
    });

    test('empty access-log filter expression', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { accessLogging: [{ providers: ['envoy'], filter: '  ' }] }))
        .toThrow(/\[test\/t\] accessLogging\[0\]\.filter "  " is invalid: the filter expression is empty\. Fix: .*omit `filter`/);
    });

    test('empty literal custom tag value', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { tracing: [{ customTags: { cluster: TracingCustomTag.literal('') } }] }))
        .toThrow(/\[test\/t\] tracing\[0\]\.customTags\.cluster\.literal\.value "" is invalid: a literal tag needs a non-empty value/);
    });

    test('empty header / environment / formatter custom tags', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 'h', { tracing: [{ customTags: { u: TracingCustomTag.header('') } }] }))
        .toThrow(/\[test\/h\] tracing\[0\]\.customTags\.u\.header\.name "" is invalid: .*request header.*Fix: pass a header name/);
      expect(() => new Telemetry(chart, 'e', { tracing: [{ customTags: { p: TracingCustomTag.environment('') } }] }))
        .toThrow(/\[test\/e\] tracing\[0\]\.customTags\.p\.environment\.name "" is invalid: .*environment variable/);
      expect(() => new Telemetry(chart, 'f', { tracing: [{ customTags: { p: TracingCustomTag.formatter('') } }] }))
        .toThrow(/\[test\/f\] tracing\[0\]\.customTags\.p\.formatter\.value "" is invalid/);
    });

    test('empty custom tag name', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', { tracing: [{ customTags: { '': TracingCustomTag.literal('x') } }] }))
        .toThrow(/\[test\/t\] tracing\[0\]\.customTags "" is invalid: the tag name is empty/);
    });

    test('selector and targetRefs together', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 't', {
        selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
        targetRefs: [TelemetryTargetRef.gateway('gw')],
        accessLogging: [{ providers: ['envoy'] }],
      })).toThrow(/\[test\/t\] selector and targetRefs .*mutually exclusive\. Fix: use either a workload `selector` or `targetRefs`/);
    });

    test('empty, duplicate, too many and badly named targetRefs', () => {
      const chart = fragmentChart();
      expect(() => new Telemetry(chart, 'a', { targetRefs: [] })).toThrow(/\[test\/a\] targetRefs \[\] is invalid: the list must not be empty/);
      expect(() => new Telemetry(chart, 'b', { targetRefs: [TelemetryTargetRef.gateway('gw'), TelemetryTargetRef.gateway('gw')] }))
        .toThrow(/\[test\/b\] targetRefs "gateway.networking.k8s.io\/Gateway\/gw" is invalid: the value appears more than once/);
      const many = Array.from({ length: 17 }, (_, i) => TelemetryTargetRef.service(`s${i}`));
      expect(() => new Telemetry(chart, 'c', { targetRefs: many })).toThrow(/\[test\/c\] targetRefs .* is invalid: Istio accepts at most 16 target references \(got 17\)/);
      expect(() => new Telemetry(chart, 'd', { targetRefs: [TelemetryTargetRef.service('')] }))
        .toThrow(/\[test\/d\] targetRefs\[0\]\.name "" is invalid: the Service name is empty\. Fix: .*TelemetryTargetRef\.service/);
      expect(() => new Telemetry(chart, 'e', { targetRefs: [TelemetryTargetRef.serviceEntry('Bad_Name')] }))
        .toThrow(/\[test\/e\] targetRefs\[0\]\.name "Bad_Name" is invalid: it must be a DNS-1123 subdomain/);
    });

    test('a Telemetry that configures nothing fails synth', () => {
      const chart = fragmentChart();
      new Telemetry(chart, 't', { selector: WorkloadSelector.fromLabels({ app: 'x' }) });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/t\] .*the Telemetry configures nothing\. Fix: add a rule with addTracing\(\)/);
    });

    test('selector with no labels fails synth', () => {
      const chart = fragmentChart();
      new Telemetry(chart, 't', { selector: WorkloadSelector.fromLabels({}), accessLogging: [{ providers: ['envoy'] }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/t\] selector .*must not be empty/);
    });
  });
});
