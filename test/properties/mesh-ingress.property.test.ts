// Property: any type-correct MeshIngress input (Istio Gateway or Gateway API) is either refused
// with a library error or synthesizes objects that pass schema/CEL/metadata validation and
// istiod's admission rules.
import * as fc from 'fast-check';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { MeshIngress } from '../../src/patterns/ingress';
import { IngressGateway } from '../../src/patterns/ingress-gateway';
import { MeshIngressProps } from '../../src/patterns/ingress-props';
import { IngressBackend, IngressPath, IngressRoute } from '../../src/patterns/ingress-route';
import { Principal } from '../../src/security/principal';
import { PROPERTY_RUNS, assertRefusedOrAdmitted, optional, pick } from '../support/properties';


const path = fc.oneof(
  pick(['/productpage', '/login', '/'], ['', 'no-slash', '/a?b']).map((p) => IngressPath.exact(p)),
  pick(['/static', '/api', '/api/v1', '/apikeys'], ['', 'static']).map((p) => IngressPath.prefix(p)),
  pick(['/v[0-9]+/.*', '/a(?i)b'], ['(?=x)', '\\Z']).map((p) => IngressPath.regex(p)),
);

const route: fc.Arbitrary<IngressRoute> = fc.record({
  backend: fc.tuple(pick(['productpage', 'reviews', 'web'], ['9lives', 'Bad_Name', '']), pick([9080, 80], [0, 70000]), optional(pick(['bookinfo', 'shop'], ['Bad NS'])))
    .map(([name, port, namespace]) => IngressBackend.fromServiceName(name, port, { namespace })),
  paths: optional(fc.array(path, { minLength: 1, maxLength: 3 })),
  rewritePath: optional(pick(['/', '/v2'], ['', 'x'])),
}, { requiredKeys: ['backend'] }).map((r) => (r.paths || Math.abs(r.backend.serviceName.length % 7) === 0 ? r : { ...r, rewritePath: undefined }));

const gateway = fc.oneof(
  fc.constant(IngressGateway.istio()),
  pick([{ istio: 'ingressgateway' }], [{ istio: '*' }])
    .map((labels) => IngressGateway.istio({ selector: WorkloadSelector.fromLabels(labels), principal: Principal.serviceAccount('istio-ingress', 'ingress-gateway') })),
  pick(['istio', 'istio-waypoint'], ['Bad_Class', '']).map((gatewayClassName) => IngressGateway.gatewayApi({ gatewayClassName })),
);

const props: fc.Arbitrary<MeshIngressProps> = fc.record({
  hosts: fc.oneof(
    { arbitrary: fc.uniqueArray(pick(['bookinfo.example.com', '*.example.com', 'shop.example.org'], ['', 'my_host.example.com', '*', 'https://x.io']), { minLength: 1, maxLength: 2 }), weight: 30 },
    { arbitrary: fc.constant<string[]>([]), weight: 1 },
  ),
  routes: fc.oneof({ arbitrary: fc.array(route, { minLength: 1, maxLength: 3 }), weight: 30 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  gateway: optional(gateway),
  name: optional(pick(['bookinfo', 'shop-ingress'], ['my.gw', 'Bad'])),
  namespace: optional(pick(['bookinfo', 'istio-ingress'], ['Default'])),
}, { requiredKeys: ['hosts'] });

/** HTTPS with a certificate (optionally redirecting HTTP), or plain HTTP; rarely a mix. */
const tls = fc.oneof(
  { arbitrary: fc.record({ credentialName: pick(['bookinfo-cert'], ['Bad_Cert', '']), httpsRedirect: optional(fc.boolean()) }, { requiredKeys: ['credentialName'] }), weight: 15 },
  { arbitrary: fc.constant({ plainHttp: true }), weight: 15 },
  { arbitrary: fc.constantFrom({}, { plainHttp: true, credentialName: 'bookinfo-cert' }, { plainHttp: true, httpsRedirect: true }), weight: 1 },
);
const ingressProps: fc.Arbitrary<MeshIngressProps> = fc.tuple(props, tls).map(([p, t]) => ({ ...p, ...t }));

test(`MeshIngress: ${PROPERTY_RUNS} generated inputs are refused by the library or admitted everywhere`, () => {
  assertRefusedOrAdmitted('MeshIngress', ingressProps, (chart, p) => new MeshIngress(chart, 'ingress', p));
});
