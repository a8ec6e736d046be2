// Runs every vendored istioctl-analyze conformance case in-process (the same engine call the CLI
// makes) and guards the acceptance thresholds: >= 64/67 cases, precision and recall >= 0.95.
import * as fs from 'fs';
import * as path from 'path';
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';

const DIR = path.join(__dirname, '..', 'fixtures', 'istioctl-analyze');

interface Case {
  id: string;
  analyzerName: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  meshNetworksFile: string | null;
  analyzerCodes: string[];
  expected: { code: string; kind: string; namespace: string; name: string }[];
}

const cases: Case[] = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8'));
const read = (p: string) => MeshAnalyzer.parseYaml(fs.readFileSync(path.join(DIR, p), 'utf8'));
const key = (m: { code: string; kind: string; namespace?: string; name: string }) => `${m.code} ${m.kind} ${m.namespace ?? ''}/${m.name}`;

function count(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function runCase(c: Case): { produced: string[]; expected: string[] } {
  const objects = c.inputFiles.flatMap(read);
  const diags = MeshAnalyzer.analyze(objects, {
    analyzers: [c.analyzerName],
    meshConfig: c.meshConfigFile ? read(c.meshConfigFile)[0] : undefined,
    meshNetworks: c.meshNetworksFile ? read(c.meshNetworksFile)[0] : undefined,
  });
  const allowed = new Set(c.analyzerCodes);
  return {
    produced: diags.filter((d) => allowed.size === 0 || allowed.has(d.code)).map(key).sort(),
    expected: c.expected.map(key).sort(),
  };
}

test('the corpus is vendored (67 cases)', () => {
  expect(cases.length).toBe(67);
});

test('conformance: >= 64 of 67 cases pass, message precision and recall >= 0.95', () => {
  let passed = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const { produced, expected } = runCase(c);
    const p = count(produced);
    const e = count(expected);
    let caseTp = 0;
    for (const [k, n] of p) caseTp += Math.min(n, e.get(k) ?? 0);
    tp += caseTp;
    fp += produced.length - caseTp;
    fn += expected.length - caseTp;
    if (JSON.stringify(produced) === JSON.stringify(expected)) passed++;
    else failures.push(`${c.id}: expected ${JSON.stringify(expected)} got ${JSON.stringify(produced)}`);
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  if (failures.length > 0) process.stderr.write(`conformance failures:\n${failures.join('\n')}\n`);
  expect(passed).toBeGreaterThanOrEqual(64);
  expect(precision).toBeGreaterThanOrEqual(0.95);
  expect(recall).toBeGreaterThanOrEqual(0.95);
});

describe.each(cases.map((c) => [c.id, c] as const))('case %s', (_id, c) => {
  test('produces exactly the expected messages', () => {
    const { produced, expected } = runCase(c);
    expect(produced).toEqual(expected);
  });
});
