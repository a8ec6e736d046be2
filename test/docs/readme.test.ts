import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { readmeBlocks, readmeSnippets, snippetModule } from '../../projenrc/readme-snippets';
import { MeshAnalysis } from '../../src';
import { transpiledJs } from '../support/compiled-analysis';

// Every ```ts block of the README is a runnable example: it is type-checked against the
// library's source (by the test task's tsc, see below) and executed inside a Chart called
// `chart`; what it synthesizes goes through the manifest validator like every other test.

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SNIPPETS = readmeSnippets(README);

describe('README examples', () => {
  test('the README has examples', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(5);
  });

  // Type-checking them is the test task's `check` step: projenrc/readme-snippets.ts writes each
  // block as a module under test/docs/readme-snippets/, which its one type check (projenrc/check.ts) checks.
  test('each example becomes a module tsc checks against the library source', () => {
    const modules = SNIPPETS.map((code, i) => snippetModule(code, i));
    expect(modules).toHaveLength(SNIPPETS.length);
    for (const [i, m] of modules.entries()) {
      expect(m).not.toMatch(/from\s+'cdk8s-istio'/);
      expect(m).toContain('declare const chart: __Chart;');
      // the block itself follows the 4 prelude lines, only its imports of the package re-pointed
      expect(m.split('\n').slice(4).join('\n').split("'../../../src'").join("'cdk8s-istio'")).toBe(SNIPPETS[i]);
    }
    expect(snippetModule("import { CanaryService } from 'cdk8s-istio';\nnew CanaryService(chart, 'x', {} as any);\n", 3))
      .toContain("import { CanaryService } from '../../../src';");
    // the header names the README line tsc's errors come from
    const first = readmeBlocks('# t\n\n```ts\nconst a = 1;\n```\n');
    expect(first).toEqual([{ code: 'const a = 1;\n', line: 4 }]);
    expect(snippetModule(first[0].code, 0, first[0].line).split('\n')[0]).toContain('#0, from line 4');
  });

  test.each(SNIPPETS.map((code, i) => [i, code]))('example #%i synthesizes valid manifests', (_i, code) => {
    const js = transpiledJs(code as string);
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
      // what an example prints (a review matrix, ...) is not the test's output
      const quiet = { ...console, log: () => undefined };
      new Function('require', 'exports', 'chart', 'console', js)(load, {}, chart, quiet);
    } finally {
      synth.mockRestore();
    }
    if (yamls.length === 0) yamls.push((chart.node.root as App).synthYaml());
    expect(yamls.join('\n').split('\nkind: ').length).toBeGreaterThan(1);
  });
});
