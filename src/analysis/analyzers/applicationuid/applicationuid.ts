import { deploymentsAndRollouts } from '../../controllers';
import { AnalyzerDef, arr, isObj, num, podSpecOf, str } from '../../model';
import { isControlPlane } from '../common/control-plane';

export const applicationUidAnalyzer: AnalyzerDef = {
  name: 'applicationUID.Analyzer',
  description: 'Checks invalid application UID',
  inputs: ['Pod', 'Deployment', 'Rollout'],
  analyze(ctx) {
    // Argo Rollouts' Rollout runs pods like a Deployment (Istio's analyzer knows Deployments only)
    for (const r of [...ctx.all('Pod'), ...deploymentsAndRollouts(ctx)]) {
      if (isControlPlane(r)) continue;
      const spec = podSpecOf(r);
      if (isObj(spec.securityContext) && num(spec.securityContext.runAsUser) === 1337) ctx.report(r, 'InvalidApplicationUID');
      for (const c of arr(spec.containers)) {
        const name = str(c?.name);
        if (name === 'istio-proxy' || name === 'istio-operator') continue;
        if (isObj(c?.securityContext) && num(c.securityContext.runAsUser) === 1337) ctx.report(r, 'InvalidApplicationUID');
      }
    }
  },
};
