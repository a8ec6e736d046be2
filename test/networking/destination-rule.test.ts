import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { DestinationRule } from '../../src/networking/destination-rule';
import { ClientTls } from '../../src/networking/traffic-policy-client-tls';
import { LoadBalancer, SimpleLoadBalancer } from '../../src/networking/traffic-policy-load-balancer';

describe('DestinationRule', () => {
  test('subsets with a circuit breaker and mTLS (snapshot)', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'reviews', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      host: 'reviews.bookinfo.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST),
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 10 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(30), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
        tls: ClientTls.istioMutual(),
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      exportTo: ['.'],
    }).addSubset('v2', { version: 'v2' }, { loadBalancer: LoadBalancer.consistentHashByCookie({ name: 'user', ttl: Duration.seconds(0) }) });
    const out = Testing.synth(chart);
    expect(out[0].apiVersion).toBe('networking.istio.io/v1');
    expect(out[0].kind).toBe('DestinationRule');
    expect(out[0].spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'user', ttl: '0s' } } } } },
    ]);
    expect(out).toMatchSnapshot();
  });

  test('minimal rule: host only', () => {
    const chart = Testing.chart();
    const dr = new DestinationRule(chart, 'details', { host: 'details' });
    expect(Testing.synth(chart)[0].spec).toEqual({ host: 'details' });
    expect(dr.host).toBe('details');
    expect(dr.kind).toBe('DestinationRule');
  });

  test('subset lookup for route checks', () => {
    const dr = new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    dr.addSubset('v2', { version: 'v2' }).addSubset('v3', { version: 'v3' });
    expect(dr.subsetNames).toEqual(['v1', 'v2', 'v3']);
    expect(dr.hasSubset('v2')).toBe(true);
    expect(dr.hasSubset('v4')).toBe(false);
  });

  test('subsets added after construction are rendered (lazy spec)', () => {
    const chart = Testing.chart();
    const dr = new DestinationRule(chart, 'ratings', { host: 'ratings' });
    const before = Testing.synth(chart)[0].spec;
    dr.addSubset('v1', { version: 'v1' });
    expect(before.subsets).toBeUndefined();
    expect(Testing.synth(chart)[0].spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  test('workload selector from a cdk8s-plus Deployment renders matchLabels', () => {
    const chart = Testing.chart();
    const deployment = new Deployment(chart, 'ratings', { containers: [{ image: 'ratings:1' }] });
    new DestinationRule(chart, 'dr', { host: 'ratings', workloadSelector: WorkloadSelector.fromWorkload(deployment), exportTo: ['.'], trafficPolicy: { tls: ClientTls.istioMutual() } });
    const dr = Testing.synth(chart).find((o) => o.kind === 'DestinationRule');
    expect(dr.spec.workloadSelector).toEqual({ matchLabels: deployment.matchLabels });
    expect(dr.spec.exportTo).toEqual(['.']);
  });

  test('rebuilds Istio\'s Bookinfo destination-rule-all-mtls.yaml', () => {
    const file = join(__dirname, '..', 'fixtures', 'istio-1.30.3-bookinfo', 'networking', 'destination-rule-all-mtls.yaml');
    const reference = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((o) => o);
    expect(reference.length).toBe(4);
    const chart = Testing.chart();
    const versions: { [host: string]: string[] } = { productpage: ['v1'], reviews: ['v1', 'v2', 'v3'], ratings: ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'], details: ['v1', 'v2'] };
    for (const [host, subsets] of Object.entries(versions)) {
      const dr = new DestinationRule(chart, host, { metadata: { name: host }, host, trafficPolicy: { tls: ClientTls.istioMutual() } });
      for (const s of subsets) dr.addSubset(s, { version: s });
    }
    const out = Testing.synth(chart);
    for (const ref of reference) {
      const mine = out.find((o) => o.metadata.name === ref.metadata.name);
      expect(mine.apiVersion).toBe(ref.apiVersion);
      expect(mine.spec).toEqual(ref.spec);
    }
  });

  describe('bad input', () => {
    test('duplicate subset name', () => {
      const dr = new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews' }).addSubset('v1', { version: 'v1' });
      expect(() => dr.addSubset('v1', { version: 'v2' })).toThrow(/\[test\/reviews\] subset name "v1" is invalid: the rule already has a subset with this name\. Fix: give each subset a unique name/);
    });

    test('subset name that is not a DNS-1123 label', () => {
      expect(() => new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews', subsets: [{ name: 'V1_canary', labels: { version: 'v1' } }] }))
        .toThrow(/\[test\/reviews\] subset name "V1_canary" is invalid: it must be a DNS-1123 label/);
    });

    test('host with scheme and port', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'https://reviews:9080' }))
        .toThrow(/\[test\/dr\] host "https:\/\/reviews:9080" is invalid/);
    });

    test('host with a namespace prefix', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'bookinfo/reviews' })).toThrow(/host "bookinfo\/reviews" is invalid: a DestinationRule host cannot carry a namespace prefix.*Fix: use the FQDN/);
    });

    test('workload-selected rule exported to other namespaces', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }), exportTo: ['*'] }))
        .toThrow(/exportTo \["\*"\] is invalid: a DestinationRule with a workloadSelector cannot be exported beyond its own namespace/);
    });

    test('exportTo mixing "*" with namespaces', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews', exportTo: ['*', 'bookinfo'] })).toThrow(/exportTo \["\*","bookinfo"\] is invalid: "\*" \(all namespaces\) cannot be combined/);
    });

    test('subset label with a wildcard', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews' }).addSubset('v1', { version: 'v*' }))
        .toThrow(/\[test\/dr\] subsets\[v1\]\.labels label "version" "v\*" is invalid: a label value/);
    });

    test('an error inside a subset policy names the subset', () => {
      expect(() => new DestinationRule(Testing.chart(), 'dr', { host: 'reviews' }).addSubset('v2', { version: 'v2' }, { tls: ClientTls.mutual({}) }))
        .toThrow(/\[test\/dr\] subsets\[v2\]\.trafficPolicy\.tls \{\} is invalid: MUTUAL TLS needs a client certificate/);
    });

    test('workload selector with a wildcard label value fails at synth', () => {
      const chart = Testing.chart();
      new DestinationRule(chart, 'dr', { host: 'reviews', workloadSelector: WorkloadSelector.fromLabels({ app: 'rev*' }) });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/dr\] workloadSelector.*"rev\*" is invalid/);
    });
  });
});
