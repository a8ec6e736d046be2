// Property: any type-correct AuthorizationPolicy input is either refused with a library error
// or synthesizes objects that pass schema/CEL/metadata validation and istiod's admission rules.
import * as fc from 'fast-check';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps } from '../../src/security/authorization-policy';
import { AuthorizationRule } from '../../src/security/authorization-rule';
import { Principal } from '../../src/security/principal';
import { PROPERTY_RUNS, assertRefusedOrAdmitted, optional, pick } from '../support/properties';

const list = <T>(a: fc.Arbitrary<T>) => optional(fc.array(a, { minLength: 1, maxLength: 2 }));

const principal = fc.oneof(
  fc.tuple(pick(['shop', 'istio-system'], ['', 'Bad_NS']), pick(['productpage', 'default'], ['', 'a/b'])).map(([ns, sa]) => Principal.serviceAccount(ns, sa)),
  fc.constant(Principal.any()),
  pick(['cluster.local/ns/shop/sa/web', '*'], ['spiffe://cluster.local/ns/shop/sa/web', '']).map((v) => Principal.of(v)),
);

const rule: fc.Arbitrary<AuthorizationRule> = fc.record({
  sources: optional(fc.array(fc.record({
    principals: list(principal),
    namespaces: list(pick(['shop', 'istio-system', 'prod-*'], ['', 'Bad NS'])),
    requestPrincipals: list(pick(['https://issuer.example.com/user', '*'], [''])),
    ipBlocks: list(pick(['10.0.0.0/8', '192.168.1.1'], ['10.0.0.0/33', 'not-an-ip'])),
  }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 })),
  operations: optional(fc.array(fc.record({
    hosts: list(pick(['bookinfo.example.com', '*.example.com'], [''])),
    methods: list(pick(['GET', 'POST', 'PURGE'], ['', 'get'])),
    paths: list(pick(['/api/*', '/health', '*/info'], ['', '/search?q=1', '/a#frag'])),
    ports: list(pick([80, 9080], [0, 70000])),
  }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 })),
  when: optional(fc.array(fc.oneof(
    pick(['x-user', 'end-user'], ['', 'bad header']).map((h) => Condition.requestHeader(h, ['jason'])),
    pick([['10.0.0.0/8']], [['300.0.0.0/8']]).map((c) => Condition.sourceIp(c)),
    pick([['shop/web']], [[]]).map((s) => Condition.sourceServiceAccount(s)),
  ), { minLength: 1, maxLength: 2 })),
}, { requiredKeys: [] });

const props: fc.Arbitrary<AuthorizationPolicyProps> = fc.record({
  selector: optional(pick([WorkloadSelector.fromLabels({ app: 'reviews' })], [WorkloadSelector.fromLabels({ app: '' })])),
  action: optional(fc.constantFrom(...Object.values(AuthorizationAction))),
  provider: optional(pick(['ext-authz'], [''])),
  rules: optional(fc.array(rule, { maxLength: 3 })),
}, { requiredKeys: [] });

test(`AuthorizationPolicy: ${PROPERTY_RUNS} generated inputs are refused by the library or admitted everywhere`, () => {
  assertRefusedOrAdmitted('AuthorizationPolicy', props, (chart, p) => new AuthorizationPolicy(chart, 'ap', p));
});
