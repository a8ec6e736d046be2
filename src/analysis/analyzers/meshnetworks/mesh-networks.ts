import { AnalyzerDef, arr, obj, str } from '../../model';

export const meshNetworksAnalyzer: AnalyzerDef = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  description: 'Check the validity of MeshNetworks in the cluster',
  inputs: ['MeshNetworks', 'Secret'],
  analyze(ctx) {
    const registries = new Set(['Mock', 'Kubernetes', 'External']);
    for (const s of ctx.all('Secret')) {
      if (s.labels['istio/multiCluster'] !== 'true') continue;
      for (const k of Object.keys(obj(s.raw.data))) registries.add(k);
      for (const k of Object.keys(obj(s.raw.stringData))) registries.add(k);
    }
    for (const r of ctx.all('MeshNetworks')) {
      for (const [netName, net] of Object.entries(obj(r.raw.networks))) {
        for (const e of arr(obj(net).endpoints)) {
          if (e?.fromRegistry === undefined) continue;
          const reg = str(e.fromRegistry);
          if (!registries.has(reg)) ctx.report(r, 'UnknownMeshNetworksServiceRegistry', reg, netName);
        }
      }
    }
  },
};
