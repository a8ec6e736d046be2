// LocalRateLimit: Envoy's local (per-proxy) token-bucket rate limit, as Istio's sample
// samples/ratelimit/local-rate-limit-service.yaml configures it.
import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ratelimitPriority, checkRequestHeader, protoDuration, RateLimitTarget, ResolvedTarget, targetRoutes } from './rate-limit-target';
import { checkNonEmptyString, checkRequiredProps, checkUint32 } from '../../core/checks';
import { invalid } from '../../core/errors';
import { EnvoyFilter } from '../../networking/envoy-filter';
import { EnvoyPatchApplyTo, EnvoyPatchOperation, EnvoyRouteAction } from '../../networking/envoy-filter-patch';

/** Envoy's local rate limit refuses fill intervals shorter than this. */
const MIN_FILL_INTERVAL_MS = 50;

/** The status codes Envoy's `HttpStatus` enum defines from 400 on (a local rate limit's reply). */
const ENVOY_STATUS = new Set([
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** A token bucket: each request takes a token; `tokensPerFill` tokens are added every `fillInterval`, up to `maxTokens`. */
export interface TokenBucket {
  /** The bucket size: the largest burst allowed (a whole number, at least 1). */
  readonly maxTokens: number;
  /**
   * Tokens added every fill interval (at most `maxTokens`: tokens beyond the bucket size are dropped).
   * @default - maxTokens
   */
  readonly tokensPerFill?: number;
  /** How often the bucket is refilled (at least 50ms). */
  readonly fillInterval: Duration;
}

/** How a path limit matches the request path. */
export enum RateLimitPathMatchType {
  /** The path starts with the given value. */
  PREFIX = 'PREFIX',
  /** The path is exactly the given value. */
  EXACT = 'EXACT',
}

/** A token bucket of its own for the requests to one path. */
export interface LocalRateLimitPath {
  /** The path (starting with `/`). */
  readonly path: string;
  /**
   * How the path is matched.
   * @default RateLimitPathMatchType.PREFIX
   */
  readonly match?: RateLimitPathMatchType;
  /**
   * Whether the match ignores case.
   * @default true
   */
  readonly ignoreCase?: boolean;
  /**
   * The descriptor value naming this limit (letters, digits, `-`, `_`, `.`).
   * @default - the path without its leading '/', with other '/' as '-' ("root" for '/')
   */
  readonly name?: string;
  /** The bucket of these requests (they also count against the overall bucket). */
  readonly tokenBucket: TokenBucket;
}

/** A token bucket of its own for the requests carrying a header with a given value. */
export interface LocalRateLimitHeader {
  /** The request header, e.g. `x-api-key`. */
  readonly header: string;
  /** The header value this bucket counts. */
  readonly value: string;
  /** The bucket of these requests. */
  readonly tokenBucket: TokenBucket;
}

/** Properties of a `LocalRateLimit`. */
export interface LocalRateLimitProps {
  /** The proxies enforcing the limit: a workload's sidecars or an ingress gateway. */
  readonly target: RateLimitTarget;
  /** The bucket of all requests (to the target port's virtual host, or through the gateway). */
  readonly tokenBucket: TokenBucket;
  /**
   * Paths with a token bucket of their own.
   * @default - none
   */
  readonly paths?: LocalRateLimitPath[];
  /**
   * Header values with a token bucket of their own.
   * @default - none
   */
  readonly headers?: LocalRateLimitHeader[];
  /**
   * Also compute the `remote_address` descriptor for every request, as Istio's sample does.
   * No bucket of this construct counts it: requests still fall back to the overall bucket.
   * @default false
   */
  readonly remoteAddressDescriptor?: boolean;
  /**
   * Headers added to every response of the limited routes (also to the 429s).
   * @default - none
   */
  readonly responseHeaders?: { [name: string]: string };
  /**
   * Add the `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` headers
   * (IETF draft 03) to responses.
   * @default false
   */
  readonly rateLimitHeaders?: boolean;
  /**
   * The status of the reply to a limited request (a status Envoy's `HttpStatus` defines,
   * 400-511). The body is Envoy's `local_rate_limited`: the local rate limit filter has no
   * body setting (a custom body needs a local-reply mapper on the HTTP connection manager).
   * @default 429
   */
  readonly status?: number;
  /**
   * Count and report (stats, headers) but never reject: `filter_enforced` 0%.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Envoy stat prefix of the limit (`<prefix>.http_local_rate_limit.rate_limited`, ...).
   * @default "http_local_rate_limit"
   */
  readonly statPrefix?: string;
  /**
   * Runtime key with which the enabled/enforced percentages can be overridden at run time.
   * @default "local_rate_limit_enabled"
   */
  readonly runtimeKey?: string;
  /**
   * Priority of the EnvoyFilters (lower applies first; EnvoyFilters without one have 0). The
   * filter is inserted relative to another one, so its place depends on the order in which
   * EnvoyFilters apply: Istio's sample leaves the priority at 0, which `istioctl analyze`
   * warns about (IST0151); the default orders the rate limit after the EnvoyFilters of
   * priority 0.
   * @default 10
   */
  readonly priority?: number;
  /**
   * The EnvoyFilter's namespace.
   * @default - the target's (workload's or gateway's) namespace, else the chart's
   */
  readonly namespace?: string;
}

/**
 * Envoy's local rate limit: every proxy of the target keeps its own token buckets (so N pods
 * allow N times the rate). Rendered as the EnvoyFilter of Istio's sample: the
 * `envoy.filters.http.local_ratelimit` HTTP filter (disabled by itself), and on the routes
 * of the target's virtual host the per-route configuration with the overall bucket, the
 * path and header buckets (`descriptors`) and the actions producing them (`rate_limits`).
 *
 * In an ambient namespace a workload target is refused: ztunnel and waypoints ignore
 * EnvoyFilters. Limit at the ingress gateway instead.
 *
 * @example
 * new LocalRateLimit(chart, 'productpage-limit', {
 *   target: RateLimitTarget.workload(productpage),
 *   tokenBucket: { maxTokens: 100, fillInterval: Duration.minutes(1) },
 *   paths: [{ path: '/productpage', tokenBucket: { maxTokens: 10, fillInterval: Duration.minutes(1) } }],
 * });
 */
export class LocalRateLimit extends Construct {
  /** The EnvoyFilter carrying the limit. */
  public readonly envoyFilter: EnvoyFilter;

  public constructor(scope: Construct, id: string, props: LocalRateLimitProps) {
    super(scope, id);
    checkRequiredProps(this, 'a LocalRateLimit', props, { target: 'RateLimitTarget.workload(service)', tokenBucket: '{ maxTokens: 100, fillInterval: Duration.minutes(1) }' });
    const target = props.target._resolve(this, props.namespace);
    const perRoute = this.renderPerRoute(props);
    this.envoyFilter = new EnvoyFilter(this, 'Resource', {
      metadata: { namespace: target.namespace },
      workloadSelector: target.selector,
      priority: ratelimitPriority(this, props.priority),
      configPatches: localRateLimitPatches(target, perRoute.config, perRoute.rateLimits),
    });
  }

  private renderPerRoute(props: LocalRateLimitProps): { config: { [key: string]: unknown }; rateLimits: unknown[] } {
    const statPrefix = props.statPrefix ?? 'http_local_rate_limit';
    checkNonEmptyString(this, 'statPrefix', statPrefix, 'use e.g. "http_local_rate_limit"');
    const runtimeKey = props.runtimeKey ?? 'local_rate_limit_enabled';
    checkNonEmptyString(this, 'runtimeKey', runtimeKey, 'use e.g. "local_rate_limit_enabled"');
    const rateLimits: unknown[] = [];
    const descriptors: unknown[] = [];
    const seen = new Set<string>();
    const unique = (field: string, key: string, value: string) => {
      if (seen.has(`${key}\n${value}`)) invalid(this, field, value, `another limit already uses the descriptor ${key}=${value}`, 'give each path a distinct name, and list each header value once');
      seen.add(`${key}\n${value}`);
    };
    if (props.remoteAddressDescriptor === true) rateLimits.push({ actions: [{ remote_address: {} }] });
    (props.paths ?? []).forEach((p, i) => {
      const f = `paths[${i}]`;
      const name = pathLimitName(this, f, p);
      unique(`${f}.name`, 'header_match', name);
      rateLimits.push({
        actions: [{
          header_value_match: {
            descriptor_value: name,
            expect_match: true,
            headers: [{ name: ':path', string_match: { [p.match === RateLimitPathMatchType.EXACT ? 'exact' : 'prefix']: p.path, ignore_case: p.ignoreCase ?? true } }],
          },
        }],
      });
      descriptors.push({ entries: [{ key: 'header_match', value: name }], token_bucket: renderTokenBucket(this, `${f}.tokenBucket`, p.tokenBucket) });
    });
    (props.headers ?? []).forEach((h, i) => {
      const f = `headers[${i}]`;
      checkRequestHeader(this, `${f}.header`, h.header);
      checkNonEmptyString(this, `${f}.value`, h.value, 'give the header value to count, e.g. "premium"');
      if (h.value === undefined) invalid(this, `${f}.value`, h.value, 'a header limit needs the value it counts', 'give the header value, e.g. "premium"');
      const key = h.header.toLowerCase();
      unique(`${f}.value`, key, h.value);
      if (!rateLimits.some((r) => JSON.stringify(r) === JSON.stringify(headerAction(key)))) rateLimits.push(headerAction(key));
      descriptors.push({ entries: [{ key, value: h.value }], token_bucket: renderTokenBucket(this, `${f}.tokenBucket`, h.tokenBucket) });
    });
    const percent = (numerator: number) => ({ runtime_key: runtimeKey, default_value: { numerator, denominator: 'HUNDRED' } });
    const status = props.status;
    if (status !== undefined && !ENVOY_STATUS.has(status)) {
      invalid(this, 'status', status, 'Envoy replies to limited requests with a status its HttpStatus enum defines (400-431, 500-511)', 'use e.g. 429 or 503');
    }
    const headers = Object.entries(props.responseHeaders ?? {}).map(([key, value], i) => {
      checkRequestHeader(this, `responseHeaders[${i}]`, key);
      if (key.startsWith(':')) invalid(this, `responseHeaders[${i}]`, key, 'pseudo-headers cannot be added to a response', 'use a regular header name, e.g. "x-local-rate-limit"');
      return { append: false, header: { key, value: String(value) } };
    });
    const config: { [key: string]: unknown } = {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
      'stat_prefix': statPrefix,
      'token_bucket': renderTokenBucket(this, 'tokenBucket', props.tokenBucket),
      ...(props.rateLimitHeaders === true ? { enable_x_ratelimit_headers: 'DRAFT_VERSION_03' } : {}),
      ...(status !== undefined ? { status: { code: status } } : {}),
      'filter_enabled': percent(100),
      'filter_enforced': percent(props.dryRun === true ? 0 : 100),
      ...(headers.length > 0 ? { response_headers_to_add: headers } : {}),
      ...(descriptors.length > 0 ? { descriptors } : {}),
    };
    return { config, rateLimits };
  }
}

function headerAction(key: string): unknown {
  return { actions: [{ request_headers: { header_name: key, descriptor_key: key } }] };
}

function pathLimitName(scope: IConstruct, field: string, p: LocalRateLimitPath): string {
  if (typeof p.path !== 'string' || !p.path.startsWith('/') || /[\s?#]/.test(p.path)) {
    invalid(scope, `${field}.path`, p.path, 'a path must start with "/" and hold no spaces, query or fragment', `write e.g. "/${typeof p.path === 'string' ? p.path.replace(/^\/*/, '').replace(/[\s?#].*$/, '') : 'api'}"`);
  }
  if (p.match !== undefined && !Object.values(RateLimitPathMatchType).includes(p.match)) {
    invalid(scope, `${field}.match`, p.match, 'unknown path match type', 'use RateLimitPathMatchType.PREFIX or RateLimitPathMatchType.EXACT');
  }
  const name = p.name ?? (p.path === '/' ? 'root' : p.path.slice(1).replace(/\/+$/, '').replace(/\//g, '-'));
  if (!/^[A-Za-z0-9._-]{1,63}$/.test(name)) {
    invalid(scope, `${field}.name`, name, 'a limit name must be 1-63 letters, digits, "-", "_" or "."', 'give the path limit a name, e.g. name: "login"');
  }
  return name;
}

/**
 * Checks and renders a token bucket.
 * @internal
 */
export function renderTokenBucket(scope: IConstruct, field: string, bucket: TokenBucket): { [key: string]: unknown } {
  if (bucket === undefined || bucket === null) invalid(scope, field, bucket, 'a token bucket is required', 'pass e.g. { maxTokens: 100, fillInterval: Duration.minutes(1) }');
  const fix = 'pass a whole number of tokens, at least 1, e.g. maxTokens: 100';
  if (!Number.isInteger(bucket.maxTokens) || bucket.maxTokens < 1) {
    invalid(scope, `${field}.maxTokens`, bucket.maxTokens, 'a bucket holds a whole number of tokens, at least 1 (Envoy refuses 0)', fix);
  }
  checkUint32(scope, `${field}.maxTokens`, bucket.maxTokens, 1);
  const perFill = bucket.tokensPerFill ?? bucket.maxTokens;
  if (!Number.isInteger(perFill) || perFill < 1) {
    invalid(scope, `${field}.tokensPerFill`, perFill, 'a fill adds a whole number of tokens, at least 1', 'pass e.g. tokensPerFill: 10, or leave it out (= maxTokens)');
  }
  if (perFill > bucket.maxTokens) {
    invalid(scope, `${field}.tokensPerFill`, perFill, `more tokens per fill than the bucket holds (maxTokens ${bucket.maxTokens}): Envoy drops the excess, so the rate would be maxTokens per interval, not tokensPerFill`, `raise maxTokens to at least ${perFill}, or lower tokensPerFill`);
  }
  const fillInterval = protoDuration(scope, `${field}.fillInterval`, bucket.fillInterval, MIN_FILL_INTERVAL_MS, `Envoy's local rate limit needs a fill interval of at least ${MIN_FILL_INTERVAL_MS}ms; use e.g. Duration.seconds(1) with proportionally more tokens`);
  return { max_tokens: bucket.maxTokens, tokens_per_fill: perFill, fill_interval: fillInterval };
}

function localRateLimitPatches(target: ResolvedTarget, perRoute: { [key: string]: unknown }, rateLimits: unknown[]) {
  const routes = targetRoutes(target);
  return [
    {
      applyTo: EnvoyPatchApplyTo.HTTP_FILTER,
      operation: EnvoyPatchOperation.INSERT_BEFORE,
      match: { context: target.context, listener: { filter: 'envoy.filters.network.http_connection_manager' } },
      value: {
        name: 'envoy.filters.http.local_ratelimit',
        typed_config: {
          '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
          'type_url': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
          'value': { stat_prefix: 'http_local_rate_limiter' },
        },
      },
    },
    {
      applyTo: EnvoyPatchApplyTo.HTTP_ROUTE,
      operation: EnvoyPatchOperation.MERGE,
      match: {
        context: target.context,
        routeConfiguration: { portNumber: routes.portNumber, vhostName: routes.vhostName, routeAction: EnvoyRouteAction.ANY },
      },
      value: {
        route: rateLimits.length > 0 ? { rate_limits: rateLimits } : undefined,
        typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': perRoute },
      },
    },
  ];
}
