import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import {
  assertValidManifests,
  assertValidYamlPath,
  loadYamlManifests,
  pointerToPath,
  validateObject,
  validateYamlPath,
  withManifestValidationDisabled,
} from './validator';

const BOOKINFO = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3-bookinfo');

function virtualService(spec: any, name = 'reviews'): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'bookinfo' }, spec };
}

const goodVsSpec = () => ({
  hosts: ['reviews'],
  http: [{
    timeout: '10s',
    route: [
      { destination: { host: 'reviews', subset: 'v1', port: { number: 9080 } }, weight: 90 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
    ],
  }],
});

function httpRoute(spec: any): any {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'reviews' }, spec };
}

function deployment(patch: (d: any) => void = () => undefined): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-v1', labels: { app: 'reviews', version: 'v1' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'reviews', version: 'v1' } },
      template: {
        metadata: { labels: { app: 'reviews', version: 'v1' } },
        spec: {
          containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3', ports: [{ containerPort: 9080 }] }],
        },
      },
    },
  };
  patch(d);
  return d;
}

/** Asserts exactly that `obj` fails, with a problem matching every pattern. */
function expectRejected(obj: any, ...patterns: RegExp[]): string[] {
  const problems = validateObject(obj);
  expect(problems.length).toBeGreaterThan(0);
  expect(problems).toEqual(expect.arrayContaining(patterns.map((p) => expect.stringMatching(p))));
  return problems;
}

describe('accepts good objects', () => {
  test('a VirtualService with weights, subsets and a timeout', () => {
    expect(validateObject(virtualService(goodVsSpec()))).toEqual([]);
  });

  test('older served API versions validate against their own schema (v1alpha3, v1beta1)', () => {
    expect(validateObject({ ...virtualService(goodVsSpec()), apiVersion: 'networking.istio.io/v1alpha3' })).toEqual([]);
    expect(validateObject({ ...virtualService(goodVsSpec()), apiVersion: 'networking.istio.io/v1beta1' })).toEqual([]);
  });

  test('a Deployment and a Service', () => {
    expect(validateObject(deployment())).toEqual([]);
    expect(validateObject({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'reviews', labels: { app: 'reviews' } },
      spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] },
    })).toEqual([]);
  });

  test('a PeerAuthentication with portLevelMtls and a selector (CEL rule satisfied)', () => {
    expect(validateObject({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'details' },
      spec: { selector: { matchLabels: { app: 'details' } }, portLevelMtls: { 9080: { mode: 'DISABLE' } } },
    })).toEqual([]);
  });

  test('an HTTPRoute relying on defaulted fields (parentRefs group/kind, path match type)', () => {
    expect(validateObject(httpRoute({
      parentRefs: [{ name: 'bookinfo-gateway' }],
      rules: [{ matches: [{ path: { value: '/productpage' } }], backendRefs: [{ name: 'productpage', port: 9080 }] }],
    }))).toEqual([]);
  });

  test('validation does not modify the object (defaults are applied to a copy)', () => {
    const route = httpRoute({ parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { value: '/' } }] }] });
    const before = JSON.stringify(route);
    expect(validateObject(route)).toEqual([]);
    expect(JSON.stringify(route)).toBe(before);
  });

  test('preserve-unknown-fields subtrees accept anything (EnvoyFilter patch value)', () => {
    expect(validateObject({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'lua', namespace: 'istio-system' },
      spec: {
        configPatches: [{
          applyTo: 'HTTP_FILTER',
          patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'x', 'anything': [1, { deep: true }] } } },
        }],
      },
    })).toEqual([]);
  });

  test('cdk8s-plus output validates (Deployment from cdk8s-plus-28)', () => {
    const chart = Testing.chart();
    new Deployment(chart, 'ratings', { containers: [{ image: 'ratings:1', portNumber: 9080 }] });
    const out = Testing.synth(chart); // validated by the setup patch too
    expect(out.map((o) => validateObject(o))).toEqual(out.map(() => []));
  });
});

