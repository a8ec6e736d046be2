import { Duration, Testing } from 'cdk8s';
import { HttpRetry, HttpRetryOn } from '../../src/networking/route-retry';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderRetries(retries: HttpRetry): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }], retries }] });
  return Testing.synth(chart)[0].spec.http[0].retries;
}

describe('HttpRetry', () => {
  test('typed conditions, status codes and every option', () => {
    expect(renderRetries({
      attempts: 3,
      perTryTimeout: Duration.millis(500),
      retryOn: [HttpRetryOn.SERVER_ERROR_5XX, HttpRetryOn.RESET, HttpRetryOn.statusCode(503), HttpRetryOn.of('retriable-status-codes')],
      retryRemoteLocalities: true,
      retryIgnorePreviousHosts: false,
      backoff: Duration.millis(50),
    })).toEqual({
      attempts: 3,
      perTryTimeout: '500ms',
      retryOn: '5xx,reset,503,retriable-status-codes',
      retryRemoteLocalities: true,
      retryIgnorePreviousHosts: false,
      backoff: '50ms',
    });
  });

  test('retryOn parsed from Istio\'s comma-separated string', () => {
    const retryOn = HttpRetryOn.parse('connect-failure, refused-stream,unavailable,cancelled,deadline-exceeded');
    expect(retryOn.map((c) => c.condition)).toEqual(['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'deadline-exceeded']);
    expect(renderRetries({ attempts: 2, retryOn }).retryOn).toEqual('connect-failure,refused-stream,unavailable,cancelled,deadline-exceeded');
  });

  test('attempts 0 disables retries', () => {
    expect(renderRetries({ attempts: 0 })).toEqual({ attempts: 0 });
  });

  describe('bad input', () => {
    test('istiod admission: 0 attempts with retry settings is refused; 0 attempts alone or 1 attempt with them is accepted', () => {
      expect(() => renderRetries({ attempts: 0, perTryTimeout: Duration.seconds(2), retryOn: HttpRetryOn.parse('connect-failure') }))
        .toThrow('[test/vs] http[0].retries.attempts 0 is invalid: 0 attempts disables retries, and istiod refuses a retry policy that also sets perTryTimeout, retryOn. Fix: give at least 1 attempt, or leave out perTryTimeout, retryOn to turn retries off');
      expect(renderRetries({ attempts: 0 })).toEqual({ attempts: 0 });
      expect(renderRetries({ attempts: 1, perTryTimeout: Duration.seconds(2) })).toEqual({ attempts: 1, perTryTimeout: '2s' });
    });

    test('negative attempts', () => {
      expect(() => renderRetries({ attempts: -1 })).toThrow(/\[test\/vs\] http\[0\].retries.attempts -1 is invalid: it must be an integer of at least 0/);
    });

    test('unknown retry condition', () => {
      expect(() => renderRetries({ attempts: 3, retryOn: HttpRetryOn.parse('gateway-error,timeout') }))
        .toThrow(/http\[0\].retries.retryOn\[1\] "timeout" is invalid: it is neither a known Envoy retry condition nor an HTTP status code/);
    });

    test('status code out of range', () => {
      expect(() => renderRetries({ attempts: 3, retryOn: [HttpRetryOn.statusCode(999)] })).toThrow(/retryOn\[0\] "999" is invalid/);
    });

    test('per-try timeout below 1ms', () => {
      expect(() => renderRetries({ attempts: 3, perTryTimeout: Duration.millis(0) })).toThrow(/http\[0\].retries.perTryTimeout "0ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('condition listed twice', () => {
      expect(() => renderRetries({ attempts: 3, retryOn: [HttpRetryOn.RESET, HttpRetryOn.RESET] })).toThrow(/retries.retryOn "reset" is invalid: the condition is listed twice/);
    });

    test('empty retryOn list', () => {
      expect(() => renderRetries({ attempts: 3, retryOn: [] })).toThrow(/retries.retryOn \[\] is invalid: the list must not be empty/);
    });
  });
});
