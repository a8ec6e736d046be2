/**
 * Bookinfo synthesis benchmark: what a user's `cdk8s synth` of the Bookinfo example costs,
 * as whole processes (module loading included), with the synth-time schema validation
 * (IST0106: CRD schemas, CEL rules, built-in kinds, metadata) on and off.
 *
 * Needs the compiled library (`npx projen compile`). Runs the example's entry point the way
 * its cdk8s.yaml does (ts-node, transpile only), alternating on/off, and prints medians.
 * The first run after clearing the validator's disk cache (node_modules/.cache/cdk8s-istio)
 * is shown separately: it compiles the schemas of the kinds Bookinfo uses.
 *
 * Run: `npx projen bench:bookinfo` (BENCH_RUNS=15 by default). Nothing is asserted.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'bookinfo');
const TS_NODE = require.resolve('ts-node/dist/bin.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function synthOnce(schema: 'on' | 'off'): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-bench-'));
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [TS_NODE, '--transpile-only', '--project', 'tsconfig.json', 'main.ts'], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_ISTIO_SCHEMA_VALIDATION: schema, CDK8S_OUTDIR: out },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`bookinfo synth failed (schema validation ${schema}):\n${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) {
  throw new Error('compile the library first: npx projen compile');
}
fs.rmSync(path.join(ROOT, 'node_modules', '.cache', 'cdk8s-istio'), { recursive: true, force: true });
const cold = synthOnce('on');
synthOnce('off'); // warm the OS file cache for both paths
const on: number[] = [];
const off: number[] = [];
for (let i = 0; i < RUNS; i++) {
  off.push(synthOnce('off'));
  on.push(synthOnce('on'));
}
const mOn = median(on);
const mOff = median(off);
process.stdout.write([
  `Bookinfo synth, whole process (node ${process.version}, ${os.cpus().length} cores), median of ${RUNS} runs:`,
  `  schema validation off: ${mOff.toFixed(0)} ms`,
  `  schema validation on:  ${mOn.toFixed(0)} ms  (${(((mOn - mOff) / mOff) * 100).toFixed(1)} %)`,
  `  first run, empty validator cache: ${cold.toFixed(0)} ms`,
  '',
].join('\n'));
