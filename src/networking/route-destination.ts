import { HeaderOperations } from './route-headers';

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
