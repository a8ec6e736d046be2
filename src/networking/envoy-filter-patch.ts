// The typed parts of an EnvoyFilter config patch: what it applies to, where it matches, and
// the operation; the patch value is free-form Envoy configuration.
import { IConstruct } from 'constructs';
import { checkDns1123Label, checkPort, checkRe2Regex } from '../core/checks';
import { invalid } from '../core/errors';
import { compact, compactOrUndefined } from '../core/render';

/** The part of Envoy's configuration a config patch modifies. */
export enum EnvoyPatchApplyTo {
  /** A whole listener. */
  LISTENER = 'LISTENER',
  /** A filter chain of a listener. */
  FILTER_CHAIN = 'FILTER_CHAIN',
  /** A network filter of a filter chain (e.g. the HTTP connection manager). */
  NETWORK_FILTER = 'NETWORK_FILTER',
  /** An HTTP filter of the HTTP connection manager. */
  HTTP_FILTER = 'HTTP_FILTER',
  /** An HTTP route configuration (RDS). */
  ROUTE_CONFIGURATION = 'ROUTE_CONFIGURATION',
  /** A virtual host of a route configuration. */
  VIRTUAL_HOST = 'VIRTUAL_HOST',
  /** A route of a virtual host. */
  HTTP_ROUTE = 'HTTP_ROUTE',
  /** An upstream cluster. */
  CLUSTER = 'CLUSTER',
  /** A filter configuration served through ECDS. */
  EXTENSION_CONFIG = 'EXTENSION_CONFIG',
  /** The bootstrap configuration. */
  BOOTSTRAP = 'BOOTSTRAP',
  /** A listener filter. */
  LISTENER_FILTER = 'LISTENER_FILTER',
}

/** Which proxies and listeners a config patch applies to. */
export enum EnvoyPatchContext {
  /** Sidecars, gateways and waypoints alike. */
  ANY = 'ANY',
  /** The inbound side of sidecars (traffic to the workload). */
  SIDECAR_INBOUND = 'SIDECAR_INBOUND',
  /** The outbound side of sidecars (traffic from the workload). */
  SIDECAR_OUTBOUND = 'SIDECAR_OUTBOUND',
  /** Gateways (ingress and egress gateway pods). */
  GATEWAY = 'GATEWAY',
  /** Waypoint proxies (ambient mode). */
  WAYPOINT = 'WAYPOINT',
}

/** How a config patch modifies the matched configuration. */
export enum EnvoyPatchOperation {
  /** Merge the value into the matched object (protobuf merge). */
  MERGE = 'MERGE',
  /** Add the value (listeners, clusters, filter chains, network/HTTP filters). */
  ADD = 'ADD',
  /** Remove the matched object. */
  REMOVE = 'REMOVE',
  /** Insert the value before the matched filter. */
  INSERT_BEFORE = 'INSERT_BEFORE',
  /** Insert the value after the matched filter. */
  INSERT_AFTER = 'INSERT_AFTER',
  /** Insert the value first in the list. */
  INSERT_FIRST = 'INSERT_FIRST',
  /** Replace the matched object by the value. */
  REPLACE = 'REPLACE',
}

/** Where istiod places an added filter relative to its own filters (`filterClass`). */
export enum EnvoyPatchFilterClass {
  /** After the authentication filters. */
  AUTHN = 'AUTHN',
  /** After the authorization filters. */
  AUTHZ = 'AUTHZ',
  /** Before the stats filters. */
  STATS = 'STATS',
}

/** The action of a route matched by a route-configuration match. */
export enum EnvoyRouteAction {
  /** Any route. */
  ANY = 'ANY',
  /** Routes that forward to a cluster. */
  ROUTE = 'ROUTE',
  /** Redirect routes. */
  REDIRECT = 'REDIRECT',
  /** Direct-response routes. */
  DIRECT_RESPONSE = 'DIRECT_RESPONSE',
}

