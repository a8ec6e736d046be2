import { Testing } from 'cdk8s';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { SecurityPolicyTarget } from '../../src/security/authorization-target';

function targets(...refs: SecurityPolicyTarget[]): () => any {
  return () => {
    const chart = Testing.chart();
    AuthorizationPolicy.allowNothing(chart, 'p', { targetRefs: refs });
    return Testing.synth(chart)[0].spec.targetRefs;
  };
}

describe('SecurityPolicyTarget', () => {
  test('factories render group, kind and name', () => {
    expect(targets(
      SecurityPolicyTarget.gateway('waypoint'),
      SecurityPolicyTarget.gatewayClass('istio-waypoint'),
      SecurityPolicyTarget.service('reviews'),
      SecurityPolicyTarget.serviceEntry('httpbin-ext'),
      SecurityPolicyTarget.of('', 'Service', 'ratings'),
    )()).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
      { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint' },
      { group: '', kind: 'Service', name: 'reviews' },
      { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'httpbin-ext' },
      { group: '', kind: 'Service', name: 'ratings' },
    ]);
    const t = SecurityPolicyTarget.service('reviews');
    expect([t.group, t.kind, t.name]).toEqual(['', 'Service', 'reviews']);
  });

  describe('bad input', () => {
    test('a kind istiod does not attach policies to', () => {
      expect(targets(SecurityPolicyTarget.of('example.io', 'Widget', 'w1'))).toThrow(/\[test\/p\] targetRefs\[0\] kind "Widget" is invalid: istiod attaches security policies only to a Service, ServiceEntry, Gateway or GatewayClass, not to example.io\/Widget/);
      expect(targets(SecurityPolicyTarget.of('', 'Gateway', 'gw'))).toThrow(/not to core\/Gateway/);
    });
    test('invalid name', () => {
      expect(targets(SecurityPolicyTarget.gateway('My Gateway'))).toThrow(/\[test\/p\] targetRefs\[0\] name "My Gateway" is invalid: it must be a DNS-1123 subdomain/);
    });

    test('invalid kind', () => {
      expect(targets(SecurityPolicyTarget.of('', '1Service', 'x'))).toThrow(/targetRefs\[0\] kind "1Service" is invalid: a kind must start with a letter/);
    });

    test('invalid group', () => {
      expect(targets(SecurityPolicyTarget.of('Gateway.Networking', 'Gateway', 'x'))).toThrow(/targetRefs\[0\] group "Gateway.Networking" is invalid: an API group must be empty \(core\) or a DNS subdomain/);
    });
  });
});
