// The full garbage collection before a large app's YAML is written (src/core/heap-compaction.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { ApiObject, App, Chart } from 'cdk8s';
import { HeapCompaction } from '../../src/core/heap-compaction';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { VirtualService } from '../../src/networking/virtual-service';

test('HeapCompaction.run collects the garbage now, and leaves no gc() to the contexts made after it', () => {
  let garbage: object[] | undefined = Array.from({ length: 400_000 }, (_v, i) => ({ i, s: `x${i}` }));
  const held = garbage.length;
  garbage = undefined;
  const before = process.memoryUsage().heapUsed;
  expect(HeapCompaction.run()).toBe(true);
  const freed = before - process.memoryUsage().heapUsed;
  expect(held).toBe(400_000);
  expect(freed).toBeGreaterThan(10 * 1024 * 1024); // 400,000 small objects and strings
  expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
});

/** An app of the library with `n` objects in all: a VirtualService and n - 1 ConfigMaps, over two charts (no analysis: not what is tested). */
function appOf(n: number, outdir?: string): App {
  const app = new App({ outdir });
  app.node.setContext('cdk8s-istio/analysis', 'off');
  const charts = [new Chart(app, 'one'), new Chart(app, 'two')];
  new VirtualService(charts[0], 'r', { hosts: ['r.example.com'], http: [{ route: [{ host: 'r.example.com' }] }] });
  MeshAnalysis.suppress(charts[0], 'IST0101'); // the host is outside the app
  for (let i = 1; i < n; i++) new ApiObject(charts[i % 2], `c${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } });
  return app;
}

test(`an app of ${HeapCompaction.OBJECTS} objects or more is large enough`, () => {
  expect(HeapCompaction.appliesTo(HeapCompaction.OBJECTS - 1)).toBe(false);
  expect(HeapCompaction.appliesTo(HeapCompaction.OBJECTS)).toBe(true);
});

test('a synthesis asks with the app\'s number of objects and, for a large app, collects the garbage once, before writing the YAML; a smaller app is left to V8', () => {
  const run = jest.spyOn(HeapCompaction, 'run');
  const applies = jest.spyOn(HeapCompaction, 'appliesTo');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-compaction-'));
  try {
    const app = appOf(7, outdir);
    app.synthYaml();
    expect(applies.mock.calls).toEqual([[7]]);
    expect(run).not.toHaveBeenCalled();

    applies.mockReturnValue(true); // as if the app were large
    const yaml = app.synthYaml();
    expect(run).toHaveBeenCalledTimes(1);
    expect(yaml.match(/^kind: ConfigMap$/gm)).toHaveLength(6);
    // app.synth() writes a file per chart: still once per synthesis
    app.synth();
    expect(run).toHaveBeenCalledTimes(2);
    expect(applies).toHaveBeenCalledTimes(3);
    expect(fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'))).toHaveLength(2);
  } finally {
    run.mockRestore();
    applies.mockRestore();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
