// Property: any type-correct VirtualService input is either refused with a library error or
// synthesizes objects that pass schema/CEL/metadata validation and istiod's admission rules.
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { FaultAbort } from '../../src/networking/route-fault';
import { HttpRoute } from '../../src/networking/route-http';
import { HttpRetryOn } from '../../src/networking/route-retry';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService, VirtualServiceProps } from '../../src/networking/virtual-service';
import { PROPERTY_RUNS, assertRefusedOrAdmitted, optional, pick as pickOf } from '../support/properties';

const pick = <T>(good: T[], bad: T[]) => pickOf(good, bad, 40);

const host = pick(['reviews', 'reviews.shop.svc.cluster.local', '*.example.com', 'API.example.com', 'ratings'], ['*', 'my_svc', '', 'a..b', 'https://x.io']);
const text = pick(['/api', '/', 'a(?i)b', '^/v[0-9]+$', '/a b', '%'], ['', '\\Z', '(?=x)', 'a{1001}', 'x'.repeat(1100)]);
const stringMatch = fc.oneof(
  text.map((t) => StringMatch.exact(t)),
  text.map((t) => StringMatch.prefix(t)),
  text.map((t) => StringMatch.regex(t)),
);
const headerName = pick(['x-user', 'end-user', 'x-b3-sampled'], ['X-Mixed', 'x_bad', '', ':authority', 'Host']);
const setHeaderName = pick(['x-user', 'X-Mixed', 'end-user'], ['x_bad', '', ':authority', 'Host']);
const headerValue = pick(['ok', 'a%%b', 'jason', ''], ['%', '%{x}%', 'a\nb', 'a\u0000']);
const millis = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 5000 }), weight: 40 },
  { arbitrary: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true })), weight: 1 },
);
const percentage = fc.oneof(
  { arbitrary: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 50, 100)), weight: 40 },
  { arbitrary: fc.constantFrom(-1, 101, 0.00001, Number.NaN), weight: 1 },
);

const service = pick(['reviews', 'ratings', 'reviews.shop.svc.cluster.local', 'api.example.com'], ['*.example.com', '*', 'my_svc', '']);
const destinations = fc.array(fc.record({
  host: service,
  subset: optional(pick(['v1', 'V2'], ['v_1', ''])),
  weight: optional(pick([0, 10, 50, 90, 100], [-10, 120, 33.5])),
  port: optional(pick([80, 9080], [0, 70000])),
}, { requiredKeys: ['host'] }), { minLength: 1, maxLength: 3 });
const redirect = fc.record({
  uri: optional(pick(['/v2'], ['', 'x'])),
  redirectCode: optional(pick([301, 302, 308], [300, 304, 500])),
  scheme: optional(pick(['https', 'http'], ['HTTPS', 'ftp'])),
}, { requiredKeys: [] });
/** Usually exactly one action (route or redirect); rarely none or two. */
const action = fc.oneof(
  { arbitrary: destinations.map((route) => ({ route })), weight: 40 },
  { arbitrary: redirect.map((r) => ({ redirect: r })), weight: 8 },
  { arbitrary: fc.constantFrom({}, { route: [] }), weight: 1 },
  { arbitrary: fc.tuple(destinations, redirect).map(([route, r]) => ({ route, redirect: r })), weight: 1 },
);

const abort = fc.tuple(pick([503, 500, 429], [0, 600]), optional(percentage)).map(([st, p]) => FaultAbort.http(st, { percentage: p }));
const delay = fc.record({ fixedDelay: millis.map((ms) => Duration.millis(ms)), percentage: optional(percentage) }, { requiredKeys: ['fixedDelay'] });

const options = fc.record({
  name: optional(pick(['default', 'v2'], ['Bad Name', ''])),
  match: optional(fc.array(fc.record({
    uri: optional(stringMatch),
    method: optional(pick(['GET', 'PURGE'], ['get', '']).map((m) => StringMatch.exact(m))),
    headers: optional(fc.dictionary(headerName, stringMatch, { maxKeys: 2 })),
    port: optional(pick([80, 9080, 443], [-1, 0, 70000])),
  }, { requiredKeys: [] }), { maxLength: 2 })),
  timeout: optional(millis.map((ms) => Duration.millis(ms))),
  retries: optional(fc.record({
    attempts: pick([1, 2, 3, 5], [-1, 0]),
    perTryTimeout: optional(millis.map((ms) => Duration.millis(ms))),
    retryOn: optional(pick([[HttpRetryOn.SERVER_ERROR_5XX], [HttpRetryOn.statusCode(503)]], [[]])),
  }, { requiredKeys: ['attempts'] })),
  fault: optional(fc.oneof(
    { arbitrary: fc.record({ abort: abort, delay: optional(delay) }), weight: 20 },
    { arbitrary: fc.record({ delay }), weight: 20 },
    { arbitrary: fc.constant({}), weight: 1 },
  )),
  mirror: optional(fc.record({ host: service }, { requiredKeys: ['host'] })),
  requestHeaders: optional(fc.record({ set: fc.dictionary(setHeaderName, headerValue, { minKeys: 1, maxKeys: 2 }) })),
}, { requiredKeys: [] });

const mirroring = fc.oneof(
  { arbitrary: fc.constant({}), weight: 10 },
  { arbitrary: fc.record({ mirror: fc.record({ host: service }), mirrorPercentage: optional(percentage) }, { requiredKeys: ['mirror'] }), weight: 5 },
  { arbitrary: percentage.map((mirrorPercentage) => ({ mirrorPercentage })), weight: 1 },
);

const route: fc.Arbitrary<HttpRoute> = fc.tuple(action, options, mirroring).map(([a, o, m]) => ({ ...o, ...m, ...a }) as HttpRoute);

const props: fc.Arbitrary<VirtualServiceProps> = fc.record({
  hosts: fc.oneof({ arbitrary: fc.uniqueArray(host, { minLength: 1, maxLength: 3 }), weight: 40 }, { arbitrary: fc.constantFrom<string[]>([], ['reviews', 'reviews']), weight: 1 }),
  http: fc.oneof({ arbitrary: fc.array(route, { minLength: 1, maxLength: 3 }), weight: 40 }, { arbitrary: fc.constant<HttpRoute[]>([]), weight: 1 }),
  exportTo: optional(pick([['.'], ['*'], ['shop', 'istio-system']], [['Bad_NS'], ['*', 'shop'], ['.', '.']])),
}, { requiredKeys: ['hosts', 'http'] });

test(`VirtualService: ${PROPERTY_RUNS} generated inputs are refused by the library or admitted everywhere`, () => {
  assertRefusedOrAdmitted('VirtualService', props, (chart, p) => new VirtualService(chart, 'vs', p));
});
