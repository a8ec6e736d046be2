import { AnalysisContext, AnalyzerDef, arr, isObj, num, obj, Obj, Resource, str } from '../../model';
import { ServiceRegistry } from '../service-registry';
import { mirrorDestinations, routeDestinations } from './shared';

function checkPorts(ctx: AnalysisContext, r: Resource, d: Obj, ports: { number: number }[]): void {
  const host = str(d.host);
  if (!isObj(d.port)) {
    if (ports.length > 1) ctx.report(r, 'VirtualServiceDestinationPortSelectorRequired', host, ports.map((p) => p.number));
    return;
  }
  const want = num(d.port.number);
  if (!ports.some((p) => p.number === want)) ctx.report(r, 'ReferencedResourceNotFound', 'host:port', `${host}:${want}`);
}

export const destinationHostAnalyzer: AnalyzerDef = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  inputs: ['ServiceEntry', 'VirtualService', 'Service'],
  analyze(ctx) {
    const registry = ServiceRegistry.of(ctx);
    // host -> full names of virtual services routing to that host (one entry per subset destination),
    // read only when a VirtualService bound to gateways asks
    let subsetDestinations: Map<string, string[]> | undefined;
    const subsetDestinationsOf = (): Map<string, string[]> => {
      if (subsetDestinations) return subsetDestinations;
      subsetDestinations = new Map<string, string[]>();
      for (const r of ctx.all('VirtualService')) {
        const hosts = arr(r.spec.hosts).map(str);
        for (const http of arr(r.spec.http)) {
          for (const rd of arr(http?.route)) {
            const d = obj(rd?.destination);
            if (!str(d.subset)) continue;
            for (const h of hosts) {
              if (str(d.host) !== h) continue;
              const list = subsetDestinations.get(h) ?? [];
              list.push(r.fullName);
              subsetDestinations.set(h, list);
            }
          }
        }
      }
      return subsetDestinations;
    };
    for (const r of ctx.all('VirtualService')) {
      const exportTo = arr(r.spec.exportTo).map(str);
      for (const d of routeDestinations(r.spec)) {
        const s = registry.lookup(r.namespace, exportTo, str(d.destination.host));
        if (!s) {
          ctx.report(r, 'ReferencedResourceNotFound', 'host', str(d.destination.host));
          continue;
        }
        checkPorts(ctx, r, d.destination, s.ports);
      }
      for (const d of mirrorDestinations(r.spec)) {
        const s = registry.lookup(r.namespace, exportTo, str(d.destination.host));
        if (!s) {
          ctx.report(r, 'ReferencedResourceNotFound', 'mirror host', str(d.destination.host));
          continue;
        }
        checkPorts(ctx, r, d.destination, s.ports);
      }
      if (arr(r.spec.gateways).length === 0) continue;
      for (const http of arr(r.spec.http)) {
        for (const rd of arr(http?.route)) {
          const d = obj(rd?.destination);
          if (str(d.subset)) continue;
          for (const vs of subsetDestinationsOf().get(str(d.host)) ?? []) {
            ctx.report(r, 'IngressRouteRulesNotAffected', vs, r.fullName);
          }
        }
      }
    }
  },
};
