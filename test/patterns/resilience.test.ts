import { Chart, Duration, Testing } from 'cdk8s';
import { HttpRetryOn, LoadBalancer, Protocol, SimpleLoadBalancer } from '../../src';
import { FaultInjection, RequestMatch } from '../../src/patterns/fault-injection';
import { MeshService } from '../../src/patterns/mesh-service';
import { CircuitBreaker, RetryPolicy, ServiceResilience, ServiceResilienceProps } from '../../src/patterns/resilience';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

function ratings(chart: Chart, protocol?: Protocol): MeshService {
  return new MeshService(chart, 'ratings', {
    port: 9080,
    protocol,
    versions: [
      { version: 'v1', image: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3' },
      { version: 'v2', image: 'docker.io/istio/examples-bookinfo-ratings-v2:1.20.3' },
    ],
  });
}

function resilience(chart: Chart, props: Partial<ServiceResilienceProps> = {}, service?: MeshService): ServiceResilience {
  return new ServiceResilience(chart, 'ratings-resilience', { service: service ?? ratings(chart), ...props });
}

function istio(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o) => o.kind === kind);
}

describe('ServiceResilience', () => {
  test('default configuration (snapshot): a DestinationRule requiring mTLS, no routes', () => {
    const chart = bookinfo();
    const r = resilience(chart);
    expect(r.virtualService).toBeUndefined();
    const out = Testing.synth(chart).filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    expect(out.map((o) => o.kind)).toEqual(['DestinationRule']);
    expect(out[0].spec).toEqual({ host: 'ratings.bookinfo.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(out).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const chart = bookinfo();
    const r = resilience(chart, {
      circuitBreaker: CircuitBreaker.standard(),
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
      retries: RetryPolicy.idempotent({ attempts: 2, perTryTimeout: Duration.millis(1500) }),
      timeout: Duration.seconds(5),
      faultInjection: FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.user('jason') }),
    });
    expect(r.destinationRule).toBeDefined();
    expect(r.virtualService).toBeDefined();
    const out = Testing.synth(chart).filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    expect(out.map((o) => o.kind)).toEqual(['DestinationRule', 'VirtualService']);
    expect(out).toMatchSnapshot();
  });

  test('routes every version of the service: no subsets, one host', () => {
    const chart = bookinfo();
    const service = ratings(chart);
    resilience(chart, { timeout: Duration.seconds(2), faultInjection: FaultInjection.abort(500, { percentage: 10 }) }, service);
    const [vs] = istio(chart, 'VirtualService');
    expect(vs.metadata).toEqual({ name: 'ratings', namespace: 'bookinfo' });
    expect(vs.spec.hosts).toEqual([service.host]);
    for (const rule of vs.spec.http) {
      expect(rule.route).toEqual([{ destination: { host: service.host } }]);
    }
    expect(vs.spec.http).toEqual([{
      name: 'default',
      route: [{ destination: { host: service.host } }],
      timeout: '2s',
      fault: { abort: { httpStatus: 500, percentage: { value: 10 } } },
    }]);
  });

  test('a scoped fault gets its own rule before the default route', () => {
    const chart = bookinfo();
    resilience(chart, { faultInjection: FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.user('jason') }) });
    const [vs] = istio(chart, 'VirtualService');
    expect(vs.spec.http.map((r: any) => [r.name, r.match, r.fault])).toEqual([
      ['fault-injection', [{ headers: { 'end-user': { exact: 'jason' } } }], { delay: { fixedDelay: '7s', percentage: { value: 100 } } }],
      ['default', undefined, undefined],
    ]);
  });

  test('the DestinationRule and VirtualService are named after the service, in its namespace', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    const svc = new MeshService(chart, 'details', { namespace: 'bookinfo', port: 9080, image: 'details:1' });
    resilience(chart, { retries: RetryPolicy.standard() }, svc);
    const out = Testing.synth(chart).filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    expect(out.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['DestinationRule', 'details', 'bookinfo'],
      ['VirtualService', 'details', 'bookinfo'],
    ]);
    expect(out[0].spec.host).toBe('details.bookinfo.svc.cluster.local');
  });

  test('a TCP service takes a circuit breaker', () => {
    const chart = bookinfo();
    resilience(chart, { circuitBreaker: CircuitBreaker.of({ connectionPool: { tcp: { maxConnections: 10 } } }) }, ratings(chart, Protocol.TCP));
    const [dr] = istio(chart, 'DestinationRule');
    expect(dr.spec.trafficPolicy).toEqual({ connectionPool: { tcp: { maxConnections: 10 } }, tls: { mode: 'ISTIO_MUTUAL' } });
  });

  test('secure by default: clients must use Istio mTLS; opting out is explicit', () => {
    const chart = bookinfo();
    resilience(chart, { circuitBreaker: CircuitBreaker.standard() });
    expect(istio(chart, 'DestinationRule')[0].spec.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
    const other = bookinfo();
    resilience(other, { circuitBreaker: CircuitBreaker.standard(), requireMutualTls: false });
    expect(istio(other, 'DestinationRule')[0].spec.trafficPolicy.tls).toBeUndefined();
  });

  describe('bad input', () => {
    test('nothing to configure', () => {
      expect(() => resilience(bookinfo(), { requireMutualTls: false }))
        .toThrow(/\[bookinfo\/ratings-resilience\] options "none" is invalid: nothing to configure.*Fix: give at least one option/);
    });

    test('retries on a TCP service', () => {
      const chart = bookinfo();
      expect(() => resilience(chart, { retries: RetryPolicy.standard() }, ratings(chart, Protocol.TCP)))
        .toThrow(/\[bookinfo\/ratings-resilience\] retries "TCP" is invalid: retries, timeouts and fault injection act on HTTP requests.*Fix: remove the option, or give the service an HTTP/);
    });

    test('an empty circuit breaker', () => {
      expect(() => resilience(bookinfo(), { circuitBreaker: CircuitBreaker.of({}) }))
        .toThrow(/\[bookinfo\/ratings-resilience\] circuitBreaker \{\} is invalid: a circuit breaker needs connection-pool limits, outlier detection, or both\. Fix: use CircuitBreaker.standard\(\)/);
    });

    test('a per-try timeout longer than the timeout', () => {
      const retries = RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(3) });
      expect(() => resilience(bookinfo(), { retries, timeout: Duration.seconds(1) }))
        .toThrow(/\[bookinfo\/ratings-resilience\] retries.perTryTimeout "3s" is invalid: it is longer than the request timeout \(1s\)/);
    });

    test('a negative number of retries', () => {
      expect(() => resilience(bookinfo(), { retries: RetryPolicy.of({ attempts: -1 }) }))
        .toThrow(/\[bookinfo\/ratings-resilience\/VirtualService\] http\[0\].retries.attempts -1 is invalid: it must be an integer of at least 0/);
    });

    test('an ejection percentage above 100', () => {
      expect(() => resilience(bookinfo(), { circuitBreaker: CircuitBreaker.of({ outlierDetection: { maxEjectionPercent: 150 } }) }))
        .toThrow(/\[bookinfo\/ratings-resilience\/DestinationRule\] trafficPolicy.outlierDetection.maxEjectionPercent 150 is invalid: a percentage must be an integer from 0 to 100/);
    });

    test('a timeout below 1ms', () => {
      expect(() => resilience(bookinfo(), { timeout: Duration.millis(0.5) }))
        .toThrow(/\[bookinfo\/ratings-resilience\] timeout "0.5ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('not a MeshService', () => {
      expect(() => new ServiceResilience(bookinfo(), 'x', { service: 'ratings' as any, retries: RetryPolicy.standard() }))
        .toThrow(/\[bookinfo\/x\] service "ratings" is invalid: it must be a MeshService\. Fix: pass the MeshService/);
    });
  });
});

