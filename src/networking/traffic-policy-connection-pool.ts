import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInt32, checkUint32 } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { compact } from '../core/render';

/**
 * Whether HTTP/1.1 connections to the destination are upgraded to HTTP/2.
 */
export enum H2UpgradePolicy {
  /** Use the mesh-wide default. */
  DEFAULT = 'DEFAULT',
  /** Do not upgrade to HTTP/2. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade to HTTP/2. */
  UPGRADE = 'UPGRADE',
}

/**
 * TCP keepalive (SO_KEEPALIVE) on upstream connections.
 */
export interface ConnectionPoolTcpKeepalive {
  /**
   * Maximum number of unanswered probes before the connection is considered dead.
   *
   * @default - the operating system default (9 on Linux)
   */
  readonly probes?: number;

  /**
   * How long a connection must be idle before probes are sent.
   *
   * @default - the operating system default (2 hours on Linux)
   */
  readonly time?: Duration;

  /**
   * Time between probes.
   *
   * @default - the operating system default (75 seconds on Linux)
   */
  readonly interval?: Duration;
}

/**
 * Connection limits common to HTTP and TCP connections.
 */
export interface ConnectionPoolTcp {
  /**
   * Maximum number of HTTP/1.1 or TCP connections to a destination host.
   *
   * @default - 2^32-1 (unlimited)
   */
  readonly maxConnections?: number;

  /**
   * TCP connection timeout (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly connectTimeout?: Duration;

  /**
   * Idle timeout of TCP connections; `Duration.seconds(0)` disables it.
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * Maximum lifetime of a connection (at least 1ms).
   *
   * @default - unlimited
   */
  readonly maxConnectionDuration?: Duration;

  /**
   * TCP keepalive settings.
   *
   * @default - no keepalive
   */
  readonly tcpKeepalive?: ConnectionPoolTcpKeepalive;
}

/**
 * Limits on HTTP requests and connections (the circuit-breaker thresholds).
 */
export interface ConnectionPoolHttp {
  /**
   * Maximum number of requests queued while waiting for a connection.
   *
   * @default - 2^32-1 (unlimited)
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * Maximum number of active requests to a destination.
   *
   * @default - 2^32-1 (unlimited)
   */
  readonly http2MaxRequests?: number;

  /**
   * Maximum number of requests per connection; 1 disables keep-alive.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;

  /**
   * Maximum number of retries outstanding to all hosts of the destination at once.
   *
   * @default - 2^32-1 (unlimited)
   */
  readonly maxRetries?: number;

  /**
   * Idle timeout of upstream connection-pool connections (at least 1ms).
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * Whether HTTP/1.1 connections are upgraded to HTTP/2.
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;

  /**
   * Preserve the client's protocol (HTTP/1.1 or HTTP/2) towards the backend.
   *
   * @default false
   */
  readonly useClientProtocol?: boolean;

  /**
   * Maximum number of concurrent streams on one HTTP/2 connection.
   *
   * @default - 2^31-1
   */
  readonly maxConcurrentStreams?: number;
}

/**
 * Connection-pool (circuit breaker) settings of a destination or of a sidecar's
 * inbound listener. Give at least one of `tcp` and `http`. Limits are non-negative
 * integers; Istio treats 0 as "not set" (the default applies).
 */
export interface ConnectionPool {
  /**
   * Settings common to TCP and HTTP connections.
   *
   * @default - no TCP limits
   */
  readonly tcp?: ConnectionPoolTcp;

  /**
   * HTTP settings.
   *
   * @default - no HTTP limits
   */
  readonly http?: ConnectionPoolHttp;
}

/**
 * Renders `connectionPool`, validating it in the context of `scope`.
 * @internal
 */
export function renderConnectionPool(scope: IConstruct, field: string, pool: ConnectionPool): { [key: string]: unknown } {
  if (pool.tcp === undefined && pool.http === undefined) {
    invalid(scope, field, pool, 'a connection pool needs tcp or http settings', 'set e.g. { tcp: { maxConnections: 100 } }, or omit connectionPool');
  }
  return compact({
    tcp: pool.tcp ? renderTcp(scope, `${field}.tcp`, pool.tcp) : undefined,
    http: pool.http ? renderHttp(scope, `${field}.http`, pool.http) : undefined,
  });
}

function renderTcp(scope: IConstruct, field: string, tcp: ConnectionPoolTcp): { [key: string]: unknown } {
  checkInt32(scope, `${field}.maxConnections`, tcp.maxConnections);
  let keepalive: { [key: string]: unknown } | undefined;
  if (tcp.tcpKeepalive) {
    checkUint32(scope, `${field}.tcpKeepalive.probes`, tcp.tcpKeepalive.probes);
    keepalive = compact({
      probes: tcp.tcpKeepalive.probes,
      time: renderDuration(scope, `${field}.tcpKeepalive.time`, tcp.tcpKeepalive.time),
      interval: renderDuration(scope, `${field}.tcpKeepalive.interval`, tcp.tcpKeepalive.interval),
    });
  }
  return compact({
    maxConnections: tcp.maxConnections,
    connectTimeout: renderDuration(scope, `${field}.connectTimeout`, tcp.connectTimeout),
    idleTimeout: renderDuration(scope, `${field}.idleTimeout`, tcp.idleTimeout, { allowZero: true }),
    maxConnectionDuration: renderDuration(scope, `${field}.maxConnectionDuration`, tcp.maxConnectionDuration),
    tcpKeepalive: keepalive,
  });
}

function renderHttp(scope: IConstruct, field: string, http: ConnectionPoolHttp): { [key: string]: unknown } {
  checkInt32(scope, `${field}.http1MaxPendingRequests`, http.http1MaxPendingRequests);
  checkInt32(scope, `${field}.http2MaxRequests`, http.http2MaxRequests);
  checkInt32(scope, `${field}.maxRequestsPerConnection`, http.maxRequestsPerConnection);
  checkInt32(scope, `${field}.maxRetries`, http.maxRetries);
  checkInt32(scope, `${field}.maxConcurrentStreams`, http.maxConcurrentStreams);
  if (http.useClientProtocol && http.h2UpgradePolicy === H2UpgradePolicy.UPGRADE) {
    invalid(scope, `${field}.h2UpgradePolicy`, http.h2UpgradePolicy, 'useClientProtocol keeps the client\'s protocol, so the connection is never upgraded', 'drop h2UpgradePolicy or useClientProtocol');
  }
  return compact({
    http1MaxPendingRequests: http.http1MaxPendingRequests,
    http2MaxRequests: http.http2MaxRequests,
    maxRequestsPerConnection: http.maxRequestsPerConnection,
    maxRetries: http.maxRetries,
    idleTimeout: renderDuration(scope, `${field}.idleTimeout`, http.idleTimeout),
    h2UpgradePolicy: http.h2UpgradePolicy,
    useClientProtocol: http.useClientProtocol,
    maxConcurrentStreams: http.maxConcurrentStreams,
  });
}
