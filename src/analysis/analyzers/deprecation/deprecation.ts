import { AnalyzerDef, arr, isObj, obj, str } from '../../model';

const REMOVED_CRDS = new Set(['rbac.istio.io|ClusterRbacConfig', 'rbac.istio.io|RbacConfig', 'rbac.istio.io|ServiceRole', 'rbac.istio.io|ServiceRoleBinding']);

export const deprecationAnalyzer: AnalyzerDef = {
  name: 'deprecation.DeprecationAnalyzer',
  description: 'Checks for deprecated Istio types and fields',
  inputs: ['VirtualService', 'Sidecar', 'CustomResourceDefinition'],
  analyze(ctx) {
    for (const r of ctx.all('VirtualService')) {
      for (const http of arr(r.spec.http)) {
        const pct = obj(obj(http?.fault).delay).percent;
        if (typeof pct === 'number' && pct > 0) {
          ctx.report(r, 'Deprecated', 'HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage');
        }
      }
    }
    for (const r of ctx.all('Sidecar')) {
      if (isObj(obj(r.spec.outboundTrafficPolicy).egressProxy)) ctx.report(r, 'Deprecated', 'OutboundTrafficPolicy.EgressProxy ignored');
    }
    for (const r of ctx.all('CustomResourceDefinition')) {
      const group = str(r.spec.group);
      const kind = str(obj(r.spec.names).kind);
      if (REMOVED_CRDS.has(`${group}|${kind}`)) ctx.report(r, 'Deprecated', `Custom resource type ${group} ${kind} is removed`);
    }
  },
};
