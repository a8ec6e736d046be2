// The library's MeshConfig analyzers (src/analysis/analyzers/meshconfig/): extension providers a
// Telemetry or CUSTOM AuthorizationPolicy names (CKI0007, CKI0008) and external hosts under the
// REGISTRY_ONLY outbound traffic policy (CKI0009), on plain manifests.
import { AnalysisOptions, MeshAnalyzer } from '../../../src/analysis/mesh-analyzer';
import { SYNTH_ASSUMPTIONS } from '../../../src/analysis/synth-marker';

type Obj = { [key: string]: any };

const found = (objects: Obj[], options: AnalysisOptions): string[] =>
  MeshAnalyzer.analyze(objects, { ...SYNTH_ASSUMPTIONS, ...options })
    .filter((d) => /^CKI000[789]$/.test(d.code))
    .map((d) => `${d.code} ${d.origin}`)
    .sort();
const messages = (objects: Obj[], options: AnalysisOptions): string[] =>
  MeshAnalyzer.analyze(objects, { ...SYNTH_ASSUMPTIONS, ...options }).filter((d) => /^CKI000[789]$/.test(d.code)).map((d) => d.message);

const ns = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'istio-injection': 'enabled' } } });
const telemetry = (name: string, spec: Obj): Obj => ({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name, namespace: 'shop' }, spec });
const customPolicy = (provider: string): Obj => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'ext-authz', namespace: 'shop' },
  spec: { action: 'CUSTOM', provider: { name: provider }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] },
});
const mesh: Obj = {
  extensionProviders: [
    { name: 'otel', opentelemetry: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
    { name: 'authz', envoyExtAuthzHttp: { service: 'ext-authz.auth.svc.cluster.local', port: 8000 } },
  ],
};

describe('CKI0007 / CKI0008: extension providers', () => {
  const objects = [
    ns('shop'),
    telemetry('tracing', { tracing: [{ providers: [{ name: 'otel' }] }] }),
    telemetry('logs', { accessLogging: [{ providers: [{ name: 'envoy' }] }] }),
    telemetry('metrics', { metrics: [{ providers: [{ name: 'prometheus' }] }] }),
    customPolicy('authz'),
  ];

  test('defined providers of the right kind, and Istio\'s built-in ones, are clean', () => {
    expect(found(objects, { meshConfig: mesh, meshConfigComplete: true })).toEqual([]);
  });

  test('a provider the declared MeshConfig does not define is an error, naming it and the defined ones', () => {
    const bad = [...objects, telemetry('zipkin', { tracing: [{ providers: [{ name: 'zipkin' }] }] }), { ...customPolicy('opa'), metadata: { name: 'opa', namespace: 'shop' } }];
    expect(found(bad, { meshConfig: mesh, meshConfigComplete: true })).toEqual(['CKI0007 AuthorizationPolicy shop/opa', 'CKI0007 Telemetry shop/zipkin']);
    const first = messages(bad, { meshConfig: mesh, meshConfigComplete: true }).find((m) => m.includes('"zipkin" ('));
    expect(first).toContain('"zipkin" (spec.tracing[0].providers[0])');
    expect(first).toContain('defined: prometheus, stackdriver, envoy, otel, authz');
  });

  test('without a complete MeshConfig an unknown provider may be defined elsewhere: not reported', () => {
    const bad = [...objects, telemetry('zipkin', { tracing: [{ providers: [{ name: 'zipkin' }] }] })];
    expect(found(bad, { meshConfig: mesh })).toEqual([]);
    expect(found(bad, {})).toEqual([]);
  });

  test('a provider used for what it cannot serve is an error (tracing through an ext-authz provider, CUSTOM authorization through a tracer)', () => {
    const bad = [ns('shop'), telemetry('t', { tracing: [{ providers: [{ name: 'authz' }] }] }), customPolicy('otel'), telemetry('m', { metrics: [{ providers: [{ name: 'envoy' }] }] })];
    expect(found(bad, { meshConfig: mesh })).toEqual(['CKI0008 AuthorizationPolicy shop/ext-authz', 'CKI0008 Telemetry shop/m', 'CKI0008 Telemetry shop/t']);
    expect(messages(bad, { meshConfig: mesh })).toContain('The extension provider "authz" is a envoyExtAuthzHttp provider, which spec.tracing[0].providers[0] cannot use (it takes zipkin, lightstep, datadog, stackdriver, opencensus, skywalking, opentelemetry, sds): istiod skips it there. Name a provider of a fitting kind.');
  });

  test('a user provider replaces the built-in of the same name', () => {
    const own = { extensionProviders: [{ name: 'envoy', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317 } }] };
    expect(found([ns('shop'), telemetry('logs', { accessLogging: [{ providers: [{ name: 'envoy' }] }] })], { meshConfig: own, meshConfigComplete: true }))
      .toEqual(['CKI0008 Telemetry shop/logs']);
  });
});

