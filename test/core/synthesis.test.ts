// Synthesis boundaries of an app (src/core/synthesis.ts): which charts render as cdk8s's own
// `Chart.toJson()` does, so that YAML written from the objects as rendered (the opt-in synthesis
// worker's) is the YAML the app asks for.
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { chartsRenderAsCdk8s } from '../../src/core/synthesis';
import { SynthesisJob } from '../../src/core/synthesis-job';
import { VirtualService } from '../../src/networking/virtual-service';

/** A chart that labels every object after cdk8s rendered it (a common way to post-process a chart). */
class Stamped extends Chart {
  public toJson(): any[] {
    const objects = super.toJson();
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, stamped: 'yes' };
    return objects;
  }
}

function withRoutes(chart: Chart): Chart {
  for (const name of ['a', 'b']) new VirtualService(chart, name, { hosts: [`${name}.example.com`], http: [{ route: [{ host: `${name}.example.com` }] }] });
  MeshAnalysis.suppress(chart, 'IST0101'); // the hosts are outside the app
  return chart;
}

test('charts whose toJson is cdk8s\'s own render as cdk8s does; a subclass or a patched instance that changes the objects does not', () => {
  const plain = new App();
  withRoutes(new Chart(plain, 'one'));
  withRoutes(new Chart(plain, 'two'));
  expect(chartsRenderAsCdk8s(plain)).toBe(true);

  const subclassed = new App();
  withRoutes(new Chart(subclassed, 'one'));
  withRoutes(new Stamped(subclassed, 'two'));
  expect(chartsRenderAsCdk8s(subclassed)).toBe(false);

  const patched = new App();
  const chart = withRoutes(new Chart(patched, 'one'));
  const toJson = chart.toJson.bind(chart);
  chart.toJson = () => toJson().map((o: any) => ({ ...o, metadata: { ...o.metadata, annotations: { patched: 'true' } } }));
  expect(chartsRenderAsCdk8s(patched)).toBe(false);
});

test('an app whose charts edit their objects after rendering is never handed to the synthesis worker, and its YAML has the edits', () => {
  const open = jest.spyOn(SynthesisJob, 'open');
  try {
    const plain = new App();
    withRoutes(new Chart(plain, 'one'));
    plain.synthYaml();
    expect(open).toHaveBeenCalledTimes(1); // too small for a worker, but asked

    open.mockClear();
    const stamped = new App();
    withRoutes(new Stamped(stamped, 'one'));
    const docs = YAML.parseAllDocuments(stamped.synthYaml()).map((d) => d.toJS());
    expect(open).not.toHaveBeenCalled();
    expect(docs.map((d) => d.metadata.labels?.stamped)).toEqual(['yes', 'yes']);
  } finally {
    open.mockRestore();
  }
});
