import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CorsPolicy, renderCors } from './route-cors';
import { HttpMirror, HttpRouteDestination, renderDestination, renderRouteDestinations } from './route-destination';
import { HttpFault, renderFault } from './route-fault';
import { HeaderOperations, renderHeaders } from './route-headers';
import { HttpMatch, renderHttpMatch } from './route-http-match';
import { HttpDirectResponse, HttpRedirect, renderDirectResponse, renderRedirect } from './route-redirect';
import { HttpRetry, renderRetries } from './route-retry';
import { HttpRewrite, renderRewrite } from './route-rewrite';
import { IVirtualService, describeVirtualService } from './virtual-service-ref';
import * as l1 from '../../imports/networking.istio.io';
import { checkExclusive, checkIstioPercent } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

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
   * no `hosts` (a delegate): a `VirtualService` construct, or
   * `VirtualService.fromVirtualServiceName(...)` for one defined elsewhere. Only valid in a
   * root VirtualService bound to gateways.
   *
   * @default - no delegation
   */
  readonly delegateTo?: IVirtualService;

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

/**
 * Renders one HTTP route rule, checking it.
 * @internal
 */
export function renderHttpRoute(scope: IConstruct, field: string, r: HttpRoute): l1.VirtualServiceSpecHttp {
  if (r.name !== undefined && r.name.length === 0) {
    invalid(scope, `${field}.name`, r.name, 'a route name must not be empty', 'give a name such as "reviews-canary", or leave it out');
  }
  const actions: { [k: string]: unknown } = {
    [`${field}.route`]: r.route,
    [`${field}.redirect`]: r.redirect,
    [`${field}.directResponse`]: r.directResponse,
    [`${field}.delegateTo`]: r.delegateTo && describeVirtualService(r.delegateTo),
  };
  checkExclusive(scope, actions, 'an HTTP route either forwards (route), redirects, answers directly (directResponse) or delegates: keep one and move the others to separate rules');
  if (Object.values(actions).every((v) => v === undefined)) {
    invalid(scope, field, r.name ?? '(unnamed route)', 'an HTTP route must forward (route), redirect, answer directly (directResponse) or delegate', 'add route: [{ host: "reviews" }]');
  }
  const answersItself = r.redirect ? 'redirect' : r.directResponse ? 'directResponse' : undefined;
  if (answersItself && r.rewrite) {
    invalid(scope, `${field}.rewrite`, r.rewrite, `a rule with a ${answersItself} does not forward, so it cannot rewrite`, `remove the rewrite, or replace the ${answersItself} with a route`);
  }
  if (answersItself && r.fault) {
    invalid(scope, `${field}.fault`, r.fault, `a rule with a ${answersItself} does not forward, so it cannot inject faults`, 'move the fault injection to a rule with a route');
  }
  if (r.mirrorPercentage !== undefined && r.mirror === undefined) {
    invalid(scope, `${field}.mirrorPercentage`, r.mirrorPercentage, 'it has no effect without a mirror', 'add mirror: { host: "reviews", subset: "v3" } or remove mirrorPercentage');
  }
  checkIstioPercent(scope, `${field}.mirrorPercentage`, r.mirrorPercentage);

  let delegate: l1.VirtualServiceSpecHttpDelegate | undefined;
  if (r.delegateTo) {
    delegate = { name: r.delegateTo.virtualServiceName, namespace: r.delegateTo.virtualServiceNamespace };
  }
  let route: l1.VirtualServiceSpecHttpRoute[] | undefined;
  if (r.route !== undefined) {
    const base = renderRouteDestinations(scope, `${field}.route`, r.route);
    route = base.map((d, i) => {
      const dest = r.route![i] as HttpRouteDestination;
      return { ...d, headers: renderHeaders(scope, `${field}.route[${i}]`, dest.requestHeaders, dest.responseHeaders) };
    });
  }
  // An explicit empty list is kept as written (`match: []`, i.e. match everything).
  const match = r.match?.map((m, i) => renderHttpMatch(scope, `${field}.match[${i}]`, m));
  return {
    name: r.name,
    match,
    route,
    redirect: renderRedirect(scope, `${field}.redirect`, r.redirect),
    directResponse: renderDirectResponse(scope, `${field}.directResponse`, r.directResponse),
    delegate,
    rewrite: renderRewrite(scope, `${field}.rewrite`, r.rewrite),
    timeout: renderDuration(scope, `${field}.timeout`, r.timeout as Duration | undefined),
    retries: renderRetries(scope, `${field}.retries`, r.retries),
    fault: renderFault(scope, `${field}.fault`, r.fault),
    mirror: r.mirror ? renderDestination(scope, `${field}.mirror`, r.mirror) : undefined,
    mirrorPercentage: r.mirrorPercentage !== undefined ? { value: r.mirrorPercentage } : undefined,
    corsPolicy: renderCors(scope, `${field}.corsPolicy`, r.corsPolicy),
    headers: renderHeaders(scope, field, r.requestHeaders, r.responseHeaders),
  };
}
