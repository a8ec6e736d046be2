import { Testing } from 'cdk8s';
import { Gateway } from '../../src/networking/gateway';
import { TlsRoute } from '../../src/networking/route-tls';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderTls(hosts: string[], ...tls: TlsRoute[]): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts, gateways: [Gateway.fromGatewayName('edge')], tls });
  return Testing.synth(chart)[0].spec.tls;
}

describe('TlsRoute', () => {
  test('routes by SNI, covered by wildcard hosts', () => {
    expect(renderTls(['*.bookinfo.com'], {
      match: [{ sniHosts: ['login.bookinfo.com'], port: 443, sourceLabels: { app: 'web' } }],
      route: [{ host: 'login.prod.svc.cluster.local', port: 443 }],
    }, {
      match: [{ sniHosts: ['reviews.bookinfo.com'], sourceNamespace: 'frontend', destinationSubnets: ['10.0.0.0/8'], gateways: [Gateway.fromGatewayName('edge')] }],
      route: [{ host: 'reviews.prod.svc.cluster.local', port: 443 }],
    })).toEqual([
      { match: [{ sniHosts: ['login.bookinfo.com'], port: 443, sourceLabels: { app: 'web' } }], route: [{ destination: { host: 'login.prod.svc.cluster.local', port: { number: 443 } } }] },
      { match: [{ sniHosts: ['reviews.bookinfo.com'], sourceNamespace: 'frontend', destinationSubnets: ['10.0.0.0/8'], gateways: ['edge'] }], route: [{ destination: { host: 'reviews.prod.svc.cluster.local', port: { number: 443 } } }] },
    ]);
  });

  test('a wildcard SNI host is covered by a wider wildcard host', () => {
    expect(renderTls(['*.bookinfo.com'], { match: [{ sniHosts: ['*.api.bookinfo.com'] }], route: [{ host: 'api' }] })[0].match)
      .toEqual([{ sniHosts: ['*.api.bookinfo.com'] }]);
  });

  describe('bad input', () => {
    test('TLS match without SNI hosts', () => {
      expect(() => renderTls(['a.example.com'], { match: [{ sniHosts: [] }], route: [{ host: 'a' }] }))
        .toThrow(/\[test\/vs\] tls\[0\].match\[0\].sniHosts \[\] is invalid: the list must not be empty/);
    });

    test('TLS route without match', () => {
      expect(() => renderTls(['a.example.com'], { match: [], route: [{ host: 'a' }] })).toThrow(/tls\[0\].match \[\] is invalid: the list must not be empty/);
    });

    test('SNI host not covered by the VirtualService hosts', () => {
      expect(() => renderTls(['*.bookinfo.com'], { match: [{ sniHosts: ['login.other.com'] }], route: [{ host: 'login' }] }))
        .toThrow(/tls\[0\].match\[0\].sniHosts\[0\] "login.other.com" is invalid: the SNI host is not covered by any host of the VirtualService \(\*.bookinfo.com\)/);
    });

    test('invalid SNI host', () => {
      expect(() => renderTls(['*'], { match: [{ sniHosts: ['https://login'] }], route: [{ host: 'login' }] })).toThrow(/sniHosts\[0\] "https:\/\/login" is invalid/);
    });
  });
});
