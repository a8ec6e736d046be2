import { Testing } from 'cdk8s';
import { expectSameAsSeed, loadSeed } from './seed';
import { Protocol } from '../../src/core/protocol';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../../src/networking/service-entry';

describe('seed snippets: ServiceEntry', () => {
  test('seed 000: external payment API with a static-IP endpoint, DNS resolution', () => {
    const [seed] = loadSeed('000-se-external-payment-api.yaml');
    const chart = Testing.chart();
    new ServiceEntry(chart, 'payment', {
      metadata: { name: 'external-payment-api' },
      hosts: ['payment.external-api.com'],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution: ServiceEntryResolution.DNS,
      ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }],
      endpoints: [{ address: '203.0.113.10', ports: { https: 443 } }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 001: external HTTPS service by DNS', () => {
    const [seed] = loadSeed('001-se-external-svc.yaml');
    const chart = Testing.chart();
    new ServiceEntry(chart, 'external-svc', {
      metadata: { name: 'external-svc' },
      hosts: ['extenal-api.example.com'],
      resolution: ServiceEntryResolution.DNS,
    }).addPort({ number: 443, name: 'https', protocol: Protocol.HTTPS });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: two external TLS hosts', () => {
    const [seed] = loadSeed('004-se-coffee-website.yaml');
    const chart = Testing.chart();
    new ServiceEntry(chart, 'coffee', {
      metadata: { name: 'coffee-website' },
      hosts: ['a-cup-of.coffee', 'une-tasse-de.cafe'],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      ports: [{ number: 443, name: 'https', protocol: Protocol.TLS }],
      resolution: ServiceEntryResolution.DNS,
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
