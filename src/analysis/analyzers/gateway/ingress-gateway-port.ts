import { AnalyzerDef, arr, num, Resource, selectorMatches, selectorString, str, strMap } from '../../model';
import { podIndex } from '../common/pods';

/** Target port as an integer (`IntOrString.IntValue()`: 0 for names). */
function intValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

export const ingressGatewayPortAnalyzer: AnalyzerDef = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  inputs: ['Gateway', 'Pod', 'Service'],
  analyze(ctx) {
    const gateways = ctx.all('Gateway');
    if (gateways.length === 0) return;
    const pods = podIndex(ctx);
    const servicesByNs = new Map<string, Resource[]>();
    for (const s of ctx.all('Service')) {
      const l = servicesByNs.get(s.namespace) ?? [];
      l.push(s);
      servicesByNs.set(s.namespace, l);
    }
    for (const gw of gateways) {
      const sel = strMap(gw.spec.selector);
      const matched = pods.matching(sel);
      const servicePorts = new Set<number>();
      const mapped = new Set<number>();
      for (const pod of matched) {
        for (const svc of servicesByNs.get(pod.namespace) ?? []) {
          if (!selectorMatches(strMap(svc.spec.selector), pod.labels)) continue;
          for (const p of arr(svc.spec.ports)) {
            if ((str(p?.protocol) || 'TCP') !== 'TCP') continue;
            const tp = intValue(p?.targetPort);
            if (tp !== 0) {
              servicePorts.add(tp);
              mapped.add(num(p?.port));
            } else {servicePorts.add(num(p?.port));}
          }
        }
      }
      if (matched.length === 0) {
        ctx.report(gw, 'ReferencedResourceNotFound', 'selector', selectorString(sel));
        continue;
      }
      for (const server of arr(gw.spec.servers)) {
        if (!server?.port) continue;
        const n = num(server.port.number);
        if (!servicePorts.has(n) && !mapped.has(n)) ctx.report(gw, 'GatewayPortNotDefinedOnService', n, selectorString(sel));
      }
    }
  },
};
