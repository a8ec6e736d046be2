import { App, Chart, Duration } from 'cdk8s';
import {
  AnalysisLevel, CanaryService, CircuitBreaker, EgressLockdown, GrafanaDashboard, IngressApi, IngressBackend, IngressGateway, IngressPath,
  JwtProtectedApp, MeshAnalysis, MeshIngress, MeshMtls, MeshService, MeshTelemetry, MonitoredService, MtlsNamespace,
  RetryPolicy, ServiceAlerts, ServiceResilience,
} from '../../src';

// Issue #5: every pattern synthesizes with zero Error-level diagnostics — here all of them
// together in one complete, default-deny mesh, analyzed as a whole (no code is suppressed).

function mesh(api: IngressApi): App {
  const app = new App();
  new MeshMtls(new Chart(app, 'platform'), 'mesh');
  const shop = new MtlsNamespace(app, 'shop', { namespaceName: 'shop' });
  const web = new MeshService(shop, 'web', { port: 8080, image: 'example/web:1.0' });
  const orders = new CanaryService(shop, 'orders', {
    port: 8080,
    stable: { version: 'v1', image: 'example/orders:1.0' },
    canary: { version: 'v2', image: 'example/orders:2.0' },
    canaryWeight: 10,
    retries: RetryPolicy.standard(),
    timeout: Duration.seconds(5),
  });
  orders.service.allowFrom(web, { methods: ['GET', 'POST'] });
  const stock = new MeshService(shop, 'stock', { port: 8080, image: 'example/stock:1.0' });
  stock.allowFrom(orders.service, { methods: ['GET'] });
  new ServiceResilience(shop, 'stock-resilience', { service: stock, circuitBreaker: CircuitBreaker.standard(), timeout: Duration.seconds(2) });
  new JwtProtectedApp(shop, 'web-jwt', { service: web, issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json', exemptPaths: ['/healthz'] });
  new EgressLockdown(shop, 'orders-egress', { workload: orders.service, allow: [{ host: 'payments.example.com' }] });
  new EgressLockdown(shop, 'default-egress', { blockAllExternal: true });
  new MeshIngress(shop, 'ingress', {
    gateway: api === IngressApi.ISTIO ? IngressGateway.istio() : IngressGateway.gatewayApi(),
    hosts: ['shop.example.com'],
    credentialName: 'shop-cert',
    routes: [{ paths: [IngressPath.prefix('/')], backend: IngressBackend.fromMeshService(web) }],
  });
  new MeshTelemetry(shop, 'telemetry', { namespace: 'shop', tracing: { samplingPercentage: 5 } });
  const monitored = [web, orders.service, stock].map((s) => MonitoredService.fromMeshService(s));
  new ServiceAlerts(shop, 'alerts', { services: monitored });
  new GrafanaDashboard(shop, 'dashboard', { services: monitored });
  return app;
}

test.each([IngressApi.ISTIO, IngressApi.GATEWAY_API])('all patterns in one mesh (%s ingress): zero Error-level diagnostics', (api) => {
  const app = mesh(api);
  expect(() => app.synthYaml()).not.toThrow();
  const errors = MeshAnalysis.analyze(app)
    .filter((d) => d.diagnostic.level === AnalysisLevel.ERROR)
    .map((d) => MeshAnalysis.format(d));
  expect(errors).toEqual([]);
});
