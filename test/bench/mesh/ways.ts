// The benchmark mesh (issue #14) written four ways, each run in its own process by
// ../mesh.bench.ts: N services in namespaces of 50 (per namespace: Namespace, STRICT
// PeerAuthentication, allow-nothing; per service: ServiceAccount, Service, Deployments v1 and
// v2, a DestinationRule with subsets, outlier detection and ISTIO_MUTUAL, a VirtualService with
// a header override, a 90/10 split, retries and a timeout, and an ALLOW policy from its
// neighbour).
//
//   library     MtlsNamespace + CanaryService + allowFrom (synth-time analysis and validation on or off)
//   cdk8s-plus  the same intent by hand: cdk8s-plus-28 workloads and Services + ApiObjects
//   raw         the library's manifests as raw cdk8s ApiObjects
//   yaml        the library's manifests as plain objects through the `yaml` package (the floor)
//   analysis    the library's manifests through the analyzers and the schema validation alone
//
// Child usage: node ways.js <way> <services> <analysis on|off> [manifests.json]
// `node ways.js same <services>` fails unless the library and the hand-written way emit the same manifests;
// prints {"ms":..,"rssMb":..,"bytes":..}; `node ways.js dump <services> <file>` writes the manifests.
import * as fs from 'fs';
import { ApiObject, ApiObjectProps, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import type * as Library from '../../../src';

/**
 * The library, loaded by the ways that use it only: a hand-written way's process must not hold
 * the library's modules (their code and data would count in its peak RSS).
 */
function lib(): typeof Library {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../../src');
}

const PER_NAMESPACE = 50;
const where = (i: number) => ({ name: `svc-${i}`, namespace: `team-${Math.floor(i / PER_NAMESPACE)}` });
const principal = (i: number, n: number) => {
  const w = where((i + n - 1) % n);
  return `cluster.local/ns/${w.namespace}/sa/${w.name}`;
};

function library(app: App, n: number): void {
  const { CanaryService, CircuitBreaker, MtlsNamespace, RequestMatch, RetryPolicy, StringMatch } = lib();
  const namespaces = new Map<string, Library.MtlsNamespace>();
  const services: Library.CanaryService[] = [];
  for (let i = 0; i < n; i++) {
    const { name, namespace } = where(i);
    let ns = namespaces.get(namespace);
    if (ns === undefined) {
      ns = new MtlsNamespace(app, namespace);
      namespaces.set(namespace, ns);
    }
    services.push(new CanaryService(ns, name, {
      port: 9080,
      stable: { version: 'v1', image: `example/${name}:1` },
      canary: { version: 'v2', image: `example/${name}:2` },
      canaryWeight: 10,
      canaryFor: [RequestMatch.header('end-user', StringMatch.exact('jason'))],
      retries: RetryPolicy.standard({ attempts: 3, perTryTimeout: Duration.seconds(2) }),
      timeout: Duration.seconds(10),
      circuitBreaker: CircuitBreaker.standard(),
      requireMutualTls: true,
      // the user the image runs as, as a user states it (else the library warns once per workload)
      podSecurityContext: { user: 1000, group: 1000 },
    }));
  }
  for (let i = 0; i < n; i++) services[i].service.allowFrom(services[(i + n - 1) % n].service, { methods: ['GET'] });
}

function cdk8sPlus(app: App, n: number): void {
  const charts = new Map<string, Chart>();
  const restricted = { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } };
  const retries = { attempts: 3, perTryTimeout: '2s', retryOn: 'connect-failure,refused-stream,reset-before-request,unavailable' };
  for (let i = 0; i < n; i++) {
    const { name, namespace } = where(i);
    const host = `${name}.${namespace}.svc.cluster.local`;
    let chart = charts.get(namespace);
    if (chart === undefined) {
      chart = new Chart(app, namespace, { namespace });
      charts.set(namespace, chart);
      // a Namespace is cluster-scoped: not in the chart's namespace
      new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } }, spec: {} })
        .addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      new ApiObject(chart, 'pa', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } });
      new ApiObject(chart, 'deny', { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing' }, spec: {} });
    }
    const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, labels: { account: name } }, automountToken: false });
    const service = new kplus.Service(chart, `${name}-svc`, { metadata: { name, labels: { app: name, service: name } }, ports: [{ port: 9080, targetPort: 9080, name: 'http' }] });
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'http'));
    service.selectLabel('app', name);
    for (const version of ['v1', 'v2']) {
      const labels = { app: name, version };
      const deployment = new kplus.Deployment(chart, `${name}-${version}`, {
        metadata: { name: `${name}-${version}`, labels },
        replicas: 1,
        select: false,
        podMetadata: { labels },
        serviceAccount: sa,
        securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },
        containers: [{
          name,
          image: `example/${name}:${version.slice(1)}`,
          ports: [{ number: 9080, name: 'http' }],
          readiness: kplus.Probe.fromTcpSocket({ port: 9080 }),
          resources: {
            cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
            memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
          },
          // Pod Security "restricted", by hand
          securityContext: { ensureNonRoot: true, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, ...restricted },
          volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, `${name}-${version}-tmp`, 'tmp') }],
        }],
      });
      deployment.select(kplus.LabelSelector.of({ labels }));
    }
    new ApiObject(chart, `${name}-ap`, {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name },
      spec: { rules: [{ from: [{ source: { principals: [principal(i, n)] } }], to: [{ operation: { methods: ['GET'] } }] }], selector: { matchLabels: { app: name } } },
    });
    new ApiObject(chart, `${name}-dr`, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name },
      spec: {
        host,
        subsets: [{ labels: { version: 'v1' }, name: 'v1' }, { labels: { version: 'v2' }, name: 'v2' }],
        trafficPolicy: {
          connectionPool: { http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 }, tcp: { maxConnections: 1024 } },
          outlierDetection: { baseEjectionTime: '30s', consecutive5xxErrors: 5, interval: '10s', maxEjectionPercent: 50 },
          tls: { mode: 'ISTIO_MUTUAL' },
        },
      },
    });
    new ApiObject(chart, `${name}-vs`, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name },
      spec: {
        hosts: [host],
        http: [
          { match: [{ headers: { 'end-user': { exact: 'jason' } } }], name: 'override', retries, route: [{ destination: { host, subset: 'v2' } }], timeout: '10s' },
          { name: 'default', retries, route: [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v2' }, weight: 10 }], timeout: '10s' },
        ],
      },
    });
  }
}

