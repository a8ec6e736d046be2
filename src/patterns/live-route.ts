// Route rules whose destinations are read at each synthesis, so that they follow what changes
// after the rule is made (a canary's weight, its phase, its mirroring). The rule is a plain
// route struct whose `route` (and, for HTTP, `mirror` and `mirrorPercentage`) are enumerable
// accessors: spreading or reading the rule gives their values at that moment. The accessors'
// functions are shared by every rule, and the functions a rule reads are kept under a symbol,
// so that V8 gives all rules of one shape one hidden class: accessors defined in an object
// literal are new functions per rule, and V8 keeps each such rule as a dictionary of its own
// (about 450 bytes more per rule, and slower to read).
import { HttpMirror, HttpRouteDestination, RouteDestination } from '../networking/route-destination';
import { HttpRoute } from '../networking/route-http';

/** The parts of a rule read at each synthesis. */
interface LiveParts {
  readonly route: () => unknown;
  readonly mirror?: () => HttpMirror | undefined;
  readonly mirrorPercentage?: () => number | undefined;
}

/** Where a rule keeps its live parts (not enumerable: a spread copy holds their values only). */
const LIVE = Symbol('cdk8s-istio.live-route');

type Live = { readonly [LIVE]: LiveParts };

const ROUTE: PropertyDescriptor = { enumerable: true, configurable: true, get(this: Live) { return this[LIVE].route(); } };
const MIRROR: PropertyDescriptor = { enumerable: true, configurable: true, get(this: Live) { return this[LIVE].mirror?.(); } };
const MIRROR_PERCENTAGE: PropertyDescriptor = { enumerable: true, configurable: true, get(this: Live) { return this[LIVE].mirrorPercentage?.(); } };

function live<T extends object>(rule: T, parts: LiveParts, mirrors: boolean): T {
  Object.defineProperty(rule, LIVE, { value: parts });
  Object.defineProperty(rule, 'route', ROUTE);
  if (mirrors) {
    Object.defineProperty(rule, 'mirror', MIRROR);
    Object.defineProperty(rule, 'mirrorPercentage', MIRROR_PERCENTAGE);
  }
  return rule;
}

/**
 * An HTTP route rule (`rule`, without its destinations) whose `route` is `route()` at each read;
 * with `mirror`, its `mirror` and `mirrorPercentage` are also read each time.
 * @internal
 */
export function liveHttpRoute(rule: Omit<HttpRoute, 'route' | 'mirror' | 'mirrorPercentage'>, route: () => HttpRouteDestination[], mirror?: {
  readonly mirror?: () => HttpMirror | undefined;
  readonly mirrorPercentage?: () => number | undefined;
}): HttpRoute {
  return live(rule, { route, mirror: mirror?.mirror, mirrorPercentage: mirror?.mirrorPercentage }, mirror !== undefined);
}

/**
 * A TCP (or TLS) route rule (`rule`, without its destinations) whose `route` is `route()` at each read.
 * @internal
 */
export function liveRoute<T extends object>(rule: T, route: () => RouteDestination[]): T & { readonly route: RouteDestination[] } {
  return live(rule, { route }, false) as T & { readonly route: RouteDestination[] };
}
