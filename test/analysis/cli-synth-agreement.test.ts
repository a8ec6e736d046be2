// `cdk8s-istio analyze` on the library's own synthesized output gives the same findings as
// synth-time analysis (issue #10 item 4): files carry the synth marker, and the CLI then makes
// the synth-time assumptions unless told otherwise.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { main } from '../../src/analysis/cli';
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';
import { SYNTH_MARKER, fileHasSynthMarker } from '../../src/analysis/synth-marker';
import { MeshService } from '../../src/patterns/mesh-service';
import { MtlsNamespace } from '../../src/patterns/mtls-namespace';

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => (out += s), (s) => (err += s));
  if (typeof code !== 'number') throw new Error('this command answers synchronously');
  return { code, out, err };
}

/** Synthesizes a small app (a versioned service with a DestinationRule subset, in a namespace the app does not declare) into a temp dir. */
function synthesizedApp(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-synth-'));
  const app = new App({ outdir });
  const chart = new MtlsNamespace(app, 'shop', { namespaceName: 'shop' });
  const reviews = new MeshService(chart, 'reviews', { port: 9080, versions: [{ version: 'v1', image: 'reviews:1' }], securityContext: { user: 1000 } });
  const web = new MeshService(chart, 'web', { port: 8080, image: 'web:1', securityContext: { user: 1000 } });
  reviews.allowFrom(web);
  app.synth();
  return outdir;
}

describe('CLI and synth-time analysis agree', () => {
  let dir: string;
  beforeAll(() => { dir = synthesizedApp(); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('app.synth() writes files that start with the marker; synthYaml() output is unchanged', () => {
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.yaml'))!);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(SYNTH_MARKER);
    expect(fileHasSynthMarker(file)).toBe(true);
    const app = new App();
    new MeshService(new Chart(app, 'c', { namespace: 'x' }), 's', { port: 80, image: 'i:1', securityContext: { user: 1000 } });
    expect(app.synthYaml()).not.toContain(SYNTH_MARKER);
  });

  test('by default the synthesized output is analyzed with the synth-time assumptions: no findings, exit 0', () => {
    const r = cli('analyze', dir);
    expect(r.err).toBe('');
    expect(r.out).toContain('No validation issues found');
    expect(r.code).toBe(0);
  });

  test('--assume istioctl analyzes like istioctl (no pods, no implied namespace): findings synth would not make', () => {
    const r = cli('analyze', '--assume', 'istioctl', dir);
    expect(r.out).toMatch(/IST0\d{3}/);
    expect(r.out).not.toContain('No validation issues found');
  });

  test('a hand-written file without the marker is analyzed like istioctl; so is a mix of marked and unmarked files', () => {
    const plain = path.join(dir, 'hand-written');
    fs.mkdirSync(plain);
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.yaml'))!);
    const body = fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n');
    fs.writeFileSync(path.join(plain, 'shop.yaml'), body);
    const unmarked = cli('analyze', plain);
    const istioctl = cli('analyze', '--assume', 'istioctl', file);
    expect(unmarked.out).toBe(istioctl.out);
    expect(unmarked.out).toMatch(/IST0\d{3}/);
    expect(cli('analyze', '--assume', 'synth', plain).code).toBe(0);
    const mixed = cli('analyze', dir); // dir now holds the marked file and the unmarked copy
    expect(mixed.out).not.toContain('No validation issues found');
    fs.rmSync(plain, { recursive: true });
  });

  test('--assume takes auto, synth or istioctl only', () => {
    const r = cli('analyze', '--assume', 'cluster', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--assume "cluster" is invalid: use auto, synth or istioctl');
  });

  test('a file that cannot be read has no marker', () => {
    expect(fileHasSynthMarker(path.join(dir, 'missing.yaml'))).toBe(false);
  });
});

describe('AnalysisOptions.impliedNamespaces', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'made-elsewhere' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'a' } } };
  const policy = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'made-elsewhere' }, spec: { action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['made-elsewhere'] } }] }] } };

  test('namespaces objects are placed in count as existing; the implied Namespace objects themselves get no findings', () => {
    const without = MeshAnalyzer.analyze([svc, policy]).map((d) => `${d.code} ${d.message}`);
    expect(without.join('\n')).toContain('made-elsewhere');
    const withIt = MeshAnalyzer.analyze([svc, policy], { impliedNamespaces: true }).map((d) => `${d.code} ${d.message}`);
    expect(withIt.join('\n')).not.toMatch(/namespace.*made-elsewhere.*not found|not found.*made-elsewhere/i);
    expect(withIt.length).toBeLessThan(without.length);
    expect(MeshAnalyzer.analyze([svc, policy], { impliedNamespaces: true }).every((d) => d.kind !== 'Namespace')).toBe(true);
  });
});
