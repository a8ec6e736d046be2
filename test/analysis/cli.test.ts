// The `cdk8s-istio analyze` CLI: exit codes, output formats, options anywhere, directories,
// multi-document YAML, unreadable input; plus the conformance scorer run through the real CLI.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { main } from '../../src/analysis/cli';
import { readManifestFile, readManifestText } from '../../src/analysis/manifest-reader';
import { compileAnalysis } from '../support/compiled-analysis';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'istioctl-analyze');
const ROOT = path.join(__dirname, '..', '..');

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => (out += s), (s) => (err += s));
  if (typeof code !== 'number') throw new Error('this command answers synchronously');
  return { code, out, err };
}

const BROKEN_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;
const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets: [{name: v2, labels: {version: v2}}]
`;
const POD = `apiVersion: v1
kind: Pod
metadata: {name: reviews-v2, namespace: shop, labels: {app: reviews, version: v2}}
spec:
  containers: [{name: reviews, image: reviews}]
`;
const UNNAMED_PORT = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 8080}]
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cli-'));
  fs.mkdirSync(path.join(dir, 'mesh', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'broken.yaml'), `${BROKEN_VS}---\n${SERVICE}`);
  fs.writeFileSync(path.join(dir, 'mesh', 'svc.yaml'), `${SERVICE}---\n${POD}`);
  fs.writeFileSync(path.join(dir, 'mesh', 'nested', 'dr.yml'), `${BROKEN_VS}---\n${DR}`);
  fs.writeFileSync(path.join(dir, 'mesh', 'notes.txt'), 'not yaml: [');
  fs.writeFileSync(path.join(dir, 'info.yaml'), UNNAMED_PORT);
  fs.writeFileSync(path.join(dir, 'bad.yaml'), 'a: [1, 2\nb: }');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('Error-level messages exit 79 and print istioctl-style text', () => {
  const r = cli('analyze', path.join(dir, 'broken.yaml'));
  expect(r.code).toBe(79);
  expect(r.out).toBe('Error [IST0101] (VirtualService shop/reviews) Referenced host+subset in destinationrule not found: "reviews+v2"\n');
});

test('no Error-level messages exit 0 (warnings and infos are printed)', () => {
  const r = cli('analyze', path.join(dir, 'info.yaml'));
  expect(r.code).toBe(0);
  expect(r.out).toContain('Info [IST0118] (Service shop/web) Port name  (port: 8080, targetPort: 0)');
});

test('a clean mesh prints that nothing was found', () => {
  const r = cli('analyze', path.join(dir, 'mesh'));
  expect(r).toEqual({ code: 0, out: '\u2714 No validation issues found when analyzing 4 object(s).\n', err: '' });
});

test('--output json: a list of {code, level, kind, namespace, name, message, origin}', () => {
  const r = cli('analyze', '--output', 'json', path.join(dir, 'broken.yaml'));
  expect(r.code).toBe(79);
  expect(JSON.parse(r.out)).toEqual([{
    code: 'IST0101',
    level: 'Error',
    kind: 'VirtualService',
    namespace: 'shop',
    name: 'reviews',
    message: 'Referenced host+subset in destinationrule not found: "reviews+v2"',
    origin: 'VirtualService shop/reviews',
    analyzer: 'virtualservice.DestinationRuleAnalyzer',
  }]);
});

test('options may come after the files, and --flag=value works', () => {
  const r = cli('analyze', path.join(dir, 'broken.yaml'), '-o=json', '--analyzer=service.PortNameAnalyzer');
  expect(r).toEqual({ code: 0, out: '[]\n', err: '' });
});

test('--output yaml', () => {
  const r = cli('analyze', path.join(dir, 'broken.yaml'), '-o', 'yaml');
  expect(r.out).toMatch(/^- code: "IST0101"\n {2}level: "Error"/);
});

test('--output yaml is YAML the yaml package reads back, every string double-quoted (no YAML 1.1 booleans)', () => {
  const r = cli('analyze', path.join(dir, 'broken.yaml'), '--output', 'yaml');
  const docs = YAML.parse(r.out);
  expect(docs).toEqual(JSON.parse(cli('analyze', path.join(dir, 'broken.yaml'), '--output=json').out));
  expect(r.out).not.toMatch(/^[ -]*\w+: [^"]/m);
  expect(cli('analyze', path.join(dir, 'mesh'), '-o', 'yaml').out).toBe('[]\n');
});

test('-- ends the options; - reads standard input', () => {
  expect(cli('analyze', '-o', 'json', '--', path.join(dir, 'mesh')).out).toBe('[]\n');
  expect(cli('analyze', '--', '--not-an-option.yaml').err).toMatch(/cannot read --not-an-option\.yaml/);
});

test('directories are read recursively (*.yaml, *.yml, *.json), multi-document files split', () => {
  // mesh/svc.yaml + mesh/nested/dr.yml (VirtualService + DestinationRule): the subset now exists
  const r = cli('analyze', '-o', 'json', path.join(dir, 'mesh'));
  expect(JSON.parse(r.out)).toEqual([]);
  const both = cli('analyze', '-o', 'json', path.join(dir, 'mesh'), path.join(dir, 'broken.yaml'));
  // broken.yaml alone fails; with the directory the DestinationRule (in nested/dr.yml) defines the
  // subset; notes.txt (not YAML) is not read
  expect(both.code).toBe(0);
  expect(JSON.parse(both.out)).toEqual([]);
});

test('--suppress CODE=RESOURCE silences a message', () => {
  expect(cli('analyze', path.join(dir, 'broken.yaml'), '--suppress', 'IST0101=VirtualService shop/reviews').code).toBe(0);
  expect(cli('analyze', path.join(dir, 'broken.yaml'), '--suppress', 'IST0101=VirtualService shop/other').code).toBe(79);
});

test('--mesh-config is merged over the defaults', () => {
  fs.writeFileSync(path.join(dir, 'mesh-config.yaml'), 'ingressControllerMode: "OFF"\n');
  const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]
`;
  fs.writeFileSync(path.join(dir, 'gw.yaml'), gw);
  const args = ['analyze', path.join(dir, 'gw.yaml'), '-A', 'gateway.IngressGatewayPortAnalyzer', '-o', 'json'];
  expect(JSON.parse(cli(...args).out)).toEqual([]);
  expect(JSON.parse(cli(...args, '--mesh-config', path.join(dir, 'mesh-config.yaml')).out).map((d: any) => d.code)).toEqual(['IST0101']);
});

