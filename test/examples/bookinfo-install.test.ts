// The mesh Bookinfo runs on (examples/bookinfo/bookinfo.ts, step 0): `cdk8s synth` writes the
// files for istioctl and Helm next to the manifests — demo profile, REGISTRY_ONLY, an
// OpenTelemetry tracing provider that the app's Telemetry uses — and none of them into the
// manifests kubectl applies.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, JsonPatch, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { BookinfoChart } from '../../examples/bookinfo/bookinfo';
import { MeshAnalysis } from '../../src';

type Obj = { [key: string]: any };

function synthesize(options: { ingress?: string } = {}): { manifests: Obj[]; operator: Obj; helm: string[]; installDir: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'bookinfo-install-'));
  const app = new App({ outdir: path.join(base, 'dist') });
  new BookinfoChart(app, 'bookinfo', { ...options, installOutdir: path.join(base, 'istio-install') });
  app.synth();
  const manifests = fs.readdirSync(path.join(base, 'dist')).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(base, 'dist', f), 'utf8')).map((d) => d.toJS()));
  const installDir = path.join(base, 'istio-install');
  const operator = YAML.parse(fs.readFileSync(path.join(installDir, 'istio-operator.yaml'), 'utf8'));
  return { manifests, operator, helm: fs.readdirSync(path.join(installDir, 'helm')).sort(), installDir };
}

describe('the Bookinfo install files (sidecar mode)', () => {
  const { manifests, operator, helm, installDir } = synthesize();
  afterAll(() => fs.rmSync(path.dirname(installDir), { recursive: true, force: true }));

  test('istio-operator.yaml is an IstioOperator for istioctl: demo profile, REGISTRY_ONLY, the otel provider', () => {
    expect(operator.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(operator.kind).toBe('IstioOperator');
    expect(operator.spec.profile).toBe('demo');
    expect(operator.spec.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(operator.spec.meshConfig.extensionProviders).toEqual([
      { name: 'otel', opentelemetry: { service: 'opentelemetry-collector.istio-system.svc.cluster.local', port: 4317 } },
    ]);
  });

  test('the app\'s Telemetry traces through the provider the install file defines', () => {
    const telemetry = manifests.filter((o) => o.kind === 'Telemetry');
    const used = telemetry.flatMap((t) => (t.spec.tracing ?? []).flatMap((e: Obj) => (e.providers ?? []).map((p: Obj) => p.name)));
    expect(used).toEqual(['otel']);
    const defined = operator.spec.meshConfig.extensionProviders.map((p: Obj) => p.name);
    expect(defined).toEqual(expect.arrayContaining(used));
  });

  test('Helm values for the demo profile\'s charts (base, istiod, ingress and egress gateways), the same MeshConfig in istiod\'s', () => {
    expect(helm).toEqual(['base-values.yaml', 'gateway-istio-egressgateway-values.yaml', 'gateway-istio-ingressgateway-values.yaml', 'istiod-values.yaml']);
    const istiod = YAML.parse(fs.readFileSync(path.join(installDir, 'helm', 'istiod-values.yaml'), 'utf8'));
    expect(istiod.meshConfig).toEqual(operator.spec.meshConfig);
  });

  test('nothing of the installation is among the manifests kubectl applies', () => {
    expect(manifests.filter((o) => o.apiVersion?.startsWith('install.istio.io'))).toEqual([]);
    expect(fs.readdirSync(path.join(path.dirname(installDir), 'dist'))).toEqual(['bookinfo.k8s.yaml']);
  });
});

test('the ambient variant installs the ambient profile (CNI agent and ztunnel) with the same mesh configuration', () => {
  const { operator, helm, installDir } = synthesize({ ingress: 'gateway-api' });
  try {
    expect(operator.spec.profile).toBe('ambient');
    expect(operator.spec.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(helm).toEqual(expect.arrayContaining(['cni-values.yaml', 'istiod-values.yaml', 'ztunnel-values.yaml']));
  } finally {
    fs.rmSync(path.dirname(installDir), { recursive: true, force: true });
  }
});

test('the analysis checks the app against this mesh: a Telemetry naming a provider it does not define fails the synth', () => {
  const app = Testing.app();
  const chart = new BookinfoChart(app, 'bookinfo');
  const telemetry = chart.node.findAll().find((c) => (c as any).apiObject?.kind === 'Telemetry') as any;
  telemetry.apiObject.addJsonPatch(JsonPatch.replace('/spec/tracing/0/providers/0/name', 'zipkin'));
  expect(MeshAnalysis.analyze(chart).map((d) => `${d.diagnostic.code} ${d.path}`)).toEqual([`CKI0007 ${telemetry.node.path}`]);
});
