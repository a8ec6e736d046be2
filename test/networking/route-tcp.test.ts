import { Testing } from 'cdk8s';
import { Gateway } from '../../src/networking/gateway';
import { TcpRoute } from '../../src/networking/route-tcp';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderTcp(...tcp: TcpRoute[]): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['mongo.backend.svc.cluster.local'], tcp });
  return Testing.synth(chart)[0].spec.tcp;
}

describe('TcpRoute', () => {
  test('match on port, subnets and source; weighted destinations', () => {
    expect(renderTcp({
      match: [{ port: 27017, destinationSubnets: ['10.1.0.0/16', '192.168.1.10'], sourceLabels: { app: 'reviews' }, sourceNamespace: 'bookinfo', gateways: [Gateway.MESH] }],
      route: [{ host: 'mongo.backend.svc.cluster.local', subset: 'v1', port: 5555, weight: 80 }, { host: 'mongo.backend.svc.cluster.local', subset: 'v2', port: 5555, weight: 20 }],
    })).toEqual([{
      match: [{ port: 27017, destinationSubnets: ['10.1.0.0/16', '192.168.1.10'], sourceLabels: { app: 'reviews' }, sourceNamespace: 'bookinfo', gateways: ['mesh'] }],
      route: [
        { destination: { host: 'mongo.backend.svc.cluster.local', subset: 'v1', port: { number: 5555 } }, weight: 80 },
        { destination: { host: 'mongo.backend.svc.cluster.local', subset: 'v2', port: { number: 5555 } }, weight: 20 },
      ],
    }]);
  });

  describe('bad input', () => {
    test('a TCP rule without destinations', () => {
      expect(() => renderTcp({ match: [{ port: 27017 }], route: [] })).toThrow(/\[test\/vs\] tcp\[0\].route \[\] is invalid: the list must not be empty/);
    });

    test('destination subnet that is not a CIDR', () => {
      expect(() => renderTcp({ match: [{ destinationSubnets: ['10.1.0.0/33'] }], route: [{ host: 'mongo' }] }))
        .toThrow(/tcp\[0\].match\[0\].destinationSubnets\[0\] "10.1.0.0\/33" is invalid: it is not an IP address or CIDR subnet/);
    });

    test('destination subnets that only look like addresses', () => {
      for (const bad of ['999.999.999.999', ':::::', '10.0.0.1/', '2001:db8::/129']) {
        expect(() => renderTcp({ match: [{ destinationSubnets: [bad] }], route: [{ host: 'mongo' }] }))
          .toThrow(`tcp[0].match[0].destinationSubnets[0] ${JSON.stringify(bad)} is invalid: it is not an IP address or CIDR subnet`);
      }
    });

    test('match port out of range', () => {
      expect(() => renderTcp({ match: [{ port: 70000 }], route: [{ host: 'mongo' }] })).toThrow(/tcp\[0\].match\[0\].port 70000 is invalid/);
    });
  });
});
