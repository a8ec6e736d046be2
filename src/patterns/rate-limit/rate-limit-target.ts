// Where a rate limit applies (a workload's sidecar or an ingress gateway) and what both
// rate-limit patterns share: the proxy context, the namespace, the ambient-mode check, and
// Envoy's protobuf-JSON durations.
import { Chart, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceDataplaneOf } from '../../ambient/ambient-namespace';
import { checkDns1123Label, checkDns1123Subdomain, checkHeaderName, checkInt32, checkPort } from '../../core/checks';
import { invalid } from '../../core/errors';
import { WorkloadSelector } from '../../core/workload-selector';
import { EnvoyPatchContext } from '../../networking/envoy-filter-patch';
import { Principal } from '../../security/principal';
import { MeshService } from '../mesh-service';
import { IMeshWorkload } from '../mesh-workload-ref';

/** The service account of Istio's default ingress gateway deployment. */
const DEFAULT_GATEWAY_SERVICE_ACCOUNT = 'istio-ingressgateway-service-account';

/** Options of `RateLimitTarget.ingressGateway`. */
export interface RateLimitGatewayOptions {
  /**
   * Selects the gateway's pods.
   * @default - `istio: ingressgateway` (Istio's default ingress gateway)
   */
  readonly selector?: WorkloadSelector;
  /**
   * The namespace the gateway's pods run in (the EnvoyFilters are created there).
   * @default "istio-system"
   */
  readonly namespace?: string;
  /**
   * The gateway server port whose routes are limited.
   * @default - every port of the gateway
   */
  readonly port?: number;
  /**
   * The service account of the gateway's pods: its identity is allowed to call a
   * `RateLimitService` a `GlobalRateLimit` on this gateway uses.
   * @default "istio-ingressgateway-service-account" (Istio's default ingress gateway)
   */
  readonly serviceAccount?: string;
}

/** Options of `RateLimitTarget.pods`. */
export interface RateLimitPodsOptions {
  /**
   * The mesh identity of the pods (the principal of their service account), e.g.
   * `Principal.serviceAccount('shop', 'api')`. A `GlobalRateLimit` with a `RateLimitService`
   * needs it: the service admits only the identities of its callers.
   * @default - none: the target can be used by LocalRateLimit and with a GlobalRateLimit `endpoint` only
   */
  readonly principal?: Principal;
}

/**
 * The proxies a rate limit is enforced by: the sidecars of a workload (inbound traffic on one
 * service port) or an Istio ingress gateway.
 */
export class RateLimitTarget {
  /**
   * The sidecars of a mesh workload (a `MeshService` or `MeshWorkload`), for requests to
   * `port`. The EnvoyFilters are created in the workload's namespace.
   *
   * @param workload the workload
   * @param port the service port the requests arrive on (default: the MeshService's port; required for other workloads)
   */
  public static workload(workload: IMeshWorkload, port?: number): RateLimitTarget {
    const p = port ?? (workload instanceof MeshService ? workload.port : undefined);
    return new RateLimitTarget(false, () => workload.selector, () => workload.namespace, p, `workload ${workload.workloadName}`, () => workload.principal);
  }

  /**
   * The sidecars of the pods a selector matches, for requests to `port`. The EnvoyFilters
   * are created in the construct's namespace (its chart's, or `namespace`). Give the pods'
   * `principal` to use the target with a `RateLimitService`.
   */
  public static pods(selector: WorkloadSelector, port: number, options: RateLimitPodsOptions = {}): RateLimitTarget {
    const principal = options?.principal;
    return new RateLimitTarget(false, () => selector, () => undefined, port, 'pods', () => principal);
  }

  /**
   * An Istio ingress gateway (Envoy pods in the GATEWAY context). Gateways keep running
   * Envoy in ambient mode, so this target works there too.
   */
  public static ingressGateway(options: RateLimitGatewayOptions = {}): RateLimitTarget {
    const selector = options.selector ?? WorkloadSelector.fromLabels({ istio: 'ingressgateway' });
    const ns = options.namespace ?? 'istio-system';
    const account = options.serviceAccount ?? DEFAULT_GATEWAY_SERVICE_ACCOUNT;
    return new RateLimitTarget(true, () => selector, () => ns, options.port, 'ingress gateway', (scope) => {
      checkDns1123Label(scope, 'target namespace', ns);
      checkDns1123Subdomain(scope, 'target serviceAccount', account);
      return Principal.serviceAccount(ns, account);
    });
  }

  private constructor(
    private readonly gateway: boolean,
    private readonly selectorOf: () => WorkloadSelector,
    private readonly namespaceOf: () => string | undefined,
    private readonly port: number | undefined,
    private readonly description: string,
    private readonly principalOf: (scope: IConstruct) => Principal | undefined,
  ) {}

