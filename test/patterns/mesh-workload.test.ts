import { Chart, Testing } from 'cdk8s';
import { EgressLockdown, MeshService, MeshWorkload, MeshWorkloadProps, WorkloadProbe } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

const byKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

describe('MeshWorkload', () => {
  test('default configuration (snapshot)', () => {
    const chart = shop();
    new MeshWorkload(chart, 'loadgenerator', { image: 'loadgenerator:v0.10.6', env: { FRONTEND_ADDR: 'frontend:80' }, podSecurityContext: { user: 1000, group: 1000 } });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('a Service-less workload: ServiceAccount and one locked-down Deployment, no Service, no default probe', () => {
    const chart = shop();
    const w = new MeshWorkload(chart, 'loadgenerator', { image: 'loadgenerator:v0.10.6', env: { FRONTEND_ADDR: 'frontend:80', USERS: '10' } });
    const out = Testing.synth(chart);
    expect(out.map((o) => o.kind).sort()).toEqual(['Deployment', 'ServiceAccount']);
    const [sa] = byKind(out, 'ServiceAccount');
    expect(sa).toMatchObject({ metadata: { name: 'loadgenerator', namespace: 'shop' }, automountServiceAccountToken: false });
    const [d] = byKind(out, 'Deployment');
    expect(d.metadata).toMatchObject({ name: 'loadgenerator', namespace: 'shop', labels: { app: 'loadgenerator' } });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector.matchLabels).toEqual({ app: 'loadgenerator' });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('loadgenerator');
    expect(pod.containers[0]).toMatchObject({ name: 'loadgenerator', image: 'loadgenerator:v0.10.6', securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } });
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].ports).toBeUndefined();
    expect(w.principal._render(w, 'p')).toBe('cluster.local/ns/shop/sa/loadgenerator');
    expect(w.selector.labels).toEqual({ app: 'loadgenerator' });
  });

  test('services allow it with allowFrom, and an EgressLockdown locks it down', () => {
    const chart = shop();
    const frontend = new MeshService(chart, 'frontend', { port: 80, containerPort: 8080, image: 'frontend:1' });
    const loadgen = new MeshWorkload(chart, 'loadgenerator', { image: 'lg:1', workloadName: 'loadgen', serviceAccountName: 'loadgen-sa' });
    frontend.allowFrom(loadgen, { methods: ['GET', 'POST'] });
    new EgressLockdown(chart, 'lg-egress', { workload: loadgen, blockAllExternal: true });
    const out = Testing.synth(chart);
    const policy = byKind(out, 'AuthorizationPolicy').find((p) => p.metadata.name === 'frontend');
    expect(policy.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/loadgen-sa'] } }], to: [{ operation: { methods: ['GET', 'POST'] } }] }]);
    const sidecar = byKind(out, 'Sidecar')[0];
    expect(sidecar.metadata.name).toBe('loadgen-egress');
    expect(sidecar.spec.workloadSelector.labels).toEqual({ app: 'loadgen' });
  });

  test('container ports, probes and pod options like a MeshService', () => {
    const chart = shop();
    new MeshWorkload(chart, 'worker', {
      image: 'worker:1',
      replicas: 3,
      containerPorts: [{ number: 9090, name: 'metrics' }],
      liveness: WorkloadProbe.httpGet('/healthz', { port: 9090 }),
      podSecurityContext: { user: 1000 },
      command: ['/worker'],
    });
    const [d] = byKind(Testing.synth(chart), 'Deployment');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      ports: [{ containerPort: 9090, name: 'metrics' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 9090 } },
      command: ['/worker'],
    });
  });

  describe('bad input', () => {
    const build = (props: Partial<MeshWorkloadProps>, chart = shop()) => () => new MeshWorkload(chart, 'w', { image: 'w:1', ...props } as MeshWorkloadProps);

    test('no image, an image with spaces, a bad name', () => {
      expect(build({ image: undefined })).toThrow(/\[shop\/w\] image undefined is invalid: a MeshWorkload needs `image`/);
      expect(build({ image: 'a b' })).toThrow(/\[shop\/w\] image "a b" is invalid: a workload needs a container image reference without whitespace/);
      expect(build({ workloadName: 'Load_Gen' })).toThrow(/\[shop\/w\] workloadName "Load_Gen" is invalid/);
    });

    test('a probe or health check with no port to connect to', () => {
      expect(() => { const c = shop(); new MeshWorkload(c, 'w', { image: 'w:1', readiness: WorkloadProbe.tcp() }); Testing.synth(c); })
        .toThrow(/\[shop\/w\] readiness\.port undefined is invalid: the container listens on no port.*Fix: declare the port in `containerPorts`, or use WorkloadProbe\.exec/);
      expect(build({ healthCheckPath: '/h' })).toThrow(/healthCheckPath "\/h" is invalid: the workload listens on no port/);
    });

    test('duplicate container ports', () => {
      expect(build({ containerPorts: [{ number: 9090 }, { number: 9090 }] })).toThrow(/containerPorts\[\]\.number "9090" is invalid: the value appears more than once/);
    });

    test('allowFrom a caller without a namespace, or something that is not a workload', () => {
      const app = Testing.app();
      const api = new MeshService(new Chart(app, 'shop', { namespace: 'shop' }), 'api', { port: 80, image: 'a:1' });
      const lonely = new MeshWorkload(new Chart(app, 'nons'), 'bot', { image: 'b:1' });
      expect(() => api.allowFrom(lonely)).toThrow(/\[shop\/api\] allowFrom caller nons\/bot "bot" is invalid: the caller has no namespace/);
      expect(() => api.allowFrom({ principal: 'cluster.local/ns/a/sa/b' } as any)).toThrow(/allowFrom caller .* is invalid: the caller must be a mesh workload \(a MeshService or a MeshWorkload\)/);
    });
  });
});
