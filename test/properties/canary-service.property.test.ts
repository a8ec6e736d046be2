// Property: any type-correct CanaryService input is either refused with a library error or
// synthesizes objects that pass schema/CEL/metadata validation and istiod's admission rules.
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { Protocol } from '../../src/core/protocol';
import { CanaryService, CanaryServiceProps } from '../../src/patterns/canary-service';
import { RequestMatch } from '../../src/patterns/fault-injection';
import { CircuitBreaker, RetryPolicy } from '../../src/patterns/resilience';
import { PROPERTY_RUNS, assertRefusedOrAdmitted, optional, pick } from '../support/properties';


const version = (names: string[]) => fc.record({
  version: pick(names, ['', 'v_1', 'bad version']),
  image: pick(['example/reviews:1', 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3'], ['', 'has space:1']),
  replicas: optional(pick([1, 2, 3], [-1, 1.5])),
}, { requiredKeys: ['version', 'image'] });

const props: fc.Arbitrary<CanaryServiceProps> = fc.record({
  serviceName: optional(pick(['reviews', 'ratings-v'], ['Reviews', '9lives', ''])),
  port: pick([80, 9080, 8080], [0, 70000]),
  protocol: optional(fc.constantFrom(Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC)),
  stable: version(['v1', 'stable', 'V1']),
  canary: version(['v2', 'canary', 'V2']),
  canaryWeight: optional(pick([0, 5, 10, 50, 100], [-1, 101, 12.5])),
  canaryFor: optional(fc.array(fc.oneof(
    pick(['jason', 'tester'], ['']).map((u) => RequestMatch.user(u)),
    fc.tuple(pick(['beta'], ['bad cookie']), pick(['yes'], [''])).map(([n, v]) => RequestMatch.cookie(n, v)),
  ), { minLength: 1, maxLength: 2 })),
  mirrorPercentage: optional(pick([0, 10, 100], [-5, 150])),
  retries: optional(fc.oneof(
    fc.constant(RetryPolicy.standard()),
    fc.constant(RetryPolicy.none()),
    pick([1, 3], [0, -1]).map((attempts) => RetryPolicy.standard({ attempts, perTryTimeout: Duration.seconds(2) })),
  )),
  circuitBreaker: optional(fc.constantFrom(CircuitBreaker.standard(), CircuitBreaker.forTesting())),
  timeout: optional(pick([1000, 10_000], [0]).map((ms) => Duration.millis(ms))),
}, { requiredKeys: ['port', 'stable', 'canary'] });

test(`CanaryService: ${PROPERTY_RUNS} generated inputs are refused by the library or admitted everywhere`, () => {
  assertRefusedOrAdmitted('CanaryService', props, (chart, p) => new CanaryService(chart, 'canary', p));
});
