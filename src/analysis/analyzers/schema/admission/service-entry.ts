// istiod's admission rules for networking.istio.io ServiceEntry.
import { Report, hostProblem, port } from './shared';
import { Obj, Resource, arr, str } from '../../../model';

/** Checks a ServiceEntry. */
export function serviceEntry(r: Resource, report: Report): void {
  const spec = r.spec;
  arr(spec.hosts).forEach((h, i) => { const p = hostProblem(str(h)); if (p) report(`spec.hosts[${i}]`, p); });
  arr(spec.ports).forEach((p: Obj, i) => port(p?.number, `spec.ports[${i}].number`, report));
}
