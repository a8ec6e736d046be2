import { AnalyzerDef, arr, obj, str, strMap } from '../../model';

export const serviceEntryAnalyzer: AnalyzerDef = {
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: ['ServiceEntry', 'MeshConfig'],
  analyze(ctx) {
    const md = strMap(obj(ctx.meshConfig()?.defaultConfig).proxyMetadata);
    const auto = md.ISTIO_META_DNS_CAPTURE === 'true'
      && (md.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || md.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
    for (const r of ctx.all('ServiceEntry')) {
      if (r.spec.addresses !== undefined && r.spec.addresses !== null) continue;
      if (arr(r.status?.addresses).length > 0 || auto) continue;
      for (const p of arr(r.spec.ports)) {
        const proto = str(p?.protocol);
        if (proto === '' || proto.toUpperCase() === 'TCP') ctx.report(r, 'ServiceEntryAddressesRequired');
      }
    }
  },
};
