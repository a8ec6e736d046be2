import { IConstruct } from 'constructs';
import { checkUnique } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * An IP family of a Service's cluster IPs.
 */
export enum ServiceIpFamily {
  /** IPv4. */
  IPV4 = 'IPv4',
  /** IPv6. */
  IPV6 = 'IPv6',
}

/**
 * How many IP families a Service's cluster IPs come from (Kubernetes `ipFamilyPolicy`).
 */
export enum ServiceIpFamilyPolicy {
  /** One IP family. */
  SINGLE_STACK = 'SingleStack',
  /** Two IP families on a dual-stack cluster, one otherwise. */
  PREFER_DUAL_STACK = 'PreferDualStack',
  /** Two IP families; the Service is rejected on a single-stack cluster. */
  REQUIRE_DUAL_STACK = 'RequireDualStack',
}

/** The IP family settings of a Service. @internal */
interface ServiceIpFamilyOptions {
  readonly ipFamilyPolicy?: ServiceIpFamilyPolicy;
  readonly ipFamilies?: ServiceIpFamily[];
}

/**
 * Validates the IP family policy and families (as the Kubernetes API server does).
 * @internal
 */
export function checkIpFamilies(scope: IConstruct, props: ServiceIpFamilyOptions): void {
  const policy = props.ipFamilyPolicy;
  if (policy !== undefined && !Object.values(ServiceIpFamilyPolicy).includes(policy)) {
    invalid(scope, 'ipFamilyPolicy', policy, 'unknown IP family policy', `use one of ServiceIpFamilyPolicy.${Object.keys(ServiceIpFamilyPolicy).join(', ServiceIpFamilyPolicy.')}`);
  }
  const families = props.ipFamilies;
  if (families === undefined) return;
  if (!Array.isArray(families) || families.length < 1 || families.length > 2) {
    invalid(scope, 'ipFamilies', families, 'a Service has one or two IP families', 'list e.g. [ServiceIpFamily.IPV4] or [ServiceIpFamily.IPV6, ServiceIpFamily.IPV4]');
  }
  families.forEach((f, i) => {
    if (!Object.values(ServiceIpFamily).includes(f)) {
      invalid(scope, `ipFamilies[${i}]`, f, 'unknown IP family', 'use ServiceIpFamily.IPV4 or ServiceIpFamily.IPV6');
    }
  });
  checkUnique(scope, 'ipFamilies', families, 'list each IP family once (the first is the primary one)');
  if (families.length === 2 && (policy === undefined || policy === ServiceIpFamilyPolicy.SINGLE_STACK)) {
    invalid(scope, 'ipFamilies', families, 'two IP families need a dual-stack ipFamilyPolicy', 'set ipFamilyPolicy to ServiceIpFamilyPolicy.PREFER_DUAL_STACK or REQUIRE_DUAL_STACK, or list one family');
  }
}

