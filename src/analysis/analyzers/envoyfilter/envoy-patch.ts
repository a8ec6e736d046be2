import { AnalyzerDef, arr, isObj, obj, str } from '../../model';

export const envoyPatchAnalyzer: AnalyzerDef = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks an envoyFilters ',
  inputs: ['EnvoyFilter'],
  analyze(ctx) {
    // names of patches that pinned a proxy version, accumulated across filters like Istio does
    const versioned = new Set<string>();
    for (const r of ctx.all('EnvoyFilter')) {
      const priority = typeof r.spec.priority === 'number' ? r.spec.priority : 0;
      const relative = (name: string) => {
        if (priority !== 0) return;
        ctx.report(r, versioned.has(name) ? 'EnvoyFilterUsesRelativeOperationWithProxyVersion' : 'EnvoyFilterUsesRelativeOperation');
      };
      for (const cp of arr(r.spec.configPatches)) {
        if (!isObj(cp?.patch)) break;
        let name = '';
        const value = cp.patch.value;
        if (isObj(value)) {
          if (value.name !== undefined && value.name !== null) name = goStructValueString(value.name);
          else name = str(obj(obj(obj(cp.match).listener).filterChain).filter?.name);
        }
        const op = str(cp.patch.operation);
        const applyTo = str(cp.applyTo);
        const routeLevel = applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE';
        if (op === 'ADD') {
          if (routeLevel) ctx.report(r, 'EnvoyFilterUsesAddOperationIncorrectly');
        } else if (op === 'REMOVE') {
          if (routeLevel) ctx.report(r, 'EnvoyFilterUsesRemoveOperationIncorrectly');
          else relative(name);
        } else if (op === 'REPLACE') {
          if (applyTo !== 'NETWORK_FILTER' && applyTo !== 'HTTP_FILTER' && applyTo !== 'VIRTUAL_HOST') {
            ctx.report(r, 'EnvoyFilterUsesReplaceOperationIncorrectly');
          } else {relative(name);}
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
          relative(name);
        }
        if (str(obj(obj(cp.match).proxy).proxyVersion)) versioned.add(name);
      }
    }
  },
};

/** Go's `structpb.Value.String()` rendering of a scalar (only used as an identity key). */
function goStructValueString(v: unknown): string {
  if (typeof v === 'string') return `string_value:${JSON.stringify(v)}`;
  return `value:${JSON.stringify(v)}`;
}
