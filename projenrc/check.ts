// Type check and lint from one TypeScript program: the test task's static checks.
//
//   check.ts [--no-lint]
//
// The program is test/tsconfig.json's (test/, the examples, the README's examples and the library
// they import) plus every module of src/ and projenrc/ and .projenrc.ts, built incrementally
// (node_modules/.cache/check/). Its diagnostics are printed as tsc prints them; then eslint runs
// with the project's .eslintrc.json, its type-aware rules reading types from that same program
// (`parserOptions.programs`) instead of building programs of their own: after a fresh clone the
// two took 68 s of CPU as `tsc` and `eslint` (the lint's project service builds one program per
// tsconfig, src/ twice), 39 s this way. The lint does not fix (`npx projen eslint` does): jest
// reads the sources meanwhile. Exits 1 on a type error or a lint error.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'check');
/** What the eslint task lints (see .projen/tasks.json). */
const LINTED = ['src', 'test', 'build-tools', 'projenrc', '.projenrc.ts'];

const walk = (dir: string): string[] => (!fs.existsSync(dir) ? [] : fs.readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [])));

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

/** Builds the program and prints its diagnostics; returns it and how many errors it has. */
function typeCheck(): { program: ts.Program; errors: number } {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'test', 'tsconfig.json'),
    { incremental: true, tsBuildInfoFile: path.join(CACHE, 'test.tsbuildinfo') },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error('check.ts: test/tsconfig.json could not be read');
  const roots = new Set(parsed.fileNames.map((f) => path.resolve(f)));
  for (const f of [...walk(path.join(ROOT, 'src')), ...walk(path.join(ROOT, 'projenrc')), path.join(ROOT, '.projenrc.ts')]) roots.add(f);
  const builder = ts.createIncrementalProgram({
    rootNames: [...roots],
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host: ts.createIncrementalCompilerHost(parsed.options),
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  const diagnostics = [
    ...builder.getConfigFileParsingDiagnostics(),
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ];
  fs.mkdirSync(CACHE, { recursive: true });
  builder.emit(); // noEmit: writes only the build info, so that the next run checks what changed
  if (diagnostics.length > 0) process.stdout.write(`${ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)}\n`);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  process.stdout.write(`type check: ${builder.getProgram().getRootFileNames().length} files, ${errors} error(s)\n`);
  return { program: builder.getProgram(), errors };
}

/** Lints with the project's eslint configuration, types from `program`; returns how many errors. */
async function lint(program: ts.Program): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadESLint } = require('eslint');
  const LegacyESLint = await loadESLint({ useFlatConfig: false });
  const eslint = new LegacyESLint({
    cwd: ROOT,
    extensions: ['.ts', '.tsx'],
    errorOnUnmatchedPattern: false,
    cache: true,
    cacheStrategy: 'content',
    cacheLocation: path.join(CACHE, 'eslint') + path.sep,
    overrideConfig: { parserOptions: { projectService: false, programs: [program] } },
  });
  const results = await eslint.lintFiles(LINTED);
  const text: string = await (await eslint.loadFormatter('stylish')).format(results);
  if (text) process.stdout.write(text);
  const errors = results.reduce((n: number, r: { errorCount: number }) => n + r.errorCount, 0);
  process.stdout.write(`lint: ${results.length} files, ${errors} error(s)\n`);
  return errors;
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--no-lint');
  if (unknown.length > 0) {
    process.stderr.write(`check.ts: unknown argument ${JSON.stringify(unknown[0])} (usage: check.ts [--no-lint])\n`);
    return 2;
  }
  const { program, errors } = typeCheck();
  const lintErrors = args.includes('--no-lint') ? 0 : await lint(program);
  return errors + lintErrors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`check.ts: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
