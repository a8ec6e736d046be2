// What the mesh index reads from manifests: the dataplane mode of each workload (and what it
// means for authorization: ztunnel alone enforces L4 only, a workload outside the mesh
// enforces nothing), the mTLS mode PeerAuthentications give, and Service protocols.
import { AccessLevel } from '../../../src/analysis/authz/authz-types';
import { MeshDataplane, MeshIndex } from '../../../src/analysis/authz/mesh-index';
import { MeshModel } from '../../../src/analysis/authz/mesh-model';
import { assertValidManifests } from '../../support/validator';

type Obj = { [key: string]: any };
const namespace = (name: string, labels: Obj) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, ns: string, port: Obj = { name: 'http', port: 80, targetPort: 'web' }) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [port] } });
const deploy = (name: string, ns: string, labels: Obj = {}, annotations: Obj = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, ...labels }, annotations }, spec: { serviceAccountName: name, containers: [{ name, image: 'x:1', ports: [{ name: 'web', containerPort: 8080 }] }] } } },
});
const pa = (name: string, ns: string, spec: Obj) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec });
const httpOnly = (ns: string) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'get-only', namespace: ns }, spec: { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] } });

describe('dataplane mode', () => {
  const objects = [
    namespace('side', { 'istio-injection': 'enabled' }), namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }), namespace('plain', {}),
    deploy('a', 'side'), deploy('b', 'amb'), deploy('c', 'plain'), deploy('d', 'absent'),
    deploy('e', 'plain', { 'sidecar.istio.io/inject': 'true' }), deploy('f', 'side', { 'sidecar.istio.io/inject': 'false' }),
    deploy('g', 'amb', { 'istio.io/dataplane-mode': 'none' }), deploy('h', 'plain', { 'istio.io/dataplane-mode': 'ambient' }),
    deploy('i', 'side', {}, { 'sidecar.istio.io/inject': 'false' }),
  ];
  beforeAll(() => assertValidManifests(objects));

  test.each([
    { name: 'a', mode: MeshDataplane.SIDECAR, why: 'namespace istio-injection=enabled' },
    { name: 'b', mode: MeshDataplane.AMBIENT, why: 'namespace dataplane-mode ambient' },
    { name: 'c', mode: MeshDataplane.NONE, why: 'a Namespace enrolling in neither mode' },
    { name: 'd', mode: MeshDataplane.SIDECAR, why: 'a namespace not in the manifests: assumed enrolled' },
    { name: 'e', mode: MeshDataplane.SIDECAR, why: 'the pod asks for a sidecar' },
    { name: 'f', mode: MeshDataplane.NONE, why: 'the pod refuses the sidecar (label)' },
    { name: 'g', mode: MeshDataplane.NONE, why: 'the pod opts out of ambient' },
    { name: 'h', mode: MeshDataplane.AMBIENT, why: 'the pod opts into ambient' },
    { name: 'i', mode: MeshDataplane.NONE, why: 'the pod refuses the sidecar (annotation)' },
  ])('$name: $mode ($why)', ({ name, mode }) => {
    expect(new MeshIndex(objects, 'istio-system').workloads.find((w) => w.name === name)?.dataplane).toBe(mode);
  });

  test('ztunnel alone enforces L4: an ALLOW rule with HTTP fields never matches; a sidecar enforces it', () => {
    const objs = (ns: string, labels: Obj) => [namespace(ns, labels), svc('api', ns), deploy('api', ns), httpOnly(ns)];
    const ambient = MeshModel.fromManifests(objs('amb', { 'istio.io/dataplane-mode': 'ambient' }));
    const sidecar = MeshModel.fromManifests(objs('side', { 'istio-injection': 'enabled' }));
    const get = { from: { namespace: 'x', serviceAccount: 'y' }, service: 'api', method: 'GET', path: '/' };
    expect(ambient.canCall({ ...get, namespace: 'amb' }).verdict).toBe('DENY');
    expect(sidecar.canCall({ ...get, namespace: 'side' }).verdict).toBe('ALLOW');
    expect(ambient.access({ namespace: 'x', serviceAccount: 'y' }, 'amb', 'api').level).toBe(AccessLevel.NONE);
    expect(sidecar.access({ namespace: 'x', serviceAccount: 'y' }, 'side', 'api')).toMatchObject({ level: AccessLevel.SOME, allowed: ['GET'] });
  });

  test('outside the mesh nothing enforces policies', () => {
    const mesh = MeshModel.fromManifests([namespace('plain', {}), svc('api', 'plain'), deploy('api', 'plain'), httpOnly('plain')]);
    const d = mesh.canCall({ from: {}, service: 'api', namespace: 'plain', method: 'POST', path: '/' });
    expect(d).toMatchObject({ verdict: 'ALLOW', reason: expect.stringContaining('is not in the mesh: no proxy enforces authorization') });
    expect(mesh.access({}, 'plain', 'api').level).toBe(AccessLevel.ALL);
  });
});

