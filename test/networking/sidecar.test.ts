import { Duration, Testing } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { OutboundTrafficPolicyMode, Sidecar, SidecarCaptureMode, SidecarProps } from '../../src/networking/sidecar';
import { fragmentChart } from '../support/fragment';

function build(props: SidecarProps): () => Sidecar {
  return () => new Sidecar(fragmentChart(), 'sc', props);
}

describe('Sidecar', () => {
  test('namespace default: own namespace + istio-system, REGISTRY_ONLY (snapshot)', () => {
    const chart = fragmentChart();
    new Sidecar(chart, 'default', {
      metadata: { name: 'default', namespace: 'bookinfo' },
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });
    const out = Testing.synth(chart);
    expect(out[0].spec).toEqual({ egress: [{ hosts: ['./*', 'istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    expect(out).toMatchSnapshot();
  });

  test('an empty Sidecar is refused at synth, as istiod refuses it', () => {
    const chart = fragmentChart();
    new Sidecar(chart, 'sc');
    expect(() => Testing.synth(chart)).toThrow(/\[test\/sc\] egress \[\] is invalid: istiod refuses an empty Sidecar\. Fix: add egress hosts/);
  });

  test('workload-specific ingress and egress listeners; the catch-all egress goes last', () => {
    const chart = fragmentChart();
    new Sidecar(chart, 'ratings', {
      workloadSelector: WorkloadSelector.fromLabels({ app: 'ratings' }),
      ingress: [{
        port: { number: 9080, protocol: Protocol.HTTP, name: 'http' },
        defaultEndpoint: '127.0.0.1:8080',
        connectionPool: { http: { http1MaxPendingRequests: 100 } },
      }],
      egress: [{ hosts: ['*/api.example.com'] }],
      inboundConnectionPool: { tcp: { maxConnections: 500, connectTimeout: Duration.seconds(1) } },
    }).addEgress({ port: { number: 3306, protocol: Protocol.TCP, name: 'mysql' }, bind: '127.0.0.1', captureMode: SidecarCaptureMode.NONE, hosts: ['db/mysql.db.svc.cluster.local'] })
      .addIngress({ port: { number: 9090 }, defaultEndpoint: 'unix:///var/run/app.sock', bind: '0.0.0.0', captureMode: SidecarCaptureMode.IPTABLES });
    expect(Testing.synth(chart)[0].spec).toEqual({
      workloadSelector: { labels: { app: 'ratings' } },
      ingress: [
        { port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:8080', connectionPool: { http: { http1MaxPendingRequests: 100 } } },
        { port: { number: 9090 }, defaultEndpoint: 'unix:///var/run/app.sock', bind: '0.0.0.0', captureMode: 'IPTABLES' },
      ],
      egress: [
        { port: { number: 3306, protocol: 'TCP', name: 'mysql' }, bind: '127.0.0.1', captureMode: 'NONE', hosts: ['db/mysql.db.svc.cluster.local'] },
        { hosts: ['*/api.example.com'] },
      ],
      inboundConnectionPool: { tcp: { maxConnections: 500, connectTimeout: '1s' } },
    });
  });

  test('ALLOW_ANY through an egress proxy', () => {
    const chart = fragmentChart();
    new Sidecar(chart, 'sc', {
      outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY,
      egressProxy: { host: 'egress-proxy.istio-system.svc.cluster.local', port: 3128, subset: 'v1' },
    });
    expect(Testing.synth(chart)[0].spec.outboundTrafficPolicy).toEqual({
      mode: 'ALLOW_ANY',
      egressProxy: { host: 'egress-proxy.istio-system.svc.cluster.local', port: { number: 3128 }, subset: 'v1' },
    });
  });

  test('egress listener bound to a Unix socket', () => {
    const chart = fragmentChart();
    new Sidecar(chart, 'sc', { egress: [{ hosts: ['*/api.example.com'], port: { number: 0, protocol: Protocol.HTTP }, bind: 'unix:///var/run/egress.sock' }] });
    expect(Testing.synth(chart)[0].spec.egress).toEqual([{ hosts: ['*/api.example.com'], port: { number: 0, protocol: 'HTTP' }, bind: 'unix:///var/run/egress.sock' }]);
  });

  describe('bad input', () => {
    test('egress host without a namespace', () => {
      expect(build({ egress: [{ hosts: ['api.example.com'] }] }))
        .toThrow(/\[test\/sc\] egress\[\*\]\.hosts "api\.example\.com" is invalid: a Sidecar egress host must have the form namespace\/dnsName\. Fix: write e\.g\. "\.\/api\.example\.com"/);
    });

    test('egress host with an invalid namespace', () => {
      expect(build({ egress: [{ hosts: ['Istio_System/*'] }] })).toThrow(/egress\[\*\]\.hosts "Istio_System\/\*" is invalid: the namespace part "Istio_System" must be/);
    });

    test('egress host with an invalid dnsName', () => {
      expect(build({ egress: [{ hosts: ['./https://api.example.com'] }] })).toThrow(/dnsName of .* is invalid: a host must be a DNS name/);
    });

    test('egress listener without hosts', () => {
      expect(build({ egress: [{ hosts: [] }] })).toThrow(/egress\[\*\]\.hosts \[\] is invalid: the list must not be empty/);
    });

    test('two catch-all egress listeners', () => {
      expect(build({ egress: [{ hosts: ['./*'] }, { hosts: ['istio-system/*'] }] })).toThrow(/egress port undefined is invalid: there is already an egress listener without a port/);
    });

    test('two egress listeners on one port', () => {
      expect(build({ egress: [{ hosts: ['./*'], port: { number: 80 } }, { hosts: ['istio-system/*'], port: { number: 80 } }] }))
        .toThrow(/egress port 80 is invalid: another egress listener already uses this port/);
    });

    test('duplicate ingress port', () => {
      expect(build({ ingress: [{ port: { number: 9080 } }, { port: { number: 9080 } }] })).toThrow(/ingress port 9080 is invalid: another ingress listener already uses this port/);
    });

    test('ingress port out of range', () => {
      expect(build({ ingress: [{ port: { number: 0 } }] })).toThrow(/ingress\[0\]\.port\.number 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('defaultEndpoint that is not a loopback/any address with port', () => {
      expect(build({ ingress: [{ port: { number: 9080 }, defaultEndpoint: '10.0.0.1:8080' }] }))
        .toThrow(/ingress\[9080\]\.defaultEndpoint "10\.0\.0\.1:8080" is invalid: defaultEndpoint must be 127\.0\.0\.1:PORT/);
    });

    test('egress proxy without ALLOW_ANY', () => {
      expect(build({ outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY, egressProxy: { host: 'proxy.example.com', port: 3128 } }))
        .toThrow(/outboundTrafficPolicy\.egressProxy "proxy\.example\.com" is invalid: an egress proxy is only used with mode ALLOW_ANY, not REGISTRY_ONLY/);
    });

    test('egress proxy host with a wildcard', () => {
      expect(build({ outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY, egressProxy: { host: '*.example.com', port: 3128 } }))
        .toThrow(/egressProxy\.host "\*\.example\.com" is invalid: the egress proxy host must be a fully qualified domain name/);
    });

    test('Unix-socket egress listener on a non-zero port', () => {
      expect(build({ egress: [{ hosts: ['./*'], port: { number: 80 }, bind: 'unix:///var/run/e.sock' }] }))
        .toThrow(/egress\[80\]\.bind "unix:\/\/\/var\/run\/e\.sock" is invalid: a listener bound to a Unix domain socket must use port number 0/);
    });

    test('port 0 without a Unix socket, or captured by iptables', () => {
      expect(build({ egress: [{ hosts: ['./*'], port: { number: 0 } }] })).toThrow(/egress\[0\]\.bind undefined is invalid: an egress listener on port 0 must be bound to a Unix domain socket/);
      expect(build({ egress: [{ hosts: ['./*'], port: { number: 0 }, bind: 'unix:///e.sock', captureMode: SidecarCaptureMode.IPTABLES }] }))
        .toThrow(/egress\[0\]\.captureMode "IPTABLES" is invalid: traffic to a Unix domain socket cannot be captured by iptables/);
    });

    test('egress host without a namespace part, or with an invalid dnsName', () => {
      expect(build({ egress: [{ hosts: ['reviews'] }] })).toThrow(/egress\[\*\]\.hosts "reviews" is invalid: a Sidecar egress host must have the form namespace\/dnsName/);
      expect(build({ egress: [{ hosts: ['./reviews:9080'] }] })).toThrow(/dnsName of "\.\/reviews:9080"/);
    });

    test('bind that is not an IP address', () => {
      expect(build({ ingress: [{ port: { number: 80 }, bind: 'localhost' }] })).toThrow(/ingress\[80\]\.bind "localhost" is invalid: bind must be an IP address/);
      expect(build({ ingress: [{ port: { number: 80 }, bind: 'unix:///a.sock' }] })).toThrow(/ingress\[80\]\.bind "unix:\/\/\/a\.sock" is invalid/);
    });

    test('two listeners on one Unix socket', () => {
      expect(build({ egress: [{ hosts: ['./*'], port: { number: 0 }, bind: 'unix:///e.sock' }, { hosts: ['istio-system/*'], port: { number: 0 }, bind: 'unix:///e.sock' }] }))
        .toThrow(/egress bind "unix:\/\/\/e\.sock" is invalid: another egress listener already uses this Unix domain socket/);
    });

    test('defaultEndpoint socket that is a directory', () => {
      expect(build({ ingress: [{ port: { number: 9080 }, defaultEndpoint: 'unix:///var/run/' }] })).toThrow(/defaultEndpoint "unix:\/\/\/var\/run\/" is invalid: a Unix domain socket must be an absolute file path/);
    });

    test('duplicate egress host', () => {
      expect(build({ egress: [{ hosts: ['./*', './*'] }] })).toThrow(/egress\[\*\]\.hosts "\.\/\*" is invalid: the host appears more than once/);
    });
  });
});
