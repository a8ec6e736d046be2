// istiod's admission rules for networking.istio.io DestinationRule (Istio 1.30
// pkg/config/validation: ValidateDestinationRule — the host, the traffic policy (see
// ./traffic-policy), subsets (unique DNS-1123 names, labels, their own traffic policy),
// exportTo (with a workload selector: the own namespace only), validateWorkloadSelector).
import { exportTo, hostProblem, isDns1123Label, istioLabels, Report, selectorLabels } from './shared';
import { trafficPolicy } from './traffic-policy';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Checks a DestinationRule. */
export function destinationRule(r: Resource, report: Report): void {
  const spec = r.spec;
  const p = hostProblem(str(spec.host));
  if (p) report('spec.host', p);
  trafficPolicy(spec.trafficPolicy, r.namespace, 'spec.trafficPolicy', report);
  const names = new Set<string>();
  arr(spec.subsets).forEach((s: Obj, i) => {
    const at = `spec.subsets[${i}]`;
    if (!isObj(s)) { report(at, 'a subset cannot be null'); return; }
    const name = str(s.name);
    if (names.has(name)) report(`${at}.name`, `duplicate subset name ${JSON.stringify(name)}`);
    names.add(name);
    if (name === '' || !isDns1123Label(name)) report(`${at}.name`, `invalid subset name ${JSON.stringify(s.name)} (a DNS-1123 label)`);
    istioLabels(s.labels, `${at}.labels`, report);
    trafficPolicy(s.trafficPolicy, r.namespace, `${at}.trafficPolicy`, report);
  });
  exportTo(r.namespace, spec.exportTo, 'spec.exportTo', report);
  const selector = isObj(spec.workloadSelector) ? spec.workloadSelector : undefined;
  if (selector !== undefined) {
    const entries = arr(spec.exportTo).map(str).map((e) => (e === '.' ? r.namespace : e));
    if (entries.length > 0 && !entries.includes(r.namespace)) report('spec.exportTo', 'a DestinationRule with a workload selector cannot be exported beyond its own namespace');
    else if (new Set(entries).size > 1) report('spec.exportTo', 'a DestinationRule with a workload selector cannot have several exportTo entries');
    selectorLabels(selector.matchLabels, 'spec.workloadSelector.matchLabels', report);
  }
}
