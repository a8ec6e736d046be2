import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkPercentage } from '../core/checks';
import { invalid } from '../core/errors';
import { IstioResource } from '../core/resource';
import { FaultAbort, GrpcStatus, HttpFault } from '../networking/route-fault';
import { HttpMatch } from '../networking/route-http-match';
import { StringMatch, StringMatchType } from '../networking/route-string-match';

// RFC 7230 token: the characters an HTTP header name may contain.
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
// RFC 6265 cookie-name (a token) and cookie-octets of a cookie value.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** Escapes the characters RE2 treats specially, so a literal can be embedded in a pattern. */
function escapeRe2(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A part of a request match, rendered (and checked) against the scope that uses it. */
type MatchProducer = (scope: IConstruct, field: string) => HttpMatch;

/**
 * Which requests a canary override or a fault-injection experiment applies to: typed
 * factories for the usual A/B conditions (a user, a header, a cookie, the user agent),
 * combinable with `allOf()`. Rendered as one VirtualService `HttpMatch`.
 *
 * @example
 * RequestMatch.user('jason');                                   // end-user: jason (Bookinfo)
 * RequestMatch.header('x-canary', StringMatch.exact('true'));
 * RequestMatch.cookie('beta', 'yes');                           // Cookie: ...; beta=yes; ...
 * RequestMatch.allOf(RequestMatch.userAgent('.*Firefox.*'), RequestMatch.user('jason'));
 */
export class RequestMatch {
  /**
   * Requests carrying a header that matches `value`. The name is compared
   * case-insensitively by Envoy and must be written in lower case.
   *
   * @param name lower-case header name, e.g. `x-canary`
   * @param value condition on the header value
   */
  public static header(name: string, value: StringMatch): RequestMatch {
    return new RequestMatch([(scope, field) => {
      checkHeaderName(scope, `${field} header`, name);
      return { headers: { [name]: value } };
    }], `header ${name}`);
  }

  /**
   * Requests of one signed-in user, identified by the `end-user` header (the Bookinfo
   * convention: productpage forwards the signed-in user's name in `end-user`). The
   * header must be set by your application; Istio does not set it.
   *
   * @param userName the exact user name, e.g. `jason`
   */
  public static user(userName: string): RequestMatch {
    return new RequestMatch([(scope, field) => {
      if (typeof userName !== 'string' || userName.length === 0) {
        invalid(scope, `${field} user`, userName, 'the user name must not be empty', "give the exact value of the end-user header, e.g. RequestMatch.user('jason')");
      }
      return { headers: { 'end-user': StringMatch.exact(userName) } };
    }], `user ${userName}`);
  }

  /**
   * Requests carrying a cookie `name` with exactly this value, e.g. a beta-program
   * cookie. Rendered as an RE2 regex on the `cookie` header that finds `name=value`
   * anywhere in the cookie list (and not as the suffix of another cookie's name).
   *
   * @param name the cookie name (an RFC 6265 token)
   * @param value the exact cookie value
   */
  public static cookie(name: string, value: string): RequestMatch {
    return new RequestMatch([(scope, field) => {
      if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
        invalid(scope, `${field} cookie name`, name, 'a cookie name must be a non-empty RFC 6265 token (letters, digits and !#$%&\'*+.^_`|~-, no "=", ";" or spaces)', "use a name such as 'beta-user'");
      }
      if (typeof value !== 'string' || !COOKIE_VALUE.test(value)) {
        invalid(scope, `${field} cookie value`, value, 'a cookie value cannot contain spaces, quotes, commas, semicolons or backslashes', "use a plain value such as 'yes', or RequestMatch.cookieRegex() for a pattern");
      }
      const pattern = `^(.*?;\\s*)?${escapeRe2(name)}=${escapeRe2(value)}(;.*)?$`;
      return { headers: { cookie: StringMatch.regex(pattern) } };
    }], `cookie ${name}`);
  }

  /**
   * Requests whose whole `cookie` header matches an RE2 regex, e.g.
   * `^(.*?;)?(user=jason)(;.*)?$`.
   */
  public static cookieRegex(pattern: string): RequestMatch {
    return new RequestMatch([() => ({ headers: { cookie: StringMatch.regex(pattern) } })], 'cookie regex');
  }

  /**
   * Requests whose `user-agent` header matches an RE2 regex. Envoy matches the whole
   * value, so write `.*Firefox.*` to find `Firefox` anywhere.
   */
  public static userAgent(pattern: string): RequestMatch {
    return new RequestMatch([() => ({ headers: { 'user-agent': StringMatch.regex(pattern) } })], 'user agent');
  }

  /**
   * Any VirtualService match condition (URI, method, query parameters, source labels...),
   * as an escape hatch.
   */
  public static of(match: HttpMatch): RequestMatch {
    const copy = { ...match };
    return new RequestMatch([() => copy], 'match');
  }

  /**
   * Requests matching every one of these conditions (header conditions on different
   * headers, a URI condition and a header condition, ...). Conditions on the same field
   * must be identical, since one Istio match cannot hold two conditions for one header.
   *
   * @example
   * RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.userAgent('.*Firefox.*'));
   */
  public static allOf(...matches: RequestMatch[]): RequestMatch {
    if (matches.length === 0) {
      return new RequestMatch([(scope, field) => invalid(scope, field, [], 'allOf() needs at least one condition', "pass conditions, e.g. RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes'))")], 'nothing');
    }
    return new RequestMatch(matches.flatMap((m) => m.parts), matches.map((m) => m.what).join(' and '));
  }

  private constructor(private readonly parts: MatchProducer[], private readonly what: string) {}

  /** A short description of the condition, for messages, e.g. `user jason and cookie beta`. */
  public get description(): string {
    return this.what;
  }

  /**
   * Renders the conjunction of the parts as one `HttpMatch`, checking it in the context
   * of `scope`; fails when the parts contradict each other.
   * @internal
   */
  public _render(scope: IConstruct, field: string): HttpMatch {
    const out = this._tryRender(scope, field);
    if (out === undefined) {
      invalid(scope, field, this.what, 'the combined conditions contradict each other (the same field must equal two different values), so no request would ever match', 'combine conditions that can hold together');
    }
    return out;
  }

  /**
   * Like `_render`, but returns `undefined` when the parts provably contradict each
   * other (two different exact values for one field), i.e. no request can match.
   * @internal
   */
  public _tryRender(scope: IConstruct, field: string): HttpMatch | undefined {
    let out: HttpMatch | undefined = {};
    this.parts.forEach((part, i) => {
      const rendered = part(scope, this.parts.length > 1 ? `${field}[${i}]` : field);
      if (out !== undefined) out = mergeHttpMatch(scope, field, out, rendered);
    });
    return out;
  }
}

