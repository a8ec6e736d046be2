/**
 * Synthesis benchmark: a mesh of N services written with the library (MeshService with two
 * versions, DestinationRule, VirtualService, PeerAuthentication, allowFrom policies), against
 * the very same manifests written as raw cdk8s ApiObjects. The library's time includes
 * everything it does at synth: lazy rendering, validation and the automatic mesh analysis
 * (also shown with the analysis turned off, `cdk8s-istio/analysis: off`).
 *
 * Run: `npx projen bench:synth` (prints a table; nothing is asserted — this is a measurement).
 * Sizes: BENCH_SIZES=250,500,1000,2000 (services; each is 9 objects), BENCH_RUNS=3.
 */
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  DestinationRule, MeshService, MtlsMode, MtlsNamespace, PeerAuthentication, StringMatch, VirtualService,
} from '../../src';

type Build = (chart: Chart, i: number, n: number) => void;

const name = (i: number, n: number) => `svc-${i % n}`;

/** One service with the library: what a platform team writes. */
const library: Build = (chart, i, n) => {
  const host = name(i, n);
  const svc = new MeshService(chart, host, {
    port: 9080,
    versions: [{ version: 'v1', image: `example/${host}:1` }, { version: 'v2', image: `example/${host}:2` }],
  });
  new DestinationRule(chart, `${host}-dr`, {
    metadata: { name: host },
    host,
    subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
  });
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
  new PeerAuthentication(chart, `${host}-pa`, { metadata: { name: host }, selector: svc.selector, mode: MtlsMode.STRICT });
  // the previous service may call this one (the first one is called by the last)
  const callers = chart.node.tryFindChild(name(i - 1 + n, n)) as MeshService | undefined;
  if (callers) svc.allowFrom(callers, { methods: ['GET'] });
  else svc.allowFromNamespace('mesh', { methods: ['GET'] });
};

/** The library's mesh: an enrolled, STRICT, default-deny namespace with N services. */
function libraryMesh(app: App, n: number): void {
  const mesh = new MtlsNamespace(app, 'mesh');
  for (let i = 0; i < n; i++) library(mesh, i, n);
}

/** Captures the manifests the library produces for N services, to replay them raw. */
function manifestsOf(n: number): any[] {
  const app = new App();
  app.node.setContext('cdk8s-istio/analysis', 'off');
  libraryMesh(app, n);
  return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
}

function timeSynth(build: (app: App) => void, analysis = 'error'): { ms: number; objects: number } {
  const start = process.hrtime.bigint();
  const app = new App();
  app.node.setContext('cdk8s-istio/analysis', analysis);
  build(app);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, objects: yaml.split('\n---\n').length };
}

function best(run: () => { ms: number; objects: number }, runs: number) {
  let result = run();
  for (let r = 1; r < runs; r++) {
    const next = run();
    if (next.ms < result.ms) result = next;
  }
  return result;
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '250,500,1000,2000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const rows: string[] = [];
  let first: { n: number; lib: number; raw: number } | undefined;
  let last = first;
  for (const n of sizes) {
    const manifests = manifestsOf(n);
    const lib = best(() => timeSynth((app) => libraryMesh(app, n)), runs);
    const libNoAnalysis = best(() => timeSynth((app) => libraryMesh(app, n), 'off'), runs);
    const raw = best(() => timeSynth((app) => {
      const chart = new Chart(app, 'mesh');
      manifests.forEach((o, j) => new ApiObject(chart, `o${j}`, o));
    }), runs);
    rows.push([
      String(n).padStart(8), String(lib.objects).padStart(8), lib.ms.toFixed(0).padStart(11),
      libNoAnalysis.ms.toFixed(0).padStart(20), raw.ms.toFixed(0).padStart(13),
      (lib.ms / raw.ms).toFixed(2).padStart(12), ((lib.ms * 1000) / lib.objects).toFixed(0).padStart(18),
    ].join(' '));
    last = { n, lib: lib.ms, raw: raw.ms };
    first = first ?? last;
  }
  console.log('services  objects  library ms  (analysis off) ms  raw cdk8s ms  library/raw  library us/object');
  rows.forEach((r) => console.log(r));
  if (first && last) {
    console.log(`growth ${first.n} -> ${last.n} services (x${(last.n / first.n).toFixed(0)}): library time x${(last.lib / first.lib).toFixed(1)}, raw time x${(last.raw / first.raw).toFixed(1)}`);
  }
}

main();
