import { LabelIndex } from '../../label-index';
import { AnalyzerDef, arr, Resource, str, strMap } from '../../model';
import { podIndex } from '../common/pods';
import { ServiceRegistry } from '../service-registry';

function localityOf(node: Resource | undefined): string {
  if (!node) return '';
  const region = node.labels['topology.kubernetes.io/region'] ?? '';
  const zone = node.labels['topology.kubernetes.io/zone'] ?? '';
  const subzone = node.labels['topology.istio.io/subzone'] ?? '';
  if (!zone) return region;
  return subzone ? `${region}/${zone}/${subzone}` : `${region}/${zone}`;
}

export const subsetSelectPodAnalyzer: AnalyzerDef = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  inputs: ['DestinationRule', 'Pod', 'Service', 'ServiceEntry', 'Node'],
  analyze(ctx) {
    const registry = ServiceRegistry.of(ctx);
    const nodes = new Map(ctx.all('Node').map((n) => [n.name, n]));
    // pods with the topology labels Istio adds from their node (a pod on no node has its own)
    const augmented = new Map<Resource, { [key: string]: string }>();
    for (const p of ctx.all('Pod')) {
      const nodeName = str(p.spec.nodeName);
      if (!nodeName) continue;
      const node = nodes.get(nodeName);
      const parts = localityOf(node).split('/');
      const l = { ...p.labels };
      if (parts[0]) l['topology.kubernetes.io/region'] = parts[0];
      if (parts[1]) l['topology.kubernetes.io/zone'] = parts[1];
      if (parts[2]) l['topology.istio.io/subzone'] = parts[2];
      l['kubernetes.io/hostname'] = nodeName;
      augmented.set(p, l);
    }
    // no pod on a known node: the pods' own labels (the index other analyzers share)
    const index = augmented.size === 0 ? podIndex(ctx) : new LabelIndex(ctx.all('Pod'), (p) => augmented.get(p) ?? p.labels);
    for (const r of ctx.all('DestinationRule')) {
      const host = str(r.spec.host);
      const se = registry.lookup(r.namespace, arr(r.spec.exportTo).map(str), host);
      if (!se) {
        ctx.report(r, 'UnknownDestinationRuleHost', host);
        continue;
      }
      for (const ss of arr(r.spec.subsets)) {
        const sel = { ...(se.workloadSelector ?? {}), ...strMap(ss?.labels) };
        if (!index.any(sel)) ctx.report(r, 'DestinationRuleSubsetNotSelectPods', str(ss?.name));
      }
    }
  },
};
