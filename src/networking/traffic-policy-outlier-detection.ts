import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInt32, checkUint32 } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { compact } from '../core/render';

/**
 * Outlier detection (passive health checking): endpoints that keep failing are ejected
 * from the load-balancing pool for a while.
 */
export interface OutlierDetection {
  /**
   * Number of consecutive 5xx responses (including connect failures and timeouts) that
   * eject an endpoint; 0 turns this check off.
   *
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * Number of consecutive gateway errors (502, 503, 504 and connect failures) that eject
   * an endpoint; 0 turns this check off.
   *
   * @default - off
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * Number of consecutive locally originated failures (connect timeouts, resets) that
   * eject an endpoint. Requires `splitExternalLocalOriginErrors`.
   *
   * @default 5
   */
  readonly consecutiveLocalOriginFailures?: number;

  /**
   * Count locally originated failures separately from upstream ones.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;

  /**
   * Time between ejection sweeps (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;

  /**
   * Minimum ejection time; it grows with the number of times an endpoint is ejected
   * (at least 1ms).
   *
   * @default Duration.seconds(30)
   */
  readonly baseEjectionTime?: Duration;

  /**
   * Maximum percentage (0-100) of endpoints that can be ejected at once.
   *
   * @default 10
   */
  readonly maxEjectionPercent?: number;

  /**
   * Outlier detection is turned off while fewer than this percentage (0-100) of
   * endpoints are healthy.
   *
   * @default 0
   */
  readonly minHealthPercent?: number;
}

/**
 * Renders `outlierDetection` in the shape of the generated L1 types, validating it in the
 * context of `scope`.
 * @internal
 */
export function renderOutlierDetection(scope: IConstruct, field: string, od: OutlierDetection): { [key: string]: unknown } {
  checkUint32(scope, `${field}.consecutive5xxErrors`, od.consecutive5xxErrors);
  checkUint32(scope, `${field}.consecutiveGatewayErrors`, od.consecutiveGatewayErrors);
  checkUint32(scope, `${field}.consecutiveLocalOriginFailures`, od.consecutiveLocalOriginFailures);
  checkInt32(scope, `${field}.maxEjectionPercent`, od.maxEjectionPercent);
  checkInt32(scope, `${field}.minHealthPercent`, od.minHealthPercent);
  for (const [name, v] of [['maxEjectionPercent', od.maxEjectionPercent], ['minHealthPercent', od.minHealthPercent]] as const) {
    if (v !== undefined && v > 100) {
      invalid(scope, `${field}.${name}`, v, 'a percentage must be an integer from 0 to 100', 'pass e.g. 50 for 50%');
    }
  }
  if (od.consecutiveLocalOriginFailures !== undefined && od.consecutiveLocalOriginFailures > 0 && !od.splitExternalLocalOriginErrors) {
    invalid(scope, `${field}.consecutiveLocalOriginFailures`, od.consecutiveLocalOriginFailures, 'local-origin failures are only counted separately when splitExternalLocalOriginErrors is true', 'also set splitExternalLocalOriginErrors: true');
  }
  // The output feeds the generated L1 types, whose property for `consecutive5xxErrors`
  // is spelled `consecutive5XxErrors` (it is written back as consecutive5xxErrors).
  return compact({
    consecutive5XxErrors: od.consecutive5xxErrors,
    consecutiveGatewayErrors: od.consecutiveGatewayErrors,
    consecutiveLocalOriginFailures: od.consecutiveLocalOriginFailures,
    splitExternalLocalOriginErrors: od.splitExternalLocalOriginErrors,
    interval: renderDuration(scope, `${field}.interval`, od.interval),
    baseEjectionTime: renderDuration(scope, `${field}.baseEjectionTime`, od.baseEjectionTime),
    maxEjectionPercent: od.maxEjectionPercent,
    minHealthPercent: od.minHealthPercent,
  });
}
