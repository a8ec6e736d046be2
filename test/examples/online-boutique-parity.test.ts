// Parity of examples/online-boutique with Google's official manifests
// (test/fixtures/online-boutique: kubernetes-manifests.yaml and istio-manifests.yaml): every
// official Deployment, Service, ServiceAccount, Gateway, HTTPRoute, VirtualService and
// ServiceEntry is reproduced — same images, env, ports, probes, resources, security context,
// init containers — compared with the Bookinfo comparer (test/bookinfo/normalize.ts), with only
// the documented differences below (README of examples/online-boutique, "Parity").
import * as path from 'path';
import { Testing } from 'cdk8s';
import { OnlineBoutique } from '../../examples/online-boutique/boutique';
import {
  ALLOWED_ADDITIONS, AllowedAddition, PLATFORM_ALLOWED_ADDITIONS, PLATFORM_ALLOWED_ITEMS, PlatformAllowedAddition,
  diffPlatformManifests, loadOfficial, objectKey,
} from '../bookinfo/normalize';

type Obj = { [key: string]: any };
const DIR = path.join(__dirname, '..', 'fixtures', 'online-boutique');
const KINDS = ['Deployment', 'Service', 'ServiceAccount', 'Gateway', 'HTTPRoute', 'VirtualService', 'ServiceEntry'];
const official = () => [...loadOfficial(path.join(DIR, 'kubernetes-manifests.yaml')), ...loadOfficial(path.join(DIR, 'istio-manifests.yaml'))];

/** Our objects of the compared kinds, as they would be applied to the official manifests' namespace. */
function ours(): Obj[] {
  const chart = new OnlineBoutique(Testing.app());
  return Testing.synth(chart).filter((o) => KINDS.includes(o.kind)).map((o) => {
    const copy = JSON.parse(JSON.stringify(o));
    // D1: the official manifests carry no namespace and are applied to `default`, the app's namespace.
    if (copy.metadata.namespace === 'default') delete copy.metadata.namespace;
    return copy;
  });
}

const POD = ['spec', 'template', 'spec'];
const CONTAINERS = [...POD, 'containers', '*'];
const INITS = [...POD, 'initContainers', '*'];

/**
 * What our objects add to the official ones (besides the Bookinfo list, PLATFORM_ALLOWED_ADDITIONS):
 * each only where the official object omits the field, with exactly this value.
 */
const BOUTIQUE_ADDITIONS: PlatformAllowedAddition[] = [
  { group: 'apps', kind: 'Deployment', path: ['metadata', 'labels', 'version'], value: 'v1', accepts: '`v1`', kubernetesDefault: false, reason: 'the version label Istio\'s telemetry and subsets use (MeshService labels every version)' },
  { group: 'apps', kind: 'Deployment', path: ['spec', 'template', 'metadata', 'labels', 'version'], value: 'v1', accepts: '`v1`', kubernetesDefault: false, reason: 'as above, on the pods; selectors of DeploymentNaming.PLAIN do not use it' },
  { group: 'apps', kind: 'Deployment', path: ['spec', 'replicas'], value: 1, accepts: '`1`', kubernetesDefault: true, reason: 'Kubernetes\' default' },
  { group: 'apps', kind: 'Deployment', path: [...POD, 'securityContext', 'fsGroupChangePolicy'], value: 'Always', accepts: '`Always`', kubernetesDefault: true, reason: 'what Kubernetes does when it is omitted' },
  ...[CONTAINERS, INITS].flatMap((c): PlatformAllowedAddition[] => [
    { group: 'apps', kind: 'Deployment', path: [...c, 'securityContext', 'runAsNonRoot'], value: true, accepts: '`true`', kubernetesDefault: false, reason: 'secure default (the pod already requires it)' },
    { group: 'apps', kind: 'Deployment', path: [...c, 'securityContext', 'seccompProfile'], value: { type: 'RuntimeDefault' }, accepts: '`RuntimeDefault`', kubernetesDefault: false, reason: 'secure default (Pod Security "restricted")' },
  ]),
  { group: 'apps', kind: 'Deployment', path: [...INITS, 'imagePullPolicy'], value: 'IfNotPresent', accepts: '`IfNotPresent`', kubernetesDefault: true, reason: 'the workload\'s pull policy; Kubernetes\' default for an image with a tag or digest' },
  { group: 'apps', kind: 'Deployment', path: [...INITS, 'resources'], value: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '10m', memory: '16Mi' } }, accepts: 'the init-container default', kubernetesDefault: false, reason: 'secure default: requests and limits for every container' },
  { group: '', kind: 'Service', path: ['metadata', 'labels', 'service'], check: (v, labels: any) => v === labels.app, accepts: 'the `app` label\'s value', kubernetesDefault: false, reason: 'MeshService labels its Service like Istio\'s samples (`service: <name>`)' },
  { group: '', kind: 'ServiceAccount', path: ['metadata', 'labels'], check: (v: any, meta: any) => v?.account === meta.name && Object.keys(v).length === 1, accepts: '`{account: <name>}`', kubernetesDefault: false, reason: 'MeshService labels its ServiceAccount like Istio\'s samples' },
];

