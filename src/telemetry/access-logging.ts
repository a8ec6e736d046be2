import { TelemetryWorkloadMode } from './workload-mode';

/**
 * One access-logging rule of a `Telemetry` (`spec.accessLogging[]`).
 *
 * @example
 * { providers: ['envoy'], filter: 'response.code >= 400' }
 */
export interface TelemetryAccessLogging {
  /**
   * Names of the access-log providers (from MeshConfig `extensionProviders`, e.g. `envoy`,
   * `otel`) this rule applies to. Each name at most once.
   *
   * @default - the mesh's default access-log providers
   */
  readonly providers?: string[];

  /**
   * A CEL expression selecting which requests/connections are logged, e.g.
   * `response.code >= 400` or `connection.mtls && request.url_path.contains('v1beta3')`.
   *
   * @default - every request/connection is logged
   */
  readonly filter?: string;

  /**
   * Which traffic direction, relative to the workload, the rule applies to.
   *
   * @default TelemetryWorkloadMode.CLIENT_AND_SERVER (Istio's default; not rendered)
   */
  readonly mode?: TelemetryWorkloadMode;

  /**
   * Turns access logging off for the selected providers (e.g. to override a mesh-wide
   * rule for one namespace or workload).
   *
   * @default - not set: logging is enabled
   */
  readonly disabled?: boolean;
}
