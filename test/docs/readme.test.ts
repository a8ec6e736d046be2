import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import { MeshAnalysis } from '../../src';

// Every ```ts block of the README is a runnable example: it is type-checked against the
// library's source and executed inside a Chart called `chart`; what it synthesizes goes
// through the manifest validator like every other test.

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SNIPPETS = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const PRELUDE = "import { Chart as __Chart } from 'cdk8s';\ndeclare const chart: __Chart;\n";

function snippetFile(i: number): string {
  return join(ROOT, 'test', 'docs', `__readme_snippet_${i}.ts`);
}

describe('README examples', () => {
  test('the README has examples', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(5);
  });

  test('every example type-checks against the library', () => {
    const files = new Map(SNIPPETS.map((code, i) => [snippetFile(i), PRELUDE + code]));
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      types: [],
      baseUrl: ROOT,
      paths: { 'cdk8s-istio': ['src/index.ts'] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (f) => files.has(f) || ts.sys.fileExists(f);
    host.readFile = (f) => files.get(f) ?? readFile(f);
    host.getSourceFile = (f, lang, onError, create) => (files.has(f)
      ? ts.createSourceFile(f, files.get(f)!, lang)
      : getSourceFile(f, lang, onError, create));
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => `${d.file!.fileName.replace(/.*__readme_snippet_/, 'README example #')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });

  test.each(SNIPPETS.map((code, i) => [i, code]))('example #%i synthesizes valid manifests', (_i, code) => {
    const js = ts.transpileModule(code as string, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const chart = new Chart(new App(), 'bookinfo', { namespace: 'bookinfo' });
    // The snippets are fragments: the Services and workloads they name live elsewhere.
    MeshAnalysis.suppress(chart, 'IST0101');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (id: string) => (id === 'cdk8s-istio' ? require('../../src') : require(id));
    // `app.synth()` in an example would write files: synthesize to YAML instead, which the
    // manifest validator checks like every other synthesis.
    const yamls: string[] = [];
    const synth = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
      yamls.push(this.synthYaml());
    });
    try {
      new Function('require', 'exports', 'chart', js)(load, {}, chart);
    } finally {
      synth.mockRestore();
    }
    if (yamls.length === 0) yamls.push((chart.node.root as App).synthYaml());
    expect(yamls.join('\n').split('\nkind: ').length).toBeGreaterThan(1);
  });
});
