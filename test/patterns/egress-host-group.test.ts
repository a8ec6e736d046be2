import { Chart, Testing } from 'cdk8s';
import { EgressHostGroup, EgressLockdown, MeshWorkload, Protocol, ServiceEntryResolution, WorkloadSelector } from '../../src';

const HTTP_HTTPS = [{ number: 80, protocol: Protocol.HTTP, name: 'http' }, { number: 443, protocol: Protocol.HTTPS, name: 'https' }];

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

describe('EgressLockdown host groups', () => {
  test('one ServiceEntry per group, named by it, with addresses; every host in the Sidecar egress', () => {
    const chart = shop();
    const lockdown = new EgressLockdown(chart, 'egress', {
      allowGroups: [
        { name: 'allow-egress-googleapis', hosts: ['accounts.google.com', '*.googleapis.com'], ports: HTTP_HTTPS },
        { name: 'allow-egress-google-metadata', hosts: ['metadata.google.internal'], addresses: ['169.254.169.254'], ports: HTTP_HTTPS },
      ],
    });
    lockdown.allowHost('api.stripe.com');
    const out = Testing.synth(chart);
    const entries = out.filter((o) => o.kind === 'ServiceEntry');
    expect(entries.map((e) => e.metadata.name)).toEqual(['allow-egress-googleapis', 'allow-egress-google-metadata', 'egress-api.stripe.com']);
    expect(entries[0].spec).toEqual({ hosts: ['accounts.google.com', '*.googleapis.com'], ports: HTTP_HTTPS, location: 'MESH_EXTERNAL', resolution: 'NONE', exportTo: ['.'] });
    expect(entries[1].spec).toMatchObject({ hosts: ['metadata.google.internal'], addresses: ['169.254.169.254'], resolution: 'NONE' });
    expect(out.find((o) => o.kind === 'Sidecar').spec.egress[0].hosts).toEqual(expect.arrayContaining(['./accounts.google.com', './*.googleapis.com', './metadata.google.internal', './api.stripe.com']));
    expect(lockdown.serviceEntries).toHaveLength(3);
    expect(lockdown.serviceEntry('*.googleapis.com')).toBe(lockdown.serviceEntry('accounts.google.com'));
  });

  test('resolution: DNS for concrete hosts without addresses, NONE otherwise, or as given; default port 443 TLS', () => {
    const chart = shop();
    new EgressLockdown(chart, 'egress', {
      allowGroups: [
        { name: 'payments', hosts: ['api.stripe.com', 'files.stripe.com'] },
        // opaque TCP is safe with addresses: the sidecar matches the destination address
        { name: 'db', hosts: ['db.example.com'], addresses: ['10.1.0.0/16'], ports: [{ number: 5432, protocol: Protocol.TCP }] },
        { name: 'cdn', hosts: ['*.cdn.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS },
      ],
    });
    const entries = Testing.synth(chart).filter((o) => o.kind === 'ServiceEntry');
    expect(entries.map((e) => [e.metadata.name, e.spec.resolution])).toEqual([['payments', 'DNS'], ['db', 'NONE'], ['cdn', 'DYNAMIC_DNS']]);
    expect(entries[0].spec.ports).toEqual([{ number: 443, protocol: 'TLS', name: 'tls-443' }]);
  });

  test('a MeshWorkload\'s own lockdown with a group', () => {
    const chart = shop();
    const bot = new MeshWorkload(chart, 'bot', { image: 'bot:1' });
    new EgressLockdown(chart, 'bot-egress', { workload: bot, allowGroups: [{ name: 'slack', hosts: ['slack.com', 'hooks.slack.com'] }] });
    const sidecar = Testing.synth(chart).find((o) => o.kind === 'Sidecar');
    expect(sidecar.metadata.name).toBe('bot-egress');
    expect(sidecar.spec.egress[0].hosts).toEqual(expect.arrayContaining(['./slack.com', './hooks.slack.com']));
  });

  test('lockdowns of one namespace share an identical group\'s ServiceEntry; each lists the hosts in its own Sidecar', () => {
    const chart = shop();
    const group: EgressHostGroup = { name: 'google', hosts: ['*.googleapis.com'], ports: HTTP_HTTPS };
    for (const app of ['a', 'b']) {
      new EgressLockdown(chart, app, { workload: new MeshWorkload(chart, `${app}-workload`, { workloadName: app, image: `${app}:1` }), allowGroups: [group] });
    }
    const out = Testing.synth(chart);
    expect(out.filter((o) => o.kind === 'ServiceEntry').map((e) => e.metadata.name)).toEqual(['google']);
    expect(out.filter((o) => o.kind === 'Sidecar').map((x) => x.spec.egress[0].hosts)).toEqual([['./*.svc.cluster.local', './*.googleapis.com'], ['./*.svc.cluster.local', './*.googleapis.com']]);
  });

  describe('bad input', () => {
    test('a group name declared differently by another lockdown', () => {
      const chart = shop();
      new EgressLockdown(chart, 'a', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), allowGroups: [{ name: 'google', hosts: ['*.googleapis.com'] }] });
      expect(() => new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), allowGroups: [{ name: 'google', hosts: ['accounts.google.com'] }] }))
        .toThrow(/\[shop\/b\] allowGroups\["google"\] "google" is invalid: shop\/a already declares a host group with this name in namespace "shop", with other hosts/);
    });


    const build = (group: Partial<EgressHostGroup>, more: object = {}) => () => new EgressLockdown(shop(), 'egress', { allowGroups: [{ name: 'g', hosts: ['a.example.com'], ...group } as EgressHostGroup], ...more });

    test('no hosts, no name, a bad name, an address that is not one', () => {
      expect(build({ hosts: [] })).toThrow(/\[shop\/egress\] allowGroups\["g"\]\.hosts \[\] is invalid: a host group needs at least one host/);
      expect(build({ name: undefined })).toThrow(/allowGroups\[undefined\]\.name undefined is invalid: a host group needs the name of its ServiceEntry/);
      expect(build({ name: 'Google_APIs' })).toThrow(/allowGroups\["Google_APIs"\]\.name "Google_APIs" is invalid/);
      expect(build({ addresses: ['metadata'] })).toThrow(/allowGroups\["g"\]\.addresses "metadata" is invalid: an address must be an IP address or a CIDR block/);
    });

    test('a host that is not external, or allowed elsewhere in the namespace', () => {
      expect(build({ hosts: ['reviews'] })).toThrow(/allowGroups\["g"\]\.hosts "reviews" is invalid: a short name is resolved inside the cluster/);
      const chart = shop();
      new EgressLockdown(chart, 'a', { allow: [{ host: 'a.example.com' }] });
      expect(() => new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), allowGroups: [{ name: 'g', hosts: ['a.example.com'] }] }))
        .toThrow(/\[shop\/b\] allowGroups\["g"\]\.hosts "a\.example\.com" is invalid: shop\/a already allows this host in namespace "shop", and each host has one ServiceEntry per namespace/);
    });

    test('opaque TCP without addresses', () => {
      expect(build({ hosts: ['*.example.com'], ports: [{ number: 5432, protocol: Protocol.TCP }] }))
        .toThrow(/ports\[5432\]\.protocol "TCP" is invalid: opaque TCP carries no host name.*or a host group with the `addresses` it is reached at/);
    });

    test('DNS resolution for a wildcard host; with an egress gateway; with blockAllExternal', () => {
      expect(build({ hosts: ['*.example.com'], resolution: ServiceEntryResolution.DNS })).toThrow(/a wildcard host cannot be resolved through DNS/);
      expect(build({}, { egressGateway: {} })).toThrow(/allowGroups\["g"\] "g" is invalid: a host group is one ServiceEntry reached directly/);
      expect(() => new EgressLockdown(shop(), 'e', { blockAllExternal: true }).allowHostGroup({ name: 'g', hosts: ['a.example.com'] }))
        .toThrow(/allowGroups\["g"\] "g" is invalid: the lockdown was created with `blockAllExternal: true`/);
    });
  });
});
