// `cdk8s-istio graph`: every format from the same files, a namespace alone, --out, and the
// usage errors, through the CLI's entry point.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { BookinfoChart } from '../../../examples/bookinfo/bookinfo';
import { main } from '../../../src/analysis/cli';
import { MeshGraph } from '../../../src/analysis/graph/mesh-graph';

const OFFICIAL = path.join(__dirname, '..', '..', 'fixtures', 'istio-1.30.3-bookinfo');
let dir: string;
let file: string;
let app: ReturnType<typeof Testing.app>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-cli-'));
  file = path.join(dir, 'bookinfo.k8s.yaml');
  app = Testing.app();
  new BookinfoChart(app, 'bookinfo', { scenario: '90-10' });
  fs.writeFileSync(file, app.synthYaml());
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['graph', ...args], (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

describe('cdk8s-istio graph', () => {
  test('Mermaid by default: the same text as the API on the app', async () => {
    const r = await run(file);
    expect(r).toEqual({ code: 0, out: MeshGraph.fromApp(app).toMermaid(), err: '' });
  });

  test('DOT, JSON and the matrix', async () => {
    expect((await run('--format', 'dot', file)).out).toMatch(/^digraph mesh \{\n/);
    const json = JSON.parse((await run('--format', 'json', file)).out);
    expect(json.calls.map((c: any) => `${c.fromNode} -> ${c.to}`)).toContain('bookinfo/reviews -> bookinfo/ratings');
    expect((await run('--format', 'matrix', file)).out).toMatch(/^\| caller \\ service \| bookinfo\/details \|/);
  });

  test('markdown: a page with the Mermaid block and the matrix', async () => {
    const page = (await run('--format', 'markdown', file)).out;
    expect(page).toContain('```mermaid\nflowchart LR\n');
    expect(page).toContain('## Who may call whom');
    expect(page).toContain('| bookinfo/bookinfo-productpage (bookinfo/productpage) | GET /details/* |');
  });

  test('SVG to a file with --out', async () => {
    const out = path.join(dir, 'mesh.svg');
    const r = await run('--format', 'svg', '--out', out, file);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    expect(fs.readFileSync(out, 'utf8')).toContain('<svg');
  });

  test('--namespace keeps one namespace', async () => {
    const json = JSON.parse((await run('--format', 'json', '--namespace', 'elsewhere', file)).out);
    expect(json.services).toEqual([]);
  });

  test('Istio\'s official Bookinfo samples (a directory)', async () => {
    const r = await run('--format', 'json', path.join(OFFICIAL, 'platform', 'kube', 'bookinfo.yaml'), path.join(OFFICIAL, 'networking', 'virtual-service-reviews-80-20.yaml'), path.join(OFFICIAL, 'networking', 'destination-rule-all.yaml'));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.routes.map((x: any) => [x.source, x.version, x.weight])).toEqual([['default/reviews', 'v1', 80], ['default/reviews', 'v2', 20]]);
  });

  test('usage errors exit 1 with the fix', async () => {
    expect(await run('--format', 'png', file)).toMatchObject({ code: 1, err: expect.stringContaining('--format "png" is invalid: use one of mermaid, dot, svg, json, matrix, markdown') });
    expect(await run()).toMatchObject({ code: 1, err: expect.stringContaining('no input files or directories given') });
    expect(await run('--colour', file)).toMatchObject({ code: 1, err: expect.stringContaining("Unknown option '--colour'") });
    const empty = path.join(dir, 'empty.yaml');
    fs.writeFileSync(empty, '# nothing\n');
    expect(await run(empty)).toMatchObject({ code: 1, err: expect.stringContaining('no Kubernetes manifests found') });
    expect((await run('--help')).out).toContain('usage: cdk8s-istio graph');
  });
});