function checkHeaderName(scope: IConstruct, field: string, name: string): void {
  if (typeof name !== 'string' || !HEADER_TOKEN.test(name)) {
    const lower = typeof name === 'string' ? name.toLowerCase() : name;
    invalid(scope, field, name, 'a header name in a match must be a lower-case HTTP token (letters, digits, "-", no spaces or ":")',
      typeof lower === 'string' && HEADER_TOKEN.test(lower) ? `write "${lower}"` : 'use a name such as "x-canary"');
  }
}

function sameStringMatch(a: StringMatch, b: StringMatch): boolean {
  return a.matchType === b.matchType && a.value === b.value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof StringMatch && b instanceof StringMatch) return sameStringMatch(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a instanceof IstioResource || b instanceof IstioResource) return a === b;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameValue((a as any)[k], (b as any)[k]));
  }
  return a === b;
}

const MAP_FIELDS = new Set(['headers', 'withoutHeaders', 'queryParams', 'sourceLabels']);

/** Whether two conditions on one field are different exact values: then nothing matches both. */
function contradicts(a: unknown, b: unknown): boolean {
  if (a instanceof StringMatch && b instanceof StringMatch) {
    return a.matchType === StringMatchType.EXACT && b.matchType === StringMatchType.EXACT && a.value !== b.value;
  }
  return (typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number') && a !== b;
}

/**
 * The conjunction of two matches as one `HttpMatch`, or `undefined` when no request can
 * satisfy both. Map fields (headers, query parameters, source labels) are united; any
 * other field, and any map key present in both, must hold the same condition in both.
 */
function mergeHttpMatch(scope: IConstruct, field: string, a: HttpMatch, b: HttpMatch): HttpMatch | undefined {
  const out: { [key: string]: unknown } = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) continue;
    const current = out[key];
    if (current === undefined) {
      out[key] = MAP_FIELDS.has(key) ? { ...value } : value;
    } else if (key === 'name') {
      out[key] = `${current}-${value}`;
    } else if (MAP_FIELDS.has(key)) {
      const merged: { [k: string]: unknown } = { ...(current as object) };
      for (const [k, v] of Object.entries(value as object)) {
        if (merged[k] !== undefined && !sameValue(merged[k], v)) {
          if (contradicts(merged[k], v)) return undefined;
          invalid(scope, `${field}.${key}.${k}`, [describe(merged[k]), describe(v)], 'the combined conditions constrain the same name twice, which one Istio match cannot express', 'combine conditions on different headers, or write one condition (e.g. a single regex) with RequestMatch.of()');
        }
        merged[k] = v;
      }
      out[key] = merged;
    } else if (!sameValue(current, value)) {
      if (contradicts(current, value)) return undefined;
      invalid(scope, `${field}.${key}`, [describe(current), describe(value)], 'the combined conditions set this field twice, which one Istio match cannot express', 'combine conditions on different fields, or write one condition with RequestMatch.of()');
    }
  }
  return out as HttpMatch;
}

function describe(v: unknown): unknown {
  return v instanceof StringMatch ? { [v.matchType]: v.value } : v;
}

/**
 * Options of `FaultInjection.delay()`, `.abort()` and `.grpcAbort()`.
 */
