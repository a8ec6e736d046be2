import { AnalyzerDef, isObj, pushTo, Resource, selectorMatches, strMap } from '../../model';

export const k8sGatewaySelectorAnalyzer: AnalyzerDef = {
  name: 'k8sgateway.SelectorAnalyzer',
  description: 'Check that selectors are effective for Kubernetes gateway',
  inputs: ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin', 'Pod'],
  analyze(ctx) {
    const gwPods = new Map<string, Resource[]>();
    for (const p of ctx.all('Pod')) {
      if (!('gateway.networking.k8s.io/gateway-name' in p.labels)) continue;
      pushTo(gwPods, p.namespace, p);
    }
    for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin']) {
      for (const r of ctx.all(kind)) {
        if (isObj(r.spec.targetRef)) continue;
        if (!isObj(r.spec.selector)) continue;
        const sel = strMap(r.spec.selector.matchLabels);
        for (const p of gwPods.get(r.namespace) ?? []) {
          if (selectorMatches(sel, p.labels)) ctx.report(r, 'IneffectiveSelector', p.labels['gateway.networking.k8s.io/gateway-name']);
        }
      }
    }
  },
};
