import { Testing } from 'cdk8s';
import { apiGroup, expectSameAsSeed, loadSeed } from './seed';
import { Gateway } from '../../src/networking/gateway';
import { Server } from '../../src/networking/gateway-server';
import { fragmentChart } from '../support/fragment';

describe('seed snippets: Istio Gateway', () => {
  test('seed 000: Bookinfo HTTP server redirecting to HTTPS + HTTPS with credentialName', () => {
    const [seed] = loadSeed('000-gw-bookinfo-https-redirect.yaml');
    const chart = fragmentChart();
    new Gateway(chart, 'bookinfo-gateway', {
      metadata: { name: 'bookinfo-gateway' },
      servers: [
        Server.http({ hosts: ['bookinfo.example.com'], httpsRedirect: true }),
        Server.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-cert' }),
      ],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 002: Online Boutique frontend-gateway, HTTP on port 80 for every host', () => {
    const [seed] = loadSeed('002-gw-frontend-gateway.yaml');
    const chart = fragmentChart();
    new Gateway(chart, 'frontend-gateway', { metadata: { name: 'frontend-gateway' }, servers: [Server.http({ hosts: ['*'] })] });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 003: wildcard-domain HTTP gateway (name/namespace are placeholders in the seed)', () => {
    const [seed] = loadSeed('003-gw-wildcard-example.yaml');
    const chart = fragmentChart();
    new Gateway(chart, 'gw', { metadata: { name: 'example-gateway', namespace: 'example' }, servers: [Server.http({ hosts: ['*.example.com'] })] });
    const [obj] = Testing.synth(chart);
    expect({ group: apiGroup(obj.apiVersion), kind: obj.kind }).toEqual({ group: apiGroup(seed.apiVersion), kind: seed.kind });
    expect(obj.spec).toEqual(seed.spec);
  });

  test('seed 004: Bookinfo gateway for the sidecar walkthrough', () => {
    const [seed] = loadSeed('004-gw-bookinfo-gateway.yaml');
    const chart = fragmentChart();
    new Gateway(chart, 'bookinfo-gateway', { metadata: { name: 'bookinfo-gateway' } }).addServer(Server.http({ hosts: ['*'] }));
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
