// The Bookinfo example app (examples/bookinfo): every traffic scenario x ingress API is
// synthesized (the jest setup validates each object against the CRD schemas, CEL rules and
// Kubernetes core schemas), analyzed, and checked for the security properties the README
// promises. The example imports the package by its name, which jest maps to the sources
// (moduleNameMapper in .projenrc.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  BookinfoChart, DEFAULT_INGRESS, DEFAULT_SCENARIO, INGRESS_APIS, SCENARIOS,
  bookinfoOptions, resolveIngress, resolveScenario, synthBookinfo,
} from '../../examples/bookinfo/bookinfo';
import { AnalysisLevel, IngressApi, MeshAnalysis } from '../../src';
import { diffPlatformManifests, loadOfficial } from '../bookinfo/normalize';

type Obj = { [key: string]: any };

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3-bookinfo');
const AMBIENT = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3-ambient');
const NS = 'bookinfo';
/** Istio's default ingress gateway identity (a workload outside the app, in istio-system). */
const ISTIO_INGRESS_GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

const COMBINATIONS: [string, string][] = Object.keys(SCENARIOS).flatMap((s) => Object.keys(INGRESS_APIS).map((i): [string, string] => [s, i]));

interface Synthesized {
  readonly chart: BookinfoChart;
  readonly objects: Obj[];
}

