import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Transpiles src/analysis to plain JS under `<outRoot>/lib/src/analysis`, with
 * `<outRoot>/lib/imports/schemas` linked to the repository's: the layout of the published
 * package, for tests that run the analysis as a process or in a worker thread.
 * Returns the directory of the compiled `src/analysis`.
 */
export function compileAnalysis(outRoot: string): string {
  const src = path.join(ROOT, 'src', 'analysis');
  const outDir = path.join(outRoot, 'lib', 'src', 'analysis');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
  for (const f of walk(src)) {
    const js = ts.transpileModule(fs.readFileSync(f, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    const out = path.join(outDir, path.relative(src, f)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js.outputText);
  }
  const schemas = path.join(outRoot, 'lib', 'imports', 'schemas');
  if (!fs.existsSync(schemas)) {
    fs.mkdirSync(path.dirname(schemas), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'imports', 'schemas'), schemas);
  }
  return outDir;
}
