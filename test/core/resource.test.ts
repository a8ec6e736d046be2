import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { IstioResource } from '../../src/core/resource';
import { MtlsMode, PeerAuthentication } from '../../src/security/peer-authentication';

// IstioResource is abstract; PeerAuthentication is the concrete resource under test.
describe('IstioResource (via PeerAuthentication)', () => {
  test('wraps exactly one L1 ApiObject, exposed as apiObject', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa');
    expect(pa).toBeInstanceOf(IstioResource);
    expect(pa.apiObject).toBeInstanceOf(ApiObject);
    expect(pa.node.children.filter((c) => c instanceof ApiObject)).toEqual([pa.apiObject]);
    expect(Testing.synth(chart)).toHaveLength(1);
  });

  test('apiVersion and kind come from the L1 object', () => {
    const pa = new PeerAuthentication(Testing.chart(), 'pa');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.kind).toBe('PeerAuthentication');
    expect(pa.apiObject.apiVersion).toBe(pa.apiVersion);
  });

  test('explicit metadata is rendered as given', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa', {
      metadata: { name: 'default', namespace: 'bookinfo', labels: { team: 'mesh' }, annotations: { owner: 'sre' } },
    });
    expect(pa.name).toBe('default');
    expect(pa.namespace).toBe('bookinfo');
    const [obj] = Testing.synth(chart);
    expect(obj.metadata).toEqual({ name: 'default', namespace: 'bookinfo', labels: { team: 'mesh' }, annotations: { owner: 'sre' } });
  });

  test('default name is unique, derived from the construct path, and a DNS-1123 subdomain', () => {
    const chart = Testing.chart();
    const a = new PeerAuthentication(chart, 'Strict-Policy');
    const b = new PeerAuthentication(chart, 'strict-policy');
    expect(a.name).not.toBe(b.name);
    for (const n of [a.name, b.name]) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(a.name).toContain('strict-policy');
  });

  test('namespace is inherited from the chart when not given, and undefined without one', () => {
    const app = Testing.app();
    const nsChart = new Chart(app, 'ns', { namespace: 'reviews-ns' });
    const plain = new Chart(app, 'plain');
    expect(new PeerAuthentication(nsChart, 'pa').namespace).toBe('reviews-ns');
    expect(new PeerAuthentication(nsChart, 'pa2', { metadata: { namespace: 'other' } }).namespace).toBe('other');
    expect(new PeerAuthentication(plain, 'pa').namespace).toBeUndefined();
  });

  test('metadata is the live L1 metadata: labels added later are rendered', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa', { metadata: { name: 'default' } });
    pa.metadata.addLabel('app.kubernetes.io/part-of', 'bookinfo');
    pa.metadata.addAnnotation('note', 'strict');
    const [obj] = Testing.synth(chart);
    expect(obj.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'bookinfo' });
    expect(obj.metadata.annotations).toEqual({ note: 'strict' });
  });

  test('escape hatch: JSON patches on apiObject reach the rendered manifest', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa', { mode: MtlsMode.PERMISSIVE });
    pa.apiObject.addJsonPatch(JsonPatch.replace('/spec/mtls/mode', 'STRICT'));
    const [obj] = Testing.synth(chart);
    expect(obj.spec.mtls).toEqual({ mode: 'STRICT' });
  });

  test('addJsonPatch on the resource keeps fields the L1 binding would drop, and applies after rendering', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa', { mode: MtlsMode.PERMISSIVE });
    pa.addJsonPatch(JsonPatch.replace('/spec/mtls/mode', 'STRICT'));
    pa.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'mesh' }));
    const [obj] = Testing.synth(chart);
    expect(obj.spec.mtls).toEqual({ mode: 'STRICT' });
    expect(obj.metadata.labels).toEqual({ team: 'mesh' });
    // through the L1 object, an unknown spec field is dropped by the generated mapping ...
    const dropped = new PeerAuthentication(chart, 'l1');
    dropped.apiObject.addJsonPatch(JsonPatch.add('/spec/futureField', 1));
    expect(dropped.apiObject.toJson().spec.futureField).toBeUndefined();
    // ... while the resource-level patch keeps it
    const kept = new PeerAuthentication(chart, 'l2');
    kept.addJsonPatch(JsonPatch.add('/spec/futureField', 1));
    expect(kept.apiObject.toJson().spec.futureField).toBe(1);
  });

  test('the spec is produced lazily: fluent calls after construction are honoured', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'pa', { metadata: { name: 'p' } });
    // selector is required for port-level settings; this one has none, so synth must fail,
    // proving the port added after construction was seen by the validation.
    pa.addPortMtls(8080, MtlsMode.DISABLE);
    expect(() => Testing.synth(chart)).toThrow(/portLevelMtls \[8080\]/);
  });

  describe('bad input', () => {
    test('two resources with the same id in one scope fail with a constructs error', () => {
      const chart = Testing.chart();
      new PeerAuthentication(chart, 'pa');
      expect(() => new PeerAuthentication(chart, 'pa')).toThrow(/There is already a Construct with name 'pa'/);
    });

    test('errors from a resource name its full construct path', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'mesh');
      const pa = new PeerAuthentication(chart, 'strict');
      expect(() => pa.addPortMtls(0, MtlsMode.STRICT)).toThrow(/^\[mesh\/strict\] portLevelMtls port 0 is invalid: .*Fix: /);
    });
  });
});
