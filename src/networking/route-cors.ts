import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HTTP_METHODS } from './route-http-match';
import { renderStringMatch, StringMatch } from './route-string-match';
import * as l1 from '../../imports/networking.istio.io';
import { HTTP_TOKEN } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

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

/** @internal */
export function renderCors(scope: IConstruct, field: string, c: CorsPolicy | undefined): l1.VirtualServiceSpecHttpCorsPolicy | undefined {
  if (c === undefined) return undefined;
  const names = (f: string, list: string[] | undefined) => {
    (list ?? []).forEach((h, i) => {
      if (h !== '*' && (typeof h !== 'string' || !HTTP_TOKEN.test(h))) {
        invalid(scope, `${f}[${i}]`, h, 'a header name must be a non-empty HTTP token (letters, digits, "-")', 'use a name such as "x-custom-header", or "*"');
      }
    });
    return list && list.length ? [...list] : undefined;
  };
  (c.allowMethods ?? []).forEach((m, i) => {
    if (m !== '*' && !HTTP_METHODS.includes(m)) {
      invalid(scope, `${field}.allowMethods[${i}]`, m, 'it is not an upper-case HTTP method', `use one of ${HTTP_METHODS.join(', ')}`);
    }
  });
  if (c.maxAge !== undefined && c.maxAge.toMilliseconds() % 1000 !== 0) {
    invalid(scope, `${field}.maxAge`, `${c.maxAge.toMilliseconds()}ms`, 'Istio applies maxAge with whole-second precision only', 'use Duration.seconds(...), Duration.minutes(...) or Duration.hours(...)');
  }
  const origins = c.allowOrigins?.map((o, i) => renderStringMatch(scope, `${field}.allowOrigins[${i}]`, o)!);
  return {
    allowOrigins: origins && origins.length ? origins : undefined,
    allowMethods: c.allowMethods && c.allowMethods.length ? [...c.allowMethods] : undefined,
    allowHeaders: names(`${field}.allowHeaders`, c.allowHeaders),
    exposeHeaders: names(`${field}.exposeHeaders`, c.exposeHeaders),
    maxAge: renderDuration(scope, `${field}.maxAge`, c.maxAge),
    allowCredentials: c.allowCredentials,
    unmatchedPreflights: c.unmatchedPreflights as string as l1.VirtualServiceSpecHttpCorsPolicyUnmatchedPreflights | undefined,
  };
}
