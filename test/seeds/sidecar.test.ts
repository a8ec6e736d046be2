import { Testing } from 'cdk8s';
import { expectSameAsSeed, loadSeed } from './seed';
import { OutboundTrafficPolicyMode, Sidecar } from '../../src/networking/sidecar';

describe('seed snippets: Sidecar', () => {
  test('seed 001: namespace default Sidecar, own namespace + istio-system, REGISTRY_ONLY', () => {
    const [seed] = loadSeed('001-sidecar-registry-only.yaml');
    const chart = Testing.chart();
    new Sidecar(chart, 'default', {
      metadata: { name: 'default' },
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
