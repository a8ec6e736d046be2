import { AnalyzerDef } from '../../model';

const MINIMUM_GATEWAY_CRD_VERSIONS: { [crd: string]: [number, number, number] } = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

export const crdVersionAnalyzer: AnalyzerDef = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  description: 'Checks Gateway API CRDs are at the minimum version required by this Istio version',
  inputs: ['CustomResourceDefinition'],
  analyze(ctx) {
    for (const r of ctx.all('CustomResourceDefinition')) {
      const min = MINIMUM_GATEWAY_CRD_VERSIONS[r.name];
      const bv = r.annotations['gateway.networking.k8s.io/bundle-version'];
      if (!min || bv === undefined) continue;
      const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(bv.trim());
      if (!m) continue;
      const v = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
      const less = v[0] !== min[0] ? v[0] < min[0] : v[1] !== min[1] ? v[1] < min[1] : v[2] < min[2];
      if (less) {
        ctx.report(r, 'GatewayAPICRDVersionBelowMinimum', r.name, `${v.join('.')}${m[4] ?? ''}${m[5] ?? ''}`, min.join('.'));
      }
    }
  },
};
