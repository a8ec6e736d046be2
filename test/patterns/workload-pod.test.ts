import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IMAGE_USER_WARNING_CONTEXT, MeshServiceProps } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';

function chart(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

function deployments(props: Partial<MeshServiceProps>): any[] {
  const c = chart();
  new MeshService(c, 'cart', { port: 7070, image: 'cart:1', ...props });
  return Testing.synth(c).filter((o) => o.kind === 'Deployment');
}

function build(props: Partial<MeshServiceProps>): () => MeshService {
  return () => new MeshService(chart(), 'cart', { port: 7070, image: 'cart:1', ...props });
}

describe('workload pod options', () => {
  test('pod security context, grace period, container name, command, image pull secrets', () => {
    const [d] = deployments({
      podSecurityContext: { user: 1000, group: 1000, fsGroup: 1000 },
      terminationGracePeriod: Duration.seconds(5),
      containerName: 'server',
      command: ['/bin/server'],
      args: ['--port=7070'],
      imagePullSecrets: ['registry-creds'],
    });
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(pod.terminationGracePeriodSeconds).toBe(5);
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    expect(pod.containers[0]).toMatchObject({ name: 'server', command: ['/bin/server'], args: ['--port=7070'] });
  });

  test('per-version args and command win over the service-wide ones', () => {
    const ds = deployments({
      image: undefined,
      args: ['--all'],
      command: ['/bin/a'],
      versions: [{ version: 'v1', image: 'cart:1' }, { version: 'v2', image: 'cart:2', args: ['--v2'], command: ['/bin/b'] }],
    });
    expect(ds.map((d) => [d.spec.template.spec.containers[0].command, d.spec.template.spec.containers[0].args]))
      .toEqual([[['/bin/a'], ['--all']], [['/bin/b'], ['--v2']]]);
  });

  test('init containers: secure and small by default, in order, before the main container', () => {
    const [d] = deployments({ initContainers: [{ name: 'wait', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1'], env: { A: 'b' } }, { name: 'migrate', image: 'cart:1', args: ['migrate'] }] });
    const inits = d.spec.template.spec.initContainers;
    expect(inits.map((c: any) => c.name)).toEqual(['wait', 'migrate']);
    expect(inits[0]).toMatchObject({
      image: 'busybox:1.36',
      command: ['sh', '-c', 'sleep 1'],
      env: [{ name: 'A', value: 'b' }],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    });
  });

  test('mesh enrolment of the pods: injection, ambient opt-out, proxy resources, holdApplicationUntilProxyStarts', () => {
    const [d] = deployments({
      sidecarInjection: false,
      ambientOptOut: true,
      proxyResources: {
        cpuRequest: kplus.Cpu.millis(50),
        cpuLimit: kplus.Cpu.millis(500),
        memoryRequest: Size.mebibytes(64),
        memoryLimit: Size.mebibytes(256),
      },
      holdApplicationUntilProxyStarts: true,
      podAnnotations: { 'prometheus.io/scrape': 'true' },
    });
    const meta = d.spec.template.metadata;
    expect(meta.labels).toMatchObject({ 'app': 'cart', 'version': 'v1', 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none' });
    expect(meta.annotations).toEqual({
      'sidecar.istio.io/proxyCPU': '50m',
      'sidecar.istio.io/proxyCPULimit': '500m',
      'sidecar.istio.io/proxyMemory': '64Mi',
      'sidecar.istio.io/proxyMemoryLimit': '256Mi',
      'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
      'prometheus.io/scrape': 'true',
    });
    expect(deployments({ sidecarInjection: true })[0].spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
  });

  test('patchDeployment patches the final manifest and keeps numbers; addJsonPatch on the cdk8s-plus Deployment loses them', () => {
    const c = chart();
    const s = new MeshService(c, 'cart', { port: 7070, image: 'cart:1' });
    s.patchDeployment('v1', JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', { tcpSocket: { port: 7070 } }));
    expect(Testing.synth(c).find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].livenessProbe).toEqual({ tcpSocket: { port: 7070 } });
    // why the library's own method exists: cdk8s maps patched props through the binding
    const c2 = chart();
    const s2 = new MeshService(c2, 'cart', { port: 7070, image: 'cart:1' });
    ApiObject.of(s2.deployment('v1')).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', { tcpSocket: { port: 7070 } }));
    expect(() => Testing.synth(c2)).toThrow(/port/);
  });

  describe('bad input', () => {
    test('a container name that is not a DNS label, or taken by an init container', () => {
      expect(build({ containerName: 'Server' })).toThrow(/\[shop\/cart\] containerName "Server" is invalid/);
      expect(build({ containerName: 'server', initContainers: [{ name: 'server', image: 'x:1' }] }))
        .toThrow(/container names "server" is invalid: the value appears more than once.*Fix: give every container of the pod its own name/);
    });

    test('init containers without a name or image, or with a command that is not a list', () => {
      expect(build({ initContainers: [{ image: 'x:1' } as any] })).toThrow(/initContainers\[0\]\.name undefined is invalid: an init container needs a name/);
      expect(build({ initContainers: [{ name: 'i', image: '' }] })).toThrow(/initContainers\[0\]\.image "" is invalid: an init container needs an image/);
      expect(build({ initContainers: [{ name: 'i', image: 'x:1', command: 'sleep 1' as any }] })).toThrow(/initContainers\[0\]\.command "sleep 1" is invalid: the command must be a list of strings/);
    });

    test('a grace period that is not whole seconds; an image pull secret that is not a name; injection and ambient opt-out together', () => {
      expect(build({ terminationGracePeriod: Duration.millis(1500) })).toThrow(/terminationGracePeriod "1500ms" is invalid: Kubernetes counts the grace period in whole seconds/);
      expect(build({ imagePullSecrets: ['Creds_1'] })).toThrow(/imagePullSecrets\[0\] "Creds_1" is invalid/);
      expect(build({ sidecarInjection: true, ambientOptOut: true })).toThrow(/ambientOptOut true is invalid: the pods cannot be injected with a sidecar and opted out of ambient mode at once/);
    });

    test('per-version args or command that are not lists of strings', () => {
      expect(build({ image: undefined, versions: [{ version: 'v1', image: 'a:1', args: '--x' as any }] })).toThrow(/versions\[v1\]\.args "--x" is invalid: the container's args must be a list of strings/);
      expect(build({ command: [1] as any })).toThrow(/command \[1\] is invalid: the container's command must be a list of strings/);
    });
  });

  describe('the warning about images whose user is unknown', () => {
    const saved = process.env.CDK8S_ISTIO_IMAGE_USER_WARNING;
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      delete process.env.CDK8S_ISTIO_IMAGE_USER_WARNING;
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => {
      stderr.mockRestore();
      process.env.CDK8S_ISTIO_IMAGE_USER_WARNING = saved;
    });
    const printed = () => stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('cannot know the image\'s user'));

    test('printed once at synth when non-root is required and no user is set, naming the construct and the fix', () => {
      const c = chart();
      new MeshService(c, 'redis', { port: 6379, image: 'redis:alpine' });
      Testing.synth(c);
      Testing.synth(c);
      expect(printed()).toHaveLength(1);
      expect(printed()[0]).toMatch(/^\[shop\/redis\] Warning: .*redis:alpine.*podSecurityContext: \{ user: 1000, group: 1000 \}.*cdk8s-istio\/image-user-warning: off/);
    });

    test('not printed with a user at pod or container level, with non-root loosened, or when turned off', () => {
      const loosened: Partial<MeshServiceProps>[] = [
        { podSecurityContext: { user: 1000 } }, { securityContext: { user: 999 } }, { securityContext: { ensureNonRoot: false } },
      ];
      for (const props of loosened) {
        const c = chart();
        new MeshService(c, 'redis', { port: 6379, image: 'redis:alpine', ...props });
        Testing.synth(c);
      }
      const app = Testing.app();
      app.node.setContext(IMAGE_USER_WARNING_CONTEXT, 'off');
      const c = new Chart(app, 'shop', { namespace: 'shop' });
      new MeshService(c, 'redis', { port: 6379, image: 'redis:alpine' });
      Testing.synth(c);
      expect(printed()).toEqual([]);
    });
  });
});
