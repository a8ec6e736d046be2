import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { MtlsMode, Protocol } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';
import { DataplaneMode, MeshMtls, MtlsNamespace } from '../../src/patterns/mtls-namespace';

const byKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: any[], kind: string) => {
  const found = byKind(objs, kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('MtlsNamespace', () => {
  test('default configuration (snapshot)', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
    expect(Testing.synth(ns)).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    new MeshMtls(platform, 'mesh', { mtlsMode: MtlsMode.STRICT, rootNamespace: 'istio-system', defaultDeny: true });
    const ns = new MtlsNamespace(platform, 'shop', {
      namespaceName: 'shop',
      dataplaneMode: DataplaneMode.AMBIENT,
      waypoint: 'shop-waypoint',
      mtlsMode: MtlsMode.PERMISSIVE,
      defaultDeny: true,
      namespaceLabels: { 'team': 'payments', 'app.kubernetes.io/part-of': 'shop' },
    });
    const web = new MeshService(ns, 'web', { port: 8080, image: 'web:1' });
    const api = new MeshService(ns, 'api', { port: 9080, protocol: Protocol.GRPC, image: 'api:1' });
    // The namespace uses a waypoint: the services' policies attach to their Services (targetRefs).
    api.allowFrom(web, { ports: [9080] });
    web.allowFromIngressGateway();
    expect({ platform: Testing.synth(platform), shop: Testing.synth(ns) }).toMatchSnapshot();
  });

  test('default output is secure: enrolled, STRICT mTLS, allow-nothing', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
    const objs = Testing.synth(ns);
    const namespace = one(objs, 'Namespace');
    expect(namespace.metadata.name).toBe('bookinfo');
    expect(namespace.metadata.labels['istio-injection']).toBe('enabled');
    const pa = one(objs, 'PeerAuthentication');
    expect(pa.metadata).toEqual({ name: 'default', namespace: 'bookinfo' });
    expect(pa.spec.mtls.mode).toBe('STRICT');
    expect(pa.spec.selector).toBeUndefined(); // the whole namespace
    expect(pa.spec.portLevelMtls).toBeUndefined(); // no port left in plain text
    const ap = one(objs, 'AuthorizationPolicy');
    expect(ap.metadata.namespace).toBe('bookinfo');
    // An ALLOW policy without rules or selector: matches nothing, for every workload of the namespace.
    expect(ap.spec.selector).toBeUndefined();
    expect(ap.spec.rules).toBeUndefined();
    expect([undefined, 'ALLOW']).toContain(ap.spec.action);
    expect(ns.namespace).toBe('bookinfo');
    expect(ns.namespaceName).toBe('bookinfo');
  });

  test('the Namespace object is cluster-scoped: no metadata.namespace', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
    expect(one(Testing.synth(ns), 'Namespace').metadata.namespace).toBeUndefined();
  });

  test('ambient mode labels the namespace for ztunnel, not for injection', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo', { dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'waypoint' });
    const labels = one(Testing.synth(ns), 'Namespace').metadata.labels;
    expect(labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
  });

  test('a revision replaces istio-injection (which would win over it)', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo', { revision: 'canary-1-24' });
    const labels = one(Testing.synth(ns), 'Namespace').metadata.labels;
    expect(labels).toEqual({ 'istio.io/rev': 'canary-1-24' });
  });

  test('PERMISSIVE for migration, and defaultDeny can be turned off', () => {
    const ns = new MtlsNamespace(Testing.app(), 'legacy', { mtlsMode: MtlsMode.PERMISSIVE, defaultDeny: false });
    const objs = Testing.synth(ns);
    expect(one(objs, 'PeerAuthentication').spec.mtls.mode).toBe('PERMISSIVE');
    expect(byKind(objs, 'AuthorizationPolicy')).toHaveLength(0);
    expect(ns.defaultDenyPolicy).toBeUndefined();
  });

  test('createNamespace: false keeps the policies but emits no Namespace', () => {
    const ns = new MtlsNamespace(Testing.app(), 'existing', { createNamespace: false });
    const objs = Testing.synth(ns);
    expect(byKind(objs, 'Namespace')).toHaveLength(0);
    expect(objs.map((o) => o.kind).sort()).toEqual(['AuthorizationPolicy', 'PeerAuthentication']);
    expect(objs.every((o) => o.metadata.namespace === 'existing')).toBe(true);
    expect(ns.namespaceResource).toBeUndefined();
  });

  test('a MeshService created inside inherits the namespace (objects, host, caller identity)', () => {
    const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
    const productpage = new MeshService(ns, 'productpage', { port: 9080, image: 'productpage:1' });
    const reviews = new MeshService(ns, 'reviews', { port: 9080, image: 'reviews:1' });
    reviews.allowFrom(productpage);
    expect(reviews.namespace).toBe('bookinfo');
    expect(reviews.host).toBe('reviews.bookinfo.svc.cluster.local');
    const objs = Testing.synth(ns);
    for (const o of objs.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(ns.namespaceName);
    const sa = byKind(objs, 'ServiceAccount').find((o) => o.metadata.name === 'productpage');
    const allow = byKind(objs, 'AuthorizationPolicy').find((o) => o.metadata.name === 'reviews');
    expect(allow.spec.rules[0].from[0].source.principals).toEqual([`cluster.local/ns/${sa.metadata.namespace}/sa/${sa.metadata.name}`]);
  });

  test('a chart nested inside with the namespace lands in it; App.synth writes it', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mtls-ns-'));
    const app = new App({ outdir });
    const ns = new MtlsNamespace(app, 'bookinfo');
    const sub = new Chart(ns, 'ratings', { namespace: ns.namespaceName });
    new MeshService(sub, 'ratings', { port: 9080, image: 'ratings:1' }).allowFromNamespace('bookinfo');
    // Each chart renders its own objects.
    expect(Testing.synth(ns).map((o) => o.kind).sort()).toEqual(['AuthorizationPolicy', 'Namespace', 'PeerAuthentication']);
    const subObjs = Testing.synth(sub);
    expect(subObjs.every((o) => o.metadata.namespace === 'bookinfo')).toBe(true);
    // The whole app synthesizes (and validates) as one YAML stream and as files.
    const docs = YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS());
    expect(docs.filter((d: any) => d.kind === 'Deployment').map((d: any) => d.metadata.namespace)).toEqual(['bookinfo']);
    app.synth();
    const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.length).toBe(2);
    const written = files.flatMap((f) => Yaml.load(path.join(outdir, f)));
    expect(written.filter((d: any) => d.kind === 'Namespace').map((d: any) => d.metadata.name)).toEqual(['bookinfo']);
  });

  test('an MtlsNamespace nested in another chart is synthesized as its own chart', () => {
    const app = Testing.app();
    const parent = new Chart(app, 'platform', { namespace: 'platform' });
    new kplus.ConfigMap(parent, 'cm', { data: { a: 'b' } });
    const ns = new MtlsNamespace(parent, 'bookinfo');
    new MeshService(ns, 'details', { port: 9080, image: 'details:1' });
    const parentObjs = Testing.synth(parent);
    expect(parentObjs.map((o) => o.kind)).toEqual(['ConfigMap']);
    expect(parentObjs[0].metadata.namespace).toBe('platform');
    const nsObjs = Testing.synth(ns);
    expect(nsObjs.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'bookinfo')).toBe(true);
    expect(nsObjs.map((o) => o.kind)).toContain('Deployment');
  });

  describe('bad input', () => {
    test('namespace name that is not a DNS label', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'Book_Info'))
        .toThrow(/\[Book_Info\] namespaceName "Book_Info" is invalid: it must be a DNS-1123 label.*Fix:/);
    });

    test('enrolling istio-system', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'root', { namespaceName: 'istio-system' }))
        .toThrow(/\[root\] namespaceName "istio-system" is invalid: this namespace is reserved for the platform\. Fix: use MeshMtls/);
    });

    test('enrolling kube-system', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'kube-system'))
        .toThrow(/\[kube-system\] namespaceName "kube-system" is invalid: .*reserved.*Fix: keep Kubernetes system components out of the mesh/);
    });

    test('mTLS mode DISABLE', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { mtlsMode: MtlsMode.DISABLE }))
        .toThrow(/\[ns\] mtlsMode "DISABLE" is invalid: .*Fix: use MtlsMode\.STRICT, or MtlsMode\.PERMISSIVE/);
    });

    test('unknown dataplane mode', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { dataplaneMode: 'SIDECARLESS' as DataplaneMode }))
        .toThrow(/\[ns\] dataplaneMode "SIDECARLESS" is invalid: unknown dataplane mode\. Fix: use DataplaneMode\.SIDECAR or DataplaneMode\.AMBIENT/);
    });

    test('revision in ambient mode', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { dataplaneMode: DataplaneMode.AMBIENT, revision: 'canary' }))
        .toThrow(/\[ns\] revision "canary" is invalid: a revision selects the sidecar injector.*Fix: remove `revision`/);
    });

    test('waypoint in sidecar mode', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { waypoint: 'wp' }))
        .toThrow(/\[ns\] waypoint "wp" is invalid: waypoint proxies serve ambient workloads.*Fix: remove `waypoint`, or use DataplaneMode\.AMBIENT/);
    });

    test('an enrolment label in namespaceLabels', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { namespaceLabels: { 'istio-injection': 'disabled' } }))
        .toThrow(/\[ns\] namespaceLabels\["istio-injection"\] "disabled" is invalid: this mesh enrolment label is set by the MtlsNamespace itself\. Fix:/);
    });

    test('an invalid label value', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { namespaceLabels: { team: 'a b' } }))
        .toThrow(/\[ns\] namespaceLabels\["team"\] "a b" is invalid: a label value must be/);
    });

    test('labels on a namespace that is not created', () => {
      expect(() => new MtlsNamespace(Testing.app(), 'ns', { createNamespace: false, namespaceLabels: { team: 'a' } }))
        .toThrow(/\[ns\] createNamespace false is invalid: labels, revision and waypoint are set on the Namespace object, which is not created\. Fix:/);
    });

    test('a service inside with another namespace fails synth', () => {
      const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
      new MeshService(ns, 'details', { port: 9080, image: 'details:1', namespace: 'elsewhere' });
      expect(() => Testing.synth(ns)).toThrow(/\[bookinfo\/details\/ServiceAccount\/Resource\] metadata\.namespace "elsewhere" is invalid: the ServiceAccount is inside MtlsNamespace bookinfo but not in its namespace "bookinfo".*Fix: drop its explicit namespace/);
    });

    test('an HTTP rule on a selector policy in an ambient namespace fails synth', () => {
      const ns = new MtlsNamespace(Testing.app(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
      const web = new MeshService(ns, 'web', { port: 8080, image: 'web:1' });
      const api = new MeshService(ns, 'api', { port: 9080, image: 'api:1' });
      api.allowFrom(web, { methods: ['GET'], paths: ['/api/*'] });
      expect(() => Testing.synth(ns)).toThrow(/\[shop\/api\/Allow\] rules \(methods, paths\) is invalid: in the ambient namespace "shop" .*ztunnel.*never match.*Fix: give the service a waypoint — `addWaypoint\(\)` on the MtlsNamespace/);
    });

    test('a nested chart without the namespace fails synth', () => {
      const ns = new MtlsNamespace(Testing.app(), 'bookinfo');
      new MeshService(new Chart(ns, 'sub'), 'details', { port: 9080, image: 'details:1' });
      expect(() => Testing.synth(ns)).toThrow(/metadata\.namespace undefined is invalid: the Service is inside MtlsNamespace bookinfo.*Fix: give the chart it is in `namespace: "bookinfo"`/);
    });
  });
});