/** Matches a listener (and optionally a filter chain and filter of it). */
export interface EnvoyListenerMatch {
  /**
   * The listener's port.
   * @default - any port
   */
  readonly portNumber?: number;
  /**
   * The listener's name.
   * @default - any listener
   */
  readonly name?: string;
  /**
   * Name of a listener filter to match (applyTo LISTENER_FILTER).
   * @default - any listener filter
   */
  readonly listenerFilter?: string;
  /**
   * The filter chain's name.
   * @default - any filter chain
   */
  readonly filterChainName?: string;
  /**
   * SNI of the filter chain.
   * @default - any SNI
   */
  readonly sni?: string;
  /**
   * Transport protocol of the filter chain (`tls` or `raw_buffer`).
   * @default - any
   */
  readonly transportProtocol?: string;
  /**
   * Comma-separated application protocols of the filter chain (e.g. `h2,http/1.1`).
   * @default - any
   */
  readonly applicationProtocols?: string;
  /**
   * The original destination port of the filter chain (inbound sidecar listeners).
   * @default - any port
   */
  readonly destinationPort?: number;
  /**
   * Name of the network filter to match, e.g. `envoy.filters.network.http_connection_manager`.
   * @default - any network filter
   */
  readonly filter?: string;
  /**
   * Name of the HTTP filter (inside `filter`, the HTTP connection manager) to match, e.g.
   * `envoy.filters.http.router`. Only with applyTo HTTP_FILTER.
   * @default - any HTTP filter
   */
  readonly subFilter?: string;
}

/** Matches a route configuration (and optionally a virtual host and route of it). */
export interface EnvoyRouteConfigurationMatch {
  /**
   * The service port the route configuration serves.
   * @default - any port
   */
  readonly portNumber?: number;
  /**
   * The port name (gateways only).
   * @default - any port name
   */
  readonly portName?: string;
  /**
   * The Istio Gateway (`namespace/name`) the route configuration belongs to (gateways only).
   * @default - any gateway
   */
  readonly gateway?: string;
  /**
   * The route configuration's name.
   * @default - any route configuration
   */
  readonly name?: string;
  /**
   * The virtual host's name, e.g. `inbound|http|9080` on a sidecar. An empty string is
   * written as such (istiod treats it as "any").
   * @default - any virtual host
   */
  readonly vhostName?: string;
  /**
   * A domain name of the virtual host.
   * @default - any domain
   */
  readonly vhostDomainName?: string;
  /**
   * The route's name.
   * @default - any route
   */
  readonly routeName?: string;
  /**
   * The route's action.
   * @default - no route match (the virtual host as a whole)
   */
  readonly routeAction?: EnvoyRouteAction;
}

/** Matches an upstream cluster. */
export interface EnvoyClusterMatch {
  /**
   * The service port of the cluster.
   * @default - any port
   */
  readonly portNumber?: number;
  /**
   * The fully qualified service host of the cluster.
   * @default - any service
   */
  readonly service?: string;
  /**
   * The subset of the cluster.
   * @default - any subset
   */
  readonly subset?: string;
  /**
   * The exact cluster name (e.g. `outbound|9080||reviews.default.svc.cluster.local`).
   * @default - any name
   */
  readonly name?: string;
}

/** Matches a part of a waypoint's configuration (context WAYPOINT only). */
export interface EnvoyWaypointMatch {
  /**
   * The port of the waypoint's service.
   * @default - any port
   */
  readonly portNumber?: number;
  /**
   * The network filter's name.
   * @default - any filter
   */
  readonly filter?: string;
  /**
   * The HTTP filter's name (inside `filter`).
   * @default - any HTTP filter
   */
  readonly subFilter?: string;
  /**
   * The route's name.
   * @default - any route
   */
  readonly routeName?: string;
}

/** Matches proxies by version and node metadata. */
export interface EnvoyProxyMatch {
  /**
   * An RE2 regular expression matched against the proxy's Istio version, e.g. `^1\\.30.*`.
   * @default - any version
   */
  readonly proxyVersion?: string;
  /**
   * Node metadata the proxy must carry.
   * @default - any metadata
   */
  readonly metadata?: { [key: string]: string };
}

