// istiod's Sidecar admission rules on objects: for each rule, an object istiod refuses and a
// nearby one it admits (which also passes the CRD schema).
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const sc = (spec: Obj) => istioObject('networking.istio.io/v1', 'Sidecar', spec);
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);
const ALL = { hosts: ['./*'] };

describe('Sidecar admission', () => {
  test('not empty', () => {
    pair(sc({}), sc({ egress: [ALL] }), 'empty configuration');
  });
  test('egress hosts: namespace/FQDN, no short names or partial wildcards', () => {
    pair(sc({ egress: [{ hosts: ['./reviews'] }] }), sc({ egress: [{ hosts: ['./reviews.default.svc.cluster.local'] }] }), 'short names (not FQDNs) are not allowed');
    pair(sc({ egress: [{ hosts: ['reviews.default.svc.cluster.local'] }] }), sc({ egress: [{ hosts: ['*/reviews.default.svc.cluster.local'] }] }), 'must be of the form namespace/dnsName');
    pair(sc({ egress: [{ hosts: ['*/*foo.example.com'] }] }), sc({ egress: [{ hosts: ['*/*.foo.example.com'] }] }), 'partial wildcard');
    pair(sc({ egress: [{ hosts: ['Bad_NS/*'] }] }), sc({ egress: [{ hosts: ['bad-ns/*'] }] }), 'invalid namespace value "Bad_NS" in sidecar');
  });
  test('egress listeners: one catch-all, last; unique ports; port 0 needs a unix socket', () => {
    pair(sc({ egress: [ALL, { port: { number: 8080, protocol: 'HTTP', name: 'http' }, hosts: ['./*'] }] }),
      sc({ egress: [{ port: { number: 8080, protocol: 'HTTP', name: 'http' }, hosts: ['./*'] }, ALL] }), 'the egress listener without a port must be the last one');
    pair(sc({ egress: [{ port: { number: 8080, protocol: 'HTTP', name: 'a' }, hosts: ['./*'] }, { port: { number: 8080, protocol: 'HTTP', name: 'b' }, hosts: ['./*'] }] }),
      sc({ egress: [{ port: { number: 8080, protocol: 'HTTP', name: 'a' }, hosts: ['./*'] }, { port: { number: 8081, protocol: 'HTTP', name: 'b' }, hosts: ['./*'] }] }), 'ports of IP-bound listeners must be unique');
    pair(sc({ egress: [{ port: { number: 0, protocol: 'HTTP', name: 'uds' }, hosts: ['./*'] }] }),
      sc({ egress: [{ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/app.sock', hosts: ['./*'] }] }), 'needs a unix domain socket bind address');
  });
  test('ingress listeners: defaultEndpoint forms, TLS limits', () => {
    const ing = (more: Obj) => sc({ ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, ...more }] });
    pair(ing({ defaultEndpoint: '10.0.0.1:9080' }), ing({ defaultEndpoint: '127.0.0.1:9080' }), 'defaultEndpoint must be 127.0.0.1:<port>');
    pair(ing({ tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } }),
      sc({ ingress: [{ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } }] }), 'a listener on a non-HTTPS/TLS port cannot have TLS settings');
    pair(sc({ ingress: [{ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', credentialName: 'c' } }] }),
      sc({ ingress: [{ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } }] }), 'credentialName is not supported in a Sidecar');
  });
  test('the egress proxy only with ALLOW_ANY', () => {
    const proxy = { host: 'proxy.istio-system.svc.cluster.local', port: { number: 3128 } };
    pair(sc({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: proxy } }), sc({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: proxy } }), 'egressProxy can be set only with the ALLOW_ANY mode');
  });
});
