import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FaultInjection, RequestMatch } from './fault-injection';
import { liveHttpRoute } from './live-route';
import { MeshService } from './mesh-service';
import { ambientResilienceRoute } from './resilience-ambient';
import { namespaceDataplaneOf } from '../ambient/ambient-namespace';
import { checkRequiredProps } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { isHttpFamily, Protocol } from '../core/protocol';
import { GatewayApiHttpRoute } from '../gateway-api/http-route';
import { DestinationRule } from '../networking/destination-rule';
import { HttpMirror, HttpRouteDestination } from '../networking/route-destination';
import { HttpRoute } from '../networking/route-http';
import { HttpMatch } from '../networking/route-http-match';
import { HttpRetry, HttpRetryOn } from '../networking/route-retry';
import { StringMatch } from '../networking/route-string-match';
import { TrafficPolicy } from '../networking/traffic-policy';
import { ClientTls } from '../networking/traffic-policy-client-tls';
import { ConnectionPool } from '../networking/traffic-policy-connection-pool';
import { LoadBalancer } from '../networking/traffic-policy-load-balancer';
import { OutlierDetection } from '../networking/traffic-policy-outlier-detection';
import { VirtualService } from '../networking/virtual-service';

/**
 * Properties of `CircuitBreaker.of()`: Istio's two circuit-breaking mechanisms. Give at
 * least one.
 */
export interface CircuitBreakerProps {
  /**
   * Connection-pool limits: requests beyond them fail fast with 503 (`UO` in the access
   * log) instead of queueing on an overloaded service.
   *
   * @default - Envoy's limits (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPool;

  /**
   * Outlier detection: endpoints that keep failing are ejected from the load-balancing
   * pool for a while.
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;
}

/**
 * A circuit breaker for a destination: connection-pool limits plus outlier detection,
 * rendered into the DestinationRule's `trafficPolicy`. Reusable across services.
 *
 * @example
 * CircuitBreaker.standard();
 * CircuitBreaker.of({
 *   connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10 } },
 *   outlierDetection: { consecutive5xxErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
 * });
 */
export class CircuitBreaker {
  /**
   * A production starting point: at most 1024 connections, 1024 pending and 1024 active
   * requests per destination host (Envoy's historic defaults, so bursts are absorbed but
   * an overload fails fast), and endpoints ejected for 30s after 5 consecutive 5xx
   * errors, checked every 10s, at most half of the endpoints at once.
   */
  public static standard(): CircuitBreaker {
    return new CircuitBreaker({
      connectionPool: {
        tcp: { maxConnections: 1024 },
        http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 },
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: Duration.seconds(10),
        baseEjectionTime: Duration.seconds(30),
        maxEjectionPercent: 50,
      },
    });
  }

  /**
   * Trips at once: one connection, one pending request, one request per connection, and
   * an endpoint ejected for 3 minutes after one 5xx error (Istio's circuit-breaking
   * task). Use it to watch circuit breaking work in a test environment, never in
   * production: any concurrency makes requests fail.
   */
  public static forTesting(): CircuitBreaker {
    return new CircuitBreaker({
      connectionPool: {
        tcp: { maxConnections: 1 },
        http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 },
      },
      outlierDetection: {
        consecutive5xxErrors: 1,
        interval: Duration.seconds(1),
        baseEjectionTime: Duration.minutes(3),
        maxEjectionPercent: 100,
      },
    });
  }

  /**
   * A circuit breaker with these settings.
   */
  public static of(props: CircuitBreakerProps): CircuitBreaker {
    return new CircuitBreaker({ ...props });
  }

  /** The connection-pool limits, if any. */
  public readonly connectionPool?: ConnectionPool;

  /** The outlier detection settings, if any. */
  public readonly outlierDetection?: OutlierDetection;

  private constructor(props: CircuitBreakerProps) {
    this.connectionPool = props.connectionPool;
    this.outlierDetection = props.outlierDetection;
  }

  /**
   * Checks the circuit breaker is not empty; its settings are checked by the
   * DestinationRule that renders them.
   * @internal
   */
  public _check(scope: IConstruct, field: string): void {
    if (this.connectionPool === undefined && this.outlierDetection === undefined) {
      invalid(scope, field, {}, 'a circuit breaker needs connection-pool limits, outlier detection, or both', 'use CircuitBreaker.standard(), or CircuitBreaker.of({ outlierDetection: { consecutive5xxErrors: 5 } })');
    }
  }
}

/**
 * Tuning of the `RetryPolicy` presets.
 */
export interface RetryPolicyOptions {
  /**
   * Number of retries after the first attempt.
   *
   * @default 3
   */
  readonly attempts?: number;

