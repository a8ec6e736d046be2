import { Chart, Testing } from 'cdk8s';
import { MeshAnalysis } from '../../src/core/mesh-analysis';

/**
 * A chart for unit tests that build a *fragment* of a mesh: a VirtualService whose Services,
 * DestinationRules or Gateways live elsewhere, a policy whose workloads are deployed by
 * another app. Synth-time analysis still runs on it, but IST0101 (ReferencedResourceNotFound)
 * is deliberately suppressed, exactly as a user of such a chart would do.
 * Tests of complete meshes (patterns, the Bookinfo example) use plain charts.
 */
export function fragmentChart(): Chart {
  const chart = Testing.chart();
  MeshAnalysis.suppress(chart, 'IST0101');
  return chart;
}
