// Where the CRD validators come from (src/analysis/schema/compiled-schemas.ts): the ones the
// package ships (compiled by `npx projen compile` into lib/src/analysis/schema/validators), then
// the disk cache, then ajv. Run in processes of their own on the compiled analysis, laid out as
// in the published package.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { appWithCompiledAnalysis, runCompiledScript } from '../../support/compiled-analysis';

const ROOT = path.join(__dirname, '..', '..', '..');
const DR = 'networking.istio.io/v1/DestinationRule';
const PA = 'security.istio.io/v1/PeerAuthentication';
const HTTP_ROUTE = 'gateway.networking.k8s.io/v1/HTTPRoute';

/** Runs `body` in a fresh process with the compiled analysis at `analysis` loaded as `schema`; returns what it printed, parsed. */
function run(analysis: string, body: string): any {
  const script = `
    const schema = require(${JSON.stringify(path.join(analysis, 'schema', 'compiled-schemas.js'))});
    const { CrdCatalog } = require(${JSON.stringify(path.join(analysis, 'schema', 'schema-catalog.js'))});
    const entry = (key) => CrdCatalog.default().get(...key.split('/'));
    const loaded = (name) => Object.keys(require.cache).some((f) => f.endsWith(name));
    const errors = (fn, obj) => (fn(obj) ? [] : fn.errors.map((e) => e.instancePath + ' ' + e.keyword));
    ${body}`;
  return runCompiledScript(script);
}

const brokenRule = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews' },
  spec: { host: 'reviews', subsets: [{ name: 'v1', trafficPolicy: { portLevelSettings: [{ port: { number: 'x' }, tls: { mode: 'SOMETIMES' } }] } }] },
};

test('a synthesis uses the validators the package ships, and compiles (and caches) only those it does not ship or that were compiled from another schema', () => {
  const { dir: app, analysis } = appWithCompiledAnalysis('shipped-validators-');
  try {
    const shipped = path.join(analysis, 'schema', 'validators');
    const cache = path.join(app, 'node_modules', '.cache', 'cdk8s-istio');
    const cached = () => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.endsWith('.js')).map((f) => f.replace(/-[0-9a-f]+\.js$/, '')).sort() : []);

    // what `npx projen compile` does, for two CRD versions
    expect(run(analysis, `console.log(JSON.stringify(schema.ShippedValidators.write(undefined, ${JSON.stringify([DR, PA])})))`)).toBe(2);
    expect(fs.readdirSync(shipped).sort()).toEqual(['index.json', 'networking.istio.io_DestinationRule_v1.js', 'security.istio.io_PeerAuthentication_v1.js']);
    const code = fs.readFileSync(path.join(shipped, 'networking.istio.io_DestinationRule_v1.js'), 'utf8');
    expect(code).toContain('require("../ajv-runtime")'); // relative: the package works wherever it is installed
    expect(code).not.toContain(app);

    const validate = `
      const dr = schema.compiledSchema(entry(${JSON.stringify(DR)}));
      const route = schema.compiledSchema(entry(${JSON.stringify(HTTP_ROUTE)}));
      console.log(JSON.stringify({
        shippedLoaded: loaded('validators/networking.istio.io_DestinationRule_v1.js'),
        ajvCompilerLoaded: loaded('ajv/dist/compile/index.js'),
        drErrors: errors(dr, ${JSON.stringify(brokenRule)}),
        routeErrors: errors(route, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostnames: [7] } }),
      }));`;
    const fromPackage = run(analysis, validate);
    expect(fromPackage.shippedLoaded).toBe(true);
    expect(fromPackage.drErrors).toEqual(['/spec/subsets/0/trafficPolicy/portLevelSettings/0/port/number type', '/spec/subsets/0/trafficPolicy/portLevelSettings/0/tls/mode enum']);
    expect(fromPackage.routeErrors).toEqual(['/spec/hostnames/0 type']);
    expect(cached()).toEqual(['gateway.networking.k8s.io_HTTPRoute_v1']); // the DestinationRule's was not compiled

    // a package whose DestinationRule validator was compiled from another schema (or by another ajv)
    const indexFile = path.join(shipped, 'index.json');
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    fs.writeFileSync(indexFile, JSON.stringify({ ...index, [DR]: { ...index[DR], fingerprint: '0'.repeat(64) } }));
    const stale = run(analysis, validate);
    expect(stale.shippedLoaded).toBe(false);
    expect(stale.drErrors).toEqual(fromPackage.drErrors);
    expect(cached()).toEqual(['gateway.networking.k8s.io_HTTPRoute_v1', 'networking.istio.io_DestinationRule_v1']);

    // the cached code is used next time: nothing is compiled
    const again = run(analysis, validate);
    expect(again).toEqual({ ...stale, ajvCompilerLoaded: false });

    // no shipped validators at all (the TypeScript sources): compiled, or from the cache
    fs.rmSync(shipped, { recursive: true });
    expect(run(analysis, validate)).toEqual(again);
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});

test('an unknown CRD version cannot be shipped', () => {
  const { dir: app, analysis } = appWithCompiledAnalysis('shipped-validators-');
  try {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(analysis, 'schema', 'compiled-schemas.js'))}).ShippedValidators.write(undefined, ['example.com/v1/Widget'])`],
      { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no CRD version example.com/v1/Widget in the schema catalogue');
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});

test('when the code that compiles validators cannot be read (a bundled library), validators are compiled in memory: none shipped or cached is trusted', () => {
  const { dir: app, analysis } = appWithCompiledAnalysis('shipped-validators-');
  try {
    expect(run(analysis, `console.log(JSON.stringify(schema.ShippedValidators.write(undefined, ${JSON.stringify([DR])})))`)).toBe(1);
    const result = run(analysis, `
      require('fs').rmSync(${JSON.stringify(path.join(analysis, 'schema', 'schema-convert.js'))}); // loaded, then gone
      const dr = schema.compiledSchema(entry(${JSON.stringify(DR)}));
      console.log(JSON.stringify({ shippedLoaded: loaded('validators/networking.istio.io_DestinationRule_v1.js'), drErrors: errors(dr, ${JSON.stringify(brokenRule)}) }));`);
    expect(result).toEqual({ shippedLoaded: false, drErrors: ['/spec/subsets/0/trafficPolicy/portLevelSettings/0/port/number type', '/spec/subsets/0/trafficPolicy/portLevelSettings/0/tls/mode enum'] });
    expect(fs.existsSync(path.join(app, 'node_modules', '.cache', 'cdk8s-istio'))).toBe(false);
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});
