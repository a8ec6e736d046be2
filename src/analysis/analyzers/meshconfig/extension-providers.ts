// The library's extension-provider analyzer: the providers a Telemetry or a CUSTOM
// AuthorizationPolicy names must be defined in the mesh's MeshConfig, and of a kind that can
// serve the use (istiod ignores the rest, silently: no traces, no logs, or — for CUSTOM
// authorization — every request denied).
import { PROVIDER_KINDS_BY_USE, providerKind } from '../../extension-provider-kinds';
import { AnalysisContext, AnalyzerDef, Obj, Resource, arr, isObj, obj, str } from '../../model';

/** The mesh's extension providers by name (the effective MeshConfig keeps Istio's built-ins). */
export function meshProviders(ctx: AnalysisContext): Map<string, Obj> {
  return ctx.cached('mesh-providers', () => {
    const out = new Map<string, Obj>();
    for (const p of arr(ctx.meshConfig()?.extensionProviders)) if (isObj(p) && typeof p.name === 'string') out.set(p.name, p);
    return out;
  });
}

function check(ctx: AnalysisContext, r: Resource, use: string, where: string, name: string): void {
  const providers = meshProviders(ctx);
  const p = providers.get(name);
  if (!p) {
    if (ctx.meshConfigComplete) ctx.report(r, 'UndefinedExtensionProvider', name, where, [...providers.keys()].join(', '));
    return;
  }
  const kind = providerKind(p);
  if (!PROVIDER_KINDS_BY_USE[use].includes(kind)) ctx.report(r, 'ExtensionProviderKindMismatch', name, kind, where, PROVIDER_KINDS_BY_USE[use].join(', '));
}

export const extensionProviderAnalyzer: AnalyzerDef = {
  name: 'meshconfig.ExtensionProviderAnalyzer',
  description: 'Checks that Telemetry and CUSTOM AuthorizationPolicy providers are defined in the MeshConfig and fit their use',
  inputs: ['Telemetry', 'AuthorizationPolicy', 'MeshConfig'],
  analyze(ctx) {
    for (const t of ctx.all('Telemetry')) {
      for (const use of ['tracing', 'accessLogging', 'metrics']) {
        arr(t.spec[use]).forEach((entry, i) => {
          arr(obj(entry).providers).forEach((p, j) => {
            const name = str(obj(p).name);
            if (name !== '') check(ctx, t, use, `spec.${use}[${i}].providers[${j}]`, name);
          });
        });
      }
    }
    for (const a of ctx.all('AuthorizationPolicy')) {
      if (a.spec.action !== 'CUSTOM') continue;
      const name = str(obj(a.spec.provider).name);
      if (name !== '') check(ctx, a, 'authorization', 'spec.provider', name);
    }
  },
};
