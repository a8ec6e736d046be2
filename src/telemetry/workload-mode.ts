/**
 * Direction of traffic, relative to the proxied workload, that a Telemetry rule applies
 * to (Istio's `WorkloadMode`, rendered as `match.mode`).
 */
export enum TelemetryWorkloadMode {
  /** Traffic the workload sends (outbound, the workload acts as client) and receives. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  /** Only traffic the workload sends (outbound: the workload is the client). */
  CLIENT = 'CLIENT',
  /** Only traffic the workload receives (inbound: the workload is the server). */
  SERVER = 'SERVER',
}
