import { Duration } from 'cdk8s';
import { ExtensionProvider, ExtensionProviderUse, OpenTelemetryResourceDetector } from '../../src/install/extension-provider';
import { AccessLogEncoding, MeshConfig, MeshConfigProps } from '../../src/install/mesh-config';
import { OutboundTrafficPolicyMode } from '../../src/networking/sidecar';

const OTEL = 'observability/otel-collector.observability.svc.cluster.local';

describe('MeshConfig rendering', () => {
  test('an empty MeshConfig renders nothing', () => {
    expect(new MeshConfig().renderMeshConfig()).toEqual({});
  });

  test('every typed field, with Istio\'s field names and only what was set', () => {
    const config = new MeshConfig({
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      accessLogFile: '/dev/stdout',
      accessLogEncoding: AccessLogEncoding.JSON,
      accessLogFormat: '{"code":"%RESPONSE_CODE%"}',
      enableTracing: true,
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        tracing: { sampling: 100, zipkinAddress: 'zipkin.istio-system:9411', maxPathTagLength: 99 },
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
      },
      trustDomain: 'prod.example.com',
      rootNamespace: 'istio-config',
      defaultProviders: { tracing: ['otel'], metrics: ['prometheus'], accessLogging: ['envoy'] },
      extensionProviders: [ExtensionProvider.opentelemetry('otel', { service: OTEL, port: 4317 })],
    });
    expect(config.renderMeshConfig()).toEqual({
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      accessLogFormat: '{"code":"%RESPONSE_CODE%"}',
      enableTracing: true,
      defaultConfig: {
        holdApplicationUntilProxyStarts: true,
        tracing: { sampling: 100, zipkin: { address: 'zipkin.istio-system:9411' }, maxPathTagLength: 99 },
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
      },
      trustDomain: 'prod.example.com',
      rootNamespace: 'istio-config',
      defaultProviders: { tracing: ['otel'], metrics: ['prometheus'], accessLogging: ['envoy'] },
      extensionProviders: [{ name: 'otel', opentelemetry: { service: OTEL, port: 4317 } }],
    });
  });

  test('each provider kind renders as an extensionProviders entry', () => {
    const config = new MeshConfig({
      extensionProviders: [
        ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411, maxTagLength: 64, enable64BitTraceId: true, path: '/api/v2/spans' }),
        ExtensionProvider.opentelemetry('otel-http', {
          service: OTEL,
          port: 4318,
          http: { path: '/v1/traces', timeout: Duration.seconds(2), headers: { 'x-tenant': 'a' } },
          resourceDetectors: [OpenTelemetryResourceDetector.ENVIRONMENT],
        }),
        ExtensionProvider.opentelemetry('otel-grpc', { service: OTEL, port: 4317, grpc: { timeout: Duration.millis(500), initialMetadata: { authorization: 'token' } } }),
        ExtensionProvider.prometheus('prom'),
        ExtensionProvider.envoyFileAccessLog('json-log', { path: '/dev/stdout', labels: { code: '%RESPONSE_CODE%' } }),
        ExtensionProvider.envoyFileAccessLog('text-log', { path: '/dev/stdout', text: '%RESPONSE_CODE%\n' }),
        ExtensionProvider.envoyExtAuthzHttp('authz', {
          service: 'oauth2-proxy.auth.svc.cluster.local',
          port: 4180,
          timeout: Duration.seconds(1),
          pathPrefix: '/check',
          includeRequestHeadersInCheck: ['authorization', 'cookie'],
          includeAdditionalHeadersInCheck: { 'x-source': 'mesh' },
          headersToUpstreamOnAllow: ['x-user'],
          headersToDownstreamOnDeny: ['set-cookie'],
          headersToDownstreamOnAllow: ['set-cookie'],
          statusOnError: 503,
        }),
        ExtensionProvider.envoyExtAuthzGrpc('authz-grpc', { service: 'opa.opa.svc.cluster.local', port: 9191, failOpen: true }),
      ],
    });
    expect(config.renderMeshConfig().extensionProviders).toEqual([
      { name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411, maxTagLength: 64, enable64bitTraceId: true, path: '/api/v2/spans' } },
      {
        name: 'otel-http',
        opentelemetry: { service: OTEL, port: 4318, http: { path: '/v1/traces', timeout: '2s', headers: [{ name: 'x-tenant', value: 'a' }] }, resourceDetectors: { environment: {} } },
      },
      { name: 'otel-grpc', opentelemetry: { service: OTEL, port: 4317, grpc: { timeout: '500ms', initialMetadata: [{ name: 'authorization', value: 'token' }] } } },
      { name: 'prom', prometheus: {} },
      { name: 'json-log', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: { code: '%RESPONSE_CODE%' } } } },
      { name: 'text-log', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { text: '%RESPONSE_CODE%\n' } } },
      {
        name: 'authz',
        envoyExtAuthzHttp: {
          service: 'oauth2-proxy.auth.svc.cluster.local',
          port: 4180,
          timeout: '1s',
          pathPrefix: '/check',
          statusOnError: '503',
          includeRequestHeadersInCheck: ['authorization', 'cookie'],
          includeAdditionalHeadersInCheck: { 'x-source': 'mesh' },
          headersToUpstreamOnAllow: ['x-user'],
          headersToDownstreamOnDeny: ['set-cookie'],
          headersToDownstreamOnAllow: ['set-cookie'],
        },
      },
      { name: 'authz-grpc', envoyExtAuthzGrpc: { service: 'opa.opa.svc.cluster.local', port: 9191, failOpen: true } },
    ]);
    expect(config.renderMeshConfig().extensionProviders[3].prometheus).toEqual({});
  });

  test('provider names include Istio\'s built-in providers; a provider may replace one', () => {
    const config = new MeshConfig({ extensionProviders: [ExtensionProvider.envoyFileAccessLog('envoy', { path: '/var/log/envoy.log' })] });
    expect(config.providerNames()).toEqual(['envoy', 'prometheus', 'stackdriver']);
    expect(config.providerUses('envoy')).toEqual([ExtensionProviderUse.ACCESS_LOGGING]);
    expect(config.providerUses('stackdriver')).toContain(ExtensionProviderUse.TRACING);
    expect(config.providerUses('nope')).toBeUndefined();
  });

  test('addExtensionProvider is fluent and the rendering follows it', () => {
    const config = new MeshConfig();
    expect(config.addExtensionProvider(ExtensionProvider.prometheus('p2'))).toBe(config);
    expect(config.renderMeshConfig()).toEqual({ extensionProviders: [{ name: 'p2', prometheus: {} }] });
    expect(config.providerNames()).toContain('p2');
  });

  test('a provider cannot be changed through the rendered data', () => {
    const p = ExtensionProvider.opentelemetry('otel', { service: OTEL, port: 4317 });
    p.toJson().opentelemetry.port = 1;
    expect(p.toJson().opentelemetry.port).toBe(4317);
  });
});

