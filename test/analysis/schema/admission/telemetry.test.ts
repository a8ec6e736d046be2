// istiod's Telemetry and ProxyConfig admission rules on objects: a refused object and a nearby admitted one.
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const tel = (spec: Obj) => istioObject('telemetry.istio.io/v1', 'Telemetry', spec);
const pc = (spec: Obj) => istioObject('networking.istio.io/v1beta1', 'ProxyConfig', spec);
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);
const override = (o: Obj) => tel({ metrics: [{ providers: [{ name: 'prometheus' }], overrides: [o] }] });

describe('Telemetry admission', () => {
  test('one of selector and targetRefs', () => {
    pair(tel({ selector: { matchLabels: { app: 'web' } }, targetRefs: [{ kind: 'Service', group: '', name: 'web' }] }), tel({ selector: { matchLabels: { app: 'web' } } }), 'only one of selector, targetRef and targetRefs');
  });
  test('providers are named', () => {
    pair(tel({ accessLogging: [{ providers: [{ name: '' }] }] }), tel({ accessLogging: [{ providers: [{ name: 'envoy' }] }] }), 'a provider reference needs the name');
    pair(tel({ tracing: [{ providers: [{}] }] }), tel({ tracing: [{ providers: [{ name: 'zipkin' }] }] }), 'a provider reference needs the name');
    pair(tel({ metrics: [{ providers: [{ name: '' }] }] }), tel({ metrics: [{ providers: [{ name: 'prometheus' }] }] }), 'a provider reference needs the name');
  });
  test('access-log filters parse as CEL', () => {
    pair(tel({ accessLogging: [{ filter: { expression: 'response.code >=' } }] }), tel({ accessLogging: [{ filter: { expression: 'response.code >= 400' } }] }), 'is not a valid CEL expression');
  });
  test('tag overrides: UPSERT needs a value, REMOVE takes none; customMetric not empty', () => {
    pair(override({ tagOverrides: { request_host: {} } }), override({ tagOverrides: { request_host: { value: 'request.host' } } }), 'with operation UPSERT needs a value');
    pair(override({ tagOverrides: { request_host: { operation: 'REMOVE', value: 'x' } } }), override({ tagOverrides: { request_host: { operation: 'REMOVE' } } }), 'a value is only allowed with operation UPSERT');
    pair(override({ match: { customMetric: '' } }), override({ match: { customMetric: 'my_metric' } }), 'customMetric may not be empty');
  });
  test('tracing: sampling percentage and custom tags', () => {
    pair(tel({ tracing: [{ randomSamplingPercentage: 100.5 }] }), tel({ tracing: [{ randomSamplingPercentage: 100 }] }), 'must be in the range 0..100');
    pair(tel({ tracing: [{ customTags: { env: { literal: { value: '' } } } }] }), tel({ tracing: [{ customTags: { env: { literal: { value: 'prod' } } } }] }), 'a literal tag value may not be empty');
    pair(tel({ tracing: [{ customTags: { user: { header: { name: '' } } } }] }), tel({ tracing: [{ customTags: { user: { header: { name: 'x-user' } } } }] }), 'a header tag needs a header name');
    pair(tel({ tracing: [{ customTags: { pod: { environment: { name: '' } } } }] }), tel({ tracing: [{ customTags: { pod: { environment: { name: 'POD_NAME' } } } }] }), 'an environment tag needs a variable name');
  });
});

describe('ProxyConfig admission', () => {
  test('selector without wildcards; concurrency not negative', () => {
    pair(pc({ selector: { matchLabels: { app: 'web*' } } }), pc({ selector: { matchLabels: { app: 'web' } } }), 'wildcards are not supported in a selector');
    pair(pc({ concurrency: -1 }), pc({ concurrency: 0 }), 'concurrency must be 0');
  });
});
