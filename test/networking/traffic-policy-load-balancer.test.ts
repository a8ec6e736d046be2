import { Duration, Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { LoadBalancer, SimpleLoadBalancer } from '../../src/networking/traffic-policy-load-balancer';

function render(loadBalancer: LoadBalancer): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'reviews', trafficPolicy: { loadBalancer } });
  return Testing.synth(chart)[0].spec.trafficPolicy.loadBalancer;
}

function build(loadBalancer: LoadBalancer): () => void {
  return () => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', trafficPolicy: { loadBalancer } });
}

describe('LoadBalancer', () => {
  test.each([
    [SimpleLoadBalancer.ROUND_ROBIN],
    [SimpleLoadBalancer.LEAST_REQUEST],
    [SimpleLoadBalancer.RANDOM],
    [SimpleLoadBalancer.PASSTHROUGH],
  ])('simple %s', (algorithm) => {
    expect(render(LoadBalancer.simple(algorithm))).toEqual({ simple: algorithm });
  });

  test('simple with warmup (slow start)', () => {
    expect(render(LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN, { warmup: Duration.seconds(90) })))
      .toEqual({ simple: 'ROUND_ROBIN', warmup: { duration: '90s' } });
  });

  test('consistent hash by header', () => {
    expect(render(LoadBalancer.consistentHashByHeader('x-user'))).toEqual({ consistentHash: { httpHeaderName: 'x-user' } });
  });

  test('consistent hash by cookie with path and ttl, on a ring hash', () => {
    expect(render(LoadBalancer.consistentHashByCookie(
      { name: 'session', path: '/', ttl: Duration.minutes(30) },
      { ringHashMinimumRingSize: 1024 },
    ))).toEqual({ consistentHash: { httpCookie: { name: 'session', path: '/', ttl: '30m' }, ringHash: { minimumRingSize: 1024 } } });
  });

  test('session cookie (ttl 0)', () => {
    expect(render(LoadBalancer.consistentHashByCookie({ name: 'sid', ttl: Duration.seconds(0) })))
      .toEqual({ consistentHash: { httpCookie: { name: 'sid', ttl: '0s' } } });
  });

  test('consistent hash by source IP with Maglev', () => {
    expect(render(LoadBalancer.consistentHashBySourceIp({ maglevTableSize: 65537 })))
      .toEqual({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } });
  });

  test('consistent hash by query parameter', () => {
    expect(render(LoadBalancer.consistentHashByQueryParameter('user'))).toEqual({ consistentHash: { httpQueryParameterName: 'user' } });
  });

  test('locality failover with a custom failoverPriority label', () => {
    expect(render(LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST, {
      locality: { enabled: true, failover: [{ source: 'us-east', destination: 'eu-west' }], failoverPriority: ['example.com/rack'] },
    }))).toEqual({
      simple: 'LEAST_REQUEST',
      localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['example.com/rack'] },
    });
  });

  test('failoverPriority by topology labels alone', () => {
    expect(render(LoadBalancer.locality({ failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] })))
      .toEqual({ localityLbSetting: { failoverPriority: ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] } });
  });

  test('locality distribution only', () => {
    expect(render(LoadBalancer.locality({ distribute: [{ source: 'us-west/zone1/*', weights: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] })))
      .toEqual({ localityLbSetting: { distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] } });
  });

  describe('bad input', () => {
    test('ring hash and Maglev together', () => {
      expect(build(LoadBalancer.consistentHashByHeader('x-user', { ringHashMinimumRingSize: 1024, maglevTableSize: 65537 })))
        .toThrow(/\[test\/dr\] trafficPolicy\.loadBalancer\.consistentHash\.ringHash and trafficPolicy\.loadBalancer\.consistentHash\.maglev .* mutually exclusive.*Fix: choose one hash algorithm/);
    });

    test('Maglev table size that is not prime', () => {
      expect(build(LoadBalancer.consistentHashBySourceIp({ maglevTableSize: 65536 })))
        .toThrow(/maglev\.tableSize 65536 is invalid: Istio requires a prime number below 5000011.*Fix: use e\.g\. 65537/);
      expect(build(LoadBalancer.consistentHashBySourceIp({ maglevTableSize: 5000011 }))).toThrow(/maglev\.tableSize 5000011 is invalid/);
    });

    test('failover combined with a topology label in failoverPriority', () => {
      expect(build(LoadBalancer.locality({ failover: [{ source: 'us-east', destination: 'eu-west' }], failoverPriority: ['topology.kubernetes.io/zone'] })))
        .toThrow(/localityLbSetting\.failoverPriority "topology\.kubernetes\.io\/zone" is invalid: failover already orders endpoints/);
    });

    test('failover between zones instead of regions', () => {
      expect(build(LoadBalancer.locality({ failover: [{ source: 'us-east/zone1', destination: 'us-east/zone2' }] })))
        .toThrow(/failover\[0\]\.source "us-east\/zone1" is invalid: failover is between regions/);
    });

    test('locality with a wildcard in the middle, or a zero weight', () => {
      expect(build(LoadBalancer.locality({ distribute: [{ source: 'us-west/*/rack1', weights: { 'us-west/*': 100 } }] })))
        .toThrow(/distribute\[0\]\.source "us-west\/\*\/rack1" is invalid: a locality is region/);
      expect(build(LoadBalancer.locality({ distribute: [{ source: 'us-west/*', weights: { 'us-west/*': 100, 'us-east/*': 0 } }] })))
        .toThrow(/weights\["us-east\/\*"\] 0 is invalid: a locality weight must be an integer from 1 to 100/);
    });

    test('header name with a colon or space', () => {
      expect(build(LoadBalancer.consistentHashByHeader('x user:'))).toThrow(/consistentHash\.httpHeaderName "x user:" is invalid: an HTTP header name/);
    });

    test('warmup with an algorithm that does not support slow start', () => {
      expect(build(LoadBalancer.simple(SimpleLoadBalancer.RANDOM, { warmup: Duration.seconds(30) })))
        .toThrow(/loadBalancer\.warmup .* is invalid: Envoy supports slow start only for ROUND_ROBIN and LEAST_REQUEST, not RANDOM/);
    });

    test('locality distribution weights that do not add up to 100', () => {
      expect(build(LoadBalancer.locality({ distribute: [{ source: 'us-west/*', weights: { 'us-west/*': 70, 'us-east/*': 20 } }] })))
        .toThrow(/localityLbSetting\.distribute\[0\]\.weights .* is invalid: the weights add up to 90, not 100/);
    });

    test('locality distribute combined with failover', () => {
      expect(build(LoadBalancer.locality({
        distribute: [{ source: 'us-west/*', weights: { 'us-west/*': 100 } }],
        failover: [{ source: 'us-west', destination: 'us-east' }],
      }))).toThrow(/localityLbSetting\.distribute \["us-west\/\*"\] is invalid: distribute cannot be combined with failover/);
    });

    test('failover to the same region', () => {
      expect(build(LoadBalancer.locality({ failover: [{ source: 'us-west', destination: 'us-west' }] })))
        .toThrow(/failover\[0\]\.destination "us-west" is invalid: a region cannot fail over to itself/);
    });

    test('cookie path without a leading slash', () => {
      expect(build(LoadBalancer.consistentHashByCookie({ name: 'sid', path: 'api' })))
        .toThrow(/httpCookie\.path "api" is invalid: a cookie path must start with "\/"/);
    });

    test('empty cookie name', () => {
      expect(build(LoadBalancer.consistentHashByCookie({ name: '' }))).toThrow(/httpCookie\.name "" is invalid: it must not be empty/);
    });
  });
});
