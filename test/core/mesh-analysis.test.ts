// The synth-time hook: analysis of a construct tree, diagnostics mapped to construct paths,
// Error-level diagnostics failing synth, suppression per construct and per chart, and one
// analysis per synthesis that sees every change made between two syntheses.
import { ApiObject, Chart, DependencyGraph, JsonPatch, Testing } from 'cdk8s';
import { Deployment, Service } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import * as net from '../../imports/networking.istio.io';
import { MeshAnalyzer } from '../../src/analysis/mesh-analyzer';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { StringMatch } from '../../src/networking/route-string-match';
import { Sidecar } from '../../src/networking/sidecar';
import { VirtualService } from '../../src/networking/virtual-service';

/** A minimal L2-style wrapper (like IstioResource): the L1 object is its `Resource` child. */
class ReviewsRoute extends Construct {
  public readonly apiObject: ApiObject;
  constructor(scope: Construct, id: string, subset: string) {
    super(scope, id);
    this.apiObject = new net.VirtualService(this, 'Resource', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset } }] }] },
    });
  }
}

/** reviews v1..v3 Deployments, the reviews Service and a DestinationRule with v1..v3 subsets. */
function bookinfoReviews(chart: Chart): void {
  for (const v of ['v1', 'v2', 'v3']) {
    new Deployment(chart, `reviews-${v}`, {
      metadata: { name: `reviews-${v}`, namespace: 'bookinfo' },
      podMetadata: { labels: { app: 'reviews', version: v } },
      select: false,
      containers: [{ image: `docker.io/istio/examples-bookinfo-reviews-${v}:1.20.3`, portNumber: 9080, securityContext: { ensureNonRoot: false } }],
    }).select(cdk8sPlusLabel('app', 'reviews'), cdk8sPlusLabel('version', v));
  }
  new Service(chart, 'reviews-svc', {
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    selector: undefined,
    ports: [{ name: 'http', port: 9080 }],
  }).selectLabel('app', 'reviews');
  new net.DestinationRule(chart, 'reviews-dr', {
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) },
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const plus = require('cdk8s-plus-28');
function cdk8sPlusLabel(key: string, value: string) {
  return plus.LabelSelector.of({ labels: { [key]: value } });
}

test('a route to an undefined subset fails synth with IST0101 and the construct path', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  bookinfoReviews(chart);
  new ReviewsRoute(chart, 'reviews-route', 'v9');
  MeshAnalysis.validateOnSynth(chart, { printWarnings: false });
  expect(() => app.synthYaml()).toThrow(
    /\[shop\/reviews-route\] Error \[IST0101\] \(VirtualService bookinfo\/reviews\) Referenced host\+subset in destinationrule not found: "reviews\+v9"/,
  );
});

test('the same chart routing to a defined subset synthesizes with zero Error-level diagnostics', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  bookinfoReviews(chart);
  new ReviewsRoute(chart, 'reviews-route', 'v2');
  MeshAnalysis.validateOnSynth(chart, { printWarnings: false });
  expect(() => app.synthYaml()).not.toThrow();
  const errors = MeshAnalysis.analyze(chart).filter((d) => d.diagnostic.level === 'Error');
  expect(errors).toEqual([]);
});

test('pod templates of Deployments count as pods at synth time (subsets select them)', () => {
  const chart = Testing.chart();
  bookinfoReviews(chart);
  new net.DestinationRule(chart, 'extra', {
    metadata: { name: 'reviews-extra', namespace: 'bookinfo' },
    spec: { host: 'reviews', subsets: [{ name: 'v4', labels: { version: 'v4' } }] },
  });
  const found = MeshAnalysis.analyze(chart).map((d) => `${d.diagnostic.code} ${d.path}`);
  expect(found).toEqual(['IST0173 test/extra']);
  expect(MeshAnalysis.analyze(chart, { workloadPods: false }).map((d) => d.diagnostic.code)).toContain('IST0173');
});

