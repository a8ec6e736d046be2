// Parity of the library with Istio's official Bookinfo traffic scenarios
// (test/fixtures/istio-1.30.3-bookinfo/networking/*.yaml): each file is rebuilt with the
// public API, the way a user would, and compared semantically (see ./normalize.ts).
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BOOKINFO_DIR, expectParity } from './normalize';
import {
  ClientTls,
  DestinationRule,
  FaultAbort,
  Gateway,
  HttpFault,
  HttpRouteDestination,
  LoadBalancer,
  Protocol,
  Server,
  ServiceEntry,
  ServiceEntryResolution,
  SimpleLoadBalancer,
  StringMatch,
  Subset,
  TrafficPolicy,
  VirtualService,
  WorkloadSelector,
} from '../../src';
import { fragmentChart } from '../support/fragment';

// ---------------------------------------------------------------- user-level helpers

/** Subsets selecting pods by their `version` label, e.g. `versions('v1', 'v2')`. */
function versions(...names: string[]): Subset[] {
  return names.map((name) => ({ name, labels: { version: name } }));
}

/** A DestinationRule named after its host, with one subset per version. */
function destinationRule(scope: Construct, host: string, subsetNames: string[], trafficPolicy?: TrafficPolicy, id = host): DestinationRule {
  return new DestinationRule(scope, id, { metadata: { name: host }, host, trafficPolicy, subsets: versions(...subsetNames) });
}

/** A mesh VirtualService named after its host, with one HTTP rule sending everything to `route`. */
function routeAll(scope: Construct, host: string, route: HttpRouteDestination[], id = host): VirtualService {
  return new VirtualService(scope, id, { metadata: { name: host }, hosts: [host], http: [{ route }] });
}

/** The four Bookinfo DestinationRules of destination-rule-all(-mtls).yaml. */
function allDestinationRules(scope: Construct, trafficPolicy?: TrafficPolicy): void {
  destinationRule(scope, 'productpage', ['v1'], trafficPolicy);
  destinationRule(scope, 'reviews', ['v1', 'v2', 'v3'], trafficPolicy);
  destinationRule(scope, 'ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'], trafficPolicy);
  destinationRule(scope, 'details', ['v1', 'v2'], trafficPolicy);
}

/** reviews → v3, ratings → `ratingsSubset` (the ratings database scenarios). */
function ratingsBackend(ratingsSubset: string) {
  const chart = fragmentChart();
  routeAll(chart, 'reviews', [{ host: 'reviews', subset: 'v3' }]);
  routeAll(chart, 'ratings', [{ host: 'ratings', subset: ratingsSubset }]);
  return chart;
}

/** reviews split between two subsets by weight. */
function reviewsSplit(a: [string, number], b: [string, number]) {
  const chart = fragmentChart();
  routeAll(chart, 'reviews', [
    { host: 'reviews', subset: a[0], weight: a[1] },
    { host: 'reviews', subset: b[0], weight: b[1] },
  ]);
  return chart;
}

/** Requests from user jason go to `jasonSubset`, everything else to `otherSubset`. */
function reviewsForJason(jasonSubset: string, otherSubset: string) {
  const chart = fragmentChart();
  new VirtualService(chart, 'reviews', {
    metadata: { name: 'reviews' },
    hosts: ['reviews'],
    http: [
      { match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ host: 'reviews', subset: jasonSubset }] },
      { route: [{ host: 'reviews', subset: otherSubset }] },
    ],
  });
  return chart;
}

/** ratings v1 for everyone, with a fault injected for user jason. */
function ratingsFaultForJason(fault: HttpFault) {
  const chart = fragmentChart();
  new VirtualService(chart, 'ratings', {
    metadata: { name: 'ratings' },
    hosts: ['ratings'],
    http: [
      { match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], fault, route: [{ host: 'ratings', subset: 'v1' }] },
      { route: [{ host: 'ratings', subset: 'v1' }] },
    ],
  });
  return chart;
}

// ---------------------------------------------------------------- one builder per file

