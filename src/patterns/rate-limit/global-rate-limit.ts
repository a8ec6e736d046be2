// GlobalRateLimit: Envoy's rate limit filter calling a rate-limit service shared by every
// proxy, as Istio's sample samples/ratelimit/ (rate-limit-service.yaml) with
// samples/bookinfo/policy/productpage_envoy_ratelimit.yaml configures it.
import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { RateLimitDescriptor, RateLimitRule, renderRateLimitRules } from './rate-limit-descriptor';
import { RateLimitService, checkDomain } from './rate-limit-service';
import { ratelimitPriority, protoDuration, RateLimitTarget, ResolvedTarget, targetRoutes } from './rate-limit-target';
import { checkHost, checkPort, checkRequiredProps } from '../../core/checks';
import { invalid, validationMessage } from '../../core/errors';
import { synthesisMemo } from '../../core/synthesis';
import { EnvoyFilter } from '../../networking/envoy-filter';
import { EnvoyPatchApplyTo, EnvoyPatchOperation, EnvoyRouteAction } from '../../networking/envoy-filter-patch';

/** The Envoy cluster the rate limit filter calls a service elsewhere through (Istio's sample's name). */
const CLUSTER_NAME = 'rate_limit_cluster';

/** How the filter reaches the service: its host and port, the cluster, the connect timeout of a cluster added here. */
interface Upstream {
  readonly host: string;
  readonly port: number;
  readonly cluster: string;
  readonly connectTimeout?: string;
}

