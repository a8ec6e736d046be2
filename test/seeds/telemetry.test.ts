import { Testing } from 'cdk8s';
import { expectSameAsSeed, loadSeed } from './seed';
import { Telemetry } from '../../src/telemetry/telemetry';

// All four Telemetry snippets of the seed documents are in seed 001 (observability
// sections). They use telemetry.istio.io/v1alpha1; we emit v1 with the same spec.
describe('seed snippets: Telemetry', () => {
  test('seed 001: mesh-default tracing to otel at 100% sampling', () => {
    const [seed] = loadSeed('001-telemetry-tracing-otel.yaml');
    const chart = Testing.chart();
    new Telemetry(chart, 'tracing', {
      metadata: { name: 'mesh-default' },
      tracing: [{ providers: ['otel'], randomSamplingPercentage: 100 }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: mesh-default tracing to zipkin at 100% sampling', () => {
    const [seed] = loadSeed('001-telemetry-tracing-zipkin.yaml');
    const chart = Testing.chart();
    new Telemetry(chart, 'tracing', {
      metadata: { name: 'mesh-default' },
      tracing: [{ providers: ['zipkin'], randomSamplingPercentage: 100 }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: mesh-wide Prometheus metrics in istio-system', () => {
    const [seed] = loadSeed('001-telemetry-metrics-prometheus.yaml');
    const chart = Testing.chart();
    new Telemetry(chart, 'metrics', {
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      metrics: [{ providers: ['prometheus'] }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: mesh-wide Envoy access logs in istio-system', () => {
    const [seed] = loadSeed('001-telemetry-access-logging-envoy.yaml');
    const chart = Testing.chart();
    new Telemetry(chart, 'logs', { metadata: { name: 'mesh-default', namespace: 'istio-system' } })
      .addAccessLogging({ providers: ['envoy'] });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