test('diagnostics map to the ApiObject path when there is no L2 wrapper, and only objects of the scope are reported', () => {
  const app = Testing.app();
  const a = new Chart(app, 'a');
  const b = new Chart(app, 'b');
  new net.VirtualService(a, 'vs', { metadata: { name: 'x', namespace: 'n' }, spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x', subset: 's' } }] }] } });
  new net.DestinationRule(b, 'dr', { metadata: { name: 'x', namespace: 'n' }, spec: { host: 'x', subsets: [{ name: 't' }] } });
  const inA = MeshAnalysis.analyze(a, { analyzers: ['virtualservice.DestinationRuleAnalyzer'] });
  expect(inA.map((d) => d.path)).toEqual(['a/vs']);
  expect(MeshAnalysis.analyze(b, { analyzers: ['virtualservice.DestinationRuleAnalyzer'] })).toEqual([]);
  expect(MeshAnalysis.format(inA[0])).toBe('[a/vs] Error [IST0101] (VirtualService n/x) Referenced host+subset in destinationrule not found: "x+s"');
});

test('suppression per construct and per chart', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  bookinfoReviews(chart);
  const route = new ReviewsRoute(chart, 'reviews-route', 'v9');
  MeshAnalysis.suppress(route, 'IST0101');
  MeshAnalysis.validateOnSynth(chart, { printWarnings: false });
  expect(() => app.synthYaml()).not.toThrow();

  const chart2 = new Chart(Testing.app(), 'other');
  new ReviewsRoute(chart2, 'r', 'v9');
  expect(MeshAnalysis.analyze(chart2).map((d) => d.diagnostic.code)).toContain('IST0101');
  MeshAnalysis.suppress(chart2, '*');
  expect(MeshAnalysis.analyze(chart2)).toEqual([]);
});

test('warnings are printed (with the construct path), not fatal', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  new net.DestinationRule(chart, 'db', {
    metadata: { name: 'db', namespace: 'shop' },
    spec: { host: 'db.example.com', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.SIMPLE } } },
  });
  MeshAnalysis.validateOnSynth(chart);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(() => app.synthYaml()).not.toThrow();
    const printed = spy.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('[shop/db] Warning [IST0128] (DestinationRule shop/db) DestinationRule shop/db in namespace shop has TLS mode set to SIMPLE');
    expect(printed).toContain('[shop/db] Warning [IST0174] (DestinationRule shop/db)');
  } finally {
    spy.mockRestore();
  }
});

describe('bad input', () => {
  test('suppressing an invalid code names the construct, the value and the fix', () => {
    const chart = Testing.chart();
    expect(() => MeshAnalysis.suppress(chart, 'ist-101')).toThrow(
      '[test] analyzer suppression code "ist-101" is invalid: expected an Istio message code like "IST0101" (or one of the library\'s, like "CKI0003"). Fix: pass the code printed by the analyzer, or "*".',
    );
  });
  test('an unknown analyzer name in the options fails loudly', () => {
    expect(() => MeshAnalysis.analyze(Testing.chart(), { analyzers: ['bogus'] })).toThrow(/unknown analyzer "bogus"/);
  });
});