describe('MeshMtls', () => {
  test('default: STRICT PeerAuthentication in istio-system, no Namespace, no injection, no mesh-wide deny', () => {
    const chart = new Chart(Testing.app(), 'platform');
    const mesh = new MeshMtls(chart, 'mesh');
    const objs = Testing.synth(chart);
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => o.kind)).toEqual(['PeerAuthentication']);
    expect(objs[0].metadata).toEqual({ name: 'default', namespace: 'istio-system' });
    expect(objs[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(mesh.defaultDenyPolicy).toBeUndefined();
  });

  test('custom root namespace, PERMISSIVE, mesh-wide allow-nothing', () => {
    const chart = new Chart(Testing.app(), 'platform');
    new MeshMtls(chart, 'mesh', { rootNamespace: 'istio-config', mtlsMode: MtlsMode.PERMISSIVE, defaultDeny: true });
    const objs = Testing.synth(chart);
    expect(objs.every((o) => o.metadata.namespace === 'istio-config')).toBe(true);
    expect(one(objs, 'PeerAuthentication').spec.mtls.mode).toBe('PERMISSIVE');
    expect(one(objs, 'AuthorizationPolicy').spec).toEqual({});
  });

  describe('bad input', () => {
    test('mTLS mode UNSET', () => {
      expect(() => new MeshMtls(new Chart(Testing.app(), 'p'), 'mesh', { mtlsMode: MtlsMode.UNSET }))
        .toThrow(/\[p\/mesh\] mtlsMode "UNSET" is invalid: .*Fix: use MtlsMode\.STRICT/);
    });

    test('root namespace that is not a DNS label', () => {
      expect(() => new MeshMtls(new Chart(Testing.app(), 'p'), 'mesh', { rootNamespace: 'Istio System' }))
        .toThrow(/\[p\/mesh\] rootNamespace "Istio System" is invalid: it must be a DNS-1123 label/);
    });
  });
});
