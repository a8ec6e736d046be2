import { App, Chart, Testing } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { ServiceEntryResolution } from '../../src/networking/service-entry';
import { EgressLockdown } from '../../src/patterns/egress-lockdown';
import { EgressLockdownProps } from '../../src/patterns/egress-lockdown-props';
import { MeshService } from '../../src/patterns/mesh-service';

// ---------------------------------------------------------------------------------------
// Helpers

function bookinfo(): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo', { namespace: 'bookinfo' });
  return { app, chart };
}

function service(chart: Chart, name: string, namespace?: string): MeshService {
  return new MeshService(chart, name, { port: 9080, image: `docker.io/istio/examples-bookinfo-${name}-v1:1.20.3`, namespace });
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: any };

function byKind(out: Obj[], kind: string): Obj[] {
  return out.filter((o) => o.kind === kind);
}

/** The Sidecar selecting `app=<name>`, or the namespace default (no selector) for undefined. */
function sidecarFor(out: Obj[], app: string | undefined): Obj {
  const found = byKind(out, 'Sidecar').filter((s) => s.spec.workloadSelector?.labels?.app === app);
  expect(found).toHaveLength(1);
  return found[0];
}

function egressHostsOf(sidecar: Obj): string[] {
  return sidecar.spec.egress.flatMap((e: { hosts: string[] }) => e.hosts);
}

/**
 * Whether a Sidecar (in `namespace`) imports a ServiceEntry host declared in `namespace`:
 * Istio's rules for `namespace/dnsName` egress hosts, written independently of the library.
 */
