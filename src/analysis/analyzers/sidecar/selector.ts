import { AnalyzerDef, namespaceInAmbientMode, obj, podInAmbientMode, pushTo, Resource, selectorString, strMap } from '../../model';
import { podsByNamespace } from '../common/pods';

export const sidecarSelectorAnalyzer: AnalyzerDef = {
  name: 'sidecar.SelectorAnalyzer',
  description: 'Validates that sidecars that define a workload selector match at least one pod, and that there ' +
    "aren't multiple sidecar resources that select overlapping pods",
  inputs: ['Sidecar', 'Pod', 'Namespace'],
  analyze(ctx) {
    const byNs = podsByNamespace(ctx);
    const podToSidecars = new Map<Resource, Resource[]>();
    const nsToSidecars = new Map<string, Resource[]>();
    for (const s of ctx.all('Sidecar')) {
      const labels = strMap(obj(s.spec.workloadSelector).labels);
      if (Object.keys(labels).length === 0) {
        pushTo(nsToSidecars, s.namespace, s);
        continue;
      }
      const matched = byNs.get(s.namespace)?.matching(labels) ?? [];
      for (const p of matched) pushTo(podToSidecars, p, s);
      if (matched.length === 0) ctx.report(s, 'ReferencedResourceNotFound', 'selector', selectorString(labels));
    }
    const reported = new Set<Resource>();
    for (const [pod, list] of podToSidecars) {
      const ambient = podInAmbientMode(pod);
      if (list.length === 1 && !ambient) continue;
      const names = list.map((s) => s.name).sort();
      for (const s of list) {
        if (ambient) {
          if (!reported.has(s)) {
            ctx.report(s, 'IneffectivePolicy', 'selected workload is in ambient mode, the policy has no impact');
            reported.add(s);
          }
          continue;
        }
        ctx.report(s, 'ConflictingSidecarWorkloadSelectors', names, pod.namespace, pod.name);
      }
    }
    for (const [ns, list] of nsToSidecars) {
      if (namespaceInAmbientMode(ctx.find('Namespace', '', ns))) {
        for (const s of list) {
          if (!reported.has(s)) {
            ctx.report(s, 'IneffectivePolicy', 'namespace is in ambient mode, the policy has no impact');
            reported.add(s);
          }
        }
        continue;
      }
      if (list.length > 1) {
        const names = list.map((s) => s.name).sort();
        for (const s of list) ctx.report(s, 'MultipleSidecarsWithoutWorkloadSelectors', names, ns);
      }
    }
  },
};
