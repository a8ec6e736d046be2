// How a security policy picks its workloads, as istiod admits it (Istio 1.30
// pkg/config/validation: validateOneOfSelectorType, validateWorkloadSelector,
// validatePolicyTargetReference(s)); shared by AuthorizationPolicy, RequestAuthentication and
// the extension kinds (Telemetry, WasmPlugin).
import { Report, selectorLabels } from './shared';
import { Obj, arr, isObj, str } from '../../../model';

const TARGET_KINDS = new Set(['core/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass']);

/** `validatePolicyTargetReference`: a name, no namespace, a Service, ServiceEntry, Gateway or GatewayClass. */
export function policyTarget(t: unknown, at: string, report: Report): void {
  if (!isObj(t)) return;
  if (!t.name) report(`${at}.name`, 'a targetRef needs a name');
  if (t.namespace) report(`${at}.namespace`, 'a targetRef cannot name a namespace: cross-namespace references are not supported');
  const key = `${str(t.group) || 'core'}/${str(t.kind)}`;
  if (!TARGET_KINDS.has(key)) report(at, `a targetRef must be a Service, ServiceEntry, Gateway (gateway.networking.k8s.io) or GatewayClass, not ${JSON.stringify(`${str(t.group)}/${str(t.kind)}`)}`);
}

/** `validateOneOfSelectorType` and `validateWorkloadSelector` of a security policy. */
export function policySelection(spec: Obj, report: Report): void {
  const set = [spec.selector !== undefined, spec.targetRef !== undefined, arr(spec.targetRefs).length > 0].filter(Boolean).length;
  if (set > 1) report('spec', 'only one of selector, targetRef and targetRefs can be set');
  if (isObj(spec.selector)) selectorLabels(spec.selector.matchLabels, 'spec.selector.matchLabels', report);
  policyTarget(spec.targetRef, 'spec.targetRef', report);
  arr(spec.targetRefs).forEach((t, i) => policyTarget(t, `spec.targetRefs[${i}]`, report));
}
