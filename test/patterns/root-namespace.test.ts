// Mesh-wide constructs (MeshMtls, MeshTelemetry) place their objects in the mesh's root
// namespace: the one the app's declared MeshConfig sets, and a mismatch fails the synth.
import { App, Chart, Testing } from 'cdk8s';
import { IMeshConfig, MeshAnalysis, MeshConfig, MeshMtls, MeshTelemetry } from '../../src';

const rootedAt = (rootNamespace: string): IMeshConfig => new MeshConfig({ rootNamespace });

function mesh(): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'mesh') };
}

test('without a declared MeshConfig: istio-system, Istio\'s default', () => {
  const { chart } = mesh();
  expect(new MeshMtls(chart, 'mtls').rootNamespace).toBe('istio-system');
  expect(new MeshTelemetry(chart, 'telemetry').namespace).toBe('istio-system');
});

test('with a declared MeshConfig: its rootNamespace, mesh-wide', () => {
  const { app, chart } = mesh();
  MeshAnalysis.useMeshConfig(app, rootedAt('istio-config'));
  const mtls = new MeshMtls(chart, 'mtls');
  const telemetry = new MeshTelemetry(chart, 'telemetry');
  expect([mtls.rootNamespace, telemetry.namespace, telemetry.meshWide]).toEqual(['istio-config', 'istio-config', true]);
  expect(Testing.synth(chart).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'PeerAuthentication istio-config/default', 'Telemetry istio-config/mesh-default',
  ]);
});

test('a mesh-wide construct in another namespace than the declared root fails the synth, even when the MeshConfig comes later', () => {
  const { app, chart } = mesh();
  new MeshMtls(chart, 'mtls'); // created before the mesh config is known: istio-system
  new MeshTelemetry(chart, 'telemetry', { rootNamespace: 'istio-system' });
  MeshAnalysis.useMeshConfig(app, rootedAt('istio-config'));
  expect(() => app.synthYaml()).toThrow(/\[mesh\/mtls\] rootNamespace "istio-system" is invalid: the mesh's root namespace is "istio-config" \(the MeshConfig declared by <root>\), so this mesh-wide configuration would only apply to namespace "istio-system"\. Fix: pass rootNamespace: 'istio-config', or leave it out and create the MeshInstallation \(or call MeshAnalysis.useMeshConfig\) before this construct/);
  expect(() => app.synthYaml()).toThrow(/\[mesh\/telemetry\] rootNamespace "istio-system" is invalid/);
});
