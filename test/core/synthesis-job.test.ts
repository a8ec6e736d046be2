// A large app's analysis and YAML shared with a worker thread (src/core/synthesis-job.ts): the
// worker only exists in compiled JavaScript, so these tests transpile the library's sources and
// run them in a process.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';
import { SynthesisJob } from '../../src/core/synthesis-job';
import { stringifyYamlDocument } from '../../src/core/yaml-writer';
import { compileAnalysis, transpiledJs } from '../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..');

/** The job, its worker and the writer as JavaScript next to the compiled analysis (the package's layout). */
function compileJob(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesis-job-'));
  compileAnalysis(root);
  const dir = path.join(root, 'lib', 'src', 'core');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['synthesis-job', 'synthesis-worker', 'json-text', 'plain-copy', 'yaml-writer']) {
    fs.writeFileSync(path.join(dir, `${f}.js`), transpiledJs(fs.readFileSync(path.join(ROOT, 'src', 'core', `${f}.ts`), 'utf8')));
  }
  return dir;
}

/**
 * Documents like an app's, with strings that take the writer's slow path (quoting), and every
 * 150th one with a value JSON does not carry (undefined, NaN, -0, Infinity, a Date): a batch
 * holding one is cloned to the worker, the others go as JSON text (src/core/json-text.ts).
 */
function documents(n: number): unknown[] {
  return Array.from({ length: n }, (_v, i) => (i % 10 === 9 ? {
    // istiod refuses an underscore in a host (its admission check, not the CRD schema)
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: `vs-${i}`, namespace: `team-${i % 7}` },
    spec: { hosts: [i % 20 === 9 ? `svc_${i}.example.com` : `svc-${i}.example.com`], http: [{ route: [{ destination: { host: `svc-${i}` } }] }] },
  } : {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: `team-${i % 7}`, labels: { app: `svc-${i}`, version: i % 3 === 0 ? 'on' : 'v1' } },
    data: { port: String(9000 + i), multi: `line ${i}\nline 2`, list: [i, i * 0.5, i % 2 === 0, null], skipped: i % 150 === 5 ? [undefined, NaN, -0, Infinity, new Date(0)][Math.floor(i / 150) % 5] : `x${i}` },
  }));
}

function run(dir: string, script: string, env: NodeJS.ProcessEnv = {}): any {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), CDK8S_ISTIO_SYNTH_WORKER: 'on', ...env }, cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * Script text: `sleep(ms)`, the host's stand-in for rendering or analyzing. It blocks this thread
 * without spinning: the host hands the worker nothing meanwhile, as when it is busy, and leaves the
 * CPU to the worker (and to the other test workers on a small machine).
 */
const SLEEP = 'const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);';

/** Script text: waits (as a host that is rendering) until the worker has joined `job` (if there is a job). */
const UNTIL_JOINED = `
  const deadline = Date.now() + 30000;
  while (job && Atomics.load(job.control, 2) === 0 && Date.now() < deadline) sleep(2);
`;

let compiled: string;
beforeAll(() => { compiled = compileJob(); });
afterAll(() => fs.rmSync(path.dirname(path.dirname(path.dirname(compiled))), { recursive: true, force: true }));

const SCRIPT = (dir: string, n: number, busyMs: number, analysis: object | undefined = undefined) => `
  const { SynthesisJob } = require(${JSON.stringify(path.join(dir, 'synthesis-job.js'))});
  const docs = (${documents.toString()})(${n});
  ${SLEEP}
  const job = SynthesisJob.start(docs, ${JSON.stringify(analysis)});
  // the host is busy (rendering, analyzing) until the worker has joined the job, and busyMs more
  ${UNTIL_JOINED}
  sleep(${busyMs});
  const diagnostics = job ? job.analysis() : undefined;
  const texts = docs.map((d) => (job ? job.textOf(d) : null));
  const again = job ? job.textOf(docs[0]) : null; // handed out once, written again when asked again
  process.stdout.write(JSON.stringify({ started: job !== undefined, worker: job ? job.workerDocuments : 0, diagnostics, texts, again }));
`;

