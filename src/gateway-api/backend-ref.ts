// What every Gateway API route kind (HTTPRoute, GRPCRoute, TLSRoute) shares: its Service backends
// and its parents, checked the same way for each.
import { IConstruct } from 'constructs';
import { checkGatewayApiHostname } from './internal';
import { GatewayApiParentRef } from './parent-ref';
import { checkDns1123Label, checkLength, checkMaxItems, checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * A Service that receives the traffic of a route rule (HTTPRoute, GRPCRoute, TLSRoute).
 */
export interface GatewayApiHttpBackendRef {
  /** Name of the Service. */
  readonly name: string;

  /** Port of the Service. */
  readonly port: number;

  /**
   * Relative share of the rule's traffic, 0-1000000 (e.g. 90 and 10). 0 sends no traffic.
   *
   * @default 1
   */
  readonly weight?: number;

  /**
   * Namespace of the Service (another namespace needs a ReferenceGrant there).
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;
}

/**
 * Checks a rule's backends: at most 16, each a Service name, namespace, port and weight the
 * CRD accepts.
 * @internal
 */
export function checkBackendRefs(scope: IConstruct, field: string, backends: readonly GatewayApiHttpBackendRef[]): void {
  checkMaxItems(scope, field, backends.length, 16, 'use fewer backends per rule');
  backends.forEach((b, i) => {
    const bf = `${field}[${i}]`;
    if (b === null || typeof b !== 'object') invalid(scope, bf, b, 'a backend must be an object', "pass e.g. { name: 'reviews', port: 9080 }");
    checkLength(scope, `${bf}.name`, b.name, 1, 253);
    checkDns1123Label(scope, `${bf}.name`, b.name);
    checkDns1123Label(scope, `${bf}.namespace`, b.namespace);
    if (b.port === undefined) invalid(scope, `${bf}.port`, undefined, 'a Service backend needs a port', 'pass the Service port, e.g. `port: 9080`');
    checkPort(scope, `${bf}.port`, b.port);
    if (b.weight !== undefined && (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 1_000_000)) {
      invalid(scope, `${bf}.weight`, b.weight, 'a backend weight must be an integer from 0 to 1000000', 'use relative weights such as 90 and 10');
    }
  });
}

/** @internal */
export interface RenderedBackendRef {
  readonly name: string;
  readonly namespace?: string;
  readonly port: number;
  readonly weight?: number;
}

/**
 * Renders backends (a copy without the caller's extra fields).
 * @internal
 */
export function renderBackendRefs(backends: readonly GatewayApiHttpBackendRef[] | undefined): RenderedBackendRef[] | undefined {
  return backends?.length ? backends.map((b) => ({ name: b.name, namespace: b.namespace, port: b.port, weight: b.weight })) : undefined;
}

/**
 * The synth-time problems of a route's parents: none at all, the same parent twice without
 * distinct `sectionName`s, or (with `route`) a Gateway whose listeners serve other protocols.
 * @internal
 */
export function parentProblems(
  scope: IConstruct, parents: readonly GatewayApiParentRef[], routeNamespace: string | undefined, route?: RouteKind,
): string[] {
  const errors: string[] = [];
  if (parents.length === 0) {
    errors.push('parentRefs [] is invalid: the route is attached to nothing, so it routes no traffic. Fix: add GatewayApiParentRef.fromGateway(gateway) for ingress, or GatewayApiParentRef.fromServiceName(\'reviews\') for mesh traffic');
  }
  const byParent = new Map<string, GatewayApiParentRef[]>();
  parents.forEach((p, i) => {
    try {
      p._check(scope, `parentRefs[${i}]`, routeNamespace, route);
    } catch (e) {
      errors.push((e as Error).message);
    }
    const key = p._key(routeNamespace);
    byParent.set(key, [...(byParent.get(key) ?? []), p]);
  });
  for (const [key, refs] of byParent) {
    if (refs.length < 2) continue;
    const sections = refs.map((r) => r.sectionName ?? '');
    if (sections.includes('') || new Set(sections).size !== sections.length) {
      errors.push(`parentRefs ${JSON.stringify(key)} is invalid: the same parent is referenced ${refs.length} times, so each reference needs its own distinct sectionName. Fix: reference the parent once, or give each reference a different listener \`sectionName\``);
    }
  }
  return errors;
}

/**
 * A route kind and the listener protocols it attaches to.
 * @internal
 */
export interface RouteKind {
  readonly kind: string;
  readonly protocols: readonly string[];
}

/**
 * Appends a parent to a route's list, checked (at most 32).
 * @internal
 */
export function addRouteParent(scope: IConstruct, parents: GatewayApiParentRef[], parent: GatewayApiParentRef): void {
  checkMaxItems(scope, 'parentRefs', parents.length + 1, 32, 'split the route');
  parent._validate(scope, `parentRefs[${parents.length}]`);
  parents.push(parent);
}

/**
 * Appends a hostname to a route's list, checked (at most 16, no duplicates).
 * @internal
 */
export function addRouteHostname(scope: IConstruct, hostnames: string[], hostname: string, kind: string): void {
  checkMaxItems(scope, 'hostnames', hostnames.length + 1, 16, `split the route into several ${kind}s`);
  checkGatewayApiHostname(scope, `hostnames[${hostnames.length}]`, hostname);
  if (hostnames.includes(hostname)) invalid(scope, 'hostnames', hostname, 'the hostname is listed twice', 'list each hostname once');
  hostnames.push(hostname);
}
