// PromQL generation shared by ServiceAlerts and GrafanaDashboard. Not exported from the
// package: every query is built here from validated service names, never typed by users.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatMillis } from '../core/duration';
import { invalid } from '../core/errors';
import { Protocol } from '../core/protocol';

/**
 * A monitored service after validation (DNS-1123 names, a request protocol).
 * @internal
 */
export interface ResolvedService {
  readonly name: string;
  readonly namespace: string;
  readonly protocol: Protocol;
}

/**
 * The labels Istio's metrics identify a service by; every per-service query aggregates by
 * them so alerts and legends carry them.
 * @internal
 */
export const SERVICE_LABELS = 'destination_service_namespace, destination_service_name';

/**
 * gRPC status codes that are the server's fault: UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. A gRPC call that fails still has HTTP
 * status 200, so `response_code` cannot tell.
 * @internal
 */
export const GRPC_SERVER_ERROR_CODES = '2|4|12|13|14|15';

/**
 * Renders a positive duration in Prometheus's form (`5m`, `90s`, `1500ms`).
 * @internal
 */
export function renderPromDuration(scope: IConstruct, field: string, duration: Duration): string {
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 1 || !Number.isInteger(ms)) {
    invalid(scope, field, `${ms}ms`, 'the duration must be positive, in whole milliseconds',
      'use e.g. Duration.minutes(5) or Duration.seconds(30)');
  }
  return formatMillis(ms);
}

/**
 * Checks a percentile (the `99` of p99): strictly between 0 and 100.
 * @internal
 */
export function checkPercentile(scope: IConstruct, field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value >= 100) {
    invalid(scope, field, value, 'a percentile must be a number strictly between 0 and 100 (99 means p99)',
      'pass e.g. 99 for p99 or 99.9 for p99.9');
  }
}

/**
 * The `histogram_quantile` argument of a percentile: 99 -> "0.99", 99.9 -> "0.999".
 * @internal
 */
export function quantileOf(percentile: number): string {
  return String(Number((percentile / 100).toPrecision(12)));
}

/**
 * A number without floating-point noise, for thresholds in queries and messages.
 * @internal
 */
export function cleanNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * The label matchers selecting one service's requests as seen by `reporter`.
 * @internal
 */
export function serviceMatchers(svc: ResolvedService, reporter: string, extra: string[] = []): string {
  return [
    `reporter="${reporter}"`,
    `destination_service_namespace="${svc.namespace}"`,
    `destination_service_name="${svc.name}"`,
    ...extra,
  ].join(', ');
}

/**
 * The matcher selecting failed requests: HTTP 5xx, or gRPC server-error statuses.
 * @internal
 */
export function failureMatcher(svc: ResolvedService): string {
  return svc.protocol === Protocol.GRPC
    ? `grpc_response_status=~"${GRPC_SERVER_ERROR_CODES}"`
    : 'response_code=~"5.."';
}

/**
 * Requests per second: `sum by (<by>) (rate(istio_requests_total{...}[window]))`.
 * @internal
 */
export function requestRateQuery(svc: ResolvedService, reporter: string, window: string, by: string, extra: string[] = []): string {
  return `sum by (${by}) (rate(istio_requests_total{${serviceMatchers(svc, reporter, extra)}}[${window}]))`;
}

/**
 * The fraction (0-1) of requests that failed. Istio creates a series of failed requests only
 * at the first failure, so without one the query returns nothing: right for an alert (nothing
 * fires), wrong for a rollout gate, which reads "no value" as a failed check. `zeroWithoutErrors`
 * makes it 0 then (`(failed or all * 0) / all`); with no traffic at all it still returns nothing.
 * @internal
 */
export function errorRatioQuery(svc: ResolvedService, reporter: string, window: string, zeroWithoutErrors = false): string {
  const failed = requestRateQuery(svc, reporter, window, SERVICE_LABELS, [failureMatcher(svc)]);
  const all = requestRateQuery(svc, reporter, window, SERVICE_LABELS);
  return zeroWithoutErrors ? `(${failed} or ${all} * 0) / ${all}` : `${failed} / ${all}`;
}

/**
 * A latency percentile in milliseconds, from `istio_request_duration_milliseconds_bucket`.
 * @internal
 */
export function latencyQuery(svc: ResolvedService, reporter: string, window: string, percentile: number): string {
  return `histogram_quantile(${quantileOf(percentile)}, sum by (le, ${SERVICE_LABELS}) (rate(istio_request_duration_milliseconds_bucket{${serviceMatchers(svc, reporter)}}[${window}])))`;
}
