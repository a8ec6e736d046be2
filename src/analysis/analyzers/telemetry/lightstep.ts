import { AnalyzerDef, arr, isObj, str } from '../../model';

export const telemetryLightstepAnalyzer: AnalyzerDef = {
  name: 'telemetry.LightstepAnalyzer',
  description: 'Validates that lightstep provider is still used',
  inputs: ['Telemetry', 'MeshConfig'],
  analyze(ctx) {
    const names = new Set(arr(ctx.meshConfig()?.extensionProviders).filter((p) => isObj(p?.lightstep)).map((p) => str(p.name)));
    if (names.size === 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const tr of arr(t.spec.tracing)) {
        for (const p of arr(tr?.providers)) {
          if (names.has(str(p?.name))) {
            ctx.report(t, 'Deprecated', `The Lightstep provider ${str(p.name)} is deprecated, please migrate to OpenTelemetry provider.`);
          }
        }
      }
    }
  },
};