  /**
   * Resolves the target for a pattern: checks the port, the namespace and the dataplane mode.
   * @internal
   */
  public _resolve(scope: IConstruct, namespace: string | undefined): ResolvedTarget {
    if (!(this instanceof RateLimitTarget)) {
      invalid(scope, 'target', this, 'the target must be a RateLimitTarget', 'use RateLimitTarget.workload(service), RateLimitTarget.pods(selector, port) or RateLimitTarget.ingressGateway()');
    }
    checkPort(scope, 'target port', this.port);
    if (!this.gateway && this.port === undefined) {
      invalid(scope, 'target port', this.port, `a sidecar rate limit needs the service port the requests arrive on (${this.description})`, 'pass the port, e.g. RateLimitTarget.workload(worker, 8080)');
    }
    const ns = namespace ?? this.namespaceOf() ?? Chart.of(scope).namespace;
    if (ns !== undefined) checkDns1123Label(scope, 'namespace', ns);
    if (!this.gateway && namespaceDataplaneOf(scope, ns)?.ambient === true) {
      invalid(scope, 'target', `${this.description} in namespace ${ns}`,
        'the namespace runs in ambient mode: ztunnel and waypoints ignore EnvoyFilters, so the rate limit would never be enforced',
        'rate-limit at the ingress gateway instead (RateLimitTarget.ingressGateway()), or run the workload with sidecars');
    }
    const principal = this.principalOf(scope);
    if (principal !== undefined && !(principal instanceof Principal)) {
      invalid(scope, 'target principal', principal, 'the principal must be built with the Principal class', 'use e.g. Principal.serviceAccount("shop", "api")');
    }
    return {
      gateway: this.gateway,
      context: this.gateway ? EnvoyPatchContext.GATEWAY : EnvoyPatchContext.SIDECAR_INBOUND,
      selector: this.selectorOf(),
      namespace: ns,
      port: this.port,
      principal,
      description: this.description,
    };
  }
}

/** @internal */
export interface ResolvedTarget {
  readonly gateway: boolean;
  readonly context: EnvoyPatchContext;
  readonly selector: WorkloadSelector;
  readonly namespace?: string;
  readonly port?: number;
  /** The identity of the target's proxies, when known. */
  readonly principal?: Principal;
  /** What the target is, for messages. */
  readonly description: string;
}

/**
 * The route-configuration match of the routes a target's rate limits are attached to: the
 * inbound virtual host `inbound|http|<port>` of a sidecar, or a gateway's virtual hosts
 * (optionally of one port).
 * @internal
 */
export function targetRoutes(target: ResolvedTarget): { portNumber?: number; vhostName: string } {
  return target.gateway
    ? { portNumber: target.port, vhostName: '' }
    : { vhostName: `inbound|http|${target.port}` };
}

/**
 * A duration in protobuf JSON form (`"60s"`, `"0.050s"`), as Envoy's configuration takes it
 * (Go-style `1m` is not accepted there). At least `minMillis`, in whole milliseconds.
 * @internal
 */
export function protoDuration(scope: IConstruct, field: string, duration: Duration, minMillis: number, fix: string): string {
  if (duration === null || typeof (duration as Partial<Duration>)?.toMilliseconds !== 'function') {
    invalid(scope, field, duration, 'a duration must be a cdk8s Duration, not a string or a number', "use e.g. Duration.seconds(10) (import { Duration } from 'cdk8s')");
  }
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < minMillis) {
    invalid(scope, field, `${ms}ms`, `the duration must be at least ${minMillis}ms, in whole milliseconds`, fix);
  }
  const s = Math.floor(ms / 1000);
  const rest = ms % 1000;
  return rest === 0 ? `${s}s` : `${s}.${String(rest).padStart(3, '0')}s`;
}

const PSEUDO_HEADERS = new Set([':path', ':authority', ':method', ':scheme']);

/**
 * A request header name Envoy can read: a token, or one of the HTTP/2 pseudo-headers.
 * @internal
 */
export function checkRequestHeader(scope: IConstruct, field: string, name: string): void {
  if (typeof name === 'string' && PSEUDO_HEADERS.has(name)) return;
  checkHeaderName(scope, field, name);
}

/**
 * The priority of a rate-limit pattern's EnvoyFilters: the user's, or one that orders them
 * after the EnvoyFilters of the default priority 0 (a relative patch at priority 0 is IST0151).
 * @internal
 */
export function ratelimitPriority(scope: IConstruct, priority: number | undefined): number {
  if (priority === undefined) return 10;
  checkInt32(scope, 'priority', priority, -(2 ** 31));
  return priority;
}
