import { Testing } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryProps, ServiceEntryResolution } from '../../src/networking/service-entry';

function build(props: ServiceEntryProps): () => ServiceEntry {
  return () => new ServiceEntry(Testing.chart(), 'se', props);
}

function synthOf(props: ServiceEntryProps, more?: (se: ServiceEntry) => void): () => any[] {
  return () => {
    const chart = Testing.chart();
    const se = new ServiceEntry(chart, 'se', props);
    more?.(se);
    return Testing.synth(chart);
  };
}

describe('ServiceEntry', () => {
  test('external API by DNS (snapshot)', () => {
    const chart = Testing.chart();
    const se = new ServiceEntry(chart, 'httpbin', {
      metadata: { name: 'httpbin-ext', namespace: 'egress' },
      hosts: ['httpbin.org'],
      resolution: ServiceEntryResolution.DNS,
      ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }],
      exportTo: ['.'],
    }).addPort({ number: 80, protocol: Protocol.HTTP });
    const out = Testing.synth(chart);
    expect(out[0].spec).toEqual({
      hosts: ['httpbin.org'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }, { number: 80, name: 'http-80', protocol: 'HTTP' }],
      exportTo: ['.'],
    });
    expect(se.portNames).toEqual(['https', 'http-80']);
    expect(se.location).toBe(ServiceEntryLocation.MESH_EXTERNAL);
    expect(out).toMatchSnapshot();
  });

  test('static endpoints with every endpoint field', () => {
    const [obj] = synthOf({
      hosts: ['mysql.db.internal'],
      addresses: ['10.10.0.0/24'],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      ports: [{ number: 3306, name: 'mysql', protocol: Protocol.TCP, targetPort: 13306 }],
      endpoints: [
        { address: '10.10.0.10', ports: { mysql: 3306 }, labels: { version: 'v1' }, network: 'network1', locality: 'us-east1/us-east1-b', weight: 3, serviceAccount: 'mysql' },
        { address: 'unix:///var/run/mysql.sock' },
      ],
      subjectAltNames: ['spiffe://cluster.local/ns/db/sa/mysql'],
    })();
    expect(obj.spec).toEqual({
      hosts: ['mysql.db.internal'],
      addresses: ['10.10.0.0/24'],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [{ number: 3306, name: 'mysql', protocol: 'TCP', targetPort: 13306 }],
      endpoints: [
        { address: '10.10.0.10', ports: { mysql: 3306 }, labels: { version: 'v1' }, network: 'network1', locality: 'us-east1/us-east1-b', weight: 3, serviceAccount: 'mysql' },
        { address: 'unix:///var/run/mysql.sock' },
      ],
      subjectAltNames: ['spiffe://cluster.local/ns/db/sa/mysql'],
    });
  });

  test('in-mesh workloads selected by labels (MESH_INTERNAL, STATIC)', () => {
    const [obj] = synthOf({
      hosts: ['details.bookinfo.com'],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      ports: [{ number: 80, name: 'http', protocol: Protocol.HTTP, targetPort: 8080 }],
      workloadSelector: WorkloadSelector.fromLabels({ app: 'details-legacy' }),
    })();
    expect(obj.spec.workloadSelector).toEqual({ labels: { app: 'details-legacy' } });
  });

  test('wildcard host with NONE resolution and ~ export', () => {
    const [obj] = synthOf({ hosts: ['*.googleapis.com'], resolution: ServiceEntryResolution.NONE, ports: [{ number: 443, name: 'tls', protocol: Protocol.TLS }], exportTo: ['~'] })();
    expect(obj.spec).toEqual({ hosts: ['*.googleapis.com'], location: 'MESH_EXTERNAL', resolution: 'NONE', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], exportTo: ['~'] });
  });

  test('DNS endpoints by name; one endpoint with DNS_ROUND_ROBIN', () => {
    expect(synthOf({ hosts: ['api.example.com'], resolution: ServiceEntryResolution.DNS, endpoints: [{ address: 'us.api.example.com' }, { address: 'eu.api.example.com' }] })()[0].spec.endpoints)
      .toEqual([{ address: 'us.api.example.com' }, { address: 'eu.api.example.com' }]);
    expect(synthOf({ hosts: ['*.example.com'], resolution: ServiceEntryResolution.DNS_ROUND_ROBIN, endpoints: [{ address: 'lb.example.com' }] })()[0].spec.resolution)
      .toBe('DNS_ROUND_ROBIN');
  });

  test('DYNAMIC_DNS for wildcard hosts on a TLS port (HTTPS and concrete hosts are refused: see the catalogue)', () => {
    expect(synthOf({ hosts: ['*.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS, ports: [{ number: 443, name: 'tls', protocol: Protocol.TLS }] })()[0].spec.resolution).toBe('DYNAMIC_DNS');
  });

  test('resolution defaults to NONE (Istio\'s default), written out', () => {
    const [se] = synthOf({ hosts: ['*.example.com'], addresses: ['10.0.0.0/16'], ports: [{ number: 443, name: 'tls', protocol: Protocol.TLS }] })();
    expect(se.spec.resolution).toBe('NONE');
    expect(new ServiceEntry(Testing.chart(), 'se', { hosts: ['a.example.com'] }).resolution).toBe(ServiceEntryResolution.NONE);
  });

  test('with the default NONE resolution, endpoints are refused as for an explicit NONE', () => {
    expect(build({ hosts: ['db.example.com'], endpoints: [{ address: '10.0.0.1' }] }))
      .toThrow('resolution NONE cannot have endpoints');
  });

  describe('bad input', () => {
    test('an unknown resolution from JavaScript', () => {
      expect(build({ hosts: ['a.example.com'], resolution: 'DNSX' as ServiceEntryResolution }))
        .toThrow('resolution "DNSX" is invalid: unknown resolution');
    });

    test('no hosts', () => {
      expect(build({ hosts: [], resolution: ServiceEntryResolution.DNS })).toThrow(/\[test\/se\] hosts \[\] is invalid: the list must not be empty/);
    });

    test('bare wildcard host', () => {
      expect(build({ hosts: ['*'], resolution: ServiceEntryResolution.NONE })).toThrow(/\[test\/se\] hosts "\*" is invalid: a ServiceEntry host cannot be the bare wildcard/);
    });

    test('host with a scheme', () => {
      expect(build({ hosts: ['https://api.example.com'], resolution: ServiceEntryResolution.DNS })).toThrow(/hosts "https:\/\/api\.example\.com" is invalid: a host must be a DNS name/);
    });

    test('duplicate port number', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }, { number: 443, name: 'tls', protocol: Protocol.TLS }] }))
        .toThrow(/ports number 443 is invalid: the port number appears more than once/);
    });

    test('duplicate port name', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, name: 'web', protocol: Protocol.HTTPS }, { number: 80, name: 'web', protocol: Protocol.HTTP }] }))
        .toThrow(/ports name "web" is invalid: the port name appears more than once/);
    });

    test('port number out of range', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 70000, name: 'x', protocol: Protocol.TCP }] }))
        .toThrow(/\[test\/se\] ports number 70000 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('port name that is not a DNS-1123 label', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, name: 'HTTPS_port', protocol: Protocol.HTTPS }] }))
        .toThrow(/ports\[443\]\.name "HTTPS_port" is invalid: it must be a DNS-1123 label/);
    });

    test('endpoints with resolution NONE', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.NONE, endpoints: [{ address: '1.2.3.4' }] }))
        .toThrow(/\[test\/se\] endpoints\[0\] "1\.2\.3\.4" is invalid: resolution NONE cannot have endpoints/);
    });

    test('STATIC without endpoints or workloadSelector', () => {
      expect(synthOf({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.STATIC })).toThrow(/\[test\/se\] endpoints \[\] is invalid: STATIC resolution needs endpoints or a workloadSelector/);
    });

    test('STATIC endpoint given a DNS name', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'db.example.com' }] }))
        .toThrow(/endpoints\[0\]\.address "db\.example\.com" is invalid: with STATIC resolution an endpoint address must be an IP address/);
    });

    test('DNS resolution of a wildcard host without endpoints', () => {
      expect(synthOf({ hosts: ['*.example.com'], resolution: ServiceEntryResolution.DNS })).toThrow(/\[test\/se\] hosts "\*\.example\.com" is invalid: DNS resolution without endpoints resolves the hosts themselves/);
    });

    test('DNS_ROUND_ROBIN with several endpoints', () => {
      expect(synthOf({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS_ROUND_ROBIN, endpoints: [{ address: '1.1.1.1' }, { address: '2.2.2.2' }] }))
        .toThrow(/endpoints \["1\.1\.1\.1","2\.2\.2\.2"\] is invalid: DNS_ROUND_ROBIN resolution accepts at most one endpoint/);
    });

    test('CIDR address with DNS resolution', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, addresses: ['10.0.0.0/16'] }))
        .toThrow(/addresses "10\.0\.0\.0\/16" is invalid: CIDR addresses are allowed only with NONE or STATIC resolution, not DNS/);
    });

    test('address that is neither IP nor CIDR', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.NONE, addresses: ['api.example.com'] }))
        .toThrow(/addresses "api\.example\.com" is invalid: an address must be an IP address or a CIDR block/);
    });

    test('workloadSelector together with endpoints', () => {
      expect(build({
        hosts: ['a.internal'],
        location: ServiceEntryLocation.MESH_INTERNAL,
        resolution: ServiceEntryResolution.STATIC,
        workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }),
        endpoints: [{ address: '10.0.0.1' }],
      })).toThrow(/endpoints\[0\] "10\.0\.0\.1" is invalid: endpoints cannot be combined with a workloadSelector/);
    });

    test('workloadSelector on a MESH_EXTERNAL entry', () => {
      expect(build({ hosts: ['a.internal'], resolution: ServiceEntryResolution.STATIC, workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }) }))
        .toThrow(/workloadSelector \{"app":"a"\} is invalid: a workloadSelector applies only to MESH_INTERNAL entries/);
    });

    test('endpoint port name not declared by the entry', () => {
      expect(synthOf({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }], endpoints: [{ address: '1.2.3.4', ports: { http: 80 } }] }))
        .toThrow(/endpoints\[0\]\.ports key "http" is invalid: the entry has no port named "http" \(ports: \["https"\]\)/);
    });

    test('endpoint without address or network', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, endpoints: [{ labels: { version: 'v1' } }] }))
        .toThrow(/endpoints\[0\]\.address undefined is invalid: an endpoint needs an address/);
    });

    test('Unix socket endpoint that is a directory, or has ports', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/' }] }))
        .toThrow(/endpoints\[0\]\.address "unix:\/\/\/var\/run\/" is invalid: a Unix domain socket must be an absolute file path/);
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/a.sock', ports: { http: 80 } }] }))
        .toThrow(/endpoints\[0\]\.ports \{"http":80\} is invalid: a Unix domain socket endpoint has no ports/);
    });

    test('endpoint address with a port', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, endpoints: [{ address: 'api.example.com:443' }] }))
        .toThrow(/endpoints\[0\]\.address "api\.example\.com:443" is invalid: an endpoint address must be an IP address or a DNS name/);
    });

    test('several hosts on a plain TCP port (not NONE resolution)', () => {
      expect(synthOf({ hosts: ['a.example.com', 'b.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 5432, name: 'postgres', protocol: Protocol.TCP }] }))
        .toThrow(/\[test\/se\] ports\[5432\]\.protocol "TCP" is invalid: with several hosts and DNS resolution every port must be HTTP-like or TLS/);
    });

    test('the same host twice', () => {
      expect(build({ hosts: ['a.example.com', 'a.example.com'], resolution: ServiceEntryResolution.DNS })).toThrow(/hosts "a\.example\.com" is invalid: the host appears more than once/);
    });

    test('workloadSelector with resolution NONE', () => {
      expect(build({ hosts: ['a.internal'], location: ServiceEntryLocation.MESH_INTERNAL, resolution: ServiceEntryResolution.NONE, workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }) }))
        .toThrow(/workloadSelector \{"app":"a"\} is invalid: resolution NONE does not use selected workloads/);
    });

    test('exportTo mixing "~" with namespaces', () => {
      expect(build({ hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, exportTo: ['~', 'istio-system'] })).toThrow(/exportTo \["~","istio-system"\] is invalid/);
    });
  });
});
