// The README's "Use it in your own app" guide: its files are examples/your-app verbatim, and
// its main.ts synthesizes (against the library's source) output that the CLI passes. CI runs
// the same guide with the packed library in a fresh directory (.ci/fresh-app.sh).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as library from '../../src';
import { main as cli } from '../../src/analysis/cli';
import { SYNTH_MARKER } from '../../src/analysis/synth-marker';
import { transpiledJs } from '../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'your-app');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const GUIDE = README.slice(README.indexOf('## Use it in your own app'), README.indexOf('\n## ', README.indexOf('## Use it in your own app') + 5));

function fenced(lang: string): string[] {
  return [...GUIDE.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe('README: use it in your own app', () => {
  test('the guide shows examples/your-app verbatim', () => {
    expect(fenced('typescript')).toEqual([fs.readFileSync(path.join(EXAMPLE, 'main.ts'), 'utf8')]);
    expect(fenced('yaml')).toEqual([fs.readFileSync(path.join(EXAMPLE, 'cdk8s.yaml'), 'utf8')]);
    expect(fenced('json')).toEqual([fs.readFileSync(path.join(EXAMPLE, 'tsconfig.json'), 'utf8')]);
  });

  test('the install block (run by .ci/fresh-app.sh) installs the library and its peers', () => {
    const block = /<!-- fresh-app:install -->\n```sh\n([\s\S]*?)```/.exec(GUIDE)?.[1] ?? '';
    expect(block).toMatch(/^npm install cdk8s-istio /m);
    const peers = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies as { [name: string]: string };
    for (const name of Object.keys(peers)) expect(block).toContain(` ${name}@`);
    expect(block).toContain('cdk8s-cli');
  });

  test('main.ts synthesizes output with the marker that the CLI passes (exit 0)', () => {
    const source = fs.readFileSync(path.join(EXAMPLE, 'main.ts'), 'utf8');
    const js = transpiledJs(source);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'your-app-'));
    const saved = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const req = (id: string) => (id === 'cdk8s-istio' ? library : require(id));
      new Function('require', 'exports', js)(req, {});
      const file = path.join(outdir, 'shop.k8s.yaml');
      expect(fs.readFileSync(file, 'utf8').startsWith(`${SYNTH_MARKER}\n`)).toBe(true);
      fs.writeFileSync(path.join(outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: {} }));
      let out = '';
      const code = cli(['analyze', outdir], (s) => (out += s), (s) => (out += s));
      expect(out).toContain('No validation issues found');
      expect(code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = saved;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
