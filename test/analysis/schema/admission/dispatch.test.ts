import { admissionOf, expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

describe('istiod admission dispatch', () => {
  test('checks are chosen by API group and kind: a Gateway API Gateway named with a dot is not an Istio Gateway', () => {
    expectRefusedNearAdmitted(
      istioObject('networking.istio.io/v1', 'Gateway', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, { name: 'my.gw' }),
      istioObject('networking.istio.io/v1', 'Gateway', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, { name: 'my-gw' }),
      'a DNS-1123 label (no dots)',
    );
    expect(admissionOf(istioObject('gateway.networking.k8s.io/v1', 'Gateway', { gatewayClassName: 'istio', listeners: [] }, { name: 'my.gw' }))).toEqual([]);
  });

  test('every version of a group is checked (v1beta1 as v1)', () => {
    expect(admissionOf(istioObject('networking.istio.io/v1beta1', 'Gateway', { servers: [] }, { name: 'a.b' })).join()).toContain('a DNS-1123 label (no dots)');
  });

  test('kinds without rules and core objects pass through', () => {
    expect(admissionOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a.b', namespace: 'default' }, spec: {} })).toEqual([]);
  });
});
