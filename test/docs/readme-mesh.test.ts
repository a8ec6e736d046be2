// The README's mesh section is the real output: its Mermaid picture and its who-may-call-whom
// matrix are those of the Bookinfo example as `npx projen synth:bookinfo` synthesizes it, and
// every `$ npx cdk8s-istio ...` transcript runs against that output and prints what it shows.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { BookinfoChart, bookinfoOptions } from '../../examples/bookinfo/bookinfo';
import { main } from '../../src/analysis/cli';
import { MeshGraph } from '../../src/analysis/graph/mesh-graph';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## The mesh before it runs'), README.indexOf('## Performance'));
let dist: string;
let app: App;

beforeAll(() => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-mesh-'));
  app = new App({ outdir: dist });
  new BookinfoChart(app, 'bookinfo', bookinfoOptions(app));
  app.synth();
});
afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

test('the Mermaid picture is the Bookinfo example\'s', () => {
  const block = /```mermaid\n([\s\S]*?)```/.exec(section);
  expect(block?.[1]).toBe(MeshGraph.fromApp(app).toMermaid());
});

test('the matrix is the Bookinfo example\'s', () => {
  const table = /^\| caller \\ service[\s\S]*?\n(?!\|)/m.exec(section);
  expect(table?.[0]).toBe(MeshGraph.fromApp(app).toMarkdownMatrix());
});

/** `$ npx cdk8s-istio ...` transcripts anywhere in the README: the command and what it prints. */
const transcripts = [...README.matchAll(/```text\n\$ npx cdk8s-istio ([\s\S]*?)```/g)].map((m) => {
  const lines = m[1].split('\n');
  let command = lines.shift()!;
  while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines.shift()!.trim()}`;
  return { command, printed: lines.join('\n') };
});

test('the README has transcripts of both commands', () => {
  expect(transcripts.map((t) => t.command.split(' ')[0]).sort()).toEqual(expect.arrayContaining(['authz', 'graph']));
});

test.each(transcripts.map((t) => ({ ...t, name: t.command })))('$ npx cdk8s-istio $name', async ({ command, printed }) => {
  const argv = command.split(/\s+/).filter((a) => a !== '').map((a) => (a === 'dist/' ? dist : a));
  let out = '';
  await main(argv, (s) => { out += s; }, (s) => { out += s; });
  // a transcript shows the whole output, or its first lines
  expect(out.slice(0, printed.length)).toBe(printed);
  expect(printed.length).toBeGreaterThan(0);
});
