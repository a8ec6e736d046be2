import { ApiObjectMetadataDefinition, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { Gateway } from '../../src/networking/gateway';
import { Server, ServerTlsMode, ServerTlsProtocolVersion } from '../../src/networking/gateway-server';
import { fragmentChart } from '../support/fragment';

function synthGateway(build: (chart: ReturnType<typeof Testing.chart>) => void): any {
  const chart = fragmentChart();
  build(chart);
  return Testing.synth(chart).find((o) => o.kind === 'Gateway');
}

describe('Gateway', () => {
  test('HTTP + HTTPS with redirect and credentialName (the Bookinfo TLS ingress)', () => {
    const chart = fragmentChart();
    new Gateway(chart, 'gw', {
      metadata: { name: 'bookinfo-gateway' },
      servers: [
        Server.http({ hosts: ['bookinfo.example.com'], httpsRedirect: true }),
        Server.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-cert' }),
      ],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('networking.istio.io/v1');
    expect(obj.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['bookinfo.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' } },
      ],
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('servers added later with addServer are rendered (fluent)', () => {
    const chart = fragmentChart();
    const gw = new Gateway(chart, 'gw');
    expect(gw.addServer(Server.http({ hosts: ['*'] })).addServer(Server.tlsPassthrough({ hosts: ['nginx.example.com'] }))).toBe(gw);
    const [obj] = Testing.synth(chart);
    expect(obj.spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
      { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['nginx.example.com'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(gw.servers).toHaveLength(2);
  });

  test('custom selector by labels, and by a cdk8s-plus workload', () => {
    const byLabels = synthGateway((chart) => new Gateway(chart, 'gw', {
      selector: WorkloadSelector.fromLabels({ istio: 'ingress' }),
      servers: [Server.http({ hosts: ['*'] })],
    }));
    expect(byLabels.spec.selector).toEqual({ istio: 'ingress' });

    const chart = fragmentChart();
    const deployment = new Deployment(chart, 'egress', { containers: [{ image: 'istio/proxyv2' }] });
    new Gateway(chart, 'gw', { selector: WorkloadSelector.fromWorkload(deployment), servers: [Server.tcp({ hosts: ['*'], port: 31400 })] });
    const gw = Testing.synth(chart).find((o) => o.kind === 'Gateway');
    expect(gw.spec.selector).toEqual(deployment.matchLabels);
    expect(gw.spec.servers[0].port).toEqual({ number: 31400, name: 'tcp-31400', protocol: 'TCP' });
  });

  test('MUTUAL with files, TLS versions, ciphers, SANs, bind and name', () => {
    const gw = synthGateway((chart) => new Gateway(chart, 'gw', {
      servers: [Server.https({
        hosts: ['prod/api.example.com', './www.example.com', '*/*.example.org'],
        port: 8443,
        name: 'api',
        bind: '0.0.0.0',
        mode: ServerTlsMode.MUTUAL,
        serverCertificate: '/etc/certs/tls.crt',
        privateKey: '/etc/certs/tls.key',
        caCertificates: '/etc/certs/ca.crt',
        subjectAltNames: ['spiffe://cluster.local/ns/a/sa/b'],
        cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'],
        minProtocolVersion: ServerTlsProtocolVersion.TLSV1_2,
        maxProtocolVersion: ServerTlsProtocolVersion.TLSV1_3,
      })],
    }));
    expect(gw.spec.servers[0]).toEqual({
      port: { number: 8443, name: 'https-8443', protocol: 'HTTPS' },
      hosts: ['prod/api.example.com', './www.example.com', '*/*.example.org'],
      bind: '0.0.0.0',
      name: 'api',
      tls: {
        mode: 'MUTUAL',
        serverCertificate: '/etc/certs/tls.crt',
        privateKey: '/etc/certs/tls.key',
        caCertificates: '/etc/certs/ca.crt',
        subjectAltNames: ['spiffe://cluster.local/ns/a/sa/b'],
        cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'],
        minProtocolVersion: 'TLSV1_2',
        maxProtocolVersion: 'TLSV1_3',
      },
    });
  });

  test('east-west gateway: AUTO_PASSTHROUGH on 15443, ISTIO_MUTUAL, TLS termination', () => {
    const gw = synthGateway((chart) => new Gateway(chart, 'gw', {
      selector: WorkloadSelector.fromLabels({ istio: 'eastwestgateway' }),
      servers: [
        Server.autoPassthrough(),
        Server.tlsTerminate({ hosts: ['db.example.com'], port: 5432, credentialName: 'db-cert' }),
        new Server({ hosts: ['*'], port: 15012, protocol: Protocol.TLS, portName: 'tls-istiod', tls: { mode: ServerTlsMode.ISTIO_MUTUAL } }),
      ],
    }));
    expect(gw.spec.servers).toEqual([
      { port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } },
      { port: { number: 5432, name: 'tls-5432', protocol: 'TLS' }, hosts: ['db.example.com'], tls: { mode: 'SIMPLE', credentialName: 'db-cert' } },
      { port: { number: 15012, name: 'tls-istiod', protocol: 'TLS' }, hosts: ['*'], tls: { mode: 'ISTIO_MUTUAL' } },
    ]);
  });

  test('HTTPS and TLS servers may share port 443 (SNI split)', () => {
    const gw = synthGateway((chart) => new Gateway(chart, 'gw', {
      servers: [
        Server.https({ hosts: ['a.example.com'], credentialName: 'a-cert' }),
        Server.tlsPassthrough({ hosts: ['b.example.com'] }),
      ],
    }));
    expect(gw.spec.servers.map((s: any) => s.port.number)).toEqual([443, 443]);
  });

  test('gatewayRef and refFrom for VirtualService binding', () => {
    const chart = fragmentChart();
    const inNs = new Gateway(chart, 'gw', { metadata: { name: 'public', namespace: 'istio-system' }, servers: [Server.http({ hosts: ['*'] })] });
    expect(inNs.gatewayRef).toBe('istio-system/public');
    expect(inNs.refFrom('istio-system')).toBe('public');
    expect(inNs.refFrom('bookinfo')).toBe('istio-system/public');
    const noNs = new Gateway(chart, 'gw2', { metadata: { name: 'local' }, servers: [Server.http({ hosts: ['*'], portName: 'web' })] });
    expect(noNs.gatewayRef).toBe('local');
    expect(noNs.refFrom('bookinfo')).toBe('local');
    const md: ApiObjectMetadataDefinition = noNs.metadata;
    expect(md.name).toBe('local');
  });

  describe('bad input', () => {
    test('SIMPLE TLS without a certificate', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['a.example.com'] })] }))
        .toThrow(/\[test\/gw\] servers\[0\]\.tls\.credentialName undefined is invalid: SIMPLE TLS .*needs a server certificate.*Fix: pass `credentialName`/);
    });

    test('MUTUAL with files but no CA', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', {
        servers: [Server.https({ hosts: ['a.example.com'], mode: ServerTlsMode.MUTUAL, serverCertificate: '/c', privateKey: '/k' })],
      })).toThrow(/servers\[0\]\.tls\.caCertificates undefined is invalid: MUTUAL must verify client certificates/);
    });

    test('certificate file without its key', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['a.example.com'], serverCertificate: '/c' })] }))
        .toThrow(/servers\[0\]\.tls\.privateKey undefined is invalid: file-based certificates need both/);
    });

    test('credentialName and certificate files together', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['a.example.com'], credentialName: 'x', serverCertificate: '/c', privateKey: '/k' })] }))
        .toThrow(/credentialName "x" is invalid: a certificate comes either from a Secret or from files/);
    });

    test('HTTPS server without TLS settings', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [new Server({ hosts: ['*'], port: 443, protocol: Protocol.HTTPS })] }))
        .toThrow(/servers\[0\]\.tls undefined is invalid: a HTTPS server needs TLS settings.*Server\.https/);
    });

    test('TLS settings on a plain HTTP server', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', {
        servers: [new Server({ hosts: ['*'], port: 80, protocol: Protocol.HTTP, tls: { mode: ServerTlsMode.SIMPLE, credentialName: 'c' } })],
      })).toThrow(/servers\[0\]\.tls\.mode "SIMPLE" is invalid: a plain HTTP server cannot carry TLS settings/);
    });

    test('httpsRedirect on a TCP server', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [new Server({ hosts: ['*'], port: 9000, protocol: Protocol.TCP, httpsRedirect: true })] }))
        .toThrow(/servers\[0\]\.tls\.httpsRedirect true is invalid: httpsRedirect redirects plain-text HTTP/);
    });

    test('certificate on a passthrough server', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', {
        servers: [new Server({ hosts: ['*'], port: 443, protocol: Protocol.TLS, tls: { mode: ServerTlsMode.PASSTHROUGH, credentialName: 'c' } })],
      })).toThrow(/tls\.credentialName "c" is invalid: PASSTHROUGH does not use a certificate of yours/);
    });

    test('credentialName with ISTIO_MUTUAL', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['*'], mode: ServerTlsMode.ISTIO_MUTUAL, credentialName: 'c' })] }))
        .toThrow(/ISTIO_MUTUAL does not use a certificate of yours \(Istio uses its own workload certificates\)/);
    });

    test('AUTO_PASSTHROUGH on an HTTPS port', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [new Server({ hosts: ['*.local'], port: 15443, protocol: Protocol.HTTPS, tls: { mode: ServerTlsMode.AUTO_PASSTHROUGH } })] }))
        .toThrow(/servers\[0\]\.port\.protocol "HTTPS" is invalid: AUTO_PASSTHROUGH routes by SNI/);
    });

    test('same port with conflicting protocols', () => {
      const chart = fragmentChart();
      const gw = new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['*'], port: 8080 })] });
      expect(() => gw.addServer(Server.tcp({ hosts: ['*'], port: 8080 })))
        .toThrow(/\[test\/gw\] servers\[1\]\.port\.protocol "TCP" is invalid: port 8080 is already served as HTTP/);
    });

    test('two TLS servers on one port for the same host', () => {
      const chart = fragmentChart();
      const gw = new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['a.example.com', 'b.example.com'], credentialName: 'ab' })] });
      expect(() => gw.addServer(Server.tlsPassthrough({ hosts: ['b.example.com'] })))
        .toThrow(/servers\[1\]\.hosts "b\.example\.com" is invalid: another TLS server on port 443 already serves this host/);
    });

    test('duplicate server names', () => {
      const chart = fragmentChart();
      const gw = new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['a.example.com'], name: 'web' })] });
      expect(() => gw.addServer(Server.https({ hosts: ['a.example.com'], credentialName: 'a', name: 'web' })))
        .toThrow(/servers\[1\]\.name "web" is invalid: another server of this Gateway has the same name/);
    });

    test('duplicate port names (two default HTTP servers on port 80)', () => {
      const chart = fragmentChart();
      const gw = new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['a.example.com'] })] });
      expect(() => gw.addServer(Server.http({ hosts: ['b.example.com'] })))
        .toThrow(/servers\[1\]\.port\.name "http" is invalid: server port names must be unique.*Fix: pass a distinct `portName`/);
    });

    test('empty hosts', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.http({ hosts: [] })] }))
        .toThrow(/servers\[0\]\.hosts \[\] is invalid: the list must not be empty/);
    });

    test('host with a scheme and port', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['https://a.example.com:443'] })] }))
        .toThrow(/servers\[0\]\.hosts "https:\/\/a\.example\.com:443" is invalid/);
    });

    test('bad namespace part of a host', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['Prod_NS/a.example.com'] })] }))
        .toThrow(/hosts "Prod_NS\/a\.example\.com" is invalid: the namespace part "Prod_NS"/);
    });

    test('port out of range', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['*'], port: 0 })] }))
        .toThrow(/servers\[0\]\.port\.number 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('bind that is not an IP or socket', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.http({ hosts: ['*'], bind: 'localhost' })] }))
        .toThrow(/servers\[0\]\.bind "localhost" is invalid: bind must be an IP address/);
    });

    test('min TLS version above max', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', {
        servers: [Server.https({ hosts: ['*'], credentialName: 'c', minProtocolVersion: ServerTlsProtocolVersion.TLSV1_3, maxProtocolVersion: ServerTlsProtocolVersion.TLSV1_2 })],
      })).toThrow(/minProtocolVersion "TLSV1_3" is invalid: it is above maxProtocolVersion TLSV1_2/);
    });

    test('credentialName that is not a Secret name', () => {
      const chart = fragmentChart();
      expect(() => new Gateway(chart, 'gw', { servers: [Server.https({ hosts: ['*'], credentialName: 'Bookinfo Cert' })] }))
        .toThrow(/credentialName "Bookinfo Cert" is invalid: it must be the name of a Kubernetes Secret/);
    });

    test('gateway without servers fails synth', () => {
      const chart = fragmentChart();
      new Gateway(chart, 'gw');
      expect(() => Testing.synth(chart)).toThrow(/\[test\/gw\] servers \[\] is invalid: a Gateway without servers exposes nothing/);
    });

    test('selector with no labels', () => {
      const chart = fragmentChart();
      new Gateway(chart, 'gw', { selector: WorkloadSelector.fromLabels({}), servers: [Server.http({ hosts: ['*'] })] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/gw\] selector .*must not be empty/);
    });
  });
});