export interface FaultInjectionOptions {
  /**
   * Share of the requests (of the matching ones, with `match`) affected, 0-100;
   * fractions such as 0.5 are allowed.
   *
   * @default - 100 when `match` is given; without `match` it must be given, so that
   * faulting every request of a service is never an accident
   */
  readonly percentage?: number;

  /**
   * Inject the fault only into requests matching this condition, e.g. one test user.
   *
   * @default - every request of the route (then `percentage` is required)
   */
  readonly match?: RequestMatch;
}

/**
 * Properties of `FaultInjection.of()`: any Istio fault, optionally scoped to matching
 * requests.
 */
export interface FaultInjectionProps {
  /**
   * The fault: a delay, an abort, or both, each with its own percentage.
   */
  readonly fault: HttpFault;

  /**
   * Inject the fault only into requests matching this condition.
   *
   * @default - every request of the route (then each part of the fault needs a `percentage`)
   */
  readonly match?: RequestMatch;
}

/**
 * A fault-injection experiment (chaos testing): delay or abort a percentage of the
 * requests to a service, optionally only those matching a condition such as one test
 * user. Istio injects it in the calling sidecar, so the callers see the fault exactly as
 * they would a slow or failing service.
 *
 * Use it as the `faultInjection` option of `CanaryService` or `ServiceResilience`.
 * An experiment without `match` must state its percentage: a fault on 100% of all
 * requests is an outage, not an experiment.
 *
 * @example
 * // Bookinfo: delay ratings by 7s for jason only.
 * FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.user('jason') });
 * // Abort 10% of all requests with 503.
 * FaultInjection.abort(503, { percentage: 10 });
 */
export class FaultInjection {
  /**
   * Delays requests by `fixedDelay` before forwarding them.
   */
  public static delay(fixedDelay: Duration, options: FaultInjectionOptions = {}): FaultInjection {
    return new FaultInjection({ delay: { fixedDelay, percentage: percentageOf(options) } }, options.match, options);
  }

  /**
   * Answers requests with an HTTP error status (200-599, e.g. 503) instead of forwarding them.
   */
  public static abort(httpStatus: number, options: FaultInjectionOptions = {}): FaultInjection {
    return new FaultInjection({ abort: FaultAbort.http(httpStatus, { percentage: percentageOf(options) }) }, options.match, options);
  }

  /**
   * Answers gRPC requests with a gRPC status (e.g. `GrpcStatus.UNAVAILABLE`).
   */
  public static grpcAbort(grpcStatus: GrpcStatus, options: FaultInjectionOptions = {}): FaultInjection {
    return new FaultInjection({ abort: FaultAbort.grpc(grpcStatus, { percentage: percentageOf(options) }) }, options.match, options);
  }

  /**
   * Any Istio fault (delay and abort together, each with its own percentage).
   */
  public static of(props: FaultInjectionProps): FaultInjection {
    const f = props.fault;
    // a scoped fault applies to every matching request unless its percentage says otherwise
    const everyMatch = props.match !== undefined;
    const delay = f.delay && everyMatch && f.delay.percentage === undefined ? { ...f.delay, percentage: 100 } : f.delay;
    const abort = f.abort && everyMatch && f.abort.percentage === undefined ? f.abort.withPercentage(100) : f.abort;
    return new FaultInjection({ delay, abort }, props.match, {});
  }

  /** The fault, as rendered into the VirtualService route. */
  public readonly fault: HttpFault;

  /** The requests the fault applies to, if it is scoped. */
  public readonly match?: RequestMatch;

  private constructor(fault: HttpFault, match: RequestMatch | undefined, private readonly options: FaultInjectionOptions) {
    this.fault = fault;
    this.match = match;
  }

  /**
   * Checks the experiment in the context of `scope` (percentages, explicit scope).
   * @internal
   */
  public _check(scope: IConstruct, field: string): void {
    checkPercentage(scope, `${field}.percentage`, this.options.percentage);
    const parts: Array<[string, { percentage?: number } | undefined]> = [['delay', this.fault.delay], ['abort', this.fault.abort]];
    for (const [name, part] of parts) {
      if (part === undefined) continue;
      checkPercentage(scope, `${field}.${name}.percentage`, part.percentage);
      if (this.match === undefined && part.percentage === undefined) {
        invalid(scope, `${field}.${name}.percentage`, undefined, 'a fault without `match` applies to every request of the service, so its percentage must be stated', 'give e.g. percentage: 10, or scope it with match: RequestMatch.user(\'tester\'); write percentage: 100 to fault every request deliberately');
      }
    }
    if (this.fault.delay === undefined && this.fault.abort === undefined) {
      invalid(scope, `${field}.fault`, this.fault, 'a fault needs a delay, an abort, or both', 'give fault: { delay: { fixedDelay: Duration.seconds(5), percentage: 10 } }');
    }
  }
}

function percentageOf(options: FaultInjectionOptions): number | undefined {
  return options.percentage ?? (options.match !== undefined ? 100 : undefined);
}
