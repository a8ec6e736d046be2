import { Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { ClientTls, ClientTlsMode } from '../../src/networking/traffic-policy-client-tls';

function render(tls: ClientTls): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'dr', { host: 'api.example.com', trafficPolicy: { tls } });
  return Testing.synth(chart)[0].spec.trafficPolicy.tls;
}

function build(tls: ClientTls): () => void {
  return () => new DestinationRule(Testing.chart(), 'dr', { host: 'api.example.com', trafficPolicy: { tls } });
}

describe('ClientTls', () => {
  test('ISTIO_MUTUAL', () => {
    const tls = ClientTls.istioMutual();
    expect(tls.mode).toBe(ClientTlsMode.ISTIO_MUTUAL);
    expect(render(tls)).toEqual({ mode: 'ISTIO_MUTUAL' });
  });

  test('ISTIO_MUTUAL with SNI and SANs', () => {
    expect(render(ClientTls.istioMutual({ sni: 'reviews.default', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/reviews'] })))
      .toEqual({ mode: 'ISTIO_MUTUAL', sni: 'reviews.default', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/reviews'] });
  });

  test('DISABLE', () => {
    expect(render(ClientTls.disable())).toEqual({ mode: 'DISABLE' });
  });

  test('SIMPLE origination with SNI and CA bundle', () => {
    expect(render(ClientTls.simple({ sni: 'api.example.com', caCertificates: '/etc/certs/ca.pem' })))
      .toEqual({ mode: 'SIMPLE', sni: 'api.example.com', caCertificates: '/etc/certs/ca.pem' });
  });

  test('SIMPLE with the CA from a Secret', () => {
    expect(render(ClientTls.simple({ credentialName: 'api-ca' }))).toEqual({ mode: 'SIMPLE', credentialName: 'api-ca' });
  });

  test('MUTUAL with a credential Secret', () => {
    expect(render(ClientTls.mutual({ credentialName: 'client-credential', sni: 'api.example.com' })))
      .toEqual({ mode: 'MUTUAL', credentialName: 'client-credential', sni: 'api.example.com' });
  });

  test('MUTUAL with certificate files', () => {
    expect(render(ClientTls.mutual({ clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem', caCrl: '/etc/certs/crl.pem' })))
      .toEqual({ mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem', caCrl: '/etc/certs/crl.pem' });
  });

  test('ClientTls.of with a mode from configuration', () => {
    expect(render(ClientTls.of({ mode: ClientTlsMode.SIMPLE, insecureSkipVerify: true }))).toEqual({ mode: 'SIMPLE', insecureSkipVerify: true });
  });

  describe('bad input', () => {
    test('MUTUAL without a client certificate', () => {
      expect(build(ClientTls.mutual({}))).toThrow(/\[test\/dr\] trafficPolicy\.tls \{\} is invalid: MUTUAL TLS needs a client certificate.*Fix: set credentialName/);
    });

    test('MUTUAL with a certificate but no key', () => {
      expect(build(ClientTls.mutual({ clientCertificate: '/etc/certs/client.pem' })))
        .toThrow(/trafficPolicy\.tls \{"clientCertificate":"\/etc\/certs\/client\.pem"\} is invalid: MUTUAL TLS needs/);
    });

    test('ISTIO_MUTUAL carrying certificate files', () => {
      expect(build(ClientTls.of({ mode: ClientTlsMode.ISTIO_MUTUAL, clientCertificate: '/etc/certs/client.pem' })))
        .toThrow(/trafficPolicy\.tls\.clientCertificate "\/etc\/certs\/client\.pem" is invalid: ISTIO_MUTUAL uses Istio's own workload certificates/);
    });

    test('ISTIO_MUTUAL with a credentialName', () => {
      expect(build(ClientTls.of({ mode: ClientTlsMode.ISTIO_MUTUAL, credentialName: 'x' }))).toThrow(/tls\.credentialName "x" is invalid: ISTIO_MUTUAL/);
    });

    test('credentialName together with certificate files', () => {
      expect(build(ClientTls.mutual({ credentialName: 'client-credential', clientCertificate: '/c.pem', privateKey: '/k.pem' })))
        .toThrow(/tls\.clientCertificate "\/c\.pem" is invalid: certificate files cannot be combined with credentialName/);
    });

    test('SIMPLE with a client certificate', () => {
      expect(build(ClientTls.of({ mode: ClientTlsMode.SIMPLE, clientCertificate: '/c.pem' }))).toThrow(/SIMPLE TLS does not present a client certificate/);
    });

    test('DISABLE with other settings', () => {
      expect(build(ClientTls.of({ mode: ClientTlsMode.DISABLE, sni: 'api.example.com' }))).toThrow(/tls\.sni "api\.example\.com" is invalid: TLS mode DISABLE takes no other TLS settings/);
    });

    test('insecureSkipVerify contradicting subjectAltNames', () => {
      expect(build(ClientTls.simple({ insecureSkipVerify: true, subjectAltNames: ['api.example.com'] })))
        .toThrow(/tls\.insecureSkipVerify true is invalid: it disables the very verification/);
    });

    test('empty SAN', () => {
      expect(build(ClientTls.simple({ subjectAltNames: [''] }))).toThrow(/tls\.subjectAltNames\[0\] "" is invalid: it must not be empty/);
    });
  });
});
