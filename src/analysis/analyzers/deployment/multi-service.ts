import { deploymentsAndRollouts } from '../../controllers';
import { AnalysisContext, AnalyzerDef, arr, inMesh, num, podSpecOf, pushTo, Resource, selectorMatches, str, strMap, templateMeta } from '../../model';

function findNamespace(ctx: AnalysisContext): (name: string) => Resource | undefined {
  return (name) => ctx.find('Namespace', '', name);
}

/** A Service that selects pods, with its selector and its position among the Services. */
type SelectingService = { service: Resource; selector: { [key: string]: string }; seq: number };

/**
 * The Services that select pods, by namespace and by one `key=value` pair of their selector
 * (read once, not once per workload): a workload's labels then find the Services that may select
 * it without trying every Service of its namespace.
 */
function selectingServices(ctx: AnalysisContext): Map<string, Map<string, SelectingService[]>> {
  return ctx.cached('selecting-services', () => {
    const m = new Map<string, Map<string, SelectingService[]>>();
    ctx.all('Service').forEach((s, seq) => {
      const selector = strMap(s.spec.selector);
      const first = Object.keys(selector)[0];
      if (first === undefined) return;
      let byPair = m.get(s.namespace);
      if (!byPair) m.set(s.namespace, byPair = new Map());
      pushTo(byPair, `${first}=${selector[first]}`, { service: s, selector, seq });
    });
    return m;
  });
}

/** The Services of `namespace` whose selector matches `labels`, in the Services' order. */
export function servicesSelecting(ctx: AnalysisContext, namespace: string, labels: { [key: string]: string }): Resource[] {
  const byPair = selectingServices(ctx).get(namespace);
  if (!byPair) return [];
  const found: SelectingService[] = [];
  for (const k of Object.keys(labels)) {
    for (const s of byPair.get(`${k}=${labels[k]}`) ?? []) if (selectorMatches(s.selector, labels)) found.push(s);
  }
  return found.sort((a, b) => a.seq - b.seq).map((s) => s.service);
}

export const serviceAssociationAnalyzer: AnalyzerDef = {
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks association between services and pods',
  inputs: ['Service', 'Deployment', 'Rollout', 'Namespace'],
  analyze(ctx) {
    // Argo Rollouts' Rollout runs pods like a Deployment (Istio's analyzer knows Deployments only)
    for (const d of deploymentsAndRollouts(ctx)) {
      if (d.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const tm = templateMeta(d);
      const spec = podSpecOf(d);
      if (!inMesh(tm.annotations, tm.labels, d.namespace, arr(spec.containers), findNamespace(ctx))) continue;
      const svcs = servicesSelecting(ctx, d.namespace, tm.labels);
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
