// Type check and lint from one TypeScript program: the test task's static checks.
//
//   check.ts [--no-lint]
//
// The program is test/tsconfig.json's (test/, the examples, the README's examples, written first as
// modules by ./readme-snippets, and the library they import) plus every file the eslint task lints (src/, projenrc/, .projenrc.ts, ...), built
// incrementally (node_modules/.cache/check/). Its diagnostics are printed as tsc prints them; then
// eslint runs with the project's .eslintrc.json on the eslint task's paths, its type-aware rules
// reading types from that same program (`parserOptions.programs`) instead of building programs of
// their own (the project service builds one per tsconfig, src/ twice). After a fresh clone, in
// three interleaved rounds on the project's 2-core machine: `tsc` then `eslint` took 77-83 s of
// CPU, this 41-47 s. The lint does not fix (`npx projen eslint` does): jest reads the sources
// meanwhile. Exits 1 on a type error or a lint error.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { writeReadmeSnippets } from './readme-snippets';

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'check');

/** What the eslint task lints, and the extensions it lints (its arguments in .projen/tasks.json). */
function eslintTaskTargets(): { paths: string[]; extensions: string[] } {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8'));
  const args: unknown = tasks.tasks?.eslint?.steps?.[0]?.execArgs;
  const at = Array.isArray(args) ? args.indexOf('$@') : -1;
  const ext = Array.isArray(args) ? args.indexOf('--ext') : -1;
  if (!Array.isArray(args) || at < 0 || ext < 0) throw new Error('the eslint task in .projen/tasks.json no longer runs `eslint --ext <extensions> ... $@ <paths>`');
  return { paths: args.slice(at + 1).map(String), extensions: String(args[ext + 1]).split(',') };
}

/** The files under `file` (a directory, or a file itself) with one of the extensions, declaration files left out. */
function walk(file: string, extensions: string[]): string[] {
  if (!fs.existsSync(file)) return [];
  if (!fs.statSync(file).isDirectory()) return extensions.some((e) => file.endsWith(e)) && !file.endsWith('.d.ts') ? [file] : [];
  return fs.readdirSync(file).filter((name) => name !== 'node_modules').flatMap((name) => walk(path.join(file, name), extensions));
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

type Targets = ReturnType<typeof eslintTaskTargets>;

/** Builds the program (with every file of `targets`) and prints its diagnostics; returns it and how many errors it has. */
function typeCheck({ paths, extensions }: Targets): { program: ts.Program; errors: number } {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'test', 'tsconfig.json'),
    { incremental: true, tsBuildInfoFile: path.join(CACHE, 'test.tsbuildinfo') },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error('check.ts: test/tsconfig.json could not be read');
  // every file the lint reads types of is in the program (a linted file outside it is a lint error)
  const roots = new Set(parsed.fileNames.map((f) => path.resolve(f)));
  for (const p of paths) for (const f of walk(path.join(ROOT, p), extensions)) roots.add(f);
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
  const program = builder.getProgram();
  process.stdout.write(`type check: ${program.getRootFileNames().length} files, ${errors} error(s)\n`);
  return { program, errors };
}

/** Lints `targets` with the project's eslint configuration, types from `program`; returns how many errors. */
async function lint(program: ts.Program, { paths, extensions }: Targets): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadESLint } = require('eslint');
  const LegacyESLint = await loadESLint({ useFlatConfig: false });
  const eslint = new LegacyESLint({
    cwd: ROOT,
    extensions,
    errorOnUnmatchedPattern: false,
    cache: true,
    cacheStrategy: 'content',
    cacheLocation: path.join(CACHE, 'eslint') + path.sep,
    overrideConfig: { parserOptions: { projectService: false, programs: [program] } },
  });
  const results = await eslint.lintFiles(paths);
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
  writeReadmeSnippets();
  const targets = eslintTaskTargets();
  const { program, errors } = typeCheck(targets);
  const lintErrors = args.includes('--no-lint') ? 0 : await lint(program, targets);
  return errors + lintErrors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`check.ts: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
