// istiod's admission rules for security.istio.io PeerAuthentication (Istio 1.30
// pkg/config/validation: ValidatePeerAuthentication — port-level mTLS only with a selector,
// not empty when given, ports in range; validateWorkloadSelector).
import { Report, selectorLabels } from './shared';
import { Obj, Resource, isObj } from '../../../model';

/** Checks a PeerAuthentication. */
export function peerAuthentication(r: Resource, report: Report): void {
  const spec = r.spec;
  const labels: Obj = isObj(spec.selector) && isObj(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const portLevel = isObj(spec.portLevelMtls) ? (spec.portLevelMtls as Obj) : undefined;
  if (Object.keys(labels).length === 0 && portLevel !== undefined && Object.keys(portLevel).length > 0) {
    report('spec.portLevelMtls', 'a mesh- or namespace-wide PeerAuthentication (no selector) cannot have port-level mTLS');
  }
  if (portLevel !== undefined && Object.keys(portLevel).length === 0) report('spec.portLevelMtls', 'port-level mTLS, if given, must have at least one port');
  for (const p of Object.keys(portLevel ?? {})) {
    const n = Number(p);
    if (!/^[0-9]+$/.test(p) || n < 1 || n > 65535) report(`spec.portLevelMtls[${JSON.stringify(p)}]`, `port ${JSON.stringify(p)} must be in range 1..65535`);
  }
  selectorLabels(labels, 'spec.selector.matchLabels', report);
}
