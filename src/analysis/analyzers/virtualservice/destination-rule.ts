import { mirrorDestinations, routeDestinations } from './shared';
import { AnalyzerDef, arr, Obj, resourceNameFromHost, str } from '../../model';

export const destinationRuleAnalyzer: AnalyzerDef = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  inputs: ['VirtualService', 'DestinationRule'],
  analyze(ctx) {
    const subsets = new Set<string>();
    for (const r of ctx.all('DestinationRule')) {
      const n = resourceNameFromHost(r.namespace, str(r.spec.host));
      for (const ss of arr(r.spec.subsets)) subsets.add(`${n.namespace}|${n.name}|${str(ss?.name)}`);
    }
    const ok = (vsNs: string, d: Obj): boolean => {
      const subset = str(d.subset);
      if (!subset) return true;
      const n = resourceNameFromHost(vsNs, str(d.host));
      return subsets.has(`${n.namespace}|${n.name}|${subset}`);
    };
    for (const r of ctx.all('VirtualService')) {
      for (const d of routeDestinations(r.spec)) {
        if (!ok(r.namespace, d.destination)) {
          ctx.report(r, 'ReferencedResourceNotFound', 'host+subset in destinationrule',
            `${str(d.destination.host)}+${str(d.destination.subset)}`);
        }
      }
      for (const d of mirrorDestinations(r.spec)) {
        if (!ok(r.namespace, d.destination)) {
          ctx.report(r, 'ReferencedResourceNotFound', 'mirror+subset in destinationrule',
            `${str(d.destination.host)}+${str(d.destination.subset)}`);
        }
      }
    }
  },
};
