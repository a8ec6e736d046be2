// Benchmark of the mesh analyzer: generates meshes of 2.5k, 5k, 10k and 20k objects and times a
// full analysis (every analyzer istioctl runs by default). Not a unit test.
//
//   npx projen bench:analysis   (or: node -r ts-node/register/transpile-only test/bench/analysis.bench.ts [sizes...])
//
// Each "service unit" is 10 objects: Service, Deployment (v1), Deployment (v2), Pod (v1), Pod (v2),
// DestinationRule (2 subsets), VirtualService (weighted + header route), AuthorizationPolicy,
// ServiceEntry (external dependency) and PeerAuthentication; every 50 units add a Namespace, a
// Gateway with a VirtualService bound to it, a Sidecar and a Telemetry.
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

type Obj = { [key: string]: any };

function generate(target: number): Obj[] {
  const out: Obj[] = [];
  for (let i = 0; out.length < target; i++) {
    const ns = `team-${Math.floor(i / 50)}`;
    const app = `svc-${i}`;
    if (i % 50 === 0) {
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
      out.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: ns },
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${ns}.example.com`] }] },
      });
      out.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'edge', namespace: ns },
        spec: { hosts: [`${ns}.example.com`], gateways: ['gw'], http: [{ route: [{ destination: { host: app, port: { number: 80 } } }] }] },
      });
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: ns }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } });
      out.push({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'default', namespace: ns }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] } });
    }
    const labels = (v: string) => ({ app, version: v });
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    for (const v of ['v1', 'v2']) {
      const podSpec = { containers: [{ name: 'app', image: `${app}:${v}`, ports: [{ containerPort: 8080 }] }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] };
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${app}-${v}`, namespace: ns },
        spec: { selector: { matchLabels: labels(v) }, template: { metadata: { labels: labels(v) }, spec: podSpec } },
      });
      out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${app}-${v}-abc12`, namespace: ns, labels: labels(v) }, spec: podSpec });
    }
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: app, namespace: ns },
      spec: { host: app, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: app, namespace: ns },
      spec: {
        hosts: [app],
        http: [
          { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: app, subset: 'v2' } }] },
          { route: [{ destination: { host: app, subset: 'v1' }, weight: 90 }, { destination: { host: app, subset: 'v2' }, weight: 10 }] },
        ],
      },
    });
    out.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: app, namespace: ns },
      spec: { selector: { matchLabels: { app } }, rules: [{ from: [{ source: { namespaces: [ns] } }] }] },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: `${app}-ext`, namespace: ns },
      spec: { hosts: [`${app}.api.example.org`], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    });
    out.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: app, namespace: ns }, spec: { selector: { matchLabels: { app } }, mtls: { mode: 'STRICT' } } });
  }
  return out.slice(0, target);
}

function time(objects: Obj[], runs: number): { best: number; median: number; diagnostics: number } {
  const times: number[] = [];
  let diagnostics = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    diagnostics = MeshAnalyzer.analyze(objects).length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)], diagnostics };
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const list = sizes.length > 0 ? sizes : [2500, 5000, 10000, 20000];
time(generate(2000), 3); // warm-up (JIT)
console.log('objects  best(ms)  median(ms)  us/object  diagnostics');
for (const n of list) {
  const objects = generate(n);
  const r = time(objects, 7);
  console.log(`${String(n).padStart(7)}  ${r.best.toFixed(1).padStart(8)}  ${r.median.toFixed(1).padStart(10)}  ${(r.median * 1000 / n).toFixed(1).padStart(9)}  ${String(r.diagnostics).padStart(11)}`);
}
