// A MeshService in ambient mode: which waypoint serves it (its own, or its namespace's).
import { IConstruct } from 'constructs';
import { namespaceDataplaneOf, WaypointBinding } from '../ambient/ambient-namespace';
import { servesServices, Waypoint } from '../ambient/waypoint';
import { invalid } from '../core/errors';

/** What is read of a MeshService (structurally: mesh-service.ts imports this file). */
type AmbientService = IConstruct & {
  readonly namespace?: string;
  readonly service: { readonly metadata: { getLabel(key: string): string | undefined } };
};

/**
 * Checks that `service` may use `waypoint`: once, and not in a sidecar namespace.
 * @internal
 */
export function checkUseWaypoint(service: AmbientService, waypoint: Waypoint): void {
  const current = service.service.metadata.getLabel('istio.io/use-waypoint');
  if (current !== undefined) {
    invalid(service, 'useWaypoint', waypoint.waypointName, `the service already uses waypoint "${current}"`, 'call useWaypoint() once per service');
  }
  if (!servesServices(waypoint)) {
    invalid(service, 'useWaypoint', waypoint.waypointName, `the waypoint processes ${waypoint.trafficType} traffic only, and calls to the Service would bypass it`, 'create the waypoint with trafficType WaypointTrafficType.SERVICE (the default) or ALL');
  }
  const dataplane = namespaceDataplaneOf(service, service.namespace);
  if (dataplane !== undefined && !dataplane.ambient) {
    invalid(service, 'useWaypoint', waypoint.waypointName, `waypoint proxies serve ambient workloads, and the namespace "${dataplane.namespaceName}" uses sidecars (which apply L7 policy and routes themselves)`, 'use DataplaneMode.AMBIENT for the namespace, or leave useWaypoint() out');
  }
}

/**
 * The waypoint serving `service`: `own` (from `useWaypoint`), else its ambient namespace's.
 * @internal
 */
export function servingWaypoint(service: AmbientService, own: Waypoint | undefined): WaypointBinding | undefined {
  if (own !== undefined) {
    const ns = own.namespace ?? service.namespace;
    return ns !== undefined ? { waypointName: own.waypointName, namespace: ns } : undefined;
  }
  const dataplane = namespaceDataplaneOf(service, service.namespace);
  return dataplane?.ambient === true ? dataplane.namespaceWaypoint() : undefined;
}
