// Health checks of a workload's container: gRPC, HTTP GET (with headers), TCP and exec probes,
// rendered into the final manifest as written (ports stay numbers).
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkHeaderName, checkPort, checkPositiveInteger } from '../core/checks';
import { invalid } from '../core/errors';

/** Timing and thresholds of a probe. */
export interface WorkloadProbeOptions {
  /**
   * Time after the container starts before the first check.
   *
   * @default - none (Kubernetes checks at once)
   */
  readonly initialDelay?: Duration;

  /**
   * Time between two checks.
   *
   * @default Duration.seconds(10) (Kubernetes' default)
   */
  readonly period?: Duration;

  /**
   * Time after which a check counts as failed.
   *
   * @default Duration.seconds(1) (Kubernetes' default)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive failures after which the probe fails.
   *
   * @default 3 (Kubernetes' default)
   */
  readonly failureThreshold?: number;

  /**
   * Consecutive successes after which a failed probe succeeds again (must be 1 for liveness
   * and startup probes).
   *
   * @default 1 (Kubernetes' default)
   */
  readonly successThreshold?: number;
}

/** Options of a probe that connects to a port. */
export interface WorkloadPortProbeOptions extends WorkloadProbeOptions {
  /**
   * The container port to check; it must be a port of the container.
   *
   * @default - the workload's main container port
   */
  readonly port?: number;
}

/** Options of an HTTP GET probe. */
export interface WorkloadHttpProbeOptions extends WorkloadPortProbeOptions {
  /**
   * Headers sent with the request, e.g. `{ Cookie: 'shop_session-id=x-readiness-probe' }`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * HTTP or HTTPS.
   *
   * @default kplus.ConnectionScheme.HTTP
   */
  readonly scheme?: kplus.ConnectionScheme;
}

/** Options of a gRPC health-check probe. */
export interface WorkloadGrpcProbeOptions extends WorkloadPortProbeOptions {
  /**
   * The service name sent in the gRPC `HealthCheckRequest`.
   *
   * @default - the server's overall health (empty service name)
   */
  readonly service?: string;
}

/** What a probe checks, before timing options. */
interface ProbeAction {
  readonly kind: 'grpc' | 'httpGet' | 'tcpSocket' | 'exec';
  readonly port?: number;
  readonly path?: string;
  readonly headers?: { [name: string]: string };
  readonly scheme?: kplus.ConnectionScheme;
  readonly service?: string;
  readonly command?: string[];
}

/**
 * A health check of a workload's container: readiness, liveness or startup.
 *
 * @example
 * readiness: WorkloadProbe.grpc({ port: 9555, period: Duration.seconds(15) }),
 * liveness: WorkloadProbe.httpGet('/_healthz', { headers: { Cookie: 'shop_session-id=x-liveness-probe' } }),
 */
export class WorkloadProbe {
  /**
   * A gRPC health check (the standard `grpc.health.v1.Health/Check`) on a container port.
   */
  public static grpc(options: WorkloadGrpcProbeOptions = {}): WorkloadProbe {
    return new WorkloadProbe({ kind: 'grpc', port: options.port, service: options.service }, options);
  }

  /**
   * An HTTP GET of `path` on a container port; any status from 200 to 399 is healthy.
   *
   * @param path the absolute URL path, e.g. `/health`
   */
  public static httpGet(path: string, options: WorkloadHttpProbeOptions = {}): WorkloadProbe {
    return new WorkloadProbe({ kind: 'httpGet', path, port: options.port, headers: options.headers, scheme: options.scheme }, options);
  }

  /** A TCP connection to a container port. */
  public static tcp(options: WorkloadPortProbeOptions = {}): WorkloadProbe {
    return new WorkloadProbe({ kind: 'tcpSocket', port: options.port }, options);
  }

  /**
   * A command run in the container; exit status 0 is healthy.
   *
   * @param command the command and its arguments, e.g. `['redis-cli', 'ping']`
   */
  public static exec(command: string[], options: WorkloadProbeOptions = {}): WorkloadProbe {
    return new WorkloadProbe({ kind: 'exec', command }, options);
  }

  /**
   * A cdk8s-plus probe, as cdk8s-plus renders it (no headers, no gRPC).
   */
  public static fromKplus(probe: kplus.Probe): WorkloadProbe {
    return new WorkloadProbe(undefined, {}, probe);
  }

  private constructor(
    private readonly action: ProbeAction | undefined,
    private readonly options: WorkloadProbeOptions,
    private readonly kplusProbe?: kplus.Probe,
  ) {}

  /**
   * The cdk8s-plus probe this wraps, if any.
   * @internal
   */
  public get _kplus(): kplus.Probe | undefined {
    return this.kplusProbe;
  }

