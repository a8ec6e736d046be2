/**
 * Synthesis benchmark: a mesh of N services written with the library's resource constructs,
 * against the same manifests written as raw cdk8s ApiObjects. Shows (1) that synthesis grows
 * linearly with N and (2) the library's overhead over raw cdk8s.
 *
 * Run: `npx projen bench:synth` (prints a table; nothing is asserted — this is a measurement).
 */
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  AuthorizationPolicy, MtlsMode, PeerAuthentication, Principal, StringMatch, VirtualService, WorkloadSelector,
} from '../../src';

interface Sample { n: number; objects: number; libraryMs: number; rawMs: number }

/** One service's worth of Istio config with the L2 constructs. */
function libraryService(chart: Chart, i: number): void {
  const host = `svc-${i}`;
  new VirtualService(chart, `${host}-vs`, {
    metadata: { name: host },
    hosts: [host],
    http: [
      { name: 'canary-users', match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ host, subset: 'v2' }] },
      {
        name: 'default',
        route: [{ host, subset: 'v1', weight: 90 }, { host, subset: 'v2', weight: 10 }],
        timeout: Duration.seconds(10),
        retries: { attempts: 3, perTryTimeout: Duration.seconds(2) },
      },
    ],
  });
  new PeerAuthentication(chart, `${host}-pa`, {
    metadata: { name: host },
    selector: WorkloadSelector.fromLabels({ app: host }),
    mode: MtlsMode.STRICT,
  });
  new AuthorizationPolicy(chart, `${host}-authz`, {
    metadata: { name: host },
    selector: WorkloadSelector.fromLabels({ app: host }),
    rules: [{
      sources: [{ principals: [Principal.serviceAccount('mesh', `svc-${i + 1}`)] }],
      operations: [{ methods: ['GET'], paths: ['/api/*'] }],
    }],
  });
}

/** The same manifests as raw ApiObjects (what a user would write by hand). */
function rawService(chart: Chart, i: number): void {
  const host = `svc-${i}`;
  new ApiObject(chart, `${host}-vs`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host },
    spec: {
      hosts: [host],
      http: [
        { name: 'canary-users', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host, subset: 'v2' } }] },
        {
          name: 'default',
          route: [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v2' }, weight: 10 }],
          timeout: '10s',
          retries: { attempts: 3, perTryTimeout: '2s' },
        },
      ],
    },
  } as any);
  new ApiObject(chart, `${host}-pa`, {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: host },
    spec: { selector: { matchLabels: { app: host } }, mtls: { mode: 'STRICT' } },
  } as any);
  new ApiObject(chart, `${host}-authz`, {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: host },
    spec: {
      selector: { matchLabels: { app: host } },
      rules: [{
        from: [{ source: { principals: [`cluster.local/ns/mesh/sa/svc-${i + 1}`] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }],
      }],
    },
  } as any);
}

function time(build: (chart: Chart, i: number) => void, n: number): { ms: number; objects: number } {
  const start = process.hrtime.bigint();
  const app = new App({ outdir: '/tmp/cdk8s-istio-bench' });
  const chart = new Chart(app, 'mesh', { namespace: 'mesh' });
  for (let i = 0; i < n; i++) build(chart, i);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, objects: yaml.split('\n---\n').length };
}

function best(build: (chart: Chart, i: number) => void, n: number, runs: number): { ms: number; objects: number } {
  let result = time(build, n);
  for (let r = 1; r < runs; r++) {
    const next = time(build, n);
    if (next.ms < result.ms) result = next;
  }
  return result;
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '250,500,1000,2000,4000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  best(libraryService, 100, 1); // warm-up (JIT)
  best(rawService, 100, 1);
  const samples: Sample[] = [];
  for (const n of sizes) {
    const lib = best(libraryService, n, runs);
    const raw = best(rawService, n, runs);
    samples.push({ n, objects: lib.objects, libraryMs: lib.ms, rawMs: raw.ms });
  }
  console.log('services  objects  library ms  raw cdk8s ms  library/raw  library us/object');
  for (const s of samples) {
    console.log([
      String(s.n).padStart(8), String(s.objects).padStart(8), s.libraryMs.toFixed(0).padStart(11), s.rawMs.toFixed(0).padStart(13),
      (s.libraryMs / s.rawMs).toFixed(2).padStart(12), ((s.libraryMs * 1000) / s.objects).toFixed(1).padStart(18),
    ].join(' '));
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  console.log(`growth ${first.n} -> ${last.n} services (x${(last.n / first.n).toFixed(0)}): library time x${(last.libraryMs / first.libraryMs).toFixed(1)}, raw time x${(last.rawMs / first.rawMs).toFixed(1)}`);
}

main();
