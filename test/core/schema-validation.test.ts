// Synth-time schema validation (IST0106): every object of a chart that uses the library is
// checked against its CRD schema + CEL rules, the built-in kinds' schemas and the API server's
// metadata rules, escape hatches included.
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { VirtualService } from '../../src/networking/virtual-service';
import { withManifestValidationDisabled } from '../support/validator';

function chartWithRoute(app: App, namespace = 'shop'): { chart: Chart; vs: VirtualService } {
  const chart = new Chart(app, 'mesh', { namespace });
  const vs = new VirtualService(chart, 'reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
  MeshAnalysis.suppress(chart, 'IST0101');
  return { chart, vs };
}

const synth = (app: App) => withManifestValidationDisabled(() => app.synthYaml());

describe('schema validation at synth (IST0106)', () => {
  test('an escape-hatch patch that breaks the CRD schema names the construct, the field and the value', () => {
    const app = Testing.app();
    const { vs } = chartWithRoute(app);
    vs.apiObject.addJsonPatch(JsonPatch.add('/spec/http/0/timeout', '10 seconds'));
    expect(() => synth(app)).toThrow(/\[mesh\/reviews\] Error \[IST0106\] \(VirtualService shop\/mesh-reviews-[0-9a-f]+\) Schema validation error: spec\.http\[0\]\.timeout: Invalid value: "10 seconds": CEL rule evaluation error \(Failed to parse duration/);
  });

  test('an unknown field in a raw ApiObject is refused like kubectl --validate=strict', () => {
    const app = Testing.app();
    const { chart } = chartWithRoute(app);
    new ApiObject(chart, 'raw-vs', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ratings' },
      spec: { hosts: ['ratings'], http: [{ retry: { attempts: 3 }, route: [{ destination: { host: 'ratings' } }] }] },
    });
    expect(() => synth(app)).toThrow(/\[mesh\/raw-vs\] Error \[IST0106\] \(VirtualService shop\/ratings\) Schema validation error: spec\.http\[0\]\.retry: unknown field "retry"/);
  });

  test('CEL rules of the CRD run: a raw ApiObject in a library chart is checked too', () => {
    const app = Testing.app();
    const { chart } = chartWithRoute(app);
    new ApiObject(chart, 'raw-pa', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'raw' },
      spec: { portLevelMtls: { 8080: { mode: 'STRICT' } } }, // CEL: portLevelMtls requires a selector
    });
    expect(() => synth(app)).toThrow(/\[mesh\/raw-pa\] Error \[IST0106\] \(PeerAuthentication shop\/raw\) Schema validation error: spec: .*portLevelMtls requires selector/);
  });

  test('built-in kinds: a replica count above int32 is refused', () => {
    const app = Testing.app();
    const { chart } = chartWithRoute(app);
    const d = new Deployment(chart, 'web', { containers: [{ image: 'nginx', securityContext: { ensureNonRoot: false } }] });
    (d as any).apiObject.addJsonPatch(JsonPatch.replace('/spec/replicas', 2 ** 31));
    expect(() => synth(app)).toThrow(/\[mesh\/web\] Error \[IST0106\] \(Deployment shop\/[a-z0-9-]+\) Schema validation error: spec\.replicas: Invalid value: 2147483648: must match format "int32"/);
  });

  test('metadata: an invalid chart namespace and a bad label key are refused with the value', () => {
    const app = Testing.app();
    const { vs } = chartWithRoute(app, 'Default');
    vs.apiObject.metadata.addLabel('bad key', 'x');
    const message = (() => {
      try {
        synth(app);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/Schema validation error: metadata\.namespace: Invalid value: "Default": a lowercase RFC 1123 label/);
    expect(message).toMatch(/Schema validation error: metadata\.labels\["bad key"\]: Invalid value: "bad key"/);
  });

  test("a user's own CRD is not rejected for its kind, but its metadata is checked", () => {
    const app = Testing.app();
    const { chart } = chartWithRoute(app);
    new ApiObject(chart, 'cert', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web-cert' }, spec: { anything: true } });
    expect(() => synth(app)).not.toThrow();
    new ApiObject(chart, 'cert2', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'Web_Cert' } });
    expect(() => synth(app)).toThrow(/\[mesh\/cert2\] Error \[IST0106\] \(Certificate shop\/Web_Cert\) Schema validation error: metadata\.name: Invalid value: "Web_Cert"/);
  });

  test('deliberately turned off with the cdk8s-istio/schema-validation context key; bad values are refused', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-istio/schema-validation', 'off');
    const { vs } = chartWithRoute(app);
    vs.apiObject.addJsonPatch(JsonPatch.add('/spec/http/0/timeout', '10 seconds'));
    expect(() => synth(app)).not.toThrow();
    const app2 = Testing.app();
    app2.node.setContext('cdk8s-istio/schema-validation', 'maybe');
    chartWithRoute(app2);
    expect(() => synth(app2)).toThrow('the cdk8s-istio/schema-validation context key (or CDK8S_ISTIO_SCHEMA_VALIDATION) must be "on" or "off"');
  });

  test('a valid chart passes (the library output itself is schema-valid)', () => {
    const app = Testing.app();
    chartWithRoute(app);
    expect(() => app.synthYaml()).not.toThrow();
  });
});