function manifests(n: number): object[] {
  const app = new App();
  app.node.setContext('cdk8s-istio/analysis', 'off');
  library(app, n);
  return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
}

function measure(build: () => string): void {
  const start = process.hrtime.bigint();
  const yaml = build();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, bytes: Buffer.byteLength(yaml) }));
}

if (require.main === module) {
  const [way, size, analysis, file] = process.argv.slice(2);
  const n = Number(size);
  if (way === 'dump') {
    fs.writeFileSync(analysis, JSON.stringify(manifests(n)));
  } else if (way === 'same') {
    // the hand-written way must say what the library says: the same manifests, but for the
    // construct-path label cdk8s-plus puts on pods (paths differ)
    const yamlOf = (build: typeof library) => {
      const app = new App(); // analysis on: the library's YAML is then written by two threads
      build(app, n);
      return app.synthYaml().replace(/^ *cdk8s\.io\/metadata\.addr: .*\n/gm, '');
    };
    const [a, b] = [yamlOf(library), yamlOf(cdk8sPlus)];
    if (a !== b) throw new Error(`the hand-written cdk8s-plus mesh differs from the library's (${a.length} vs ${b.length} bytes): make them say the same`);
    console.log(JSON.stringify({ same: true, bytes: a.length }));
  } else if (way === 'library' || way === 'cdk8s-plus') {
    if (way === 'library') lib(); // loaded before the clock starts, as the user's app loads it
    measure(() => {
      const app = new App();
      app.node.setContext('cdk8s-istio/analysis', analysis === 'off' ? 'off' : 'error');
      if (analysis === 'off') app.node.setContext('cdk8s-istio/schema-validation', 'off');
      (way === 'library' ? library : cdk8sPlus)(app, n);
      return app.synthYaml();
    });
  } else {
    const objects = JSON.parse(fs.readFileSync(file, 'utf8')) as ApiObjectProps[];
    const analyzer = way === 'analysis' ? lib().MeshAnalyzer : undefined;
    measure(() => {
      if (way === 'yaml') return objects.map((o) => YAML.stringify(o)).join('---\n');
      if (analyzer) {
        // the library's manifests through every analyzer and the schema validation, with the
        // assumptions synth-time analysis makes (workload pod templates stand for pods, ...)
        const options = { workloadPods: true, externalSecrets: true, impliedNamespaces: true, schemaValidation: true };
        return JSON.stringify(analyzer._run(objects as unknown as { [key: string]: unknown }[], options).diagnostics);
      }
      const app = new App();
      const chart = new Chart(app, 'mesh');
      objects.forEach((o, j) => new ApiObject(chart, `o${j}`, o));
      return app.synthYaml();
    });
  }
}
