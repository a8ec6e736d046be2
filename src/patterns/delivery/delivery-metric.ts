import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDns1123Label } from '../../core/checks';
import { invalid } from '../../core/errors';
import { Protocol } from '../../core/protocol';
import { cleanNumber, errorRatioQuery, latencyQuery, renderPromDuration, checkPercentile } from '../observability-internal';

/**
 * Options of the error-rate gate: the fraction of failed requests, measured with the same
 * query as `ServiceAlerts`' error-rate alert.
 */
export interface ErrorRateGateOptions {
  /**
   * The highest acceptable error rate, as a FRACTION of requests from 0 to 1 (exclusive):
   * `0.01` is 1 %. A check above it counts as failed.
   *
   * @default 0.01
   */
  readonly maxErrorRate?: number;

  /**
   * The window the rate is computed over, also how often the controller checks it.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/**
 * Options of the latency gate: a percentile of the request duration, measured with the same
 * query as `ServiceAlerts`' latency alert.
 */
export interface LatencyGateOptions {
  /** The highest acceptable latency at `percentile`, e.g. `Duration.millis(500)`. */
  readonly max: Duration;

  /**
   * The percentile (strictly between 0 and 100; 99 is p99).
   *
   * @default 99
   */
  readonly percentile?: number;

  /**
   * The window the percentile is computed over, also how often the controller checks it.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/**
 * A gate on your own Prometheus query, which must return one number.
 */
export interface PrometheusGateOptions {
  /** The metric's name (DNS-1123 label), e.g. `queue-depth`. */
  readonly name: string;

  /** The PromQL query; it must return a single number. */
  readonly query: string;

  /**
   * The lowest acceptable value.
   *
   * @default - no lower bound (give `min`, `max` or both)
   */
  readonly min?: number;

  /**
   * The highest acceptable value.
   *
   * @default - no upper bound (give `min`, `max` or both)
   */
  readonly max?: number;

  /**
   * How often the controller evaluates the query.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/** Options of Flagger's built-in `request-success-rate` check. */
export interface RequestSuccessRateGateOptions {
  /**
   * The lowest acceptable success rate, in PERCENT (0-100): `99` is 99 %.
   *
   * @default 99
   */
  readonly minPercent?: number;

  /**
   * The window of the check.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/** Options of Flagger's built-in `request-duration` check (p99). */
export interface RequestDurationGateOptions {
  /** The highest acceptable p99 request duration, e.g. `Duration.millis(500)`. */
  readonly max: Duration;

  /**
   * The window of the check.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/**
 * Which controller a gate is rendered for.
 * @internal
 */
export type DeliveryController = 'Flagger' | 'Argo Rollouts';

/**
 * The service a gate measures.
 * @internal
 */
export interface GateTarget {
  /** `destination_service_name` of the measured requests. */
  readonly serviceName: string;
  readonly namespace: string;
  readonly protocol: Protocol;
}

/**
 * A gate after validation: a built-in check of the controller, or a query with bounds.
 * @internal
 */
export interface ResolvedGate {
  readonly name: string;
  /** Flagger's built-in check name, when the gate is one. */
  readonly builtin?: 'request-success-rate' | 'request-duration';
  readonly query?: string;
  readonly min?: number;
  readonly max?: number;
  /** The interval, rendered (`1m`). */
  readonly interval: string;
  readonly intervalMillis: number;
}

const DEFAULT_INTERVAL = Duration.minutes(1);

/**
 * The Prometheus gates query unless told otherwise: Istio's Prometheus add-on.
 * @internal
 */
export const DEFAULT_PROMETHEUS = 'http://prometheus.istio-system:9090';

/**
 * A metric gate of a progressive rollout: the controller (Flagger or Argo Rollouts) checks
 * it at every step and rolls back when it fails too often. `errorRate` and `latency` are
 * built from the same PromQL as `ServiceAlerts`, so a service's alert and its rollout gate
 * measure the same thing; `prometheus` takes your own query.
 *
 * @example
 * DeliveryMetric.errorRate({ maxErrorRate: 0.01 });
 * DeliveryMetric.latency({ max: Duration.millis(500) });
 */
export class DeliveryMetric {
  /**
   * The fraction of failed requests (HTTP 5xx; gRPC server errors for gRPC services) must
   * stay at or below `maxErrorRate`. The query is the error-rate alert's, made 0 (not empty)
   * while the service has traffic and no failed request yet, which a controller would
   * otherwise count as a failed check.
   */
  public static errorRate(options: ErrorRateGateOptions = {}): DeliveryMetric {
    return new DeliveryMetric('error-rate', (scope, field, target) => {
      const max = options.maxErrorRate ?? 0.01;
      if (typeof max !== 'number' || !Number.isFinite(max) || max < 0 || max >= 1) {
        invalid(scope, `${field}.maxErrorRate`, max, 'the error rate is a fraction of requests, from 0 to 1 (exclusive)', 'write e.g. 0.01 for 1 %');
      }
      const interval = renderInterval(scope, field, options.interval);
      return { name: 'error-rate', query: errorRatioQuery(service(target), 'destination', interval.interval, true), max, ...interval };
    });
  }