test('a worker writes part of a large app\'s YAML; every text is the one this thread writes, and the process exits by itself', () => {
  const n = 1200;
  const out = run(compiled, SCRIPT(compiled, n, 400));
  expect(out.started).toBe(true);
  expect(out.worker).toBeGreaterThan(0);
  expect(out.worker).toBeLessThanOrEqual(n);
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
  expect(out.diagnostics).toBeUndefined(); // no analysis asked for
  expect(out.again).toBe(out.texts[0]);
});

test('the worker analyzes first: its findings are this thread\'s; the host writes YAML while it waits', () => {
  const n = 700;
  const options = { workloadPods: true, impliedNamespaces: true, schemaValidation: true };
  const out = run(compiled, SCRIPT(compiled, n, 0, options), { CDK8S_ISTIO_CACHE: 'off' });
  expect(out.started).toBe(true);
  const inThread = MeshAnalyzer._run(documents(n) as { [key: string]: any }[], options).diagnostics;
  expect(out.diagnostics).toEqual(JSON.parse(JSON.stringify(inThread)));
  expect(out.diagnostics.length).toBeGreaterThan(0); // the quoting-path labels ("on") are invalid versions, the data lists invalid values
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
});

/** The host hands the documents over in batches, busy between them (as while rendering). */
const STREAM = (dir: string, n: number, analysis: object | undefined, abortAfter?: number) => `
  const { SynthesisJob } = require(${JSON.stringify(path.join(dir, 'synthesis-job.js'))});
  const docs = (${documents.toString()})(${n});
  ${SLEEP}
  const job = SynthesisJob.open(docs.length, ${JSON.stringify(analysis)});
  ${UNTIL_JOINED}
  for (let start = 0; start < docs.length; start += 100) {
    if (${abortAfter ?? -1} === start) { job.abort(); break; }
    job.add(docs.slice(start, start + 100));
    sleep(30); // rendering the next batch
    // a slow first batch: the worker takes documents before the last batch comes (as in a large
    // app, however loaded the machine is: its engines load while the app is constructed)
    const slow = Date.now() + 30000;
    while (start === 0 && job && Atomics.load(job.control, 0) === 0 && Date.now() < slow) sleep(2);
  }
  const early = Atomics.load(job.control, 0); // documents the worker took while the host was rendering
  let diagnostics;
  if (${abortAfter ?? -1} < 0) {
    diagnostics = job.analysis();
  } else {
    job.add(docs.slice(${abortAfter ?? 0})); // the host keeps the rest (the worker gets none of it)
    diagnostics = job.analysis();
  }
  const texts = docs.map((d) => job.textOf(d));
  process.stdout.write(JSON.stringify({ early, worker: job.workerDocuments, json: job.handedAsJson, ahead: job.validatedAhead, indexed: job.indexedAhead, diagnostics, texts }));
`;

test('documents handed over as they are rendered: the worker writes YAML meanwhile; batches JSON carries exactly go as text, the others cloned, and every text is this thread\'s', () => {
  const n = 700;
  const out = run(compiled, STREAM(compiled, n, undefined));
  expect(out.early).toBeGreaterThan(0);
  expect(out.json).toBe(200); // batches of 100: those from 200 and 500 hold no value JSON would change
  expect(out.diagnostics).toBeUndefined();
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
});

test('with an analysis, the worker validates documents and adds them to the analysis\'s input as they come (before writing YAML), and analyzes all of them once it has them: the findings are this thread\'s', () => {
  const n = 700;
  const options = { workloadPods: true, impliedNamespaces: true, schemaValidation: true };
  const out = run(compiled, STREAM(compiled, n, options), { CDK8S_ISTIO_CACHE: 'off' });
  expect(out.ahead).toBeGreaterThan(0);
  expect(out.ahead).toBeLessThan(n); // the last batch arrives complete: the analysis validates it
  expect(out.indexed).toBe(out.ahead);
  expect(out.json).toBe(200);
  // istiod's admission checks, run ahead on the documents the worker had, find what they find in this thread
  expect(out.diagnostics.filter((d: { message: string }) => d.message.endsWith('(istiod admission)')).length).toBe(Math.floor((n + 10) / 20));
  const inThread = MeshAnalyzer._run(documents(n) as { [key: string]: any }[], options).diagnostics;
  expect(out.diagnostics).toEqual(JSON.parse(JSON.stringify(inThread)));
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
});

