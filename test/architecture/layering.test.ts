// The layering rules of ARCHITECTURE.md are live: the project's own eslint configuration
// (generated from .projenrc.ts) reports a back-edge between layers, and src/ has no import cycle
// (checked here over the whole import graph, type-only imports included: eslint-plugin-import's
// no-cycle parsed every module a second time, half of a fresh lint's rule time, and its lint
// cache skipped an unchanged file whose cycle a change elsewhere closed).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const LAYER_RULES = ['import/no-restricted-paths'];

/** The project's eslint config, reduced to one layering rule (fast, and no type information needed). */
function layeringConfig(rule: string): any {
  const text = fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*$/m, '');
  const config = JSON.parse(text);
  for (const r of LAYER_RULES) expect([r, config.rules[r]?.[0]]).toEqual([r, 'error']);
  return { root: true, parser: config.parser, plugins: ['import'], settings: config.settings, rules: { [rule]: config.rules[rule] } };
}

/** Lints `code` as if it were the file `filePath` (which may not exist) with one layering rule. */
async function lint(code: string, filePath: string, rule = LAYER_RULES[0]): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadESLint } = require('eslint');
  const LegacyESLint = await loadESLint({ useFlatConfig: false });
  const eslint = new LegacyESLint({ cwd: ROOT, useEslintrc: false, ignore: false, baseConfig: layeringConfig(rule) });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result.messages.map((m: any) => `${m.ruleId}: ${m.message}`);
}

describe('layering rules', () => {
  test('src/core importing a pattern (L3) is an error', async () => {
    const messages = await lint("import { MeshService } from '../patterns/mesh-service';\nexport const x = MeshService;\n", 'src/core/back-edge.ts');
    expect(messages).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*src\/core is the bottom construct layer/)]);
  });

  test('a resource construct (L2) importing a pattern is an error', async () => {
    const messages = await lint("import { CanaryService } from '../patterns/canary-service';\nexport const x = CanaryService;\n", 'src/networking/back-edge.ts');
    expect(messages).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*resource constructs \(L2\) must not import patterns/)]);
  });

  test('the analysis engine importing a construct layer or L1 bindings is an error', async () => {
    const fromCore = await lint("import { MeshAnalysis } from '../core/mesh-analysis';\nexport const x = MeshAnalysis;\n", 'src/analysis/back-edge.ts');
    expect(fromCore).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*the analysis engine reads plain manifests/)]);
    const fromL1 = await lint("import { VirtualService } from '../../imports/networking.istio.io';\nexport const x = VirtualService;\n", 'src/analysis/back-edge.ts');
    expect(fromL1).toHaveLength(1);
  });

  test('the allowed direction is clean: a pattern importing L2 and core', async () => {
    const messages = await lint("import { VirtualService } from '../networking/virtual-service';\nimport { Protocol } from '../core/protocol';\nexport const x = [VirtualService, Protocol];\n", 'src/patterns/forward-edge.ts');
    expect(messages).toEqual([]);
  });
});

/** The .ts files under `dir`, with the files under `dir` they import (static imports and re-exports, type-only ones included). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {walk(full);} else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const targets = ts.preProcessFile(fs.readFileSync(full, 'utf8'), true, false).importedFiles
          .map((ref) => ts.resolveModuleName(ref.fileName, full, options, ts.sys).resolvedModule?.resolvedFileName)
          .filter((f): f is string => f !== undefined && !f.endsWith('.d.ts') && f.startsWith(dir + path.sep));
        graph.set(full, targets);
      }
    }
  };
  walk(dir);
  return graph;
}

/** The import cycles of `graph`, each as its files relative to the repository, `a -> b -> a`. */
function importCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, stack: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => path.relative(ROOT, f)).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

const SRC = path.join(ROOT, 'src');
let srcGraph: Map<string, string[]> | undefined;
/** src/'s import graph (made once for the tests below). */
const sourceGraph = (): Map<string, string[]> => (srcGraph ??= importGraph(SRC));

describe('import cycles', () => {
  test('src/ has none, type-only imports included', () => {
    const graph = sourceGraph();
    expect(graph.size).toBeGreaterThan(50);
    // the graph holds the library's imports: the entry point re-exports the patterns
    expect(graph.get(path.join(SRC, 'index.ts'))).toContain(path.join(SRC, 'patterns', 'workload-options.ts'));
    expect(importCycles(graph)).toEqual([]);
  });

  test('a cycle is found, through a type-only import or a re-export too', () => {
    const fixtures = path.join(ROOT, 'test', 'fixtures', 'layering');
    expect(importCycles(importGraph(fixtures))).toEqual(['test/fixtures/layering/cycle-a.ts -> test/fixtures/layering/cycle-b.ts -> test/fixtures/layering/cycle-a.ts']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.ts'), "import type { Y } from './y';\nexport interface X { y?: Y }\n");
      fs.writeFileSync(path.join(dir, 'y.ts'), "export * from './z';\nexport interface Y { n: number }\n");
      fs.writeFileSync(path.join(dir, 'z.ts'), "import {\n  X,\n} from './x';\nexport const z: X[] = [];\n");
      const rel = (f: string) => path.relative(ROOT, path.join(dir, f));
      expect(importCycles(importGraph(dir))).toEqual([[rel('x.ts'), rel('y.ts'), rel('z.ts'), rel('x.ts')].join(' -> ')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('every hand-written source file fits in a head (at most 500 lines)', () => {
  const long = [...sourceGraph().keys()]
    .filter((f) => !f.endsWith('.generated.ts'))
    .map((f) => [path.relative(ROOT, f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > 500);
  expect(long).toEqual([]);
});
