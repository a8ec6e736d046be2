import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { checkNonEmpty, checkPositiveInteger, expectInstance } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

// Retry conditions Istio accepts (Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on).
const KNOWN_CONDITIONS = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited',
  'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'retriable-headers',
  'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted',
  'unavailable',
]);

/**
 * A condition under which a failed HTTP request is retried (Envoy's `x-envoy-retry-on`
 * and `x-envoy-retry-grpc-on` policies, or an HTTP status code).
 *
 * @example
 * [HttpRetryOn.GATEWAY_ERROR, HttpRetryOn.CONNECT_FAILURE, HttpRetryOn.statusCode(503)];
 * HttpRetryOn.parse('gateway-error,connect-failure,reset');
 */
export class HttpRetryOn {
  /** Any 5xx response, connect failure, reset or refused stream. */
  public static readonly SERVER_ERROR_5XX = new HttpRetryOn('5xx');
  /** 502, 503 or 504 responses. */
  public static readonly GATEWAY_ERROR = new HttpRetryOn('gateway-error');
  /** The upstream did not respond at all (disconnect, reset, read timeout). */
  public static readonly RESET = new HttpRetryOn('reset');
  /** A reset before the request was sent upstream. */
  public static readonly RESET_BEFORE_REQUEST = new HttpRetryOn('reset-before-request');
  /** The connection to the upstream could not be established. */
  public static readonly CONNECT_FAILURE = new HttpRetryOn('connect-failure');
  /** The upstream answered with the `x-envoy-ratelimited` header. */
  public static readonly ENVOY_RATELIMITED = new HttpRetryOn('envoy-ratelimited');
  /** 409 responses. */
  public static readonly RETRIABLE_4XX = new HttpRetryOn('retriable-4xx');
  /** The upstream reset the stream with REFUSED_STREAM. */
  public static readonly REFUSED_STREAM = new HttpRetryOn('refused-stream');
  /** gRPC status CANCELLED. */
  public static readonly CANCELLED = new HttpRetryOn('cancelled');
  /** gRPC status DEADLINE_EXCEEDED. */
  public static readonly DEADLINE_EXCEEDED = new HttpRetryOn('deadline-exceeded');
  /** gRPC status INTERNAL. */
  public static readonly INTERNAL = new HttpRetryOn('internal');
  /** gRPC status RESOURCE_EXHAUSTED. */
  public static readonly RESOURCE_EXHAUSTED = new HttpRetryOn('resource-exhausted');
  /** gRPC status UNAVAILABLE. */
  public static readonly UNAVAILABLE = new HttpRetryOn('unavailable');

  /**
   * Retries responses with this HTTP status code (e.g. 503).
   */
  public static statusCode(code: number): HttpRetryOn {
    return new HttpRetryOn(String(code));
  }

  /**
   * Any Envoy retry condition by name, e.g. `retriable-status-codes`.
   */
  public static of(condition: string): HttpRetryOn {
    return new HttpRetryOn(condition);
  }

  /**
   * Parses Istio's comma-separated `retryOn` string, e.g. `gateway-error,connect-failure,503`.
   */
  public static parse(conditions: string): HttpRetryOn[] {
    return conditions.split(',').map((c) => new HttpRetryOn(c.trim()));
  }

  private constructor(
    /** The condition as written in `retryOn`. */
    public readonly condition: string,
  ) {}

  /**
   * Checks the condition is one Istio accepts.
   * @internal
   */
  public _render(scope: IConstruct, field: string): string {
    const c = this.condition;
    if (KNOWN_CONDITIONS.has(c)) return c;
    if (/^[0-9]+$/.test(c)) {
      const code = Number(c);
      if (code >= 100 && code <= 599) return c;
    }
    return invalid(scope, field, c, 'it is neither a known Envoy retry condition nor an HTTP status code from 100 to 599',
      `use one of ${[...KNOWN_CONDITIONS].join(', ')}, or a status code such as 503`);
  }
}

/**
 * Retry policy of an HTTP route.
 *
 * @example
 * { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: HttpRetryOn.parse('gateway-error,connect-failure,reset') }
 */
export interface HttpRetry {
  /**
   * Number of retries for a request (0 disables retries). The total time is still
   * bounded by the route `timeout`.
   */
  readonly attempts: number;

  /**
   * Timeout of each attempt, including the first (at least 1ms).
   *
   * @default - the route timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * Conditions under which a request is retried.
   *
   * @default - Istio's default: connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes
   */
  readonly retryOn?: HttpRetryOn[];

  /**
   * Whether retries may go to endpoints in other localities.
   *
   * @default - Istio's mesh-wide default
   */
  readonly retryRemoteLocalities?: boolean;

  /**
   * Whether retries avoid the hosts already tried.
   *
   * @default - Istio's default (true)
   */
  readonly retryIgnorePreviousHosts?: boolean;

  /**
   * Minimum wait between retries (at least 1ms).
   *
   * @default - Envoy's default (25ms)
   */
  readonly backoff?: Duration;
}

/** @internal */
export function renderRetries(scope: IConstruct, field: string, r: HttpRetry | undefined): l1.VirtualServiceSpecHttpRetries | undefined {
  if (r === undefined) return undefined;
  checkPositiveInteger(scope, `${field}.attempts`, r.attempts, 0);
  // istiod: "http retry policy configured when attempts are set to 0 (disabled)"
  if (r.attempts === 0) {
    const settings = { perTryTimeout: r.perTryTimeout, retryOn: r.retryOn, retryRemoteLocalities: r.retryRemoteLocalities, backoff: r.backoff };
    const configured = Object.entries(settings).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (configured.length > 0) {
      invalid(scope, `${field}.attempts`, 0, `0 attempts disables retries, and istiod refuses a retry policy that also sets ${configured.join(', ')}`, `give at least 1 attempt, or leave out ${configured.join(', ')} to turn retries off`);
    }
  }
  let retryOn: string | undefined;
  if (r.retryOn !== undefined) {
    checkNonEmpty(scope, `${field}.retryOn`, r.retryOn, 'list at least one condition, e.g. [HttpRetryOn.GATEWAY_ERROR], or leave `retryOn` out for Istio\'s default');
    const conditions = r.retryOn.map((c, i) => expectInstance(scope, `${field}.retryOn[${i}]`, c, HttpRetryOn, 'HttpRetryOn.SERVER_ERROR_5XX')._render(scope, `${field}.retryOn[${i}]`));
    const seen = new Set<string>();
    for (const c of conditions) {
      if (seen.has(c)) invalid(scope, `${field}.retryOn`, c, 'the condition is listed twice', 'list each condition once');
      seen.add(c);
    }
    retryOn = conditions.join(',');
  }
  return {
    attempts: r.attempts,
    perTryTimeout: renderDuration(scope, `${field}.perTryTimeout`, r.perTryTimeout),
    retryOn,
    retryRemoteLocalities: r.retryRemoteLocalities,
    retryIgnorePreviousHosts: r.retryIgnorePreviousHosts,
    backoff: renderDuration(scope, `${field}.backoff`, r.backoff),
  };
}