  /** A latency percentile (p99 by default) must stay at or below `max`. */
  public static latency(options: LatencyGateOptions): DeliveryMetric {
    return new DeliveryMetric('latency', (scope, field, target) => {
      const percentile = options?.percentile ?? 99;
      checkPercentile(scope, `${field}.percentile`, percentile);
      const max = durationMillis(scope, `${field}.max`, options?.max);
      const interval = renderInterval(scope, field, options?.interval);
      return { name: `latency-p${cleanNumber(percentile).replace('.', '-')}`, query: latencyQuery(service(target), 'destination', interval.interval, percentile), max, ...interval };
    });
  }

  /** Your own Prometheus query, which must stay within `min`..`max`. */
  public static prometheus(options: PrometheusGateOptions): DeliveryMetric {
    return new DeliveryMetric(options?.name, (scope, field) => {
      checkDns1123Label(scope, `${field}.name`, options.name);
      if (typeof options.query !== 'string' || options.query.trim() === '') {
        invalid(scope, `${field}.query`, options.query, 'the metric needs a PromQL query returning one number', 'write e.g. sum(rate(http_requests_total{code=~"5.."}[1m]))');
      }
      if (options.min === undefined && options.max === undefined) {
        invalid(scope, `${field}.min/max`, undefined, 'a gate without bounds can never fail', 'give min, max or both');
      }
      for (const [k, v] of [['min', options.min], ['max', options.max]] as const) {
        if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) invalid(scope, `${field}.${k}`, v, 'a bound must be a finite number', `give e.g. ${k}: 10`);
      }
      if (options.min !== undefined && options.max !== undefined && options.min > options.max) {
        invalid(scope, `${field}.min`, options.min, `it is above max (${options.max}), so every check would fail`, 'swap the bounds');
      }
      return { name: options.name, query: options.query, min: options.min, max: options.max, ...renderInterval(scope, field, options.interval) };
    });
  }

  /**
   * Flagger's built-in `request-success-rate` check (percentage of non-5xx requests of the
   * canary). Flagger only; for Argo Rollouts use `errorRate`.
   */
  public static requestSuccessRate(options: RequestSuccessRateGateOptions = {}): DeliveryMetric {
    return new DeliveryMetric('request-success-rate', (scope, field, _target, controller) => {
      flaggerOnly(scope, field, 'request-success-rate', controller, 'DeliveryMetric.errorRate({ maxErrorRate: 0.01 })');
      const min = options.minPercent ?? 99;
      if (typeof min !== 'number' || !Number.isFinite(min) || min <= 0 || min > 100) {
        invalid(scope, `${field}.minPercent`, min, 'the success rate is a percentage, above 0 and at most 100', 'write e.g. 99 for 99 %');
      }
      return { name: 'request-success-rate', builtin: 'request-success-rate', min, ...renderInterval(scope, field, options.interval) };
    });
  }

  /**
   * Flagger's built-in `request-duration` check (p99 of the canary, in milliseconds).
   * Flagger only; for Argo Rollouts use `latency`.
   */
  public static requestDuration(options: RequestDurationGateOptions): DeliveryMetric {
    return new DeliveryMetric('request-duration', (scope, field, _target, controller) => {
      flaggerOnly(scope, field, 'request-duration', controller, 'DeliveryMetric.latency({ max: Duration.millis(500) })');
      const max = durationMillis(scope, `${field}.max`, options?.max);
      return { name: 'request-duration', builtin: 'request-duration', max, ...renderInterval(scope, field, options?.interval) };
    });
  }

  /** The metric's name in the rendered analysis. */
  public readonly name: string;

  private constructor(
    name: string,
    private readonly resolver: (scope: IConstruct, field: string, target: GateTarget, controller: DeliveryController) => ResolvedGate,
  ) {
    this.name = name;
  }

  /**
   * Validates the gate and renders its query for `target`.
   * @internal
   */
  public _resolve(scope: IConstruct, field: string, target: GateTarget, controller: DeliveryController): ResolvedGate {
    return this.resolver(scope, field, target, controller);
  }
}

function service(target: GateTarget) {
  return { name: target.serviceName, namespace: target.namespace, protocol: target.protocol };
}

function flaggerOnly(scope: IConstruct, field: string, check: string, controller: DeliveryController, fix: string): void {
  if (controller !== 'Flagger') {
    invalid(scope, field, check, `${check} is a check built into Flagger, and this rollout is driven by ${controller}`, `use ${fix}, which renders the same PromQL for any controller`);
  }
}

function durationMillis(scope: IConstruct, field: string, d: Duration | undefined): number {
  if (d === undefined || d === null || typeof (d as Partial<Duration>).toMilliseconds !== 'function') {
    invalid(scope, field, d, 'the bound must be a cdk8s Duration', "use e.g. Duration.millis(500) (import { Duration } from 'cdk8s')");
  }
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms <= 0) invalid(scope, field, `${ms}ms`, 'a latency bound must be positive', 'use e.g. Duration.millis(500)');
  return ms;
}

function renderInterval(scope: IConstruct, field: string, d: Duration | undefined): { interval: string; intervalMillis: number } {
  const duration = d ?? DEFAULT_INTERVAL;
  if (duration === null || typeof (duration as Partial<Duration>).toMilliseconds !== 'function') {
    invalid(scope, `${field}.interval`, duration, 'the interval must be a cdk8s Duration, not a string or a number', 'use e.g. Duration.minutes(1)');
  }
  const interval = renderPromDuration(scope, `${field}.interval`, duration);
  return { interval, intervalMillis: duration.toMilliseconds() };
}
