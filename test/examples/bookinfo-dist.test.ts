// The manifests a user gets from the Bookinfo example. CI runs `npx projen synth:bookinfo`
// (compile, then `cdk8s synth` in examples/bookinfo) before the tests, so when
// examples/bookinfo/dist exists, every object of the real output is validated (CRD schemas,
// CEL rules, Kubernetes core schemas) and analyzed. Without it (a fresh clone, `npx projen
// test` alone), the app is synthesized to a temporary directory the way main.ts does it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { BookinfoChart, bookinfoOptions } from '../../examples/bookinfo/bookinfo';
import { AnalysisLevel, MeshAnalyzer } from '../../src';
import { assertValidYamlPath, loadYamlManifests } from '../support/validator';

const DIST = path.join(__dirname, '..', '..', 'examples', 'bookinfo', 'dist');
const yamlFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : []);

let outdir = DIST;
let temporary: string | undefined;

beforeAll(() => {
  if (yamlFiles(DIST).length > 0) return;
  temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-dist-'));
  outdir = temporary;
  const app = new App({ outdir });
  new BookinfoChart(app, 'bookinfo', { ...bookinfoOptions(app), installOutdir: `${temporary}-istio-install` });
  app.synth();
});

afterAll(() => {
  if (temporary !== undefined) {
    fs.rmSync(temporary, { recursive: true, force: true });
    fs.rmSync(`${temporary}-istio-install`, { recursive: true, force: true });
  }
});

test('the output is plain YAML: one file, every document a Kubernetes object', () => {
  const files = yamlFiles(outdir);
  expect(files).toEqual(['bookinfo.k8s.yaml']);
  const objects = loadYamlManifests(outdir).map((m) => m.object as { [k: string]: any });
  expect(objects.length).toBeGreaterThan(30);
  for (const o of objects) {
    expect(typeof o.apiVersion).toBe('string');
    expect(typeof o.kind).toBe('string');
    expect(typeof o.metadata?.name).toBe('string');
  }
});

test('every object passes the schema + CEL validation', () => {
  expect(() => assertValidYamlPath(outdir, `Bookinfo example output (${temporary ? 'synthesized for the test' : 'examples/bookinfo/dist'})`)).not.toThrow();
});

test('istioctl-analyze rules find nothing in the files (pod templates count as pods, TLS Secrets come from outside)', () => {
  const objects = loadYamlManifests(outdir).map((m) => m.object as { [k: string]: any });
  const diagnostics = MeshAnalyzer.analyze(objects, { workloadPods: true, externalSecrets: true });
  expect(diagnostics.filter((d) => d.level === AnalysisLevel.ERROR).map((d) => MeshAnalyzer.format(d))).toEqual([]);
  expect(diagnostics.map((d) => MeshAnalyzer.format(d))).toEqual([]);
});
