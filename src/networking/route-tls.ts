import { IConstruct } from 'constructs';
import { IGateway, renderGateways } from './gateway-ref';
import { renderRouteDestinations, RouteDestination } from './route-destination';
import { renderSourceConditions, renderSubnets } from './route-source';
import * as l1 from '../../imports/networking.istio.io';
import { checkHost, checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';

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
  readonly gateways?: IGateway[];
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

/** @internal */
export function renderTlsMatch(scope: IConstruct, field: string, m: TlsMatch): l1.VirtualServiceSpecTlsMatch {
  renderSourceConditions(scope, field, m);
  if (m.sniHosts === undefined) {
    invalid(scope, `${field}.sniHosts`, undefined, 'a TLS match needs SNI hosts', 'add sniHosts: ["login.example.com"]');
  }
  checkNonEmpty(scope, `${field}.sniHosts`, m.sniHosts, 'add at least one SNI host, e.g. "login.example.com"');
  m.sniHosts.forEach((h, i) => checkHost(scope, `${field}.sniHosts[${i}]`, h, { sni: true }));
  return {
    sniHosts: [...m.sniHosts],
    port: m.port,
    destinationSubnets: renderSubnets(scope, `${field}.destinationSubnets`, m.destinationSubnets),
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
  };
}

/** @internal */
export function renderTlsRoute(scope: IConstruct, field: string, r: TlsRoute): l1.VirtualServiceSpecTls {
  if (r.match === undefined) {
    invalid(scope, `${field}.match`, undefined, 'a TLS route needs a match with SNI hosts', 'add match: [{ sniHosts: ["login.example.com"] }]');
  }
  checkNonEmpty(scope, `${field}.match`, r.match, 'add at least one match with SNI hosts');
  return {
    match: r.match.map((m, i) => renderTlsMatch(scope, `${field}.match[${i}]`, m)),
    route: renderRouteDestinations(scope, `${field}.route`, r.route),
  };
}
