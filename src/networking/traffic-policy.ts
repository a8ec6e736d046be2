import { IConstruct } from 'constructs';
import { ClientTls } from './traffic-policy-client-tls';
import { ConnectionPool, renderConnectionPool } from './traffic-policy-connection-pool';
import { LoadBalancer } from './traffic-policy-load-balancer';
import { OutlierDetection, renderOutlierDetection } from './traffic-policy-outlier-detection';
import { checkPort, expectInstance } from '../core/checks';
import { invalid } from '../core/errors';
import { compact } from '../core/render';

/**
 * Traffic settings of one destination port (`portLevelSettings`), overriding the
 * policy's destination-level settings on that port.
 */
export interface PortTrafficPolicy {
  /** The destination port, 1-65535. */
  readonly port: number;

  /**
   * Load-balancing algorithm on this port.
   *
   * @default - the destination-level setting
   */
  readonly loadBalancer?: LoadBalancer;

  /**
   * Connection-pool limits on this port.
   *
   * @default - the destination-level setting
   */
  readonly connectionPool?: ConnectionPool;

  /**
   * Outlier detection on this port.
   *
   * @default - the destination-level setting
   */
  readonly outlierDetection?: OutlierDetection;

  /**
   * TLS towards this port.
   *
   * @default - the destination-level setting
   */
  readonly tls?: ClientTls;
}

/**
 * Traffic policy of a destination or of one of its subsets: load balancing, connection
 * pool (circuit breaker), outlier detection, client TLS and per-port overrides. Give at
 * least one setting.
 *
 * @example
 * const policy: TrafficPolicy = {
 *   loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST),
 *   connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10 } },
 *   outlierDetection: { consecutive5xxErrors: 5, interval: Duration.minutes(1) },
 *   tls: ClientTls.istioMutual(),
 * };
 */
export interface TrafficPolicy {
  /**
   * Load-balancing algorithm.
   *
   * @default - LEAST_REQUEST (Istio's default)
   */
  readonly loadBalancer?: LoadBalancer;

  /**
   * Connection-pool limits (circuit breaking).
   *
   * @default - Envoy's defaults (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPool;

  /**
   * Outlier detection (ejection of failing endpoints).
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;

  /**
   * TLS used by the client proxy towards the destination.
   *
   * @default - automatic mTLS between sidecars (ISTIO_MUTUAL where the server accepts it)
   */
  readonly tls?: ClientTls;

  /**
   * Per-port overrides; each port at most once.
   *
   * @default - no per-port overrides
   */
  readonly portLevelSettings?: PortTrafficPolicy[];
}

/**
 * Renders a `trafficPolicy` (destination or subset level), validating it in the context of
 * `scope`. `field` names it in errors, e.g. `subsets[v2].trafficPolicy`.
 * @internal
 */
export function renderTrafficPolicy(scope: IConstruct, field: string, policy: TrafficPolicy): { [key: string]: unknown } {
  const rendered = renderPolicyFields(scope, field, policy);
  let portLevelSettings: { [key: string]: unknown }[] | undefined;
  if (policy.portLevelSettings !== undefined) {
    if (policy.portLevelSettings.length > 4096) {
      invalid(scope, `${field}.portLevelSettings`, policy.portLevelSettings.length, 'Istio accepts at most 4096 port-level settings', 'merge the settings');
    }
    const seen = new Set<number>();
    portLevelSettings = policy.portLevelSettings.map((pts) => {
      const f = `${field}.portLevelSettings[${pts.port}]`;
      checkPort(scope, `${f}.port`, pts.port);
      if (seen.has(pts.port)) {
        invalid(scope, `${field}.portLevelSettings port`, pts.port, 'the port already has settings', 'give each port one entry');
      }
      seen.add(pts.port);
      const fields = renderPolicyFields(scope, f, pts);
      if (Object.keys(fields).length === 0) {
        invalid(scope, f, pts.port, 'port-level settings need at least one of loadBalancer, connectionPool, outlierDetection or tls', 'add a setting or remove the port entry');
      }
      return { port: { number: pts.port }, ...fields };
    });
  }
  const out = compact({ ...rendered, portLevelSettings });
  if (Object.keys(out).length === 0) {
    invalid(scope, field, policy, 'a traffic policy needs at least one setting', 'set loadBalancer, connectionPool, outlierDetection, tls or portLevelSettings, or omit the policy');
  }
  return out;
}

function renderPolicyFields(scope: IConstruct, field: string, p: PortTrafficPolicy | TrafficPolicy): { [key: string]: unknown } {
  return compact({
    loadBalancer: expectInstance(scope, `${field}.loadBalancer`, p.loadBalancer, LoadBalancer, 'LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN)')?._render(scope, `${field}.loadBalancer`),
    connectionPool: p.connectionPool ? renderConnectionPool(scope, `${field}.connectionPool`, p.connectionPool) : undefined,
    outlierDetection: p.outlierDetection ? renderOutlierDetection(scope, `${field}.outlierDetection`, p.outlierDetection) : undefined,
    tls: expectInstance(scope, `${field}.tls`, p.tls, ClientTls, 'ClientTls.istioMutual()')?._render(scope, `${field}.tls`),
  });
}
