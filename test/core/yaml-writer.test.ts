// Every string the app emits reads back as the same string, under YAML 1.1 (PyYAML, and the
// `yaml` library in 1.1 mode) and YAML 1.2 — including what go-yaml (kubectl) would take for
// a number: the synthesized files go through src/core/yaml-writer.ts.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { needsQuoting, stringifyYamlDocument, stringifyYamlDocumentWithYamlLibrary, stringifyYamlSafely, writtenWithJsYaml } from '../../src/core/yaml-writer';
import { VirtualService } from '../../src/networking/virtual-service';

/** Strings some YAML reader would not read back as the same string if written plain. */
const RISKY = [
  // integers in every base and notation (Go's strconv drops underscores)
  '0', '-0', '+0', '0777', '0o17', '0O17', '0x1F', '0X1F', '0b101', '0B101', '+_0', '1_000', '0x_1F', '-0b_1',
  // floats, hexadecimal floats, infinities and NaN (YAML and Go spellings)
  '.5', '1.', '1e3', '1E-3', '-2.5e+10', '0x1p-2', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'Inf', '+Inf', '-infinity', 'NaN', 'nan',
  // YAML 1.1 base 60 and timestamps
  '1:20', '-1:20:30', '190:20:30.15', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-1-1',
  // YAML 1.1 booleans and nulls in every case form
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '',
  // merge and value keys
  '<<', '=',
  // characters YAML 1.1 reads as line breaks or a byte-order mark, control characters
  'a\u2028b', 'a\u2029b', 'x\u0085y', '\ufeffbom', 'tab\there', 'bell\u0007', 'del\u007f', 'c1\u0090',
  // indicators and whitespace the writer must quote or escape
  ' lead', 'trail ', '- item', ': colon', '? key', '#comment', "'single'", '"double"', '*alias', '&anchor', '!tag', '%directive',
  '@at', '`tick', '{flow}', '[seq]', '|literal', '>folded', 'a: b', 'a #b', 'multi\nline', 'trailing\n', 'crlf\r\nline',
];

