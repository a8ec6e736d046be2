// Progressive-delivery controllers (src/analysis/controllers.ts): an app using Flagger or Argo
// Rollouts analyzes without false positives, and its real mistakes are still reported.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MeshModel } from '../../src/analysis/authz/mesh-model';
import { controllerObjects, flaggerObjects, generatedFor } from '../../src/analysis/controllers';
import { AnalysisOptions, MeshAnalyzer } from '../../src/analysis/mesh-analyzer';
import { SYNTH_ASSUMPTIONS } from '../../src/analysis/synth-marker';

type Obj = { [key: string]: any };

const DIR = path.join(__dirname, 'fixtures', 'controllers');
const load = (...files: string[]): Obj[] => files.flatMap((f) => MeshAnalyzer.parseYaml(fs.readFileSync(path.join(DIR, f), 'utf8')));
/** `code origin` of each finding, with the synth-time assumptions (workload pods, implied namespaces). */
const found = (objects: Obj[], options: AnalysisOptions = SYNTH_ASSUMPTIONS): string[] =>
  MeshAnalyzer.analyze(objects, options).map((d) => `${d.code} ${d.origin}`);
const keyOf = (o: Obj) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

const flaggerApp = () => load('istio-canary.yaml', 'podinfo-target.yaml');
const canaryOf = (objects: Obj[]) => objects.find((o) => o.kind === 'Canary')!;
const vs = (name: string, namespace: string, spec: Obj): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });
const dr = (name: string, namespace: string | undefined, host: string, subsets: Obj[]): Obj => ({
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { host, subsets },
});
const service = (name: string, selector: Obj, ports: Obj[] = [{ name: 'http', port: 80, targetPort: 8080 }]): Obj => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports },
});
const rollout = (name: string, spec: Obj): Obj => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name }, spec });
const podTemplate = (labels: Obj, podSpec: Obj = {}): Obj => ({
  metadata: { labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }], ...podSpec },
});

describe('the reference manifests', () => {
  test('are vendored verbatim', () => {
    const listed = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8').matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm);
    const sums = [...listed].map(([, sha, file]) => [file, sha]);
    expect(sums.map(([f]) => f)).toEqual(['istio-abtest.yaml', 'istio-canary.yaml', 'istio-mirror.yaml', 'istio-subset-split.yaml']);
    for (const [file, sha] of sums) expect(createHash('sha256').update(fs.readFileSync(path.join(DIR, file))).digest('hex')).toBe(sha);
  });

  test.each([
    ['Flagger canary', ['istio-canary.yaml', 'podinfo-target.yaml']],
    ['Flagger A/B test', ['istio-abtest.yaml', 'podinfo-target.yaml']],
    ['Argo Rollouts subset split', ['istio-subset-split.yaml']],
    ['Argo Rollouts mirror', ['istio-mirror.yaml']],
  ])('%s: no findings, as at synth and as istioctl analyzes files', (_name, files) => {
    expect(found(load(...files))).toEqual([]);
    // Without workload pods (istioctl's default) the subsets of the subset split select no pods:
    // IST0173 for any workload kind, as istioctl reports it for a Deployment.
    const istioctl = files.includes('istio-subset-split.yaml') ? ['IST0173 DestinationRule istio-subset-split-destrule'] : [];
    expect([...new Set(found(load(...files), {}))]).toEqual(istioctl);
  });

  test('Argo\'s subset split with a subset no pod matches is reported', () => {
    const objects = load('istio-subset-split.yaml');
    objects.find((o) => o.kind === 'DestinationRule')!.spec.subsets[1].labels.track = 'canary';
    expect(found(objects)).toEqual(['IST0173 DestinationRule istio-subset-split-destrule']);
  });
});