  /**
   * Timeout of each attempt, the first included.
   *
   * @default Duration.seconds(2)
   */
  readonly perTryTimeout?: Duration;
}

/**
 * How failed requests are retried by the calling sidecar: presets and custom policies,
 * rendered as the VirtualService route's `retries`.
 *
 * @example
 * RetryPolicy.standard();                      // safe for any request
 * RetryPolicy.idempotent({ attempts: 2 });     // also 5xx and resets: idempotent APIs only
 * RetryPolicy.none();                          // turn Istio's default retries off
 */
export class RetryPolicy {
  /**
   * Retries only failures where the request never reached the application, so it is
   * safe for every request, POSTs included: connection failures, refused streams,
   * resets before the request was sent, and gRPC UNAVAILABLE. 3 retries, 2s per try.
   */
  public static standard(options: RetryPolicyOptions = {}): RetryPolicy {
    return new RetryPolicy({
      attempts: options.attempts ?? 3,
      perTryTimeout: options.perTryTimeout ?? Duration.seconds(2),
      retryOn: [HttpRetryOn.CONNECT_FAILURE, HttpRetryOn.REFUSED_STREAM, HttpRetryOn.RESET_BEFORE_REQUEST, HttpRetryOn.UNAVAILABLE],
    });
  }

  /**
   * Also retries gateway errors (502/503/504) and resets after the request was sent:
   * the application may already have acted on the request, so use it only for services
   * whose requests are all idempotent (reads, PUTs with the full state). 3 retries, 2s
   * per try.
   */
  public static idempotent(options: RetryPolicyOptions = {}): RetryPolicy {
    return new RetryPolicy({
      attempts: options.attempts ?? 3,
      perTryTimeout: options.perTryTimeout ?? Duration.seconds(2),
      retryOn: [HttpRetryOn.GATEWAY_ERROR, HttpRetryOn.CONNECT_FAILURE, HttpRetryOn.REFUSED_STREAM, HttpRetryOn.RESET, HttpRetryOn.UNAVAILABLE],
    });
  }

  /**
   * No retries at all (`attempts: 0`), overriding Istio's default of 2 retries, e.g.
   * when the caller retries itself and retries would multiply.
   */
  public static none(): RetryPolicy {
    return new RetryPolicy({ attempts: 0 });
  }

  /**
   * Any retry policy.
   */
  public static of(retry: HttpRetry): RetryPolicy {
    return new RetryPolicy({ ...retry });
  }

  /** The retry settings rendered into the route. */
  public readonly retry: HttpRetry;

  private constructor(retry: HttpRetry) {
    this.retry = retry;
  }
}

/**
 * Network resilience options of a service (Istio's "network resilience and testing"):
 * circuit breaker, load balancing and client TLS (rendered into a DestinationRule),
 * retries, timeout and fault injection (rendered into the VirtualService routes).
 */
export interface ResilienceOptions {
  /**
   * Circuit breaker: connection-pool limits and outlier detection.
   *
   * @default - none: Envoy's unlimited connection pool, no outlier detection
   */
  readonly circuitBreaker?: CircuitBreaker;

  /**
   * Load-balancing algorithm.
   *
   * @default - Istio's default (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancer;

  /**
   * Retry policy of the routes.
   *
   * @default - Istio's default (2 retries on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retries?: RetryPolicy;

  /**
   * Timeout of a whole request, retries included (at least 1ms).
   *
   * @default - no timeout (Istio's default)
   */
  readonly timeout?: Duration;

  /**
   * A fault-injection experiment: delay or abort a share of the requests.
   *
   * @default - no fault injection
   */
  readonly faultInjection?: FaultInjection;

  /**
   * Whether clients must use Istio mutual TLS towards the service (`tls: ISTIO_MUTUAL`
   * in the DestinationRule). This fails closed: a pod that lost its sidecar gets no
   * plain-text traffic, where Istio's automatic mTLS would silently fall back to plain
   * text. Set it to `false` to leave the choice to automatic mTLS, e.g. while pods are
   * being migrated into the mesh (PERMISSIVE).
   *
   * @default true
   */
  readonly requireMutualTls?: boolean;
}

// ---------------------------------------------------------------------------------
// Shared rendering, used by ServiceResilience and CanaryService.

/**
 * Checks resilience options in the context of `scope`: HTTP-only features on non-HTTP
 * ports, timeouts shorter than per-try timeouts, fault experiments, circuit breakers.
 * @internal
 */
