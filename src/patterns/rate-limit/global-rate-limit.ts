// GlobalRateLimit: Envoy's rate limit filter calling a rate-limit service shared by every
// proxy, as Istio's sample samples/ratelimit/ (rate-limit-service.yaml) with
// samples/bookinfo/policy/productpage_envoy_ratelimit.yaml configures it.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { RateLimitDescriptor, RateLimitRule, renderRateLimitRules } from './rate-limit-descriptor';
import { RateLimitService, checkDomain } from './rate-limit-service';
import { protoDuration, RateLimitTarget, targetRoutes } from './rate-limit-target';
import { checkHost, checkPort, checkRequiredProps } from '../../core/checks';
import { invalid } from '../../core/errors';
import { EnvoyFilter } from '../../networking/envoy-filter';
import { EnvoyPatchApplyTo, EnvoyPatchOperation, EnvoyRouteAction } from '../../networking/envoy-filter-patch';

/** The Envoy cluster the rate limit filter calls the service through. */
const CLUSTER_NAME = 'rate_limit_cluster';

/** A rate-limit service deployed elsewhere. */
export interface RateLimitServiceEndpoint {
  /** The service's fully qualified host, e.g. `ratelimit.ratelimit.svc.cluster.local`. */
  readonly host: string;
  /** The service's gRPC port. */
  readonly port: number;
}

/** Properties of a `GlobalRateLimit`. */
export interface GlobalRateLimitProps {
  /** The proxies calling the service: an ingress gateway (usual) or a workload's sidecars. */
  readonly target: RateLimitTarget;
  /** The rate-limit domain: the Envoy filter's `domain` and the service configuration's. */
  readonly domain: string;
  /** The rules whose actions build each request's descriptors (the route's `rate_limits`). */
  readonly rateLimits: RateLimitRule[];
  /**
   * A rate-limit service deployed by this app: the descriptors are added to its
   * configuration. Exclusive with `endpoint`; one of the two is required.
   * @default - none: use `endpoint`
   */
  readonly service?: RateLimitService;
  /**
   * A rate-limit service configured elsewhere (its descriptors are not managed here).
   * @default - none: use `service`
   */
  readonly endpoint?: RateLimitServiceEndpoint;
  /**
   * The descriptors and limits the service counts for this domain (with `service`).
   * @default - none (required with `service`)
   */
  readonly descriptors?: RateLimitDescriptor[];
  /**
   * Reject requests (500) when the service cannot be reached, instead of letting them through.
   * @default false
   */
  readonly failureModeDeny?: boolean;
  /**
   * How long the filter waits for the service's answer.
   * @default - Envoy's 20ms
   */
  readonly timeout?: Duration;
  /**
   * Connect timeout of the cluster to the service.
   * @default Duration.seconds(1)
   */
  readonly connectTimeout?: Duration;
  /**
   * Priority of the EnvoyFilters (lower applies first). Istio's sample leaves it at 0, which
   * the analyzer reports as IST0151 (a relative patch without priority); set it to order the
   * patches explicitly against other EnvoyFilters.
   * @default - none (0)
   */
  readonly priority?: number;
  /**
   * The namespace of the EnvoyFilters.
   * @default - the target's (gateway's or workload's) namespace, else the chart's
   */
  readonly namespace?: string;
}

/**
 * A global rate limit: every proxy of the target asks one rate-limit service (Envoy's
 * `envoyproxy/ratelimit`, whose counters live in redis), so the limits hold across all pods.
 * Rendered as Istio's sample does: an EnvoyFilter adding the `envoy.ratelimit` HTTP filter
 * before the router and the `rate_limit_cluster` cluster to the service, and an EnvoyFilter
 * adding the `rate_limits` actions to the target's virtual hosts.
 *
 * Pass a `RateLimitService` to have the descriptors written into its configuration, or
 * `endpoint` for a service managed elsewhere. Workload targets in ambient namespaces are
 * refused (ztunnel and waypoints ignore EnvoyFilters); ingress gateways work in either mode.
 *
 * @example
 * const ratelimit = new RateLimitService(chart, 'ratelimit');
 * new GlobalRateLimit(chart, 'ingress-limit', {
 *   target: RateLimitTarget.ingressGateway(),
 *   service: ratelimit,
 *   domain: 'productpage-ratelimit',
 *   rateLimits: [{ actions: [RateLimitAction.requestHeader(':path', 'PATH')] }],
 *   descriptors: [
 *     { key: 'PATH', value: '/productpage', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE },
 *     { key: 'PATH', requestsPerUnit: 100, unit: RateLimitUnit.MINUTE },
 *   ],
 * });
 */
export class GlobalRateLimit extends Construct {
  /** The EnvoyFilter with the HTTP filter and the cluster. */
  public readonly filter: EnvoyFilter;
  /** The EnvoyFilter with the route actions. */
  public readonly actions: EnvoyFilter;

