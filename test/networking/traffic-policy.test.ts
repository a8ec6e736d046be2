import { Duration, Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { TrafficPolicy } from '../../src/networking/traffic-policy';
import { ClientTls } from '../../src/networking/traffic-policy-client-tls';
import { LoadBalancer, SimpleLoadBalancer } from '../../src/networking/traffic-policy-load-balancer';

function render(trafficPolicy: TrafficPolicy): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', trafficPolicy });
  return Testing.synth(chart)[0].spec.trafficPolicy;
}

function build(trafficPolicy: TrafficPolicy): () => void {
  return () => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', trafficPolicy });
}

describe('TrafficPolicy', () => {
  test('all destination-level settings together', () => {
    expect(render({
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST),
      connectionPool: { tcp: { maxConnections: 100 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.minutes(1), baseEjectionTime: Duration.minutes(15) },
      tls: ClientTls.istioMutual(),
    })).toEqual({
      loadBalancer: { simple: 'LEAST_REQUEST' },
      connectionPool: { tcp: { maxConnections: 100 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '1m', baseEjectionTime: '15m' },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
  });

  test('port-level settings override per port', () => {
    expect(render({
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
      portLevelSettings: [
        { port: 80, loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST) },
        {
          port: 9080,
          connectionPool: { http: { http2MaxRequests: 10 } },
          outlierDetection: { consecutiveGatewayErrors: 3 },
          tls: ClientTls.disable(),
        },
      ],
    })).toEqual({
      loadBalancer: { simple: 'ROUND_ROBIN' },
      portLevelSettings: [
        { port: { number: 80 }, loadBalancer: { simple: 'LEAST_REQUEST' } },
        { port: { number: 9080 }, connectionPool: { http: { http2MaxRequests: 10 } }, outlierDetection: { consecutiveGatewayErrors: 3 }, tls: { mode: 'DISABLE' } },
      ],
    });
  });

  test('port-level settings alone are a complete policy', () => {
    expect(render({ portLevelSettings: [{ port: 443, tls: ClientTls.simple() }] }))
      .toEqual({ portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] });
  });

  describe('bad input', () => {
    test('empty policy', () => {
      expect(build({})).toThrow(/\[test\/dr\] trafficPolicy \{\} is invalid: a traffic policy needs at least one setting/);
    });

    test('port-level port out of range', () => {
      expect(build({ portLevelSettings: [{ port: 0, tls: ClientTls.simple() }] }))
        .toThrow(/trafficPolicy\.portLevelSettings\[0\]\.port 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('same port twice', () => {
      expect(build({ portLevelSettings: [{ port: 80, tls: ClientTls.simple() }, { port: 80, tls: ClientTls.disable() }] }))
        .toThrow(/trafficPolicy\.portLevelSettings port 80 is invalid: the port already has settings/);
    });

    test('port entry without settings', () => {
      expect(build({ portLevelSettings: [{ port: 8080 }] }))
        .toThrow(/trafficPolicy\.portLevelSettings\[8080\] 8080 is invalid: port-level settings need at least one of/);
    });

    test('errors inside port-level settings name the port', () => {
      expect(build({ portLevelSettings: [{ port: 9080, outlierDetection: { maxEjectionPercent: 101 } }] }))
        .toThrow(/trafficPolicy\.portLevelSettings\[9080\]\.outlierDetection\.maxEjectionPercent 101 is invalid/);
    });
  });
});