describe('Flagger Canary', () => {
  test('the objects Flagger generates for the tutorial canary (v1.44.0)', () => {
    const objects = flaggerApp();
    const generated = controllerObjects(objects);
    expect(generated.map(keyOf)).toEqual([
      'Deployment test/podinfo-primary', 'HorizontalPodAutoscaler test/podinfo-primary',
      'Service test/podinfo', 'Service test/podinfo-primary', 'Service test/podinfo-canary',
      'DestinationRule test/podinfo-canary', 'DestinationRule test/podinfo-primary', 'VirtualService test/podinfo',
    ]);
    for (const g of generated) expect(generatedFor(g)).toBe('Canary test/podinfo');
    const [primary, hpa, apex, primarySvc, canarySvc, canaryDr, primaryDr, virtualService] = generated;
    const target = objects.find((o) => o.kind === 'Deployment')!;
    expect(primary.spec.selector).toEqual({ matchLabels: { app: 'podinfo-primary' } });
    expect(primary.spec.template.metadata.labels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec.template.metadata.annotations).toEqual(target.spec.template.metadata.annotations);
    expect(primary.spec.template.spec).toEqual(target.spec.template.spec);
    expect(target.spec.template.metadata.labels).toEqual({ app: 'podinfo' }); // the target is left as it is
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' });
    // port 80 -> 9898 named http, then the container's other ports (portDiscovery)
    const ports = [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 9898 },
      { name: 'grpc', protocol: 'TCP', port: 9999, targetPort: 9999 },
      { name: 'http-metrics', protocol: 'TCP', port: 9797, targetPort: 9797 },
    ];
    expect([apex, primarySvc, canarySvc].map((s) => [s.spec.selector, s.spec.ports])).toEqual([
      [{ app: 'podinfo-primary' }, ports], [{ app: 'podinfo-primary' }, ports], [{ app: 'podinfo' }, ports],
    ]);
    expect([canaryDr.spec, primaryDr.spec]).toEqual([
      { host: 'podinfo-canary', trafficPolicy: { tls: { mode: 'DISABLE' } } },
      { host: 'podinfo-primary', trafficPolicy: { tls: { mode: 'DISABLE' } } },
    ]);
    // the gateways list does not start with mesh and ports are discovered: destinations name the port
    const dest = (host: string, weight: number) => ({ destination: { host, port: { number: 80 } }, weight });
    expect(virtualService.spec).toEqual({
      hosts: ['app.example.com', 'podinfo'],
      gateways: ['istio-system/public-gateway', 'mesh'],
      http: [{ match: [{ uri: { prefix: '/' } }], rewrite: { uri: '/' }, timeout: '30s', route: [dest('podinfo-primary', 100), dest('podinfo-canary', 0)] }],
    });
  });

  test('A/B testing: the analysis matches merged into the service match route to the canary, the rest to the primary', () => {
    const [vsAb] = controllerObjects(load('istio-abtest.yaml', 'podinfo-target.yaml')).filter((o) => o.kind === 'VirtualService');
    const common = { rewrite: { uri: '/' }, timeout: '30s' };
    const dest = (host: string, weight: number) => ({ destination: { host, port: { number: 80 } }, weight });
    expect(vsAb.spec.http).toEqual([
      {
        ...common,
        match: [
          { uri: { prefix: '/' }, headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } },
          { uri: { prefix: '/' }, headers: { 'user-agent': { regex: '.*Firefox.*' } } },
        ],
        route: [dest('podinfo-primary', 100), dest('podinfo-canary', 0)],
      },
      { ...common, match: [{ uri: { prefix: '/' } }], route: [dest('podinfo-primary', 100)] },
    ]);
  });

  test('defaults: service name and port name, mesh gateway; the selector label is the first of app, name, app.kubernetes.io/name', () => {
    const objects = flaggerApp();
    const canary = canaryOf(objects);
    canary.spec.service = { name: 'web', port: 8080 };
    const target = objects.find((o) => o.kind === 'Deployment')!;
    target.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'pi', 'name': 'pod-info' };
    target.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'pi', 'name': 'pod-info', 'version': 'v1' };
    const generated = controllerObjects(objects);
    expect(generated.map(keyOf)).toContain('Service test/web-primary');
    const primary = generated.find((o) => o.kind === 'Deployment')!;
    expect(primary.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'pi', 'name': 'pod-info-primary', 'version': 'v1' });
    const svc = generated.find((o) => keyOf(o) === 'Service test/web-canary')!;
    expect(svc.spec).toEqual({ type: 'ClusterIP', selector: { name: 'pod-info' }, ports: [{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 8080 }] });
    expect(generated.find((o) => o.kind === 'VirtualService')!.spec).toEqual({
      hosts: ['web'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'web-primary' }, weight: 100 }, { destination: { host: 'web-canary' }, weight: 0 }] }],
    });
    // a target whose selector has none of the selector labels: Flagger fails, nothing is generated
    target.spec.selector.matchLabels = { tier: 'web' };
    expect(controllerObjects(objects)).toEqual([]);
  });

  test('TCP services get a tcp route; other providers get no Istio routing; a target not in the app selects app: <target>', () => {
    const canary = canaryOf(load('istio-canary.yaml'));
    canary.spec.service = { port: 7070, appProtocol: 'TCP', match: [{ port: 7070 }] };
    const generated = flaggerObjects(canary, () => undefined);
    expect(generated.map(keyOf)).toEqual([
      'Service test/podinfo', 'Service test/podinfo-primary', 'Service test/podinfo-canary',
      'DestinationRule test/podinfo-canary', 'DestinationRule test/podinfo-primary', 'VirtualService test/podinfo',
    ]);
    expect(generated[2].spec.selector).toEqual({ app: 'podinfo' });
    expect(generated[0].spec.ports[0].appProtocol).toBe('TCP');
    expect(generated[5].spec.tcp).toEqual([{ match: [{ port: 7070 }], route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }, { destination: { host: 'podinfo-canary' }, weight: 0 }] }]);
    expect(generated[5].spec.http).toBeUndefined();
    canary.spec.provider = 'kubernetes';
    expect(flaggerObjects(canary, () => undefined).map((o) => o.kind)).toEqual(['Service', 'Service', 'Service']);
  });

  test('the generated objects are in the analyzed mesh: the app\'s routes to them resolve, its policies select the primary pods', () => {
    const route = (host: string) => vs('frontend', 'test', {
      hosts: ['frontend.example.com'],
      gateways: ['istio-system/public-gateway'],
      http: [{ route: [{ destination: { host, port: { number: 80 } } }] }],
    });
    const policy = (app: string) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { selector: { matchLabels: { app } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] },
    });
    for (const host of ['podinfo', 'podinfo-primary', 'podinfo-canary', 'podinfo-primary.test.svc.cluster.local']) {
      expect(found([...flaggerApp(), route(host)])).toEqual([]);
      expect(found([...flaggerApp(), route(host)], {})).toEqual([]);
    }
    expect(found([...flaggerApp(), route('podinfo-primery')])).toEqual(['IST0101 VirtualService test/frontend']);
    // the primary Service has three ports (port discovery): a route must name one
    const noPort = route('podinfo-primary');
    delete noPort.spec.http[0].route[0].destination.port;
    expect(found([...flaggerApp(), noPort])).toEqual(['IST0112 VirtualService test/frontend']);
    expect(found([...flaggerApp(), policy('podinfo-primary')])).toEqual([]);
    expect(found([...flaggerApp(), policy('podinfo')])).toEqual([]); // the target's pods run during an analysis
    expect(found([...flaggerApp(), policy('podinfo-secondary')])).toEqual(['IST0127 AuthorizationPolicy test/podinfo']);
  });

  test('the mesh model (authorization, graph) has the generated Services, the primary Service backed by the primary pods', () => {
    const mesh = MeshModel.fromManifests(flaggerApp());
    expect(mesh.services).toEqual(['test/podinfo', 'test/podinfo-canary', 'test/podinfo-primary']);
    expect(mesh._index.service('test', 'podinfo-primary')!.backends.map((w) => w.origin)).toEqual(['Deployment test/podinfo-primary']);
    expect(mesh._index.service('test', 'podinfo-canary')!.backends.map((w) => w.origin)).toEqual(['Deployment test/podinfo']);
  });

  test('an app that declares an object Flagger generates gets CKI0006 on it, and no generated twin', () => {
    const own = { ...service('podinfo-primary', { app: 'podinfo-primary' }), metadata: { name: 'podinfo-primary', namespace: 'test' } };
    const objects = [...flaggerApp(), own];
    const [d, ...rest] = MeshAnalyzer.analyze(objects, SYNTH_ASSUMPTIONS);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      code: 'CKI0006',
      level: 'Error',
      origin: 'Service test/podinfo-primary',
      analyzer: 'controllers.FlaggerAnalyzer',
      inputIndex: objects.length - 1,
      message: 'The app declares Service test/podinfo-primary, which Flagger generates for Canary test/podinfo: Flagger would overwrite it, and each deploy of the app would set it back. Remove it from the app and configure it through the Canary (spec.service, spec.autoscalerRef).',
    });
    const services = MeshAnalyzer._run(objects, SYNTH_ASSUMPTIONS).resources.filter((r) => r.origin === 'Service test/podinfo-primary');
    expect(services.map((r) => r.raw)).toEqual([own]);
    // the apex VirtualService and a primary DestinationRule too; the Canary's other names are free
    const more = [vs('podinfo', 'test', { hosts: ['podinfo'], http: [{ route: [{ destination: { host: 'podinfo-primary' } }] }] }), dr('podinfo-primary', 'test', 'podinfo-primary', [])];
    expect(found([...flaggerApp(), ...more]).filter((f) => f.startsWith('CKI0006'))).toEqual(['CKI0006 DestinationRule test/podinfo-primary', 'CKI0006 VirtualService test/podinfo']);
    expect(found([...flaggerApp(), { ...own, metadata: { name: 'podinfo-stable', namespace: 'test' } }])).toEqual([]);
    expect(found([...flaggerApp(), { ...own, metadata: { name: 'podinfo-primary', namespace: 'other' } }])).toEqual([]);
  });

  test('generated objects are never the resource of a finding', () => {
    // without the public gateway, the generated VirtualService names a Gateway that does not exist
    const objects = flaggerApp().filter((o) => o.kind !== 'Gateway');
    const run = MeshAnalyzer._run(objects, SYNTH_ASSUMPTIONS);
    const generated = run.resources.filter((r) => generatedFor(r.raw) !== undefined).map((r) => r.origin);
    expect(generated).toContain('VirtualService test/podinfo');
    expect(run.diagnostics).toEqual([]);
    // the same VirtualService declared by the app is reported (and conflicts with the Canary)
    const own = controllerObjects(objects).find((o) => o.kind === 'VirtualService')!;
    const reported = MeshAnalyzer.analyze([...objects, clone(own)], SYNTH_ASSUMPTIONS).map((d) => `${d.code} ${d.origin} ${d.message}`);
    expect(reported).toEqual([
      expect.stringMatching(/^CKI0006 VirtualService test\/podinfo /),
      'IST0101 VirtualService test/podinfo Referenced gateway not found: "istio-system/public-gateway"',
      expect.stringMatching(/^IST0132 VirtualService test\/podinfo /),
    ]);
    // nor their pods: the primary's template pod repeats the target's mistakes, which are reported once, on the target
    const target = objects.find((o) => o.kind === 'Deployment')!;
    target.spec.template.spec.securityContext = { runAsUser: 1337 };
    expect(found(objects)).toEqual(['IST0144 Deployment test/podinfo', 'IST0144 Pod test/podinfo-pod-template']);
  });
});

