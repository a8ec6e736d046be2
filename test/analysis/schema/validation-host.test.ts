// The validation worker (compiled JS only): same results as validating in-thread, and it never
// keeps the process alive.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineVersions, objectKey } from '../../../src/analysis/schema/result-cache';
import { validateAhead, validateManifests } from '../../../src/analysis/schema/validation-host';
import { appWithCompiledAnalysis, compileAnalysis, runCompiledScript } from '../../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..', '..');

/** A VirtualService `name` in namespace shop, routing `host` with an HTTP timeout. */
const virtualService = (name: string, host: string, timeout: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop' },
  spec: { hosts: [host], http: [{ timeout, route: [{ destination: { host: name } }] }] },
});

const objects = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: ['r'], http: [{ timeout: '1 s', route: [{ destination: { host: 'r' } }] }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: '9lives' }, spec: { ports: [{ port: 80 }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ok' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
];

test('in a worker thread: same results as in-thread, and the process exits by itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-host-'));
  const analysis = compileAnalysis(dir);
  const script = `
    const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
    host.prewarmSchemaValidation();
    const results = host.validateManifests(${JSON.stringify(objects)});
    process.stdout.write(JSON.stringify(results));
  `;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), CDK8S_ISTIO_CACHE: 'off' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const inWorker = JSON.parse(r.stdout);
  const inThread = validateManifests(objects);
  expect(inWorker).toEqual(JSON.parse(JSON.stringify(inThread)));
  expect(inThread[0].problems.map((p) => p.path)).toEqual(['spec.http[0].timeout']);
  expect(inThread[1].problems.map((p) => p.path)).toEqual(['metadata.name']);
  expect(inThread[2].problems).toEqual([]);
  expect(inThread[3]).toEqual({ problems: [], unknownKind: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('objects found valid are remembered: an unchanged synthesis loads no validation engine; invalid objects are reported every time', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  const goodVs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'ok' }, spec: { hosts: ['r'], http: [{ timeout: '1s', route: [{ destination: { host: 'r' } }] }] } };
  const badVs = objects[0];
  const run = (objs: unknown[]) => {
    const script = `
      const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
      const results = host.validateManifests(${JSON.stringify(objs)});
      const celLoaded = Object.keys(require.cache).some((k) => k.includes('@bufbuild/cel'));
      process.stdout.write(JSON.stringify({ problems: results.map((r) => r.problems.length), celLoaded }));
    `;
    return runCompiledScript(script);
  };
  expect(run([goodVs, objects[2], badVs])).toEqual({ problems: [0, 0, 1], celLoaded: true });
  // one file of objects, one of the checks inside them (a VirtualService's CEL rules, its metadata)
  expect(fs.readdirSync(path.join(dir, 'node_modules', '.cache', 'cdk8s-istio')).filter((f) => f.startsWith('valid-')).map((f) => f.endsWith('.checks.txt'))).toEqual([true, false]);
  // unchanged: nothing to validate, so the CEL engine (needed by VirtualService rules) is never loaded
  expect(run([goodVs, objects[2]])).toEqual({ problems: [0, 0], celLoaded: false });
  // an invalid object is never remembered: validated and reported again
  expect(run([goodVs, badVs])).toEqual({ problems: [0, 1], celLoaded: true });
  // the file holds what the last synthesis found valid: the object the app dropped is gone
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'cdk8s-istio');
  const entries = () => fs.readFileSync(path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.startsWith('valid-') && !f.endsWith('.checks.txt'))!), 'utf8').split('\n');
  expect(entries()).toContain(objectKey(goodVs));
  expect(entries()).not.toContain(objectKey(objects[2]));
  expect(entries()).not.toContain(objectKey(badVs));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an object changed in one place loads no engine for the checks the change did not touch (compiled JS, with the cache)', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  const vs = (host: string, timeout: string) => virtualService('r', host, timeout);
  const run = (object: object) => {
    const script = `
      const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
      const results = host.validateManifests([${JSON.stringify(object)}]);
      const loaded = (name) => Object.keys(require.cache).some((f) => f.includes(name) && f.endsWith('.js'));
      process.stdout.write(JSON.stringify({ problems: results[0].problems, cel: loaded('@bufbuild/cel'), models: loaded('kubernetes-models') }));
    `;
    return runCompiledScript(script) as { problems: { path: string }[]; cel: boolean; models: boolean };
  };
  expect(run(vs('a.example.com', '5s'))).toEqual({ problems: [], cel: true, models: true }); // first run: every check runs
  // unchanged: nothing runs; the checks inside the object stay remembered with it
  expect(run(vs('a.example.com', '5s'))).toEqual({ problems: [], cel: false, models: false });
  expect(run(vs('b.example.com', '5s'))).toEqual({ problems: [], cel: false, models: false }); // host changed: timeout rule and metadata remembered
  const bad = run(vs('b.example.com', '0s')); // the timeout changed: its rule runs again and fails
  expect(bad.cel).toBe(true);
  expect(bad.problems.map((p) => p.path)).toEqual(['spec.http[0].timeout']);
  expect(run(vs('b.example.com', '0s')).problems.map((p) => p.path)).toEqual(['spec.http[0].timeout']); // failures are never remembered
  fs.rmSync(dir, { recursive: true, force: true });
});

