import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { formatMillis, renderDuration } from '../../src/core/duration';

function scope(): Construct {
  return new Construct(Testing.chart(), 'dr');
}

describe('renderDuration', () => {
  test('undefined stays undefined', () => {
    expect(renderDuration(scope(), 'timeout', undefined)).toBeUndefined();
  });

  test.each([
    [Duration.millis(1), '1ms'],
    [Duration.millis(250), '250ms'],
    [Duration.millis(1500), '1500ms'],
    [Duration.seconds(1), '1s'],
    [Duration.seconds(1.5), '1500ms'],
    [Duration.seconds(90), '90s'],
    [Duration.seconds(120), '2m'],
    [Duration.minutes(5), '5m'],
    [Duration.minutes(90), '90m'],
    [Duration.hours(1), '1h'],
    [Duration.hours(36), '36h'],
    [Duration.days(1), '24h'],
  ])('%s renders as %s', (d, expected) => {
    expect(renderDuration(scope(), 'timeout', d)).toBe(expected);
  });

  test('the rendered string is a Go duration that parses back to the same milliseconds', () => {
    const units: { [u: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    for (const ms of [1, 999, 1000, 59_000, 60_000, 61_000, 3_600_000, 5_400_000, 86_400_000]) {
      const s = renderDuration(scope(), 'f', Duration.millis(ms))!;
      const m = /^(\d+)(ms|s|m|h)$/.exec(s);
      expect(m).not.toBeNull();
      expect(Number(m![1]) * units[m![2]]).toBe(ms);
    }
  });

  test('allowZero permits 0 and renders "0s"', () => {
    expect(renderDuration(scope(), 'idleTimeout', Duration.seconds(0), { allowZero: true })).toBe('0s');
  });

  describe('bad input', () => {
    test('zero is rejected by default, naming path, field, value and fix', () => {
      const s = scope();
      expect(() => renderDuration(s, 'timeout', Duration.seconds(0)))
        .toThrow('[test/dr] timeout "0ms" is invalid: Istio requires a duration of at least 1ms, in whole milliseconds. Fix: use e.g. Duration.millis(500) or Duration.seconds(2)');
    });

    test('a fractional number of milliseconds is rejected', () => {
      // cdk8s' own Duration.toMilliseconds() rejects sub-millisecond amounts before
      // renderDuration's check runs (see report: the message lacks the construct path).
      expect(() => renderDuration(scope(), 'timeout', Duration.millis(1.5))).toThrow(/\[test\/dr\] timeout "1.5ms" is invalid: .*whole milliseconds/);
      expect(() => renderDuration(scope(), 'timeout', Duration.seconds(0.0005))).toThrow(/\[test\/dr\] timeout "0.5ms" is invalid/);
    });
  });
});

describe('formatMillis', () => {
  test('chooses the largest unit that divides exactly', () => {
    expect(formatMillis(0)).toBe('0s');
    expect(formatMillis(5)).toBe('5ms');
    expect(formatMillis(1001)).toBe('1001ms');
    expect(formatMillis(30_000)).toBe('30s');
    expect(formatMillis(7_200_000)).toBe('2h');
    expect(formatMillis(7_260_000)).toBe('121m');
  });
});
