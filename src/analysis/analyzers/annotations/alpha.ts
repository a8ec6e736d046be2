import { ALWAYS_IGNORED, ANNOTATED_KINDS, annotations, isIstioAnnotation } from './shared';
import { AnalyzerDef, arr, str } from '../../model';

const CNI_DEFAULTED = new Set([
  'sidecar.istio.io/interceptionMode', 'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

export const alphaAnnotationsAnalyzer: AnalyzerDef = {
  name: 'annotations.AlphaAnalyzer',
  description: 'Checks for alpha Istio annotations in Kubernetes resources',
  inputs: ANNOTATED_KINDS,
  inAll: false,
  analyze(ctx) {
    const reg = annotations();
    for (const kind of ANNOTATED_KINDS) {
      for (const r of ctx.all(kind)) {
        const cni = kind === 'Pod' && !arr(r.spec.initContainers).some((c) => str(c?.name) === 'istio-init');
        for (const ann of Object.keys(r.annotations)) {
          if (!isIstioAnnotation(ann)) continue;
          const def = reg.get(ann);
          if (!def || def.status !== 'A' || ALWAYS_IGNORED.has(ann)) continue;
          if (cni && CNI_DEFAULTED.has(ann)) continue;
          ctx.report(r, 'AlphaAnnotation', ann);
        }
      }
    }
  },
};
