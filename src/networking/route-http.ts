import { Duration } from 'cdk8s';
import { CorsPolicy } from './route-cors';
import { HttpMirror, HttpRouteDestination } from './route-destination';
import { HttpFault } from './route-fault';
import { HeaderOperations } from './route-headers';
import { HttpMatch } from './route-http-match';
import { HttpDirectResponse, HttpRedirect } from './route-redirect';
import { HttpRetry } from './route-retry';
import { HttpRewrite } from './route-rewrite';
import type { VirtualService } from './virtual-service';

/**
 * One HTTP route rule of a VirtualService. Rules are evaluated in order; the first whose
 * `match` holds handles the request.
 *
 * A rule does exactly one of: forward (`route`), `redirect`, `directResponse`, or hand
 * over to a delegate VirtualService (`delegateTo`).
 *
 * @example
 * {
 *   match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
 *   route: [{ host: 'reviews', subset: 'v2' }],
 *   timeout: Duration.seconds(5),
 * }
 */
export interface HttpRoute {
  /**
   * Name of the rule, shown in Envoy logs and stats.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Conditions of the rule; it applies when any of them holds.
   *
   * @default - matches every request
   */
  readonly match?: HttpMatch[];

  /**
   * Destinations requests are forwarded to, with optional weights.
   *
   * @default - none; then give `redirect`, `directResponse` or `delegateTo`
   */
  readonly route?: HttpRouteDestination[];

  /**
   * Answer with a redirect instead of forwarding.
   *
   * @default - no redirect
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answer directly with a fixed response instead of forwarding.
   *
   * @default - no direct response
   */
  readonly directResponse?: HttpDirectResponse;

  /**
   * Hand matching requests to the HTTP routes of another VirtualService, which must have
   * no `hosts` (a delegate). Only valid in a root VirtualService bound to gateways.
   *
   * @default - no delegation
   */
  readonly delegateTo?: VirtualService;

  /**
   * Rewrite the path or authority before forwarding.
   *
   * @default - no rewrite
   */
  readonly rewrite?: HttpRewrite;

  /**
   * Timeout of the whole request, retries included (at least 1ms).
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;

  /**
   * Retry policy.
   *
   * @default - Istio's default retry policy
   */
  readonly retries?: HttpRetry;

  /**
   * Fault injection (delays and aborts), e.g. for resilience tests.
   *
   * @default - no fault injection
   */
  readonly fault?: HttpFault;

  /**
   * Mirror (shadow) requests to this destination as well.
   *
   * @default - no mirroring
   */
  readonly mirror?: HttpMirror;

  /**
   * Share of requests mirrored, 0-100 (fractions allowed). Requires `mirror`.
   *
   * @default - every request (100%)
   */
  readonly mirrorPercentage?: number;

  /**
   * Cross-origin resource sharing policy.
   *
   * @default - no CORS handling
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Header changes on forwarded requests.
   *
   * @default - request headers are not changed
   */
  readonly requestHeaders?: HeaderOperations;

  /**
   * Header changes on responses.
   *
   * @default - response headers are not changed
   */
  readonly responseHeaders?: HeaderOperations;
}
