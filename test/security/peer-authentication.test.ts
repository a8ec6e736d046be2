import { Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { MtlsMode, PeerAuthentication, WorkloadSelector } from '../../src';

describe('PeerAuthentication', () => {
  test('defaults to STRICT mTLS for the whole namespace', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'default', { metadata: { name: 'default', namespace: 'bookinfo' } });
    const [obj] = Testing.synth(chart);
    expect(obj.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('port-level override with a workload selector', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'details', {
      selector: WorkloadSelector.fromLabels({ app: 'details' }),
      mode: MtlsMode.STRICT,
      portLevelMtls: [{ port: 9080, mode: MtlsMode.PERMISSIVE }],
    }).addPortMtls(15021, MtlsMode.DISABLE);
    const [obj] = Testing.synth(chart);
    expect(obj.spec.portLevelMtls).toEqual({ 9080: { mode: 'PERMISSIVE' }, 15021: { mode: 'DISABLE' } });
    expect(obj.spec.selector).toEqual({ matchLabels: { app: 'details' } });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('selects a cdk8s-plus workload by its selector labels', () => {
    const chart = Testing.chart();
    const deployment = new Deployment(chart, 'ratings', { containers: [{ image: 'ratings:1' }] });
    new PeerAuthentication(chart, 'pa', { selector: WorkloadSelector.fromWorkload(deployment) });
    const pa = Testing.synth(chart).find((o) => o.kind === 'PeerAuthentication');
    expect(pa.spec.selector.matchLabels).toEqual(deployment.matchLabels);
    expect(Object.keys(pa.spec.selector.matchLabels).length).toBeGreaterThan(0);
  });

  describe('bad input', () => {
    test('port-level mTLS without a selector fails synth and names the fix', () => {
      const chart = Testing.chart();
      new PeerAuthentication(chart, 'pa', { portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }] });
      expect(() => Testing.synth(chart)).toThrow(/test\/pa.*portLevelMtls \[8080\].*add a `selector`/s);
    });

    test('port out of range', () => {
      const chart = Testing.chart();
      expect(() => new PeerAuthentication(chart, 'pa', {
        selector: WorkloadSelector.fromLabels({ app: 'x' }),
        portLevelMtls: [{ port: 70000, mode: MtlsMode.DISABLE }],
      })).toThrow(/\[test\/pa\] portLevelMtls port 70000 is invalid: .*1 to 65535/);
    });

    test('same port twice', () => {
      const chart = Testing.chart();
      const pa = new PeerAuthentication(chart, 'pa', { selector: WorkloadSelector.fromLabels({ app: 'x' }) });
      pa.addPortMtls(80, MtlsMode.STRICT);
      expect(() => pa.addPortMtls(80, MtlsMode.DISABLE)).toThrow(/portLevelMtls port 80 .*already has a mode/);
    });

    test('selector with no labels', () => {
      const chart = Testing.chart();
      new PeerAuthentication(chart, 'pa', { selector: WorkloadSelector.fromLabels({}) });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/pa\] selector .*must not be empty/);
    });
  });
});
