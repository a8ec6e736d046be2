import { Chart, Testing } from 'cdk8s';
import { MeshService, MeshServiceProps, MeshWorkload, TaintEffect, TolerationOperator, UnsatisfiableSpread } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}
function podOf(props: Partial<MeshServiceProps>): any {
  const c = shop();
  new MeshService(c, 'cart', { port: 7070, image: 'cart:1', ...props });
  return Testing.synth(c).find((o) => o.kind === 'Deployment').spec.template.spec;
}

describe('workload scheduling', () => {
  test('node selector, tolerations and topology spread (selecting the Deployment\'s pods)', () => {
    const pod = podOf({
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      tolerations: [
        { key: 'dedicated', value: 'mesh', effect: TaintEffect.NO_SCHEDULE },
        { key: 'spot', operator: TolerationOperator.EXISTS },
      ],
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }, { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: UnsatisfiableSpread.DO_NOT_SCHEDULE }],
    });
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoSchedule' },
      { key: 'spot', operator: 'Exists' },
    ]);
    expect(pod.topologySpreadConstraints).toEqual([
      { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'cart', version: 'v1' } } },
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'cart', version: 'v1' } } },
    ]);
  });

  test('a MeshWorkload takes them too', () => {
    const c = shop();
    new MeshWorkload(c, 'bot', { image: 'b:1', tolerations: [{ operator: TolerationOperator.EXISTS }] });
    expect(Testing.synth(c).find((o) => o.kind === 'Deployment').spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  describe('bad input', () => {
    const build = (props: Partial<MeshServiceProps>) => () => podOf(props);
    test('a node selector label that is not one', () => {
      expect(build({ nodeSelector: { 'bad key!': 'x' } })).toThrow(/\[shop\/cart\] nodeSelector label "bad key!"/);
    });
    test('tolerations: a value with EXISTS, no key without EXISTS, unknown operator or effect', () => {
      expect(build({ tolerations: [{ key: 'a', operator: TolerationOperator.EXISTS, value: 'b' }] })).toThrow(/tolerations\[0\]\.value "b" is invalid: an EXISTS toleration matches any value/);
      expect(build({ tolerations: [{ value: 'b' }] })).toThrow(/tolerations\[0\]\.key undefined is invalid: a toleration without a key must use EXISTS/);
      expect(build({ tolerations: [{ key: 'a', operator: 'In' as TolerationOperator }] })).toThrow(/tolerations\[0\]\.operator "In" is invalid: unknown operator/);
      expect(build({ tolerations: [{ key: 'a', effect: 'Evict' as TaintEffect }] })).toThrow(/tolerations\[0\]\.effect "Evict" is invalid: unknown effect/);
    });
    test('topology spread without a key, with a skew below 1', () => {
      expect(build({ topologySpread: [{ topologyKey: '' }] })).toThrow(/topologySpread\[0\]\.topologyKey "" is invalid: a topology spread needs the node label/);
      expect(build({ topologySpread: [{ topologyKey: 'kubernetes.io/hostname', maxSkew: 0 }] })).toThrow(/topologySpread\[0\]\.maxSkew 0 is invalid/);
    });
  });
});
