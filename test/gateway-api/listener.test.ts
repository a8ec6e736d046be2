import { Testing } from 'cdk8s';
import { GatewayApiListener, GatewayApiProtocol, GatewayApiTlsMode } from '../../src/gateway-api/listener';

describe('GatewayApiListener', () => {
  test('factory defaults', () => {
    expect([GatewayApiListener.http().name, GatewayApiListener.http().port]).toEqual(['http', 80]);
    expect(GatewayApiListener.http({ port: 8080 }).name).toBe('http-8080');
    const https = GatewayApiListener.https({ certificateRefs: [{ name: 'c' }] });
    expect([https.name, https.port, https.protocol, https.tls?.mode]).toEqual(['https', 443, GatewayApiProtocol.HTTPS, GatewayApiTlsMode.TERMINATE]);
    const tls = GatewayApiListener.tlsTerminate({ certificateRefs: [{ name: 'c' }], port: 5432, tlsOptions: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' } });
    expect([tls.name, tls.protocol]).toEqual(['tls-5432', GatewayApiProtocol.TLS]);
    expect(tls._render(Testing.chart(), 'l').tls).toEqual({ mode: 'Terminate', certificateRefs: [{ name: 'c', namespace: undefined }], options: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' } });
    expect(GatewayApiListener.tlsPassthrough().name).toBe('tls');
    expect(GatewayApiListener.tcp({ port: 3306 }).name).toBe('tcp-3306');
  });

  test('a valid listener passes its checks', () => {
    const chart = Testing.chart();
    expect(() => new GatewayApiListener({ port: 443, protocol: GatewayApiProtocol.TLS, hostname: '*.example.com', tls: { certificateRefs: [{ name: 'c' }] } })._validate(chart, 'l')).not.toThrow();
  });

  describe('bad input', () => {
    const check = (l: GatewayApiListener) => () => l._validate(Testing.chart(), 'listeners[0]');

    test('HTTPS listener without certificates', () => {
      expect(check(GatewayApiListener.https({ certificateRefs: [] })))
        .toThrow(/\[test\] listeners\[0\]\.tls\.certificateRefs \[\] is invalid: a listener that terminates TLS needs a certificate/);
    });

    test('TLS settings on an HTTP listener', () => {
      expect(check(new GatewayApiListener({ port: 80, protocol: GatewayApiProtocol.HTTP, tls: { certificateRefs: [{ name: 'c' }] } })))
        .toThrow(/listeners\[0\]\.tls "Terminate" is invalid: a HTTP listener must not have TLS settings/);
    });

    test('TLS listener without TLS settings', () => {
      expect(check(new GatewayApiListener({ port: 443, protocol: GatewayApiProtocol.TLS })))
        .toThrow(/listeners\[0\]\.tls undefined is invalid: a TLS listener needs TLS settings/);
    });

    test('HTTPS listener in passthrough mode', () => {
      expect(check(new GatewayApiListener({ port: 443, protocol: GatewayApiProtocol.HTTPS, tls: { mode: GatewayApiTlsMode.PASSTHROUGH } })))
        .toThrow(/listeners\[0\]\.tls\.mode "Passthrough" is invalid: an HTTPS listener must terminate TLS/);
    });

    test('certificates on a passthrough listener', () => {
      expect(check(new GatewayApiListener({ port: 443, protocol: GatewayApiProtocol.TLS, tls: { mode: GatewayApiTlsMode.PASSTHROUGH, certificateRefs: [{ name: 'c' }] } })))
        .toThrow(/certificateRefs \["c"\] is invalid: a passthrough listener does not terminate TLS/);
    });

    test('hostname on a TCP listener', () => {
      expect(check(new GatewayApiListener({ port: 3306, protocol: GatewayApiProtocol.TCP, hostname: 'db.example.com' })))
        .toThrow(/listeners\[0\]\.hostname "db\.example\.com" is invalid: TCP carries no hostname/);
    });

    test('upper-case or IP hostname', () => {
      expect(check(GatewayApiListener.http({ hostname: 'Bookinfo.Example.com' }))).toThrow(/hostname "Bookinfo\.Example\.com" is invalid: a hostname must be a lower-case DNS name/);
    });

    test('listener name that is not a DNS-1123 subdomain', () => {
      expect(check(GatewayApiListener.http({ name: 'HTTP_main' }))).toThrow(/listeners\[0\]\.name "HTTP_main" is invalid: it must be a DNS-1123 subdomain/);
    });

    test('unsupported protocol', () => {
      expect(check(new GatewayApiListener({ port: 53, protocol: 'UDP' as GatewayApiProtocol }))).toThrow(/listeners\[0\]\.protocol "UDP" is invalid/);
    });

    test('certificate in a bad namespace', () => {
      expect(check(GatewayApiListener.https({ certificateRefs: [{ name: 'c', namespace: 'Certs' }] }))).toThrow(/certificateRefs\[0\]\.namespace "Certs" is invalid/);
    });
  });
});