export function checkResilienceOptions(scope: IConstruct, options: ResilienceOptions, protocol: Protocol): void {
  const httpOnly: { [name: string]: unknown } = {
    retries: options.retries, timeout: options.timeout, faultInjection: options.faultInjection,
  };
  if (!isHttpFamily(protocol)) {
    for (const [name, value] of Object.entries(httpOnly)) {
      if (value !== undefined) {
        invalid(scope, name, protocol, `retries, timeouts and fault injection act on HTTP requests, and the service's protocol is ${protocol}`, 'remove the option, or give the service an HTTP, HTTP2 or GRPC port; a circuit breaker works for TCP too');
      }
    }
  }
  options.circuitBreaker?._check(scope, 'circuitBreaker');
  options.faultInjection?._check(scope, 'faultInjection');
  const timeout = renderDuration(scope, 'timeout', options.timeout);
  const perTry = renderDuration(scope, 'retries.perTryTimeout', options.retries?.retry.perTryTimeout);
  if (timeout !== undefined && perTry !== undefined) {
    const t = options.timeout!.toMilliseconds();
    const p = options.retries!.retry.perTryTimeout!.toMilliseconds();
    if (p > t) {
      invalid(scope, 'retries.perTryTimeout', perTry, `it is longer than the request timeout (${timeout}), which ends the request (retries included) first, so no retry would ever happen`, `make perTryTimeout shorter than ${timeout} (e.g. timeout / (attempts + 1)), or raise the timeout`);
    }
  }
}

/**
 * The destination-level traffic policy of the options, if they set anything.
 * @internal
 */
export function destinationTrafficPolicy(options: ResilienceOptions): TrafficPolicy | undefined {
  const cb = options.circuitBreaker;
  const policy: TrafficPolicy = {
    loadBalancer: options.loadBalancer,
    connectionPool: cb?.connectionPool,
    outlierDetection: cb?.outlierDetection,
    tls: (options.requireMutualTls ?? true) ? ClientTls.istioMutual() : undefined,
  };
  return Object.values(policy).some((v) => v !== undefined) ? policy : undefined;
}

/**
 * The HTTP route rules of a service with resilience options, in evaluation order:
 *
 * 1. `fault-injection-override`: requests matching the fault AND an override (only when
 *    the fault is scoped and there are overrides) - override route, with the fault;
 * 2. `fault-injection`: requests matching the fault - default route, with the fault;
 * 3. `override`: requests matching an override - override route;
 * 4. `default`: every other request - default route, with the mirror.
 *
 * An unscoped fault is put on rules 3 and 4 instead. Rules and matches that could never
 * be reached are left out (fault AND override contradicting each other; a fault condition
 * implying an override; an override implying the fault condition). Every rule carries the
 * retries and timeout. Linear in the number of overrides.
 * @internal
 */
export function resilienceRoutes(scope: IConstruct, input: {
  /** Destinations of requests no override matches (read at every synthesis). */
  readonly defaultRoute: () => HttpRouteDestination[];
  /** Destinations of requests an override matches (read at every synthesis). */
  readonly overrideRoute?: () => HttpRouteDestination[];
  /** The override (A/B) conditions. */
  readonly overrides?: HttpMatch[];
  /** Mirror of the default route (read at every synthesis). */
  readonly mirror?: () => HttpMirror | undefined;
  /** Mirror percentage of the default route (read at every synthesis). */
  readonly mirrorPercentage?: () => number | undefined;
  /** The resilience options. */
  readonly options: ResilienceOptions;
}): HttpRoute[] {
  const o = input.options;
  const common = { retries: o.retries?.retry, timeout: o.timeout };
  const fault = o.faultInjection;
  const overrides = input.overrides ?? [];
  const overrideRoute = input.overrideRoute ?? input.defaultRoute;
  const rules: HttpRoute[] = [];
  const scopedFault = fault?.match !== undefined ? fault : undefined;
  const coveredByFault = new Set<string>();
  if (scopedFault) {
    const faultMatch = scopedFault.match!;
    // Requests matching the fault and an override: skip the pairs that cannot both hold
    // (e.g. end-user: jason and end-user: bob).
    const both = overrides
      .map((m, i) => RequestMatch.allOf(faultMatch, RequestMatch.of(m))._tryRender(scope, `faultInjection.match and override[${i}]`))
      .filter((m): m is HttpMatch => m !== undefined);
    both.forEach((m) => coveredByFault.add(canonicalMatch(m)));
    if (both.length > 0) {
      rules.push(liveHttpRoute({ name: 'fault-injection-override', ...common, match: both, fault: scopedFault.fault }, overrideRoute));
    }
    // When the fault's condition implies an override (fault AND override = fault), every
    // faulted request is already taken by the rule above, and this one would never match.
    const faultOnly = faultMatch._render(scope, 'faultInjection.match');
    if (!both.some((m) => canonicalMatch(m) === canonicalMatch(faultOnly))) {
      rules.push(liveHttpRoute({ name: 'fault-injection', ...common, match: [faultOnly], fault: scopedFault.fault }, input.defaultRoute));
    }
  }
  const everywhere = scopedFault ? undefined : fault?.fault;
  // Overrides that imply the fault's condition (override AND fault = override) are fully
  // handled by the first rule; listing them again would leave unreachable matches.
  const rest = overrides.filter((m) => !coveredByFault.has(canonicalMatch(m)));
  if (rest.length > 0) {
    rules.push(liveHttpRoute({ name: 'override', ...common, match: rest, fault: everywhere }, overrideRoute));
  }
  rules.push(liveHttpRoute({ name: 'default', ...common, fault: everywhere }, input.defaultRoute, { mirror: input.mirror, mirrorPercentage: input.mirrorPercentage }));
  return rules;
}