test('objects validated ahead (the synthesis worker, while the app renders) are answered from memory, the others validated', () => {
  const ahead = JSON.parse(JSON.stringify(objects.slice(0, 2)));
  validateAhead(ahead);
  validateAhead(ahead); // once is enough: nothing is validated twice
  const later = JSON.parse(JSON.stringify(objects.slice(2)));
  const all = [...ahead, ...later];
  expect(validateManifests(all)).toEqual(validateManifests(JSON.parse(JSON.stringify(objects))));
  // answered by identity, from what validateAhead found (the worker's copies never change)
  ahead[1].metadata.name = 'fine';
  expect(validateManifests([ahead[1]])[0].problems.map((p) => p.path)).toEqual(['metadata.name']);
  expect(validateManifests([JSON.parse(JSON.stringify(ahead[1]))])[0].problems).toEqual([]);
});

test('within a synthesis, a CEL rule runs once per value: objects that share a value share its check (compiled JS, with the cache)', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  const vs = (name: string, timeout: string) => virtualService(name, name, timeout);
  /** How many CEL evaluations validating the objects takes, in a fresh process. */
  const evaluations = (objs: object[], cache: string) => {
    const script = `
      // every evaluation of a planned CEL expression, counted
      const planner = require(${JSON.stringify(path.join(ROOT, 'node_modules', '@bufbuild', 'cel', 'dist', 'cjs', 'plan.js'))});
      let count = 0;
      const plan = planner.plan;
      planner.plan = (...args) => {
        const evaluate = plan(...args);
        return (...vars) => { count++; return evaluate(...vars); };
      };
      const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
      const results = host.validateManifests(${JSON.stringify(objs)});
      process.stdout.write(JSON.stringify({ count, problems: results.map((r) => r.problems.map((p) => p.path)) }));
    `;
    const out = runCompiledScript(script, cache) as { count: number; problems: string[][] };
    // each run a first synthesis: what was found valid is forgotten (the compiled schemas are kept)
    const cacheDir = path.join(dir, 'node_modules', '.cache', 'cdk8s-istio');
    for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) if (f.startsWith('valid-')) fs.rmSync(path.join(cacheDir, f));
    return out;
  };
  const one = evaluations([vs('a', '5s')], '');
  expect(one.count).toBeGreaterThan(0);
  // three objects whose ruled values are the same but for the host: only the rules on the hosts run again
  const three = evaluations([vs('a', '5s'), vs('b', '5s'), vs('c', '5s')], '');
  expect(three.problems).toEqual([[], [], []]);
  expect(three.count).toBeLessThan(3 * one.count);
  // a failing check is never taken for a passed one: each object with the bad value is reported
  const bad = evaluations([vs('a', '0s'), vs('b', '0s')], '');
  expect(bad.problems).toEqual([['spec.http[0].timeout'], ['spec.http[0].timeout']]);
  // with the cache off nothing is remembered, not even within the synthesis
  expect(evaluations([vs('a', '5s'), vs('b', '5s'), vs('c', '5s')], 'off').count).toBe(3 * one.count);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('istiod admission checks of objects validated ahead are remembered with them: an admitted object is not checked again, a refused one every time (compiled JS, with the cache)', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  const admitted = virtualService('ok', 'ok.example.com', '5s');
  // passes the CRD schema; istiod refuses a mesh VirtualService for "*"
  const refused = { ...virtualService('all', '*', '5s'), metadata: { name: 'all', namespace: 'shop' } };
  /** The synthesis worker's steps in a fresh process: how often istiod's VirtualService check ran, and the findings. */
  const run = (objs: object[], cache = '') => {
    const script = `
      // every call of the VirtualService check, counted (the dispatch table takes the export when it loads)
      const vsCheck = require(${JSON.stringify(path.join(analysis, 'analyzers', 'schema', 'admission', 'virtual-service.js'))});
      const check = vsCheck.virtualService;
      let count = 0;
      vsCheck.virtualService = (...args) => { count++; return check(...args); };
      const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
      const { admitAhead } = require(${JSON.stringify(path.join(analysis, 'analyzers', 'schema', 'istio-admission.js'))});
      const { Resource } = require(${JSON.stringify(path.join(analysis, 'model.js'))});
      const { MeshAnalyzer } = require(${JSON.stringify(path.join(analysis, 'mesh-analyzer.js'))});
      const objs = ${JSON.stringify(objs)};
      host.validateAhead(objs);
      admitAhead(objs.map((o, i) => new Resource(o, i)));
      const found = MeshAnalyzer._run(objs, { analyzers: ['schema.ManifestSchemaAnalyzer', 'schema.IstioAdmissionAnalyzer'], schemaValidation: true }).diagnostics;
      // copies parsed from JSON text, validated ahead with it (as the synthesis worker does), get the same fingerprints (with the cache on)
      const copies = objs.map((o) => JSON.parse(JSON.stringify(o)));
      host.validateAhead(copies, objs.map((o) => host.keyOfJson(JSON.stringify(o))));
      const keys = objs.map((o, i) => host.keyValidatedAhead(o) === host.keyValidatedAhead(copies[i]) && /^[0-9a-f]{64}$/.test(host.keyValidatedAhead(o)));
      if (process.env.CDK8S_ISTIO_CACHE !== 'off' && keys.some((k) => !k)) throw new Error('fingerprints differ: ' + JSON.stringify(keys));
      process.stdout.write(JSON.stringify({ count, found: found.map((d) => d.name + ' ' + d.code + ' ' + /istiod admission/.test(d.message)) }));
    `;
    return runCompiledScript(script, cache) as { count: number; found: string[] };
  };
  const findings = ['all IST0106 true'];
  expect(run([admitted, refused])).toEqual({ count: 2, found: findings });
  // unchanged: the admitted object is answered from the cache, the refused one checked and reported again
  expect(run([admitted, refused])).toEqual({ count: 1, found: findings });
  // a changed object is checked again
  expect(run([virtualService('ok', 'ok.example.com', '6s'), refused])).toEqual({ count: 2, found: findings });
  // the cache is keyed by the admission code: a change to a check starts a new cache, and the
  // app's files of the old one go (another app's stay)
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'cdk8s-istio');
  const validFiles = () => fs.readdirSync(cacheDir).filter((f) => f.startsWith('valid-')).sort();
  const before = validFiles();
  expect(before).toHaveLength(2); // the objects and the checks inside them
  const otherApp = `valid-${'0'.repeat(20)}-${'f'.repeat(12)}.txt`;
  fs.writeFileSync(path.join(cacheDir, otherApp), '');
  const file = path.join(analysis, 'analyzers', 'schema', 'admission', 'virtual-service.js');
  fs.appendFileSync(file, '\n// changed\n');
  expect(run([virtualService('ok', 'ok.example.com', '6s'), refused])).toEqual({ count: 2, found: findings });
  const after = validFiles();
  expect(after).toHaveLength(3);
  expect(after).toContain(otherApp);
  expect(after.filter((f) => before.includes(f))).toEqual([]);
  // with the cache off, every object is checked every time (this app's objects were admitted before)
  expect(run([admitted, refused], 'off')).toEqual({ count: 2, found: findings });
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Objects as a large app renders them: valid ones, one the CRD schema refuses, one whose metadata
 * the API server refuses, one of a kind no schema knows, one with values JSON does not carry
 * (undefined, a Date: the API server receives its JSON) and one JSON cannot write (a BigInt).
 */
