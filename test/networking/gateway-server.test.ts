import { Testing } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { Server, ServerTlsMode } from '../../src/networking/gateway-server';

describe('Server', () => {
  test('factory defaults: ports, port names, protocols and TLS modes', () => {
    const http = Server.http({ hosts: ['*'] });
    expect([http.port, http.portName, http.protocol, http.tls, http.httpsRedirect]).toEqual([80, 'http', Protocol.HTTP, undefined, false]);
    const https = Server.https({ hosts: ['*'], credentialName: 'c' });
    expect([https.port, https.portName, https.protocol, https.tls]).toEqual([443, 'https', Protocol.HTTPS, { mode: ServerTlsMode.SIMPLE, credentialName: 'c' }]);
    const pass = Server.tlsPassthrough({ hosts: ['a.example.com'], port: 8443 });
    expect([pass.port, pass.portName, pass.protocol, pass.tls]).toEqual([8443, 'tls-8443', Protocol.TLS, { mode: ServerTlsMode.PASSTHROUGH }]);
    const ew = Server.autoPassthrough({ hosts: ['*.svc.cluster.local'] });
    expect([ew.port, ew.portName, ew.hosts]).toEqual([15443, 'tls', ['*.svc.cluster.local']]);
    const tcp = Server.tcp({ hosts: ['*'], port: 27017, portName: 'mongo' });
    expect([tcp.port, tcp.portName, tcp.protocol]).toEqual([27017, 'mongo', Protocol.TCP]);
    const grpc = new Server({ hosts: ['*'], port: 9090, protocol: Protocol.GRPC });
    expect(grpc.portName).toBe('grpc-9090');
  });

  test('renders only the fields that are set', () => {
    expect(Server.http({ hosts: ['a.example.com'], httpsRedirect: true })._render()).toEqual({
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: ['a.example.com'],
      tls: { httpsRedirect: true },
      bind: undefined,
      name: undefined,
    });
  });

  test('copies its inputs, so later changes to the caller\'s arrays do not leak in', () => {
    const hosts = ['a.example.com'];
    const server = Server.http({ hosts });
    hosts.push('b.example.com');
    expect(server.hosts).toEqual(['a.example.com']);
  });

  describe('bad input', () => {
    test('unknown protocol string', () => {
      const chart = Testing.chart();
      const server = new Server({ hosts: ['*'], port: 80, protocol: 'QUIC' as Protocol });
      expect(() => server._validate(chart, 'servers[0]')).toThrow(/\[test\] servers\[0\]\.port\.protocol "QUIC" is invalid: it is not a protocol Istio knows/);
    });

    test('empty port name', () => {
      const chart = Testing.chart();
      expect(() => Server.http({ hosts: ['*'], portName: '' })._validate(chart, 'servers[0]')).toThrow(/servers\[0\]\.port\.name "" is invalid: Istio requires every server port to have a name/);
    });

    test('blank server name and blank cipher suite', () => {
      const chart = Testing.chart();
      expect(() => Server.http({ hosts: ['*'], name: ' ' })._validate(chart, 's')).toThrow(/s\.name " " is invalid: a server name must not be empty/);
      expect(() => Server.https({ hosts: ['*'], credentialName: 'c', cipherSuites: [''] })._validate(chart, 's')).toThrow(/s\.tls\.cipherSuites "" is invalid/);
    });
  });
});
