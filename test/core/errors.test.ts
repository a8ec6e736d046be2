import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid, invalidMessage, showValue } from '../../src/core/errors';

describe('showValue', () => {
  test('quotes strings, JSON-encodes numbers, booleans, arrays and objects', () => {
    expect(showValue('reviews')).toBe('"reviews"');
    expect(showValue('')).toBe('""');
    expect(showValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(showValue(42)).toBe('42');
    expect(showValue(true)).toBe('true');
    expect(showValue(null)).toBe('null');
    expect(showValue([1, 'a'])).toBe('[1,"a"]');
    expect(showValue({ app: 'reviews' })).toBe('{"app":"reviews"}');
  });

  test('shows undefined as the word undefined', () => {
    expect(showValue(undefined)).toBe('undefined');
  });

  test('falls back to String() for values JSON cannot encode', () => {
    expect(showValue(BigInt(7))).toBe('7');
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(showValue(cyclic)).toBe('[object Object]');
  });
});

describe('invalidMessage / invalid', () => {
  test('message names construct path, field, value, problem and fix', () => {
    const chart = Testing.chart();
    const scope = new Construct(new Construct(chart, 'bookinfo'), 'reviews');
    expect(invalidMessage(scope, 'route weight', 120, 'weights must be between 0 and 100', 'use 0-100'))
      .toBe('[test/bookinfo/reviews] route weight 120 is invalid: weights must be between 0 and 100. Fix: use 0-100');
  });

  test('invalid() throws an Error carrying exactly that message', () => {
    const chart = Testing.chart();
    const scope = new Construct(chart, 'vs');
    let caught: unknown;
    try {
      invalid(scope, 'host', 'https://x', 'no schemes', 'write "x"');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe('[test/vs] host "https://x" is invalid: no schemes. Fix: write "x"');
  });

  test('the chart itself can be the scope', () => {
    const chart = Testing.chart();
    expect(() => invalid(chart, 'f', { a: 1 }, 'p', 'x')).toThrow('[test] f {"a":1} is invalid: p. Fix: x');
  });
});