/** Where a config patch applies. At most one of listener, routeConfiguration and cluster. */
export interface EnvoyPatchMatch {
  /**
   * The proxies and listeners the patch applies to.
   * @default EnvoyPatchContext.ANY
   */
  readonly context?: EnvoyPatchContext;
  /**
   * The proxies (by version or metadata).
   * @default - all proxies
   */
  readonly proxy?: EnvoyProxyMatch;
  /**
   * The listener (applyTo LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER, LISTENER_FILTER).
   * @default - any listener
   */
  readonly listener?: EnvoyListenerMatch;
  /**
   * The route configuration (applyTo ROUTE_CONFIGURATION, VIRTUAL_HOST, HTTP_ROUTE).
   * @default - any route configuration
   */
  readonly routeConfiguration?: EnvoyRouteConfigurationMatch;
  /**
   * The cluster (applyTo CLUSTER).
   * @default - any cluster
   */
  readonly cluster?: EnvoyClusterMatch;
  /**
   * The waypoint's filter, route or port; required with context WAYPOINT (and only there).
   * @default - none
   */
  readonly waypoint?: EnvoyWaypointMatch;
}

/** One patch of an `EnvoyFilter`. */
export interface EnvoyConfigPatch {
  /** The part of the Envoy configuration the patch modifies. */
  readonly applyTo: EnvoyPatchApplyTo;
  /** The operation. */
  readonly operation: EnvoyPatchOperation;
  /**
   * Where the patch applies.
   * @default - everything of kind `applyTo`
   */
  readonly match?: EnvoyPatchMatch;
  /**
   * The Envoy configuration to add, merge or insert (protobuf JSON field names, `@type`
   * for typed configs). Required for every operation but REMOVE.
   * @default - none (only valid for REMOVE)
   */
  readonly value?: { [key: string]: any };
  /**
   * Where istiod places an added HTTP filter relative to its own (instead of INSERT_* positions).
   * @default - as positioned by the operation
   */
  readonly filterClass?: EnvoyPatchFilterClass;
}

const LISTENER_CLASS = new Set<string>([
  EnvoyPatchApplyTo.LISTENER, EnvoyPatchApplyTo.FILTER_CHAIN, EnvoyPatchApplyTo.NETWORK_FILTER,
  EnvoyPatchApplyTo.HTTP_FILTER, EnvoyPatchApplyTo.LISTENER_FILTER,
]);
const ROUTE_CLASS = new Set<string>([EnvoyPatchApplyTo.ROUTE_CONFIGURATION, EnvoyPatchApplyTo.VIRTUAL_HOST, EnvoyPatchApplyTo.HTTP_ROUTE]);
const HCM = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);

function checkEnum(scope: IConstruct, field: string, value: string | undefined, values: object, example: string): void {
  if (value !== undefined && !Object.values(values).includes(value)) {
    invalid(scope, field, value, 'unknown value', `use ${example}`);
  }
}

/**
 * Checks and renders a config patch as istiod's admission webhook would accept it.
 * @internal
 */
export function renderConfigPatch(scope: IConstruct, field: string, patch: EnvoyConfigPatch): { [key: string]: unknown } {
  checkEnum(scope, `${field}.applyTo`, patch.applyTo, EnvoyPatchApplyTo, 'an EnvoyPatchApplyTo value, e.g. EnvoyPatchApplyTo.HTTP_FILTER');
  if (patch.applyTo === undefined) invalid(scope, `${field}.applyTo`, patch.applyTo, 'a config patch needs applyTo', 'set applyTo, e.g. EnvoyPatchApplyTo.HTTP_FILTER');
  checkEnum(scope, `${field}.operation`, patch.operation, EnvoyPatchOperation, 'an EnvoyPatchOperation value, e.g. EnvoyPatchOperation.MERGE');
  if (patch.operation === undefined) invalid(scope, `${field}.operation`, patch.operation, 'a config patch needs an operation', 'set operation, e.g. EnvoyPatchOperation.MERGE');
  checkEnum(scope, `${field}.filterClass`, patch.filterClass, EnvoyPatchFilterClass, 'an EnvoyPatchFilterClass value');
  const value = patch.value;
  if (patch.operation === EnvoyPatchOperation.REMOVE) {
    if (value !== undefined) invalid(scope, `${field}.value`, value, 'a REMOVE patch takes no value', 'leave value out, or use MERGE/REPLACE');
  } else if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    invalid(scope, `${field}.value`, value, `a ${patch.operation} patch needs a value (the Envoy configuration object to apply)`, 'give the Envoy configuration as an object, e.g. { name: "envoy.filters.http.lua", typed_config: { ... } }');
  }
  if (value !== undefined) checkTypeUrls(scope, `${field}.value`, value);
  const match = patch.match ? renderMatch(scope, `${field}.match`, patch.applyTo, patch.match) : undefined;
  return compact({
    applyTo: patch.applyTo as string,
    match,
    patch: compact({
      operation: patch.operation as string,
      filterClass: patch.filterClass as string | undefined,
      value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)),
    }),
  });
}

