// Every pattern that has an ambient form, together in one ambient namespace: with a waypoint
// they synthesize valid objects with no Error finding and every L7 policy on targetRefs; without
// one, each pattern that needs a waypoint fails and the message names the fix.
import { Duration, Testing } from 'cdk8s';
import { AnalysisLevel } from '../../src/analysis/mesh-analyzer';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { CanaryService } from '../../src/patterns/canary-service';
import { EgressLockdown } from '../../src/patterns/egress-lockdown';
import { RequestMatch } from '../../src/patterns/fault-injection';
import { MeshIngress } from '../../src/patterns/ingress';
import { IngressGateway } from '../../src/patterns/ingress-gateway';
import { IngressBackend } from '../../src/patterns/ingress-route';
import { JwtProtectedApp } from '../../src/patterns/jwt-protected-app';
import { MeshService } from '../../src/patterns/mesh-service';
import { MeshTelemetry } from '../../src/patterns/mesh-telemetry';
import { DataplaneMode, MtlsNamespace } from '../../src/patterns/mtls-namespace';
import { CircuitBreaker, ServiceResilience } from '../../src/patterns/resilience';

function everyPattern(withWaypoint: boolean) {
  const app = Testing.app();
  const egressWaypoint = new MtlsNamespace(app, 'istio-egress', { dataplaneMode: DataplaneMode.AMBIENT }).addWaypoint('waypoint');
  const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
  const frontend = new MeshService(ns, 'frontend', { port: 8080, image: 'frontend:1' });
  const cart = new CanaryService(ns, 'cart', {
    port: 7070,
    stable: { version: 'v1', image: 'cart:1' },
    canary: { version: 'v2', image: 'cart:2' },
    canaryWeight: 10,
    canaryFor: [RequestMatch.user('jason'), RequestMatch.cookie('beta', 'yes')],
    mirrorPercentage: 20,
    timeout: Duration.seconds(5),
    circuitBreaker: CircuitBreaker.standard(),
  });
  const catalog = new MeshService(ns, 'catalog', { port: 3550, image: 'catalog:1' });
  new ServiceResilience(ns, 'catalog-resilience', { service: catalog, circuitBreaker: CircuitBreaker.standard(), timeout: Duration.seconds(2) });
  cart.service.allowFrom(frontend, { methods: ['GET', 'POST'], paths: ['/cart/*'] });
  catalog.allowFrom(frontend, { methods: ['GET'] });
  new MeshIngress(ns, 'shop-gateway', {
    gateway: IngressGateway.gatewayApi(),
    hosts: ['shop.example.com'],
    credentialName: 'shop-tls',
    routes: [{ backend: IngressBackend.fromMeshService(frontend) }],
  });
  new JwtProtectedApp(ns, 'frontend-jwt', { service: frontend, issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json', exemptPaths: ['/healthz'] });
  new MeshTelemetry(ns, 'telemetry', { namespace: 'shop', tracing: { samplingPercentage: 10 } });
  new EgressLockdown(ns, 'frontend-egress', { workload: frontend, egressWaypoint, allow: [{ host: 'api.payments.example' }] });
  new EgressLockdown(ns, 'cart-egress', { workload: cart.service, egressWaypoint, allow: [{ host: 'api.payments.example' }, { host: 'mail.example.org' }] });
  if (withWaypoint) ns.addWaypoint();
  return ns;
}

test('with a waypoint: valid objects, no Error finding, every L7 policy attached by targetRefs', () => {
  // Testing.synth validates every object (schema, CEL, istiod admission) and fails on any
  // Error finding of synth-time analysis.
  const ns = everyPattern(true);
  const objects = Testing.synth(ns);
  const app = ns.node.scope!;
  for (const chart of [ns, app.node.findChild('istio-egress') as MtlsNamespace]) {
    expect(MeshAnalysis.analyze(chart).filter((d) => d.diagnostic.level === AnalysisLevel.ERROR)).toEqual([]);
  }
  const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy' || o.kind === 'RequestAuthentication');
  const l7 = policies.filter((p) => /methods|paths|requestPrincipals|request\.auth/i.test(JSON.stringify(p.spec)) || p.kind === 'RequestAuthentication');
  expect(l7.map((p) => `${p.kind}/${p.metadata.name}`).sort()).toEqual([
    'AuthorizationPolicy/cart', 'AuthorizationPolicy/catalog', 'AuthorizationPolicy/frontend-require-jwt', 'RequestAuthentication/frontend',
  ]);
  for (const p of l7) {
    expect(p.spec.selector).toBeUndefined();
    expect(p.spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: p.metadata.name.replace(/-require-jwt$/, '') }]);
  }
  // only the namespace's allow-nothing is left for ztunnel; the waypoint has its own
  expect(policies.filter((p) => p.spec.targetRefs === undefined).map((p) => p.metadata.name)).toEqual(['allow-nothing']);
  expect(objects.filter((o) => o.kind === 'HTTPRoute').map((r) => r.metadata.name).sort()).toEqual(['cart', 'catalog', 'shop-gateway', 'shop-gateway-https-redirect']);
  expect(objects.filter((o) => o.kind === 'VirtualService')).toEqual([]);
  expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'frontend').metadata.labels['istio.io/ingress-use-waypoint']).toBe('true');
  expect(objects.filter((o) => o.kind === 'Sidecar')).toEqual([]);
  // egress: per host, a ServiceEntry on the egress waypoint and a policy by targetRefs admitting the allowed workloads
  const egress = Testing.synth(ns.node.scope!.node.findChild('istio-egress') as MtlsNamespace);
  const payments = egress.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'egress-api.payments.example');
  expect(payments.spec.targetRefs).toEqual([{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'egress-api.payments.example' }]);
  expect(payments.spec.rules.map((r: any) => r.from[0].source.principals[0])).toEqual(['cluster.local/ns/shop/sa/frontend', 'cluster.local/ns/shop/sa/cart']);
  expect(egress.find((o) => o.kind === 'ServiceEntry' && o.metadata.name === 'egress-mail.example.org').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
});

test('without a waypoint: every pattern that needs one fails, naming the fix', () => {
  let message = '';
  try {
    Testing.synth(everyPattern(false));
  } catch (e) {
    message = (e as Error).message;
  }
  for (const path of ['shop/cart/MeshService/Allow', 'shop/catalog/Allow', 'shop/frontend-jwt/RequireJwt', 'shop/frontend-jwt/RequestAuthentication', 'shop/cart]', 'shop/catalog-resilience]']) {
    expect(message).toContain(`[${path}`);
  }
  expect(message.split('\n').filter((l) => l.includes('is invalid')).every((l) => /Fix: give the (service|namespace) a waypoint/.test(l))).toBe(true);
});
