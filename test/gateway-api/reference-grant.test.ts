// GatewayApiReferenceGrant: cross-namespace references for routes and Gateways.
import { Chart, Testing } from 'cdk8s';
import { GatewayApiReferenceGrant, GatewayApiReferenceGrantFrom, GatewayApiReferenceGrantTo } from '../../src/gateway-api/reference-grant';

const backends = () => new Chart(Testing.app(), 'backends', { namespace: 'backends' });

describe('GatewayApiReferenceGrant', () => {
  test('routes of one namespace may send traffic to Services here; a Gateway may use one Secret', () => {
    const chart = backends();
    new GatewayApiReferenceGrant(chart, 'grant', {
      metadata: { name: 'allow-frontend' },
      from: [GatewayApiReferenceGrantFrom.httpRoutes('frontend'), GatewayApiReferenceGrantFrom.grpcRoutes('frontend'), GatewayApiReferenceGrantFrom.tlsRoutes('edge'), GatewayApiReferenceGrantFrom.gateways('istio-ingress')],
      to: [GatewayApiReferenceGrantTo.services(), GatewayApiReferenceGrantTo.secrets('bookinfo-cert'), GatewayApiReferenceGrantTo.of('', 'Service', 'reviews')],
    });
    const out = Testing.synth(chart);
    expect(out).toMatchSnapshot();
    expect(out[0].apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(out[0].spec).toEqual({
      from: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' },
        { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'frontend' },
        { group: 'gateway.networking.k8s.io', kind: 'TLSRoute', namespace: 'edge' },
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'istio-ingress' },
      ],
      to: [{ group: '', kind: 'Service' }, { group: '', kind: 'Secret', name: 'bookinfo-cert' }, { group: '', kind: 'Service', name: 'reviews' }],
    });
  });

  describe('bad input', () => {
    const grant = (from: any, to: any) => () => new GatewayApiReferenceGrant(backends(), 'g', { from, to });
    test('empty or missing lists, more than 16 entries, duplicates', () => {
      expect(grant([], [GatewayApiReferenceGrantTo.services()])).toThrow(/\[backends\/g\] from \[\] is invalid: a ReferenceGrant needs at least one entry here\. Fix: pass e\.g\. \[GatewayApiReferenceGrantFrom\.httpRoutes/);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('a')], undefined)).toThrow(/\[backends\/g\] from\/to .* is invalid: a ReferenceGrant needs `from` and `to` lists/);
      const many = Array.from({ length: 17 }, (_, i) => GatewayApiReferenceGrantFrom.httpRoutes(`ns${i}`));
      expect(grant(many, [GatewayApiReferenceGrantTo.services()])).toThrow(/\[backends\/g\] from .*17.* split the grant/s);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('a'), GatewayApiReferenceGrantFrom.httpRoutes('a')], [GatewayApiReferenceGrantTo.services()])).toThrow(/from\[1\] .*"namespace":"a".* is invalid: the same entry is listed twice/);
    });
    test('plain objects, bad namespaces, kinds, groups and names', () => {
      expect(grant([{ group: '', kind: 'HTTPRoute', namespace: 'a' }], [GatewayApiReferenceGrantTo.services()])).toThrow(/from\[0\] .* is invalid: an entry must be made with GatewayApiReferenceGrantFrom/);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('Front_End')], [GatewayApiReferenceGrantTo.services()])).toThrow(/from\[0\] namespace "Front_End" is invalid/);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('')], [GatewayApiReferenceGrantTo.services()])).toThrow(/from\[0\] namespace "" is invalid/);
      expect(grant([GatewayApiReferenceGrantFrom.of('gateway.networking.k8s.io', 'HTTP Route', 'a')], [GatewayApiReferenceGrantTo.services()])).toThrow(/from\[0\] kind "HTTP Route" is invalid: a kind must start with a letter/);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('a')], [GatewayApiReferenceGrantTo.of('Gateway.Networking', 'Service')])).toThrow(/to\[0\] group "Gateway\.Networking" is invalid: an API group must be empty \(core\) or a DNS subdomain/);
      expect(grant([GatewayApiReferenceGrantFrom.httpRoutes('a')], [GatewayApiReferenceGrantTo.services('Reviews!')])).toThrow(/to\[0\] name "Reviews!" is invalid/);
    });
  });
});
