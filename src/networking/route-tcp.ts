import { IConstruct } from 'constructs';
import { IGateway, renderGateways } from './gateway-ref';
import { renderRouteDestinations, RouteDestination } from './route-destination';
import { renderSourceConditions, renderSubnets } from './route-source';
import * as l1 from '../../imports/networking.istio.io';

/**
 * The conditions of one TCP match: every condition given must hold.
 */
export interface TcpMatch {
  /**
   * The port of the host being addressed (1-65535).
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Destination IP addresses or CIDR subnets (e.g. `10.1.0.0/16`).
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
  readonly gateways?: IGateway[];
}

/**
 * One route rule for opaque TCP traffic. Rules are evaluated in order; the first whose
 * `match` holds handles the connection.
 */
export interface TcpRoute {
  /**
   * Conditions of the rule; it applies when any of them holds.
   *
   * @default - matches every connection
   */
  readonly match?: TcpMatch[];

  /** Destinations connections are forwarded to, with optional weights. */
  readonly route: RouteDestination[];
}

/** @internal */
export function renderTcpMatch(scope: IConstruct, field: string, m: TcpMatch): l1.VirtualServiceSpecTcpMatch {
  renderSourceConditions(scope, field, m);
  return {
    port: m.port,
    destinationSubnets: renderSubnets(scope, `${field}.destinationSubnets`, m.destinationSubnets),
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
  };
}

/** @internal */
export function renderTcpRoute(scope: IConstruct, field: string, r: TcpRoute): l1.VirtualServiceSpecTcp {
  const match = r.match && r.match.length ? r.match.map((m, i) => renderTcpMatch(scope, `${field}.match[${i}]`, m)) : undefined;
  return { match, route: renderRouteDestinations(scope, `${field}.route`, r.route) };
}
