import { AnalyzerDef, arr, obj } from '../../model';

export const telemetryProviderAnalyzer: AnalyzerDef = {
  name: 'telemetry.ProviderAnalyzer',
  description: 'Validates that providers in telemetry resource is valid',
  inputs: ['Telemetry', 'MeshConfig'],
  analyze(ctx) {
    const mesh = ctx.meshConfig();
    if (arr(obj(mesh?.defaultProviders).accessLogging).length > 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const l of arr(t.spec.accessLogging)) {
        if (l?.disabled === true) continue;
        if (arr(l?.providers).length === 0) ctx.report(t, 'InvalidTelemetryProvider', t.name, t.namespace);
      }
    }
  },
};
