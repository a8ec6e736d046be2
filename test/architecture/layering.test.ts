// The layering rules of ARCHITECTURE.md are live: the project's own eslint configuration
// (generated from .projenrc.ts) reports a back-edge between layers and an import cycle.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const LAYER_RULES = ['import/no-restricted-paths', 'import/no-cycle'];

/** The project's eslint config, reduced to one layering rule (fast, and no type information needed). */
function layeringConfig(rule: string): any {
  const text = fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*$/m, '');
  const config = JSON.parse(text);
  for (const r of LAYER_RULES) expect([r, config.rules[r]?.[0]]).toEqual([r, 'error']);
  return { root: true, parser: config.parser, plugins: ['import'], settings: config.settings, rules: { [rule]: config.rules[rule] } };
}

/** Lints `code` as if it were the file `filePath` (which may not exist) with one layering rule. */
async function lint(code: string, filePath: string, rule = 'import/no-restricted-paths'): Promise<string[]> {
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

  test('an import cycle is an error', async () => {
    const file = 'test/fixtures/layering/cycle-a.ts';
    const messages = await lint(fs.readFileSync(path.join(ROOT, file), 'utf8'), file, 'import/no-cycle');
    expect(messages).toEqual([expect.stringMatching(/^import\/no-cycle: Dependency cycle detected/)]);
  });
});

/** Relative imports of every .ts file under src/, type-only imports included. */
function sourceGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {walk(full);} else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const targets: string[] = [];
        for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gm)) {
          const base = path.resolve(path.dirname(full), m[1]);
          const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
          if (target && target.startsWith(path.join(ROOT, 'src'))) targets.push(target);
        }
        graph.set(full, targets);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return graph;
}

test('src/ has no import cycle, type-only imports included', () => {
  const graph = sourceGraph();
  expect(graph.size).toBeGreaterThan(50);
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
  expect(cycles).toEqual([]);
});

test('every hand-written source file fits in a head (at most 500 lines)', () => {
  const long = [...sourceGraph().keys()]
    .filter((f) => !f.endsWith('.generated.ts'))
    .map((f) => [path.relative(ROOT, f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > 500);
  expect(long).toEqual([]);
});
