import { deploymentsAndRollouts } from '../../controllers';
import { AnalysisContext, AnalyzerDef, arr, inMesh, num, podSpecOf, pushTo, Resource, selectorMatches, str, strMap, templateMeta } from '../../model';

function findNamespace(ctx: AnalysisContext): (name: string) => Resource | undefined {
  return (name) => ctx.find('Namespace', '', name);
}

/** A Service that selects pods, with its selector. */
type SelectingService = { service: Resource; selector: { [key: string]: string } };

/** The Services of each namespace that select pods, with their selectors (read once, not once per workload). */
function selectingServicesByNamespace(ctx: AnalysisContext): Map<string, SelectingService[]> {
  return ctx.cached('selecting-services-by-ns', () => {
    const m = new Map<string, SelectingService[]>();
    for (const s of ctx.all('Service')) {
      const selector = strMap(s.spec.selector);
      if (Object.keys(selector).length === 0) continue;
      const l = m.get(s.namespace) ?? [];
      l.push({ service: s, selector });
      m.set(s.namespace, l);
    }
    return m;
  });
}

export const serviceAssociationAnalyzer: AnalyzerDef = {
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks association between services and pods',
  inputs: ['Service', 'Deployment', 'Rollout', 'Namespace'],
  analyze(ctx) {
    const byNs = selectingServicesByNamespace(ctx);
    // Argo Rollouts' Rollout runs pods like a Deployment (Istio's analyzer knows Deployments only)
    for (const d of deploymentsAndRollouts(ctx)) {
      if (d.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const tm = templateMeta(d);
      const spec = podSpecOf(d);
      if (!inMesh(tm.annotations, tm.labels, d.namespace, arr(spec.containers), findNamespace(ctx))) continue;
      const svcs = (byNs.get(d.namespace) ?? []).filter((s) => selectorMatches(s.selector, tm.labels)).map((s) => s.service);
      // port -> protocol -> service names
      const portMap = new Map<number, Map<string, string[]>>();
      // targetPort -> port -> service name
      const targetMap = new Map<string, Map<number, string>>();
      for (const s of svcs) {
        for (const p of arr(s.spec.ports)) {
          const port = num(p?.port);
          const proto = str(p?.protocol) || 'TCP';
          const pm = portMap.get(port) ?? new Map<string, string[]>();
          pushTo(pm, proto, s.fullName);
          portMap.set(port, pm);
          let tp = p?.targetPort === undefined || p?.targetPort === null ? '' : String(p.targetPort);
          if (tp === '0' || tp === '') tp = String(port);
          const tm2 = targetMap.get(tp) ?? new Map<number, string>();
          tm2.set(port, s.fullName);
          targetMap.set(tp, tm2);
        }
      }
      for (const [port, protos] of portMap) {
        if (protos.size > 1) {
          const names = [...protos.values()].flat().sort();
          ctx.report(d, 'DeploymentAssociatedToMultipleServices', d.name, port, names);
        }
      }
      for (const [tp, ports] of targetMap) {
        if (ports.size > 1) {
          const names = [...ports.values()].sort();
          const nums = [...ports.keys()].sort((a, b) => a - b);
          ctx.report(d, 'DeploymentConflictingPorts', d.name, names, tp, nums);
        }
      }
    }
  },
};
