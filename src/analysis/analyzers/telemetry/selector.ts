import { AnalyzerDef, obj, pushTo, Resource, selectorString, strMap } from '../../model';
import { podsByNamespace } from '../common/pods';

export const telemetrySelectorAnalyzer: AnalyzerDef = {
  name: 'telemetry.SelectorAnalyzer',
  description: 'Validates that telemetries that define a selector match at least one pod, and that there ' +
    "aren't multiple telemetry resources that select overlapping pods",
  inputs: ['Telemetry', 'Pod'],
  analyze(ctx) {
    const byNs = podsByNamespace(ctx);
    const podTo = new Map<Resource, Resource[]>();
    for (const t of ctx.all('Telemetry')) {
      const sel = strMap(obj(t.spec.selector).matchLabels);
      if (Object.keys(sel).length === 0) continue;
      const matched = byNs.get(t.namespace)?.matching(sel) ?? [];
      for (const p of matched) pushTo(podTo, p, t);
      if (matched.length === 0) ctx.report(t, 'ReferencedResourceNotFound', 'selector', selectorString(sel));
    }
    for (const [pod, list] of podTo) {
      if (list.length === 1) continue;
      const names = list.map((t) => t.name).sort();
      for (const t of list) ctx.report(t, 'ConflictingTelemetryWorkloadSelectors', names, pod.namespace, pod.name);
    }
  },
};
