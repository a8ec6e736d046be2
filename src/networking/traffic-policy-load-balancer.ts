import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkExclusive, checkNonEmpty, checkNonEmptyString, checkUint32 } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { compact } from '../core/render';

/**
 * A simple load-balancing algorithm (Istio `LoadBalancerSettings.SimpleLB`).
 */
export enum SimpleLoadBalancer {
  /** Round robin over the healthy endpoints. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /**
   * Picks the endpoint with fewer outstanding requests out of two random ones (Envoy's
   * least-request algorithm). Istio's default.
   */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** A random healthy endpoint. */
  RANDOM = 'RANDOM',
  /**
   * Forward to the original destination address the caller connected to, without load
   * balancing. Advanced use only.
   */
  PASSTHROUGH = 'PASSTHROUGH',
  /**
   * Deprecated alias of `LEAST_REQUEST`, kept for configurations written against older
   * Istio versions.
   *
   * @deprecated use `LEAST_REQUEST`
   */
  LEAST_CONN = 'LEAST_CONN',
}

/**
 * Weighted distribution of traffic from one locality to others.
 */
export interface LocalityDistribution {
  /**
   * The originating locality, `region/zone/subzone`; a trailing `*` matches everything
   * below, e.g. `us-west/zone1/*`.
   */
  readonly source: string;

  /**
   * Weights (integers adding up to 100) of the upstream localities that traffic from
   * `source` goes to, e.g. `{ 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 }`.
   */
  readonly weights: { [locality: string]: number };
}

/**
 * Where traffic goes when the endpoints of a region become unhealthy.
 */
export interface LocalityFailover {
  /** The originating region, e.g. `us-east`. */
  readonly source: string;

  /** The region traffic fails over to, e.g. `eu-west`. */
  readonly destination: string;
}

/**
 * Locality-aware load balancing (`localityLbSetting`). Failover needs outlier detection
 * on the same policy to notice unhealthy endpoints.
 */
export interface LocalityLoadBalancerSetting {
  /**
   * Turns locality load balancing on or off for this destination.
   *
   * @default - the mesh-wide setting
   */
  readonly enabled?: boolean;

  /**
   * Explicit weighted distribution per originating locality. Cannot be combined with
   * `failover`.
   *
   * @default - no explicit distribution
   */
  readonly distribute?: LocalityDistribution[];

  /**
   * Region-to-region failover order.
   *
   * @default - failover to any region by proximity
   */
  readonly failover?: LocalityFailover[];

  /**
   * Ordered endpoint labels used to prioritize endpoints that share them with the
   * client, e.g. `['topology.kubernetes.io/region', 'topology.kubernetes.io/zone']`. With
   * `failover`, the topology labels themselves are not allowed.
   *
   * @default - no label-based priority
   */
  readonly failoverPriority?: string[];
}

/**
 * Options common to every load balancer.
 */
export interface LoadBalancerOptions {
  /**
   * Locality-aware load balancing.
   *
   * @default - the mesh-wide locality settings
   */
  readonly locality?: LocalityLoadBalancerSetting;
}

/**
 * Options of a simple load balancer.
 */
export interface SimpleLoadBalancerOptions extends LoadBalancerOptions {
  /**
   * Slow start: new endpoints receive gradually more traffic over this period. Only for
   * `ROUND_ROBIN` and `LEAST_REQUEST`.
   *
   * @default - no warmup
   */
  readonly warmup?: Duration;
}

/**
 * Options of a consistent-hash load balancer. At most one of `ringHashMinimumRingSize`
 * and `maglevTableSize` may be given.
 */
export interface ConsistentHashOptions extends LoadBalancerOptions {
  /**
   * Use the ring-hash algorithm with this minimum number of virtual nodes on the ring.
   *
   * @default - Istio's default hash algorithm and ring size
   */
  readonly ringHashMinimumRingSize?: number;

  /**
   * Use the Maglev algorithm with this lookup table size (a prime number below
   * 5000011).
   *
   * @default - Istio's default hash algorithm
   */
  readonly maglevTableSize?: number;
}

/**
 * The cookie a consistent-hash load balancer hashes on. When the request lacks it and a
 * `ttl` is given, Envoy generates it.
 */
export interface ConsistentHashCookie {
  /** Name of the cookie. */
  readonly name: string;

  /**
   * Path set on a generated cookie.
   *
   * @default - no path
   */
  readonly path?: string;

  /**
   * Lifetime of a generated cookie; `Duration.seconds(0)` generates a session cookie.
   *
   * @default - the cookie is not generated
   */
  readonly ttl?: Duration;
}

type HashKey =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly cookie: ConsistentHashCookie }
  | { readonly kind: 'sourceIp' }
  | { readonly kind: 'query'; readonly name: string };

