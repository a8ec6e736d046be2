import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src', 'analysis');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'compiled-analysis');

/** A TypeScript module's source as the CommonJS JavaScript the tests' own processes run (types dropped, not checked). */
export function transpiledJs(source: string): string {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  return ts.transpileModule(source, { compilerOptions }).outputText;
}

const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));

/**
 * src/analysis transpiled to plain JS, once per content, with the CRD validators the package
 * ships (`ShippedValidators.write()`, what `npx projen compile` does in lib/): the tree is kept in
 * node_modules/.cache/compiled-analysis/<hash of the sources and the compiler version>, written
 * under a temporary name and renamed into place (test workers may race to write it); trees of
 * other sources are removed.
 */
function compiledTree(): string {
  const files = walk(SRC).sort();
  const hash = createHash('sha256').update(`${ts.version}\0shipped validators`);
  for (const f of files) hash.update(`\0${path.relative(SRC, f)}\0`).update(fs.readFileSync(f));
  const key = hash.digest('hex').slice(0, 16);
  const tree = path.join(CACHE, key);
  if (fs.existsSync(tree)) return tree;
  const tmp = `${tree}.${process.pid}.tmp`;
  for (const f of files) {
    const out = path.join(tmp, path.relative(SRC, f)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, transpiledJs(fs.readFileSync(f, 'utf8')));
  }
  const write = `require(${JSON.stringify(path.join(tmp, 'schema', 'compiled-schemas.js'))}).ShippedValidators.write()`;
  const r = spawnSync(process.execPath, ['-e', write], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
  if (r.status !== 0) throw new Error(`compiling the shipped validators failed: ${r.stderr}`);
  try {
    fs.renameSync(tmp, tree);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another worker wrote it first
  }
  for (const other of fs.readdirSync(CACHE)) {
    if (other !== key && !other.endsWith('.tmp')) fs.rmSync(path.join(CACHE, other), { recursive: true, force: true });
  }
  return tree;
}

/**
 * Transpiles src/analysis to plain JS under `<outRoot>/lib/src/analysis`, with the validators
 * the package ships and `<outRoot>/lib/imports/schemas` linked to the repository's: the layout of
 * the published package, for tests that run the analysis as a process or in a worker thread.
 * Returns the directory of the compiled `src/analysis`.
 */
export function compileAnalysis(outRoot: string): string {
  const outDir = path.join(outRoot, 'lib', 'src', 'analysis');
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.cpSync(compiledTree(), outDir, { recursive: true });
  const schemas = path.join(outRoot, 'lib', 'imports', 'schemas');
  if (!fs.existsSync(schemas)) {
    fs.mkdirSync(path.dirname(schemas), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'imports', 'schemas'), schemas);
  }
  return outDir;
}

/**
 * A new app directory (`<tmp>/<prefix>...`, with a package.json) holding the compiled analysis;
 * the validation's cache lives in `<dir>/node_modules/.cache`.
 */
export function appWithCompiledAnalysis(prefix: string): { dir: string; analysis: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}');
  return { dir, analysis: compileAnalysis(dir) };
}

/**
 * Runs a script in a fresh process (the repository's node_modules on NODE_PATH,
 * CDK8S_ISTIO_CACHE as given: on unless 'off'), expects it to print nothing to stderr, and
 * returns what it printed to stdout, parsed as JSON.
 */
export function runCompiledScript(script: string, cache = ''): any {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), CDK8S_ISTIO_CACHE: cache } });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}
