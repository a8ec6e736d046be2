import { RouteDestination } from './route-destination';
import { IstioResource } from '../core/resource';

/**
 * The conditions of one TLS match (by SNI, without terminating TLS): every condition
 * given must hold.
 */
export interface TlsMatch {
  /**
   * SNI server names to match; each must be covered by one of the VirtualService's hosts.
   */
  readonly sniHosts: string[];

  /**
   * The port of the host being addressed (1-65535).
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Destination IP addresses or CIDR subnets.
   *
   * @default - any destination address
   */
  readonly destinationSubnets?: string[];

  /**
   * Labels the calling (source) workload must carry.
   *
   * @default - any source workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Namespace the calling (source) workload must be in.
   *
   * @default - any source namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways this match applies to, overriding the VirtualService's `gateways`.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: Array<string | IstioResource>;
}

/**
 * One route rule for TLS or HTTPS traffic that is passed through (not terminated),
 * routed by SNI.
 */
export interface TlsRoute {
  /** Conditions of the rule (at least one, each with SNI hosts). */
  readonly match: TlsMatch[];

  /** Destinations connections are forwarded to, with optional weights. */
  readonly route: RouteDestination[];
}
