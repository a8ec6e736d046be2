// The validation worker (compiled JS only): same results as validating in-thread, and it never
// keeps the process alive.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateManifests } from '../../../src/analysis/schema/validation-host';
import { compileAnalysis } from '../../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..', '..');

const objects = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: ['r'], http: [{ timeout: '1 s', route: [{ destination: { host: 'r' } }] }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: '9lives' }, spec: { ports: [{ port: 80 }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ok' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
];

test('in a worker thread: same results as in-thread, and the process exits by itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-host-'));
  const analysis = compileAnalysis(dir);
  const script = `
    const host = require(${JSON.stringify(path.join(analysis, 'schema', 'validation-host.js'))});
    host.prewarmSchemaValidation();
    const results = host.validateManifests(${JSON.stringify(objects)});
    process.stdout.write(JSON.stringify(results));
  `;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), CDK8S_ISTIO_CACHE: 'off' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const inWorker = JSON.parse(r.stdout);
  const inThread = validateManifests(objects);
  expect(inWorker).toEqual(JSON.parse(JSON.stringify(inThread)));
  expect(inThread[0].problems.map((p) => p.path)).toEqual(['spec.http[0].timeout']);
  expect(inThread[1].problems.map((p) => p.path)).toEqual(['metadata.name']);
  expect(inThread[2].problems).toEqual([]);
  expect(inThread[3]).toEqual({ problems: [], unknownKind: true });
  fs.rmSync(dir, { recursive: true, force: true });
});