/**
 * Load-balancing algorithm of a destination (`trafficPolicy.loadBalancer`): either a
 * simple algorithm or consistent hashing (session affinity), plus optional locality
 * settings.
 *
 * @example
 * LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST);
 * LoadBalancer.consistentHashByHeader('x-user');
 * LoadBalancer.consistentHashByCookie({ name: 'session', ttl: Duration.minutes(30) });
 */
export class LoadBalancer {
  /**
   * A simple algorithm such as round robin or least request.
   */
  public static simple(algorithm: SimpleLoadBalancer, options: SimpleLoadBalancerOptions = {}): LoadBalancer {
    return new LoadBalancer(algorithm, undefined, options, options.warmup, undefined);
  }

  /**
   * Session affinity by the value of a request header.
   */
  public static consistentHashByHeader(headerName: string, options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer(undefined, { kind: 'header', name: headerName }, options, undefined, options);
  }

  /**
   * Session affinity by an HTTP cookie.
   */
  public static consistentHashByCookie(cookie: ConsistentHashCookie, options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer(undefined, { kind: 'cookie', cookie }, options, undefined, options);
  }

  /**
   * Session affinity by the client's source IP address.
   */
  public static consistentHashBySourceIp(options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer(undefined, { kind: 'sourceIp' }, options, undefined, options);
  }

  /**
   * Session affinity by the value of a URL query parameter.
   */
  public static consistentHashByQueryParameter(parameterName: string, options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer(undefined, { kind: 'query', name: parameterName }, options, undefined, options);
  }

  /**
   * Only locality settings, keeping the default algorithm.
   */
  public static locality(setting: LocalityLoadBalancerSetting): LoadBalancer {
    return new LoadBalancer(undefined, undefined, { locality: setting }, undefined, undefined);
  }

  private constructor(
    private readonly algorithm: SimpleLoadBalancer | undefined,
    private readonly hashKey: HashKey | undefined,
    private readonly options: LoadBalancerOptions,
    private readonly warmup: Duration | undefined,
    private readonly hashOptions: ConsistentHashOptions | undefined,
  ) {}

