// istiod's admission rules for networking.istio.io Gateway.
import { Report, hostProblem, port } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Checks an Istio Gateway. */
export function gateway(r: Resource, report: Report): void {
  if (r.name.includes('.')) report('metadata.name', `invalid gateway name ${JSON.stringify(r.name)}: it cannot contain dots`);
  arr(r.spec.servers).forEach((s: Obj, i) => {
    if (!isObj(s)) return;
    port(s.port?.number, `spec.servers[${i}].port.number`, report);
    arr(s.hosts).forEach((h, j) => {
      const host = str(h);
      const p = hostProblem(host.includes('/') ? host.slice(host.indexOf('/') + 1) : host);
      if (p) report(`spec.servers[${i}].hosts[${j}]`, p);
    });
  });
}
