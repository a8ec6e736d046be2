import { IConstruct } from 'constructs';
import { checkDns1123Subdomain, checkExclusive, checkGroupKind, checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';
import { WorkloadSelector } from '../core/workload-selector';

/** The group/kind pairs istiod (1.30 validatePolicyTargetReference) lets a policy attach to. */
const ATTACHABLE = new Set(['/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass']);

/**
 * A resource a security policy (AuthorizationPolicy, RequestAuthentication) attaches to
 * through `targetRefs` instead of a workload `selector`: a Gateway API `Gateway` (e.g. a
 * waypoint or ingress gateway), a `Service`, a `ServiceEntry` or a `GatewayClass`, in
 * the policy's own namespace.
 */
export class SecurityPolicyTarget {
  /** A Gateway API `Gateway` (`gateway.networking.k8s.io`), e.g. a waypoint. */
  public static gateway(name: string): SecurityPolicyTarget {
    return new SecurityPolicyTarget('gateway.networking.k8s.io', 'Gateway', name);
  }

  /** A Gateway API `GatewayClass` (`gateway.networking.k8s.io`). */
  public static gatewayClass(name: string): SecurityPolicyTarget {
    return new SecurityPolicyTarget('gateway.networking.k8s.io', 'GatewayClass', name);
  }

  /** A Kubernetes `Service` (core group), enforced by its waypoint. */
  public static service(name: string): SecurityPolicyTarget {
    return new SecurityPolicyTarget('', 'Service', name);
  }

  /** An Istio `ServiceEntry` (`networking.istio.io`), enforced by its waypoint. */
  public static serviceEntry(name: string): SecurityPolicyTarget {
    return new SecurityPolicyTarget('networking.istio.io', 'ServiceEntry', name);
  }

  /**
   * A resource by API group, kind and name. istiod attaches policies only to a core
   * `Service`, a `networking.istio.io` `ServiceEntry` and a `gateway.networking.k8s.io`
   * `Gateway` or `GatewayClass`; any other kind is refused at synth.
   *
   * @param group API group, `''` for the core group
   * @param kind resource kind, e.g. `Gateway`
   * @param name resource name
   */
  public static of(group: string, kind: string, name: string): SecurityPolicyTarget {
    return new SecurityPolicyTarget(group, kind, name);
  }

  /** API group of the target (`''` for the core group). */
  public readonly group: string;
  /** Kind of the target. */
  public readonly kind: string;
  /** Name of the target, in the policy's namespace. */
  public readonly name: string;

  private constructor(group: string, kind: string, name: string) {
    this.group = group;
    this.kind = kind;
    this.name = name;
  }

  /**
   * Validates and renders the reference.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { group: string; kind: string; name: string } {
    checkGroupKind(scope, field, this.group, this.kind, 'group "gateway.networking.k8s.io" and kind "Gateway", or group "" and kind "Service"');
    if (!ATTACHABLE.has(`${this.group}/${this.kind}`)) {
      invalid(scope, `${field} kind`, this.kind, `istiod attaches security policies only to a Service, ServiceEntry, Gateway or GatewayClass, not to ${this.group === '' ? 'core' : this.group}/${this.kind}`, 'use SecurityPolicyTarget.service, serviceEntry, gateway or gatewayClass');
    }
    checkDns1123Subdomain(scope, `${field} name`, this.name ?? '');
    return { group: this.group, kind: this.kind, name: this.name };
  }
}

/** Istio accepts at most this many `targetRefs` on a security policy. */
const MAX_TARGET_REFS = 16;

/**
 * Checks how a security policy (AuthorizationPolicy, RequestAuthentication) is scoped: a
 * workload `selector` or `targetRefs`, not both; when `targetRefs`, 1 to 16 valid
 * references. Returns a copy of the references.
 * @internal
 */
export function checkPolicyScope(
  scope: IConstruct,
  selector: WorkloadSelector | undefined,
  targetRefs: SecurityPolicyTarget[] | undefined,
): SecurityPolicyTarget[] | undefined {
  checkExclusive(scope, { selector, targetRefs }, 'select workloads with `selector` or attach to gateways/services with `targetRefs`, not both');
  if (targetRefs === undefined) return undefined;
  checkNonEmpty(scope, 'targetRefs', targetRefs, 'list at least one target, or leave targetRefs out');
  if (targetRefs.length > MAX_TARGET_REFS) {
    invalid(scope, 'targetRefs', targetRefs.length, `at most ${MAX_TARGET_REFS} target references are allowed`, 'split the targets over several policies');
  }
  targetRefs.forEach((t, i) => t._render(scope, `targetRefs[${i}]`));
  return [...targetRefs];
}

/**
 * Where a security policy attaches, decided when it is rendered: patterns bind their policies
 * to a function so that the choice (workload selector, or `targetRefs` to the Service a
 * waypoint serves) follows waypoints added after the policy.
 * @internal
 */
export interface PolicyScope {
  readonly selector?: WorkloadSelector;
  readonly targetRefs?: SecurityPolicyTarget[];
}

/** @internal */
export interface RenderedPolicyScope {
  readonly selector?: { matchLabels: { [key: string]: string } };
  readonly targetRefs?: { group: string; kind: string; name: string }[];
}

/**
 * Renders a policy's `selector` and `targetRefs`, checked as in `checkPolicyScope`.
 * @internal
 */
export function renderPolicyScope(scope: IConstruct, policyScope: PolicyScope): RenderedPolicyScope {
  const targetRefs = checkPolicyScope(scope, policyScope.selector, policyScope.targetRefs);
  return {
    selector: policyScope.selector ? { matchLabels: policyScope.selector._render(scope, 'selector') } : undefined,
    targetRefs: targetRefs?.map((t, i) => t._render(scope, `targetRefs[${i}]`)),
  };
}