describe('Argo Rollouts Rollout', () => {
  const subsetRule = (labels: Obj) => dr('web', undefined, 'web', [{ name: 'stable', labels }, { name: 'canary', labels }]);

  test('its pod template runs pods: DestinationRule subsets select them, and a subset no pod matches is reported', () => {
    const objects = [rollout('web', { selector: { matchLabels: { app: 'web' } }, template: podTemplate({ app: 'web' }) }), service('web', { app: 'web' })];
    expect(found([...objects, subsetRule({ app: 'web' })])).toEqual([]);
    expect(found([...objects, subsetRule({ app: 'web', version: 'v9' })])).toEqual(['IST0173 DestinationRule web', 'IST0173 DestinationRule web']);
    // another API group's Rollout is not a workload
    const other = [{ ...objects[0], apiVersion: 'example.com/v1' }, objects[1]];
    expect(found([...other, subsetRule({ app: 'web' })], { ...SYNTH_ASSUMPTIONS, schemaValidation: false })).toEqual(['IST0173 DestinationRule web', 'IST0173 DestinationRule web']);
  });

  test('with spec.workloadRef it runs the referenced Deployment\'s pods', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: podTemplate({ app: 'web' }) },
    };
    const ref = rollout('web', { selector: { matchLabels: { app: 'web' } }, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } });
    expect(found([deployment, ref, service('web', { app: 'web' }), subsetRule({ app: 'web' })])).toEqual([]);
    expect(found([deployment, ref, service('web', { app: 'web' }), subsetRule({ app: 'api' })])).toEqual(['IST0173 DestinationRule web', 'IST0173 DestinationRule web']);
  });

  test('its canary and stable Services both select its pods', () => {
    const mesh = MeshModel.fromManifests(load('istio-mirror.yaml'));
    for (const name of ['istio-host-split-canary', 'istio-host-split-stable']) {
      expect(mesh._index.service('default', name)!.backends.map((w) => w.origin)).toEqual(['Rollout default/istio-host-split']);
    }
  });

  test('Istio\'s Deployment rules apply to it: Services with conflicting protocols, UID 1337, image: auto', () => {
    const template = podTemplate({ 'app': 'web', 'sidecar.istio.io/inject': 'true' }, { securityContext: { runAsUser: 1337 } });
    template.spec.containers.push({ name: 'istio-proxy', image: 'auto' });
    const objects = [
      rollout('web', { selector: { matchLabels: { app: 'web' } }, template }),
      service('web', { app: 'web' }, [{ name: 'http', port: 80, protocol: 'TCP' }]),
      service('web-udp', { app: 'web' }, [{ name: 'udp', port: 80, protocol: 'UDP' }]),
    ];
    const rolloutFindings = MeshAnalyzer.analyze(objects, SYNTH_ASSUMPTIONS).filter((d) => d.kind === 'Rollout').map((d) => `${d.code} ${d.message}`);
    expect(rolloutFindings).toEqual([
      'IST0116 This deployment web is associated with multiple services using port 80 but different protocols: [web web-udp]',
      'IST0144 User ID (UID) 1337 is reserved for the sidecar proxy.',
      'IST0146 Rollout web contains `image: auto` but does not match any Istio injection webhook selectors.',
    ]);
  });

  test('a route destination at weight 0 in the VirtualService it manages is not reported (total weight 0 still is)', () => {
    const objects = load('istio-subset-split.yaml');
    const routes = objects.find((o) => o.kind === 'VirtualService')!.spec.http[0].route;
    expect(routes.map((r: Obj) => r.weight)).toEqual([100, 0]);
    expect(found(objects)).toEqual([]);
    routes[0].weight = 0;
    expect(found(objects)).toEqual(['IST0106 VirtualService istio-subset-split-vsvc']);
  });
});
