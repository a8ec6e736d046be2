// The app's declared MeshConfig (src/core/mesh-config-source.ts) feeds the synth-time analysis,
// and the after-synth hook (src/core/synthesis.ts) runs once app.synth() has written the app.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { IMeshConfig, MeshAnalysis, Telemetry } from '../../src';
import { afterAppSynth } from '../../src/core/synthesis';

const meshConfig = (config: { [key: string]: any }): IMeshConfig => ({ renderMeshConfig: () => config });
const OTEL = { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }] };

function tracingApp(provider: string): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new Telemetry(chart, 'tracing', { metadata: { name: 'tracing', namespace: 'shop' }, tracing: [{ providers: [provider], randomSamplingPercentage: 5 }] });
  return { app, chart };
}

describe('MeshAnalysis.useMeshConfig', () => {
  test('a Telemetry naming a provider the declared MeshConfig lacks fails the synth (CKI0007)', () => {
    const { app } = tracingApp('zipkin');
    MeshAnalysis.useMeshConfig(app, meshConfig(OTEL));
    expect(() => app.synthYaml()).toThrow(/\[shop\/tracing\] Error \[CKI0007\] \(Telemetry shop\/tracing\) The extension provider "zipkin" \(spec\.tracing\[0\]\.providers\[0\]\) is not defined in the mesh's MeshConfig \(defined: prometheus, stackdriver, envoy, otel\)/);
  });

  test('the same app is clean with the provider defined, and without a declared MeshConfig', () => {
    const declared = tracingApp('otel');
    MeshAnalysis.useMeshConfig(declared.app, meshConfig(OTEL));
    expect(() => declared.app.synthYaml()).not.toThrow();
    expect(() => tracingApp('zipkin').app.synthYaml()).not.toThrow();
  });

  test('MeshAnalysis.analyze sees the declared MeshConfig too', () => {
    const { chart } = tracingApp('zipkin');
    MeshAnalysis.useMeshConfig(chart, meshConfig(OTEL));
    expect(MeshAnalysis.analyze(chart).map((d) => d.diagnostic.code)).toContain('CKI0007');
  });

  test('an app deploys to one mesh: a second, different MeshConfig is refused with both places named', () => {
    const { app, chart } = tracingApp('otel');
    MeshAnalysis.useMeshConfig(app, meshConfig(OTEL));
    expect(() => MeshAnalysis.useMeshConfig(chart, meshConfig({}))).toThrow(
      /^\[shop\] meshConfig "shop" is invalid: the app's mesh configuration is already declared by <root>; an app deploys to one mesh\. Fix: declare the MeshConfig once per app/);
  });
});

describe('afterAppSynth', () => {
  test('runs after app.synth() has written the manifests (not after synthYaml), the latest registration per key', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'after-synth-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new Telemetry(chart, 'tracing', { metadata: { name: 'tracing', namespace: 'shop' }, tracing: [{ providers: ['otel'] }] });
    const seen: string[][] = [];
    afterAppSynth(chart, 'files', () => seen.push(['first']));
    afterAppSynth(chart, 'files', () => seen.push(fs.readdirSync(outdir)));
    app.synthYaml();
    expect(seen).toEqual([]);
    app.synth();
    expect(seen).toEqual([['shop.k8s.yaml']]);
  });
});
