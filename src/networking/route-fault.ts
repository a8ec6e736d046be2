import { Duration } from 'cdk8s';

/**
 * Delays a share of requests before forwarding them.
 */
export interface HttpFaultDelay {
  /** The delay added to each affected request (at least 1ms). */
  readonly fixedDelay: Duration;

  /**
   * Share of requests delayed, 0-100 (fractions allowed).
   *
   * @default - every request (Istio's default of 100%)
   */
  readonly percentage?: number;
}

/**
 * Aborts a share of requests with an error, as if the upstream had failed. Give exactly
 * one of `httpStatus` and `grpcStatus`.
 */
export interface HttpFaultAbort {
  /**
   * HTTP status returned (200-599).
   *
   * @default - none; give this or `grpcStatus`
   */
  readonly httpStatus?: number;

  /**
   * gRPC status returned, by upper-case name (e.g. `UNAVAILABLE`, not `14`).
   *
   * @default - none; give this or `httpStatus`
   */
  readonly grpcStatus?: string;

  /**
   * Share of requests aborted, 0-100 (fractions allowed).
   *
   * @default - every request (Istio's default of 100%)
   */
  readonly percentage?: number;
}

/**
 * Fault injection of an HTTP route, applied on the client side. Give a delay, an abort,
 * or both.
 */
export interface HttpFault {
  /**
   * Delay requests.
   *
   * @default - no delay
   */
  readonly delay?: HttpFaultDelay;

  /**
   * Abort requests with an error.
   *
   * @default - no abort
   */
  readonly abort?: HttpFaultAbort;
}
