import { Testing } from 'cdk8s';
import { GatewayApiAddress } from '../../src/gateway-api/address';
import { GatewayApiAllowedRoutes } from '../../src/gateway-api/allowed-routes';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiListener } from '../../src/gateway-api/listener';

describe('GatewayApiGateway', () => {
  test('Bookinfo gateway: class istio, one HTTP listener', () => {
    const chart = Testing.chart();
    new GatewayApiGateway(chart, 'gw', {
      metadata: { name: 'bookinfo-gateway' },
      listeners: [GatewayApiListener.http({ allowedRoutes: GatewayApiAllowedRoutes.same() })],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(obj.kind).toBe('Gateway');
    expect(obj.spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('HTTPS + passthrough listeners, addresses, custom class, fluent adds', () => {
    const chart = Testing.chart();
    const gw = new GatewayApiGateway(chart, 'gw', { gatewayClassName: 'example-gateway-class' });
    expect(gw.addListener(GatewayApiListener.https({ hostname: 'bookinfo.example.com', certificateRefs: [{ name: 'bookinfo-cert' }], allowedRoutes: GatewayApiAllowedRoutes.all() }))).toBe(gw);
    gw.addListener(GatewayApiListener.tlsPassthrough({ name: 'tls-nginx', hostname: 'nginx.example.com' }))
      .addAddress(GatewayApiAddress.ipAddress('10.0.0.10'))
      .addAddress(GatewayApiAddress.hostname('gw.example.com'));
    const [obj] = Testing.synth(chart);
    expect(obj.spec).toEqual({
      gatewayClassName: 'example-gateway-class',
      listeners: [
        { name: 'https', hostname: 'bookinfo.example.com', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ name: 'bookinfo-cert' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'tls-nginx', hostname: 'nginx.example.com', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
      ],
      addresses: [{ type: 'IPAddress', value: '10.0.0.10' }, { type: 'Hostname', value: 'gw.example.com' }],
    });
    expect(gw.listeners.map((l) => l.name)).toEqual(['https', 'tls-nginx']);
    expect(gw.addresses).toHaveLength(2);
    expect(gw.gatewayClassName).toBe('example-gateway-class');
  });

  test('two HTTPS listeners on 443 with different hostnames are fine', () => {
    const chart = Testing.chart();
    new GatewayApiGateway(chart, 'gw', {
      listeners: [
        GatewayApiListener.https({ name: 'a', hostname: 'a.example.com', certificateRefs: [{ name: 'a' }] }),
        GatewayApiListener.https({ name: 'b', hostname: 'b.example.com', certificateRefs: [{ name: 'b', namespace: 'certs' }] }),
      ],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.listeners[1].tls.certificateRefs).toEqual([{ name: 'b', namespace: 'certs' }]);
  });

  describe('bad input', () => {
    test('no listeners fails synth', () => {
      const chart = Testing.chart();
      new GatewayApiGateway(chart, 'gw');
      expect(() => Testing.synth(chart)).toThrow(/\[test\/gw\] listeners \[\] is invalid: a Gateway needs at least one listener/);
    });

    test('duplicate listener names', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw', { listeners: [GatewayApiListener.http()] });
      expect(() => gw.addListener(GatewayApiListener.http({ port: 8080, name: 'http' })))
        .toThrow(/\[test\/gw\] listeners\[1\]\.name "http" is invalid: listener names must be unique/);
    });

    test('same port, protocol and hostname twice', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw', { listeners: [GatewayApiListener.http({ name: 'a' })] });
      expect(() => gw.addListener(GatewayApiListener.http({ name: 'b' })))
        .toThrow(/listeners\[1\]\.hostname undefined is invalid: listener "a" already serves HTTP on port 80 for all hostnames/);
    });

    test('empty gatewayClassName', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiGateway(chart, 'gw', { gatewayClassName: '' })).toThrow(/gatewayClassName "" is invalid: it must be 1 to 253 characters/);
    });

    test('same IP address twice', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiGateway(chart, 'gw', { addresses: [GatewayApiAddress.ipAddress('10.0.0.1'), GatewayApiAddress.ipAddress('10.0.0.1')] }))
        .toThrow(/addresses\[1\]\.value "10\.0\.0\.1" is invalid: the address is already requested/);
    });

    test('more than 64 listeners', () => {
      const chart = Testing.chart();
      const gw = new GatewayApiGateway(chart, 'gw');
      for (let i = 1; i <= 64; i++) gw.addListener(GatewayApiListener.http({ port: 8000 + i }));
      expect(() => gw.addListener(GatewayApiListener.http({ port: 9999 }))).toThrow(/listeners "65 entries" is invalid: the Gateway API allows at most 64/);
    });
  });
});