describe('CircuitBreaker', () => {
  function policyOf(cb: CircuitBreaker): any {
    const chart = bookinfo();
    resilience(chart, { circuitBreaker: cb, requireMutualTls: false });
    return istio(chart, 'DestinationRule')[0].spec.trafficPolicy;
  }

  test('standard(): bounded pools and ejection of failing endpoints, never all of them', () => {
    const p = policyOf(CircuitBreaker.standard());
    expect(p.connectionPool).toEqual({ tcp: { maxConnections: 1024 }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 } });
    expect(p.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 });
    expect(p.outlierDetection.maxEjectionPercent).toBeLessThan(100);
  });

  test('forTesting(): trips on the first concurrent request and the first error', () => {
    const p = policyOf(CircuitBreaker.forTesting());
    expect(p.connectionPool).toEqual({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } });
    expect(p.outlierDetection).toEqual({ consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 });
  });

  test('of(): any connection pool and outlier detection; exposes its parts', () => {
    const cb = CircuitBreaker.of({ outlierDetection: { consecutiveGatewayErrors: 3 } });
    expect(cb.connectionPool).toBeUndefined();
    expect(cb.outlierDetection).toEqual({ consecutiveGatewayErrors: 3 });
    expect(policyOf(cb)).toEqual({ outlierDetection: { consecutiveGatewayErrors: 3 } });
  });

  test('presets are independent values (reusable across services)', () => {
    const chart = bookinfo();
    const cb = CircuitBreaker.standard();
    resilience(chart, { circuitBreaker: cb });
    new ServiceResilience(chart, 'details-resilience', { service: new MeshService(chart, 'details', { port: 9080, image: 'details:1' }), circuitBreaker: cb });
    const drs = istio(chart, 'DestinationRule');
    expect(drs.map((d) => d.spec.host)).toEqual(['ratings.bookinfo.svc.cluster.local', 'details.bookinfo.svc.cluster.local']);
    expect(drs[0].spec.trafficPolicy).toEqual(drs[1].spec.trafficPolicy);
  });
});