/** The GlobalRateLimits of each app, in creation order (to refuse two on the same proxies). */
const APP_LIMITS = new WeakMap<IConstruct, GlobalRateLimit[]>();

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
   * Connect timeout of the cluster to the service (with `endpoint` only: a `service` is
   * called through Istio's own cluster, whose connect timeout a DestinationRule sets).
   * @default Duration.seconds(1)
   */
  readonly connectTimeout?: Duration;
  /**
   * Priority of the EnvoyFilters (lower applies first; EnvoyFilters without one have 0). The
   * filter is inserted relative to another one, so its place depends on the order in which
   * EnvoyFilters apply: Istio's sample leaves the priority at 0, which `istioctl analyze`
   * warns about (IST0151); the default orders the rate limit after the EnvoyFilters of
   * priority 0.
   * @default 10
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
 * before the router, and an EnvoyFilter adding the `rate_limits` actions to the target's
 * virtual hosts.
 *
 * Pass a `RateLimitService` to have the descriptors written into its configuration, or
 * `endpoint` for a service managed elsewhere. A `RateLimitService` is called through Istio's
 * own cluster for it (`outbound|8081||<host>`), i.e. over mutual TLS with the proxies'
 * identity, and the target's identity is allowed to call it (`allowCaller`); an `endpoint`
 * is called as in Istio's sample, through a plain-text cluster `rate_limit_cluster` the
 * EnvoyFilter adds (so the service must accept plain text). Workload targets in ambient
 * namespaces are refused (ztunnel and waypoints ignore EnvoyFilters); ingress gateways work
 * in either mode. One GlobalRateLimit per proxy: a second one on the same pods is refused
 * at synth (Envoy would run both filters; put their rules in one).
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

  private readonly target: ResolvedTarget;

  public constructor(scope: Construct, id: string, props: GlobalRateLimitProps) {
    super(scope, id);
    checkRequiredProps(this, 'a GlobalRateLimit', props, { target: 'RateLimitTarget.ingressGateway()', domain: '"productpage-ratelimit"', rateLimits: '[{ actions: [RateLimitAction.requestHeader(":path", "PATH")] }]' });
    checkDomain(this, 'domain', props.domain);
    const target = props.target._resolve(this, props.namespace);
    this.target = target;
    const upstream = this.resolveService(props, target);
    const rateLimits = renderRateLimitRules(this, props.rateLimits);
    const timeout = props.timeout !== undefined
      ? protoDuration(this, 'timeout', props.timeout, 1, 'give a positive timeout in whole milliseconds, e.g. Duration.millis(100), or leave it out (20ms)')
      : undefined;
    const routes = targetRoutes(target);

    this.filter = new EnvoyFilter(this, 'Filter', {
      metadata: { namespace: target.namespace },
      workloadSelector: target.selector,
      priority: ratelimitPriority(this, props.priority),
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
              'rate_limit_service': { grpc_service: { envoy_grpc: { cluster_name: upstream.cluster } } },
              ...(timeout !== undefined ? { timeout } : {}),
            },
          },
        },
        ...(upstream.connectTimeout === undefined ? [] : [{
          applyTo: EnvoyPatchApplyTo.CLUSTER,
          operation: EnvoyPatchOperation.ADD,
          match: { cluster: { service: upstream.host } },
          value: {
            name: CLUSTER_NAME,
            type: 'STRICT_DNS',
            connect_timeout: upstream.connectTimeout,
            lb_policy: 'ROUND_ROBIN',
            http2_protocol_options: {},
            load_assignment: {
              cluster_name: CLUSTER_NAME,
              endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: upstream.host, port_value: upstream.port } } } }] }],
            },
          },
        }]),
      ],
    });
    this.actions = new EnvoyFilter(this, 'Actions', {
      metadata: { namespace: target.namespace },
      workloadSelector: target.selector,
      priority: ratelimitPriority(this, props.priority),
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

    const limits = APP_LIMITS.get(this.node.root) ?? [];
    limits.push(this);
    APP_LIMITS.set(this.node.root, limits);
    this.node.addValidation({ validate: () => this.checkOnePerProxy(limits) });
  }

  /** The proxies of the target: the namespace and the selector's labels (read at synth). */
  private proxiesKey(): string {
    const labels = this.target.selector.labels;
    return JSON.stringify([this.target.namespace ?? '', Object.keys(labels).sort().map((k) => [k, labels[k]])]);
  }

  /** Refuses this limit when an earlier GlobalRateLimit of the app targets the same proxies. */
  private checkOnePerProxy(limits: GlobalRateLimit[]): string[] {
    // the first limit of the app on each set of proxies, indexed once per synthesis
    const first = synthesisMemo(this.node.root, 'global-rate-limit-proxies', () => {
      const byProxies = new Map<string, GlobalRateLimit>();
      for (const limit of limits) {
        const key = limit.proxiesKey();
        if (!byProxies.has(key)) byProxies.set(key, limit);
      }
      return byProxies;
    });
    const earlier = first.get(this.proxiesKey());
    if (earlier === undefined || earlier === this) return [];
    const ns = this.target.namespace;
    return [validationMessage('target', `${this.target.description} ${JSON.stringify(this.target.selector.labels)}${ns !== undefined ? ` in namespace ${ns}` : ''}`,
      `GlobalRateLimits ${earlier.node.path} and ${this.node.path} rate-limit the same proxies: Envoy would run both rate limit filters, applying the actions of both to every request, and with endpoints both would add a cluster named ${CLUSTER_NAME}`,
      `put the rules of both in one GlobalRateLimit (one domain: merge their rateLimits and descriptors), and remove ${this.node.path}`)];
  }

  private resolveService(props: GlobalRateLimitProps, target: ResolvedTarget): Upstream {
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
      if (props.connectTimeout !== undefined) {
        const shown = protoDuration(this, 'connectTimeout', props.connectTimeout, 1, 'leave connectTimeout out');
        invalid(this, 'connectTimeout', shown, 'a RateLimitService is called through Istio\'s own cluster for it, whose connect timeout the EnvoyFilter does not set', 'leave connectTimeout out, or set connectionPool.tcp.connectTimeout in a DestinationRule for the service\'s host');
      }
      if (target.principal === undefined) {
        invalid(this, 'target', target.description, 'the rate-limit service admits only the identities of its callers, and the identity of these pods is not known',
          'give it: RateLimitTarget.pods(selector, port, { principal: Principal.serviceAccount(namespace, serviceAccount) }), or target the MeshService/MeshWorkload with RateLimitTarget.workload(...)');
      }
      props.service.addDomain(props.domain, props.descriptors);
      props.service.allowCaller(target.principal);
      const host = props.service.host;
      const port = props.service.grpcPort;
      return { host, port, cluster: `outbound|${port}||${host}` };
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
    const connectTimeout = protoDuration(this, 'connectTimeout', props.connectTimeout ?? Duration.seconds(1), 1, 'give a positive timeout, e.g. Duration.seconds(1)');
    return { host: props.endpoint.host, port: props.endpoint.port, cluster: CLUSTER_NAME, connectTimeout };
  }
}
