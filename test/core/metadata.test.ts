import { Testing } from 'cdk8s';
import { PeerAuthentication } from '../../src/security/peer-authentication';

describe('resource metadata', () => {
  test('an explicit undefined name keeps the generated name', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { metadata: { name: undefined, namespace: 'bookinfo' } });
    const [obj] = Testing.synth(chart);
    expect(obj.metadata.name).toMatch(/^test-pa-[0-9a-f]{8}$/);
    expect(obj.metadata.namespace).toBe('bookinfo');
  });

  test('labels and annotations pass through unchanged', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'pa', { metadata: { name: 'default', labels: { team: 'mesh' }, annotations: { note: 'x' } } });
    const [obj] = Testing.synth(chart);
    expect(obj.metadata).toEqual({ name: 'default', labels: { team: 'mesh' }, annotations: { note: 'x' } });
  });

  describe('bad input', () => {
    test('a name that is not a DNS-1123 subdomain', () => {
      expect(() => new PeerAuthentication(Testing.chart(), 'pa', { metadata: { name: 'Default_Policy' } }))
        .toThrow('[test/pa] metadata.name "Default_Policy" is invalid: it must be a DNS-1123 subdomain');
    });

    test('a namespace that is not a DNS-1123 label', () => {
      expect(() => new PeerAuthentication(Testing.chart(), 'pa', { metadata: { namespace: 'istio.system' } }))
        .toThrow('[test/pa] metadata.namespace "istio.system" is invalid: it must be a DNS-1123 label');
    });
  });
});