/** What our Istio and Gateway API objects add (besides ServiceEntry `location`, from the Bookinfo list). */
const BOUTIQUE_CRD_ADDITIONS: AllowedAddition[] = [
  ...ALLOWED_ADDITIONS,
  { group: 'networking.istio.io', kind: 'ServiceEntry', path: ['spec', 'exportTo'], value: ['.'], reason: 'EgressLockdown keeps its ServiceEntries visible to its own namespace only' },
  { group: 'networking.istio.io', kind: 'ServiceEntry', path: ['spec', 'resolution'], value: 'NONE', reason: 'written out; NONE is the zero value Istio uses when it is omitted' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', path: ['spec', 'parentRefs', '0', 'sectionName'], value: 'http', reason: 'MeshIngress names the listener it binds to; the Gateway has only that one' },
];

/** The differences that remain, each a documented choice (README of examples/online-boutique). */
const DOCUMENTED_DIFFERENCES = [
  // the productcatalog canary: v2 and its routing are added (v1 is the official Deployment, renamed: see D2)
  'extra object networking.istio.io/VirtualService productcatalogservice',
  // redis-cart runs as `default` officially; every mesh workload here has its own identity
  'extra object core/ServiceAccount redis-cart',
  'extra object apps/Deployment productcatalogservice-v2',
  'apps/Deployment redis-cart: extra field spec.template.spec.serviceAccountName: "redis-cart"',
];

/** D2: the canary's stable Deployment is the official `productcatalogservice`, named per version and selecting `version` too. */
function renameCanary(objects: Obj[]): Obj[] {
  return objects.map((o) => {
    if (o.kind !== 'Deployment' || o.metadata.name !== 'productcatalogservice-v1') return o;
    expect(o.spec.selector.matchLabels).toEqual({ app: 'productcatalogservice', version: 'v1' });
    const copy = JSON.parse(JSON.stringify(o));
    copy.metadata.name = 'productcatalogservice';
    delete copy.spec.selector.matchLabels.version;
    return copy;
  });
}

const compare = (objects: Obj[]) => diffPlatformManifests(official(), objects, {
  allowedAdditions: BOUTIQUE_CRD_ADDITIONS,
  platformAdditions: [...PLATFORM_ALLOWED_ADDITIONS, ...BOUTIQUE_ADDITIONS],
  platformItems: PLATFORM_ALLOWED_ITEMS,
});

describe('Online Boutique parity', () => {
  test('the official manifests hold 35 workload objects and 5 mesh objects', () => {
    const count = (kinds: string[]) => official().filter((o) => kinds.includes(o.kind)).length;
    expect(count(['Deployment', 'Service', 'ServiceAccount'])).toBe(35);
    expect(count(['Gateway', 'HTTPRoute', 'VirtualService', 'ServiceEntry'])).toBe(5);
  });

  test('every official object is reproduced, with only the documented differences', () => {
    expect(compare(renameCanary(ours()))).toEqual(DOCUMENTED_DIFFERENCES);
  });

  test('every official object has a counterpart of ours (none missing)', () => {
    const mine = new Set(renameCanary(ours()).map(objectKey));
    expect(official().map(objectKey).filter((k) => !mine.has(k))).toEqual([]);
  });

  describe('the comparison is strict', () => {
    test('without the Online Boutique additions, every reported line is an extra field at one of their paths', () => {
      const lines = diffPlatformManifests(official(), renameCanary(ours()), { platformAdditions: PLATFORM_ALLOWED_ADDITIONS });
      const extra = lines.filter((l) => !DOCUMENTED_DIFFERENCES.includes(l) && !l.includes('ServiceEntry') && !l.includes('HTTPRoute'));
      expect(extra.length).toBeGreaterThan(50);
      const paths = /extra field (metadata\.labels(\.version|\.service)?|spec\.replicas|spec\.template\.metadata\.labels\.version|spec\.template\.spec\.securityContext\.fsGroupChangePolicy|spec\.template\.spec\.(containers|initContainers)\[0\]\.(securityContext\.runAsNonRoot|securityContext\.seccompProfile|imagePullPolicy|resources)):/;
      expect(extra.filter((l) => !paths.test(l))).toEqual([]);
    });

    test('a changed env value, probe, resource or image is reported', () => {
      const mutate = (f: (objects: Obj[]) => void) => {
        const objects = renameCanary(ours());
        f(objects);
        return compare(objects).filter((l) => !DOCUMENTED_DIFFERENCES.includes(l));
      };
      const dep = (objects: Obj[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec;
      expect(mutate((o) => { dep(o, 'frontend').containers[0].env[1].value = 'productcatalogservice:3551'; })).toEqual([
        'apps/Deployment frontend: changed value at spec.template.spec.containers[0].env[1].value: expected "productcatalogservice:3550", got "productcatalogservice:3551"',
      ]);
      expect(mutate((o) => { dep(o, 'adservice').containers[0].readinessProbe.periodSeconds = 10; })).toHaveLength(1);
      expect(mutate((o) => { dep(o, 'cartservice').containers[0].resources.limits.cpu = '301m'; })).toHaveLength(1);
      expect(mutate((o) => { dep(o, 'loadgenerator').initContainers[0].image = 'busybox:latest'; })).toHaveLength(1);
      expect(mutate((o) => { dep(o, 'redis-cart').containers[0].securityContext.readOnlyRootFilesystem = false; })).toHaveLength(1);
      expect(mutate((o) => { o.splice(o.findIndex((x) => x.kind === 'Service' && x.metadata.name === 'frontend-external'), 1); }))
        .toEqual(['missing object core/Service frontend-external']);
    });

    test('an addition with another value is reported', () => {
      const objects = renameCanary(ours());
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'emailservice')!.spec.replicas = 2;
      expect(compare(objects).filter((l) => !DOCUMENTED_DIFFERENCES.includes(l))).toEqual(['apps/Deployment emailservice: extra field spec.replicas: 2']);
    });
  });
});
