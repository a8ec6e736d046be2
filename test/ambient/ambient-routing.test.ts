// CanaryService and ServiceResilience in ambient mode: per-version Services, an HTTPRoute
// attached to the Service (weights, overrides, mirror, timeout) applied by the waypoint, the
// traffic policy on per-version DestinationRules, and what a standard HTTPRoute cannot carry.
import { Duration, Testing } from 'cdk8s';
import { Protocol } from '../../src/core/protocol';
import { StringMatch } from '../../src/networking/route-string-match';
import { CanaryService } from '../../src/patterns/canary-service';
import { FaultInjection, RequestMatch } from '../../src/patterns/fault-injection';
import { MeshService } from '../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../src/patterns/mtls-namespace';
import { CircuitBreaker, RetryPolicy, ServiceResilience } from '../../src/patterns/resilience';

const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const v = (version: string) => ({ version, image: `reviews:${version}` });

function ambient(waypoint = true) {
  const ns = new MtlsNamespace(Testing.app(), 'bookinfo', { dataplaneMode: DataplaneMode.AMBIENT });
  if (waypoint) ns.addWaypoint();
  return ns;
}

describe('CanaryService in ambient mode', () => {
  test('reproduces Istio\'s ambient route-reviews-90-10 (HTTPRoute on the Service, version Services)', () => {
    const ns = ambient();
    new CanaryService(ns, 'reviews', { port: 9080, stable: v('v1'), canary: v('v2'), canaryWeight: 10 });
    const objects = Testing.synth(ns);
    expect(objects.filter((o) => o.kind === 'VirtualService')).toEqual([]);
    const route = named(objects, 'HTTPRoute', 'reviews');
    expect(route.spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
    expect(named(objects, 'Service', 'reviews-v1').spec.selector).toEqual({ app: 'reviews', version: 'v1' });
    expect(named(objects, 'Service', 'reviews-v2').spec.selector).toEqual({ app: 'reviews', version: 'v2' });
    // mTLS traffic policy on each backend host the waypoint connects to
    expect(named(objects, 'DestinationRule', 'reviews-v2').spec).toEqual({ host: 'reviews-v2.bookinfo.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
  });

  test('overrides become HTTPRoute matches with Istio\'s meaning; mirror, timeout; promote and rollback', () => {
    const ns = ambient();
    const canary = new CanaryService(ns, 'reviews', {
      port: 9080,
      stable: v('v1'),
      canary: v('v2'),
      canaryWeight: 20,
      canaryFor: [RequestMatch.user('jason'), RequestMatch.header('x-beta', StringMatch.prefix('yes.')), RequestMatch.cookie('beta', 'on')],
      mirrorPercentage: 5,
      timeout: Duration.seconds(3),
      circuitBreaker: CircuitBreaker.standard(),
    });
    let rules = named(Testing.synth(ns), 'HTTPRoute', 'reviews').spec.rules;
    expect(rules[0].matches).toEqual([
      { headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] },
      { headers: [{ type: 'RegularExpression', name: 'x-beta', value: 'yes\\..*' }] },
      { headers: [{ type: 'RegularExpression', name: 'cookie', value: expect.stringContaining('beta=on') }] },
    ]);
    expect(rules[0].backendRefs).toEqual([{ name: 'reviews-v2', port: 9080 }]);
    expect(rules[0].timeouts).toEqual({ request: '3s' });
    expect(rules[1].filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-v2', port: 9080 }, percent: 5 } }]);
    expect(rules[1].backendRefs.map((b: any) => b.weight)).toEqual([80, 20]);

    canary.promote();
    rules = named(Testing.synth(ns), 'HTTPRoute', 'reviews').spec.rules;
    expect(rules[1]).toEqual({ backendRefs: [{ name: 'reviews-v2', port: 9080 }], timeouts: { request: '3s' } });
    canary.rollback();
    rules = named(Testing.synth(ns), 'HTTPRoute', 'reviews').spec.rules;
    expect(rules.map((r: any) => r.backendRefs)).toEqual([[{ name: 'reviews-v1', port: 9080 }], [{ name: 'reviews-v1', port: 9080 }]]);
    canary.updateCanaryWeight(50);
    rules = named(Testing.synth(ns), 'HTTPRoute', 'reviews').spec.rules;
    expect(rules[1].backendRefs.map((b: any) => b.weight)).toEqual([50, 50]);
    expect(canary.virtualService).toBeUndefined();
    expect(canary.versionDestinationRules.map((d) => d.name)).toEqual(['reviews-v1', 'reviews-v2']);
  });

  test('without a waypoint synthesis fails, naming addWaypoint and useWaypoint', () => {
    const ns = ambient(false);
    new CanaryService(ns, 'reviews', { port: 9080, stable: v('v1'), canary: v('v2'), canaryWeight: 10 });
    expect(() => Testing.synth(ns)).toThrow(/\[bookinfo\/reviews\] httpRoute "reviews" is invalid: in the ambient namespace "bookinfo" no waypoint serves the service "reviews".*Fix: give the namespace a waypoint with addWaypoint\(\).*useWaypoint/);
  });

  test('a per-service waypoint added later serves the canary', () => {
    const ns = ambient(false);
    const canary = new CanaryService(ns, 'reviews', { port: 9080, stable: v('v1'), canary: v('v2') });
    canary.service.useWaypoint(ns.addWaypoint('reviews-waypoint', { useForNamespace: false }));
    expect(named(Testing.synth(ns), 'Service', 'reviews').metadata.labels['istio.io/use-waypoint']).toBe('reviews-waypoint');
  });

  test.each([
    ['retries', { retries: RetryPolicy.standard() }, /\[bookinfo\/reviews\] retries 3 is invalid: in ambient mode a waypoint routes with a standard-channel Gateway API HTTPRoute \(v1\.5\.1\), which has no retry policy\. Fix: leave it out in ambient mode/],
    ['faults', { faultInjection: FaultInjection.abort(503, { percentage: 10 }) }, /faultInjection "abort" is invalid: in ambient mode a waypoint routes with a Gateway API HTTPRoute, which cannot inject faults/],
    ['fractional mirror', { mirrorPercentage: 0.5 }, /mirrorPercentage 0.5 is invalid: an HTTPRoute mirrors a whole percentage of requests\. Fix: round it, e\.g\. 1/],
    ['TCP', { protocol: Protocol.TCP }, /protocol "TCP" is invalid: in ambient mode .*TCPRoute/],
    ['source labels', { canaryFor: [RequestMatch.of({ sourceLabels: { app: 'tester' } })] }, /canaryFor\[0\]\.sourceLabels .* is invalid: a Gateway API HTTPRoute .* has no such request condition/],
  ])('what a standard HTTPRoute cannot carry is refused: %s', (_name, extra, message) => {
    const ns = ambient();
    expect(() => new CanaryService(ns, 'reviews', { port: 9080, stable: v('v1'), canary: v('v2'), ...extra as any })).toThrow(message);
  });
});

describe('ServiceResilience in ambient mode', () => {
  test('the traffic policy stays a DestinationRule; the timeout becomes an HTTPRoute on the Service', () => {
    const ns = ambient();
    const ratings = new MeshService(ns, 'ratings', { port: 9080, image: 'ratings:1' });
    const r = new ServiceResilience(ns, 'ratings-resilience', { service: ratings, circuitBreaker: CircuitBreaker.standard(), timeout: Duration.seconds(2) });
    const objects = Testing.synth(ns);
    expect(r.virtualService).toBeUndefined();
    expect(named(objects, 'DestinationRule', 'ratings').spec.trafficPolicy.outlierDetection).toBeDefined();
    expect(named(objects, 'HTTPRoute', 'ratings').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'ratings' }],
      rules: [{ backendRefs: [{ name: 'ratings', port: 9080 }], timeouts: { request: '2s' } }],
    });
  });

  test('retries are refused, and a timeout without a waypoint fails at synth', () => {
    const ns = ambient(false);
    const ratings = new MeshService(ns, 'ratings', { port: 9080, image: 'ratings:1' });
    expect(() => new ServiceResilience(ns, 'a', { service: ratings, retries: RetryPolicy.standard() })).toThrow(/retries 3 is invalid: in ambient mode a waypoint routes with a standard-channel Gateway API HTTPRoute/);
    new ServiceResilience(ns, 'b', { service: ratings, timeout: Duration.seconds(2) });
    expect(() => Testing.synth(ns)).toThrow(/\[bookinfo\/b\] timeout "2s" is invalid: in the ambient namespace "bookinfo" no waypoint serves the service "ratings".*Fix: give the namespace a waypoint/);
  });
});
