import { AnalyzerDef, arr, hostMatches, hostToFqdn, Resource, str } from '../../model';

export const conflictingMeshGatewayHostsAnalyzer: AnalyzerDef = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  inputs: ['VirtualService'],
  analyze(ctx) {
    const byScopedHost = new Map<string, Resource[]>();
    const exportedToAll = new Map<string, Resource[]>(); // fqdn -> VSs exported to all namespaces
    const wildcardExportedToAll: string[] = [];
    for (const r of ctx.all('VirtualService')) {
      const gateways = arr(r.spec.gateways).map(str);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      const exportTo = arr(r.spec.exportTo).map(str);
      const scopes = exportTo.length === 0 || exportTo.includes('*')
        ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const h of arr(r.spec.hosts).map(str)) {
          const fqdn = hostToFqdn(r.namespace, h);
          const key = `${scope}/${fqdn}`;
          const list = byScopedHost.get(key) ?? [];
          list.push(r);
          byScopedHost.set(key, list);
          if (scope === '*') {
            if (!exportedToAll.has(fqdn) && fqdn.startsWith('*')) wildcardExportedToAll.push(fqdn);
            exportedToAll.set(fqdn, list);
          }
        }
      }
    }
    const reported = new Set<Resource>();
    for (const [key, own] of byScopedHost) {
      const slash = key.indexOf('/');
      const scope = key.slice(0, slash);
      const fqdn = key.slice(slash + 1);
      let list = own;
      if (scope !== '*') {
        const extra: Resource[] = [];
        if (fqdn.startsWith('*')) {
          for (const [h, vss] of exportedToAll) if (hostMatches(fqdn, h)) extra.push(...vss);
        } else {
          extra.push(...(exportedToAll.get(fqdn) ?? []));
          for (const h of wildcardExportedToAll) if (hostMatches(fqdn, h)) extra.push(...(exportedToAll.get(h) ?? []));
        }
        list = [...own, ...extra];
      }
      if (list.length <= 1) continue;
      const names = list.map((v) => v.fullName).sort().join(',');
      for (const v of list) {
        if (reported.has(v)) continue;
        reported.add(v);
        ctx.report(v, 'ConflictingMeshGatewayVirtualServiceHosts', names, key);
      }
    }
  },
};
