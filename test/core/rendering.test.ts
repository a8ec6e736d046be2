// Where a synthesis's rendered objects go (src/core/rendering.ts) and when a large app's
// construction starts the validation worker (src/core/mesh-analysis.ts): the worker itself only
// exists in compiled JavaScript (test/analysis/schema/validation-host.test.ts runs it), so here
// it is stood in for by spies on the validation host.
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { ValidationStream } from '../../src/analysis/schema/validation-host';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { VirtualService } from '../../src/networking/virtual-service';

/** A chart that labels every object after cdk8s rendered it. */
class Stamped extends Chart {
  public toJson(): any[] {
    const objects = super.toJson();
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, stamped: 'yes' };
    return objects;
  }
}

/** `count` VirtualServices in `chart` (hosts r<i>.example.com) (library constructs: each turns on the synth-time analysis). */
function withRoutes(chart: Chart, count = 2): Chart {
  for (let i = 0; i < count; i++) new VirtualService(chart, `r${i}`, { hosts: [`r${i}.example.com`], http: [{ route: [{ host: `r${i}.example.com` }] }] });
  MeshAnalysis.suppress(chart, 'IST0101'); // the hosts are outside the app
  return chart;
}

/** What a synthesis handed to the (stood-in) running worker: the objects' hosts. */
function handedOver(build: (app: App) => void): string[] {
  const running = jest.spyOn(ValidationStream, 'running').mockReturnValue(true);
  const stream = jest.spyOn(ValidationStream, 'add').mockImplementation(() => undefined);
  try {
    const app = new App();
    build(app);
    app.synthYaml();
    return stream.mock.calls.flatMap(([objects]) => objects.map((o: any) => o.spec.hosts[0]));
  } finally {
    running.mockRestore();
    stream.mockRestore();
  }
}

test('a synthesis hands every object it renders to a running validation worker, once', () => {
  expect(handedOver((app) => withRoutes(new Chart(app, 'one'), 3))).toEqual(['r0.example.com', 'r1.example.com', 'r2.example.com']);
});

test('nothing is handed over when the charts edit their objects after rendering, or nothing validates schemas', () => {
  expect(handedOver((app) => withRoutes(new Stamped(app, 'one')))).toEqual([]);
  expect(handedOver((app) => {
    app.node.setContext('cdk8s-istio/schema-validation', 'off');
    withRoutes(new Chart(app, 'one'));
  })).toEqual([]);
  expect(handedOver((app) => {
    app.node.setContext('cdk8s-istio/analysis', 'off');
    withRoutes(new Chart(app, 'one'));
  })).toEqual([]);
  // without a running worker nothing is streamed, and the app's YAML is the same
  const stream = jest.spyOn(ValidationStream, 'add');
  try {
    const app = new App();
    withRoutes(new Chart(app, 'one'));
    expect(YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS().spec.hosts[0])).toEqual(['r0.example.com', 'r1.example.com']);
    expect(stream).not.toHaveBeenCalled();
  } finally {
    stream.mockRestore();
  }
});

test('a large app\'s construction starts the validation worker (once it has 1,000 library constructs), unless it validates no schemas', () => {
  const prewarm = jest.spyOn(ValidationStream, 'prepareForLargeApp').mockImplementation(() => undefined);
  try {
    withRoutes(new Chart(new App(), 'small'), 999);
    expect(prewarm).not.toHaveBeenCalled();
    withRoutes(new Chart(new App(), 'large'), 1010);
    expect(prewarm).toHaveBeenCalledTimes(1);
    const off = new App();
    off.node.setContext('cdk8s-istio/schema-validation', 'off');
    withRoutes(new Chart(off, 'large'), 1010);
    expect(prewarm).toHaveBeenCalledTimes(1);
  } finally {
    prewarm.mockRestore();
  }
});
