// Legal input is accepted: each case here was once refused although istiod (or the API server)
// accepts it. Every synthesized object is also schema-validated by the test setup.
import { Chart, Testing } from 'cdk8s';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { DestinationRule } from '../../src/networking/destination-rule';
import { StringMatch } from '../../src/networking/route-string-match';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../../src/networking/service-entry';
import { Sidecar } from '../../src/networking/sidecar';
import { VirtualService } from '../../src/networking/virtual-service';
import { MeshService } from '../../src/patterns/mesh-service';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';

function chart(): Chart {
  const c = Testing.chart();
  MeshAnalysis.suppress(c, 'IST0101');
  return c;
}

const find = (objs: any[], kind: string) => objs.find((o) => o.kind === kind);

test('upper-case subset names (istiod allows upper case in its DNS-1123 label rule)', () => {
  const c = chart();
  new DestinationRule(c, 'dr', { host: 'reviews', subsets: [{ name: 'V2', labels: { version: 'V2' } }] });
  new VirtualService(c, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'V2' }] }] });
  const out = Testing.synth(c);
  expect(find(out, 'DestinationRule').spec.subsets[0].name).toBe('V2');
  expect(find(out, 'VirtualService').spec.http[0].route[0].destination.subset).toBe('V2');
});

test('upper-case ServiceEntry and Sidecar port names', () => {
  const c = chart();
  new ServiceEntry(c, 'se', {
    hosts: ['api.example.com'],
    location: ServiceEntryLocation.MESH_EXTERNAL,
    resolution: ServiceEntryResolution.DNS,
    ports: [{ number: 443, protocol: Protocol.TLS, name: 'TLS-443' }],
  });
  new Sidecar(c, 'sc', { egress: [{ hosts: ['./*'], port: { number: 8080, protocol: Protocol.HTTP, name: 'HTTP-Web' } }] });
  const out = Testing.synth(c);
  expect(find(out, 'ServiceEntry').spec.ports[0].name).toBe('TLS-443');
  expect(find(out, 'Sidecar').spec.egress[0].port.name).toBe('HTTP-Web');
});

test('the valid RE2 regex a(?i)b (a flag group inside the pattern)', () => {
  const c = chart();
  new VirtualService(c, 'vs', { hosts: ['reviews'], http: [{ match: [{ uri: StringMatch.regex('/a(?i)b') }], route: [{ host: 'reviews' }] }] });
  expect(find(Testing.synth(c), 'VirtualService').spec.http[0].match[0].uri).toEqual({ regex: '/a(?i)b' });
});

test('the extension method PURGE in a match', () => {
  const c = chart();
  new VirtualService(c, 'vs', { hosts: ['cache'], http: [{ match: [{ method: StringMatch.exact('PURGE') }], route: [{ host: 'cache' }] }] });
  expect(find(Testing.synth(c), 'VirtualService').spec.http[0].match[0].method).toEqual({ exact: 'PURGE' });
});

test('the condition key source.serviceAccount (factory and raw key)', () => {
  const c = chart();
  new AuthorizationPolicy(c, 'ap', {
    selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
    rules: [{ when: [Condition.sourceServiceAccount(['bookinfo/productpage']), Condition.of('source.serviceAccount', { values: ['bookinfo/ratings'] })] }],
  });
  const when = find(Testing.synth(c), 'AuthorizationPolicy').spec.rules[0].when;
  expect(when).toEqual([
    { key: 'source.serviceAccount', values: ['bookinfo/productpage'] },
    { key: 'source.serviceAccount', values: ['bookinfo/ratings'] },
  ]);
});

test('a Sidecar egress host names a fully qualified service; the short name ./reviews is refused as istiod refuses it', () => {
  // Istio 1.30.3 validateSidecarOrGatewayHostnamePart: "short names (non FQDN) are not allowed".
  const c = chart();
  new Sidecar(c, 'sc', { egress: [{ hosts: ['./reviews.default.svc.cluster.local', 'istio-system/*'] }] });
  expect(find(Testing.synth(c), 'Sidecar').spec.egress[0].hosts).toEqual(['./reviews.default.svc.cluster.local', 'istio-system/*']);
  expect(() => new Sidecar(chart(), 'short', { egress: [{ hosts: ['./reviews'] }] }))
    .toThrow(/"\.\/reviews" is invalid: istiod refuses short names.*Fix: write the fully qualified name, e\.g\. "\.\/reviews\.<namespace>\.svc\.cluster\.local"/);
});

test('the version label V2: label and subset keep the case, object names are lower case', () => {
  const c = Testing.chart();
  const svc = new MeshService(c, 'reviews', { port: 9080, versions: [{ version: 'V2', image: 'example/reviews:2' }] });
  const out = Testing.synth(c);
  const d = out.find((o) => o.kind === 'Deployment');
  expect(d.metadata.name).toBe('reviews-v2');
  expect(d.spec.template.metadata.labels.version).toBe('V2');
  expect(() => svc.addVersion({ version: 'v2', image: 'example/reviews:2b' }))
    .toThrow(/\[test\/reviews\] version "v2" is invalid: it differs from version "V2" only in case, and both Deployments would be named "reviews-v2"/);
});