  public constructor(scope: Construct, id: string, props: GlobalRateLimitProps) {
    super(scope, id);
    checkRequiredProps(this, 'a GlobalRateLimit', props, { target: 'RateLimitTarget.ingressGateway()', domain: '"productpage-ratelimit"', rateLimits: '[{ actions: [RateLimitAction.requestHeader(":path", "PATH")] }]' });
    checkDomain(this, 'domain', props.domain);
    const target = props.target._resolve(this, props.namespace);
    const upstream = this.resolveService(props);
    const rateLimits = renderRateLimitRules(this, props.rateLimits);
    const timeout = props.timeout !== undefined
      ? protoDuration(this, 'timeout', props.timeout, 1, 'give a positive timeout in whole milliseconds, e.g. Duration.millis(100), or leave it out (20ms)')
      : undefined;
    const connectTimeout = protoDuration(this, 'connectTimeout', props.connectTimeout ?? Duration.seconds(1), 1, 'give a positive timeout, e.g. Duration.seconds(1)');
    const routes = targetRoutes(target);

    this.filter = new EnvoyFilter(this, 'Filter', {
      metadata: { namespace: target.namespace },
      workloadSelector: target.selector,
      priority: props.priority,
      configPatches: [
        {
          applyTo: EnvoyPatchApplyTo.HTTP_FILTER,
          operation: EnvoyPatchOperation.INSERT_BEFORE,
          match: { context: target.context, listener: { filter: 'envoy.filters.network.http_connection_manager', subFilter: 'envoy.filters.http.router' } },
          value: {
            name: 'envoy.ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit',
              'domain': props.domain,
              'failure_mode_deny': props.failureModeDeny ?? false,
              'rate_limit_service': { grpc_service: { envoy_grpc: { cluster_name: CLUSTER_NAME } } },
              ...(timeout !== undefined ? { timeout } : {}),
            },
          },
        },
        {
          applyTo: EnvoyPatchApplyTo.CLUSTER,
          operation: EnvoyPatchOperation.ADD,
          match: { cluster: { service: upstream.host } },
          value: {
            name: CLUSTER_NAME,
            type: 'STRICT_DNS',
            connect_timeout: connectTimeout,
            lb_policy: 'ROUND_ROBIN',
            http2_protocol_options: {},
            load_assignment: {
              cluster_name: CLUSTER_NAME,
              endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: upstream.host, port_value: upstream.port } } } }] }],
            },
          },
        },
      ],
    });
    this.actions = new EnvoyFilter(this, 'Actions', {
      metadata: { namespace: target.namespace },
      workloadSelector: target.selector,
      priority: props.priority,
      configPatches: [{
        applyTo: EnvoyPatchApplyTo.VIRTUAL_HOST,
        operation: EnvoyPatchOperation.MERGE,
        match: {
          context: target.context,
          routeConfiguration: { portNumber: routes.portNumber, vhostName: routes.vhostName, routeAction: EnvoyRouteAction.ANY },
        },
        value: { rate_limits: rateLimits },
      }],
    });
  }

  private resolveService(props: GlobalRateLimitProps): { host: string; port: number } {
    if (props.service !== undefined && props.endpoint !== undefined) {
      invalid(this, 'service and endpoint', props.endpoint.host, 'give the rate-limit service deployed here or the endpoint of one elsewhere, not both', 'keep only one of service and endpoint');
    }
    if (props.service !== undefined) {
      if (!(props.service instanceof RateLimitService)) {
        invalid(this, 'service', props.service, 'the service must be a RateLimitService construct', 'create one with new RateLimitService(...), or use endpoint for one deployed elsewhere');
      }
      if (props.descriptors === undefined) {
        invalid(this, 'descriptors', props.descriptors, 'the rate-limit service deployed here needs the descriptors of this domain', 'give descriptors, e.g. [{ key: "PATH", requestsPerUnit: 100, unit: RateLimitUnit.MINUTE }]');
      }
      props.service.addDomain(props.domain, props.descriptors);
      return { host: props.service.host, port: props.service.grpcPort };
    }
    if (props.endpoint === undefined) {
      invalid(this, 'service', undefined, 'a global rate limit needs a rate-limit service', 'pass service: new RateLimitService(...), or endpoint: { host, port } of one deployed elsewhere');
    }
    if (props.descriptors !== undefined) {
      invalid(this, 'descriptors', props.descriptors.length, 'the descriptors of a service deployed elsewhere are configured there, not here', 'leave descriptors out, or deploy the service with RateLimitService');
    }
    checkHost(this, 'endpoint.host', props.endpoint.host);
    if (props.endpoint.host.includes('*')) invalid(this, 'endpoint.host', props.endpoint.host, 'the service host cannot be a wildcard', 'give the service\'s host, e.g. "ratelimit.ratelimit.svc.cluster.local"');
    checkPort(this, 'endpoint.port', props.endpoint.port);
    if (props.endpoint.port === undefined) invalid(this, 'endpoint.port', undefined, 'the gRPC port of the service is required', 'give e.g. port: 8081');
    return { host: props.endpoint.host, port: props.endpoint.port };
  }
}
