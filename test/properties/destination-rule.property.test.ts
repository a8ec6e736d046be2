// Property: any type-correct DestinationRule input is either refused with a library error or
// synthesizes objects that pass schema/CEL/metadata validation and istiod's admission rules.
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { DestinationRule, DestinationRuleProps } from '../../src/networking/destination-rule';
import { TrafficPolicy } from '../../src/networking/traffic-policy';
import { ClientTls } from '../../src/networking/traffic-policy-client-tls';
import { LoadBalancer, SimpleLoadBalancer } from '../../src/networking/traffic-policy-load-balancer';
import { PROPERTY_RUNS, assertRefusedOrAdmitted, optional, pick as pickOf } from '../support/properties';

const pick = <T>(good: T[], bad: T[]) => pickOf(good, bad, 40);

const millis = pick([1, 10, 500, 30_000], [0, 0.5]).map((ms) => Duration.millis(ms));
const count = pick([1, 5, 100, 2 ** 31 - 1], [-1, 2 ** 31, 1.5]);

const loadBalancer = fc.oneof(
  fc.constantFrom(...Object.values(SimpleLoadBalancer)).map((a) => LoadBalancer.simple(a)),
  pick(['x-user', 'end-user'], ['', 'X_Bad']).map((h) => LoadBalancer.consistentHashByHeader(h)),
  fc.record({ name: pick(['session', 'user'], ['', 'bad name']), ttl: optional(millis) }, { requiredKeys: ['name'] }).map((c) => LoadBalancer.consistentHashByCookie(c)),
  fc.constant(LoadBalancer.consistentHashBySourceIp()),
);

const trafficPolicy: fc.Arbitrary<TrafficPolicy> = fc.record({
  loadBalancer: optional(loadBalancer),
  connectionPool: optional(fc.record({
    tcp: optional(fc.record({
      maxConnections: optional(count), connectTimeout: optional(millis), idleTimeout: optional(millis),
    }, { requiredKeys: [] })),
    http: optional(fc.record({
      http1MaxPendingRequests: optional(count), http2MaxRequests: optional(count), maxRequestsPerConnection: optional(count),
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  outlierDetection: optional(fc.record({
    consecutiveGatewayErrors: optional(count),
    interval: optional(millis),
    baseEjectionTime: optional(millis),
    maxEjectionPercent: optional(pick([10, 50, 100], [-1, 101])),
  }, { requiredKeys: [] })),
  tls: optional(fc.oneof(
    fc.constant(ClientTls.istioMutual()),
    fc.constant(ClientTls.disable()),
    fc.record({ sni: optional(pick(['api.example.com'], ['', 'bad host'])), credentialName: optional(pick(['api-ca'], ['Bad_Name'])) }, { requiredKeys: [] }).map((o) => ClientTls.simple(o)),
  )),
}, { requiredKeys: [] });

const subset = fc.record({
  name: pick(['v1', 'v2', 'V3', 'canary'], ['', 'v_1', 'bad name']),
  labels: optional(fc.dictionary(pick(['version', 'app', 'track'], ['bad key!', '']), pick(['v1', 'V2', 'stable'], ['*', 'bad value']), { minKeys: 1, maxKeys: 2 })),
  trafficPolicy: optional(trafficPolicy),
}, { requiredKeys: ['name'] });

const props: fc.Arbitrary<DestinationRuleProps> = fc.record({
  host: pick(['reviews', 'reviews.shop.svc.cluster.local', '*.example.com', 'api.example.com'], ['', 'my_svc', 'https://x', '*']),
  trafficPolicy: optional(trafficPolicy),
  subsets: optional(fc.array(subset, { maxLength: 3 })),
  exportTo: optional(pick([['.'], ['*'], ['shop']], [['Bad_NS'], ['.', '.']])),
  workloadSelector: optional(pick([WorkloadSelector.fromLabels({ app: 'productpage' })], [WorkloadSelector.fromLabels({ app: 'a*' })])),
}, { requiredKeys: ['host'] });

test(`DestinationRule: ${PROPERTY_RUNS} generated inputs are refused by the library or admitted everywhere`, () => {
  assertRefusedOrAdmitted('DestinationRule', props, (chart, p) => new DestinationRule(chart, 'dr', p));
});
