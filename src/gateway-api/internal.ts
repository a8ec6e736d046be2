import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

// Module-private helpers of the Gateway API constructs (not part of the public API).

/** The port of Istio's HBONE tunnel. */
export const HBONE_PORT = 15008;

/** The GatewayClass of Istio's ambient waypoints. */
export const WAYPOINT_CLASS = 'istio-waypoint';

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Gateway API hostname: lower-case DNS name, optionally with a leading `*.` wildcard label.
 * @internal
 */
export function checkGatewayApiHostname(scope: IConstruct, field: string, value: string, allowWildcard = true): void {
  const ok = value.length > 0 && value.length <= 253 && HOSTNAME.test(value) && (allowWildcard || !value.startsWith('*'));
  if (!ok) {
    invalid(scope, field, value,
      `a hostname must be a lower-case DNS name${allowWildcard ? ', optionally starting with a "*." wildcard label' : ''} (no IP addresses, ports or schemes)`,
      allowWildcard ? 'write e.g. "bookinfo.example.com" or "*.example.com"' : 'write e.g. "bookinfo.example.com"');
  }
}

/**
 * Renders a Duration in the Gateway API duration form `^([0-9]{1,5}(h|m|s|ms)){1,4}$`,
 * e.g. "10s", "1m30s", "2h", "1s500ms". Zero ("0s") is allowed: it disables the timeout.
 * @internal
 */
export function renderGatewayApiDuration(scope: IConstruct, field: string, duration: Duration | undefined): string | undefined {
  if (renderDuration(scope, field, duration, { allowZero: true }) === undefined) return undefined;
  let ms = duration!.toMilliseconds();
  if (ms === 0) return '0s';
  const parts: string[] = [];
  const units: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    ms -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  if (parts.some((p) => /^[0-9]{6,}/.test(p))) {
    invalid(scope, field, parts.join(''), 'the Gateway API limits each duration unit to 5 digits (at most 99999h)', 'use a shorter timeout');
  }
  return parts.join('');
}