describe('MeshConfig and ExtensionProvider refuse bad input', () => {
  const otel = () => ExtensionProvider.opentelemetry('otel', { service: OTEL, port: 4317 });
  const bad: [string, () => unknown, RegExp][] = [
    ['duplicate provider names', () => new MeshConfig({ extensionProviders: [otel(), otel()] }), /\[MeshConfig\] extensionProviders "otel" is invalid: two extension providers have this name.*Fix: give each provider its own name/],
    ['a duplicate added later', () => new MeshConfig({ extensionProviders: [otel()] }).addExtensionProvider(otel()), /extensionProviders "otel" is invalid: two extension providers/],
    ['a default provider that does not exist', () => new MeshConfig({ defaultProviders: { tracing: ['jaeger'] } }), /defaultProviders\.tracing "jaeger" is invalid: the mesh has no provider of this name \(it has: envoy, prometheus, stackdriver\)/],
    ['a default provider of the wrong use', () => new MeshConfig({ defaultProviders: { tracing: ['prometheus'] } }), /defaultProviders\.tracing "prometheus" is invalid: the provider is used for metrics, not tracing/],
    ['an ext-authz provider as access log', () => new MeshConfig({ extensionProviders: [ExtensionProvider.envoyExtAuthzGrpc('a', { service: 'opa.opa.svc.cluster.local', port: 9191 })], defaultProviders: { accessLogging: ['a'] } }), /used for authorization, not accessLogging/],
    ['a default provider listed twice', () => new MeshConfig({ defaultProviders: { metrics: ['prometheus', 'prometheus'] } }), /listed twice/],
    ['a service with a scheme and port', () => ExtensionProvider.zipkin('z', { service: 'http://zipkin:9411', port: 9411 }), /\[ExtensionProvider "z"\] service "http:\/\/zipkin:9411" is invalid: a provider service is "\[<namespace>\/\]<hostname>"/],
    ['a service with a bad namespace', () => ExtensionProvider.zipkin('z', { service: 'Obs_NS/zipkin', port: 9411 }), /service namespace "Obs_NS" is invalid/],
    ['a wildcard service', () => ExtensionProvider.zipkin('z', { service: '*.example.com', port: 9411 }), /service "\*\.example\.com" is invalid/],
    ['port 0', () => ExtensionProvider.opentelemetry('o', { service: OTEL, port: 0 }), /port 0 is invalid: a port number must be an integer from 1 to 65535/],
    ['port 70000', () => ExtensionProvider.envoyExtAuthzHttp('a', { service: 'authz.auth.svc.cluster.local', port: 70000 }), /port 70000 is invalid/],
    ['an empty provider name', () => ExtensionProvider.prometheus(' '), /name " " is invalid: a provider name must be a non-empty string without spaces/],
    ['http and grpc together', () => ExtensionProvider.opentelemetry('o', { service: OTEL, port: 4317, http: { path: '/v1/traces' }, grpc: {} }), /http and grpc .* is invalid: these fields are mutually exclusive/],
    ['an http path without "/"', () => ExtensionProvider.opentelemetry('o', { service: OTEL, port: 4318, http: { path: 'v1/traces' } }), /http\.path "v1\/traces" is invalid: a path must start with "\/"/],
    ['a zero timeout', () => ExtensionProvider.envoyExtAuthzGrpc('a', { service: 'opa.opa.svc.cluster.local', port: 9191, timeout: Duration.millis(0) }), /timeout "0ms" is invalid: Istio requires a duration of at least 1ms/],
    ['statusOnError out of range', () => ExtensionProvider.envoyExtAuthzHttp('a', { service: 'authz.auth.svc.cluster.local', port: 80, statusOnError: 999 }), /statusOnError 999 is invalid: it must be an HTTP status code/],
    ['statusOnError with failOpen', () => ExtensionProvider.envoyExtAuthzGrpc('a', { service: 'opa.opa.svc.cluster.local', port: 9191, failOpen: true, statusOnError: 503 }), /with failOpen the request is let through/],
    ['a header name with a space', () => ExtensionProvider.envoyExtAuthzHttp('a', { service: 'authz.auth.svc.cluster.local', port: 80, headersToUpstreamOnAllow: ['x user'] }), /headersToUpstreamOnAllow\[0\] "x user" is invalid/],
    ['text and labels together', () => ExtensionProvider.envoyFileAccessLog('l', { path: '/dev/stdout', text: '%CODE%', labels: { a: 'b' } }), /text and labels .* mutually exclusive/],
    ['a relative log path', () => ExtensionProvider.envoyFileAccessLog('l', { path: 'stdout' }), /path "stdout" is invalid: a path must start with "\/"/],
    ['an unknown resource detector', () => ExtensionProvider.opentelemetry('o', { service: OTEL, port: 4317, resourceDetectors: ['k8s' as OpenTelemetryResourceDetector] }), /resourceDetectors "k8s" is invalid: unknown resource detector/],
    ['sampling over 100', () => new MeshConfig({ defaultConfig: { tracing: { sampling: 150 } } }), /defaultConfig\.tracing\.sampling 150 is invalid: a percentage must be a number from 0 to 100/],
    ['negative sampling', () => new MeshConfig({ defaultConfig: { tracing: { sampling: -1 } } }), /sampling -1 is invalid/],
    ['a zipkin address with a scheme', () => new MeshConfig({ defaultConfig: { tracing: { zipkinAddress: 'http://zipkin:9411' } } }), /zipkinAddress "http:\/\/zipkin:9411" is invalid: the Zipkin address is "host:port"/],
    ['a zipkin address without a port', () => new MeshConfig({ defaultConfig: { tracing: { zipkinAddress: 'zipkin.istio-system' } } }), /zipkinAddress "zipkin.istio-system" is invalid/],
    ['tracing settings with tracing disabled', () => new MeshConfig({ enableTracing: false, defaultConfig: { tracing: { sampling: 10 } } }), /tracing settings have no effect with enableTracing: false/],
    ['a root namespace that is not a DNS label', () => new MeshConfig({ rootNamespace: 'Istio_System' }), /rootNamespace "Istio_System" is invalid: it must be a DNS-1123 label/],
    ['a trust domain with a scheme', () => new MeshConfig({ trustDomain: 'spiffe://cluster.local' }), /trustDomain "spiffe:\/\/cluster.local" is invalid: a trust domain is lower-case letters/],
    ['a JSON encoding with a text format', () => new MeshConfig({ accessLogFile: '/dev/stdout', accessLogEncoding: AccessLogEncoding.JSON, accessLogFormat: '[%START_TIME%] %RESPONSE_CODE%' }), /accessLogFormat .* is invalid: with the JSON encoding the format must be a JSON object/],
    ['a format without a log file', () => new MeshConfig({ accessLogFormat: '%RESPONSE_CODE%' }), /accessLogFormat "%RESPONSE_CODE%" is invalid: the format and encoding apply to the access log file, and no accessLogFile is set/],
    ['a relative access log file', () => new MeshConfig({ accessLogFile: 'access.log' }), /accessLogFile "access.log" is invalid: the access log file must be an absolute path/],
    ['an unknown outbound policy (JS caller)', () => new MeshConfig({ outboundTrafficPolicy: 'DENY' as OutboundTrafficPolicyMode }), /outboundTrafficPolicy "DENY" is invalid: unknown mode \(known: REGISTRY_ONLY, ALLOW_ANY\)/],
    ['a proxy metadata key that is not an env name', () => new MeshConfig({ defaultConfig: { proxyMetadata: { 'dns-capture': 'true' } } }), /proxyMetadata "dns-capture" is invalid/],
    ['a provider not built with a factory', () => new MeshConfig({ extensionProviders: [{ name: 'x' } as unknown as ExtensionProvider] } as MeshConfigProps), /extensionProviders .* is invalid: an extension provider must be built with an ExtensionProvider factory/],
  ];

  test.each(bad)('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('every message names the fix', () => {
    for (const [, build] of bad) {
      expect(build).toThrow(/ Fix: /);
    }
  });

  test('a provider replacing a built-in one takes its uses', () => {
    const config = () => new MeshConfig({
      extensionProviders: [ExtensionProvider.zipkin('prometheus', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 })],
      defaultProviders: { metrics: ['prometheus'] },
    });
    expect(config).toThrow(/defaultProviders\.metrics "prometheus" is invalid: the provider is used for tracing, not metrics/);
  });
});

test('snapshot: a MeshConfig with every provider kind', () => {
  expect(new MeshConfig({
    outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    accessLogFile: '/dev/stdout',
    accessLogEncoding: AccessLogEncoding.JSON,
    rootNamespace: 'istio-system',
    trustDomain: 'cluster.local',
    extensionProviders: [
      ExtensionProvider.opentelemetry('otel', { service: OTEL, port: 4317 }),
      ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 }),
      ExtensionProvider.prometheus('prom'),
      ExtensionProvider.envoyFileAccessLog('json-log', { path: '/dev/stdout' }),
      ExtensionProvider.envoyExtAuthzHttp('authz-http', { service: 'authz.auth.svc.cluster.local', port: 8000, timeout: Duration.seconds(2), includeRequestHeadersInCheck: ['authorization'] }),
      ExtensionProvider.envoyExtAuthzGrpc('authz-grpc', { service: 'authz.auth.svc.cluster.local', port: 9000 }),
    ],
    defaultProviders: { tracing: ['otel'], accessLogging: ['json-log'] },
  }).renderMeshConfig()).toMatchSnapshot();
});
