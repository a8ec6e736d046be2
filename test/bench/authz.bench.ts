// Benchmark (a measurement, not a test): the full access matrix of generated meshes of 250 to
// 2,000 Services (each with its own workload, ServiceAccount and ALLOW policy naming three
// callers, over 10 namespaces with STRICT mTLS): every identity against every Service.
// Run: npx projen bench:authz (BENCH_RUNS=5 by default; medians)
import { performance } from 'perf_hooks';
import { MeshModel } from '../../src/analysis/authz/mesh-model';
import { MeshGraph } from '../../src/analysis/graph/mesh-graph';

const NAMESPACES = 10;

/** The manifests of a mesh of `n` Services. */
export function generatedMesh(n: number): object[] {
  const objects: object[] = [];
  for (let ns = 0; ns < NAMESPACES; ns++) {
    const namespace = `team-${ns}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } } });
    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } } });
    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace }, spec: {} });
  }
  const where = (i: number) => ({ name: `svc-${i}`, namespace: `team-${i % NAMESPACES}` });
  for (let i = 0; i < n; i++) {
    const { name, namespace } = where(i);
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, version: 'v1' } }, spec: { serviceAccountName: name, containers: [{ name, image: 'app:1', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
    });
    const callers = [1, 7, 31].map((d) => where((i + d) % n));
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace },
      spec: {
        selector: { matchLabels: { app: name } },
        rules: [{ from: [{ source: { principals: callers.map((c) => `cluster.local/ns/${c.namespace}/sa/${c.name}`) } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
      },
    });
  }
  return objects;
}

function time<T>(f: () => T): [T, number] {
  const start = performance.now();
  const r = f();
  return [r, performance.now() - start];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  console.log(`median of ${runs} runs`);
  console.log('services | identities x services | access matrix (model + every cell) | mesh picture (model, calls, routes, egress) | cells allowed');
  console.log('---|---|---|---|---');
  for (const n of [250, 500, 1000, 2000]) {
    const objects = generatedMesh(n);
    const matrix: number[] = [];
    const graph: number[] = [];
    let allowed = 0;
    for (let r = 0; r < runs; r++) {
      const [cells, ms] = time(() => MeshModel.fromManifests(objects).accessMatrix());
      matrix.push(ms);
      allowed = cells.filter((c) => c.access.level !== 'NONE').length;
      graph.push(time(() => MeshGraph.fromManifests(objects))[1]);
    }
    console.log(`${n} | ${n} x ${n} | ${median(matrix).toFixed(0)} ms | ${median(graph).toFixed(0)} ms | ${allowed}`);
  }
}
