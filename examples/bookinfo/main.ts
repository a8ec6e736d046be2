/**
 * Bookinfo on Istio, written with cdk8s-istio.
 *
 * Run from the repository root: `npx projen synth:bookinfo`; the manifests are written to
 * examples/bookinfo/dist/. Read top to bottom: each block is one decision about the mesh.
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { MtlsMode, PeerAuthentication } from 'cdk8s-istio';

export class BookinfoChart extends Chart {
  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'bookinfo', ...props });

    // 1. Every workload in the namespace accepts mutual TLS only.
    new PeerAuthentication(this, 'mtls', {
      metadata: { name: 'default' },
      mode: MtlsMode.STRICT,
    });
  }
}

const app = new App();
new BookinfoChart(app, 'bookinfo');
app.synth();