describe('CKI0009: external hosts under REGISTRY_ONLY', () => {
  const registryOnly = { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } };
  const vs = (name: string, hosts: string[], extra: Obj = {}): Obj => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'shop' },
    spec: { hosts, http: [{ route: [{ destination: { host: hosts[0] } }] }], ...extra },
  });
  const se = (hosts: string[], namespace = 'shop', exportTo?: string[]): Obj => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: `se-${hosts[0].replace(/\*/g, 'w')}`, namespace },
    spec: { hosts, ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL', ...(exportTo ? { exportTo } : {}) },
  });
  const dr = (host: string): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: `dr-${host}`, namespace: 'shop' }, spec: { host, trafficPolicy: { tls: { mode: 'SIMPLE' } } } });
  const sidecar = (name: string, spec: Obj): Obj => ({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace: 'shop' }, spec });

  test('a VirtualService and a DestinationRule for an undeclared external host are errors; declared ones are clean', () => {
    const objects = [ns('shop'), vs('api', ['api.example.com']), dr('api.example.com'), vs('pay', ['pay.example.com']), se(['pay.example.com'])];
    expect(found(objects, { meshConfig: registryOnly })).toEqual(['CKI0009 DestinationRule shop/dr-api.example.com', 'CKI0009 VirtualService shop/api']);
    expect(messages(objects, { meshConfig: registryOnly })).toContain('The host "api.example.com" is outside the service registry and the outbound traffic policy in namespace "shop" is REGISTRY_ONLY, so sidecars drop the traffic. Declare the host with a ServiceEntry (EgressLockdown does), or remove it.');
  });

  test('ALLOW_ANY (the default) passes unknown hosts through: not reported', () => {
    expect(found([ns('shop'), vs('api', ['api.example.com']), dr('api.example.com')], {})).toEqual([]);
  });

  test('cluster names, wildcard ServiceEntries and gateway-only routes are not external-host mistakes', () => {
    const objects = [
      ns('shop'),
      vs('cart', ['cart']), vs('cart-fqdn', ['cart.shop.svc.cluster.local']),
      vs('eu', ['eu.api.example.com']), se(['*.api.example.com']),
      vs('public', ['www.example.com'], { gateways: ['istio-system/public'] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80 }] } },
    ];
    expect(found(objects, { meshConfig: registryOnly })).toEqual([]);
  });

  test('a ServiceEntry exported only to another namespace does not declare the host here', () => {
    const objects = [ns('shop'), ns('other'), vs('api', ['api.example.com']), se(['api.example.com'], 'other', ['.'])];
    expect(found(objects, { meshConfig: registryOnly })).toEqual(['CKI0009 VirtualService shop/api']);
  });

  test('a namespace-wide Sidecar sets the mode of its namespace either way', () => {
    const allowAny = sidecar('default', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } });
    expect(found([ns('shop'), allowAny, vs('api', ['api.example.com'])], { meshConfig: registryOnly })).toEqual([]);
    const lockdown = sidecar('default', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, egress: [{ hosts: ['./*', 'istio-system/*', './api.example.com'] }] });
    expect(found([ns('shop'), lockdown, vs('api', ['api.example.com'])], {})).toEqual(['CKI0009 Sidecar shop/default', 'CKI0009 VirtualService shop/api']);
  });

  test('the service of a tracing provider outside the cluster needs a ServiceEntry', () => {
    const meshConfig = { ...registryOnly, extensionProviders: [{ name: 'saas', opentelemetry: { service: 'otlp.tracing-vendor.example', port: 4317 } }] };
    const t = telemetry('tracing', { tracing: [{ providers: [{ name: 'saas' }] }] });
    expect(found([ns('shop'), t], { meshConfig })).toEqual(['CKI0009 Telemetry shop/tracing']);
    expect(found([ns('shop'), t, se(['otlp.tracing-vendor.example'])], { meshConfig })).toEqual([]);
  });
});
