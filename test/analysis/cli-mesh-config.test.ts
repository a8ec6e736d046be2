// `cdk8s-istio analyze --mesh-config` with the IstioOperator file a MeshInstallation writes:
// the mesh's whole configuration, so the CLI checks providers as synth-time analysis does.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/analysis/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-mesh-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function codes(...argv: string[]): { code: number; codes: string[] } {
  let out = '';
  const code = main(['analyze', '-o', 'json', ...argv], (s) => (out += s), () => undefined) as number;
  return { code, codes: JSON.parse(out).map((d: { code: string }) => d.code) };
}

const TELEMETRY = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: tracing, namespace: shop}
spec:
  tracing:
  - providers: [{name: otel}]
`;
const OPERATOR = (provider: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {namespace: istio-system}
spec:
  profile: demo
  meshConfig:
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
    extensionProviders:
    - name: ${provider}
      opentelemetry: {service: opentelemetry-collector.istio-system.svc.cluster.local, port: 4317}
`;

test('an IstioOperator whose meshConfig lacks the provider: CKI0007, exit 79', () => {
  fs.writeFileSync(path.join(dir, 'app.yaml'), TELEMETRY);
  fs.writeFileSync(path.join(dir, 'operator-zipkin.yaml'), OPERATOR('zipkin'));
  expect(codes('--mesh-config', path.join(dir, 'operator-zipkin.yaml'), path.join(dir, 'app.yaml'))).toEqual({ code: 79, codes: ['CKI0007'] });
});

test('the provider defined in the IstioOperator: clean', () => {
  fs.writeFileSync(path.join(dir, 'operator-otel.yaml'), OPERATOR('otel'));
  expect(codes('--mesh-config', path.join(dir, 'operator-otel.yaml'), path.join(dir, 'app.yaml'))).toEqual({ code: 0, codes: [] });
});

test('a bare MeshConfig file is merged over the defaults and says nothing about providers defined elsewhere', () => {
  fs.writeFileSync(path.join(dir, 'mesh.yaml'), 'outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n');
  expect(codes('--mesh-config', path.join(dir, 'mesh.yaml'), path.join(dir, 'app.yaml'))).toEqual({ code: 0, codes: [] });
});
