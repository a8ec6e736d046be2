import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MeshServiceProps, Principal, Protocol, ServiceExternalTrafficPolicy, ServiceIpFamily, ServiceIpFamilyPolicy, WorkloadProbe } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

function noNamespace(): Chart {
  return new Chart(Testing.app(), 'bookinfo');
}

/** Namespace objects in their own chart, so that policies naming them refer to something real. */
function namespaces(chart: Chart, ...names: string[]): void {
  const nsChart = new Chart(chart.node.root, `namespaces-${names.join('-')}`);
  for (const name of names) new kplus.Namespace(nsChart, name, { metadata: { name } });
}

const byKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);
const named = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

/** Does `selector` (matchLabels) select a pod carrying `labels`? */
const selects = (selector: { [k: string]: string }, labels: { [k: string]: string }) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('MeshService', () => {
  test('default configuration (snapshot)', () => {
    const chart = bookinfo();
    new MeshService(chart, 'details', { port: 9080, image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3' });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const chart = bookinfo();
    namespaces(chart, 'monitoring');
    const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3' });
    const reviews = new MeshService(chart, 'reviews', {
      serviceName: 'reviews',
      serviceAccountName: 'bookinfo-reviews',
      port: 9080,
      containerPort: 8080,
      protocol: Protocol.HTTP,
      additionalPorts: [{ port: 9090, protocol: Protocol.GRPC, name: 'grpc-api' }, { port: 5000, protocol: Protocol.TCP }],
      versions: [
        { version: 'v1', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' },
        { version: 'v2', image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3', replicas: 2, env: { STAR_COLOR: 'black' } },
      ],
      resources: {
        cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
      securityContext: { readOnlyRootFilesystem: false, user: 1000, group: 1000 },
      healthCheckPath: '/health',
      liveness: WorkloadProbe.fromKplus(kplus.Probe.fromTcpSocket({ port: 8080 })),
    });
    reviews.addVersion({ version: 'v3', image: 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.3' });
    reviews
      .allowFrom(productpage, { methods: ['GET'], paths: ['/reviews/*'], ports: [9080] })
      .allowFromNamespace('monitoring', { ports: [5000] })
      .allowFromIngressGateway({ methods: ['GET', 'HEAD'] })
      .allowFromPrincipal(Principal.serviceAccount('tools', 'debug'), { ports: [9090] });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('the Service port is named after the protocol and carries appProtocol, for every protocol', () => {
    for (const protocol of Object.values(Protocol)) {
      const chart = bookinfo();
      new MeshService(chart, 'svc', { port: 8000, protocol, image: 'img:1' });
      const svc = byKind(Testing.synth(chart), 'Service')[0];
      expect(svc.spec.ports).toEqual([{ name: protocol.toLowerCase(), appProtocol: protocol.toLowerCase(), port: 8000, targetPort: 8000 }]);
    }
  });

  test('additional ports: protocol-prefixed names, appProtocol, container ports', () => {
    const chart = bookinfo();
    const s = new MeshService(chart, 'api', {
      port: 80,
      containerPort: 8080,
      image: 'img:1',
      additionalPorts: [{ port: 9090, protocol: Protocol.GRPC }, { port: 5432, containerPort: 15432, protocol: Protocol.TCP, name: 'tcp-db' }],
    });
    const objs = Testing.synth(chart);
    const svc = byKind(objs, 'Service')[0];
    expect(svc.spec.ports).toEqual([
      { name: 'http', appProtocol: 'http', port: 80, targetPort: 8080 },
      { name: 'grpc-9090', appProtocol: 'grpc', port: 9090, targetPort: 9090 },
      { name: 'tcp-db', appProtocol: 'tcp', port: 5432, targetPort: 15432 },
    ]);
    const container = byKind(objs, 'Deployment')[0].spec.template.spec.containers[0];
    // Every Service port targets a declared container port of the same name.
    for (const p of svc.spec.ports) {
      expect(container.ports).toContainEqual({ containerPort: p.targetPort, name: p.name });
    }
    expect(s.ports.map((p) => p.name)).toEqual(svc.spec.ports.map((p: any) => p.name));
  });

  test('every version is behind the one Service, and each Deployment selects only its own version', () => {
    const chart = bookinfo();
    const reviews = new MeshService(chart, 'reviews', {
      port: 9080,
      versions: [{ version: 'v1', image: 'r:1' }, { version: 'v2', image: 'r:2' }],
    });
    reviews.addVersion({ version: 'v3', image: 'r:3' });
    const objs = Testing.synth(chart);
    const svc = byKind(objs, 'Service')[0];
    const deployments = byKind(objs, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
    expect(reviews.versions).toEqual(['v1', 'v2', 'v3']);
    for (const d of deployments) {
      const podLabels = d.spec.template.metadata.labels;
      const version = d.metadata.name.replace('reviews-', '');
      expect(podLabels).toMatchObject({ app: 'reviews', version });
      expect(selects(svc.spec.selector, podLabels)).toBe(true);
      expect(selects(d.spec.selector.matchLabels, podLabels)).toBe(true);
      for (const other of deployments.filter((o) => o !== d)) {
        expect(selects(d.spec.selector.matchLabels, other.spec.template.metadata.labels)).toBe(false);
      }
      expect(d.spec.template.spec.serviceAccountName).toBe(byKind(objs, 'ServiceAccount')[0].metadata.name);
    }
    // The WorkloadSelector used by Istio policies matches every version's pods.
    for (const d of deployments) expect(selects(reviews.selector.labels, d.spec.template.metadata.labels)).toBe(true);
  });

  test('default containers are secure (non-root, no escalation, read-only fs, dropped capabilities, limits, readiness)', () => {
    const chart = bookinfo();
    new MeshService(chart, 'reviews', { port: 9080, versions: [{ version: 'v1', image: 'r:1' }, { version: 'v2', image: 'r:2' }] });
    const objs = Testing.synth(chart);
    expect(byKind(objs, 'ServiceAccount')[0].automountServiceAccountToken).toBe(false);
    for (const d of byKind(objs, 'Deployment')) {
      const pod = d.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.hostNetwork).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        for (const kind of ['requests', 'limits']) {
          expect(c.resources[kind].cpu).toBeDefined();
          expect(c.resources[kind].memory).toBeDefined();
        }
        expect(c.readinessProbe.tcpSocket.port).toBe(c.ports[0].containerPort);
        // A read-only root filesystem still needs a writable /tmp.
        const tmp = c.volumeMounts.find((m: any) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: any) => v.name === tmp.name).emptyDir).toBeDefined();
      }
    }
  });

  test('the defaults can be overridden explicitly', () => {
    const chart = bookinfo();
    new MeshService(chart, 'legacy', {
      port: 8080,
      image: 'legacy:1',
      securityContext: { readOnlyRootFilesystem: false },
      resources: { cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) } },
      readiness: WorkloadProbe.fromKplus(kplus.Probe.fromHttpGet('/ready', { port: 8080 })),
    });
    const c = byKind(Testing.synth(chart), 'Deployment')[0].spec.template.spec.containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    // Only the overridden field is loosened.
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources.limits.cpu).toBe('2');
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 8080 });
  });

  test('healthCheckPath makes the readiness probe an HTTP GET on the container port', () => {
    const chart = bookinfo();
    new MeshService(chart, 'web', { port: 80, containerPort: 8080, image: 'web:1', healthCheckPath: '/healthz' });
    const c = byKind(Testing.synth(chart), 'Deployment')[0].spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
  });

  test('port names: the main port can be named; any IANA name is accepted since appProtocol states the protocol; container-only ports', () => {
    const chart = bookinfo();
    new MeshService(chart, 'redis-cart', {
      port: 6379,
      protocol: Protocol.TCP,
      portName: 'tcp-redis',
      image: 'redis:alpine',
      additionalPorts: [{ port: 9121, name: 'prom', protocol: Protocol.HTTP }],
      containerPorts: [{ number: 9090, name: 'metrics' }, { number: 9091 }],
    });
    const objs = Testing.synth(chart);
    expect(named(objs, 'Service', 'redis-cart').spec.ports).toEqual([
      { name: 'tcp-redis', port: 6379, targetPort: 6379, appProtocol: 'tcp' },
      { name: 'prom', port: 9121, targetPort: 9121, appProtocol: 'http' },
    ]);
    expect(byKind(objs, 'Deployment')[0].spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 6379, name: 'tcp-redis' },
      { containerPort: 9121, name: 'prom' },
      { containerPort: 9090, name: 'metrics' },
      { containerPort: 9091 },
    ]);
  });

  test('externalTrafficPolicy on the service\'s own LoadBalancer Service, not on its version Services', () => {
    const chart = bookinfo();
    const s = new MeshService(chart, 'frontend', { port: 80, containerPort: 8080, image: 'f:1', serviceType: kplus.ServiceType.LOAD_BALANCER, externalTrafficPolicy: ServiceExternalTrafficPolicy.LOCAL });
    s.addVersionService('v1');
    const objs = Testing.synth(chart);
    expect(named(objs, 'Service', 'frontend').spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(named(objs, 'Service', 'frontend-v1').spec.externalTrafficPolicy).toBeUndefined();
  });

  test('allowing the same caller twice with the same options emits one rule; other options or callers stay distinct rules', () => {
    const chart = bookinfo();
    namespaces(chart, 'monitoring');
    const web = new MeshService(chart, 'web', { port: 8080, image: 'web:1' });
    const api = new MeshService(chart, 'api', { port: 9080, image: 'api:1' });
    const debug = Principal.serviceAccount('bookinfo', 'debug');
    api.allowFrom(web, { methods: ['GET'] }).allowFrom(web, { methods: ['GET'] })
      .allowFrom(web, { methods: ['POST'] })
      .allowFromNamespace('monitoring').allowFromNamespace('monitoring')
      .allowFromIngressGateway().allowFromIngressGateway()
      .allowFromPrincipal(debug).allowFromPrincipal(debug)
      .allowFromPrincipal(Principal.serviceAccount('bookinfo', 'other'));
    const rules = named(Testing.synth(chart), 'AuthorizationPolicy', 'api').spec.rules;
    expect(rules.map((r: any) => JSON.stringify(r))).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/web'] } }], to: [{ operation: { methods: ['GET'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/web'] } }], to: [{ operation: { methods: ['POST'] } }] },
      { from: [{ source: { namespaces: ['monitoring'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/debug'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/other'] } }] },
    ].map((r) => JSON.stringify(r)));
  });

  test('allowFrom names the caller\'s real ServiceAccount identity, in the caller\'s namespace', () => {
    const app = Testing.app();
    const front = new Chart(app, 'front', { namespace: 'frontend' });
    const back = new Chart(app, 'back', { namespace: 'backend' });
    const web = new MeshService(front, 'web', { port: 8080, image: 'web:1', serviceAccountName: 'web-sa' });
    const api = new MeshService(back, 'api', { port: 9080, image: 'api:1' });
    api.allowFrom(web, { methods: ['GET'] });
    const callerSa = byKind(Testing.synth(front), 'ServiceAccount')[0];
    const policy = byKind(Testing.synth(back), 'AuthorizationPolicy')[0];
    expect(policy.metadata).toMatchObject({ name: 'api', namespace: 'backend' });
    expect(policy.spec.selector.matchLabels).toEqual({ app: 'api' });
    expect(policy.spec.action).toBeUndefined(); // ALLOW
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: [`cluster.local/ns/${callerSa.metadata.namespace}/sa/${callerSa.metadata.name}`] } }],
      to: [{ operation: { methods: ['GET'] } }],
    }]);
    // The caller's pods really run as that ServiceAccount.
    const callerPods = byKind(Testing.synth(front), 'Deployment')[0].spec.template.spec;
    expect(callerPods.serviceAccountName).toBe(callerSa.metadata.name);
  });

  test('allowFromNamespace, allowFromIngressGateway and ports add rules to the one ALLOW policy', () => {
    const chart = bookinfo();
    namespaces(chart, 'monitoring');
    const s = new MeshService(chart, 'ratings', { port: 9080, image: 'ratings:1', containerPort: 8080, additionalPorts: [{ port: 9443, containerPort: 8443, protocol: Protocol.TCP }] });
    expect(s.authorizationPolicy).toBeUndefined();
    s.allowFromNamespace('monitoring', { ports: [9443] }).allowFromIngressGateway({ paths: ['/ratings/*'] });
    const policies = byKind(Testing.synth(chart), 'AuthorizationPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0].spec.rules).toEqual([
      // Service port 9443 is container port 8443: Istio matches workload ports.
      { from: [{ source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['8443'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }], to: [{ operation: { paths: ['/ratings/*'] } }] },
    ]);
    expect(s.authorizationPolicy).toBeDefined();
  });

  test('no AuthorizationPolicy of its own until a caller is allowed', () => {
    const chart = bookinfo();
    new MeshService(chart, 'details', { port: 9080, image: 'details:1' });
    expect(byKind(Testing.synth(chart), 'AuthorizationPolicy')).toHaveLength(0);
  });

  test('getters: host, principal, namespace, deployment()', () => {
    const chart = bookinfo();
    const s = new MeshService(chart, 'details', { port: 9080, image: 'details:1', serviceAccountName: 'bookinfo-details' });
    expect(s.namespace).toBe('bookinfo');
    expect(s.host).toBe('details.bookinfo.svc.cluster.local');
    expect(s.principal._render(s, 'principal')).toBe('cluster.local/ns/bookinfo/sa/bookinfo-details');
    expect(s.deployment('v1')).toBeInstanceOf(kplus.Deployment);
    const noNs = new MeshService(noNamespace(), 'x', { port: 80, image: 'x:1' });
    expect(noNs.host).toBe('x');
    expect(noNs.namespace).toBeUndefined();
  });

  test('an explicit namespace wins over the chart\'s', () => {
    const chart = bookinfo();
    namespaces(chart, 'bookinfo');
    new MeshService(chart, 'details', { port: 9080, image: 'details:1', namespace: 'other' }).allowFromNamespace('bookinfo');
    for (const o of Testing.synth(chart)) expect(o.metadata.namespace).toBe('other');
  });

  describe('bad input', () => {
    test('allowFrom a service in no namespace', () => {
      const app = Testing.app();
      const caller = new MeshService(new Chart(app, 'nons'), 'web', { port: 80, image: 'web:1' });
      const api = new MeshService(new Chart(app, 'api', { namespace: 'api' }), 'api', { port: 80, image: 'api:1' });
      expect(() => api.allowFrom(caller)).toThrow(/\[api\/api\] allowFrom caller nons\/web "web" is invalid: the caller has no namespace.*Fix: give the calling workload a `namespace`/);
    });

    test('allowing callers of a service in no namespace', () => {
      const s = new MeshService(noNamespace(), 'api', { port: 80, image: 'api:1' });
      expect(() => s.allowFromIngressGateway()).toThrow(/\[bookinfo\/api\] namespace undefined is invalid: .*has none\. Fix: give the MeshService a `namespace`/);
    });

    test('duplicate versions', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', {
        port: 9080, versions: [{ version: 'v1', image: 'a:1' }, { version: 'v1', image: 'a:2' }],
      })).toThrow(/\[bookinfo\/reviews\] versions\[\]\.version "v1" is invalid: the value appears more than once\. Fix: give each version a distinct label value/);
    });

    test('adding a version that exists', () => {
      const s = new MeshService(bookinfo(), 'reviews', { port: 9080, image: 'a:1' });
      expect(() => s.addVersion({ version: 'v1', image: 'a:2' })).toThrow(/\[bookinfo\/reviews\] version "v1" is invalid: the service already has this version\. Fix: give each version/);
    });

    test('bad version label', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, versions: [{ version: 'V1.0', image: 'a:1' }] }))
        .toThrow(/\[bookinfo\/reviews\] version "V1\.0" is invalid: it must be a DNS-1123 label.*Fix: use a name such as/);
    });

    test('a version without an image', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, versions: [{ version: 'v1', image: '' }] }))
        .toThrow(/\[bookinfo\/reviews\] versions\[v1\]\.image "" is invalid: a version needs a container image\. Fix: give an image/);
    });

    test('an image with whitespace', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, image: 'reviews v1' }))
        .toThrow(/versions\[v1\]\.image "reviews v1" is invalid: .*whitespace\. Fix:/);
    });

    test('neither image nor versions', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080 }))
        .toThrow(/\[bookinfo\/reviews\] versions undefined is invalid: a mesh service needs at least one version to run\. Fix: give `image:/);
    });

    test('both image and versions', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, image: 'a:1', versions: [{ version: 'v2', image: 'a:2' }] }))
        .toThrow(/versions and image .*"image":"a:1".* is invalid: these fields are mutually exclusive\. Fix:/);
    });

    test('empty versions', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, versions: [] }))
        .toThrow(/\[bookinfo\/reviews\] versions \[\] is invalid: the list must not be empty\. Fix: list at least one version/);
    });

    test('negative replicas', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 9080, versions: [{ version: 'v1', image: 'a:1', replicas: -1 }] }))
        .toThrow(/versions\[v1\]\.replicas -1 is invalid: it must be an integer of at least 0\. Fix:/);
    });

    test('port out of range', () => {
      expect(() => new MeshService(bookinfo(), 'reviews', { port: 0, image: 'a:1' }))
        .toThrow(/\[bookinfo\/reviews\] port 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('service name that is not a DNS label', () => {
      expect(() => new MeshService(bookinfo(), 'Reviews', { port: 9080, image: 'a:1' }))
        .toThrow(/\[bookinfo\/Reviews\] serviceName "Reviews" is invalid: a Service name must be a DNS-1035 label/);
    });

    test('unknown protocol', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', protocol: 'QUIC' as Protocol }))
        .toThrow(/\[bookinfo\/r\] protocol "QUIC" is invalid: unknown protocol\. Fix: use one of Protocol\.HTTP/);
    });

    test('methods on a TCP-only service', () => {
      const db = new MeshService(bookinfo(), 'db', { port: 5432, protocol: Protocol.TCP, image: 'pg:16' });
      expect(() => db.allowFromNamespace('api', { methods: ['GET'] }))
        .toThrow(/\[bookinfo\/db\] allow options methods\/paths .*"GET".* is invalid: Istio matches methods and paths only on HTTP.*5432 \(TCP\).*Fix: leave methods and paths out/);
    });

    test('lower-case HTTP method', () => {
      const s = new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1' });
      expect(() => s.allowFromIngressGateway({ methods: ['get'] })).toThrow(/methods\[0\] "get" is invalid: .*upper-case\. Fix: write "GET"/);
    });

    test('allowed port that is not a service port', () => {
      const s = new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1' });
      expect(() => s.allowFromNamespace('ops', { ports: [8080] }))
        .toThrow(/\[bookinfo\/r\] allow options ports 8080 is invalid: it is not a port of the service \(its ports are 9080\)\. Fix:/);
    });

    test('port names that are not IANA service names', () => {
      for (const [field, props] of [
        ['portName', { portName: 'Redis_Port' }],
        ['portName', { portName: 'tcp--redis' }],
        ['portName', { portName: 'a-very-long-port-name' }],
        ['additionalPorts[0].name', { additionalPorts: [{ port: 9090, name: '9090' }] }],
        ['containerPorts[0].name', { containerPorts: [{ number: 9090, name: '-metrics' }] }],
      ] as Array<[string, Partial<MeshServiceProps>]>) {
        expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', ...props }))
          .toThrow(new RegExp(`\\[bookinfo/r\\] ${field.replace(/[[\]]/g, '\\$&')} ".*" is invalid: a port name must be an IANA service name.*Fix: use e\\.g\\. "metrics"`));
      }
    });

    test('a container port that is also a Service port\'s container port, or that the sidecar uses, or a name taken twice', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', containerPorts: [{ number: 9080 }] }))
        .toThrow(/ports \(container ports\) "9080" is invalid: the value appears more than once/);
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', containerPorts: [{ number: 15090, name: 'prom' }] }))
        .toThrow(/\[bookinfo\/r\] containerPorts\[0\]\.number 15090 is invalid: the Istio sidecar listens on this port/);
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', containerPorts: [{ number: 9090, name: 'http' }] }))
        .toThrow(/ports \(names\) "http" is invalid: the value appears more than once/);
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', containerPorts: [{ name: 'metrics' } as any] }))
        .toThrow(/containerPorts\[0\]\.number undefined is invalid: a container port needs its number/);
    });

    test('an external traffic policy on a ClusterIP Service, or unknown', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', externalTrafficPolicy: ServiceExternalTrafficPolicy.LOCAL }))
        .toThrow(/\[bookinfo\/r\] externalTrafficPolicy "Local" is invalid: only NodePort and LoadBalancer Services take traffic from outside the cluster, and this Service is ClusterIP.*Fix: set serviceType/);
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', serviceType: kplus.ServiceType.LOAD_BALANCER, externalTrafficPolicy: 'Everywhere' as ServiceExternalTrafficPolicy }))
        .toThrow(/externalTrafficPolicy "Everywhere" is invalid: unknown external traffic policy/);
    });

    test('two ports with the same number', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 9080, image: 'a:1', additionalPorts: [{ port: 9080, protocol: Protocol.TCP }] }))
        .toThrow(/ports \(port numbers\) "9080" is invalid: the value appears more than once/);
    });

    test('a container port the Istio sidecar uses', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1', additionalPorts: [{ port: 9000, containerPort: 15090, protocol: Protocol.TCP }] }))
        .toThrow(/\[bookinfo\/r\] additionalPorts\[0\]\.containerPort 15090 is invalid: the Istio sidecar listens on this port.*Fix: let the container listen on another port/);
    });

    test('readiness and healthCheckPath together', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1', healthCheckPath: '/h', readiness: WorkloadProbe.fromKplus(kplus.Probe.fromTcpSocket()) }))
        .toThrow(/\[bookinfo\/r\] readiness and healthCheckPath .* is invalid: these fields are mutually exclusive\. Fix:/);
    });

    test('relative health check path', () => {
      expect(() => new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1', healthCheckPath: 'health' }))
        .toThrow(/\[bookinfo\/r\] healthCheckPath "health" is invalid: .*absolute.*Fix: write e\.g\. "\/health"/);
    });

    test('bad namespace in allowFromNamespace', () => {
      const s = new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1' });
      expect(() => s.allowFromNamespace('Team_A')).toThrow(/\[bookinfo\/r\] allowFromNamespace namespace "Team_A" is invalid: it must be a DNS-1123 label/);
    });

    test('asking for a version the service does not have', () => {
      const s = new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1' });
      expect(() => s.deployment('v9')).toThrow(/\[bookinfo\/r\] version "v9" is invalid: the service has no such version \(it has v1\)\. Fix:/);
    });
  });
});

describe('MeshService: options that reproduce Istio\'s Bookinfo manifests', () => {
  const pod = (objs: any[], name: string) => named(objs, 'Deployment', name).spec.template;

  test('imagePullPolicy, args, service-wide env and pod annotations, with per-version overrides', () => {
    const chart = bookinfo();
    new MeshService(chart, 'reviews', {
      port: 9080,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: ['--verbose'],
      env: { LOG_DIR: '/tmp/logs', STAR_COLOR: 'black' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080' },
      versions: [
        { version: 'v1', image: 'reviews-v1:1' },
        { version: 'v2', image: 'reviews-v2:1', env: { STAR_COLOR: 'red', EXTRA: 'x' }, podAnnotations: { 'prometheus.io/port': '9090', 'team': 'books' } },
      ],
    });
    const objs = Testing.synth(chart);
    const v1 = pod(objs, 'reviews-v1');
    const v2 = pod(objs, 'reviews-v2');
    expect(v1.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(v1.spec.containers[0].args).toEqual(['--verbose']);
    expect(v1.spec.containers[0].env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'STAR_COLOR', value: 'black' }]);
    expect(v2.spec.containers[0].env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'STAR_COLOR', value: 'red' }, { name: 'EXTRA', value: 'x' }]);
    expect(v1.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080' });
    expect(v2.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'team': 'books' });
  });

  test('without the new options the output is unchanged: Always, no args, no annotations', () => {
    const chart = bookinfo();
    new MeshService(chart, 'details', { port: 9080, image: 'details:1' });
    const t = pod(Testing.synth(chart), 'details-v1');
    expect(t.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(t.spec.containers[0].args).toBeUndefined();
    expect(t.spec.containers[0].env).toBeUndefined();
    expect(t.metadata.annotations).toBeUndefined();
  });

  test('further volumes are mounted after /tmp in every version', () => {
    const chart = bookinfo();
    const config = new kplus.ConfigMap(chart, 'config', { metadata: { name: 'reviews-config' }, data: { a: 'b' } });
    new MeshService(chart, 'reviews', {
      port: 9080,
      volumes: [
        { volume: kplus.Volume.fromEmptyDir(chart, 'wlp', 'wlp-output'), path: '/opt/ibm/wlp/output' },
        { volume: kplus.Volume.fromConfigMap(chart, 'cfg', config, { name: 'config' }), path: '/etc/reviews', readOnly: true },
      ],
      versions: [{ version: 'v1', image: 'r:1' }, { version: 'v2', image: 'r:2' }],
    });
    const objs = Testing.synth(chart);
    for (const name of ['reviews-v1', 'reviews-v2']) {
      const t = pod(objs, name);
      expect(t.spec.containers[0].volumeMounts).toEqual([
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' },
        { name: 'config', mountPath: '/etc/reviews', readOnly: true },
      ]);
      expect(t.spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'wlp-output', 'config']);
      expect(t.spec.volumes[1]).toEqual({ name: 'wlp-output', emptyDir: {} });
      expect(t.spec.volumes[2].configMap.name).toBe('reviews-config');
    }
  });

  test('a version can run under another, existing ServiceAccount', () => {
    const chart = bookinfo();
    const ratings = new MeshService(chart, 'ratings', { port: 9080, serviceAccountName: 'bookinfo-ratings', image: 'ratings:1' });
    ratings.addVersion({ version: 'v2', image: 'ratings:2', serviceAccountName: 'default' });
    const objs = Testing.synth(chart);
    expect(pod(objs, 'ratings-v1').spec.serviceAccountName).toBe('bookinfo-ratings');
    expect(pod(objs, 'ratings-v2').spec.serviceAccountName).toBe('default');
    expect(pod(objs, 'ratings-v2').spec.automountServiceAccountToken).toBe(false);
    // No ServiceAccount object is created for it; the service's own identity is unchanged.
    expect(byKind(objs, 'ServiceAccount').map((sa) => sa.metadata.name)).toEqual(['bookinfo-ratings']);
    expect(ratings.principal._render(ratings, 'principal')).toBe('cluster.local/ns/bookinfo/sa/bookinfo-ratings');
  });

  test('addVersionService: a label-less Service per version, selecting app + version, with every port', () => {
    const chart = bookinfo();
    const reviews = new MeshService(chart, 'reviews', {
      port: 9080,
      additionalPorts: [{ port: 9090, protocol: Protocol.GRPC }],
      versions: [{ version: 'v1', image: 'r:1' }, { version: 'v2', image: 'r:2' }],
    });
    const v2 = reviews.addVersionService('v2');
    const objs = Testing.synth(chart);
    const svc = named(objs, 'Service', 'reviews-v2');
    expect(v2.name).toBe('reviews-v2');
    expect(svc.metadata).toEqual({ name: 'reviews-v2', namespace: 'bookinfo' });
    expect(svc.spec.selector).toEqual({ app: 'reviews', version: 'v2' });
    expect(svc.spec.ports).toEqual([
      { name: 'http', appProtocol: 'http', port: 9080, targetPort: 9080 },
      { name: 'grpc-9090', appProtocol: 'grpc', port: 9090, targetPort: 9090 },
    ]);
    expect(selects(svc.spec.selector, pod(objs, 'reviews-v2').metadata.labels)).toBe(true);
    expect(selects(svc.spec.selector, pod(objs, 'reviews-v1').metadata.labels)).toBe(false);
    expect(named(objs, 'Service', 'reviews-v1')).toBeUndefined();
    // The main Service is unchanged.
    expect(named(objs, 'Service', 'reviews').spec.selector).toEqual({ app: 'reviews' });
  });

  test('serviceType applies to the main Service; IP families to every Service of the service', () => {
    const chart = bookinfo();
    const s = new MeshService(chart, 'productpage', {
      port: 9080,
      image: 'p:1',
      serviceType: kplus.ServiceType.NODE_PORT,
      ipFamilyPolicy: ServiceIpFamilyPolicy.REQUIRE_DUAL_STACK,
      ipFamilies: [ServiceIpFamily.IPV6, ServiceIpFamily.IPV4],
    });
    s.addVersionService('v1');
    const objs = Testing.synth(chart);
    const main = named(objs, 'Service', 'productpage');
    const v1 = named(objs, 'Service', 'productpage-v1');
    expect(main.spec.type).toBe('NodePort');
    expect(v1.spec.type).toBe('ClusterIP');
    for (const svc of [main, v1]) {
      expect(svc.spec.ipFamilyPolicy).toBe('RequireDualStack');
      expect(svc.spec.ipFamilies).toEqual(['IPv6', 'IPv4']);
    }
    const plain = bookinfo();
    new MeshService(plain, 'details', { port: 9080, image: 'd:1' });
    const svc = named(Testing.synth(plain), 'Service', 'details');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ipFamilyPolicy).toBeUndefined();
    expect(svc.spec.ipFamilies).toBeUndefined();
  });

  describe('validation', () => {
    test('IP families: one or two, distinct, known, two only with a dual-stack policy', () => {
      const make = (props: Partial<MeshServiceProps>) => () => new MeshService(bookinfo(), 's', { port: 80, image: 'a:1', ...props });
      expect(make({ ipFamilies: [] })).toThrow(/\[bookinfo\/s\] ipFamilies \[\] is invalid: a Service has one or two IP families/);
      expect(make({ ipFamilies: [ServiceIpFamily.IPV4, ServiceIpFamily.IPV4], ipFamilyPolicy: ServiceIpFamilyPolicy.PREFER_DUAL_STACK }))
        .toThrow(/ipFamilies "IPv4" is invalid: the value appears more than once/);
      expect(make({ ipFamilies: ['IPv5' as ServiceIpFamily] })).toThrow(/ipFamilies\[0\] "IPv5" is invalid: unknown IP family/);
      expect(make({ ipFamilies: [ServiceIpFamily.IPV4, ServiceIpFamily.IPV6] }))
        .toThrow(/ipFamilies .* is invalid: two IP families need a dual-stack ipFamilyPolicy\. Fix: set ipFamilyPolicy to/);
      expect(make({ ipFamilyPolicy: 'DualStack' as ServiceIpFamilyPolicy })).toThrow(/ipFamilyPolicy "DualStack" is invalid: unknown IP family policy\. Fix: use one of ServiceIpFamilyPolicy\.SINGLE_STACK/);
      expect(make({ ipFamilies: [ServiceIpFamily.IPV6], ipFamilyPolicy: ServiceIpFamilyPolicy.SINGLE_STACK })).not.toThrow();
    });

    const vol = (chart: Chart, name: string) => kplus.Volume.fromEmptyDir(chart, `v-${name}-${Math.random()}`, name);

    test('addVersionService for an unknown version, or twice', () => {
      const s = new MeshService(bookinfo(), 'r', { port: 80, image: 'a:1' });
      expect(() => s.addVersionService('v2')).toThrow(/\[bookinfo\/r\] version "v2" is invalid: the service has no such version \(it has v1\)/);
      s.addVersionService('v1');
      expect(() => s.addVersionService('v1')).toThrow(/\[bookinfo\/r\] addVersionService version "v1" is invalid: the version already has its Service\. Fix:/);
    });

    test('a volume named tmp, or mounted at /tmp', () => {
      const chart = bookinfo();
      expect(() => new MeshService(chart, 'a', { port: 80, image: 'a:1', volumes: [{ volume: vol(chart, 'tmp'), path: '/scratch' }] }))
        .toThrow(/\[bookinfo\/a\] volumes\[0\]\.volume "tmp" is invalid: the service already has a volume named "tmp".*Fix: give the volume another name/);
      expect(() => new MeshService(chart, 'b', { port: 80, image: 'a:1', volumes: [{ volume: vol(chart, 'scratch'), path: '/tmp/' }] }))
        .toThrow(/\[bookinfo\/b\] volumes\[0\]\.path "\/tmp\/" is invalid: the service already mounts a writable emptyDir at \/tmp/);
    });

    test('a relative mount path, duplicates, not a Volume', () => {
      const chart = bookinfo();
      expect(() => new MeshService(chart, 'a', { port: 80, image: 'a:1', volumes: [{ volume: vol(chart, 'data'), path: 'data' }] }))
        .toThrow(/\[bookinfo\/a\] volumes\[0\]\.path "data" is invalid: a mount path must be an absolute path/);
      expect(() => new MeshService(chart, 'b', { port: 80, image: 'a:1', volumes: [{ volume: vol(chart, 'data'), path: '/d1' }, { volume: vol(chart, 'data'), path: '/d2' }] }))
        .toThrow(/\[bookinfo\/b\] volumes\[\]\.volume\.name "data" is invalid: the value appears more than once/);
      expect(() => new MeshService(chart, 'c', { port: 80, image: 'a:1', volumes: [{ volume: vol(chart, 'x'), path: '/d' }, { volume: vol(chart, 'y'), path: '/d/' }] }))
        .toThrow(/\[bookinfo\/c\] volumes\[\]\.path "\/d" is invalid: the value appears more than once\. Fix: mount each volume at its own path/);
      expect(() => new MeshService(chart, 'd', { port: 80, image: 'a:1', volumes: [{ volume: { name: 'x' } as any, path: '/d' }] }))
        .toThrow(/\[bookinfo\/d\] volumes\[0\]\.volume .* is invalid: each entry needs a cdk8s-plus Volume/);
    });

    test('args that are not strings; a version service account that is not a DNS subdomain', () => {
      expect(() => new MeshService(bookinfo(), 'a', { port: 80, image: 'a:1', args: [1 as any] }))
        .toThrow(/\[bookinfo\/a\] args \[1\] is invalid: the container's args must be a list of strings/);
      const s = new MeshService(bookinfo(), 'b', { port: 80, image: 'a:1' });
      expect(() => s.addVersion({ version: 'v2', image: 'a:2', serviceAccountName: 'Not_Valid' }))
        .toThrow(/\[bookinfo\/b\] versions\[v2\]\.serviceAccountName "Not_Valid" is invalid: it must be a DNS-1123 subdomain/);
    });
  });
});