test('--help and --list-analyzers', () => {
  expect(cli('--help').out).toContain('usage: cdk8s-istio analyze');
  expect(cli('analyze', '--list-analyzers').out).toContain('virtualservice.GatewayAnalyzer\n');
});

describe('bad input', () => {
  test('an unreadable file exits 1 with a clear message', () => {
    const r = cli('analyze', path.join(dir, 'missing.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^cdk8s-istio: cannot read .*missing\.yaml: ENOENT/);
    expect(r.out).toBe('');
  });
  test('a file that is not valid YAML exits 1 naming the file', () => {
    const r = cli('analyze', path.join(dir, 'bad.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot parse .*bad\.yaml/);
  });
  test('an unknown option exits 1 and points at --help', () => {
    const r = cli('analyze', '--frobnicate', path.join(dir, 'broken.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toBe('cdk8s-istio: unknown option "--frobnicate"\nrun "cdk8s-istio --help" for usage\n');
  });
  test('an invalid --output value exits 1', () => {
    expect(cli('analyze', '-o', 'xml', path.join(dir, 'broken.yaml')).err).toContain('--output "xml" is invalid: use text, json or yaml');
  });
  test('an unknown analyzer exits 1', () => {
    const r = cli('analyze', '--analyzer', 'nope', path.join(dir, 'broken.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown analyzer "nope"');
  });
  test('a malformed --suppress exits 1', () => {
    const r = cli('analyze', '--suppress', 'bogus', path.join(dir, 'broken.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('expected CODE=RESOURCE');
  });
  test('an option without its value exits 1', () => {
    expect(cli('analyze', path.join(dir, 'broken.yaml'), '--mesh-config').err).toContain('option --mesh-config needs a value');
  });
  test('a short option without its value, and an unknown short option, exit 1 with the usage hint', () => {
    expect(cli('analyze', path.join(dir, 'broken.yaml'), '-A')).toEqual({ code: 1, out: '', err: 'cdk8s-istio: option --analyzer needs a value\nrun "cdk8s-istio --help" for usage\n' });
    expect(cli('analyze', '-x', path.join(dir, 'broken.yaml'))).toEqual({ code: 1, out: '', err: 'cdk8s-istio: unknown option "-x"\nrun "cdk8s-istio --help" for usage\n' });
  });
  test('no files exits 1; an unknown command exits 1', () => {
    expect(cli('analyze', '-o', 'json').code).toBe(1);
    expect(cli('lint', 'x.yaml').err).toContain('unknown command "lint"');
  });
});

describe('as a process', () => {
  let compiled: string;
  beforeAll(() => {
    compiled = path.join(compileAnalysis(dir), 'cli.js');
  });
  const env = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
  const node = (args: string[]) => spawnSync(process.execPath, [compiled, ...args], { encoding: 'utf8', timeout: 60_000, env });
  test('exit statuses 79, 0 and 1', () => {
    expect(node(['analyze', path.join(dir, 'broken.yaml')]).status).toBe(79);
    expect(node(['analyze', path.join(dir, 'mesh')]).status).toBe(0);
    const bad = node(['analyze', path.join(dir, 'nope.yaml')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('cannot read');
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  // All 67 cases run in-process (../analysis/conformance.test.ts) and through the compiled CLI
  // in CI (.ci/run); here the first seven check that score.py drives this CLI.
  (python ? test : test.skip)('score.py through the CLI: the first seven cases pass, precision and recall >= 0.95', () => {
    const wrapper = path.join(dir, 'cli.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${compiled}" "$@"\n`, { mode: 0o755 });
    const r = spawnSync('python3', [path.join(FIXTURES, 'score.py'), path.join(FIXTURES, 'cases.json'), path.join(FIXTURES, 'testdata'),
      '--pass-analyzer', '-j', '2', '--filter', '^00[0-9]-', '--', wrapper, 'analyze', '--output', 'json'], { encoding: 'utf8', timeout: 300_000, env });
    const [passed, total] = (/conformance: (\d+)\/(\d+) cases/.exec(r.stdout)?.slice(1) ?? []).map(Number);
    expect(total).toBe(7); // the cases 000-009 that exist
    expect(passed).toBe(total);
    expect(Number(/precision: ([\d.]+)/.exec(r.stdout)?.[1] ?? 0)).toBeGreaterThanOrEqual(0.95);
    expect(Number(/recall: ([\d.]+)/.exec(r.stdout)?.[1] ?? 0)).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});

describe('hostile input', () => {
  const hostile = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-hostile-'));
  afterAll(() => fs.rmSync(hostile, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer): string => {
    const file = path.join(hostile, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test('a YAML alias bomb fails fast with one line, no stack trace', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const file = write('bomb.yaml', `${levels.join('\n')}\n`);
    const started = Date.now();
    const r = cli('analyze', file);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^cdk8s-istio: cannot parse .*bomb\.yaml: document 1: Excessive alias count/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('merge keys are applied, as kubectl applies them', () => {
    const file = write('merge.yaml', [
      'x-meta: &meta {namespace: shop}',
      '---',
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata:',
      '  <<: {namespace: shop}',
      '  name: reviews',
      'spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews, subset: v2}}]}]}',
      '',
    ].join('\n'));
    // the first document is an object (a plain map), the second a VirtualService in "shop"
    const r = cli('analyze', '-o', 'json', file);
    expect(JSON.parse(r.out).map((d: any) => `${d.code} ${d.namespace}/${d.name}`)).toContain('IST0101 shop/reviews');
  });

  test('a binary file, a scalar document and a directory without manifests exit 1 with one line', () => {
    const bin = write('blob.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    expect(cli('analyze', bin)).toEqual({ code: 1, out: '', err: `cdk8s-istio: cannot parse ${bin}: it is a binary file, not YAML or JSON\n` });
    const scalar = write('scalar.yaml', 'just some text\n');
    expect(cli('analyze', scalar).err).toBe(`cdk8s-istio: cannot parse ${scalar}: document 1 is a string, not a Kubernetes object\n`);
    const empty = path.join(hostile, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'README.md'), '# not a manifest\n');
    expect(cli('analyze', empty)).toEqual({ code: 1, out: '', err: `cdk8s-istio: no Kubernetes manifests found in ${empty}\n` });
  });

  test('a FIFO is skipped with a warning instead of blocking', () => {
    const fifo = path.join(hostile, 'pipe.yaml');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) return; // no mkfifo on this platform
    const r = cli('analyze', fifo, path.join(dir, 'mesh'));
    expect(r.code).toBe(0);
    expect(r.err).toBe(`cdk8s-istio: skipping ${fifo}: not a regular file\n`);
  });

  test('a mesh config whose ConfigMap data is bad YAML exits 1 with one line', () => {
    const cm = write('mesh-cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: "a: [1, 2\\nb: }"\n');
    const r = cli('analyze', '--mesh-config', cm, path.join(dir, 'mesh'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^cdk8s-istio: cannot parse mesh config ${cm.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ConfigMap data\\): [^\\n]+\\n$`));
  });

  test('files are read as a stream in 1 MiB chunks: documents across chunk boundaries read as a whole', () => {
    const docs: string[] = [];
    for (let i = 0; i < 1200; i++) {
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: shop\n  labels:\n    app: a${i}\ndata:\n  k: "${'x'.repeat(i % 7 === 0 ? 3000 : 1900)}"\n`);
    }
    // ~2.4 MiB; a leading comment is padded so that the first chunk boundary falls inside a
    // line's indentation (where the yaml parser's incremental mode goes wrong)
    const boundary = 1024 * 1024;
    const body = docs.join('---\n');
    const indented = body.lastIndexOf('metadata:\n  ', boundary - 3) + 'metadata:\n '.length; // between the two spaces
    const text = `# ${'p'.repeat(boundary - indented - 3)}\n${body}`;
    expect(text[boundary - 2]).toBe('\n');
    expect(text.slice(boundary - 1, boundary + 1)).toBe('  ');
    const file = write('many.yaml', text);
    const streamed = [...readManifestFile(file)];
    expect(streamed.length).toBe(1200);
    expect(streamed).toEqual(readManifestText(text));
  });

  test('document-count and size limits stop a read with one line naming the limit', () => {
    const file = write('five.yaml', Array.from({ length: 5 }, (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${i}}\n`).join('---\n'));
    expect(cli('analyze', '--max-documents', '4', file)).toEqual({
      code: 1, out: '', err: `cdk8s-istio: cannot read ${file}: more than 4 documents (--max-documents); split the input or raise the limit\n`,
    });
    expect(cli('analyze', '--max-documents', '5', file).code).toBe(0);
    expect(cli('analyze', '--max-bytes', '10', file).err).toBe(`cdk8s-istio: cannot read ${file}: the input is larger than 10 bytes (--max-bytes); split it or raise the limit\n`);
    expect(cli('analyze', '--max-documents', '0', file).err).toMatch(/^cdk8s-istio: --max-documents "0" is invalid: expected a positive integer/);
  });

  test('150,000 documents in one file: analyzed, no stack overflow', () => {
    const file = write('150k.yaml', '---\n{}\n'.repeat(150_000) + '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: last, labels: {istio-injection: enabled}}\n');
    const r = cli('analyze', '-o', 'json', file);
    expect(r).toEqual({ code: 0, out: '[]\n', err: '' });
  });
});

