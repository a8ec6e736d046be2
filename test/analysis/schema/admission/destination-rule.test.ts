// istiod's DestinationRule admission rules on objects: for each rule, an object istiod refuses
// and a nearby one it admits (which also passes the CRD schema).
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const dr = (spec: Obj) => istioObject('networking.istio.io/v1', 'DestinationRule', { host: 'reviews', ...spec });
const tp = (trafficPolicy: Obj) => dr({ trafficPolicy });
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('DestinationRule admission', () => {
  test('subsets: unique DNS-1123 names, valid labels', () => {
    pair(dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }),
      dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }), 'duplicate subset name "v1"');
    pair(dr({ subsets: [{ name: 'v1.0' }] }), dr({ subsets: [{ name: 'v1-0' }] }), 'invalid subset name "v1.0"');
    pair(dr({ subsets: [{ name: 'v1', labels: { version: 'v 1' } }] }), dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }] }), 'invalid label value "v 1"');
  });

  test('a traffic policy sets something; not tunnel and proxyProtocol together', () => {
    pair(tp({}), tp({ tls: { mode: 'ISTIO_MUTUAL' } }), 'a traffic policy must have at least one field');
    pair(tp({ tunnel: { protocol: 'CONNECT', targetHost: 'proxy.example.com', targetPort: 8080 }, proxyProtocol: { version: 'V1' } }),
      tp({ tunnel: { protocol: 'CONNECT', targetHost: 'proxy.example.com', targetPort: 8080 } }), 'tunnel and proxyProtocol cannot be set together');
    pair(tp({ tunnel: { targetHost: 'proxy_1', targetPort: 8080 } }), tp({ tunnel: { targetHost: '10.0.0.1', targetPort: 8080 } }), 'must be an FQDN or an IP address');
  });

  test('outlier detection: local origin failures need the split; durations', () => {
    pair(tp({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }), tp({ outlierDetection: { consecutiveLocalOriginFailures: 3, splitExternalLocalOriginErrors: true } }), 'need splitExternalLocalOriginErrors: true');
    pair(tp({ outlierDetection: { interval: '0.5ms' } }), tp({ outlierDetection: { interval: '10s' } }), 'must be at least 1ms');
  });

  test('connection pool: something set, non-negative counts, no client protocol with UPGRADE', () => {
    pair(tp({ connectionPool: {} }), tp({ connectionPool: { tcp: { maxConnections: 10 } } }), 'a connection pool must have at least one field');
    pair(tp({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }), tp({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE' } } }), 'useClientProtocol must not be true');
    pair(tp({ connectionPool: { tcp: { connectTimeout: '1500us' } } }), tp({ connectionPool: { tcp: { connectTimeout: '2ms', idleTimeout: '0s' } } }), 'whole milliseconds');
  });

  test('load balancer: cookie name, maglev table size, locality settings, warmup', () => {
    pair(tp({ loadBalancer: { consistentHash: { httpCookie: { name: '', ttl: '0s' } } } }), tp({ loadBalancer: { consistentHash: { httpCookie: { name: 'user', ttl: '0s' } } } }), 'name required for httpCookie');
    pair(tp({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65536 } } } }), tp({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } } }), 'must be a prime number for maglev');
    const loc = (localityLbSetting: Obj) => tp({ loadBalancer: { simple: 'ROUND_ROBIN', localityLbSetting }, outlierDetection: { consecutive5xxErrors: 5 } });
    pair(loc({ distribute: [{ from: 'us-east/*', to: { 'us-east/*': 80, 'us-west/*': 10 } }] }), loc({ distribute: [{ from: 'us-east/*', to: { 'us-east/*': 90, 'us-west/*': 10 } }] }), 'total locality weight 90 != 100');
    pair(loc({ distribute: [{ from: 'us-east/*', to: { 'us-east/*': 100 } }], failover: [{ from: 'us-east', to: 'us-west' }] }), loc({ failover: [{ from: 'us-east', to: 'us-west' }] }), "'distribute' and 'failover' cannot be set together");
    pair(loc({ failover: [{ from: 'us-east', to: 'us-east' }] }), loc({ failover: [{ from: 'us-east', to: 'us-west' }] }), 'must name different regions');
    pair(loc({ failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['topology.kubernetes.io/zone'] }), loc({ failover: [{ from: 'us-east', to: 'us-west' }], failoverPriority: ['example.com/rack'] }), 'cannot be set together');
    pair(tp({ loadBalancer: { simple: 'LEAST_REQUEST', warmup: { duration: '60s', aggression: 0.5 } } }), tp({ loadBalancer: { simple: 'LEAST_REQUEST', warmup: { duration: '60s', aggression: 2 } } }), 'aggression must be at least 1');
  });

  test('client TLS: MUTUAL needs certificates or a credentialName; no files with a credentialName', () => {
    pair(tp({ tls: { mode: 'MUTUAL' } }), tp({ tls: { mode: 'MUTUAL', credentialName: 'client-cert' } }), 'a client certificate is required for MUTUAL TLS');
    pair(tp({ tls: { mode: 'SIMPLE', credentialName: 'cert', caCertificates: '/etc/ca.pem' } }), tp({ tls: { mode: 'SIMPLE', credentialName: 'cert' } }), 'cannot be set together with credentialName');
    pair(tp({ tls: { mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/etc/ca.pem' } }), tp({ tls: { mode: 'SIMPLE', insecureSkipVerify: true } }), 'cannot be set with insecureSkipVerify: true');
  });

  test('port-level settings name a port and set something', () => {
    pair(tp({ portLevelSettings: [{ port: { number: 9080 } }] }), tp({ portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'DISABLE' } }] }), 'a port traffic policy must have at least one field');
  });

  test('with a workload selector, exportTo stays in the own namespace', () => {
    const sel = { workloadSelector: { matchLabels: { app: 'reviews' } } };
    pair(dr({ ...sel, exportTo: ['*'] }), dr({ ...sel, exportTo: ['.'] }), 'cannot be exported beyond its own namespace');
    pair(dr({ workloadSelector: { matchLabels: { app: 'rev*' } } }), dr(sel), 'wildcards are not supported in a selector');
  });
});