function renderMatch(scope: IConstruct, field: string, applyTo: EnvoyPatchApplyTo, match: EnvoyPatchMatch): { [key: string]: unknown } | undefined {
  checkEnum(scope, `${field}.context`, match.context, EnvoyPatchContext, 'an EnvoyPatchContext value, e.g. EnvoyPatchContext.SIDECAR_INBOUND');
  const kinds = (['listener', 'routeConfiguration', 'cluster'] as const).filter((k) => match[k] !== undefined);
  if (kinds.length > 1) {
    invalid(scope, field, kinds, 'a patch matches a listener, a route configuration or a cluster, not several', `keep only the match that fits applyTo ${applyTo}`);
  }
  const kind = kinds[0];
  if (kind !== undefined) {
    const fits = LISTENER_CLASS.has(applyTo) ? 'listener' : ROUTE_CLASS.has(applyTo) ? 'routeConfiguration' : applyTo === EnvoyPatchApplyTo.CLUSTER ? 'cluster' : undefined;
    if (fits !== kind) {
      invalid(scope, `${field}.${kind}`, applyTo, `applyTo ${applyTo} cannot be matched with match.${kind}`, fits ? `match with match.${fits}` : 'leave the listener/routeConfiguration/cluster match out');
    }
  }
  if ((match.context === EnvoyPatchContext.WAYPOINT) !== (match.waypoint !== undefined)) {
    invalid(scope, match.waypoint === undefined ? `${field}.waypoint` : `${field}.context`, match.waypoint === undefined ? undefined : match.context ?? 'ANY',
      'a waypoint match goes with context WAYPOINT, and context WAYPOINT needs a waypoint match',
      match.waypoint === undefined ? 'add e.g. waypoint: { filter: "envoy.filters.network.http_connection_manager" }' : 'set context: EnvoyPatchContext.WAYPOINT, or remove the waypoint match');
  }
  let proxy: { [key: string]: unknown } | undefined;
  if (match.proxy) {
    if (match.proxy.proxyVersion !== undefined) checkRe2Regex(scope, `${field}.proxy.proxyVersion`, match.proxy.proxyVersion);
    proxy = compactOrUndefined({ proxyVersion: match.proxy.proxyVersion, metadata: match.proxy.metadata ? { ...match.proxy.metadata } : undefined });
  }
  return compactOrUndefined({
    context: match.context as string | undefined,
    proxy,
    listener: match.listener ? renderListenerMatch(scope, `${field}.listener`, applyTo, match.listener) : undefined,
    routeConfiguration: match.routeConfiguration ? renderRouteMatch(scope, `${field}.routeConfiguration`, match.routeConfiguration) : undefined,
    cluster: match.cluster ? renderClusterMatch(scope, `${field}.cluster`, match.cluster) : undefined,
    waypoint: match.waypoint ? renderWaypointMatch(scope, `${field}.waypoint`, match.waypoint) : undefined,
  });
}