describe('mTLS mode', () => {
  const w = deploy('api', 'shop', { tier: 'back' });
  const modeOf = (...policies: Obj[]) => {
    const index = new MeshIndex([w, ...policies], 'istio-system');
    const workload = index.workloads[0];
    return [index.mtlsMode(workload), index.mtlsMode(workload, 8080)];
  };

  test('PERMISSIVE without any PeerAuthentication (Istio\'s default)', () => {
    expect(modeOf()).toEqual(['PERMISSIVE', 'PERMISSIVE']);
  });

  test('the workload\'s own, then its namespace\'s, then the mesh-wide one; UNSET inherits; port-level first', () => {
    const mesh = pa('default', 'istio-system', { mtls: { mode: 'STRICT' } });
    const ns = pa('default', 'shop', { mtls: { mode: 'PERMISSIVE' } });
    const own = pa('api', 'shop', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } });
    const unset = pa('api', 'shop', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'UNSET' } });
    const other = pa('other', 'shop', { selector: { matchLabels: { app: 'other' } }, mtls: { mode: 'DISABLE' } });
    expect(modeOf(mesh)).toEqual(['STRICT', 'STRICT']);
    expect(modeOf(mesh, ns)).toEqual(['PERMISSIVE', 'PERMISSIVE']);
    expect(modeOf(mesh, ns, own)).toEqual(['STRICT', 'DISABLE']);
    expect(modeOf(mesh, ns, unset)).toEqual(['PERMISSIVE', 'PERMISSIVE']);
    expect(modeOf(mesh, other)).toEqual(['STRICT', 'STRICT']);
    assertValidManifests([mesh, ns, own, unset, other]);
  });
});

describe('Service protocol and ports', () => {
  test('declared L4 ports make a Service TCP; named, declared HTTP or undeclared ports are HTTP (sniffed)', () => {
    const index = new MeshIndex([
      svc('db', 'shop', { name: 'tcp-postgres', port: 5432 }), svc('redis', 'shop', { port: 6379, appProtocol: 'redis' }),
      svc('web', 'shop', { name: 'http-web', port: 80 }), svc('any', 'shop', { port: 9000 }),
    ], 'istio-system');
    expect(index.services.map((s) => [s.name, s.http])).toEqual([['any', true], ['db', false], ['redis', false], ['web', true]]);
  });

  test('a named target port resolves through the container port of that name', () => {
    const index = new MeshIndex([svc('api', 'shop'), deploy('api', 'shop')], 'istio-system');
    const s = index.service('shop', 'api')!;
    expect(s.backends[0].targetPort(s.ports[0])).toBe(8080);
    expect(s.backends[0].targetPort({ port: 80, targetPort: 'missing' })).toBeUndefined();
    expect(s.backends[0].targetPort({ port: 80, targetPort: '9090' })).toBe(9090);
  });
});