  /**
   * Renders `loadBalancer`, validating it in the context of `scope`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: unknown } {
    let warmup: { duration: string } | undefined;
    if (this.warmup !== undefined) {
      const slowStart = [SimpleLoadBalancer.ROUND_ROBIN, SimpleLoadBalancer.LEAST_REQUEST, SimpleLoadBalancer.LEAST_CONN];
      if (this.algorithm === undefined || !slowStart.includes(this.algorithm)) {
        invalid(scope, `${field}.warmup`, this.warmup.toHumanString(), `Envoy supports slow start only for ROUND_ROBIN and LEAST_REQUEST, not ${this.algorithm}`, 'use SimpleLoadBalancer.ROUND_ROBIN or LEAST_REQUEST, or drop the warmup');
      }
      warmup = { duration: renderDuration(scope, `${field}.warmup`, this.warmup)! };
    }
    return compact({
      simple: this.algorithm,
      consistentHash: this.hashKey ? this.renderHash(scope, `${field}.consistentHash`, this.hashKey) : undefined,
      localityLbSetting: this.options.locality ? renderLocality(scope, `${field}.localityLbSetting`, this.options.locality) : undefined,
      warmup,
    });
  }

  private renderHash(scope: IConstruct, field: string, key: HashKey): { [key: string]: unknown } {
    const opts = this.hashOptions ?? {};
    checkExclusive(scope, { [`${field}.ringHash`]: opts.ringHashMinimumRingSize, [`${field}.maglev`]: opts.maglevTableSize }, 'choose one hash algorithm: ring hash or Maglev');
    checkUint32(scope, `${field}.ringHash.minimumRingSize`, opts.ringHashMinimumRingSize, 1);
    const tableSize = opts.maglevTableSize;
    if (tableSize !== undefined && (!Number.isInteger(tableSize) || tableSize >= 5000011 || !isPrime(tableSize))) {
      invalid(scope, `${field}.maglev.tableSize`, opts.maglevTableSize, 'Istio requires a prime number below 5000011', 'use e.g. 65537 (the default) or 131071');
    }
    const out: { [key: string]: unknown } = {};
    switch (key.kind) {
      case 'header':
        checkHeaderName(scope, `${field}.httpHeaderName`, key.name);
        out.httpHeaderName = key.name;
        break;
      case 'cookie':
        checkNonEmptyString(scope, `${field}.httpCookie.name`, key.cookie.name, 'name the cookie, e.g. "session-id"');
        if (key.cookie.path !== undefined && !key.cookie.path.startsWith('/')) {
          invalid(scope, `${field}.httpCookie.path`, key.cookie.path, 'a cookie path must start with "/"', 'use e.g. "/"');
        }
        out.httpCookie = compact({
          name: key.cookie.name,
          path: key.cookie.path,
          ttl: renderDuration(scope, `${field}.httpCookie.ttl`, key.cookie.ttl, { allowZero: true }),
        });
        break;
      case 'sourceIp':
        out.useSourceIp = true;
        break;
      case 'query':
        checkNonEmptyString(scope, `${field}.httpQueryParameterName`, key.name, 'name the query parameter, e.g. "user"');
        out.httpQueryParameterName = key.name;
        break;
    }
    if (opts.ringHashMinimumRingSize !== undefined) out.ringHash = { minimumRingSize: opts.ringHashMinimumRingSize };
    if (opts.maglevTableSize !== undefined) out.maglev = { tableSize: opts.maglevTableSize };
    return out;
  }
}

const HEADER_NAME = /^[-!#$%&'*+.^_`|~0-9a-zA-Z]+$/;

function checkHeaderName(scope: IConstruct, field: string, name: string): void {
  if (!HEADER_NAME.test(name)) {
    invalid(scope, field, name, 'an HTTP header name must be a non-empty token without spaces or ":"', 'use a header such as "x-user-id"');
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let i = 3; i * i <= n; i += 2) {
    if (n % i === 0) return false;
  }
  return true;
}

const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

function checkLocality(scope: IConstruct, field: string, locality: string): void {
  const stars = locality.split('*').length - 1;
  const parts = locality.split('/');
  if (locality.length === 0 || parts.length > 3 || parts.some((p) => p.length === 0) || stars > 1 || (stars === 1 && !locality.endsWith('*'))) {
    invalid(scope, field, locality, 'a locality is region[/zone[/subzone]] with no empty parts and at most one "*", at the end', 'write e.g. "us-west/zone1/*" or "us-west/*"');
  }
}

function checkRegion(scope: IConstruct, field: string, region: string): void {
  if (region.length === 0 || region.includes('/') || region.includes('*')) {
    invalid(scope, field, region, 'failover is between regions: no zone ("/") and no wildcard', 'write a region such as "us-east"');
  }
}

function renderLocality(scope: IConstruct, field: string, setting: LocalityLoadBalancerSetting): { [key: string]: unknown } {
  if ((setting.distribute?.length ?? 0) > 0 && (setting.failover?.length ?? 0) > 0) {
    invalid(scope, `${field}.distribute`, setting.distribute!.map((d) => d.source), 'distribute cannot be combined with failover', 'use either an explicit distribution or failover settings');
  }
  if ((setting.failover?.length ?? 0) > 0) {
    const topology = setting.failoverPriority?.find((l) => TOPOLOGY_LABELS.includes(l));
    if (topology !== undefined) {
      invalid(scope, `${field}.failoverPriority`, topology, 'failover already orders endpoints by region/zone/subzone, so the topology labels cannot also be used in failoverPriority', 'drop failover, or use other labels in failoverPriority');
    }
  }
  checkNonEmpty(scope, `${field}.distribute`, setting.distribute, 'omit distribute or give at least one entry');
  const distribute = setting.distribute?.map((d, i) => {
    const f = `${field}.distribute[${i}]`;
    checkLocality(scope, `${f}.source`, d.source);
    let total = 0;
    for (const [locality, weight] of Object.entries(d.weights)) {
      checkLocality(scope, `${f}.weights key`, locality);
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
        invalid(scope, `${f}.weights["${locality}"]`, weight, 'a locality weight must be an integer from 1 to 100', 'give integer weights that add up to 100');
      }
      total += weight;
    }
    if (total !== 100) {
      invalid(scope, `${f}.weights`, d.weights, `the weights add up to ${total}, not 100`, 'give integer weights that add up to 100');
    }
    return { from: d.source, to: { ...d.weights } };
  });
  const failover = setting.failover?.map((fo, i) => {
    const f = `${field}.failover[${i}]`;
    checkRegion(scope, `${f}.source`, fo.source);
    checkRegion(scope, `${f}.destination`, fo.destination);
    if (fo.source === fo.destination) {
      invalid(scope, `${f}.destination`, fo.destination, 'a region cannot fail over to itself', 'name a different region');
    }
    return { from: fo.source, to: fo.destination };
  });
  setting.failoverPriority?.forEach((label, i) => checkNonEmptyString(scope, `${field}.failoverPriority[${i}]`, label, 'give a label key such as "topology.kubernetes.io/zone"'));
  return compact({
    enabled: setting.enabled,
    distribute,
    failover,
    failoverPriority: setting.failoverPriority ? [...setting.failoverPriority] : undefined,
  });
}
