// istiod's ServiceEntry, WorkloadEntry and WorkloadGroup admission rules on objects: for each
// rule, an object istiod refuses and a nearby one it admits (which also passes the CRD schema).
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const NET = 'networking.istio.io/v1';
const se = (spec: Obj, metadata: Obj = {}) => istioObject(NET, 'ServiceEntry', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', ...spec }, metadata);
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('ServiceEntry admission', () => {
  test('hosts: not "*", at least one', () => {
    pair(se({ hosts: ['*'], resolution: 'NONE' }), se({ hosts: ['*.example.com'], resolution: 'NONE' }), 'invalid host "*"');
  });
  test('addresses: IPs or CIDRs, CIDRs only with NONE/STATIC', () => {
    pair(se({ addresses: ['10.0.0.0/8'] }), se({ addresses: ['10.0.0.0/8'], resolution: 'NONE' }), 'CIDR addresses are allowed only with NONE or STATIC resolution');
  });
  test('ports: unique names and numbers, DNS-1123 names', () => {
    pair(se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 8443, name: 'tls', protocol: 'TLS' }] }),
      se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 8443, name: 'tls-alt', protocol: 'TLS' }] }), 'port name "tls" already defined');
    pair(se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 443, name: 'https', protocol: 'HTTPS' }] }),
      se({ ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 8443, name: 'https', protocol: 'HTTPS' }] }), 'port 443 already defined');
    pair(se({ ports: [{ number: 443, name: 'tls_1', protocol: 'TLS' }] }), se({ ports: [{ number: 443, name: 'tls-1', protocol: 'TLS' }] }), 'invalid port name "tls_1"');
  });
  test('NONE: no endpoints; STATIC: IP endpoints with known port names', () => {
    pair(se({ resolution: 'NONE', endpoints: [{ address: '10.0.0.1' }] }), se({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] }), 'no endpoints can be given for resolution NONE');
    pair(se({ resolution: 'STATIC', endpoints: [{ address: 'db.example.com' }] }), se({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] }), 'is not a valid IP address');
    pair(se({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', ports: { https: 8443 } }] }), se({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', ports: { tls: 8443 } }] }), 'endpoint port "https" is not defined by the ServiceEntry');
    pair(se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/a.sock', ports: { tls: 1 } }] }), se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/a.sock' }] }), 'must not have ports');
  });
  test('DNS: FQDN hosts without endpoints, one endpoint for round robin, endpoint addresses', () => {
    pair(se({ hosts: ['*.example.com'] }), se({ hosts: ['*.example.com'], endpoints: [{ address: 'gw.example.com' }] }), 'hosts must be FQDNs (no wildcards) when no endpoints are given');
    pair(se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }), se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }] }), 'there can be only 0 or 1 endpoint');
    pair(se({ endpoints: [{ address: 'bad_host' }] }), se({ endpoints: [{ address: 'good-host.example.com' }] }), 'is not a valid FQDN or an IP address');
  });
  test('DYNAMIC_DNS: wildcard hosts, no addresses, HTTP/TLS ports', () => {
    pair(se({ resolution: 'DYNAMIC_DNS' }), se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS' }), 'must be a wildcard for resolution DYNAMIC_DNS');
    pair(se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }] }),
      se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS' }), 'only HTTP, TLS, GRPC and HTTP2 ports are supported for resolution DYNAMIC_DNS');
  });
  test('several hosts need HTTP or TLS ports unless NONE; exportTo may be "~"', () => {
    const two = { hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }] };
    pair(se(two), se({ ...two, resolution: 'NONE' }), 'several hosts with non-HTTP, non-TLS ports cannot be told apart');
    pair(se({ exportTo: ['~', '.'] }), se({ exportTo: ['~'] }), 'cannot export a service entry to no one (~) and someone');
  });
  test('a workload selector excludes endpoints', () => {
    pair(se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'db' } }, endpoints: [{ address: '10.0.0.1' }] }),
      se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'db' } } }), 'only one of workloadSelector and endpoints is allowed');
  });
});

describe('WorkloadEntry and WorkloadGroup admission', () => {
  const we = (spec: Obj) => istioObject(NET, 'WorkloadEntry', spec);
  const wg = (spec: Obj) => istioObject(NET, 'WorkloadGroup', { template: { serviceAccount: 'vm' }, ...spec });
  test('WorkloadEntry: an address (IP, FQDN or unix socket), valid port names and labels', () => {
    pair(we({ ports: { http: 80 } }), we({ address: '10.0.0.5', ports: { http: 80 } }), 'address is required');
    pair(we({ address: 'vm_1.example.com' }), we({ address: 'vm-1.example.com' }), 'is not a valid FQDN or an IP address');
    pair(we({ address: '10.0.0.5', ports: { HTTP_1: 80 } }), we({ address: '10.0.0.5', ports: { 'http-1': 80 } }), 'invalid port name "HTTP_1"');
    pair(we({ address: '10.0.0.5', labels: { app: 'a b' } }), we({ address: '10.0.0.5', labels: { app: 'ab' } }), 'invalid label value "a b"');
  });
  test('WorkloadGroup: a template, labels, a readiness probe with one method', () => {
    pair(wg({ metadata: { labels: { 'bad key!': 'x' } } }), wg({ metadata: { labels: { app: 'vm' } } }), 'invalid label key "bad key!"');
    pair(wg({ probe: { periodSeconds: 5 } }), wg({ probe: { periodSeconds: 5, tcpSocket: { port: 8080 } } }), 'a readiness probe needs one of httpGet, tcpSocket or exec');
    pair(wg({ probe: { httpGet: { port: 8080, httpHeaders: [{ name: 'x_user', value: 'a' }] } } }), wg({ probe: { httpGet: { port: 8080, httpHeaders: [{ name: 'x-user', value: 'a' }] } } }), 'header name "x_user" is not a valid header name');
  });
});