  /**
   * Whether this probe needs a port to connect to.
   * @internal
   */
  public get _connects(): boolean {
    return this.action !== undefined && this.action.kind !== 'exec';
  }

  /**
   * The Kubernetes probe, checked (`field` names the option in errors). `defaultPort` is the
   * main container port, `ports` every container port.
   * @internal
   */
  public _render(scope: IConstruct, field: string, defaultPort: number | undefined, ports: readonly number[]): { [key: string]: any } {
    const a = this.action!;
    const o = this.options;
    const out: { [key: string]: any } = {};
    const port = a.port ?? defaultPort;
    if (a.kind !== 'exec' && port === undefined) {
      invalid(scope, `${field}.port`, undefined, 'the container listens on no port, so the probe has nothing to connect to', 'declare the port in `containerPorts`, or use WorkloadProbe.exec([...])');
    }
    if (a.kind !== 'exec' && port !== undefined) {
      checkPort(scope, `${field}.port`, port);
      if (!ports.includes(port)) {
        invalid(scope, `${field}.port`, port, `the probe must check a port the container listens on (its ports are ${ports.join(', ')})`, 'use one of the container ports, or add the port (additionalPorts or containerPorts)');
      }
    }
    switch (a.kind) {
      case 'grpc':
        if (a.service !== undefined && typeof a.service !== 'string') invalid(scope, `${field}.service`, a.service, 'the gRPC service name must be a string', "use e.g. 'hipstershop.CartService', or leave it out");
        out.grpc = a.service ? { port, service: a.service } : { port };
        break;
      case 'httpGet': {
        if (typeof a.path !== 'string' || !/^\/\S*$/.test(a.path)) {
          invalid(scope, `${field}.path`, a.path, 'an HTTP probe path must be an absolute URL path without spaces', 'write e.g. "/health"');
        }
        const headers = Object.entries(a.headers ?? {}).map(([name, value]) => {
          checkHeaderName(scope, `${field}.headers`, name);
          if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
            invalid(scope, `${field}.headers[${JSON.stringify(name)}]`, value, 'a header value must be a string without line breaks', 'write the value on one line');
          }
          return { name, value };
        });
        if (a.scheme !== undefined && !Object.values(kplus.ConnectionScheme).includes(a.scheme)) {
          invalid(scope, `${field}.scheme`, a.scheme, 'unknown scheme', 'use kplus.ConnectionScheme.HTTP or HTTPS');
        }
        out.httpGet = { path: a.path, port, ...(a.scheme ? { scheme: a.scheme } : {}), ...(headers.length > 0 ? { httpHeaders: headers } : {}) };
        break;
      }
      case 'tcpSocket':
        out.tcpSocket = { port };
        break;
      case 'exec':
        if (!Array.isArray(a.command) || a.command.length === 0 || a.command.some((c) => typeof c !== 'string')) {
          invalid(scope, `${field}.command`, a.command, 'an exec probe needs a command: a non-empty list of strings', "write e.g. ['redis-cli', 'ping']");
        }
        out.exec = { command: [...a.command] };
        break;
    }
    const seconds = (name: string, d: Duration | undefined, min: number): number | undefined => {
      if (d === undefined) return undefined;
      if (d === null || typeof (d as Partial<Duration>).toSeconds !== 'function') {
        invalid(scope, `${field}.${name}`, d, 'a duration must be a cdk8s Duration', "use e.g. Duration.seconds(10) (import { Duration } from 'cdk8s')");
      }
      const ms = d.toMilliseconds();
      if (ms % 1000 !== 0 || ms / 1000 < min) {
        invalid(scope, `${field}.${name}`, `${ms}ms`, `Kubernetes counts probe times in whole seconds, at least ${min}`, `use e.g. Duration.seconds(${Math.max(min, 1)})`);
      }
      return ms / 1000;
    };
    const initialDelaySeconds = seconds('initialDelay', o.initialDelay, 0);
    const periodSeconds = seconds('period', o.period, 1);
    const timeoutSeconds = seconds('timeout', o.timeout, 1);
    checkPositiveInteger(scope, `${field}.failureThreshold`, o.failureThreshold);
    checkPositiveInteger(scope, `${field}.successThreshold`, o.successThreshold);
    if (initialDelaySeconds !== undefined) out.initialDelaySeconds = initialDelaySeconds;
    if (periodSeconds !== undefined) out.periodSeconds = periodSeconds;
    if (timeoutSeconds !== undefined) out.timeoutSeconds = timeoutSeconds;
    if (o.failureThreshold !== undefined) out.failureThreshold = o.failureThreshold;
    if (o.successThreshold !== undefined) out.successThreshold = o.successThreshold;
    return out;
  }

  /**
   * Success threshold (liveness and startup probes need 1).
   * @internal
   */
  public get _successThreshold(): number | undefined {
    return this.options.successThreshold;
  }
}
