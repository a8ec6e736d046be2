// Where a rate limit applies (a workload's sidecar or an ingress gateway) and what both
// rate-limit patterns share: the proxy context, the namespace, the ambient-mode check, and
// Envoy's protobuf-JSON durations.
import { Chart, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceDataplaneOf } from '../../ambient/ambient-namespace';
import { checkDns1123Label, checkHeaderName, checkPort } from '../../core/checks';
import { invalid } from '../../core/errors';
import { WorkloadSelector } from '../../core/workload-selector';
import { EnvoyPatchContext } from '../../networking/envoy-filter-patch';
import { MeshService } from '../mesh-service';
import { IMeshWorkload } from '../mesh-workload-ref';

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
    return new RateLimitTarget(false, () => workload.selector, () => workload.namespace, p, `workload ${workload.workloadName}`);
  }

  /**
   * The sidecars of the pods a selector matches, for requests to `port`. The EnvoyFilters
   * are created in the construct's namespace (its chart's, or `namespace`).
   */
  public static pods(selector: WorkloadSelector, port: number): RateLimitTarget {
    return new RateLimitTarget(false, () => selector, () => undefined, port, 'pods');
  }

  /**
   * An Istio ingress gateway (Envoy pods in the GATEWAY context). Gateways keep running
   * Envoy in ambient mode, so this target works there too.
   */
  public static ingressGateway(options: RateLimitGatewayOptions = {}): RateLimitTarget {
    const selector = options.selector ?? WorkloadSelector.fromLabels({ istio: 'ingressgateway' });
    const ns = options.namespace ?? 'istio-system';
    return new RateLimitTarget(true, () => selector, () => ns, options.port, 'ingress gateway');
  }

  private constructor(
    private readonly gateway: boolean,
    private readonly selectorOf: () => WorkloadSelector,
    private readonly namespaceOf: () => string | undefined,
    private readonly port: number | undefined,
    private readonly description: string,
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
    return {
      gateway: this.gateway,
      context: this.gateway ? EnvoyPatchContext.GATEWAY : EnvoyPatchContext.SIDECAR_INBOUND,
      selector: this.selectorOf(),
      namespace: ns,
      port: this.port,
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
