// The synthesis benchmark of issue #14: one mesh (see ./mesh/ways.ts) written four ways — the
// library (synth-time analysis and validation on: a first synthesis and a re-synthesis, which
// finds the objects validated before remembered; the re-synthesis with the opt-in synthesis
// worker; and off), the same intent by hand with
// cdk8s-plus-28 + ApiObjects, raw ApiObjects, plain objects through `yaml` — plus the analysis
// of the manifests alone; each run in a fresh Node process against the compiled library (run
// `npx projen compile` first), the modes interleaved, BENCH_RUNS runs (default 3), medians (ratios: medians of
// the ratios within a round). Reports wall time, peak RSS and YAML bytes,
// the ratios library/cdk8s-plus and library/YAML floor, the cost of analysis, and per-service
// growth; writes bench/RESULTS.md and prints it.
// Run: npx projen bench   (BENCH_SIZES=100,1000,5000 by default)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transpiledJs } from '../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..');
const WORK = path.join(ROOT, '.tmp', 'bench-mesh');
const MODES = [
  // the same command line as the next mode (the validation result cache is per app and command
  // line), run first with the cache emptied: a first synthesis; the next run re-synthesizes
  { key: 'library-first', way: 'library', analysis: 'on', label: 'library (analysis + validation on), first synthesis', cold: true },
  { key: 'library', way: 'library', analysis: 'on', label: 'library (analysis + validation on), re-synthesis' },
  { key: 'library-off', way: 'library', analysis: 'off', label: 'library (analysis + validation off)' },
  // the opt-in synthesis worker (src/core/synthesis-job.ts): the same re-synthesis shared with a second thread
  { key: 'library-worker', way: 'library', analysis: 'on', label: 'library (analysis + validation on), re-synthesis, synthesis worker on (CDK8S_ISTIO_SYNTH_WORKER=on)', worker: true },
  { key: 'cdk8s-plus', way: 'cdk8s-plus', analysis: 'off', label: 'hand-written cdk8s-plus-28 + ApiObjects' },
  { key: 'raw', way: 'raw', analysis: 'off', label: 'raw cdk8s ApiObjects' },
  { key: 'yaml', way: 'yaml', analysis: 'off', label: 'plain objects -> yaml (the floor)' },
  { key: 'analysis', way: 'analysis', analysis: 'on', label: 'analysis alone: the manifests through every analyzer and schema validation, nothing remembered', cold: true },
] as const;

/** Forgets the objects the validation found valid before (./src/analysis/schema/result-cache). */
function forgetValidationResults(): void {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-istio');
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) if (f.startsWith('valid-')) fs.rmSync(path.join(dir, f), { force: true });
}
type Sample = { ms: number; rssMb: number; bytes: number };

