import { Duration, Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { OutlierDetection } from '../../src/networking/traffic-policy-outlier-detection';

function render(outlierDetection: OutlierDetection): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', trafficPolicy: { outlierDetection } });
  return Testing.synth(chart)[0].spec.trafficPolicy.outlierDetection;
}

function build(outlierDetection: OutlierDetection): () => void {
  return () => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', trafficPolicy: { outlierDetection } });
}

describe('OutlierDetection', () => {
  test('all settings, rendered under their Istio names', () => {
    expect(render({
      consecutive5xxErrors: 5,
      consecutiveGatewayErrors: 3,
      consecutiveLocalOriginFailures: 2,
      splitExternalLocalOriginErrors: true,
      interval: Duration.seconds(10),
      baseEjectionTime: Duration.minutes(3),
      maxEjectionPercent: 100,
      minHealthPercent: 0,
    })).toEqual({
      consecutive5xxErrors: 5,
      consecutiveGatewayErrors: 3,
      consecutiveLocalOriginFailures: 2,
      splitExternalLocalOriginErrors: true,
      interval: '10s',
      baseEjectionTime: '3m',
      maxEjectionPercent: 100,
      minHealthPercent: 0,
    });
  });

  test('0 turns the 5xx check off', () => {
    expect(render({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 5 })).toEqual({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 5 });
  });

  describe('bad input', () => {
    test('maxEjectionPercent above 100', () => {
      expect(build({ maxEjectionPercent: 150 })).toThrow(/\[test\/dr\] trafficPolicy\.outlierDetection\.maxEjectionPercent 150 is invalid: a percentage must be an integer from 0 to 100/);
    });

    test('negative error count', () => {
      expect(build({ consecutive5xxErrors: -5 })).toThrow(/outlierDetection\.consecutive5xxErrors -5 is invalid/);
    });

    test('local-origin failures without splitting them out', () => {
      expect(build({ consecutiveLocalOriginFailures: 3 })).toThrow(/consecutiveLocalOriginFailures 3 is invalid: .*splitExternalLocalOriginErrors is true/);
    });

    test('sub-millisecond interval', () => {
      expect(build({ interval: Duration.millis(0.5) })).toThrow(/outlierDetection\.interval "0\.5ms" is invalid/);
    });
  });
});
