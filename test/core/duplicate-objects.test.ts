// Two objects with the same identity in one app overwrite each other at apply time: refused at synth.
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { VirtualService } from '../../src/networking/virtual-service';
import { MtlsNamespace } from '../../src/patterns/mtls-namespace';
import { MtlsMode, PeerAuthentication } from '../../src/security/peer-authentication';

function route(chart: Chart, id: string, name: string, namespace?: string): VirtualService {
  const vs = new VirtualService(chart, id, { metadata: { name, namespace }, hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
  MeshAnalysis.suppress(vs, 'IST0101');
  return vs;
}

describe('duplicate objects', () => {
  test('two MtlsNamespaces for one namespace: both constructs named, and the fix', () => {
    const app = Testing.app();
    new MtlsNamespace(app, 'shop-strict', { namespaceName: 'shop' });
    new MtlsNamespace(app, 'shop-again', { namespaceName: 'shop' });
    expect(() => app.synthYaml()).toThrow(/\[shop-again\/[^\]]+\] PeerAuthentication shop\/default is emitted twice, also by shop-strict\/[^:]+: the API server would keep only the one applied last, silently\. Fix: merge the two into one construct/);
  });

  test('two VirtualServices with one name in one namespace, in different charts', () => {
    const app = Testing.app();
    route(new Chart(app, 'a', { namespace: 'shop' }), 'reviews', 'reviews');
    route(new Chart(app, 'b', { namespace: 'shop' }), 'reviews', 'reviews');
    expect(() => app.synthYaml()).toThrow('[b] [b/reviews] VirtualService shop/reviews is emitted twice, also by a/reviews');
  });

  test('versions of one API group are one object; escape-hatch ApiObjects count too', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mesh', { namespace: 'shop' });
    new PeerAuthentication(chart, 'strict', { metadata: { name: 'default' }, mode: MtlsMode.STRICT });
    new ApiObject(chart, 'legacy', { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'default' } });
    expect(() => app.synthYaml()).toThrow(/\[mesh\/legacy\] PeerAuthentication shop\/default is emitted twice, also by mesh\/strict/);
  });

  test('refused even with synth-time analysis off', () => {
    const app = new App({ outdir: Testing.app().outdir });
    app.node.setContext('cdk8s-istio/analysis', 'off');
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    route(chart, 'one', 'reviews');
    route(chart, 'two', 'reviews');
    expect(() => app.synthYaml()).toThrow(/VirtualService shop\/reviews is emitted twice/);
  });

  test('legal: one name in two namespaces, one name for two kinds; a duplicate added later is found by the next synthesis', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    route(chart, 'a', 'reviews', 'shop');
    route(chart, 'b', 'reviews', 'staging');
    new PeerAuthentication(chart, 'pa', { metadata: { name: 'reviews', namespace: 'shop' } });
    expect(() => app.synthYaml()).not.toThrow();
    // a duplicate added between two syntheses is found by the second one
    route(chart, 'c', 'reviews', 'shop');
    expect(() => app.synthYaml()).toThrow(/\[c\/c\] VirtualService shop\/reviews is emitted twice, also by c\/a/);
  });
});
