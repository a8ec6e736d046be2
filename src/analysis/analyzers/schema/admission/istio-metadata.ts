// The metadata rules istiod's webhook applies to every Istio kind before the kind's own rules
// (Istio 1.30 pkg/config/validation: validateMetadata, checkDryRunAnnotation): the
// `istio.io/dry-run` annotation only on an ALLOW or DENY AuthorizationPolicy and only with a Go
// boolean value, and no internal annotations that istiod reserves for itself.
import { Report } from './shared';
import { Resource, str } from '../../../model';

const DRY_RUN = 'istio.io/dry-run';
const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);
const RESERVED = ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents'];

/** Checks the annotations of an Istio object. */
export function istioMetadata(r: Resource, report: Report): void {
  const annotations = r.annotations;
  const at = (key: string) => `metadata.annotations[${JSON.stringify(key)}]`;
  if (Object.prototype.hasOwnProperty.call(annotations, DRY_RUN)) {
    const value = str(annotations[DRY_RUN]);
    if (r.kind !== 'AuthorizationPolicy' || !r.apiVersion.startsWith('security.istio.io/')) {
      report(at(DRY_RUN), `only an AuthorizationPolicy supports ${DRY_RUN}; remove the annotation`);
    } else {
      const action = str(r.spec?.action) || 'ALLOW';
      if (action !== 'ALLOW' && action !== 'DENY') report(at(DRY_RUN), `${DRY_RUN} only works with action ALLOW or DENY, not ${action}`);
      else if (!GO_BOOLEANS.has(value)) report(at(DRY_RUN), `${JSON.stringify(value)} is not a boolean; write "true" or "false"`);
    }
  }
  for (const key of RESERVED) {
    if (Object.prototype.hasOwnProperty.call(annotations, key)) report(at(key), `${key} is reserved for istiod and may not be set by users; remove it`);
  }
}