describe('Istio 1.30.3 Bookinfo manifests (vendored)', () => {
  const files = loadYamlFiles(BOOKINFO);

  test('every vendored file is present', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
  });

  test.each(files)('%s validates', (rel) => {
    const manifests = loadYamlManifests(path.join(BOOKINFO, rel));
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) {
      const obj: any = m.object;
      const problems = validateObject(obj);
      if (String(obj.apiVersion).startsWith('certmanager.k8s.io/')) {
        // cert-manager's CRDs are not vendored: the only objects that cannot validate,
        // and they must be reported as unknown rather than slip through.
        expect(problems).toEqual([expect.stringMatching(/unknown kind/)]);
      } else {
        expect({ source: m.source, problems }).toEqual({ source: m.source, problems: [] });
      }
    }
  });

  test('validateYamlPath over the whole tree only reports the cert-manager objects', () => {
    const problems = validateYamlPath(BOOKINFO);
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => /bookinfo-certificate\.yaml#\d .*unknown kind/.test(p))).toBe(true);
    expect(() => assertValidYamlPath(path.join(BOOKINFO, 'networking'))).not.toThrow();
  });
});

function loadYamlFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...loadYamlFiles(dir, rel));
    else if (e.name.endsWith('.yaml')) out.push(rel);
  }
  return out.sort();
}

