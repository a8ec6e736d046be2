// The Online Boutique example app (examples/online-boutique): synthesizes valid objects with
// no analyzer findings, uses no escape hatch, stays short, and has the security properties
// the README promises. Parity with the official manifests: ./online-boutique-parity.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { OnlineBoutique } from '../../examples/online-boutique/boutique';
import { MeshAnalysis } from '../../src';

type Obj = { [key: string]: any };
const SOURCE = path.join(__dirname, '..', '..', 'examples', 'online-boutique', 'boutique.ts');

let synthesized: { chart: OnlineBoutique; objects: Obj[] } | undefined;
function synth(): { chart: OnlineBoutique; objects: Obj[] } {
  if (!synthesized) {
    const chart = new OnlineBoutique(Testing.app());
    synthesized = { chart, objects: Testing.synth(chart) };
  }
  return synthesized;
}
const ofKind = (kind: string) => synth().objects.filter((o) => o.kind === kind);

describe('Online Boutique example', () => {
  test('synthesizes valid objects with no analyzer diagnostics at all', () => {
    const { chart, objects } = synth();
    expect(objects.length).toBeGreaterThan(60);
    expect(MeshAnalysis.analyze(chart).map((d) => `${d.diagnostic.level} ${d.diagnostic.code} ${d.diagnostic.message}`)).toEqual([]);
  });

  test('no escape hatch: no JSON patch, ApiObject, L1 class or imports/ binding in the app code', () => {
    // the code, without its comments (which may name what the app does not use)
    const code = fs.readFileSync(SOURCE, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/addJsonPatch|JsonPatch|ApiObject|patchDeployment|from ['"][^'"]*imports\/|\bKube[A-Z]\w*|\.apiObject\b/);
  });

  test('the app code is at most 160 non-blank, non-comment lines', () => {
    const lines = fs.readFileSync(SOURCE, 'utf8').split('\n').map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('//') && !l.startsWith('/*') && !l.startsWith('*'));
    expect(lines.length).toBeLessThanOrEqual(160);
  });

  test('12 workloads, STRICT mTLS, default deny, one identity each', () => {
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual([
      'adservice', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'frontend', 'loadgenerator',
      'paymentservice', 'productcatalogservice-v1', 'productcatalogservice-v2', 'recommendationservice', 'redis-cart', 'shippingservice',
    ]);
    expect(ofKind('PeerAuthentication').map((p) => p.spec.mtls.mode)).toEqual(['STRICT']);
    expect(ofKind('AuthorizationPolicy').find((p) => p.metadata.name === 'allow-nothing')!.spec).toEqual({});
    for (const d of ofKind('Deployment')) {
      expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    }
  });

  test('least privilege along the real call graph, with gRPC method paths', () => {
    const allowed = (service: string) => ofKind('AuthorizationPolicy').find((p) => p.metadata.name === service)!.spec.rules
      .map((r: Obj) => `${r.from[0].source.principals[0].split('/sa/')[1]} ${r.to?.[0]?.operation?.paths?.[0] ?? ''}`.trim());
    expect(allowed('cartservice')).toEqual(['frontend /hipstershop.CartService/*', 'checkoutservice /hipstershop.CartService/*']);
    expect(allowed('productcatalogservice')).toEqual([
      'frontend /hipstershop.ProductCatalogService/*', 'checkoutservice /hipstershop.ProductCatalogService/*', 'recommendationservice /hipstershop.ProductCatalogService/*',
    ]);
    expect(allowed('redis-cart')).toEqual(['cartservice']);
    expect(allowed('emailservice')).toEqual(['checkoutservice /hipstershop.EmailService/*']);
    expect(allowed('frontend')).toEqual(['istio-gateway-istio', 'loadgenerator']);
  });

  test('every workload has its own egress lockdown allowing Google\'s APIs', () => {
    expect(ofKind('Sidecar').map((x) => x.spec.workloadSelector.labels.app).sort()).toEqual(ofKind('Deployment').map((d) => d.spec.template.metadata.labels.app).filter((a, i, all) => all.indexOf(a) === i).sort());
    expect(ofKind('ServiceEntry').map((e) => e.metadata.name)).toEqual(['allow-egress-googleapis', 'allow-egress-google-metadata']);
  });
});