function renderListenerMatch(scope: IConstruct, field: string, applyTo: EnvoyPatchApplyTo, l: EnvoyListenerMatch): { [key: string]: unknown } {
  checkPort(scope, `${field}.portNumber`, l.portNumber);
  checkPort(scope, `${field}.destinationPort`, l.destinationPort);
  if (l.subFilter !== undefined) {
    if (applyTo !== EnvoyPatchApplyTo.HTTP_FILTER) {
      invalid(scope, `${field}.subFilter`, l.subFilter, `a sub-filter match is only allowed with applyTo HTTP_FILTER, not ${applyTo}`, 'remove subFilter, or use applyTo HTTP_FILTER');
    }
    if (l.filter === undefined || !HCM.has(l.filter)) {
      invalid(scope, `${field}.filter`, l.filter, 'a sub-filter match needs the filter match envoy.filters.network.http_connection_manager', 'set filter: "envoy.filters.network.http_connection_manager"');
    }
    if (l.subFilter.trim() === '') invalid(scope, `${field}.subFilter`, l.subFilter, 'the sub-filter name is empty', 'name the HTTP filter, e.g. "envoy.filters.http.router"');
  }
  if (l.filter !== undefined && l.filter.trim() === '') {
    invalid(scope, `${field}.filter`, l.filter, 'a filter match needs the filter name', 'name the network filter, e.g. "envoy.filters.network.http_connection_manager"');
  }
  const filter = renderFilterMatch(l.filter, l.subFilter);
  const filterChain = compactOrUndefined({
    name: l.filterChainName,
    sni: l.sni,
    transportProtocol: l.transportProtocol,
    applicationProtocols: l.applicationProtocols,
    destinationPort: l.destinationPort,
    filter,
  });
  return compact({ portNumber: l.portNumber, name: l.name, listenerFilter: l.listenerFilter, filterChain });
}

function renderRouteMatch(scope: IConstruct, field: string, r: EnvoyRouteConfigurationMatch): { [key: string]: unknown } {
  checkPort(scope, `${field}.portNumber`, r.portNumber);
  if (r.gateway !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r.gateway)) {
    invalid(scope, `${field}.gateway`, r.gateway, 'the gateway must be written namespace/name', 'write e.g. "istio-system/bookinfo-gateway"');
  }
  checkEnum(scope, `${field}.routeAction`, r.routeAction, EnvoyRouteAction, 'an EnvoyRouteAction value, e.g. EnvoyRouteAction.ANY');
  const route = compactOrUndefined({ name: r.routeName, action: r.routeAction as string | undefined });
  const vhost = r.vhostName !== undefined || r.vhostDomainName !== undefined || route !== undefined
    ? compact({ name: r.vhostName, domainName: r.vhostDomainName, route })
    : undefined;
  return compact({ portNumber: r.portNumber, portName: r.portName, gateway: r.gateway, name: r.name, vhost });
}

function renderClusterMatch(scope: IConstruct, field: string, c: EnvoyClusterMatch): { [key: string]: unknown } {
  checkPort(scope, `${field}.portNumber`, c.portNumber);
  if (c.subset !== undefined) checkDns1123Label(scope, `${field}.subset`, c.subset);
  return compact({ portNumber: c.portNumber, service: c.service, subset: c.subset, name: c.name });
}

function renderWaypointMatch(scope: IConstruct, field: string, w: EnvoyWaypointMatch): { [key: string]: unknown } {
  checkPort(scope, `${field}.portNumber`, w.portNumber);
  if (w.subFilter !== undefined && w.filter === undefined) {
    invalid(scope, `${field}.subFilter`, w.subFilter, 'a sub-filter match needs the filter it is in', 'set filter: "envoy.filters.network.http_connection_manager"');
  }
  const filter = renderFilterMatch(w.filter, w.subFilter);
  return compact({ portNumber: w.portNumber, filter, route: w.routeName !== undefined ? { name: w.routeName } : undefined });
}

function renderFilterMatch(filter: string | undefined, subFilter: string | undefined): { [key: string]: unknown } | undefined {
  if (filter === undefined) return undefined;
  return compact({ name: filter, subFilter: subFilter !== undefined ? { name: subFilter } : undefined });
}

/** istiod only knows Envoy v3 types: every `@type` must be a type URL of a v3 (not v2) message. */
function checkTypeUrls(scope: IConstruct, field: string, value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkTypeUrls(scope, `${field}[${i}]`, v));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k !== '@type') {
      checkTypeUrls(scope, `${field}.${k}`, v);
      continue;
    }
    const url = typeof v === 'string' ? v : '';
    const name = url.slice(url.lastIndexOf('/') + 1);
    if (!url.includes('/') || name === '') {
      invalid(scope, `${field}["@type"]`, v, 'not a type URL', 'write type.googleapis.com/<proto message>, e.g. type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua');
    }
    if (/^envoy\.(.*\.)?v2(alpha\d*)?\./.test(name)) {
      invalid(scope, `${field}["@type"]`, url, 'an Envoy v2 type, which istiod no longer knows', 'use the v3 type (envoy.extensions....v3.*)');
    }
  }
}
