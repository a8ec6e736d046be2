import { Duration } from 'cdk8s';
import { StringMatch } from './route-string-match';

/**
 * What happens to preflight requests whose origin is not allowed.
 */
export enum CorsUnmatchedPreflights {
  /** Forward them to the upstream (Envoy's default). */
  FORWARD = 'FORWARD',
  /** Answer them without forwarding and without CORS headers. */
  IGNORE = 'IGNORE',
}

/**
 * Cross-Origin Resource Sharing policy of an HTTP route.
 *
 * @example
 * {
 *   allowOrigins: [StringMatch.exact('https://example.com')],
 *   allowMethods: ['GET', 'POST'],
 *   maxAge: Duration.hours(24),
 * }
 */
export interface CorsPolicy {
  /**
   * Origins allowed to make cross-origin requests.
   *
   * @default - no origin is allowed
   */
  readonly allowOrigins?: StringMatch[];

  /**
   * HTTP methods allowed (upper-case, e.g. `GET`).
   *
   * @default - none listed
   */
  readonly allowMethods?: string[];

  /**
   * Request headers the caller may send.
   *
   * @default - none listed
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers browsers may read.
   *
   * @default - none listed
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache a preflight result (whole seconds).
   *
   * @default - browser default
   */
  readonly maxAge?: Duration;

  /**
   * Whether the actual request may carry credentials.
   *
   * @default - not allowed
   */
  readonly allowCredentials?: boolean;

  /**
   * What happens to preflight requests from origins that are not allowed.
   *
   * @default CorsUnmatchedPreflights.FORWARD
   */
  readonly unmatchedPreflights?: CorsUnmatchedPreflights;
}