describe('bad input', () => {
  test('unknown field at the top level of spec', () => {
    expectRejected(virtualService({ ...goodVsSpec(), hostz: ['x'] }), /^spec\.hostz: unknown field "hostz"$/);
  });

  test('unknown field nested in a list item', () => {
    const spec: any = goodVsSpec();
    spec.http[0].route[0].destination.hots = 'reviews';
    expectRejected(virtualService(spec), /^spec\.http\[0\]\.route\[0\]\.destination\.hots: unknown field "hots"$/);
  });

  test('unknown top-level field next to spec', () => {
    expectRejected({ ...virtualService(goodVsSpec()), specs: {} }, /^specs: unknown field "specs"$/);
  });

  test('wrong type: a string where a list is expected, a string where an integer is expected', () => {
    const spec: any = goodVsSpec();
    spec.hosts = 'reviews';
    spec.http[0].route[0].weight = '90';
    expectRejected(virtualService(spec), /^spec\.hosts: Invalid value: \"reviews\": must be array$/, /^spec\.http\[0\]\.route\[0\]\.weight: Invalid value: \"90\": must be integer$/);
  });

  test('bad enum value', () => {
    expectRejected({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default' },
      spec: { mtls: { mode: 'SOMETIMES' } },
    }, /^spec\.mtls\.mode: Invalid value: "SOMETIMES": Unsupported value: must be one of \["UNSET","DISABLE","PERMISSIVE","STRICT"\]$/);
  });

  test('value not matching an RE2 schema pattern (Gateway API hostname)', () => {
    expectRejected(httpRoute({ hostnames: ['Bad_Host.example.com'] }), /^spec\.hostnames\[0\]: Invalid value: \"Bad_Host\.example\.com\": must match pattern/);
  });

  test('integer outside the schema minimum/maximum', () => {
    expectRejected(httpRoute({ rules: [{ backendRefs: [{ name: 'a', port: 80, weight: -1 }, { name: 'b', port: 70000 }] }] }),
      /^spec\.rules\[0\]\.backendRefs\[0\]\.weight: Invalid value: -1: must be >= 0$/,
      /^spec\.rules\[0\]\.backendRefs\[1\]\.port: Invalid value: 70000: must be <= 65535$/);
  });

  test('CEL: PeerAuthentication portLevelMtls without a selector', () => {
    expectRejected({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default' },
      spec: { portLevelMtls: { 8080: { mode: 'DISABLE' } } },
    }, /^spec: portLevelMtls requires selector \(CEL rule: has\(self\.portLevelMtls\)/);
  });

  test('CEL: PeerAuthentication portLevelMtls port out of range (int() on map keys)', () => {
    expectRejected({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default' },
      spec: { selector: { matchLabels: { app: 'x' } }, portLevelMtls: { 0: { mode: 'DISABLE' } } },
    }, /^spec\.portLevelMtls: port must be between 1-65535/);
  });

  test('CEL: VirtualService duration rule (timeout below 1ms, and not a duration at all)', () => {
    const spec: any = goodVsSpec();
    spec.http[0].timeout = '0.5ms';
    expectRejected(virtualService(spec), /^spec\.http\[0\]\.timeout: Invalid value: \"0\.5ms\": must be a valid duration greater than 1ms/);
    spec.http[0].timeout = '10 seconds';
    expectRejected(virtualService(spec), /^spec\.http\[0\]\.timeout: Invalid value: \"[^\"]+\": CEL rule evaluation error/);
  });

  test('CEL: DestinationRule workload selector with a wildcard label value', () => {
    expectRejected({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews' },
      spec: { host: 'reviews', workloadSelector: { matchLabels: { app: 'rev*' } } },
    }, /^spec\.workloadSelector\.matchLabels\.app: Invalid value: "rev\*": wildcard not allowed in label value match/);
  });

  test('CEL: DestinationRule outlier detection interval below 1ms', () => {
    expectRejected({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews' },
      spec: { host: 'reviews', trafficPolicy: { outlierDetection: { interval: '0s' } } },
    }, /^spec\.trafficPolicy\.outlierDetection\.interval: Invalid value: "0s": must be a valid duration greater than 1ms/);
  });

  test('CEL: Gateway API HTTPRoute path prefix must be absolute', () => {
    expectRejected(httpRoute({
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }],
    }), /^spec\.rules\[0\]\.matches\[0\]\.path: value must be an absolute path and start with '\/'/);
  });

  test('CEL: Gateway API HTTPRoute filter type without its config', () => {
    expectRejected(httpRoute({
      rules: [{ filters: [{ type: 'RequestHeaderModifier' }] }],
    }), /filter\.requestHeaderModifier must be specified for RequestHeaderModifier filter\.type/);
  });

  test('CEL: Gateway API rule with a reserved-word field (parentRefs namespace escaping)', () => {
    expectRejected(httpRoute({
      parentRefs: [{ name: 'gw', namespace: 'a' }, { name: 'gw', namespace: 'a' }],
    }), /sectionName must be unique when parentRefs includes 2 or more references to the same parent/);
    expect(validateObject(httpRoute({
      parentRefs: [{ name: 'gw', namespace: 'a' }, { name: 'gw', namespace: 'b' }],
    }))).toEqual([]);
  });

  test('list-type map: duplicate Gateway listener names', () => {
    expectRejected({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'http', port: 8080, protocol: 'HTTP' }],
      },
    }, /^spec\.listeners\[1\]: Duplicate value: map\["name":"http"\]$/, /Listener name must be unique within the Gateway/);
  });

  test('mutually exclusive Istio oneOf fields set together', () => {
    expectRejected(virtualService({
      hosts: ['r'],
      http: [{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route: [{ destination: { host: 'r' } }] }],
    }), /^spec\.http\[0\]\.match\[0\]\.uri: must match exactly one schema in oneOf/);
  });

  test('bad metadata: name is not a DNS-1123 subdomain, bad label value, bad namespace', () => {
    const vs = virtualService(goodVsSpec(), 'Reviews_V1');
    vs.metadata.labels = { app: 'not a label value' };
    vs.metadata.namespace = 'Book.Info';
    expectRejected(vs,
      /^metadata\.name: Invalid value: "Reviews_V1": a lowercase RFC 1123 subdomain/,
      /^metadata\.labels\["app"\]: Invalid value: "not a label value"/,
      /^metadata\.namespace: Invalid value: "Book\.Info"/);
  });

  test('bad metadata: unknown field and wrong label type in a custom resource', () => {
    const vs = virtualService(goodVsSpec());
    vs.metadata.lables = { app: 'x' };
    vs.metadata.annotations = { note: 3 };
    expectRejected(vs, /^metadata\.lables: unknown field "lables"$/, /^metadata\.annotations\.note: Invalid value: 3: must be string$/);
  });

  test('missing metadata name', () => {
    expectRejected({ ...virtualService(goodVsSpec()), metadata: {} }, /^metadata\.name: Required value/);
  });

  test('core Deployment with an unknown field (top level, nested in a container)', () => {
    expectRejected(deployment((d) => { d.spec.replica = 2; }), /^spec\.replica: unknown field "replica"$/);
    expectRejected(deployment((d) => { d.spec.template.spec.containers[0].imagePullPolicyy = 'Always'; }),
      /^spec\.template\.spec\.containers\[0\]\.imagePullPolicyy: unknown field "imagePullPolicyy"$/);
  });

  test('core Deployment with a wrong type', () => {
    expectRejected(deployment((d) => { d.spec.replicas = '3'; }), /^spec\.replicas: Invalid value: \"3\": must be integer$/);
  });

  test('core Service with a name that is not a DNS-1035 label', () => {
    expectRejected({ apiVersion: 'v1', kind: 'Service', metadata: { name: '9reviews' }, spec: { ports: [{ port: 80 }] } },
      /^metadata\.name: Invalid value: "9reviews": a DNS-1035 label/);
  });

  test('unknown kind, unknown version of a known CRD kind, unserved version', () => {
    expectRejected({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, /^kind: unknown kind/);
    expectRejected({ apiVersion: 'v1', kind: 'Deploymnt', metadata: { name: 'w' } }, /^kind: unknown kind/);
    expectRejected({ ...virtualService(goodVsSpec()), apiVersion: 'networking.istio.io/v2' },
      /^apiVersion: no matches for kind "VirtualService" in version "networking\.istio\.io\/v2": the CRD defines versions v1, v1alpha3, v1beta1/);
    expectRejected({ apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', metadata: { name: 't' }, spec: {} },
      /^apiVersion: version "v1alpha2" of TLSRoute is not served/);
  });

  test('not an object / no apiVersion / no kind', () => {
    expectRejected('hello', /^<root>: a manifest must be an object/);
    expectRejected({ kind: 'Service' }, /^apiVersion: Required value/);
    expectRejected({ apiVersion: 'v1' }, /^kind: Required value/);
  });

  test('assertValidManifests lists every problem with kind, name and path', () => {
    const bad1 = virtualService({ ...goodVsSpec(), hostz: [] });
    const bad2 = deployment((d) => { d.spec.replicas = 'x'; });
    expect(() => assertValidManifests([virtualService(goodVsSpec()), bad1, bad2], 'my context')).toThrow(
      /Manifest validation failed \(my context\): 2 problem\(s\) in 2 object\(s\)\n {2}VirtualService "reviews" in namespace bookinfo \(networking\.istio\.io\/v1\) \[object #2\]:\n {4}- spec\.hostz: unknown field "hostz"\n {2}Deployment "reviews-v1" \(apps\/v1\) \[object #3\]:\n {4}- spec\.replicas: Invalid value: "x": must be integer/,
    );
    expect(() => assertValidManifests([virtualService(goodVsSpec())])).not.toThrow();
  });
});

describe('automatic validation of synthesized output (setup.ts)', () => {
  test('Testing.synth throws the validator report for an invalid object', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'vs', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hots: [] } } as any);
    expect(() => Testing.synth(chart)).toThrow(/Testing\.synth\(test\).*\n.*VirtualService "vs".*\n.*spec\.hots: unknown field "hots"/);
  });

  test('a construct\'s own synth-time validation error still surfaces first', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'vs', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hots: [] } } as any);
    chart.node.addValidation({ validate: () => ['construct says no'] });
    expect(() => Testing.synth(chart)).toThrow(/construct says no/);
  });

  test('withManifestValidationDisabled lets a test synthesize an invalid object on purpose', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    const out = withManifestValidationDisabled(() => Testing.synth(chart));
    expect(out[0].kind).toBe('Widget');
    expect(() => Testing.synth(chart)).toThrow(/unknown kind/);
  });

  test('App.synthYaml is validated too', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(() => app.synthYaml()).toThrow(/App\.synthYaml\(\).*\n.*Widget "w".*\n.*unknown kind/);
    const ok = new App();
    new ApiObject(new Chart(ok, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } } as any);
    expect(ok.synthYaml()).toMatch(/kind: ConfigMap/);
  });
});

describe('helpers', () => {
  test('pointerToPath renders JSON pointers like Kubernetes field paths', () => {
    expect(pointerToPath('/spec/http/0/route/1/weight')).toBe('spec.http[0].route[1].weight');
    expect(pointerToPath('/metadata/labels/app.kubernetes.io~1name')).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(pointerToPath('')).toBe('');
  });
});