function imports(sidecar: Obj, namespace: string, host: string): boolean {
  return egressHostsOf(sidecar).some((h) => {
    const [ns, dns] = h.split('/');
    if (ns !== '.' && ns !== '*' && ns !== namespace) return false;
    if (dns === '*' || dns === host) return true;
    const covers = (wild: string, name: string) => wild.startsWith('*.') && name.endsWith(wild.slice(1));
    return covers(dns, host) || covers(host, dns);
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function expectInvalid(fn: () => unknown, path: string, value: string, fix: RegExp): string {
  const msg = errorOf(fn);
  expect(msg).toContain(`[${path}]`);
  expect(msg).toContain(value);
  expect(msg).toMatch(/Fix: /);
  expect(msg.slice(msg.indexOf('Fix: '))).toMatch(fix);
  return msg;
}

function lockdown(props: EgressLockdownProps, configure?: (chart: Chart) => void): () => EgressLockdown {
  return () => {
    const { chart } = bookinfo();
    configure?.(chart);
    return new EgressLockdown(chart, 'egress', props);
  };
}

/** The seed-004 question: productpage may reach a-cup-of.coffee, reviews une-tasse-de.cafe. */
function seedScenario() {
  const { app, chart } = bookinfo();
  const productpage = service(chart, 'productpage');
  const reviews = service(chart, 'reviews');
  const details = service(chart, 'details');
  const pp = new EgressLockdown(chart, 'productpage-egress', { workload: productpage, allow: [{ host: 'a-cup-of.coffee' }] });
  const rv = new EgressLockdown(chart, 'reviews-egress', { workload: reviews, allow: [{ host: 'une-tasse-de.cafe' }] });
  // Everything else in the namespace (details, ratings, ...): no external host at all.
  const ns = new EgressLockdown(chart, 'default-egress', { blockAllExternal: true });
  return { app, chart, productpage, reviews, details, pp, rv, ns };
}

// ---------------------------------------------------------------------------------------

describe('EgressLockdown', () => {
  test('default configuration: namespace-wide lockdown of one host (snapshot)', () => {
    const { chart } = bookinfo();
    new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }] });
    const out = Testing.synth(chart);
    expect(out.map((o: Obj) => o.kind)).toEqual(['ServiceEntry', 'Sidecar']);
    expect(out).toMatchSnapshot();
  });

  test('richest configuration: per-workload lockdowns, egress gateway, wildcard, mesh destinations (snapshot)', () => {
    const { app, chart } = bookinfo();
    const productpage = service(chart, 'productpage');
    const reviews = service(chart, 'reviews');
    const ratings = service(chart, 'ratings');
    const otel = service(chart, 'otel-collector', 'observability');
    const batch = service(chart, 'batch');
    new EgressLockdown(chart, 'productpage-egress', {
      workload: productpage,
      allow: [
        { host: 'a-cup-of.coffee' },
        { host: 'plain.a-cup-of.coffee', ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http' }] },
      ],
      egressGateway: { port: 443 },
      sameNamespace: false,
      meshServices: [reviews, otel],
    });
    new EgressLockdown(chart, 'reviews-egress', {
      workload: reviews,
      allow: [{ host: 'une-tasse-de.cafe', ports: [{ number: 443, protocol: Protocol.HTTPS }, { number: 8443, protocol: Protocol.TLS, targetPort: 443 }] }],
      meshNamespaces: ['observability'],
      meshHosts: ['istio-system/zipkin.istio-system.svc.cluster.local'],
    }).allowMeshService(ratings);
    new EgressLockdown(chart, 'batch-egress', {
      workloadSelector: WorkloadSelector.fromWorkload(batch.deployment('v1')),
      allow: [
        { host: '*.googleapis.com' },
        { host: 'db.example.net', ports: [{ number: 8443, protocol: Protocol.HTTPS, name: 'api' }], resolution: ServiceEntryResolution.DNS_ROUND_ROBIN },
      ],
    });
    new EgressLockdown(chart, 'default-egress', { blockAllExternal: true, sameNamespace: true });
    const out = Testing.synth(chart);
    expect(out.filter((o: Obj) => !['ServiceAccount', 'Service', 'Deployment'].includes(o.kind))).toMatchSnapshot();
    // The whole app also passes synth-time validation (leak check, analyzer).
    expect(() => app.synthYaml()).not.toThrow();
  });

  describe('the seed-004 question: per-workload allowlists in one namespace', () => {
    test("reviews' Sidecar does not import productpage's host, and vice versa", () => {
      const { chart } = seedScenario();
      const out = Testing.synth(chart);
      const pp = sidecarFor(out, 'productpage');
      const rv = sidecarFor(out, 'reviews');
      const others = sidecarFor(out, undefined);
      expect(imports(pp, 'bookinfo', 'a-cup-of.coffee')).toBe(true);
      expect(imports(pp, 'bookinfo', 'une-tasse-de.cafe')).toBe(false);
      expect(imports(rv, 'bookinfo', 'une-tasse-de.cafe')).toBe(true);
      expect(imports(rv, 'bookinfo', 'a-cup-of.coffee')).toBe(false);
      // Workloads without their own lockdown (details, ratings) get the namespace default.
      expect(imports(others, 'bookinfo', 'a-cup-of.coffee')).toBe(false);
      expect(imports(others, 'bookinfo', 'une-tasse-de.cafe')).toBe(false);
    });

    test('every Sidecar blocks unknown destinations (REGISTRY_ONLY) and selects its own workload', () => {
      const { chart, productpage, reviews } = seedScenario();
      const out = Testing.synth(chart);
      for (const s of byKind(out, 'Sidecar')) {
        expect(s.spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
        expect(s.metadata.namespace).toBe('bookinfo');
      }
      expect(sidecarFor(out, 'productpage').spec.workloadSelector.labels).toEqual(productpage.selector.labels);
      expect(sidecarFor(out, 'reviews').spec.workloadSelector.labels).toEqual(reviews.selector.labels);
      expect(sidecarFor(out, undefined).metadata.name).toBe('default');
    });

    test('ServiceEntries stay in the namespace (exportTo ".") and every imported external host has one', () => {
      const { chart, pp, rv } = seedScenario();
      const out = Testing.synth(chart);
      const entries = byKind(out, 'ServiceEntry');
      for (const e of entries) {
        expect(e.spec.exportTo).toEqual(['.']);
        expect(e.metadata.namespace).toBe('bookinfo');
      }
      const declared = new Set(entries.flatMap((e) => e.spec.hosts));
      for (const l of [pp, rv]) {
        for (const h of l.allowedHosts) expect(declared.has(h)).toBe(true);
      }
      expect(declared).toEqual(new Set([...pp.allowedHosts, ...rv.allowedHosts]));
    });

    test('in-mesh calls stay possible without importing the namespace\'s ServiceEntries', () => {
      const { chart } = seedScenario();
      const out = Testing.synth(chart);
      const pp = sidecarFor(out, 'productpage');
      expect(imports(pp, 'bookinfo', 'reviews.bookinfo.svc.cluster.local')).toBe(true);
      expect(imports(pp, 'bookinfo', 'details.bookinfo.svc.cluster.local')).toBe(true);
      for (const s of byKind(out, 'Sidecar')) {
        expect(egressHostsOf(s)).not.toContain('./*');
        expect(egressHostsOf(s)).not.toContain('*/*');
      }
    });

    test('the leak check passes for the seed scenario', () => {
      const { app, pp, rv, ns } = seedScenario();
      for (const l of [pp, rv, ns]) expect(l.node.validate()).toEqual([]);
      expect(() => app.synthYaml()).not.toThrow();
    });
  });

  describe('secure defaults', () => {
    test('a host gets port 443/TLS, DNS resolution and MESH_EXTERNAL location', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }] });
      const [entry] = byKind(Testing.synth(chart), 'ServiceEntry');
      expect(entry.spec).toEqual({
        hosts: ['api.example.com'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }],
        exportTo: ['.'],
      });
      expect(l.namespaceWide).toBe(true);
    });

    test('a wildcard host is resolved per request (DYNAMIC_DNS), never by the client-chosen address', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'egress', { allow: [{ host: '*.googleapis.com' }] });
      const [entry] = byKind(Testing.synth(chart), 'ServiceEntry');
      expect(entry.spec.resolution).toBe('DYNAMIC_DNS');
      expect(entry.metadata.name).toBe('egress-wildcard.googleapis.com');
    });

    test('the default Sidecar imports only the allowed hosts and the own namespace\'s Kubernetes Services', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }] });
      const sc = sidecarFor(Testing.synth(chart), undefined);
      expect(egressHostsOf(sc)).toEqual(['./api.example.com', './*.svc.cluster.local']);
      expect(l.egressHosts).toEqual(egressHostsOf(sc));
    });

    test('blockAllExternal with nothing in the mesh imports nothing ("~/*")', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress', { blockAllExternal: true, sameNamespace: false });
      const out = Testing.synth(chart);
      expect(byKind(out, 'ServiceEntry')).toHaveLength(0);
      expect(egressHostsOf(sidecarFor(out, undefined))).toEqual(['~/*']);
      expect(l.node.validate()).toEqual([]);
    });
  });

  describe('sharing a host between workloads of one namespace', () => {
    test('two lockdowns allowing the same host share one ServiceEntry and merge its ports', () => {
      const { chart } = bookinfo();
      const a = service(chart, 'a');
      const b = service(chart, 'b');
      const la = new EgressLockdown(chart, 'a-egress', { workload: a, allow: [{ host: 'api.example.com' }] });
      const lb = new EgressLockdown(chart, 'b-egress', { workload: b, allow: [{ host: 'api.example.com', ports: [{ number: 443, protocol: Protocol.TLS }, { number: 80, protocol: Protocol.HTTP }] }] });
      const out = Testing.synth(chart);
      const entries = byKind(out, 'ServiceEntry');
      expect(entries).toHaveLength(1);
      expect(entries[0].spec.ports.map((p: { number: number }) => p.number)).toEqual([443, 80]);
      expect(la.serviceEntry('api.example.com')).toBe(lb.serviceEntry('api.example.com'));
      expect(imports(sidecarFor(out, 'a'), 'bookinfo', 'api.example.com')).toBe(true);
      expect(imports(sidecarFor(out, 'b'), 'bookinfo', 'api.example.com')).toBe(true);
      expect(la.node.validate()).toEqual([]);
      expect(lb.node.validate()).toEqual([]);
    });

    test('the same host in two namespaces gives one ServiceEntry per namespace', () => {
      const app = Testing.app();
      const one = new Chart(app, 'one', { namespace: 'one' });
      const two = new Chart(app, 'two', { namespace: 'two' });
      new EgressLockdown(one, 'egress', { allow: [{ host: 'api.example.com' }] });
      new EgressLockdown(two, 'egress', { allow: [{ host: 'api.example.com', ports: [{ number: 80, protocol: Protocol.HTTP }] }] });
      expect(byKind(Testing.synth(one), 'ServiceEntry')[0].spec.ports[0].number).toBe(443);
      expect(byKind(Testing.synth(two), 'ServiceEntry')[0].spec.ports[0].number).toBe(80);
    });
  });

  describe('fluent additions', () => {
    test('allowHost and allowMeshService after construction extend the Sidecar', () => {
      const { chart } = bookinfo();
      const other = service(chart, 'backend', 'backends');
      const l = new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }] });
      l.allowHost('auth.example.com', { ports: [{ number: 8443, protocol: Protocol.TLS }] }).allowMeshService(other);
      const out = Testing.synth(chart);
      expect(egressHostsOf(sidecarFor(out, undefined))).toEqual(l.egressHosts);
      expect(l.egressHosts).toEqual(['./api.example.com', './*.svc.cluster.local', './auth.example.com', 'backends/backend.backends.svc.cluster.local']);
      expect(byKind(out, 'ServiceEntry').map((e) => e.spec.hosts[0])).toEqual(['api.example.com', 'auth.example.com']);
      expect(l.serviceEntries.map((e) => e.hosts[0])).toEqual(l.allowedHosts);
    });

    test('a lockdown created empty replaces "~/*" with the first host added', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress', { blockAllExternal: true, sameNamespace: false });
      l.allowMeshNamespace('observability').allowMeshHost('istio-system/zipkin.istio-system.svc.cluster.local');
      expect(egressHostsOf(sidecarFor(Testing.synth(chart), undefined))).toEqual(['observability/*', 'istio-system/zipkin.istio-system.svc.cluster.local']);
    });
  });

  describe('egress gateway', () => {
    function gatewayScenario() {
      const { app, chart } = bookinfo();
      const productpage = service(chart, 'productpage');
      const reviews = service(chart, 'reviews');
      const pp = new EgressLockdown(chart, 'pp', { workload: productpage, allow: [{ host: 'a-cup-of.coffee' }], egressGateway: {} });
      const rv = new EgressLockdown(chart, 'rv', { workload: reviews, allow: [{ host: 'une-tasse-de.cafe', ports: [{ number: 80, protocol: Protocol.HTTP }] }], egressGateway: {} });
      return { app, chart, pp, rv, out: Testing.synth(chart) as Obj[] };
    }

    test('every subset a route names exists in the DestinationRule of the gateway host', () => {
      const { out, pp, rv } = gatewayScenario();
      const rules = byKind(out, 'DestinationRule');
      expect(rules).toHaveLength(1);
      expect(pp.destinationRule).toBe(rv.destinationRule);
      const subsets = new Map<string, Set<string>>();
      for (const r of rules) subsets.set(r.spec.host, new Set(r.spec.subsets.map((s: { name: string }) => s.name)));
      const routed = byKind(out, 'VirtualService').flatMap((vs) => [...(vs.spec.tls ?? []), ...(vs.spec.http ?? [])])
        .flatMap((r: { route: { destination: { host: string; subset?: string } }[] }) => r.route.map((d) => d.destination))
        .filter((d) => d.subset !== undefined);
      expect(routed).toHaveLength(2);
      for (const d of routed) expect(subsets.get(d.host)?.has(d.subset!)).toBe(true);
    });

    test('routes are bound to the generated Gateway, which serves exactly the routed host', () => {
      const { out } = gatewayScenario();
      const gateways = new Map(byKind(out, 'Gateway').map((g) => [`${g.metadata.namespace}/${g.metadata.name}`, g]));
      for (const vs of byKind(out, 'VirtualService')) {
        const bound = vs.spec.gateways.filter((g: string) => g !== 'mesh');
        expect(vs.spec.gateways).toContain('mesh');
        expect(bound).toHaveLength(1);
        // Istio resolves a bare gateway name in the VirtualService's own namespace
        const gw = gateways.get(bound[0].includes('/') ? bound[0] : `${vs.metadata.namespace}/${bound[0]}`)!;
        expect(gw.spec.selector).toEqual({ istio: 'egressgateway' });
        expect(gw.spec.servers.flatMap((s: { hosts: string[] }) => s.hosts)).toEqual(vs.spec.hosts.map((h: string) => `./${h}`));
      }
    });

    test('TLS is passed through, plain HTTP travels to the gateway over Istio mutual TLS', () => {
      const { out } = gatewayScenario();
      const gw = (name: string) => byKind(out, 'Gateway').find((g) => g.metadata.name === name)!;
      expect(gw('egress-a-cup-of-coffee').spec.servers[0].tls).toEqual({ mode: 'PASSTHROUGH' });
      expect(gw('egress-une-tasse-de-cafe').spec.servers[0].tls).toEqual({ mode: 'ISTIO_MUTUAL' });
      const [rule] = byKind(out, 'DestinationRule');
      const httpSubset = rule.spec.subsets.find((s: { name: string }) => s.name === 'une-tasse-de-cafe');
      expect(httpSubset.trafficPolicy.portLevelSettings[0].tls).toEqual({ mode: 'ISTIO_MUTUAL', sni: 'une-tasse-de.cafe' });
    });

    test('the gateway namespace sees the entries and routes; the sidecars import the gateway service', () => {
      const { out, app } = gatewayScenario();
      for (const o of [...byKind(out, 'ServiceEntry'), ...byKind(out, 'VirtualService')]) {
        expect(o.spec.exportTo).toEqual(['.', 'istio-system']);
      }
      for (const app2 of ['productpage', 'reviews']) {
        expect(egressHostsOf(sidecarFor(out, app2))).toContain('istio-system/istio-egressgateway.istio-system.svc.cluster.local');
      }
      expect(imports(sidecarFor(out, 'reviews'), 'bookinfo', 'a-cup-of.coffee')).toBe(false);
      expect(() => app.synthYaml()).not.toThrow();
    });

    test('a custom egress gateway (service host, selector, port)', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'egress', {
        allow: [{ host: 'api.example.com' }],
        egressGateway: { serviceHost: 'egress.gateways.svc.cluster.local', selector: WorkloadSelector.fromLabels({ app: 'egress' }), port: 8443 },
      });
      const out = Testing.synth(chart);
      expect(byKind(out, 'Gateway')[0].spec.servers[0].port).toEqual({ number: 8443, name: 'tls', protocol: 'TLS' });
      expect(byKind(out, 'Gateway')[0].spec.selector).toEqual({ app: 'egress' });
      expect(byKind(out, 'ServiceEntry')[0].spec.exportTo).toEqual(['.', 'gateways']);
      expect(egressHostsOf(sidecarFor(out, undefined))).toContain('gateways/egress.gateways.svc.cluster.local');
    });
  });

  test('a custom cluster domain changes the own-namespace pattern and the in-cluster check', () => {
    const { chart } = bookinfo();
    const l = new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }], clusterDomain: 'corp.internal' });
    expect(l.egressHosts).toEqual(['./api.example.com', './*.svc.corp.internal']);
    expect(errorOf(() => l.allowHost('reviews.bookinfo.svc.corp.internal'))).toContain('"corp.internal"');
  });

  test('long host names give valid resource and subset names', () => {
    const { chart } = bookinfo();
    const labels = Array.from({ length: 4 }, (_, i) => `${'x'.repeat(57)}${i}`).join('.');
    const host = `${labels}.example.com`;
    new EgressLockdown(chart, 'egress', { allow: [{ host }], egressGateway: {} });
    const out = Testing.synth(chart);
    for (const o of out) expect(o.metadata.name.length).toBeLessThanOrEqual(253);
    const subset = byKind(out, 'DestinationRule')[0].spec.subsets[0].name;
    expect(subset.length).toBeLessThanOrEqual(63);
    expect(byKind(out, 'VirtualService')[0].spec.tls[0].route[0].destination.subset).toBe(subset);
  });

  test('the namespace comes from the MeshService when it has its own', () => {
    const { chart } = bookinfo();
    const svc = service(chart, 'worker', 'jobs');
    const l = new EgressLockdown(chart, 'egress', { workload: svc, allow: [{ host: 'api.example.com' }] });
    expect(l.namespace).toBe('jobs');
    for (const o of Testing.synth(chart).filter((x: Obj) => x.kind === 'Sidecar' || x.kind === 'ServiceEntry')) {
      expect(o.metadata.namespace).toBe('jobs');
    }
  });

  describe('bad input', () => {
    test('empty allowlist', () => {
      expectInvalid(lockdown({ allow: [] }), 'bookinfo/egress', 'allow []', /blockAllExternal/);
    });

    test('no host added by synth', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress');
      const errors = l.node.validate();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^allow \[\] is invalid/);
      expect(() => Testing.synth(chart)).toThrow('[bookinfo/egress] allow [] is invalid');
      expect(errors[0]).toMatch(/Fix: .*blockAllExternal/);
    });

    test('bare wildcard host "*"', () => {
      expectInvalid(lockdown({ allow: [{ host: '*' }] }), 'bookinfo/egress', '"*"', /wildcard domain such as "\*\.example\.com"/);
    });

    test('host with a scheme', () => {
      expectInvalid(lockdown({ allow: [{ host: 'https://a-cup-of.coffee' }] }), 'bookinfo/egress', '"https://a-cup-of.coffee"', /write "a-cup-of\.coffee"/);
    });

    test('host with a port', () => {
      expectInvalid(lockdown({ allow: [{ host: 'a-cup-of.coffee:8443' }] }), 'bookinfo/egress', '"a-cup-of.coffee:8443"', /write "a-cup-of\.coffee" and ports: \[\{ number: 8443/);
    });

    test('host with a path', () => {
      expectInvalid(lockdown({ allow: [{ host: 'a-cup-of.coffee/blog/istio' }] }), 'bookinfo/egress', '"a-cup-of.coffee/blog/istio"', /write "a-cup-of\.coffee"/);
    });

    test('duplicate host', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }, { host: 'api.example.com' }] }), 'bookinfo/egress', 'allow host "api.example.com"', /list each host once/);
    });

    test('port out of range', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com', ports: [{ number: 70000, protocol: Protocol.TLS }] }] }), 'bookinfo/egress', 'ports number 70000', /e\.g\. 443/);
    });

    test('duplicate port', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com', ports: [{ number: 443, protocol: Protocol.TLS }, { number: 443, protocol: Protocol.HTTPS }] }] }), 'bookinfo/egress', 'ports number 443', /list each port once/);
    });

    test('two namespace-wide lockdowns in one namespace', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'first', { allow: [{ host: 'api.example.com' }] });
      const msg = expectInvalid(() => new EgressLockdown(chart, 'second', { allow: [{ host: 'other.example.com' }] }), 'bookinfo/second', 'workloadSelector undefined', /existing lockdown with allowHost\(\)/);
      expect(msg).toContain('bookinfo/first');
    });

    test('two lockdowns for the same workload', () => {
      const { chart } = bookinfo();
      const svc = service(chart, 'productpage');
      const first = new EgressLockdown(chart, 'first', { workload: svc, allow: [{ host: 'a.example.com' }] });
      new EgressLockdown(chart, 'second', { workloadSelector: WorkloadSelector.fromLabels({ app: 'productpage' }), allow: [{ host: 'b.example.com' }] });
      const errors = first.node.validate();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('[bookinfo/second] workloadSelector {"app":"productpage"}');
      expect(errors[0]).toContain('bookinfo/first');
      expect(errors[0]).toMatch(/Fix: merge the two lockdowns/);
    });

    test('workload and workloadSelector together', () => {
      expectInvalid(() => {
        const { chart } = bookinfo();
        new EgressLockdown(chart, 'egress', { workload: service(chart, 'pp'), workloadSelector: WorkloadSelector.fromLabels({ app: 'pp' }), allow: [{ host: 'a.example.com' }] });
      }, 'bookinfo/egress', 'workload and workloadSelector', /not both/);
    });

    test('namespace differing from the MeshService\'s', () => {
      expectInvalid(() => {
        const { chart } = bookinfo();
        new EgressLockdown(chart, 'egress', { workload: service(chart, 'pp'), namespace: 'other', allow: [{ host: 'a.example.com' }] });
      }, 'bookinfo/egress', 'namespace "other"', /defaults to "bookinfo"/);
    });

    test('no namespace known', () => {
      expectInvalid(() => new EgressLockdown(Testing.chart(), 'egress', { allow: [{ host: 'a.example.com' }] }), 'test/egress', 'namespace undefined', /pass `namespace`/);
    });

    test('upper-case host', () => {
      expectInvalid(lockdown({ allow: [{ host: 'API.Example.com' }] }), 'bookinfo/egress', '"API.Example.com"', /write "api\.example\.com"/);
    });

    test('IP address instead of a host name', () => {
      expectInvalid(lockdown({ allow: [{ host: '203.0.113.10' }] }), 'bookinfo/egress', '"203.0.113.10"', /DNS name/);
    });

    test('short (in-cluster) name', () => {
      expectInvalid(lockdown({ allow: [{ host: 'reviews' }] }), 'bookinfo/egress', '"reviews"', /fully qualified name/);
    });

    test('in-cluster FQDN on the external allowlist', () => {
      expectInvalid(lockdown({ allow: [{ host: 'reviews.bookinfo.svc.cluster.local' }] }), 'bookinfo/egress', '"reviews.bookinfo.svc.cluster.local"', /allowMeshService/);
    });

    test('wildcard covering a whole top-level domain', () => {
      expectInvalid(lockdown({ allow: [{ host: '*.com' }] }), 'bookinfo/egress', '"*.com"', /narrower domain/);
    });

    test('DNS resolution for a wildcard host', () => {
      expectInvalid(lockdown({ allow: [{ host: '*.example.com', resolution: ServiceEntryResolution.DNS }] }), 'bookinfo/egress', 'resolution "DNS"', /DYNAMIC_DNS/);
    });

    test('STATIC resolution', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com', resolution: ServiceEntryResolution.STATIC }] }), 'bookinfo/egress', 'resolution "STATIC"', /use DNS resolution/);
    });

    test('opaque TCP on a wildcard host', () => {
      expectInvalid(lockdown({ allow: [{ host: '*.example.com', ports: [{ number: 5432, protocol: Protocol.TCP }] }] }), 'bookinfo/egress', 'protocol "TCP"', /concrete host with DNS resolution/);
    });

    test('asking for the ServiceEntry of a host that is not allowed', () => {
      const { chart } = bookinfo();
      const l = new EgressLockdown(chart, 'egress', { allow: [{ host: 'api.example.com' }] });
      expectInvalid(() => l.serviceEntry('other.example.com'), 'bookinfo/egress', 'host "other.example.com"', /allowHost\(\)/);
    });

    test('cluster domain that is not a DNS domain', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], clusterDomain: 'Cluster_Local' }), 'bookinfo/egress', 'clusterDomain "Cluster_Local"', /"cluster\.local"/);
    });

    test('mesh host with an invalid namespace part', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], meshHosts: ['Other_NS/api.other.svc.cluster.local'] }), 'bookinfo/egress', 'meshHosts "Other_NS/api.other.svc.cluster.local"', /istio-system/);
    });

    test('empty port list', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com', ports: [] }] }), 'bookinfo/egress', 'ports []', /omit `ports`/);
    });

    test('mesh host importing the whole own namespace ("./*")', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], meshHosts: ['./*'] }), 'bookinfo/egress', 'meshHosts "./*"', /sameNamespace/);
    });

    test('mesh host without a namespace part', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], meshHosts: ['reviews.bookinfo.svc.cluster.local'] }), 'bookinfo/egress', 'meshHosts "reviews.bookinfo.svc.cluster.local"', /"\.\/reviews\.bookinfo\.svc\.cluster\.local"/);
    });

    test('own namespace as a mesh namespace', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], meshNamespaces: ['bookinfo'] }), 'bookinfo/egress', 'meshNamespaces "bookinfo"', /sameNamespace/);
    });

    test('mesh service without a namespace', () => {
      expectInvalid(() => {
        const { chart } = bookinfo();
        const orphan = service(Testing.chart(), 'orphan');
        new EgressLockdown(chart, 'egress', { allow: [{ host: 'a.example.com' }], meshServices: [orphan] });
      }, 'bookinfo/egress', 'meshServices "test/orphan"', /give the MeshService a `namespace`/);
    });

    test('blockAllExternal combined with a host', () => {
      expectInvalid(lockdown({ blockAllExternal: true, allow: [{ host: 'api.example.com' }] }), 'bookinfo/egress', '"api.example.com"', /remove `blockAllExternal`/);
    });

    test('wildcard host through the egress gateway', () => {
      expectInvalid(lockdown({ allow: [{ host: '*.example.com' }], egressGateway: {} }), 'bookinfo/egress', '"*.example.com"', /list the concrete hosts/);
    });

    test('opaque TCP through the egress gateway', () => {
      expectInvalid(lockdown({ allow: [{ host: 'db.example.com', ports: [{ number: 5432, protocol: Protocol.TCP }] }], egressGateway: {} }), 'bookinfo/egress', 'protocol "TCP"', /use TLS or HTTP/);
    });

    test('several ports of one host through the egress gateway', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com', ports: [{ number: 443, protocol: Protocol.TLS }, { number: 80, protocol: Protocol.HTTP }] }], egressGateway: {} }), 'bookinfo/egress', 'ports [443,80]', /one port per host/);
    });

    test('egress gateway service host that is not a Service FQDN', () => {
      expectInvalid(lockdown({ allow: [{ host: 'api.example.com' }], egressGateway: { serviceHost: 'istio-egressgateway' } }), 'bookinfo/egress', 'egressGateway.serviceHost "istio-egressgateway"', /istio-egressgateway\.istio-system\.svc\.cluster\.local/);
    });

    test('a shared host declared with another protocol on the same port', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'a', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), allow: [{ host: 'api.example.com' }] });
      const msg = expectInvalid(() => new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), allow: [{ host: 'api.example.com', ports: [{ number: 443, protocol: Protocol.HTTPS }] }] }), 'bookinfo/b', 'protocol "HTTPS"', /use TLS for port 443/);
      expect(msg).toContain('bookinfo/a');
    });

    test('a shared host routed directly by one lockdown and through the gateway by another', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'a', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), allow: [{ host: 'api.example.com' }] });
      expectInvalid(() => new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), allow: [{ host: 'api.example.com' }], egressGateway: {} }), 'bookinfo/b', '"api.example.com"', /same way in every lockdown/);
    });

    test('an egress host that leaks another workload\'s allowed host', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'a', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), allow: [{ host: 'api.example.com' }] });
      const b = new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), allow: [{ host: 'cdn.example.org' }], meshHosts: ['./*.example.com'] });
      const errors = b.node.validate();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^egress host "\.\/\*\.example\.com"/);
      expect(() => Testing.synth(chart)).toThrow('[bookinfo/b] egress host "./*.example.com"');
      expect(errors[0]).toContain('"api.example.com"');
      expect(errors[0]).toContain('bookinfo/a');
      expect(errors[0]).toMatch(/Fix: remove "\.\/\*\.example\.com", or allow the host explicitly with allowHost\("api\.example\.com"\)/);
    });

    test('another workload\'s wildcard host reachable through an explicit egress host', () => {
      const { chart } = bookinfo();
      new EgressLockdown(chart, 'a', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), allow: [{ host: '*.example.com' }] });
      const b = new EgressLockdown(chart, 'b', { workloadSelector: WorkloadSelector.fromLabels({ app: 'b' }), blockAllExternal: true, meshHosts: ['./api.example.com'] });
      const errors = b.node.validate();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^egress host "\.\/api\.example\.com"/);
      expect(() => Testing.synth(chart)).toThrow('[bookinfo/b] egress host "./api.example.com"');
      expect(errors[0]).toContain('"*.example.com"');
    });
  });
});
