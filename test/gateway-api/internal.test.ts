import { Duration, Testing } from 'cdk8s';
import { checkGatewayApiHostname, renderGatewayApiDuration } from '../../src/gateway-api/internal';

describe('Gateway API helpers', () => {
  test('durations in the Gateway API form', () => {
    const chart = Testing.chart();
    const r = (d: Duration) => renderGatewayApiDuration(chart, 't', d);
    expect(r(Duration.seconds(0))).toBe('0s');
    expect(r(Duration.millis(250))).toBe('250ms');
    expect(r(Duration.seconds(90))).toBe('1m30s');
    expect(r(Duration.hours(2))).toBe('2h');
    expect(r(Duration.millis(3_723_004))).toBe('1h2m3s4ms');
    expect(renderGatewayApiDuration(chart, 't', undefined)).toBeUndefined();
  });

  describe('bad input', () => {
    test('duration beyond 99999h', () => {
      expect(() => renderGatewayApiDuration(Testing.chart(), 'timeout', Duration.hours(100_000))).toThrow(/\[test\] timeout "100000h" is invalid: the Gateway API limits each duration unit to 5 digits/);
    });

    test('sub-millisecond duration', () => {
      expect(() => renderGatewayApiDuration(Testing.chart(), 'timeout', Duration.millis(0.5))).toThrow(/timeout "0.5ms" is invalid/);
    });

    test('wildcard where none is allowed', () => {
      expect(() => checkGatewayApiHostname(Testing.chart(), 'h', '*.a.com', false)).toThrow(/h "\*\.a\.com" is invalid/);
    });
  });
});
