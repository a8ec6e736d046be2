// The YAML of a large app written by two threads (src/core/parallel-yaml.ts): the worker only
// exists in compiled JavaScript, so these tests transpile the writer and run it in a process.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ParallelYaml } from '../../src/core/parallel-yaml';
import { stringifyYamlDocument } from '../../src/core/yaml-writer';

const ROOT = path.join(__dirname, '..', '..');

/** The writer's three files as JavaScript in a temporary directory. */
function compileWriter(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-yaml-'));
  for (const f of ['parallel-yaml', 'yaml-worker', 'yaml-writer']) {
    const js = ts.transpileModule(fs.readFileSync(path.join(ROOT, 'src', 'core', `${f}.ts`), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    fs.writeFileSync(path.join(dir, `${f}.js`), js.outputText);
  }
  return dir;
}

/** Documents like an app's, with strings that take the writer's slow path (quoting) and an undefined value. */
function documents(n: number): unknown[] {
  return Array.from({ length: n }, (_v, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: `team-${i % 7}`, labels: { app: `svc-${i}`, version: i % 3 === 0 ? 'on' : 'v1' } },
    data: { port: String(9000 + i), multi: `line ${i}\nline 2`, list: [i, i * 0.5, i % 2 === 0, null], skipped: i % 5 === 0 ? undefined : `x${i}` },
  }));
}

function run(dir: string, script: string, env: NodeJS.ProcessEnv = {}): any {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), ...env }, cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

const SCRIPT = (dir: string, n: number, busyMs: number) => `
  const { ParallelYaml } = require(${JSON.stringify(path.join(dir, 'parallel-yaml.js'))});
  const docs = (${documents.toString()})(${n});
  const job = ParallelYaml.start(docs);
  const until = Date.now() + ${busyMs};
  while (Date.now() < until); // the host is busy (analysis) while the worker writes
  const texts = docs.map((d) => (job ? job.textOf(d) : null));
  process.stdout.write(JSON.stringify({ started: job !== undefined, worker: job ? job.workerDocuments : 0, texts }));
`;

test('a worker writes part of a large app\'s YAML; every text is the one this thread writes, and the process exits by itself', () => {
  const dir = compileWriter();
  const n = 1200;
  const out = run(dir, SCRIPT(dir, n, 400));
  expect(out.started).toBe(true);
  expect(out.worker).toBeGreaterThan(0);
  expect(out.worker).toBeLessThanOrEqual(n);
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('small apps, CDK8S_ISTIO_YAML_WORKER=off and TypeScript sources write in one thread', () => {
  const dir = compileWriter();
  expect(run(dir, SCRIPT(dir, 100, 0)).started).toBe(false);
  expect(run(dir, SCRIPT(dir, 1200, 0), { CDK8S_ISTIO_YAML_WORKER: 'off' }).started).toBe(false);
  expect(ParallelYaml.start(documents(1200))).toBeUndefined(); // no compiled worker next to the sources
  fs.rmSync(dir, { recursive: true, force: true });
});
