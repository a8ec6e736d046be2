/**
 * Analyzer CLI benchmark on huge inputs: one YAML file of N documents (a mix of Services,
 * VirtualServices, ConfigMaps and DestinationRules in 100 namespaces), analyzed by the
 * compiled CLI (`lib/src/analysis/cli.js analyze -o json`) as a separate process. Prints wall
 * time, time per document and peak memory (max RSS, from GNU time when installed), to show
 * that reading and analysis stay linear and memory stays proportional to the objects.
 *
 * Needs the compiled library (`npx projen compile`).
 * Run: `npx projen bench:cli` (BENCH_SIZES=100000,1000000 by default). Nothing is asserted.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'lib', 'src', 'analysis', 'cli.js');
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);

function document(i: number): string {
  const ns = `ns-${i % 100}`;
  switch (i % 4) {
    case 0: return `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ${ns}\nspec:\n  ports:\n  - name: http\n    port: 80\n  selector:\n    app: a${i}\n`;
    case 1: return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-${i}\n  namespace: ${ns}\nspec:\n  hosts: [svc-${i - 1}]\n  http:\n  - route:\n    - destination:\n        host: svc-${i - 1}\n`;
    case 2: return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  k: v\n`;
    default: return `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: dr-${i}\n  namespace: ${ns}\nspec:\n  host: svc-${i - 3}\n`;
  }
}

function writeInput(file: string, n: number): number {
  const fd = fs.openSync(file, 'w');
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(document(i));
    if (batch.length === 10_000) {
      fs.writeSync(fd, `${batch.join('---\n')}---\n`);
      batch = [];
    }
  }
  if (batch.length > 0) fs.writeSync(fd, batch.join('---\n'));
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

if (!fs.existsSync(CLI)) throw new Error('compile the library first: npx projen compile');
const gnuTime = fs.existsSync('/usr/bin/time');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bench-'));
try {
  process.stdout.write(`cdk8s-istio analyze, node ${process.version}, ${os.cpus().length} cores\n`);
  for (const n of SIZES) {
    const file = path.join(dir, `docs-${n}.yaml`);
    const bytes = writeInput(file, n);
    const args = [CLI, 'analyze', '-o', 'json', file];
    const start = process.hrtime.bigint();
    const r = gnuTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 2 ** 30 })
      : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 2 ** 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0 && r.status !== 79) throw new Error(`analysis of ${n} documents failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const diagnostics = JSON.parse(r.stdout).length;
    const rss = gnuTime ? `, max RSS ${(Number(r.stderr.trim().split('\n').pop()) / 1024).toFixed(0)} MiB` : '';
    process.stdout.write(`  ${n} documents (${(bytes / 2 ** 20).toFixed(0)} MiB): ${seconds.toFixed(1)} s, ${((seconds / n) * 1e6).toFixed(0)} µs/document${rss}, ${diagnostics} diagnostics\n`);
    fs.rmSync(file);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