const builders: { [file: string]: () => ReturnType<typeof fragmentChart> } = {
  'bookinfo-gateway.yaml': () => {
    const chart = fragmentChart();
    const gateway = new Gateway(chart, 'bookinfo-gateway', {
      metadata: { name: 'bookinfo-gateway' },
      selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
      servers: [Server.http({ port: 8080, portName: 'http', hosts: ['*'] })],
    });
    new VirtualService(chart, 'bookinfo', {
      metadata: { name: 'bookinfo' },
      hosts: ['*'],
      gateways: [gateway],
      http: [{
        match: [
          { uri: StringMatch.exact('/productpage') },
          { uri: StringMatch.prefix('/static') },
          { uri: StringMatch.exact('/login') },
          { uri: StringMatch.exact('/logout') },
          { uri: StringMatch.prefix('/api/v1/products') },
        ],
        route: [{ host: 'productpage', port: 9080 }],
      }],
    });
    return chart;
  },

  'certmanager-gateway.yaml': () => {
    const chart = fragmentChart();
    const gateway = new Gateway(chart, 'cert-manager-gateway', {
      metadata: { name: 'cert-manager-gateway', namespace: 'istio-system' },
      selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
      servers: [Server.http({ hosts: ['*'] })],
    });
    new VirtualService(chart, 'cert-manager', {
      metadata: { name: 'cert-manager', namespace: 'istio-system' },
      hosts: ['*'],
      // Same namespace as the gateway: refer to it by its bare name, as the official file does.
      gateways: [gateway],
      http: [{
        match: [{ uri: StringMatch.prefix('/.well-known/acme-challenge/') }],
        route: [{ host: 'cert-manager-resolver', port: 8089 }],
      }],
    });
    return chart;
  },

  'destination-rule-all-mtls.yaml': () => {
    const chart = fragmentChart();
    allDestinationRules(chart, { tls: ClientTls.istioMutual() });
    return chart;
  },

  'destination-rule-all.yaml': () => {
    const chart = fragmentChart();
    allDestinationRules(chart);
    return chart;
  },

  'destination-rule-reviews.yaml': () => {
    const chart = fragmentChart();
    destinationRule(chart, 'reviews', ['v1', 'v2', 'v3'], { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM) });
    return chart;
  },

  'egress-rule-google-apis.yaml': () => {
    const chart = fragmentChart();
    const host = 'www.googleapis.com';
    new ServiceEntry(chart, 'googleapis', {
      metadata: { name: 'googleapis' },
      hosts: [host],
      resolution: ServiceEntryResolution.DNS,
      ports: [
        { number: 80, name: 'http', protocol: Protocol.HTTP },
        { number: 443, name: 'https', protocol: Protocol.HTTPS },
      ],
    });
    new VirtualService(chart, 'rewrite-port-for-googleapis', {
      metadata: { name: 'rewrite-port-for-googleapis' },
      hosts: [host],
      http: [{ match: [{ port: 80 }], route: [{ host, port: 443 }] }],
    });
    new DestinationRule(chart, 'originate-tls-for-googleapis', {
      metadata: { name: 'originate-tls-for-googleapis' },
      host,
      trafficPolicy: {
        loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
        portLevelSettings: [{ port: 443, tls: ClientTls.simple() }],
      },
    });
    return chart;
  },

  'fault-injection-details-v1.yaml': () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'details-routes', {
      metadata: { name: 'details' },
      hosts: ['details'],
      http: [
        { fault: { abort: FaultAbort.http(555, { percentage: 100 }) }, route: [{ host: 'details', subset: 'v1' }] },
        { route: [{ host: 'details', subset: 'v1' }] },
      ],
    });
    destinationRule(chart, 'details', ['v1'], undefined, 'details-subsets');
    return chart;
  },

  'virtual-service-all-v1.yaml': () => {
    const chart = fragmentChart();
    for (const service of ['productpage', 'reviews', 'ratings', 'details']) {
      routeAll(chart, service, [{ host: service, subset: 'v1' }]);
    }
    return chart;
  },

  'virtual-service-details-v2.yaml': () => {
    const chart = fragmentChart();
    routeAll(chart, 'details', [{ host: 'details', subset: 'v2' }]);
    return chart;
  },

  'virtual-service-ratings-db.yaml': () => ratingsBackend('v2'),
  'virtual-service-ratings-mysql-vm.yaml': () => ratingsBackend('v2-mysql-vm'),
  'virtual-service-ratings-mysql.yaml': () => ratingsBackend('v2-mysql'),

  'virtual-service-ratings-test-abort.yaml': () => ratingsFaultForJason({ abort: FaultAbort.http(500, { percentage: 100 }) }),
  'virtual-service-ratings-test-delay.yaml': () => ratingsFaultForJason({ delay: { fixedDelay: Duration.seconds(7), percentage: 100 } }),

  'virtual-service-reviews-50-v3.yaml': () => reviewsSplit(['v1', 50], ['v3', 50]),
  'virtual-service-reviews-80-20.yaml': () => reviewsSplit(['v1', 80], ['v2', 20]),
  'virtual-service-reviews-90-10.yaml': () => reviewsSplit(['v1', 90], ['v2', 10]),
  'virtual-service-reviews-v2-v3.yaml': () => reviewsSplit(['v2', 50], ['v3', 50]),

  'virtual-service-reviews-jason-v2-v3.yaml': () => reviewsForJason('v2', 'v3'),
  'virtual-service-reviews-test-v2.yaml': () => reviewsForJason('v2', 'v1'),

  'virtual-service-reviews-v3.yaml': () => {
    const chart = fragmentChart();
    routeAll(chart, 'reviews', [{ host: 'reviews', subset: 'v3' }]);
    return chart;
  },
};

describe('Bookinfo parity: networking/ (Istio 1.30.3)', () => {
  const files = fs.readdirSync(path.join(BOOKINFO_DIR, 'networking')).filter((f) => f.endsWith('.yaml')).sort();

  test('every official networking file has a parity test', () => {
    expect(files).toHaveLength(21);
    expect(Object.keys(builders).sort()).toEqual(files);
  });

  test.each(files)('%s', (file) => {
    expectParity(`networking/${file}`, builders[file]());
  });
});
