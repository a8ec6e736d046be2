// A MeshInstallation declares its MeshConfig to the synth-time analysis: the app is checked
// against the mesh it installs (extension providers, REGISTRY_ONLY), and synth fails with the
// construct path and the fix.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import {
  ClientTls, DestinationRule, EgressLockdown, ExtensionProvider, MeshConfig, MeshInstallation, MeshProfile, MeshService,
  OutboundTrafficPolicyMode, Telemetry, VirtualService,
} from '../../src';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'install-analysis-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

let n = 0;
function app(meshConfig: MeshConfig): { app: App; chart: Chart } {
  const dir = path.join(base, String(n++));
  const a = new App({ outdir: path.join(dir, 'dist') });
  const chart = new Chart(a, 'shop', { namespace: 'shop' });
  new MeshInstallation(chart, 'istio', { profile: MeshProfile.DEMO, meshConfig, outdir: path.join(dir, 'istio-install') });
  return { app: a, chart };
}

const registryOnly = () => new MeshConfig({
  outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
  extensionProviders: [ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 })],
});

function payments(chart: Chart): void {
  new VirtualService(chart, 'payments-vs', {
    metadata: { name: 'payments' },
    hosts: ['api.payments.example'],
    http: [{ name: 'all', route: [{ host: 'api.payments.example' }], timeout: Duration.seconds(5) }],
  });
  new DestinationRule(chart, 'payments-dr', { metadata: { name: 'payments' }, host: 'api.payments.example', trafficPolicy: { tls: ClientTls.simple() } });
}

test('REGISTRY_ONLY: routing to an external host no ServiceEntry declares fails the synth, naming the construct and the fix', () => {
  const { app: a, chart } = app(registryOnly());
  payments(chart);
  const error = (() => {
    try {
      a.synth();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  })();
  expect(error).toMatch(/\[shop\/payments-vs\] Error \[CKI0009\] \(VirtualService shop\/payments\) The host "api\.payments\.example" is outside the service registry and the outbound traffic policy in namespace "shop" is REGISTRY_ONLY, so sidecars drop the traffic\. Declare the host with a ServiceEntry/);
  expect(error).toMatch(/\[shop\/payments-dr\] Error \[CKI0009\] \(DestinationRule shop\/payments\)/);
});

test('REGISTRY_ONLY: the same routes are clean once an EgressLockdown declares the host; under ALLOW_ANY the host need not be declared', () => {
  const declared = app(registryOnly());
  payments(declared.chart);
  const shop = new MeshService(declared.chart, 'checkout', { port: 8080, image: 'example/checkout:1.0', podSecurityContext: { user: 1000, group: 1000 } });
  new EgressLockdown(declared.chart, 'egress', { workload: shop, allow: [{ host: 'api.payments.example' }] });
  expect(() => declared.app.synth()).not.toThrow();

  // (a route to a host outside the registry is IST0101 whatever the policy; a DestinationRule
  // for one is only a mistake when REGISTRY_ONLY drops the traffic)
  const open = app(new MeshConfig({ outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY }));
  new DestinationRule(open.chart, 'payments-dr', { metadata: { name: 'payments' }, host: 'api.payments.example', trafficPolicy: { tls: ClientTls.simple() } });
  expect(() => open.app.synth()).not.toThrow();
  const locked = app(registryOnly());
  new DestinationRule(locked.chart, 'payments-dr', { metadata: { name: 'payments' }, host: 'api.payments.example', trafficPolicy: { tls: ClientTls.simple() } });
  expect(() => locked.app.synth()).toThrow(/CKI0009/);
});

test('a Telemetry naming a provider the installation does not define fails the synth; a defined one passes', () => {
  const bad = app(registryOnly());
  new Telemetry(bad.chart, 'tracing', { metadata: { name: 'tracing' }, tracing: [{ providers: ['otel'], randomSamplingPercentage: 5 }] });
  expect(() => bad.app.synth()).toThrow(/\[shop\/tracing\] Error \[CKI0007\] \(Telemetry shop\/tracing\) The extension provider "otel" \(spec\.tracing\[0\]\.providers\[0\]\) is not defined in the mesh's MeshConfig \(defined: prometheus, stackdriver, envoy, zipkin\)/);

  const good = app(registryOnly());
  new Telemetry(good.chart, 'tracing', { metadata: { name: 'tracing' }, tracing: [{ providers: ['zipkin'], randomSamplingPercentage: 5 }] });
  expect(() => good.app.synth()).not.toThrow();
});
