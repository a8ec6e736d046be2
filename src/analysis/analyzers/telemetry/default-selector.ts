import { AnalyzerDef, pushTo, Resource } from '../../model';

export const telemetryDefaultSelectorAnalyzer: AnalyzerDef = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  description: "Validates that there aren't multiple telemetry resources that have no selector",
  inputs: ['Telemetry'],
  analyze(ctx) {
    const byNs = new Map<string, Resource[]>();
    for (const t of ctx.all('Telemetry')) {
      if (t.spec.selector !== undefined && t.spec.selector !== null) continue;
      pushTo(byNs, t.namespace, t);
    }
    for (const [ns, list] of byNs) {
      if (list.length <= 1) continue;
      const names = list.map((t) => t.name).sort();
      for (const t of list) ctx.report(t, 'MultipleTelemetriesWithoutWorkloadSelectors', names, ns);
    }
  },
};
