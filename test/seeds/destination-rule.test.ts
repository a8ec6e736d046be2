import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { expectSameAsSeed, loadSeed } from './seed';
import { DestinationRule } from '../../src/networking/destination-rule';
import { H2UpgradePolicy } from '../../src/networking/traffic-policy-connection-pool';
import { LoadBalancer, SimpleLoadBalancer } from '../../src/networking/traffic-policy-load-balancer';

describe('seed snippets: DestinationRule', () => {
  test('seed 000: reviews subsets v1, v2, v3', () => {
    const [seed] = loadSeed('000-dr-reviews-subsets.yaml');
    const chart = Testing.chart();
    new DestinationRule(chart, 'reviews', { metadata: { name: 'reviews' }, host: 'reviews' })
      .addSubset('v1', { version: 'v1' })
      .addSubset('v2', { version: 'v2' })
      .addSubset('v3', { version: 'v3' });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 000: connection pool, load balancer and outlier detection (seed invalid as written: simple + consistentHash)', () => {
    const [seed] = loadSeed('000-dr-reviews-lb-outlier.yaml');
    // The seed sets loadBalancer.simple AND loadBalancer.consistentHash; the v1 CRD's oneOf
    // rejects that, and LoadBalancer cannot express it. We rebuild it with the session
    // affinity (consistentHash) the snippet asks for, and compare everything else.
    delete seed.spec.trafficPolicy.loadBalancer.simple;
    const chart = Testing.chart();
    new DestinationRule(chart, 'reviews', {
      metadata: { name: 'reviews' },
      host: 'reviews',
      trafficPolicy: {
        connectionPool: {
          tcp: { maxConnections: 100 },
          http: { h2UpgradePolicy: H2UpgradePolicy.UPGRADE, http1MaxPendingRequests: 100, http2MaxRequests: 1000 },
        },
        loadBalancer: LoadBalancer.consistentHashByHeader('x-user-id'),
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: Duration.seconds(30),
          baseEjectionTime: Duration.seconds(30),
          maxEjectionPercent: 50,
        },
      },
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: my-service with LEAST_CONN and two subsets', () => {
    const [seed] = loadSeed('001-dr-my-service-least-conn.yaml');
    const chart = Testing.chart();
    new DestinationRule(chart, 'my-service', {
      metadata: { name: 'my-service' },
      host: 'my-service',
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_CONN) },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: user-service circuit breaker', () => {
    const [seed] = loadSeed('001-dr-user-service-circuit-breaker.yaml');
    const chart = Testing.chart();
    new DestinationRule(chart, 'user-service', {
      metadata: { name: 'user-service' },
      host: 'user-service',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 10 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.minutes(1), baseEjectionTime: Duration.minutes(15) },
      },
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 002: productcatalogservice subsets by app + version', () => {
    const [seed] = loadSeed('002-dr-productcatalogservice-subsets.yaml');
    const chart = Testing.chart();
    const dr = new DestinationRule(chart, 'dr', { metadata: { name: 'productcatalogservice' }, host: 'productcatalogservice' });
    for (const v of ['v1', 'v2']) dr.addSubset(v, { app: 'productcatalogservice', version: v });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 003: connection pool + subsets template (placeholders substituted)', () => {
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'seeds', '003-dr-connection-pool-subsets-template.yaml'), 'utf8')
      .split('[目标服务名称]').join('reviews')
      .split('[命名空间]').join('bookinfo');
    const seed = parse(text);
    const chart = Testing.chart();
    new DestinationRule(chart, 'dr', {
      metadata: { name: 'reviews-dr', namespace: 'bookinfo' },
      host: 'reviews.bookinfo.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 1000, maxRequestsPerConnection: 100 } },
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: productpage circuit breaker', () => {
    const [seed] = loadSeed('004-dr-productpage-circuit-breaker.yaml');
    const chart = Testing.chart();
    new DestinationRule(chart, 'productpage', {
      metadata: { name: 'productpage' },
      host: 'productpage',
      trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http2MaxRequests: 3, maxRequestsPerConnection: 1 } } },
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