/** The child, compiled to JavaScript against lib/ (no TypeScript compiler in the measured process). */
function compileChild(): string {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) throw new Error('run `npx projen compile` first: the benchmark measures the compiled library');
  fs.mkdirSync(WORK, { recursive: true });
  const source = fs.readFileSync(path.join(__dirname, 'mesh', 'ways.ts'), 'utf8');
  const js = transpiledJs(source)
    .replace(/require\((["'])\.\.\/\.\.\/\.\.\/src\1\)/g, `require(${JSON.stringify(path.join(ROOT, 'lib', 'src'))})`);
  const file = path.join(WORK, 'ways.js');
  fs.writeFileSync(file, js);
  return file;
}

function child(file: string, args: string[], worker = false): string {
  const env = { ...process.env };
  delete env.CDK8S_ISTIO_ANALYSIS;
  delete env.CDK8S_ISTIO_SCHEMA_VALIDATION;
  delete env.CDK8S_ISTIO_SYNTH_WORKER;
  if (worker) env.CDK8S_ISTIO_SYNTH_WORKER = 'on';
  const r = spawnSync(process.execPath, [file, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  if (r.status !== 0) throw new Error(`node ways.js ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop() ?? '';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const file = compileChild();
  child(file, ['same', '120']); // the four ways emit the same manifests (raw and yaml: the library's own)
  const results = new Map<string, Sample>();
  /** Every run's sample, by size and mode, in round order. */
  const rounds = new Map<string, Sample[]>();
  for (const n of sizes) {
    const manifests = path.join(WORK, `manifests-${n}.json`);
    child(file, ['dump', String(n), manifests]);
    const samples = new Map<string, Sample[]>(MODES.map((m) => [m.key, []]));
    for (let r = 0; r < runs; r++) {
      for (const m of MODES) {
        if ('cold' in m) forgetValidationResults();
        samples.get(m.key)!.push(JSON.parse(child(file, [m.way, String(n), m.analysis, manifests], 'worker' in m)));
        process.stderr.write('.');
      }
    }
    for (const m of MODES) {
      const s = samples.get(m.key)!;
      rounds.set(`${n}/${m.key}`, s);
      results.set(`${n}/${m.key}`, { ms: median(s.map((x) => x.ms)), rssMb: median(s.map((x) => x.rssMb)), bytes: median(s.map((x) => x.bytes)) });
    }
  }
  process.stderr.write('\n');
  const get = (n: number, key: string) => results.get(`${n}/${key}`)!;
  const lines = [
    '# Synthesis benchmark',
    '',
    `\`npx projen bench\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)};`,
    `medians of ${runs} runs, each in a fresh process, modes interleaved. The mesh: N services in namespaces of 50`,
    '(see test/bench/mesh/ways.ts); wall time from the first construct to the YAML string. Only the library\'s',
    'own runs load the library (a hand-written run\'s peak RSS holds none of its modules).',
    '',
    '| N | how it is written | wall time | peak RSS | YAML bytes |',
    '|---|---|---|---|---|',
    ...sizes.flatMap((n) => MODES.map((m) => {
      const s = get(n, m.key);
      return `| ${n} | ${m.label} | ${s.ms.toFixed(0)} ms | ${s.rssMb.toFixed(0)} MB | ${s.bytes} |`;
    })),
    '',
    'Ratios of the re-synthesis (first synthesis in brackets), each the median of the ratios within a round (a round runs',
    'every mode once, one after another, so the two runs of a ratio share the state of the machine; the runs\' samples are',
    'listed below):',
    '',
    '| N | library / cdk8s-plus | library / YAML floor | analysis + validation cost | library peak RSS / cdk8s-plus |',
    '|---|---|---|---|---|',
    ...sizes.map((n) => {
      const ratio = (key: string, of: string, f: (s: Sample) => number) => {
        const [xs, ys] = [rounds.get(`${n}/${key}`)!, rounds.get(`${n}/${of}`)!];
        return median(xs.map((x, r) => f(x) / f(ys[r])));
      };
      const both = (of: string, f: (s: Sample) => number, show: (x: number) => string) => `${show(ratio('library', of, f))} (${show(ratio('library-first', of, f))})`;
      const times = (x: number) => x.toFixed(2);
      const percent = (x: number) => `${((x - 1) * 100).toFixed(0)} %`;
      return `| ${n} | ${both('cdk8s-plus', (s) => s.ms, times)} | ${both('yaml', (s) => s.ms, times)} | ${both('library-off', (s) => s.ms, percent)} | ${both('cdk8s-plus', (s) => s.rssMb, times)} |`;
    }),
    '',
  ];
  if (sizes.length >= 2) {
    const [a, b] = [sizes[sizes.length - 2], sizes[sizes.length - 1]];
    const perService = (n: number, key: string) => get(n, key).ms / n;
    lines.push(`Per-service cost from N = ${a} to N = ${b}: library ×${(perService(b, 'library') / perService(a, 'library')).toFixed(2)}, cdk8s-plus ×${(perService(b, 'cdk8s-plus') / perService(a, 'cdk8s-plus')).toFixed(2)}, YAML floor ×${(perService(b, 'yaml') / perService(a, 'yaml')).toFixed(2)}.`, '');
  }
  lines.push(
    'Samples, in round order (wall time in ms / peak RSS in MB):',
    '',
    '| N | how it is written | runs |',
    '|---|---|---|',
    ...sizes.flatMap((n) => MODES.map((m) => `| ${n} | ${m.key} | ${rounds.get(`${n}/${m.key}`)!.map((x) => `${x.ms.toFixed(0)} / ${x.rssMb.toFixed(0)}`).join(', ')} |`)),
    '',
  );
  const text = lines.join('\n');
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), text);
  console.log(text);
}

main();