/** A canonical string of a match (keys sorted, string matches as `{ type: value }`), for equality. */
function canonicalMatch(m: HttpMatch): string {
  return JSON.stringify(m, (_key, value) => {
    if (value instanceof StringMatch) return { [value.matchType]: value.value };
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
    }
    return value;
  });
}

// ---------------------------------------------------------------------------------

/**
 * Properties of a `ServiceResilience`.
 */
export interface ServiceResilienceProps extends ResilienceOptions {
  /** The mesh service the options apply to (all its versions). */
  readonly service: MeshService;
}

/**
 * The network resilience settings of a `MeshService` (Istio's "network resilience and
 * testing"): a DestinationRule for the circuit breaker, load balancing and client mTLS,
 * and - when retries, a timeout or a fault experiment are given - a VirtualService
 * routing every request of the service (all versions) with them.
 *
 * Both are named after the service and live in its namespace; they apply to every
 * client in the mesh. For a service with several versions and weighted routing use
 * `CanaryService`, which takes the same options. Do not combine both for one host:
 * Istio merges neither two DestinationRules nor two VirtualServices for a host.
 *
 * In an ambient namespace the waypoint serving the service applies both: the DestinationRule
 * unchanged, and the timeout as an HTTPRoute attached to the Service (`httpRoute`). Retries and
 * fault injection have no standard-channel HTTPRoute equivalent and are refused there.
 *
 * @example
 * new ServiceResilience(chart, 'ratings-resilience', {
 *   service: ratings,
 *   circuitBreaker: CircuitBreaker.standard(),
 *   retries: RetryPolicy.standard(),
 *   timeout: Duration.seconds(10),
 *   faultInjection: FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.user('jason') }),
 * });
 */
export class ServiceResilience extends Construct {
  /** The service the settings apply to. */
  public readonly service: MeshService;

  /** The DestinationRule, when a circuit breaker, load balancer or mTLS is set. */
  public readonly destinationRule?: DestinationRule;

  /** The VirtualService, when retries, a timeout or fault injection are set (sidecar mode). */
  public readonly virtualService?: VirtualService;

  /**
   * Ambient mode: the HTTPRoute carrying the timeout, attached to the Service (applied by the
   * waypoint serving it).
   */
  public readonly httpRoute?: GatewayApiHttpRoute;

  public constructor(scope: Construct, id: string, props: ServiceResilienceProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    checkRequiredProps(this, 'a ServiceResilience', props, { service: 'reviews (a MeshService)' });
    if (!(props.service instanceof MeshService)) {
      invalid(this, 'service', props.service === undefined ? undefined : String(props.service), 'it must be a MeshService', 'pass the MeshService to protect, e.g. service: ratings');
    }
    this.service = props.service;
    checkResilienceOptions(this, props, props.service.protocol);
    const host = props.service.host;
    const metadata = { name: props.service.serviceName, namespace: props.service.namespace };

    const trafficPolicy = destinationTrafficPolicy(props);
    const routed = props.retries !== undefined || props.timeout !== undefined || props.faultInjection !== undefined;
    if (!trafficPolicy && !routed) {
      invalid(this, 'options', 'none', 'nothing to configure: no circuit breaker, load balancer, mTLS requirement, retries, timeout or fault injection', 'give at least one option, e.g. circuitBreaker: CircuitBreaker.standard(), or remove the construct');
    }
    if (trafficPolicy) {
      this.destinationRule = new DestinationRule(this, 'DestinationRule', { metadata, host, trafficPolicy });
    }
    const dataplane = namespaceDataplaneOf(this, props.service.namespace);
    if (routed && dataplane?.ambient === true) {
      this.httpRoute = ambientResilienceRoute(this, props, metadata, dataplane.namespaceName);
    } else if (routed) {
      this.virtualService = new VirtualService(this, 'VirtualService', {
        metadata,
        hosts: [host],
        http: resilienceRoutes(this, { defaultRoute: () => [{ host }], options: props }),
      });
    }
  }
}

