// TLSRoute: TLS passthrough by SNI host name to Services, attached to TLS listeners only.
import { Testing } from 'cdk8s';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiListener } from '../../src/gateway-api/listener';
import { GatewayApiParentRef } from '../../src/gateway-api/parent-ref';
import { GatewayApiTlsRoute } from '../../src/gateway-api/tls-route';

function gateway() {
  const chart = Testing.chart();
  const gw = new GatewayApiGateway(chart, 'gw', {
    metadata: { name: 'edge' },
    listeners: [GatewayApiListener.http({ name: 'http' }), GatewayApiListener.tlsPassthrough({ name: 'passthrough', port: 8443 })],
  });
  return { chart, gw };
}

describe('GatewayApiTlsRoute', () => {
  test('passthrough by SNI to weighted Services (snapshot reviewed)', () => {
    const { chart, gw } = gateway();
    const route = new GatewayApiTlsRoute(chart, 'db', {
      metadata: { name: 'postgres' },
      parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'passthrough' })],
      hostnames: ['db.example.com'],
      backendRefs: [{ name: 'postgres-a', port: 5432, weight: 3 }, { name: 'postgres-b', port: 5432, weight: 1 }],
      ruleName: 'primary',
    });
    route.addHostname('*.db.example.com');
    const spec = Testing.synth(chart).find((o) => o.kind === 'TLSRoute').spec;
    expect(spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'passthrough' }],
      hostnames: ['db.example.com', '*.db.example.com'],
      rules: [{ name: 'primary', backendRefs: [{ name: 'postgres-a', port: 5432, weight: 3 }, { name: 'postgres-b', port: 5432, weight: 1 }] }],
    });
    expect(route.hostnames).toEqual(['db.example.com', '*.db.example.com']);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('bad input', () => {
    const backendRefs = [{ name: 'postgres', port: 5432 }];
    test.each([
      ['no hostname', { hostnames: [], backendRefs }, /\[test\/r\] hostnames \[\] is invalid: a TLSRoute routes by SNI host name, so it needs at least one/],
      ['an IP address', { hostnames: ['10.0.0.1'], backendRefs }, /hostnames\[0\] "10\.0\.0\.1" is invalid: SNI carries host names, never IP addresses/],
      ['an upper-case host', { hostnames: ['DB.example.com'], backendRefs }, /hostnames\[0\] "DB\.example\.com" is invalid: a hostname must be a lower-case DNS name/],
      ['no backend', { hostnames: ['db.example.com'], backendRefs: [] }, /backendRefs \[\] is invalid: a TLSRoute needs at least one backend/],
      ['17 backends', { hostnames: ['db.example.com'], backendRefs: Array.from({ length: 17 }, (_, i) => ({ name: `b${i}`, port: 1 })) }, /backendRefs .* is invalid/],
    ])('%s', (_name, props, message) => {
      expect(() => new GatewayApiTlsRoute(Testing.chart(), 'r', props as any)).toThrow(message);
    });

    test('at synth: attached to an HTTP listener, or to nothing', () => {
      const { chart, gw } = gateway();
      new GatewayApiTlsRoute(chart, 'r', { parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'http' })], hostnames: ['db.example.com'], backendRefs });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/r\] parentRefs\[0\] "edge" is invalid: a TLSRoute attaches to TLS listeners, and the listeners it would use on Gateway test\/gw are http \(HTTP\)/);
      const chart2 = Testing.chart();
      new GatewayApiTlsRoute(chart2, 'r', { hostnames: ['db.example.com'], backendRefs });
      expect(() => Testing.synth(chart2)).toThrow(/parentRefs \[\] is invalid: the route is attached to nothing/);
    });
  });
});