function rendered(): unknown[] {
  const vs = (name: string, timeout: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'shop' },
    spec: { hosts: [`${name}.example.com`], http: [{ timeout, route: [{ destination: { host: name } }] }] },
  });
  return [
    vs('a', '5s'),
    vs('b', '1 s'),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: '9lives', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } },
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', labels: { gone: undefined } }, data: { at: new Date(0) } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'shop' }, data: { n: BigInt(1) } },
    vs('c', '7s'),
  ];
}

test('objects handed to the worker as they are rendered (a large app\'s first synthesis): the same results, the valid ones remembered and not handed over again; the worker ends once every answer is in, and the process exits by itself (compiled JS)', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  /** A synthesis in a fresh process: the worker started (`start`), the objects handed over in two batches as rendered, then validated. */
  const run = (start: 'ValidationStream.prepareForLargeApp' | 'prewarmSchemaValidation', cache = '') => runCompiledScript(`
    const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
    host.${start}();
    const worker = host.ValidationStream.running();
    const objs = (${rendered.toString()})();
    host.ValidationStream.add(objs.slice(0, 4));
    host.ValidationStream.add(objs.slice(4));
    host.ValidationStream.add(objs.slice(0, 1)); // handed over once
    const results = host.validateManifests(objs);
    // whether this thread loaded an engine (it validated an object the worker did not answer)
    const engines = Object.keys(require.cache).some((f) => /(@bufbuild[/]cel|kubernetes-models|[/]ajv)[/].*[.]js$/.test(f));
    // with every answer in, the worker has ended
    const ended = !host.ValidationStream.running();
    process.stdout.write(JSON.stringify({ worker, streamed: host.ValidationStream.handedOver, engines, results, ended }));
  `, cache) as { worker: boolean; streamed: number; engines: boolean; results: unknown[]; ended: boolean };
  const inThread = JSON.parse(JSON.stringify(validateManifests(rendered())));
  expect(inThread.map((r: any) => r.problems.map((p: any) => p.path))).toEqual([[], ['spec.http[0].timeout'], ['metadata.name'], [], [], ['<root>'], []]);
  expect(inThread[3].unknownKind).toBe(true);
  // a first synthesis: the worker validates every object JSON can write, this thread none
  expect(run('ValidationStream.prepareForLargeApp')).toEqual({ worker: true, streamed: 6, engines: false, results: inThread, ended: true });
  // again: objects were found valid, so a large app's synthesis starts no worker (and validates the invalid ones itself)
  expect(run('ValidationStream.prepareForLargeApp')).toEqual({ worker: false, streamed: 0, engines: true, results: inThread, ended: true });
  // with a worker, only the objects not found valid before are handed over (the invalid ones, the unknown kind)
  expect(run('prewarmSchemaValidation')).toEqual({ worker: true, streamed: 3, engines: false, results: inThread, ended: true });
  // what the worker found valid was remembered: the same file as validating in this thread writes
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'cdk8s-istio');
  const entries = () => fs.readFileSync(path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.startsWith('valid-') && !f.endsWith('.checks.txt'))!), 'utf8').split('\n').filter((l) => l !== '').sort();
  const objs = rendered();
  expect(entries()).toEqual([objs[0], objs[4], objs[6]].map((o) => objectKey(o)).sort());
  // with the cache off, every object goes to the worker every time
  expect(run('ValidationStream.prepareForLargeApp', 'off')).toEqual({ worker: true, streamed: 6, engines: false, results: inThread, ended: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an analysis remembers istiod\'s admission checks with the objects it validated: an admitted object is not checked again, a refused one every time, and the cache is written once, at the end of the run (compiled JS, with the cache)', () => {
  const { dir, analysis } = appWithCompiledAnalysis('validation-cache-');
  const admitted = virtualService('ok', 'ok.example.com', '5s');
  const refused = virtualService('all', '*', '5s'); // istiod refuses a mesh VirtualService for "*"
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'cdk8s-istio');
  const objectsFile = () => path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.startsWith('valid-') && !f.endsWith('.checks.txt'))!);
  /** An analysis in a fresh process (these analyzers): how often istiod's VirtualService check ran, the findings and the lines the cache file holds. */
  const run = (objs: object[], analyzers = ['schema.ManifestSchemaAnalyzer', 'schema.IstioAdmissionAnalyzer']) => {
    const out = runCompiledScript(`
      const vsCheck = require(${JSON.stringify(path.join(analysis, 'analyzers', 'schema', 'admission', 'virtual-service.js'))});
      const check = vsCheck.virtualService;
      let count = 0;
      vsCheck.virtualService = (...args) => { count++; return check(...args); };
      const { MeshAnalyzer } = require(${JSON.stringify(path.join(analysis, 'mesh-analyzer.js'))});
      const found = MeshAnalyzer._run(${JSON.stringify(objs)}, { analyzers: ${JSON.stringify(analyzers)}, schemaValidation: true }).diagnostics;
      process.stdout.write(JSON.stringify({ count, found: found.map((d) => d.name + ' ' + d.code + ' ' + /istiod admission/.test(d.message)) }));
    `) as { count: number; found: string[] };
    return { ...out, lines: fs.readFileSync(objectsFile(), 'utf8').split('\n').filter((l) => l !== '').length };
  };
  const findings = ['all IST0106 true'];
  // both objects pass the schema (two lines), one is admitted (a third line: its check, remembered with it)
  expect(run([admitted, refused])).toEqual({ count: 2, found: findings, lines: 3 });
  // the check is remembered by the object's own key: `<key>:istiod-admission`, the key one of the file's object lines
  const lines = fs.readFileSync(objectsFile(), 'utf8').split('\n').filter((l) => l !== '');
  const checkLines = lines.filter((l) => l.endsWith(':istiod-admission'));
  expect(checkLines).toHaveLength(1);
  expect(lines).toContain(checkLines[0].slice(0, 64));
  const written = fs.statSync(objectsFile()).mtimeMs;
  expect(run([admitted, refused])).toEqual({ count: 1, found: findings, lines: 3 }); // the refused one is checked again
  expect(fs.statSync(objectsFile()).mtimeMs).toBe(written); // nothing new: the file is not written
  // the admission check alone (no schema validation: no keys) checks every object and leaves the cache as it was
  expect(run([admitted, refused], ['schema.IstioAdmissionAnalyzer'])).toEqual({ count: 2, found: findings, lines: 3 });
  // a changed object is checked again; the file holds what this run found (the old object and its check are gone)
  expect(run([virtualService('ok', 'ok.example.com', '6s'), refused])).toEqual({ count: 2, found: findings, lines: 3 });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the result cache is keyed by the installed version of each validation engine, found for packages whose exports hide their package.json too', () => {
  const versions = engineVersions();
  expect(Object.keys(versions).sort()).toEqual(['@bufbuild/cel', 'ajv', 'kubernetes-models', 're2js']);
  const root = path.join(__dirname, '..', '..', '..', 'node_modules');
  for (const [pkg, version] of Object.entries(versions)) {
    expect(version).toBe(JSON.parse(fs.readFileSync(path.join(root, pkg, 'package.json'), 'utf8')).version);
  }
  // the premise: in node, two of them cannot be asked with require('<pkg>/package.json')
  for (const pkg of ['@bufbuild/cel', 're2js']) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(`${pkg}/package.json`)})`], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  }
});