const cache = new Map<string, Synthesized>();
/** Synthesizes (and, through the jest setup, validates) one scenario x ingress API, once. */
function synth(scenario: string, ingress: string): Synthesized {
  const key = `${scenario}/${ingress}`;
  if (!cache.has(key)) {
    const app = Testing.app();
    const chart = new BookinfoChart(app, NS, { scenario, ingress });
    cache.set(key, { chart, objects: Testing.synth(chart) });
  }
  return cache.get(key)!;
}

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const selects = (selector: { [k: string]: string }, labels: { [k: string]: string } = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const podLabels = (objects: Obj[]) => ofKind(objects, 'Deployment').map((d) => d.spec.template.metadata.labels as { [k: string]: string });

describe.each(COMBINATIONS)('scenario %s, ingress %s', (scenario, ingress) => {
  test('synthesizes valid objects with no analyzer diagnostics at all', () => {
    const { chart, objects } = synth(scenario, ingress);
    expect(objects.length).toBeGreaterThan(30);
    const diagnostics = MeshAnalysis.analyze(chart).map((d) => `${d.diagnostic.level} ${d.diagnostic.code} ${d.diagnostic.message}`);
    expect(diagnostics.filter((d) => d.startsWith(AnalysisLevel.ERROR))).toEqual([]);
    // Warnings were investigated one by one; none is left.
    expect(diagnostics).toEqual([]);
    // ambient mode: the egress waypoint's namespace too
    if (chart.egressNamespace !== undefined) expect(MeshAnalysis.analyze(chart.egressNamespace)).toEqual([]);
  });

  test('every object is in namespace bookinfo (the Namespace itself is cluster-scoped)', () => {
    const { objects } = synth(scenario, ingress);
    for (const o of objects) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, o.kind === 'Namespace' ? undefined : NS]);
  });

  test('every workload runs locked down: non-root, no privilege escalation, read-only root, no capabilities', () => {
    const { objects } = synth(scenario, ingress);
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork).toBe(false);
      for (const c of pod.containers) {
        expect(c.image).toMatch(/^docker\.io\/istio\/examples-bookinfo-[a-z]+-v[1-3]:1\.20\.3$/);
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.limits).toBeDefined();
        expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health', port: 9080 });
        expect(c.volumeMounts.map((m: Obj) => m.mountPath)).toContain('/tmp');
      }
    }
    // reviews (Open Liberty) writes its output directory and logs, as in Istio's manifest.
    for (const d of deployments.filter((x) => x.metadata.labels.app === 'reviews')) {
      const c = d.spec.template.spec.containers[0];
      expect(c.volumeMounts.map((m: Obj) => m.mountPath)).toEqual(['/tmp', '/opt/ibm/wlp/output']);
      expect(c.env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }]);
      expect(d.spec.template.spec.volumes.map((v: Obj) => [v.name, v.emptyDir])).toEqual([['tmp', {}], ['wlp-output', {}]]);
    }
  });

  test('each workload runs as its own ServiceAccount, named as in Istio\'s sample', () => {
    const { objects } = synth(scenario, ingress);
    const accounts = ofKind(objects, 'ServiceAccount').map((sa) => sa.metadata.name).sort();
    expect(accounts).toEqual(['bookinfo-details', 'bookinfo-productpage', 'bookinfo-ratings', 'bookinfo-reviews']);
    for (const d of ofKind(objects, 'Deployment')) {
      expect(d.spec.template.spec.serviceAccountName).toBe(`bookinfo-${d.metadata.labels.app}`);
    }
  });

  test('STRICT mTLS and allow-nothing for the whole namespace', () => {
    const { objects } = synth(scenario, ingress);
    const peer = ofKind(objects, 'PeerAuthentication');
    expect(peer).toEqual([expect.objectContaining({ metadata: { name: 'default', namespace: NS }, spec: { mtls: { mode: 'STRICT' } } })]);
    expect(named(objects, 'AuthorizationPolicy', 'allow-nothing')).toEqual(expect.objectContaining({ spec: {} }));
    const namespace = named(objects, 'Namespace', NS)!;
    expect(namespace.metadata.labels).toEqual(ingress === 'istio' ? { 'istio-injection': 'enabled' } : { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    if (ingress !== 'istio') {
      // ztunnel lets through what the waypoint forwards: the waypoint denies by default too
      expect(named(objects, 'AuthorizationPolicy', 'waypoint-allow-nothing')!.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }] });
    }
  });

  test('every principal an AuthorizationPolicy names is a real identity: a ServiceAccount of the app or a gateway it declares', () => {
    const { objects } = synth(scenario, ingress);
    const identities = new Set(ofKind(objects, 'ServiceAccount').map((sa) => `cluster.local/ns/${NS}/sa/${sa.metadata.name}`));
    // Gateway API gateways run as ServiceAccounts Istio creates: <name>-<class>, or <name> for a waypoint.
    for (const gw of ofKind(objects, 'Gateway').filter((g) => g.apiVersion.startsWith('gateway.networking.k8s.io/'))) {
      const cls = gw.spec.gatewayClassName;
      identities.add(`cluster.local/ns/${NS}/sa/${cls === 'istio-waypoint' ? gw.metadata.name : `${gw.metadata.name}-${cls}`}`);
    }
    // An Istio Gateway selecting Istio's ingress gateway: its identity is the installation's.
    if (ofKind(objects, 'Gateway').some((g) => g.apiVersion.startsWith('networking.istio.io/') && g.spec.selector?.istio === 'ingressgateway')) {
      identities.add(ISTIO_INGRESS_GATEWAY);
    }
    const principals = ofKind(objects, 'AuthorizationPolicy').flatMap((p) => (p.spec.rules ?? []).flatMap((r: Obj) =>
      (r.from ?? []).flatMap((f: Obj) => [...(f.source.principals ?? []), ...(f.source.notPrincipals ?? [])])));
    expect(principals.length).toBeGreaterThan(2);
    for (const p of principals) expect(identities).toContain(p);
  });

  test('least privilege: who may call whom', () => {
    const { objects } = synth(scenario, ingress);
    // with sidecars a policy selects the pods; in ambient mode it attaches to the Service,
    // whose waypoint enforces it (L7 included)
    const policyOf = (app: string) => ofKind(objects, 'AuthorizationPolicy').filter((x) => (ingress === 'istio'
      ? x.spec.selector?.matchLabels?.app === app
      : x.spec.targetRefs?.some((t: Obj) => t.kind === 'Service' && t.name === app)) && x.spec.action === undefined);
    const callers = (app: string) => policyOf(app).flatMap((x) => x.spec.rules ?? [])
      .flatMap((r: Obj) => (r.from ?? []).flatMap((f: Obj) => f.source.principals ?? []));
    const sa = (name: string) => `cluster.local/ns/${NS}/sa/${name}`;
    expect(callers('details')).toEqual([sa('bookinfo-productpage')]);
    expect(callers('ratings')).toEqual([sa('bookinfo-reviews')]);
    expect(callers('reviews')).toEqual([sa('bookinfo-productpage')]);
    for (const [app, paths] of [['details', ['/details/*']], ['reviews', ['/reviews/*']], ['ratings', ['/ratings/*']]] as const) {
      expect(named(objects, 'AuthorizationPolicy', app)!.spec.rules[0].to).toEqual([{ operation: { methods: ['GET'], paths } }]);
    }
    if (ingress === 'istio') {
      expect(callers('productpage')).toEqual([ISTIO_INGRESS_GATEWAY]);
      expect(named(objects, 'AuthorizationPolicy', 'productpage')!.spec.rules[0].to[0].operation.paths)
        .toEqual(['/productpage', '/static*', '/login', '/logout', '/api/v1/products*']);
    } else {
      expect(callers('productpage')).toEqual([sa('bookinfo-gateway-istio')]);
      // the gateway goes through productpage's waypoint, where the policy is
      expect(named(objects, 'Service', 'productpage')!.metadata.labels['istio.io/ingress-use-waypoint']).toBe('true');
      // nothing is left for ztunnel but the namespace's allow-nothing
      expect(ofKind(objects, 'AuthorizationPolicy').filter((x) => x.spec.selector !== undefined)).toEqual([]);
    }
  });

  test('every route goes to a subset / Service that exists and selects running pods', () => {
    const { objects } = synth(scenario, ingress);
    const pods = podLabels(objects);
    let checked = 0;
    for (const vs of ofKind(objects, 'VirtualService')) {
      for (const rule of vs.spec.http ?? []) {
        for (const { destination } of rule.route ?? []) {
          const service = named(objects, 'Service', destination.host.split('.')[0]);
          expect(service).toBeDefined();
          checked++;
          if (destination.subset === undefined) continue;
          const dr = ofKind(objects, 'DestinationRule').find((d) => d.spec.host === destination.host);
          const subset = dr?.spec.subsets.find((s: Obj) => s.name === destination.subset);
          expect(subset).toBeDefined();
          expect(pods.some((l) => selects({ ...service!.spec.selector, ...subset.labels }, l))).toBe(true);
        }
      }
    }
    for (const route of ofKind(objects, 'HTTPRoute')) {
      for (const rule of route.spec.rules) {
        for (const ref of rule.backendRefs ?? []) {
          const service = named(objects, 'Service', ref.name);
          expect(service).toBeDefined();
          expect(service!.spec.ports.map((p: Obj) => p.port)).toContain(ref.port);
          expect(pods.some((l) => selects(service!.spec.selector, l))).toBe(true);
          checked++;
        }
      }
      for (const parent of route.spec.parentRefs) {
        expect(named(objects, parent.kind ?? 'Gateway', parent.name)).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(1);
  });

  test('reviews is routed exactly as Istio\'s official scenario file', () => {
    const { objects } = synth(scenario, ingress);
    const official = YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'networking', SCENARIOS[scenario].officialFile), 'utf8'))
      .map((d) => d.toJS()).find((o) => o?.kind === 'VirtualService' && o.spec.hosts.includes('reviews'));
    expect(reviewsRouting(objects)).toEqual(officialRouting(official));
  });

  test('JWT is required on productpage, except for its assets and health check', () => {
    const { objects } = synth(scenario, ingress);
    const [ra] = ofKind(objects, 'RequestAuthentication');
    expect(ra.spec.jwtRules).toEqual([{ issuer: 'testing@secure.istio.io', jwksUri: expect.stringMatching(/^https:\/\/.*jwks\.json$/) }]);
    const deny = ofKind(objects, 'AuthorizationPolicy').filter((p) => p.spec.action === 'DENY');
    expect(deny).toHaveLength(1);
    expect(deny[0].spec.rules).toEqual([{
      from: [{ source: { notRequestPrincipals: ['testing@secure.istio.io/*'] } }],
      to: [{ operation: { notPaths: ['/static/*', '/health'] } }],
    }]);
    const target = ingress === 'istio'
      ? { selector: { matchLabels: { app: 'productpage' } } }
      : { targetRefs: [{ group: '', kind: 'Service', name: 'productpage' }] };
    expect(ra.spec).toMatchObject(target);
    expect(deny[0].spec).toMatchObject(target);
  });

  test('ingress: productpage\'s paths over HTTPS, plain HTTP redirected', () => {
    const { objects } = synth(scenario, ingress);
    const paths = ['exact /productpage', 'prefix /static', 'exact /login', 'exact /logout', 'prefix /api/v1/products'];
    if (ingress === 'istio') {
      const gw = named(objects, 'Gateway', 'bookinfo-gateway')!;
      expect(gw.spec.servers.map((s: Obj) => [s.port.number, s.tls])).toEqual([[80, { httpsRedirect: true }], [443, { mode: 'SIMPLE', credentialName: 'bookinfo-tls' }]]);
      const vs = named(objects, 'VirtualService', 'bookinfo-gateway')!;
      expect(vs.spec.gateways).toEqual(['bookinfo-gateway']);
      expect(vs.spec.http[0].match.map((m: Obj) => Object.entries(m.uri).map(([k, v]) => `${k} ${v}`)[0])).toEqual(paths);
      expect(vs.spec.http[0].route).toEqual([{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }]);
      expect(ofKind(objects, 'HTTPRoute')).toEqual([]);
    } else {
      const gw = named(objects, 'Gateway', 'bookinfo-gateway')!;
      expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(gw.spec.listeners.map((l: Obj) => [l.name, l.port, l.protocol])).toEqual([['https', 443, 'HTTPS'], ['http', 80, 'HTTP']]);
      const route = named(objects, 'HTTPRoute', 'bookinfo-gateway')!;
      const type = { Exact: 'exact', PathPrefix: 'prefix' } as { [k: string]: string };
      expect(route.spec.rules[0].matches.map((m: Obj) => `${type[m.path.type]} ${m.path.value}`)).toEqual(paths);
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'productpage', port: 9080 }]);
      expect(named(objects, 'HTTPRoute', 'bookinfo-gateway-https-redirect')!.spec.rules[0].filters[0].requestRedirect).toEqual({ scheme: 'https', statusCode: 301 });
      expect(ofKind(objects, 'VirtualService')).toEqual([]);
    }
  });

  test('egress lockdown (sidecar mode): productpage -> a-cup-of.coffee, reviews -> une-tasse-de.cafe, others nothing', () => {
    const { objects } = synth(scenario, ingress);
    const sidecars = ofKind(objects, 'Sidecar');
    if (ingress !== 'istio') {
      // ambient: no sidecars, so no Sidecar resources (and no ServiceEntries they would filter)
      expect(sidecars).toEqual([]);
      expect(ofKind(objects, 'ServiceEntry')).toEqual([]);
      return;
    }
    const hostsOf = (name: string) => named(objects, 'Sidecar', name)!.spec.egress[0].hosts;
    expect(hostsOf('productpage-egress')).toEqual(['./a-cup-of.coffee', './*.svc.cluster.local', 'istio-system/*']);
    expect(hostsOf('reviews-egress')).toEqual(['./une-tasse-de.cafe', './*.svc.cluster.local', 'istio-system/*']);
    expect(hostsOf('default')).toEqual(['./*.svc.cluster.local', 'istio-system/*']);
    expect(named(objects, 'Sidecar', 'default')!.spec.workloadSelector).toBeUndefined();
    for (const s of sidecars) expect(s.spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    const entries = ofKind(objects, 'ServiceEntry');
    expect(entries.map((e) => e.spec.hosts)).toEqual([['a-cup-of.coffee'], ['une-tasse-de.cafe']]);
    for (const e of entries) expect(e.spec).toMatchObject({ location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'] });
  });

  test('observability: namespace telemetry, alerts and dashboard for the four services', () => {
    const { objects } = synth(scenario, ingress);
    expect(named(objects, 'Telemetry', 'namespace-default')!.spec).toEqual({
      accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
      metrics: [{ providers: [{ name: 'prometheus' }] }],
      tracing: [{ providers: [{ name: 'otel' }], randomSamplingPercentage: 10 }],
    });
    const rule = named(objects, 'PrometheusRule', 'bookinfo-alerts')!;
    expect(rule.spec.groups.map((g: Obj) => g.name)).toEqual(['productpage', 'details', 'reviews', 'ratings'].map((s) => `istio-service.${NS}.${s}`));
    const dashboard = named(objects, 'ConfigMap', 'bookinfo-dashboard')!;
    expect(dashboard.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(JSON.parse(dashboard.data['bookinfo-dashboard.json']).title).toBe('Bookinfo');
  });
});

/** Reviews' routing as data: per rule, the `end-user` it matches (if any) and weight per version. */
type Routing = { user?: string; to: { [version: string]: number } }[];

function normaliseTo(dests: { version: string; weight?: number }[]): { [version: string]: number } {
  const to: { [version: string]: number } = {};
  // A single destination takes every request; destinations with weight 0 take none.
  for (const d of dests) if ((d.weight ?? 100) > 0) to[d.version] = dests.length === 1 ? 100 : d.weight!;
  return to;
}

function officialRouting(vs: Obj): Routing {
  return vs.spec.http.map((rule: Obj) => ({
    user: rule.match?.[0]?.headers?.['end-user']?.exact,
    to: normaliseTo(rule.route.map((r: Obj) => ({ version: r.destination.subset, weight: r.weight }))),
  }));
}

function reviewsRouting(objects: Obj[]): Routing {
  const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews');
  if (vs !== undefined) return officialRouting(vs);
  const route = named(objects, 'HTTPRoute', 'reviews')!;
  return route.spec.rules.map((rule: Obj) => ({
    user: rule.matches?.[0]?.headers?.find((h: Obj) => h.name === 'end-user')?.value,
    to: normaliseTo(rule.backendRefs.map((b: Obj) => ({ version: b.name.replace(/^reviews-/, ''), weight: b.weight }))),
  }));
}

describe('the default stack', () => {
  test('is all-v1 with the Istio ingress (sidecar mode), and matches the snapshot', () => {
    expect(DEFAULT_SCENARIO).toBe('all-v1');
    expect(DEFAULT_INGRESS).toBe('istio');
    const chart = new BookinfoChart(Testing.app(), NS);
    expect(chart.scenario).toBe(SCENARIOS['all-v1']);
    expect(chart.ingressApi).toBe(IngressApi.ISTIO);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('the ambient (Gateway API) variant matches the snapshot', () => {
    expect(Testing.synth(new BookinfoChart(Testing.app(), NS, { ingress: 'gateway-api' }))).toMatchSnapshot();
  });

  test('sidecar mode: reviews is a CanaryService with all three versions as subsets', () => {
    const { chart, objects } = synth('all-v1', 'istio');
    expect(chart.reviewsCanary?.stableVersion).toBe('v1');
    expect(chart.reviewsCanary?.canaryVersion).toBe('v2');
    const dr = named(objects, 'DestinationRule', 'reviews')!;
    expect(dr.spec.subsets.map((s: Obj) => s.name)).toEqual(['v1', 'v2', 'v3']);
    expect(dr.spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
  });

  test('ambient mode: a namespace waypoint serves reviews, routed by an HTTPRoute over one Service per version', () => {
    const { chart, objects } = synth('90-10', 'gateway-api');
    expect(chart.reviewsCanary.virtualService).toBeUndefined();
    expect(named(objects, 'Gateway', 'waypoint')!.spec).toEqual({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    });
    for (const v of ['v1', 'v2', 'v3']) expect(named(objects, 'Service', `reviews-${v}`)!.spec.selector).toEqual({ app: 'reviews', version: v });
    // Istio's ambient route-reviews-90-10.yaml, exactly
    const official = YAML.parse(fs.readFileSync(path.join(AMBIENT, 'route-reviews-90-10.yaml'), 'utf8'));
    expect(named(objects, 'HTTPRoute', 'reviews')!.spec).toEqual(official.spec);
    expect(ofKind(objects, 'VirtualService')).toEqual([]);
  });

  test('ambient mode: parity with Istio\'s ambient namespace.yaml and bookinfo-versions.yaml', () => {
    const { objects } = synth('all-v1', 'gateway-api');
    const [namespace] = YAML.parseAllDocuments(fs.readFileSync(path.join(AMBIENT, 'namespace.yaml'), 'utf8')).map((d) => d.toJS()).filter((o) => o);
    const ours = named(objects, 'Namespace', NS)!;
    // the same object, named after the app (cdk8s-plus writes an empty spec); the labels
    // Istio's guide adds with `kubectl label` are part of it
    const { spec, ...rest } = ours;
    expect(spec).toEqual({});
    expect({ ...rest, metadata: { name: namespace.metadata.name } }).toEqual(namespace);
    expect(ours.metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    // the official file is applied with `-n <namespace>`
    const official = loadOfficial(path.join(AMBIENT, 'bookinfo-versions.yaml')).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: NS } }));
    const versionServices = objects.filter((o) => o.kind === 'Service' && /-v\d$/.test(o.metadata.name));
    expect(versionServices.map((o) => o.metadata.name).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    expect(diffPlatformManifests(official, versionServices)).toEqual([]);
  });

  test('ambient mode: egress through the egress waypoint, each host admitting only its workload', () => {
    const { chart, objects } = synth('all-v1', 'gateway-api');
    expect(ofKind(objects, 'Sidecar')).toEqual([]);
    const egress = Testing.synth(chart.egressNamespace!);
    expect(named(egress, 'Gateway', 'waypoint')!.spec.gatewayClassName).toBe('istio-waypoint');
    for (const [host, caller] of [['a-cup-of.coffee', 'bookinfo-productpage'], ['une-tasse-de.cafe', 'bookinfo-reviews']]) {
      const entry = named(egress, 'ServiceEntry', `egress-${host}`)!;
      expect(entry.metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
      expect(entry.spec.hosts).toEqual([host]);
      expect(named(egress, 'AuthorizationPolicy', `egress-${host}`)!.spec).toEqual({
        targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: `egress-${host}` }],
        rules: [{ from: [{ source: { principals: [`cluster.local/ns/${NS}/sa/${caller}`] } }] }],
      });
    }
    expect(named(egress, 'AuthorizationPolicy', 'waypoint-allow-nothing')).toBeDefined();
  });
});

describe('options', () => {
  test('come from the environment, or from cdk8s context first', () => {
    expect(bookinfoOptions(undefined, { BOOKINFO_SCENARIO: '90-10', BOOKINFO_INGRESS: 'gateway-api', BOOKINFO_HOST: 'books.example.org' }))
      .toEqual({ scenario: '90-10', ingress: 'gateway-api', host: 'books.example.org' });
    expect(bookinfoOptions(undefined, { BOOKINFO_SCENARIO: '' })).toEqual({ scenario: undefined, ingress: undefined, host: undefined });
    const app = Testing.app();
    app.node.setContext('bookinfo/scenario', 'v3');
    expect(bookinfoOptions(app, { BOOKINFO_SCENARIO: '90-10' }).scenario).toBe('v3');
  });

  test('scenario names may carry the reviews- prefix of the official file names', () => {
    expect(resolveScenario('reviews-v2-v3')).toBe(SCENARIOS['v2-v3']);
    expect(resolveScenario('50-V3')).toBe(SCENARIOS['50-v3']);
    expect(resolveIngress('Gateway-API')).toBe(IngressApi.GATEWAY_API);
  });

  test('an invalid scenario fails with the list of valid values', () => {
    expect(() => new BookinfoChart(Testing.app(), NS, bookinfoOptions(undefined, { BOOKINFO_SCENARIO: '70-30' })))
      .toThrow('BOOKINFO_SCENARIO "70-30" is invalid: it is not a Bookinfo traffic scenario. Valid values: all-v1, test-v2, 90-10, 80-20, 50-v3, v2-v3, jason-v2-v3, v3 (default all-v1; the "reviews-" prefix is optional)');
  });

  test('names of object properties are not scenarios or ingress APIs', () => {
    expect(() => resolveScenario('toString')).toThrow(/BOOKINFO_SCENARIO "toString" is invalid/);
    expect(() => resolveIngress('constructor')).toThrow(/BOOKINFO_INGRESS "constructor" is invalid/);
  });

  test('an invalid ingress API fails with the list of valid values', () => {
    expect(() => new BookinfoChart(Testing.app(), NS, bookinfoOptions(undefined, { BOOKINFO_INGRESS: 'nginx' })))
      .toThrow('BOOKINFO_INGRESS "nginx" is invalid: it is not an ingress API of this example. Valid values: istio, gateway-api (default istio)');
  });

  test('the host name is configurable', () => {
    const { objects } = { objects: Testing.synth(new BookinfoChart(Testing.app(), NS, { host: 'books.example.org' })) };
    expect(named(objects, 'VirtualService', 'bookinfo-gateway')!.spec.hosts).toEqual(['books.example.org']);
  });

  test('synthBookinfo (main.ts) writes plain YAML files (one per namespace) with the options of the environment', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-'));
    const saved = { ...process.env };
    try {
      process.env.BOOKINFO_SCENARIO = 'jason-v2-v3';
      process.env.BOOKINFO_INGRESS = 'gateway-api';
      synthBookinfo(new App({ outdir }));
      // ambient mode: the egress waypoint's namespace is a file of its own
      expect(fs.readdirSync(outdir).sort()).toEqual(['bookinfo.k8s.yaml', 'istio-egress.k8s.yaml']);
      const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, 'bookinfo.k8s.yaml'), 'utf8')).map((d) => d.toJS());
      expect(reviewsRouting(objects)).toEqual([{ user: 'jason', to: { v2: 100 } }, { user: undefined, to: { v3: 100 } }]);
    } finally {
      process.env = saved;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