/** Strings that must stay plain (the writer only quotes what needs it). */
const PLAIN = ['10s', 'reviews', '1.20.3', 'v1', 'V2', 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3', '/api/v1', 'ISTIO_MUTUAL', '8080-tcp', '1a', '0xZZ'];

const python = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

function pyyamlLoadAll(file: string): unknown[] {
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")))))', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function appWithStrings(values: readonly string[]): App {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  MeshAnalysis.suppress(chart, 'IST0101');
  new VirtualService(chart, 'reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
  const data: { [k: string]: string } = {};
  values.forEach((v, i) => { data[`k${i}`] = v; });
  // data keys that look like numbers, booleans and dates (keys are strings too)
  for (const k of ['0o17', '0777', '1e3', 'y', 'on', 'NO', '1_000', '2001-12-14', '.inf']) data[k] = k;
  new ConfigMap(chart, 'strings', { metadata: { name: 'strings', annotations: Object.fromEntries(values.map((v, i) => [`example.com/a${i}`, v])) }, data });
  return app;
}

function stringsOf(objs: any[]): { data: any; annotations: any } {
  const cm = objs.find((o) => o?.kind === 'ConfigMap');
  return { data: cm.data, annotations: cm.metadata.annotations };
}

describe('YAML that survives kubectl', () => {
  const values = [...RISKY, ...PLAIN];
  const expected = stringsOf(Testing.synth(appWithStrings(values).node.findChild('shop') as Chart));

  test(`${RISKY.length} risky strings round-trip through app.synth() files: YAML 1.1 (yaml library) and 1.2`, () => {
    const app = appWithStrings(values);
    app.synth();
    const file = path.join(app.outdir, fs.readdirSync(app.outdir).find((f) => f.endsWith('.yaml'))!);
    const text = fs.readFileSync(file, 'utf8');
    for (const version of ['1.1', '1.2'] as const) {
      const docs = YAML.parseAllDocuments(text, { version }).map((d) => d.toJS({ maxAliasCount: 0 }));
      expect(stringsOf(docs)).toEqual(expected);
    }
  });

  (python ? test : test.skip)('and through PyYAML, a YAML 1.1 reader (app.synthYaml() too)', () => {
    const app = appWithStrings(values);
    app.synth();
    const file = path.join(app.outdir, fs.readdirSync(app.outdir).find((f) => f.endsWith('.yaml'))!);
    expect(stringsOf(pyyamlLoadAll(file) as any[])).toEqual(expected);
    const yamlFile = path.join(app.outdir, 'synth-yaml.txt');
    fs.writeFileSync(yamlFile, appWithStrings(values).synthYaml());
    expect(stringsOf(pyyamlLoadAll(yamlFile) as any[])).toEqual(expected);
  });

  test('number-like strings are quoted, so a Go reader cannot take them for numbers', () => {
    const out = stringifyYamlSafely({ a: '0o17', b: '0X1F', c: '0B101', d: '+_0', e: '<<', f: '=', g: 'x\u2028y' });
    expect(out).toBe('a: "0o17"\nb: "0X1F"\nc: "0B101"\nd: "+_0"\ne: "<<"\nf: "="\ng: "x\\Ly"\n');
    expect(stringifyYamlSafely({ '<<': { a: 1 } })).toBe('"<<":\n  a: 1\n');
  });

  test('strings no reader misreads stay plain; numbers stay numbers', () => {
    for (const s of PLAIN) expect({ s, quoted: needsQuoting(s) }).toEqual({ s, quoted: false });
    for (const s of RISKY.slice(0, 60)) expect({ s, quoted: needsQuoting(s) }).toEqual({ s, quoted: true });
    expect(stringifyYamlSafely({ port: 9080, ratio: 0.5, on: true, none: null })).toBe('port: 9080\nratio: 0.5\n"on": true\nnone: null\n');
  });

  test('a document with nothing to quote is written exactly as cdk8s writes it', () => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { version: 'v1' } }, data: { timeout: '10s', image: 'example/reviews:1.20.3', multi: 'a\nb' }, n: [1, 2.5, true, null] };
    expect(stringifyYamlSafely(doc, doc)).toBe(Yaml.stringify(doc, doc));
  });

  test('every string the YAML 1.1 writer would quote is quoted by the faster writer (fast path == cdk8s output)', () => {
    // strings over the characters numbers, booleans, timestamps and indicators are made of
    const tricky = fc.string({ unit: fc.constantFrom(...'0123456789.:-+_eExXoObBpP yYnNaA~<=#\'"tTZ/'), maxLength: 8 });
    fc.assert(fc.property(tricky, tricky, (key, value) => {
      const doc = { [key]: value, list: [value] };
      if (needsQuoting(key) || needsQuoting(value)) return;
      expect(stringifyYamlSafely(doc)).toBe(Yaml.stringify(doc));
    }), { numRuns: 2000 });
    // a key that starts like the document-end marker is quoted, as the yaml library does (found by this property)
    for (const k of ['...', '...a', '... a', '....']) expect(stringifyYamlSafely({ [k]: 'b' })).toBe(Yaml.stringify({ [k]: 'b' }));
    expect(stringifyYamlSafely({ '...': 'b' })).toBe('"...": b\n');
    // forms only the `yaml` library's 1.1 schema reads as numbers
    for (const s of ['.', '._', '0x_', '0b_', 'e0', '._e1', '-.e5']) expect({ s, quoted: needsQuoting(s) }).toEqual({ s, quoted: true });
  });

  test('documents written with js-yaml (the fast way) get the text the yaml library writes, byte for byte', () => {
    const unit = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...'abcXYZ019_-./:#@!?*&|>{}[],%`\'"\\ $^()=+~<') },
      { weight: 1, arbitrary: fc.constantFrom('\n', '\t', '\r', '\u0085', '\u2028', '\u00e9', '\u4e2d', '\ud83d\ude00', '\u0007', '\u00a0') },
    );
    const str = fc.oneof(fc.string({ unit, maxLength: 10 }), fc.constantFrom(...PLAIN, 'reviews.bookinfo.svc.cluster.local', '^/api/v[0-9]+', '*.example.com', '$HOME', '(a|b)', '.hidden', 'a:b', 'x:', '0:_', '_:0', '1:2:3', '-1_0:2', '_1', 'k8s.io/name', '...', '---', '...x'));
    const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 1e-7, 0.1, 2.5, Number.MAX_SAFE_INTEGER));
    const { doc } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, str, num, fc.boolean(), fc.constant(null), tie('list'), tie('doc')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      doc: fc.dictionary(str, tie('value'), { maxKeys: 5 }),
    }));
    fc.assert(fc.property(doc, (d) => {
      expect(stringifyYamlDocument(d)).toBe(stringifyYamlDocumentWithYamlLibrary(d));
    }), { numRuns: 1500 });
    // the strings the fast way takes, over printable ASCII and the characters of numbers and indicators
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 14 });
    const tricky = fc.string({ unit: fc.constantFrom(...'0123456789.:-+_eExXoObBpP yYnNaA~<=#tTZ/$^()[]{}*&!|>%@`,?'), minLength: 1, maxLength: 10 });
    const fast = fc.oneof(ascii, tricky).filter((x) => writtenWithJsYaml({ x }));
    fc.assert(fc.property(fast, fast, num, (a, b, n) => {
      const d = { [a]: b, list: [a, b, n, { [b]: [a] }], n, empty: {}, none: [] };
      expect(stringifyYamlDocument(d)).toBe(stringifyYamlDocumentWithYamlLibrary(d));
    }), { numRuns: 3000 });
  });

  test('manifests go the fast way unless a value needs the yaml library', () => {
    const doc = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo', labels: { 'app.kubernetes.io/name': 'reviews' } }, spec: { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [{ match: [{ uri: { regex: '^/api/v[0-9]+' } }], route: [{ destination: { host: 'reviews', subset: 'v1', port: { number: 9080 } }, weight: 90 }], timeout: '10s', retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' } }] } };
    expect(writtenWithJsYaml(doc)).toBe(true);
    expect(writtenWithJsYaml({ ...doc, data: { script: 'line 1\nline 2' } })).toBe(false); // block scalar
    expect(writtenWithJsYaml({ ...doc, spec: { hosts: ['*.example.com'] } })).toBe(false); // an indicator first
    expect(writtenWithJsYaml({ ...doc, spec: { ratio: 1e-7 } })).toBe(false);
    expect(writtenWithJsYaml({ ...doc, spec: { hosts: ['on'] } })).toBe(false); // quoted for YAML 1.1 readers
    // the same object twice: the yaml library writes an anchor and an alias
    const shared = { host: 'reviews' };
    const twice = { ...doc, spec: { a: shared, b: [shared] } };
    expect(writtenWithJsYaml(twice)).toBe(false);
    expect(stringifyYamlDocument(twice)).toBe(stringifyYamlDocumentWithYamlLibrary(twice));
  });

  test('an app of several chunks of documents (128 texts each) is written as its documents one by one, in order', () => {
    for (const count of [63, 64, 65, 200]) {
      const app = Testing.app();
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      MeshAnalysis.suppress(chart, '*');
      for (let i = 0; i < count; i++) new VirtualService(chart, `vs${i}`, { hosts: [`h${i}`], http: [{ route: [{ host: `h${i}` }] }] });
      const docs = chart.toJson();
      expect(docs).toHaveLength(count);
      const yaml = app.synthYaml();
      expect(yaml).toBe(stringifyYamlSafely(...docs));
      expect(yaml.split('---\n')).toHaveLength(count);
    }
  });

  test('the swap is scoped to the synthesis: cdk8s\'s own writer is back afterwards', () => {
    const before = Yaml.stringify;
    appWithStrings(['0o17']).synthYaml();
    expect(Yaml.stringify).toBe(before);
    expect(Yaml.stringify({ a: '0o17' })).toBe('a: 0o17\n');
  });
});
