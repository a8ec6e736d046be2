import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { ImagePullPolicy, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LoadBalancer, Protocol, SimpleLoadBalancer, StringMatch } from '../../src';
import { CanaryPhase, CanaryService, CanaryServiceProps } from '../../src/patterns/canary-service';
import { FaultInjection, RequestMatch } from '../../src/patterns/fault-injection';
import { MeshService } from '../../src/patterns/mesh-service';
import { CircuitBreaker, RetryPolicy } from '../../src/patterns/resilience';

const STABLE = { version: 'v1', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' };
const CANARY = { version: 'v2', image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3' };

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

function canary(scope: Construct, props: Partial<CanaryServiceProps> = {}, id = 'reviews'): CanaryService {
  return new CanaryService(scope, id, { port: 9080, stable: STABLE, canary: CANARY, ...props });
}

function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

function one(out: any[], kind: string): any {
  const found = out.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The (subset, weight) pairs of a rendered route list. */
function split(rule: any): Array<[string, number | undefined]> {
  return rule.route.map((r: any) => [r.destination.subset, r.weight]);
}

/**
 * The property the pattern guarantees, computed from the manifests alone: every subset
 * a route or mirror of the VirtualService names exists in the DestinationRule of that
 * host, and its labels select pods of a Deployment of the service with at least one
 * replica whenever the destination gets traffic.
 */
function assertRoutesConsistent(out: any[]): number {
  const vs = one(out, 'VirtualService');
  const dr = one(out, 'DestinationRule');
  const deployments = out.filter((o) => o.kind === 'Deployment');
  const service = out.find((o) => o.kind === 'Service' && o.metadata.name === dr.spec.host.split('.')[0]);
  let checked = 0;
  for (const rule of vs.spec.http) {
    const dests = [...rule.route.map((r: any) => ({ ...r.destination, weight: r.weight })), ...(rule.mirror ? [rule.mirror] : [])];
    for (const d of dests) {
      expect(d.host).toBe(dr.spec.host);
      const subset = dr.spec.subsets.find((s: any) => s.name === d.subset);
      expect(subset).toBeDefined();
      const pods = deployments.filter((dep) => {
        const labels = dep.spec.template.metadata.labels;
        const selected = Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);
        return selected && Object.entries(subset.labels).every(([k, v]) => labels[k] === v);
      });
      expect(pods).toHaveLength(1);
      if (d.weight === undefined || d.weight > 0) expect(pods[0].spec.replicas).toBeGreaterThanOrEqual(1);
      checked++;
    }
  }
  return checked;
}

describe('CanaryService', () => {
  test('default configuration (snapshot)', () => {
    const chart = bookinfo();
    canary(chart);
    const out = synth(chart);
    expect(out.map((o) => o.kind)).toEqual(['ServiceAccount', 'Service', 'Deployment', 'Deployment', 'DestinationRule', 'VirtualService']);
    const vs = one(out, 'VirtualService');
    expect(vs.spec.http).toHaveLength(1);
    expect(split(vs.spec.http[0])).toEqual([['v1', 100], ['v2', 0]]);
    expect(out).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const chart = bookinfo();
    const reviews = canary(chart, {
      serviceName: 'reviews',
      namespace: 'bookinfo',
      containerPort: 8080,
      protocol: Protocol.HTTP2,
      serviceAccountName: 'bookinfo-reviews',
      stable: { ...STABLE, replicas: 3, env: { LOG_DIR: '/tmp/logs' } },
      canary: { ...CANARY, replicas: 1, env: { LOG_DIR: '/tmp/logs', STAR_COLOR: 'black' } },
      canaryWeight: 5,
      canaryFor: [RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes'), RequestMatch.userAgent('.*Firefox.*')],
      mirrorPercentage: 12.5,
      circuitBreaker: CircuitBreaker.standard(),
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST),
      retries: RetryPolicy.standard({ attempts: 2, perTryTimeout: Duration.seconds(3) }),
      timeout: Duration.seconds(10),
      faultInjection: FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.header('x-chaos', StringMatch.exact('delay')) }),
    });
    const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'productpage:1.20.3' });
    reviews.service.allowFrom(productpage, { methods: ['GET'] });
    const out = synth(chart);
    expect(one(out, 'VirtualService').spec.http.map((r: any) => r.name)).toEqual(['fault-injection-override', 'fault-injection', 'override', 'default']);
    expect(assertRoutesConsistent(out)).toBeGreaterThan(0);
    expect(out).toMatchSnapshot();
  });

  test('takes the same Service options as MeshService: port name, container-only ports, external traffic policy', () => {
    const chart = bookinfo();
    canary(chart, { portName: 'http-web', containerPorts: [{ number: 9090, name: 'metrics' }], serviceAccountName: 'reviews-sa' });
    const out = synth(chart);
    expect(one(out, 'Service').spec.ports).toEqual([{ name: 'http-web', port: 9080, targetPort: 9080, appProtocol: 'http' }]);
    for (const d of out.filter((o) => o.kind === 'Deployment')) {
      expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 9080, name: 'http-web' }, { containerPort: 9090, name: 'metrics' }]);
      expect(d.spec.template.spec.serviceAccountName).toBe('reviews-sa');
    }
  });

  test('over TCP: a weighted tcp route between the subsets, following later weight changes, promotion and rollback', () => {
    const chart = bookinfo();
    const c = canary(chart, { protocol: Protocol.TCP, port: 5432, canaryWeight: 20, circuitBreaker: CircuitBreaker.standard() });
    const tcp = () => one(synth(chart), 'VirtualService').spec;
    expect(tcp().http).toBeUndefined();
    expect(tcp().tcp).toEqual([{
      route: [
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 80 },
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 20 },
      ],
    }]);
    expect(one(synth(chart), 'DestinationRule').spec.subsets.map((x: any) => x.name)).toEqual(['v1', 'v2']);
    expect(one(synth(chart), 'Service').spec.ports[0]).toMatchObject({ name: 'tcp', appProtocol: 'tcp' });
    c.updateCanaryWeight(50);
    expect(tcp().tcp[0].route.map((r: any) => r.weight)).toEqual([50, 50]);
    c.promote();
    expect(tcp().tcp[0].route).toEqual([{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' } }]);
    c.rollback();
    expect(tcp().tcp[0].route).toEqual([{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' } }]);
  });

  test('the weighted route sends canaryWeight% to the canary and the rest to stable, for every weight', () => {
    for (const weight of [0, 1, 5, 37, 50, 99, 100]) {
      const chart = bookinfo();
      canary(chart, { canaryWeight: weight });
      const out = synth(chart);
      const [stable, can] = split(one(out, 'VirtualService').spec.http[0]);
      expect(can).toEqual(['v2', weight]);
      expect(stable).toEqual(['v1', 100 - weight]);
      assertRoutesConsistent(out);
    }
  });

  test('subsets are the version labels of the pods, one per version', () => {
    const chart = bookinfo();
    canary(chart, { stable: { version: 'stable-1', image: 'a:1' }, canary: { version: 'next', image: 'a:2' } });
    const out = synth(chart);
    expect(one(out, 'DestinationRule').spec.subsets).toEqual([
      { name: 'stable-1', labels: { version: 'stable-1' } },
      { name: 'next', labels: { version: 'next' } },
    ]);
    const podVersions = out.filter((o) => o.kind === 'Deployment').map((d) => d.spec.template.metadata.labels.version);
    expect(podVersions).toEqual(['stable-1', 'next']);
    assertRoutesConsistent(out);
  });

  test('updateCanaryWeight, promote and rollback change the routes, which stay consistent', () => {
    const chart = bookinfo();
    const reviews = canary(chart, { canaryWeight: 5, canaryFor: [RequestMatch.user('jason')], mirrorPercentage: 20 });
    const rules = () => one(synth(chart), 'VirtualService').spec.http;

    expect(reviews.updateCanaryWeight(50)).toBe(reviews);
    expect([reviews.phase, reviews.canaryWeight, reviews.stableWeight]).toEqual([CanaryPhase.SPLIT, 50, 50]);
    expect(split(rules()[1])).toEqual([['v1', 50], ['v2', 50]]);
    expect(rules()[1].mirror).toEqual({ host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' });

    expect(reviews.promote()).toBe(reviews);
    expect([reviews.phase, reviews.canaryWeight, reviews.stableWeight]).toEqual([CanaryPhase.PROMOTED, 100, 0]);
    let out = synth(chart);
    assertRoutesConsistent(out);
    let http = one(out, 'VirtualService').spec.http;
    expect(http.map(split)).toEqual([[['v2', undefined]], [['v2', undefined]]]);
    expect(http[1].mirror).toBeUndefined();
    expect(http[1].mirrorPercentage).toBeUndefined();

    expect(reviews.rollback()).toBe(reviews);
    expect([reviews.phase, reviews.canaryWeight, reviews.stableWeight]).toEqual([CanaryPhase.ROLLED_BACK, 0, 100]);
    out = synth(chart);
    assertRoutesConsistent(out);
    http = one(out, 'VirtualService').spec.http;
    expect(http.map(split)).toEqual([[['v1', undefined]], [['v1', undefined]]]);
    expect(http[1].mirror).toBeUndefined();

    reviews.updateCanaryWeight(10);
    expect(reviews.phase).toBe(CanaryPhase.SPLIT);
    http = one(synth(chart), 'VirtualService').spec.http;
    expect(split(http[1])).toEqual([['v1', 90], ['v2', 10]]);
    expect(http[1].mirrorPercentage).toEqual({ value: 20 });
  });

  test('A/B overrides are evaluated before the weighted route and go to the canary', () => {
    const chart = bookinfo();
    canary(chart, { canaryWeight: 0, canaryFor: [RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes')] });
    const http = one(synth(chart), 'VirtualService').spec.http;
    expect(http.map((r: any) => r.name)).toEqual(['override', 'default']);
    expect(http[0].match).toEqual([
      { headers: { 'end-user': { exact: 'jason' } } },
      { headers: { cookie: { regex: '^(.*?;\\s*)?beta=yes(;.*)?$' } } },
    ]);
    expect(split(http[0])).toEqual([['v2', undefined]]);
    // Nothing but the override reaches the canary: the weighted rule gives it 0.
    expect(split(http[1])).toEqual([['v1', 100], ['v2', 0]]);
  });

  test('dark launch: mirroring copies a share of the weighted route to the canary', () => {
    const chart = bookinfo();
    canary(chart, { mirrorPercentage: 10 });
    const out = synth(chart);
    const rule = one(out, 'VirtualService').spec.http[0];
    expect(rule.mirror).toEqual({ host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' });
    expect(rule.mirrorPercentage).toEqual({ value: 10 });
    expect(split(rule)).toEqual([['v1', 100], ['v2', 0]]);
    assertRoutesConsistent(out);
  });

  test('a scoped fault hits only matching requests, including those an override sends to the canary', () => {
    const chart = bookinfo();
    canary(chart, {
      canaryWeight: 10,
      canaryFor: [RequestMatch.cookie('beta', 'yes'), RequestMatch.user('bob')],
      faultInjection: FaultInjection.abort(503, { match: RequestMatch.user('jason'), percentage: 50 }),
    });
    const http = one(synth(chart), 'VirtualService').spec.http;
    expect(http.map((r: any) => r.name)).toEqual(['fault-injection-override', 'fault-injection', 'override', 'default']);
    // jason AND beta cookie is kept; jason AND bob can never hold and is dropped.
    expect(http[0].match).toEqual([{ headers: { 'end-user': { exact: 'jason' }, 'cookie': { regex: '^(.*?;\\s*)?beta=yes(;.*)?$' } } }]);
    expect(split(http[0])).toEqual([['v2', undefined]]);
    // jason without the cookie: the weighted split, with the fault.
    expect(http[1].match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    expect(split(http[1])).toEqual([['v1', 90], ['v2', 10]]);
    for (const rule of http.slice(0, 2)) expect(rule.fault).toEqual({ abort: { httpStatus: 503, percentage: { value: 50 } } });
    for (const rule of http.slice(2)) expect(rule.fault).toBeUndefined();
  });

  test('a fault for a user the override already sends to the canary adds no unreachable rule', () => {
    const chart = bookinfo();
    canary(chart, {
      canaryFor: [RequestMatch.user('jason'), RequestMatch.user('alice')],
      faultInjection: FaultInjection.delay(Duration.seconds(7), { match: RequestMatch.user('jason') }),
    });
    const http = one(synth(chart), 'VirtualService').spec.http;
    // jason: canary with the fault; alice: canary; everyone else: the split.
    expect(http.map((r: any) => r.name)).toEqual(['fault-injection-override', 'override', 'default']);
    expect(http[0].match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    expect(http[1].match).toEqual([{ headers: { 'end-user': { exact: 'alice' } } }]);
    expect(http[0].fault).toEqual({ delay: { fixedDelay: '7s', percentage: { value: 100 } } });
    expect(split(http[0])).toEqual([['v2', undefined]]);
  });

  test('an unscoped fault is injected into every rule; retries and timeout too', () => {
    const chart = bookinfo();
    canary(chart, {
      canaryFor: [RequestMatch.user('jason')],
      faultInjection: FaultInjection.delay(Duration.millis(500), { percentage: 5 }),
      retries: RetryPolicy.none(),
      timeout: Duration.seconds(3),
    });
    const http = one(synth(chart), 'VirtualService').spec.http;
    expect(http).toHaveLength(2);
    for (const rule of http) {
      expect(rule.fault).toEqual({ delay: { fixedDelay: '500ms', percentage: { value: 5 } } });
      expect(rule.retries).toEqual({ attempts: 0 });
      expect(rule.timeout).toBe('3s');
    }
  });

  test('exposes its parts and the mesh service (escape hatches)', () => {
    const chart = bookinfo();
    const reviews = canary(chart, { serviceName: 'reviews-svc' }, 'r');
    expect(reviews.service).toBeInstanceOf(MeshService);
    expect(reviews.service.versions).toEqual(['v1', 'v2']);
    expect([reviews.stableVersion, reviews.canaryVersion]).toEqual(['v1', 'v2']);
    expect(reviews.host).toBe('reviews-svc.bookinfo.svc.cluster.local');
    expect(reviews.destinationRule!.subsetNames).toEqual(['v1', 'v2']);
    expect(reviews.virtualService!.hosts).toEqual([reviews.host]);
    expect(reviews.destinationRule!.name).toBe('reviews-svc');
    reviews.virtualService!.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'reviews' }));
    expect(one(synth(chart), 'VirtualService').metadata.labels).toEqual({ team: 'reviews' });
  });

  describe('secure by default', () => {
    test('clients must use Istio mTLS towards both versions (fails closed)', () => {
      const chart = bookinfo();
      canary(chart);
      const dr = one(synth(chart), 'DestinationRule');
      expect(dr.spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
      // No subset overrides the destination policy, so no version can lose mTLS.
      expect(dr.spec.subsets.every((s: any) => s.trafficPolicy === undefined)).toBe(true);
    });

    test('the canary gets no traffic, mirror or fault until asked', () => {
      const chart = bookinfo();
      const reviews = canary(chart);
      expect(reviews.canaryWeight).toBe(0);
      const [rule] = one(synth(chart), 'VirtualService').spec.http;
      expect(split(rule)).toEqual([['v1', 100], ['v2', 0]]);
      expect(rule.mirror).toBeUndefined();
      expect(rule.fault).toBeUndefined();
    });

    test('both versions run non-root, read-only, without privilege escalation, with limits', () => {
      const chart = bookinfo();
      canary(chart);
      const out = synth(chart);
      expect(one(out, 'ServiceAccount').automountServiceAccountToken).toBe(false);
      const deployments = out.filter((o) => o.kind === 'Deployment');
      expect(deployments).toHaveLength(2);
      for (const d of deployments) {
        const [c] = d.spec.template.spec.containers;
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
        });
        expect(c.resources.limits).toBeDefined();
        expect(c.resources.requests).toBeDefined();
      }
    });

    test('requireMutualTls: false leaves TLS to automatic mTLS (explicit opt-out)', () => {
      const chart = bookinfo();
      canary(chart, { requireMutualTls: false });
      expect(one(synth(chart), 'DestinationRule').spec.trafficPolicy).toBeUndefined();
    });
  });

  describe('consistency checked at synth', () => {
    test('a route added through the escape hatch to a subset the DestinationRule lacks', () => {
      const chart = bookinfo();
      const reviews = canary(chart);
      reviews.virtualService!.addHttpRoute({ route: [{ host: reviews.host, subset: 'v3' }] });
      expect(() => synth(chart)).toThrow(/\[bookinfo\/reviews\] virtualService http\[1\].route\[0\].subset "v3" is invalid: the DestinationRule has no such subset \(it has v1, v2\).*Fix: route to the stable or canary version/);
    });

    test('a subset added to the DestinationRule without pods of that version', () => {
      const chart = bookinfo();
      const reviews = canary(chart);
      reviews.destinationRule!.addSubset('v3', { version: 'v3' });
      reviews.virtualService!.addHttpRoute({ route: [{ host: reviews.host, subset: 'v3' }] });
      expect(() => synth(chart)).toThrow(/virtualService http\[1\].route\[0\].subset "v3" is invalid: no Deployment of the service carries version=v3.*Fix: add the version with service.addVersion/);
    });

    test('a subset added with its version is consistent', () => {
      const chart = bookinfo();
      const reviews = canary(chart);
      reviews.destinationRule!.addSubset('v3', { version: 'v3' });
      reviews.virtualService!.addHttpRoute({ route: [{ host: reviews.host, subset: 'v3' }] });
      reviews.service.addVersion({ version: 'v3', image: 'reviews-v3:1' });
      expect(() => reviews.node.validate()).not.toThrow();
      expect(reviews.node.validate()).toEqual([]);
    });

    test('a version label changed on the pods through the escape hatch', () => {
      const chart = bookinfo();
      const reviews = canary(chart);
      reviews.service.deployment('v2').podMetadata.addLabel('version', 'v2-hotfix');
      expect(() => synth(chart)).toThrow(/\[bookinfo\/reviews\] deployment reviews-v2 pod label version "v2-hotfix" is invalid: the subset "v2" selects version=v2.*Fix: keep the pod label version=v2/);
    });

    test('a canary with no replicas that receives weighted traffic', () => {
      const chart = bookinfo();
      const reviews = canary(chart, { canary: { ...CANARY, replicas: 0 } });
      expect(() => synth(chart)).not.toThrow();
      reviews.updateCanaryWeight(5);
      expect(() => synth(chart)).toThrow(/\[bookinfo\/reviews\] versions\[v2\].replicas 0 is invalid: the subset "v2" receives traffic \(http\[0\].route\[1\]\) but its Deployment has no pods/);
    });

    test('a mirror to a canary with no replicas', () => {
      const chart = bookinfo();
      canary(chart, { canary: { ...CANARY, replicas: 0 }, mirrorPercentage: 5 });
      expect(() => synth(chart)).toThrow(/versions\[v2\].replicas 0 is invalid: the subset "v2" receives traffic \(http\[0\].mirror\)/);
    });
  });

  describe('bad input', () => {
    test('canary weight above 100', () => {
      expect(() => canary(bookinfo(), { canaryWeight: 120 }))
        .toThrow(/\[bookinfo\/reviews\] canaryWeight 120 is invalid: the canary weight is the percentage .* integer from 0 to 100\. Fix: give e\.g\. 5/);
    });

    test('negative canary weight', () => {
      expect(() => canary(bookinfo(), { canaryWeight: -1 })).toThrow(/\[bookinfo\/reviews\] canaryWeight -1 is invalid: .*Fix: give e\.g\. 5/);
    });

    test('non-integer canary weight', () => {
      expect(() => canary(bookinfo(), { canaryWeight: 2.5 })).toThrow(/\[bookinfo\/reviews\] canaryWeight 2\.5 is invalid: .*an integer from 0 to 100/);
    });

    test('updateCanaryWeight out of range', () => {
      const reviews = canary(bookinfo(), { canaryWeight: 5 });
      expect(() => reviews.updateCanaryWeight(101)).toThrow(/\[bookinfo\/reviews\] updateCanaryWeight weight 101 is invalid: .*Fix: .*promote\(\)/);
      expect(reviews.canaryWeight).toBe(5);
    });

    test('canary with the same version as stable', () => {
      expect(() => canary(bookinfo(), { canary: { version: 'v1', image: 'reviews-v1:2' } }))
        .toThrow(/\[bookinfo\/reviews\] canary.version "v1" is invalid: the canary has the same version label as the stable version.*Fix: give the canary its own version label, e\.g\. 'v2'/);
    });

    test('mirror percentage above 100', () => {
      expect(() => canary(bookinfo(), { mirrorPercentage: 150 }))
        .toThrow(/\[bookinfo\/reviews\] mirrorPercentage 150 is invalid: a percentage must be a number from 0 to 100\. Fix: pass e\.g\. 10/);
    });

    test('HTTP-only options on a TCP canary', () => {
      expect(() => canary(bookinfo(), { protocol: Protocol.TCP, canaryFor: [RequestMatch.user('jason')] }))
        .toThrow(/\[bookinfo\/reviews\] canaryFor 1 is invalid: overrides match HTTP requests \(headers, cookies\), and the service's protocol is TCP.*Fix: leave canaryFor out/);
      expect(() => canary(bookinfo(), { protocol: Protocol.TCP, mirrorPercentage: 10 }))
        .toThrow(/mirrorPercentage 10 is invalid: Istio mirrors HTTP requests only/);
      expect(() => canary(bookinfo(), { protocol: Protocol.TCP, retries: RetryPolicy.standard() }))
        .toThrow(/retries "TCP" is invalid: retries, timeouts and fault injection act on HTTP requests/);
      expect(() => canary(bookinfo(), { protocol: Protocol.TCP, timeout: Duration.seconds(1) })).toThrow(/timeout "TCP" is invalid/);
    });

    test('an empty override list', () => {
      expect(() => canary(bookinfo(), { canaryFor: [] }))
        .toThrow(/\[bookinfo\/reviews\] canaryFor \[\] is invalid: the list must not be empty\. Fix: .*RequestMatch\.user/);
    });

    test('an override on an upper-case header name', () => {
      expect(() => canary(bookinfo(), { canaryFor: [RequestMatch.header('X-Canary', StringMatch.exact('1'))] }))
        .toThrow(/\[bookinfo\/reviews\] canaryFor\[0\] header "X-Canary" is invalid: a header name in a match must be a lower-case HTTP token.*Fix: write "x-canary"/);
    });

    test('a missing canary version', () => {
      expect(() => canary(bookinfo(), { canary: undefined as any }))
        .toThrow(/\[bookinfo\/reviews\] canary undefined is invalid: a canary release needs a canary version\. Fix: give canary: \{ version: 'v2'/);
    });

    test('a retry per-try timeout longer than the request timeout', () => {
      expect(() => canary(bookinfo(), { retries: RetryPolicy.standard({ perTryTimeout: Duration.seconds(5) }), timeout: Duration.seconds(2) }))
        .toThrow(/\[bookinfo\/reviews\] retries.perTryTimeout "5s" is invalid: it is longer than the request timeout \(2s\).*Fix: make perTryTimeout shorter than 2s/);
    });

    test('a fault on every request without a stated percentage', () => {
      expect(() => canary(bookinfo(), { faultInjection: FaultInjection.abort(503) }))
        .toThrow(/\[bookinfo\/reviews\] faultInjection.abort.percentage undefined is invalid: a fault without `match` applies to every request.*Fix: give e\.g\. percentage: 10/);
    });
  });
});

describe('MeshService options pass through', () => {
  test('image pull policy, env, args, pod annotations, volumes and health check reach every version', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new CanaryService(chart, 'reviews', {
      port: 9080,
      stable: { version: 'v1', image: 'reviews:1' },
      canary: { version: 'v2', image: 'reviews:2', env: { LOG_LEVEL: 'debug' } },
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      env: { LOG_DIR: '/tmp/logs', LOG_LEVEL: 'info' },
      args: ['--serve'],
      podAnnotations: { 'example.com/team': 'books' },
      volumes: [{ volume: Volume.fromEmptyDir(chart, 'wlp', 'wlp-output'), path: '/opt/ibm/wlp/output' }],
      healthCheckPath: '/health',
    });
    const deployments = Testing.synth(chart).filter((o) => o.kind === 'Deployment');
    expect(deployments).toHaveLength(2);
    for (const d of deployments) {
      const pod = d.spec.template;
      const c = pod.spec.containers[0];
      const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.args).toEqual(['--serve']);
      expect(env.LOG_DIR).toBe('/tmp/logs');
      expect(env.LOG_LEVEL).toBe(d.metadata.labels.version === 'v2' ? 'debug' : 'info');
      expect(pod.metadata.annotations).toEqual(expect.objectContaining({ 'example.com/team': 'books' }));
      expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/opt/ibm/wlp/output');
      expect(c.readinessProbe.httpGet.path).toBe('/health');
    }
  });
});
