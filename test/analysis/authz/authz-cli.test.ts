// `cdk8s-istio authz check` on synthesized YAML: verdicts, deciding policies, exit codes, and
// the usage errors.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { BookinfoChart } from '../../../examples/bookinfo/bookinfo';
import { main } from '../../../src/analysis/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authz-'));
const file = path.join(dir, 'bookinfo.yaml');
beforeAll(() => {
  const app = Testing.app();
  new BookinfoChart(app, 'bookinfo');
  fs.writeFileSync(file, app.synthYaml());
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(['authz', 'check', ...args], (s) => { out += s; }, (s) => { err += s; });
  if (typeof code !== 'number') throw new Error('this command answers synchronously');
  return { code, out, err };
}

describe('cdk8s-istio authz check', () => {
  test('ALLOW (exit 0) with the deciding policy and rule', () => {
    const r = run('--from', 'bookinfo/bookinfo-productpage', '--to', 'reviews.bookinfo:9080', '--method', 'GET', '--path', '/reviews/1', file);
    expect(r).toEqual({ code: 0, out: 'ALLOW by bookinfo/reviews (rule 0): an ALLOW policy matches\n', err: '' });
  });

  test('DENY (exit 3): no ALLOW rule matches, or a DENY policy does', () => {
    const r = run('--from', 'bookinfo/bookinfo-details', '--to', 'reviews.bookinfo', '--method', 'GET', '--path', '/reviews/1', file);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^DENY: ALLOW policies apply \(.*bookinfo\/reviews.*\) but none matches\n$/);
    const jwt = run('--from', 'istio-system/istio-ingressgateway-service-account', '--to', 'productpage.bookinfo', '--method', 'GET', '--path', '/productpage', file);
    expect(jwt).toMatchObject({ code: 3, out: 'DENY by bookinfo/productpage-require-jwt (rule 0): a DENY policy matches\n' });
  });

  test('a validated token and headers are part of the request', () => {
    const r = run('--from', 'istio-system/istio-ingressgateway-service-account', '--to', 'productpage.bookinfo:9080', '--method', 'GET', '--path', '/productpage',
      '--header', 'end-user=jason', '--jwt-claims', '{"iss":"testing@secure.istio.io","sub":"jason"}', file);
    expect(r).toMatchObject({ code: 0, out: 'ALLOW by bookinfo/productpage (rule 0): an ALLOW policy matches\n' });
  });

  test('DEPENDS (exit 4) when the answer turns on what was not given', () => {
    const dep = path.join(dir, 'ip.yaml');
    fs.writeFileSync(dep, [
      'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: data}\nspec: {selector: {app: db}, ports: [{port: 5432}]}',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: data}\nspec: {selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}}',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: office, namespace: data}\nspec: {rules: [{from: [{source: {ipBlocks: ["10.0.0.0/8"]}}]}]}',
    ].join('\n---\n'));
    expect(run('--from', 'unauthenticated', '--to', 'db.data', dep)).toMatchObject({ code: 4, out: expect.stringMatching(/^DEPENDS by data\/office \(rule 0\)/) });
    expect(run('--from', 'ip:10.1.2.3', '--to', 'db.data', dep).code).toBe(0);
    expect(run('--from', 'ip:192.168.1.1', '--to', 'db.data', dep).code).toBe(3);
  });

  test.each([
    [['--to', 'reviews.bookinfo'], /--from is required/],
    [['--from', 'bookinfo', '--to', 'reviews'], /--from "bookinfo" is invalid: use <namespace>\/<serviceaccount>, unauthenticated or ip:<address>/],
    [['--from', 'unauthenticated', '--to', 'Reviews!'], /--to "Reviews!" is invalid/],
    [['--from', 'unauthenticated', '--to', 'reviews', '--header', 'nope'], /--header "nope" is invalid: use name=value/],
    [['--from', 'unauthenticated', '--to', 'reviews', '--jwt-claims', '[1]'], /--jwt-claims must be a JSON object of claims/],
    [['--from', 'unauthenticated', '--to', 'reviews'], /no input files or directories given/],
  ])('bad usage %j exits 1 and says why', (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  test('help', () => {
    let out = '';
    expect(main(['authz', '--help'], (s) => { out += s; }, () => undefined)).toBe(0);
    expect(out).toMatch(/usage: cdk8s-istio authz check --from CALLER --to SERVICE/);
  });
});
