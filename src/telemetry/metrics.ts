import { Duration } from 'cdk8s';
import { TelemetryWorkloadMode } from './workload-mode';

/**
 * One of Istio's standard metrics (https://istio.io/latest/docs/reference/config/metrics/).
 */
export enum TelemetryMetric {
  /** Every standard metric. */
  ALL_METRICS = 'ALL_METRICS',
  /** `istio_requests_total`: requests handled. */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** `istio_request_duration_milliseconds`: request latency. */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** `istio_request_bytes`: request body size. */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** `istio_response_bytes`: response body size. */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** `istio_tcp_connections_opened_total`. */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** `istio_tcp_connections_closed_total`. */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** `istio_tcp_sent_bytes_total`. */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** `istio_tcp_received_bytes_total`. */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** `istio_request_messages_total`: gRPC messages sent by the client. */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** `istio_response_messages_total`: gRPC messages sent by the server. */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/**
 * What a metric override does to one tag (dimension / label) of a metric.
 */
export enum TelemetryTagOperation {
  /** Adds the tag, or replaces its value. Needs a value. */
  UPSERT = 'UPSERT',
  /** Removes the tag from the metric. Takes no value. */
  REMOVE = 'REMOVE',
}

/**
 * A change to one tag (dimension / label) of the selected metrics
 * (`overrides[].tagOverrides.<tag>`).
 *
 * @example
 * { operation: TelemetryTagOperation.UPSERT, value: 'request.host' }
 */
export interface TelemetryTagOverride {
  /**
   * Whether to add/replace the tag or to remove it.
   *
   * @default TelemetryTagOperation.UPSERT
   */
  readonly operation?: TelemetryTagOperation;

  /**
   * The tag's new value: a CEL expression over request/connection attributes, e.g.
   * `request.host` or `"'constant'"` for a literal. Required for `UPSERT`, not allowed for
   * `REMOVE`.
   *
   * @default - none (only valid for REMOVE)
   */
  readonly value?: string;
}

/**
 * Customizes some of the metrics a `TelemetryMetrics` rule generates
 * (`spec.metrics[].overrides[]`): disable them or change their tags.
 *
 * @example
 * { metric: TelemetryMetric.REQUEST_COUNT, mode: TelemetryWorkloadMode.CLIENT, tagOverrides: { request_host: { value: 'request.host' } } }
 */
export interface TelemetryMetricsOverride {
  /**
   * The standard Istio metric to customize. Mutually exclusive with `customMetric`.
   *
   * @default - all metrics (unless `customMetric` is set)
   */
  readonly metric?: TelemetryMetric;

  /**
   * A metric outside Istio's standard set, by name (e.g. `envoy_cluster_upstream_rq`).
   * Mutually exclusive with `metric`.
   *
   * @default - none: `metric` selects the metrics
   */
  readonly customMetric?: string;

  /**
   * Which metrics generation (client-side, server-side or both) the override applies to.
   *
   * @default TelemetryWorkloadMode.CLIENT_AND_SERVER (Istio's default; not rendered)
   */
  readonly mode?: TelemetryWorkloadMode;

  /**
   * Stops generating the selected metrics.
   *
   * @default - not set: the metrics are generated
   */
  readonly disabled?: boolean;

  /**
   * Changes to the selected metrics' tags, by tag name (e.g. `request_host`).
   *
   * @default - no tag changes
   */
  readonly tagOverrides?: { [tag: string]: TelemetryTagOverride };
}

/**
 * One metrics rule of a `Telemetry` (`spec.metrics[]`).
 *
 * @example
 * { providers: ['prometheus'], overrides: [{ metric: TelemetryMetric.REQUEST_SIZE, disabled: true }] }
 */
export interface TelemetryMetrics {
  /**
   * Names of the metrics providers (e.g. `prometheus`) this rule applies to. Each name at
   * most once.
   *
   * @default - the mesh's default metrics providers
   */
  readonly providers?: string[];

  /**
   * Customizations of the generated metrics, applied in order.
   *
   * @default - no overrides
   */
  readonly overrides?: TelemetryMetricsOverride[];

  /**
   * How often metrics are reported (at least 1ms); only some providers use it.
   *
   * @default - the provider's interval (Prometheus metrics are pulled)
   */
  readonly reportingInterval?: Duration;
}
