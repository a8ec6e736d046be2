/**
 * Bookinfo synthesis benchmark: what a user's `cdk8s synth` of the Bookinfo example costs,
 * as whole processes (module loading included), with the synth-time schema validation
 * (IST0106: CRD schemas, CEL rules, built-in kinds, metadata) on and off.
 *
 * Needs the compiled library (`npx projen compile`). Runs the example's entry point the way
 * its cdk8s.yaml does (ts-node, transpile only), alternating on/off, and prints medians.
 * Objects found valid are remembered (node_modules/.cache/cdk8s-istio), so three cases with
 * validation on are shown beside it off: an unchanged app (the usual re-synth), an app whose
 * ingress host changes on every run (its Gateway and VirtualServices are validated again, the
 * rest is remembered), and a first run, with the cache emptied before it (every object
 * validated; the CRD validators come compiled with the package).
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

function synthOnce(schema: 'on' | 'off', host?: string): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-bench-'));
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [TS_NODE, '--transpile-only', '--project', 'tsconfig.json', 'main.ts'], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_ISTIO_SCHEMA_VALIDATION: schema, CDK8S_OUTDIR: out, ...(host ? { BOOKINFO_HOST: host } : {}) },
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
const emptyCache = () => fs.rmSync(path.join(ROOT, 'node_modules', '.cache', 'cdk8s-istio'), { recursive: true, force: true });
synthOnce('off'); // warm the OS file cache for both paths
synthOnce('on');
const on: number[] = [];
const off: number[] = [];
const changed: number[] = [];
const first: number[] = [];
// the unchanged app's run follows a first run of the same app (the cache holds what the app's
// last synthesis found valid); the three groups take turns at going first
const groups = [
  () => off.push(synthOnce('off')),
  () => {
    emptyCache();
    first.push(synthOnce('on'));
    on.push(synthOnce('on'));
  },
  (i: number) => changed.push(synthOnce('on', `shop-${Date.now().toString(36)}-${i}.example.com`)),
];
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < groups.length; k++) groups[(i + k) % groups.length](i);
}
const mOn = median(on);
const mOff = median(off);
const mChanged = median(changed);
const mFirst = median(first);
process.stdout.write([
  `Bookinfo synth, whole process (node ${process.version}, ${os.cpus().length} cores), median of ${RUNS} runs:`,
  `  schema validation off:                      ${mOff.toFixed(0)} ms`,
  `  schema validation on, app unchanged:        ${mOn.toFixed(0)} ms  (${(((mOn - mOff) / mOff) * 100).toFixed(1)} %)`,
  `  schema validation on, ingress host changed: ${mChanged.toFixed(0)} ms  (${(((mChanged - mOff) / mOff) * 100).toFixed(1)} %)`,
  `  schema validation on, first run:            ${mFirst.toFixed(0)} ms  (${(((mFirst - mOff) / mOff) * 100).toFixed(1)} %)`,
  '',
].join('\n'));
