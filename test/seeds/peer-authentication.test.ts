import { Testing } from 'cdk8s';
import { expectSameAsSeed, loadSeed } from './seed';
import { MtlsMode, PeerAuthentication } from '../../src/security/peer-authentication';

describe('seed snippets: PeerAuthentication', () => {
  test('seed 001: namespace-wide STRICT mTLS in default', () => {
    const [seed] = loadSeed('001-pa-strict-default.yaml');
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'default', { metadata: { name: 'default', namespace: 'default' } });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: mesh-wide STRICT mTLS in the root namespace', () => {
    const [seed] = loadSeed('004-pa-mesh-wide.yaml');
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'mesh', { metadata: { name: 'default-mtls', namespace: 'istio-system' }, mode: MtlsMode.STRICT });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