test('a job the host stops handing documents to (a failed rendering): the worker delivers no analysis, every text is still right', () => {
  const n = 700;
  const out = run(compiled, STREAM(compiled, n, { schemaValidation: true }, 300), { CDK8S_ISTIO_CACHE: 'off' });
  expect(out.diagnostics).toBeUndefined(); // the caller then analyzes in its own thread
  expect(out.worker).toBeLessThanOrEqual(300);
  expect(out.texts).toEqual(documents(n).map(stringifyYamlDocument));
});

test('a worker prepared while the app is constructed loads the engines of a first synthesis only; its findings are this thread\'s', () => {
  const options = { workloadPods: true, impliedNamespaces: true, schemaValidation: true };
  // valid objects (remembered by the first synthesis) and invalid ones (never remembered), 500 in all: the least a worker takes
  const valid = (n: number) => Array.from({ length: n }, (_v, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `ok-${i}` }, data: { port: String(i) } }));
  const docs = JSON.parse(JSON.stringify([...valid(400), ...documents(100)])) as { [key: string]: any }[]; // as the script gets them
  const script = `
    const { SynthesisJob, prepareSynthesisWorker } = require(${JSON.stringify(path.join(compiled, 'synthesis-job.js'))});
    prepareSynthesisWorker({ analysis: true, schemaValidation: true });
    const docs = ${JSON.stringify(docs)};
    // two batches, both handed over as JSON text (the documents came through JSON) and fingerprinted from it
    const job = SynthesisJob.open(docs.length, ${JSON.stringify(options)});
    job.add(docs.slice(0, 400));
    job.add(docs.slice(400));
    ${SLEEP}
    ${UNTIL_JOINED}
    const diagnostics = job.analysis();
    docs.forEach((d) => job.textOf(d));
    process.stdout.write(JSON.stringify({ prepared: job.preparedEngines, json: job.handedAsJson, diagnostics }));
  `;
  const inThread = JSON.parse(JSON.stringify(MeshAnalyzer._run(docs, options).diagnostics));
  expect(inThread.length).toBeGreaterThan(0);
  const app = path.dirname(path.dirname(path.dirname(compiled)));
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app"}'); // the cache lives in <app>/node_modules/.cache
  try {
    // a first synthesis: the engines are loaded ahead
    expect(run(compiled, script, { CDK8S_ISTIO_CACHE: '' })).toEqual({ prepared: true, json: 500, diagnostics: inThread });
    // a re-synthesis (objects remembered valid by the first) prepares nothing; the invalid objects are reported again
    expect(run(compiled, script, { CDK8S_ISTIO_CACHE: '' })).toEqual({ prepared: false, json: 500, diagnostics: inThread });
  } finally {
    fs.rmSync(path.join(app, 'package.json'));
    fs.rmSync(path.join(app, 'node_modules'), { recursive: true, force: true });
  }
});

test('small apps, apps that did not opt in (CDK8S_ISTIO_SYNTH_WORKER unset or not "on") and TypeScript sources write in one thread', () => {
  expect(run(compiled, SCRIPT(compiled, 100, 0)).started).toBe(false);
  expect(run(compiled, SCRIPT(compiled, 1200, 0)).started).toBe(true);
  for (const setting of ['', 'off', 'yes-please']) {
    expect(run(compiled, SCRIPT(compiled, 1200, 0), { CDK8S_ISTIO_SYNTH_WORKER: setting }).started).toBe(false);
  }
  expect(SynthesisJob.start(documents(1200))).toBeUndefined(); // no compiled worker next to the sources
});
