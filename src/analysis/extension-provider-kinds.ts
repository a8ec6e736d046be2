// What Istio knows about MeshConfig extension providers, in one place for the analyzer and the
// install layer (src/install): the providers Istio's default MeshConfig defines, and which
// provider kinds (the field of an `extensionProviders[]` entry beside `name`) each use accepts.

/** The uses of a provider, keyed as the fields of Telemetry / MeshConfig `defaultProviders` (plus CUSTOM authorization). */
export const PROVIDER_KINDS_BY_USE: { readonly [use: string]: readonly string[] } = {
  tracing: ['zipkin', 'lightstep', 'datadog', 'stackdriver', 'opencensus', 'skywalking', 'opentelemetry', 'sds'],
  metrics: ['prometheus', 'stackdriver'],
  accessLogging: ['envoyFileAccessLog', 'envoyHttpAls', 'envoyTcpAls', 'envoyOtelAls', 'stackdriver'],
  authorization: ['envoyExtAuthzHttp', 'envoyExtAuthzGrpc'],
};

/** The extension providers of Istio's default MeshConfig (defined unless replaced by name). */
export function builtInExtensionProviders(): { [key: string]: any }[] {
  return [
    { name: 'prometheus', prometheus: {} },
    { name: 'stackdriver', stackdriver: {} },
    { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
  ];
}

/** A provider entry's kind: its field other than `name`. */
export function providerKind(provider: { [key: string]: unknown }): string {
  return Object.keys(provider).find((k) => k !== 'name' && typeof provider[k] === 'object' && provider[k] !== null && !Array.isArray(provider[k])) ?? 'unknown';
}

/** The uses a provider kind can serve, in the order of PROVIDER_KINDS_BY_USE. */
export function usesOfKind(kind: string): string[] {
  return Object.keys(PROVIDER_KINDS_BY_USE).filter((use) => PROVIDER_KINDS_BY_USE[use].includes(kind));
}
