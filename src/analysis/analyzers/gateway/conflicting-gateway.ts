import { AnalyzerDef, arr, num, selectorMatches, selectorString, str, strMap } from '../../model';
import { podIndex } from '../common/pods';

/**
 * Istio `model.CheckDuplicates`: whether hosts of a server clash with an existing host->bind map.
 * Like Istio, a server without clashes is recorded in the map (later gateways see its hosts).
 */
function hostsConflict(hosts: string[], bind: string, known: Map<string, string>): boolean {
  let dup = false;
  for (const h of hosts) {
    if (known.has(h) && known.get(h) === bind) dup = true;
  }
  if (!dup) for (const h of hosts) known.set(h, bind);
  return dup;
}

export const conflictingGatewayAnalyzer: AnalyzerDef = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: ['Gateway', 'Pod'],
  analyze(ctx) {
    const pods = podIndex(ctx);
    // selector string -> port -> gateway full name -> host -> bind
    const map = new Map<string, Map<string, Map<string, Map<string, string>>>>();
    for (const gw of ctx.all('Gateway')) {
      const sel = selectorString(strMap(gw.spec.selector));
      let ports = map.get(sel);
      if (!ports) {
        ports = new Map();
        map.set(sel, ports);
      }
      for (const server of arr(gw.spec.servers)) {
        const port = String(num(server?.port?.number));
        let gws = ports.get(port);
        if (!gws) {
          gws = new Map();
          ports.set(port, gws);
        }
        const hb = new Map<string, string>();
        for (const h of arr(server?.hosts).map(str)) hb.set(h, str(server?.bind));
        gws.set(gw.fullName, hb);
      }
    }
    const parseSel = (s: string): { [key: string]: string } => {
      const out: { [key: string]: string } = {};
      for (const pair of s.split(',')) {
        const kv = pair.split('=');
        if (kv.length === 2) out[kv[0]] = kv[1];
      }
      return out;
    };
    for (const gw of ctx.all('Gateway')) {
      const selMap = strMap(gw.spec.selector);
      const sel = selectorString(selMap);
      const hit: Map<string, Map<string, Map<string, string>>>[] = [];
      for (const [xSel, ports] of map) {
        let matched = false;
        if (xSel === sel) {matched = true;} else if (xSel.includes(sel) || sel.includes(xSel)) {
          const x = parseSel(xSel);
          matched = pods.any(selMap, (p) => selectorMatches(x, p.labels));
        }
        if (matched) hit.push(ports);
      }
      if (sel !== '' && hit.length === 0) {
        ctx.report(gw, 'ReferencedResourceNotFound', 'selector', sel);
        continue;
      }
      for (const server of arr(gw.spec.servers)) {
        const port = String(num(server?.port?.number));
        const names: string[] = [];
        for (const ports of hit) {
          for (const [name, hb] of ports.get(port) ?? []) {
            if (name !== gw.fullName && hostsConflict(arr(server?.hosts).map(str), str(server?.bind), hb)) names.push(name);
          }
        }
        if (names.length > 0) {
          names.sort();
          ctx.report(gw, 'ConflictingGateways', names.join(','), sel, port, arr(server?.hosts).map(str).join(','));
        }
      }
    }
  },
};
