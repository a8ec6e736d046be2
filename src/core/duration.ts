import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Renders a cdk8s Duration as an Istio / Gateway API duration string ("90s", "5m",
 * "250ms", "1h"), the Go `time.ParseDuration` form both APIs accept.
 *
 * Istio rejects durations below 1ms in most fields, so by default a duration must be
 * at least 1ms; pass `allowZero` for fields where 0 has a meaning.
 * @internal
 */
export function renderDuration(
  scope: IConstruct,
  field: string,
  duration: Duration | undefined,
  opts: { allowZero?: boolean } = {},
): string | undefined {
  if (duration === undefined) return undefined;
  if (duration === null || typeof (duration as Partial<Duration>).toMilliseconds !== 'function') {
    invalid(scope, field, duration, 'a duration must be a cdk8s Duration, not a string or a number', "use e.g. Duration.seconds(10) (import { Duration } from 'cdk8s')");
  }
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 0 || (!opts.allowZero && ms < 1) || !Number.isInteger(ms)) {
    invalid(scope, field, `${ms}ms`, opts.allowZero ? 'a duration must be a whole number of milliseconds, 0 or more' : 'Istio requires a duration of at least 1ms, in whole milliseconds', 'use e.g. Duration.millis(500) or Duration.seconds(2)');
  }
  return formatMillis(ms);
}

/** @internal */
export function formatMillis(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
