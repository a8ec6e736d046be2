import { IConstruct } from 'constructs';
import { HeaderOperations } from './route-headers';
import * as l1 from '../../imports/networking.istio.io';
import { checkIstioLabelName, checkHost, checkNonEmpty, checkPort, checkWeight } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * A weighted destination of a TCP or TLS route: the service (and optionally subset and
 * port) that receives the connection.
 */
export interface RouteDestination {
  /**
   * The service from the service registry: a Kubernetes service short name (`reviews`,
   * resolved in the VirtualService's namespace), an FQDN
   * (`reviews.prod.svc.cluster.local`) or a ServiceEntry host.
   */
  readonly host: string;

  /**
   * A subset of the service defined by a DestinationRule (e.g. `v1`).
   *
   * @default - all endpoints of the service
   */
  readonly subset?: string;

  /**
   * The service port, required only when the service exposes more than one port.
   *
   * @default - the only port of the service
   */
  readonly port?: number;

  /**
   * The share of traffic (0-100) sent to this destination. When more than one
   * destination of a route carries a weight, the weights must add up to 100.
   *
   * @default - all traffic when this is the only destination
   */
  readonly weight?: number;
}

/**
 * A weighted destination of an HTTP route, with optional header changes applied only
 * when traffic goes to this destination.
 */
export interface HttpRouteDestination extends RouteDestination {
  /**
   * Header changes on requests forwarded to this destination.
   *
   * @default - request headers are not changed
   */
  readonly requestHeaders?: HeaderOperations;

  /**
   * Header changes on responses from this destination.
   *
   * @default - response headers are not changed
   */
  readonly responseHeaders?: HeaderOperations;
}

/**
 * The destination HTTP traffic is mirrored (shadowed) to; responses from it are discarded.
 */
export interface HttpMirror {
  /** The service that receives the copied requests. */
  readonly host: string;

  /**
   * A subset of the service defined by a DestinationRule.
   *
   * @default - all endpoints of the service
   */
  readonly subset?: string;

  /**
   * The service port, required only when the service exposes more than one port.
   *
   * @default - the only port of the service
   */
  readonly port?: number;
}

/**
 * One destination referenced by a VirtualService: a route target or a mirror.
 * Returned by `VirtualService.destinations()`, e.g. to check that subsets exist.
 */
export interface RoutedDestination {
  /** The destination host as written in the VirtualService. */
  readonly host: string;

  /**
   * The subset, if the destination names one.
   *
   * @default - no subset
   */
  readonly subset?: string;

  /**
   * The port, if the destination names one.
   *
   * @default - no port
   */
  readonly port?: number;

  /**
   * Whether the destination only receives mirrored traffic.
   *
   * @default false
   */
  readonly mirror?: boolean;
}

/** @internal */
export function checkDestinationHost(scope: IConstruct, field: string, host: string): void {
  if (host === '*' || (typeof host === 'string' && host.startsWith('*'))) {
    invalid(scope, field, host, 'a destination host cannot be a wildcard', 'name one service, e.g. "reviews" or "reviews.prod.svc.cluster.local"');
  }
  checkHost(scope, field, host);
}

/** @internal */
export function renderDestination(scope: IConstruct, field: string, d: HttpMirror): l1.VirtualServiceSpecHttpRouteDestination {
  checkDestinationHost(scope, `${field}.host`, d.host);
  if (d.subset !== undefined) checkIstioLabelName(scope, `${field}.subset`, d.subset);
  checkPort(scope, `${field}.port`, d.port);
  return {
    host: d.host,
    subset: d.subset,
    port: d.port !== undefined ? { number: d.port } : undefined,
  };
}

/** @internal */
export function renderRouteDestinations(
  scope: IConstruct, field: string, route: readonly RouteDestination[] | undefined,
): l1.VirtualServiceSpecTcpRoute[] {
  if (route === undefined) {
    return invalid(scope, field, route, 'a rule needs at least one destination', 'add route: [{ host: "reviews" }]');
  }
  checkNonEmpty(scope, field, route, 'add at least one destination, e.g. { host: "reviews" }');
  return route.map((d, i) => {
    checkWeight(scope, `${field}[${i}].weight`, d.weight);
    return { destination: renderDestination(scope, `${field}[${i}]`, d), weight: d.weight };
  });
}