describe('RetryPolicy', () => {
  function retriesOf(policy: RetryPolicy): any {
    const chart = bookinfo();
    resilience(chart, { retries: policy });
    return istio(chart, 'VirtualService')[0].spec.http[0].retries;
  }

  // Conditions that can fire after the application received the request.
  const AFTER_DELIVERY = ['5xx', 'gateway-error', 'reset', 'retriable-4xx', 'retriable-status-codes', 'deadline-exceeded', 'internal'];

  test('standard(): only failures before the request reached the application', () => {
    const r = retriesOf(RetryPolicy.standard());
    expect(r).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: 'connect-failure,refused-stream,reset-before-request,unavailable' });
    for (const c of r.retryOn.split(',')) expect(AFTER_DELIVERY).not.toContain(c);
  });

  test('idempotent(): also gateway errors and resets; tunable', () => {
    const r = retriesOf(RetryPolicy.idempotent({ attempts: 5, perTryTimeout: Duration.millis(250) }));
    expect(r).toEqual({ attempts: 5, perTryTimeout: '250ms', retryOn: 'gateway-error,connect-failure,refused-stream,reset,unavailable' });
    expect(r.retryOn.split(',').some((c: string) => AFTER_DELIVERY.includes(c))).toBe(true);
  });

  test('none(): turns Istio\'s default retries off', () => {
    expect(retriesOf(RetryPolicy.none())).toEqual({ attempts: 0 });
  });

  test('of(): any retry policy', () => {
    const p = RetryPolicy.of({ attempts: 1, retryOn: [HttpRetryOn.statusCode(503)], backoff: Duration.millis(100) });
    expect(p.retry.attempts).toBe(1);
    expect(retriesOf(p)).toEqual({ attempts: 1, retryOn: '503', backoff: '100ms' });
  });
});
