// istiod's admission rules for networking.istio.io DestinationRule.
import { ISTIO_LABEL, Report, hostProblem } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Checks a DestinationRule. */
export function destinationRule(r: Resource, report: Report): void {
  const spec = r.spec;
  const p = hostProblem(str(spec.host));
  if (p) report('spec.host', p);
  arr(spec.subsets).forEach((s: Obj, i) => {
    if (isObj(s) && typeof s.name === 'string' && !ISTIO_LABEL.test(s.name)) report(`spec.subsets[${i}].name`, `invalid subset name ${JSON.stringify(s.name)}`);
  });
  const policies = [spec.trafficPolicy, ...arr(spec.subsets).map((s: Obj) => s?.trafficPolicy)].filter(isObj);
  for (const tp of policies) {
    const pct = tp.outlierDetection?.maxEjectionPercent;
    if (typeof pct === 'number' && (pct < 0 || pct > 100)) report('spec.trafficPolicy.outlierDetection.maxEjectionPercent', `${pct} must be between 0 and 100`);
  }
}
