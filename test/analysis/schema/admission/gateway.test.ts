// istiod's Gateway admission rules on objects: for each rule, an object istiod refuses and a
// nearby one it admits (which also passes the CRD schema).
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const http = (more: Obj = {}) => ({ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'], ...more });
const https = (tls: Obj, more: Obj = {}) => ({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'], tls, ...more });
const gw = (...servers: Obj[]) => istioObject('networking.istio.io/v1', 'Gateway', { selector: { istio: 'ingressgateway' }, servers });
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('Gateway admission', () => {
  test('servers: at least one, unique port names', () => {
    pair(gw(), gw(http()), 'a Gateway must have at least one server');
    pair(gw(http(), https({ mode: 'SIMPLE', credentialName: 'c' }, { port: { number: 443, name: 'http', protocol: 'HTTPS' } })),
      gw(http(), https({ mode: 'SIMPLE', credentialName: 'c' })), 'port names in servers must be unique: duplicate name "http"');
  });
  test('hosts: FQDNs (no short names), wildcards only as the first label, namespaces as DNS labels', () => {
    pair(gw(http({ hosts: ['reviews'] })), gw(http({ hosts: ['reviews.example.com'] })), 'short names (not FQDNs) are not allowed');
    pair(gw(http({ hosts: ['*foo.example.com'] })), gw(http({ hosts: ['*.foo.example.com'] })), 'partial wildcard "*foo.example.com" not allowed');
    pair(gw(http({ hosts: ['Bad_NS/a.example.com'] })), gw(http({ hosts: ['bad-ns/a.example.com'] })), 'invalid namespace value "Bad_NS" in gateway');
  });
  test('ports and binds', () => {
    pair(gw(http({ port: { number: 80, name: 'http', protocol: 'HTTP', targetPort: 8080 } })), gw(http()), 'targetPort has no effect on Gateways');
    pair(gw(http({ bind: '0.0.0.0.0' })), gw(http({ bind: '0.0.0.0' })), '"0.0.0.0.0" is not an IP address');
  });
  test('TLS settings: required on HTTPS/TLS, refused on plain ports (httpsRedirect aside)', () => {
    pair(gw({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'] }), gw(https({ mode: 'SIMPLE', credentialName: 'cert' })), 'a server on an HTTPS/TLS port needs TLS settings');
    pair(gw(http({ tls: { mode: 'SIMPLE', credentialName: 'cert' } })), gw(http({ tls: { httpsRedirect: true } })), 'a plain HTTP server cannot have TLS settings');
    pair(gw({ port: { number: 5432, name: 'tcp', protocol: 'TCP' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'c' } }),
      gw({ port: { number: 5432, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }), 'a server on a non-HTTPS/TLS port cannot have TLS settings');
  });
  test('TLS options: one certificate source, SIMPLE/MUTUAL need their files, ISTIO_MUTUAL takes none, CRLs', () => {
    pair(gw(https({ mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] })), gw(https({ mode: 'SIMPLE', credentialNames: ['a', 'b'] })), 'only one of credentialName, credentialNames');
    pair(gw(https({ mode: 'SIMPLE', serverCertificate: '/etc/cert.pem' })), gw(https({ mode: 'SIMPLE', serverCertificate: '/etc/cert.pem', privateKey: '/etc/key.pem' })), 'SIMPLE TLS requires a private key');
    pair(gw(https({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k' })), gw(https({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k', caCertificates: '/ca' })), 'MUTUAL TLS requires a client CA bundle');
    pair(gw(https({ mode: 'ISTIO_MUTUAL', credentialName: 'c' })), gw(https({ mode: 'ISTIO_MUTUAL' })), 'ISTIO_MUTUAL TLS cannot have an associated credentialName');
    pair(gw(https({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' })), gw(https({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k', caCertificates: '/ca', caCrl: '/crl' })), 'a CRL is not supported with SIMPLE TLS');
  });
  test('the name is a DNS-1123 label', () => {
    pair(istioObject('networking.istio.io/v1', 'Gateway', { servers: [http()] }, { name: 'my.gw' }), gw(http()), 'invalid gateway name "my.gw"');
  });
});
