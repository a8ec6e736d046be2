import { Duration, Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { ConnectionPool, H2UpgradePolicy } from '../../src/networking/traffic-policy-connection-pool';

function render(connectionPool: ConnectionPool): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', trafficPolicy: { connectionPool } });
  return Testing.synth(chart)[0].spec.trafficPolicy.connectionPool;
}

function build(connectionPool: ConnectionPool): () => void {
  return () => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', trafficPolicy: { connectionPool } });
}

describe('ConnectionPool', () => {
  test('every TCP and HTTP setting', () => {
    expect(render({
      tcp: {
        maxConnections: 100,
        connectTimeout: Duration.millis(250),
        idleTimeout: Duration.seconds(0),
        maxConnectionDuration: Duration.hours(1),
        tcpKeepalive: { probes: 3, time: Duration.minutes(2), interval: Duration.seconds(75) },
      },
      http: {
        http1MaxPendingRequests: 10,
        http2MaxRequests: 1000,
        maxRequestsPerConnection: 1,
        maxRetries: 3,
        idleTimeout: Duration.minutes(5),
        h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE,
        maxConcurrentStreams: 100,
      },
    })).toEqual({
      tcp: {
        maxConnections: 100,
        connectTimeout: '250ms',
        idleTimeout: '0s',
        maxConnectionDuration: '1h',
        tcpKeepalive: { probes: 3, time: '2m', interval: '75s' },
      },
      http: {
        http1MaxPendingRequests: 10,
        http2MaxRequests: 1000,
        maxRequestsPerConnection: 1,
        maxRetries: 3,
        idleTimeout: '5m',
        h2UpgradePolicy: 'DO_NOT_UPGRADE',
        maxConcurrentStreams: 100,
      },
    });
  });

  test('0 is accepted (Istio reads it as "not set")', () => {
    expect(render({ tcp: { maxConnections: 0 } })).toEqual({ tcp: { maxConnections: 0 } });
  });

  test('useClientProtocol alone', () => {
    expect(render({ http: { useClientProtocol: true } })).toEqual({ http: { useClientProtocol: true } });
  });

  describe('bad input', () => {
    test('neither tcp nor http', () => {
      expect(build({})).toThrow(/\[test\/dr\] trafficPolicy\.connectionPool \{\} is invalid: a connection pool needs tcp or http settings/);
    });

    test('negative or fractional limits', () => {
      expect(build({ tcp: { maxConnections: -1 } })).toThrow(/connectionPool\.tcp\.maxConnections -1 is invalid: it must be an integer from 0/);
      expect(build({ http: { maxRetries: 2.5 } })).toThrow(/connectionPool\.http\.maxRetries 2\.5 is invalid/);
    });

    test('limit above int32', () => {
      expect(build({ http: { http2MaxRequests: 2 ** 31 } })).toThrow(/http2MaxRequests 2147483648 is invalid: it must be an integer from 0 to 2147483647/);
    });

    test('connect timeout below 1ms', () => {
      expect(build({ tcp: { connectTimeout: Duration.millis(0) } })).toThrow(/connectionPool\.tcp\.connectTimeout "0ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('useClientProtocol contradicts UPGRADE', () => {
      expect(build({ http: { useClientProtocol: true, h2UpgradePolicy: H2UpgradePolicy.UPGRADE } }))
        .toThrow(/h2UpgradePolicy "UPGRADE" is invalid: useClientProtocol keeps the client's protocol/);
    });

    test('negative keepalive probes', () => {
      expect(build({ tcp: { tcpKeepalive: { probes: -3 } } })).toThrow(/tcpKeepalive\.probes -3 is invalid/);
    });
  });
});
