import { Chart, Duration, Testing } from 'cdk8s';
import { Protocol } from '../../src';
import {
  checkPercentile, cleanNumber, errorRatioQuery, failureMatcher, latencyQuery, quantileOf, renderPromDuration, requestRateQuery, serviceMatchers,
} from '../../src/patterns/observability-internal';

const http = { name: 'reviews', namespace: 'bookinfo', protocol: Protocol.HTTP };
const grpc = { name: 'catalog', namespace: 'shop', protocol: Protocol.GRPC };

describe('PromQL generation', () => {
  test.each([[50, 0.5], [90, 0.9], [99, 0.99], [99.9, 0.999], [99.99, 0.9999], [0.1, 0.001]])('percentile %p is quantile %p without float noise', (p, q) => {
    expect(quantileOf(p)).toBe(String(q));
  });

  test('cleanNumber drops float noise', () => {
    expect(cleanNumber(0.1 + 0.2)).toBe('0.3');
    expect(cleanNumber(0.07 * 100)).toBe('7');
  });

  test.each([
    [Duration.minutes(5), '5m'], [Duration.seconds(90), '90s'], [Duration.hours(2), '2h'], [Duration.millis(1500), '1500ms'], [Duration.minutes(90), '90m'],
  ])('duration %p renders as %p, which the CRD duration pattern accepts', (d, text) => {
    const chart = new Chart(Testing.app(), 'c');
    const out = renderPromDuration(chart, 'f', d);
    expect(out).toBe(text);
    expect(out).toMatch(/^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/);
  });

  test('matchers name the reporter and the service, extra matchers last', () => {
    expect(serviceMatchers(http, 'source', ['x="y"'])).toBe('reporter="source", destination_service_namespace="bookinfo", destination_service_name="reviews", x="y"');
  });

  test('failures are 5xx for HTTP and server-error statuses for gRPC', () => {
    expect(failureMatcher(http)).toBe('response_code=~"5.."');
    expect(failureMatcher(grpc)).toBe('grpc_response_status=~"2|4|12|13|14|15"');
  });

  test('queries use the window and aggregate as asked', () => {
    expect(requestRateQuery(http, 'destination', '1m', 'response_code')).toBe(`sum by (response_code) (rate(istio_requests_total{${serviceMatchers(http, 'destination')}}[1m]))`);
    const ratio = errorRatioQuery(grpc, 'destination', '3m');
    expect(ratio.split(' / ')).toEqual([
      requestRateQuery(grpc, 'destination', '3m', 'destination_service_namespace, destination_service_name', [failureMatcher(grpc)]),
      requestRateQuery(grpc, 'destination', '3m', 'destination_service_namespace, destination_service_name'),
    ]);
    expect(latencyQuery(http, 'waypoint', '2m', 95)).toBe(`histogram_quantile(0.95, sum by (le, destination_service_namespace, destination_service_name) (rate(istio_request_duration_milliseconds_bucket{${serviceMatchers(http, 'waypoint')}}[2m])))`);
  });

  test('parentheses of every query are balanced', () => {
    for (const q of [errorRatioQuery(http, 'destination', '5m'), latencyQuery(http, 'destination', '5m', 99), requestRateQuery(grpc, 'source', '5m', 'le')]) {
      let depth = 0;
      for (const ch of q) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });

  describe('bad input', () => {
    test('a zero duration', () => {
      const chart = new Chart(Testing.app(), 'c');
      expect(() => renderPromDuration(chart, 'window', Duration.seconds(0))).toThrow(/\[c\] window "0ms" is invalid: the duration must be positive.*Fix:/);
    });
    test.each([0, 100, -1, NaN, Infinity])('percentile %p', (p) => {
      const chart = new Chart(Testing.app(), 'c');
      expect(() => checkPercentile(chart, 'percentile', p)).toThrow(/\[c\] percentile .* is invalid: a percentile must be a number strictly between 0 and 100/);
    });
  });
});
