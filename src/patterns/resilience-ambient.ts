// Resilience options in ambient mode, where the waypoint serving a service routes with a
// standard-channel Gateway API HTTPRoute: what it can carry (timeouts) and what it cannot
// (retries, fault injection), shared by ServiceResilience and CanaryService.
import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { WaypointBinding } from '../ambient/ambient-namespace';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { GatewayApiHttpRoute } from '../gateway-api/http-route';
import { GatewayApiParentRef } from '../gateway-api/parent-ref';

/** The resilience options read here (structurally, so resilience.ts can import this file). */
interface RouteOptions {
  readonly retries?: { readonly retry: { readonly attempts?: number } };
  readonly faultInjection?: { readonly fault: { readonly abort?: unknown } };
  readonly timeout?: Duration;
}

/** The service read here. */
interface RoutedService {
  readonly serviceName: string;
  readonly port: number;
  _servingWaypoint(): WaypointBinding | undefined;
}

/** How to fix an ambient-mode resource that no waypoint applies. */
export const ADD_WAYPOINT_FIX = 'give the namespace a waypoint with addWaypoint() on the MtlsNamespace, or the service one with useWaypoint(waypoint) on its MeshService';

/**
 * Refuses the resilience options a standard-channel HTTPRoute (v1.5.1) cannot express.
 * @internal
 */
export function checkHttpRouteResilience(scope: IConstruct, options: RouteOptions, fix: string): void {
  if (options.retries !== undefined) {
    invalid(scope, 'retries', options.retries.retry.attempts, 'in ambient mode a waypoint routes with a standard-channel Gateway API HTTPRoute (v1.5.1), which has no retry policy', fix);
  }
  if (options.faultInjection !== undefined) {
    invalid(scope, 'faultInjection', options.faultInjection.fault.abort !== undefined ? 'abort' : 'delay', 'in ambient mode a waypoint routes with a Gateway API HTTPRoute, which cannot inject faults', fix);
  }
}

/**
 * ServiceResilience in ambient mode: the timeout on an HTTPRoute attached to the Service,
 * routing to the Service itself; synthesis fails while no waypoint serves the service.
 * @internal
 */
export function ambientResilienceRoute(
  scope: Construct,
  options: RouteOptions & { readonly service: RoutedService },
  metadata: { name: string; namespace?: string },
  namespaceName: string,
): GatewayApiHttpRoute {
  checkHttpRouteResilience(scope, options, 'leave it out in ambient mode (the DestinationRule\'s circuit breaker and load balancing do apply at the waypoint), or run the service with sidecars');
  const service = options.service;
  const route = new GatewayApiHttpRoute(scope, 'HTTPRoute', {
    metadata,
    parentRefs: [GatewayApiParentRef.fromServiceName(service.serviceName)],
    rules: [{ backendRefs: [{ name: service.serviceName, port: service.port }], timeout: options.timeout }],
  });
  scope.node.addValidation({
    validate: () => (service._servingWaypoint() !== undefined ? [] : [
      `timeout ${JSON.stringify(renderDuration(scope, 'timeout', options.timeout))} is invalid: in the ambient namespace "${namespaceName}" no waypoint serves the service "${service.serviceName}", and only a waypoint applies the HTTPRoute that carries it. Fix: ${ADD_WAYPOINT_FIX}`,
    ]),
  });
  return route;
}