describe('automatic analysis of charts that use the library', () => {
  // Library constructs (L2) enable it for their chart; no explicit validateOnSynth call.
  function brokenLibraryChart(mode?: string): { app: any; chart: Chart } {
    const app = Testing.app();
    if (mode) app.node.setContext('cdk8s-istio/analysis', mode); // before any chart is added
    const chart = new Chart(app, 'shop');
    bookinfoReviews(chart);
    new VirtualService(chart, 'reviews-vs', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      hosts: ['reviews'],
      http: [{ route: [{ host: 'reviews', subset: 'v9' }] }],
    });
    return { app, chart };
  }

  test('a route to an undefined subset fails synth with IST0101, the construct path and the fix', () => {
    const { app } = brokenLibraryChart();
    expect(() => app.synthYaml()).toThrow(
      /\[shop\] \[shop\/reviews-vs\] Error \[IST0101\] \(VirtualService bookinfo\/reviews\) Referenced host\+subset in destinationrule not found: "reviews\+v9" \(to accept this deliberately: MeshAnalysis\.suppress\(construct, 'IST0101'\)\)/,
    );
  });

  test('the same route to a defined subset synthesizes', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    bookinfoReviews(chart);
    new VirtualService(chart, 'reviews-vs', { metadata: { name: 'reviews', namespace: 'bookinfo' }, hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v3' }] }] });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a chart with no library construct is not analyzed automatically', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    new ReviewsRoute(chart, 'reviews-route', 'v9');
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('context key cdk8s-istio/analysis = warn prints instead of failing; off skips analysis', () => {
    const warn = brokenLibraryChart('warn');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => warn.app.synthYaml()).not.toThrow();
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('[shop/reviews-vs] Error [IST0101]');
    } finally {
      stderr.mockRestore();
    }
    const off = brokenLibraryChart('off');
    expect(() => off.app.synthYaml()).not.toThrow();
  });

  test('a per-chart suppression accepts the error deliberately', () => {
    const { app, chart } = brokenLibraryChart();
    MeshAnalysis.suppress(chart, 'IST0101');
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('one validation and one analysis of the app per synthesis, and one rendering of each object, however many charts', () => {
    const app = Testing.app();
    const passes: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const chart = new Chart(app, name, { namespace: name });
      new VirtualService(chart, 'vs', { hosts: [`${name}.example.com`], http: [{ route: [{ host: `${name}.example.com` }] }] });
      MeshAnalysis.suppress(chart, 'IST0101');
      chart.node.addValidation({ validate: () => { passes.push(name); return []; } });
    }
    // a chart without the library's constructs, in the same app
    const plain = new Chart(app, 'plain');
    new ApiObject(plain, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'a' } });
    plain.node.addValidation({ validate: () => { passes.push('plain'); return []; } });
    const run = jest.spyOn(MeshAnalyzer, '_run');
    const render = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      app.synthYaml();
      // cdk8s alone validates the whole app once more for every chart it renders
      expect(passes.sort()).toEqual(['a', 'b', 'c', 'plain']);
      expect(run).toHaveBeenCalledTimes(1);
      expect(render).toHaveBeenCalledTimes(4);
      // a second synthesis does it all again
      app.synthYaml();
      expect(passes).toHaveLength(8);
      expect(run).toHaveBeenCalledTimes(2);
    } finally {
      run.mockRestore();
      render.mockRestore();
    }
  });

  test("the app's YAML is what cdk8s renders chart by chart, in dependency order", () => {
    const app = Testing.app();
    const first = new Chart(app, 'first', { namespace: 'a' });
    const second = new Chart(app, 'second', { namespace: 'b' });
    const late = new ApiObject(first, 'late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    const early = new ApiObject(first, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early' } });
    late.addDependency(early);
    new VirtualService(second, 'vs', { hosts: ['b.example.com'], http: [{ route: [{ host: 'b.example.com' }] }] });
    MeshAnalysis.suppress(second, 'IST0101');
    first.addDependency(second);
    const yaml = app.synthYaml();
    // chart by chart through cdk8s's own path (each chart.toJson() outside an app synthesis)
    const byChart = [second, first].flatMap((c) => Testing.synth(c));
    expect(YAML.parseAllDocuments(yaml).map((d) => d.toJS())).toEqual(byChart);
    expect(byChart.map((o) => o.metadata.name)).toEqual(['second-vs-c80e6e9b', 'early', 'late']);
  });

  test("without dependencies, the app's charts and objects come in cdk8s's graph order (index-like chart ids first)", () => {
    const app = Testing.app();
    const config = (chart: Chart, id: string) => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${chart.node.id}-${id}` } });
    for (const id of ['b', '10', 'a', '2', '007']) {
      const chart = new Chart(app, id, { namespace: 'ns' });
      config(chart, 'z');
      config(chart, 'y');
      if (id === 'b') {
        // a library construct: the app's synthesis is the library's
        new VirtualService(chart, 'vs', { hosts: ['b.example.com'], http: [{ route: [{ host: 'b.example.com' }] }] });
        MeshAnalysis.suppress(chart, 'IST0101');
      }
    }
    const yaml = app.synthYaml();
    // cdk8s's own order: the whole app's dependency graph, then each chart through cdk8s's path
    const charts = new DependencyGraph(app.node).topology().filter((c): c is Chart => c instanceof Chart);
    expect(charts.map((c) => c.node.path)).toEqual(['2', '10', 'b', 'a', '007']);
    expect(YAML.parseAllDocuments(yaml).map((d) => d.toJS())).toEqual(charts.flatMap((c) => Testing.synth(c)));
  });

  describe('bad input', () => {
    test('an unknown analysis mode names the key, the value and the fix', () => {
      const { app } = brokenLibraryChart('loud');
      expect(() => app.synthYaml()).toThrow('analysis mode "loud" is invalid: the cdk8s-istio/analysis context key (or CDK8S_ISTIO_ANALYSIS) must be "error", "warn" or "off". Fix: e.g. app.node.setContext(\'cdk8s-istio/analysis\', \'warn\')');
    });
  });
});

test('a second synth of a changed app is analyzed afresh (no stale shared results)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  bookinfoReviews(chart);
  const vs = new VirtualService(chart, 'reviews-vs', { metadata: { name: 'reviews', namespace: 'bookinfo' }, hosts: ['reviews'] });
  vs.addHttpRoute({ route: [{ host: 'reviews', subset: 'v2' }] });
  expect(() => app.synthYaml()).not.toThrow();
  // same tick: route to a subset that does not exist, synthesize again
  vs.addHttpRoute({ match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ host: 'reviews', subset: 'v9' }] });
  expect(() => app.synthYaml()).toThrow(/IST0101.*reviews\+v9/);
});

test('Secrets are external at synth time: an HTTPS credentialName without its Secret is no error', () => {
  const gateway = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'istio-system' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a-cert' } }] },
  };
  // istioctl semantics (files only): the missing Secret is reported
  expect(MeshAnalyzer.analyze([gateway], { analyzers: ['gateway.SecretAnalyzer'] }).map((d) => d.code)).toEqual(['IST0101']);
  expect(MeshAnalyzer.analyze([gateway], { analyzers: ['gateway.SecretAnalyzer'], externalSecrets: true })).toEqual([]);
  // synth time assumes Secrets come from outside the app
  const app = Testing.app();
  const chart = new Chart(app, 'edge');
  new ApiObject(chart, 'gw', gateway as any);
  expect(MeshAnalysis.analyze(chart).map((d) => d.diagnostic.code)).not.toContain('IST0101');
});

test('a change made through cdk8s-plus between two syntheses is analyzed (no stale shared results)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const deployment = new Deployment(chart, 'api', {
    metadata: { name: 'api' },
    podMetadata: { labels: { app: 'api' } },
    containers: [{ image: 'example/api:1.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
  });
  new Deployment(chart, 'worker', {
    metadata: { name: 'worker' },
    podMetadata: { labels: { app: 'worker', team: 'payments' } },
    containers: [{ image: 'example/worker:1.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
  });
  // two Sidecars: one selects app=api, the other team=payments; no pod has both labels yet
  new Sidecar(chart, 'by-app', { metadata: { name: 'by-app' }, workloadSelector: WorkloadSelector.fromLabels({ app: 'api' }), egress: [{ hosts: ['./*'] }] });
  new Sidecar(chart, 'by-team', { metadata: { name: 'by-team' }, workloadSelector: WorkloadSelector.fromLabels({ team: 'payments' }), egress: [{ hosts: ['./*'] }] });
  expect(() => app.synthYaml()).not.toThrow();
  // same tick, no call into this library: the pods now match both Sidecars (IST0110)
  deployment.podMetadata.addLabel('team', 'payments');
  expect(() => app.synthYaml()).toThrow(/IST0110/);
  // and a change made through a raw ApiObject: JSON patch the label away again
  ApiObject.of(deployment).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/team'));
  expect(() => app.synthYaml()).not.toThrow();
});
