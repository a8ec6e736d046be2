import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { partScope, prune } from './install-internal';
import { builtInExtensionProviders, providerKind, usesOfKind } from '../analysis/extension-provider-kinds';
import { checkDns1123Label, checkExclusive, checkHeaderName, checkHost, checkNonEmptyString, checkPort, checkUint32 } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

// Extension providers of Istio's MeshConfig (`meshConfig.extensionProviders`): the tracing,
// metrics, access-log and external-authorization back ends that Telemetry resources and CUSTOM
// AuthorizationPolicies name. The subset typed here (Istio 1.30 API reference, MeshConfig
// `ExtensionProvider`): zipkin, opentelemetry, prometheus, envoyFileAccessLog,
// envoyExtAuthzHttp, envoyExtAuthzGrpc.

/**
 * Options shared by the providers that send data to a service.
 */
export interface ExtensionProviderServiceOptions {
  /**
   * The service the proxies send to: `[<namespace>/]<hostname>`, e.g.
   * `"zipkin.istio-system.svc.cluster.local"` or `"observability/otel-collector.example.com"`.
   */
  readonly service: string;

  /** The service port (1-65535). */
  readonly port: number;
}

/**
 * A Zipkin tracer (`extensionProviders[].zipkin`).
 */
export interface ZipkinProviderOptions extends ExtensionProviderServiceOptions {
  /**
   * Maximum length of the request path kept in a span's tag.
   *
   * @default - Istio's default (256)
   */
  readonly maxTagLength?: number;

  /**
   * Generate 128-bit trace ids.
   *
   * @default false
   */
  readonly enable64BitTraceId?: boolean;

  /**
   * The collector's endpoint path.
   *
   * @default "/api/v2/spans"
   */
  readonly path?: string;
}

/**
 * OTLP over HTTP instead of gRPC (`opentelemetry.http`).
 */
export interface OpenTelemetryHttpOptions {
  /** The collector's path, e.g. "/v1/traces". */
  readonly path: string;

  /**
   * Request timeout (at least 1ms).
   *
   * @default - Envoy's default
   */
  readonly timeout?: Duration;

  /**
   * Headers added to each export request.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/**
 * Options of OTLP over gRPC (`opentelemetry.grpc`).
 */
export interface OpenTelemetryGrpcOptions {
  /**
   * Request timeout (at least 1ms).
   *
   * @default - Envoy's default
   */
  readonly timeout?: Duration;

  /**
   * Metadata added to each export call.
   *
   * @default - none
   */
  readonly initialMetadata?: { [name: string]: string };
}

/**
 * Where an OpenTelemetry tracer reads resource attributes from.
 */
export enum OpenTelemetryResourceDetector {
  /** The `OTEL_RESOURCE_ATTRIBUTES` environment variable of the proxy. */
  ENVIRONMENT = 'environment',
  /** Dynatrace's host metadata files. */
  DYNATRACE = 'dynatrace',
}

/**
 * An OpenTelemetry tracer (`extensionProviders[].opentelemetry`).
 */
export interface OpenTelemetryProviderOptions extends ExtensionProviderServiceOptions {
  /**
   * Maximum length of the request path kept in a span's tag.
   *
   * @default - Istio's default (256)
   */
  readonly maxTagLength?: number;

  /**
   * Export over HTTP. Exclusive with `grpc`.
   *
   * @default - OTLP over gRPC
   */
  readonly http?: OpenTelemetryHttpOptions;

  /**
   * Options of the gRPC export. Exclusive with `http`.
   *
   * @default - gRPC with Envoy's defaults
   */
  readonly grpc?: OpenTelemetryGrpcOptions;

  /**
   * Resource detectors of the tracer.
   *
   * @default - none
   */
  readonly resourceDetectors?: OpenTelemetryResourceDetector[];
}

/**
 * A file access log written by Envoy (`extensionProviders[].envoyFileAccessLog`).
 */
export interface EnvoyFileAccessLogOptions {
  /** The file, e.g. "/dev/stdout". */
  readonly path: string;

  /**
   * A text format (Envoy's command operators). Exclusive with `labels`.
   *
   * @default - Istio's default text format
   */
  readonly text?: string;

  /**
   * JSON log entries with these keys and Envoy command operators as values. Exclusive with `text`.
   *
   * @default - text entries
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Options of an external authorizer (`envoyExtAuthzGrpc`; `envoyExtAuthzHttp` takes more).
 */
export interface EnvoyExtAuthzOptions extends ExtensionProviderServiceOptions {
  /**
   * How long the proxy waits for the authorizer (at least 1ms).
   *
   * @default - Istio's default (600s)
   */
  readonly timeout?: Duration;

  /**
   * Let requests through when the authorizer cannot be reached or fails.
   *
   * @default false
   */
  readonly failOpen?: boolean;

  /**
   * The HTTP status returned when the authorizer cannot be reached and `failOpen` is false
   * (100-599).
   *
   * @default 403
   */
  readonly statusOnError?: number;
}

/**
 * An HTTP external authorizer (`extensionProviders[].envoyExtAuthzHttp`), named by CUSTOM
 * AuthorizationPolicies.
 */
export interface EnvoyExtAuthzHttpOptions extends EnvoyExtAuthzOptions {
  /**
   * Prefix added to the request path sent to the authorizer (starting with "/").
   *
   * @default - the request's own path
   */
  readonly pathPrefix?: string;

  /**
   * Request headers sent to the authorizer.
   *
   * @default - only Host, Method, Path, Content-Length and Authorization
   */
  readonly includeRequestHeadersInCheck?: string[];

  /**
   * Extra headers (name to value) added to the check request.
   *
   * @default - none
   */
  readonly includeAdditionalHeadersInCheck?: { [name: string]: string };

  /**
   * Authorizer response headers copied to the upstream request when it allows the request.
   *
   * @default - none
   */
  readonly headersToUpstreamOnAllow?: string[];

  /**
   * Authorizer response headers copied to the downstream response when it denies the request.
   *
   * @default - all of them
   */
  readonly headersToDownstreamOnDeny?: string[];

  /**
   * Authorizer response headers copied to the downstream response when it allows the request.
   *
   * @default - none
   */
  readonly headersToDownstreamOnAllow?: string[];
}

/**
 * What a provider can be used for (Telemetry and AuthorizationPolicy fields that name it).
 */
export enum ExtensionProviderUse {
  /** Telemetry `tracing[].providers`, MeshConfig `defaultProviders.tracing`. */
  TRACING = 'tracing',
  /** Telemetry `metrics[].providers`, MeshConfig `defaultProviders.metrics`. */
  METRICS = 'metrics',
  /** Telemetry `accessLogging[].providers`, MeshConfig `defaultProviders.accessLogging`. */
  ACCESS_LOGGING = 'accessLogging',
  /** AuthorizationPolicy `action: CUSTOM` with `provider.name`. */
  AUTHORIZATION = 'authorization',
}

const SERVICE = /^(?:([^/]+)\/)?([^/]+)$/;

function checkService(scope: IConstruct, field: string, value: string): void {
  checkNonEmptyString(scope, field, value, 'give the service as "[<namespace>/]<hostname>", e.g. "zipkin.istio-system.svc.cluster.local"');
  const m = SERVICE.exec(value);
  if (!m || /[:\s]/.test(value) || m[2].includes('*')) {
    invalid(scope, field, value, 'a provider service is "[<namespace>/]<hostname>" without a scheme, a port or a wildcard', 'write e.g. "observability/otel-collector.observability.svc.cluster.local" and give the port in `port`');
  }
  if (m[1] !== undefined) checkDns1123Label(scope, `${field} namespace`, m[1]);
  checkHost(scope, field, m[2]);
}

function checkServiceOptions(scope: IConstruct, options: ExtensionProviderServiceOptions): void {
  if (options === undefined || options === null) {
    invalid(scope, 'options', options, 'the provider needs a service and a port', 'pass e.g. { service: "zipkin.istio-system.svc.cluster.local", port: 9411 }');
  }
  checkService(scope, 'service', options.service);
  if (options.port === undefined) invalid(scope, 'port', options.port, 'the provider needs a port', 'pass the service port, e.g. 9411');
  checkPort(scope, 'port', options.port);
}

function checkPath(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (!value.startsWith('/') || /\s/.test(value)) {
    invalid(scope, field, value, 'a path must start with "/" and contain no spaces', 'write e.g. "/v1/traces"');
  }
}

function checkHeaderNames(scope: IConstruct, field: string, names: readonly string[] | undefined): void {
  names?.forEach((n, i) => checkHeaderName(scope, `${field}[${i}]`, n));
}

function headerList(map: { [name: string]: string } | undefined, scope: IConstruct, field: string): { name: string; value: string }[] | undefined {
  if (map === undefined) return undefined;
  return Object.entries(map).map(([name, value]) => {
    checkHeaderName(scope, `${field} header`, name);
    return { name, value };
  });
}

function renderExtAuthz(scope: IConstruct, o: EnvoyExtAuthzOptions): { [key: string]: unknown } {
  checkServiceOptions(scope, o);
  if (o.statusOnError !== undefined && (!Number.isInteger(o.statusOnError) || o.statusOnError < 100 || o.statusOnError > 599)) {
    invalid(scope, 'statusOnError', o.statusOnError, 'it must be an HTTP status code (100-599)', 'use e.g. 403 or 503');
  }
  if (o.statusOnError !== undefined && o.failOpen === true) {
    invalid(scope, 'statusOnError', o.statusOnError, 'with failOpen the request is let through when the authorizer fails, so no error status is ever returned', 'drop statusOnError, or set failOpen to false');
  }
  return {
    service: o.service,
    port: o.port,
    timeout: renderDuration(scope, 'timeout', o.timeout),
    failOpen: o.failOpen,
    statusOnError: o.statusOnError === undefined ? undefined : String(o.statusOnError),
  };
}

/**
 * An extension provider of the mesh (`meshConfig.extensionProviders[]`): a tracing, metrics,
 * access-log or external-authorization back end, named by Telemetry resources, CUSTOM
 * AuthorizationPolicies and `MeshConfig` `defaultProviders`.
 *
 * Istio defines three providers itself, which exist unless a provider of the same name replaces
 * them: `prometheus` (metrics), `stackdriver` (metrics, tracing, access logs) and `envoy` (a file
 * access log to /dev/stdout).
 *
 * @example
 * ExtensionProvider.opentelemetry('otel', { service: 'observability/otel-collector.observability.svc.cluster.local', port: 4317 });
 */
export class ExtensionProvider {
  /** A Zipkin tracer. */
  public static zipkin(name: string, options: ZipkinProviderOptions): ExtensionProvider {
    const scope = ExtensionProvider.scopeOf(name);
    checkServiceOptions(scope, options);
    checkUint32(scope, 'maxTagLength', options.maxTagLength, 1);
    checkPath(scope, 'path', options.path);
    return new ExtensionProvider(name, 'zipkin', {
      service: options.service,
      port: options.port,
      maxTagLength: options.maxTagLength,
      enable64bitTraceId: options.enable64BitTraceId,
      path: options.path,
    });
  }

  /** An OpenTelemetry tracer (OTLP over gRPC, or HTTP with `http`). */
  public static opentelemetry(name: string, options: OpenTelemetryProviderOptions): ExtensionProvider {
    const scope = ExtensionProvider.scopeOf(name);
    checkServiceOptions(scope, options);
    checkUint32(scope, 'maxTagLength', options.maxTagLength, 1);
    checkExclusive(scope, { http: options.http, grpc: options.grpc }, 'choose OTLP over HTTP (http) or over gRPC (grpc, the default)');
    if (options.http) {
      checkNonEmptyString(scope, 'http.path', options.http.path, 'give the collector path, e.g. "/v1/traces"');
      checkPath(scope, 'http.path', options.http.path);
    }
    const detectors = options.resourceDetectors;
    const known: readonly string[] = Object.values(OpenTelemetryResourceDetector);
    detectors?.forEach((d) => {
      if (!known.includes(d)) invalid(scope, 'resourceDetectors', d, `unknown resource detector (known: ${known.join(', ')})`, 'use OpenTelemetryResourceDetector.ENVIRONMENT or .DYNATRACE');
    });
    return new ExtensionProvider(name, 'opentelemetry', {
      service: options.service,
      port: options.port,
      maxTagLength: options.maxTagLength,
      http: options.http && {
        path: options.http.path,
        timeout: renderDuration(scope, 'http.timeout', options.http.timeout),
        headers: headerList(options.http.headers, scope, 'http.headers'),
      },
      grpc: options.grpc && {
        timeout: renderDuration(scope, 'grpc.timeout', options.grpc.timeout),
        initialMetadata: headerList(options.grpc.initialMetadata, scope, 'grpc.initialMetadata'),
      },
      resourceDetectors: detectors && Object.fromEntries(detectors.map((d) => [d, {}])),
    });
  }

  /** Prometheus metrics (Istio's built-in `prometheus` provider is one of these). */
  public static prometheus(name: string): ExtensionProvider {
    ExtensionProvider.scopeOf(name);
    return new ExtensionProvider(name, 'prometheus', {});
  }

  /** An access log written by Envoy to a file (Istio's built-in `envoy` provider is one). */
  public static envoyFileAccessLog(name: string, options: EnvoyFileAccessLogOptions): ExtensionProvider {
    const scope = ExtensionProvider.scopeOf(name);
    checkNonEmptyString(scope, 'path', options?.path, 'give the file, e.g. "/dev/stdout"');
    if (options?.path === undefined) invalid(scope, 'path', undefined, 'the access log needs a file', 'pass e.g. { path: "/dev/stdout" }');
    checkPath(scope, 'path', options.path);
    checkExclusive(scope, { text: options.text, labels: options.labels }, 'write text entries (text) or JSON entries (labels)');
    checkNonEmptyString(scope, 'text', options.text, 'give a format such as "[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%\\n", or leave text out');
    const logFormat = options.text !== undefined
      ? { text: options.text }
      : options.labels !== undefined ? { labels: { ...options.labels } } : undefined;
    return new ExtensionProvider(name, 'envoyFileAccessLog', { path: options.path, logFormat });
  }

  /** An HTTP external authorizer (for AuthorizationPolicies with `action: CUSTOM`). */
  public static envoyExtAuthzHttp(name: string, options: EnvoyExtAuthzHttpOptions): ExtensionProvider {
    const scope = ExtensionProvider.scopeOf(name);
    const common = renderExtAuthz(scope, options);
    checkPath(scope, 'pathPrefix', options.pathPrefix);
    checkHeaderNames(scope, 'includeRequestHeadersInCheck', options.includeRequestHeadersInCheck);
    checkHeaderNames(scope, 'headersToUpstreamOnAllow', options.headersToUpstreamOnAllow);
    checkHeaderNames(scope, 'headersToDownstreamOnDeny', options.headersToDownstreamOnDeny);
    checkHeaderNames(scope, 'headersToDownstreamOnAllow', options.headersToDownstreamOnAllow);
    Object.keys(options.includeAdditionalHeadersInCheck ?? {}).forEach((h) => checkHeaderName(scope, 'includeAdditionalHeadersInCheck', h));
    const list = (v: readonly string[] | undefined) => (v === undefined ? undefined : [...v]);
    return new ExtensionProvider(name, 'envoyExtAuthzHttp', {
      ...common,
      pathPrefix: options.pathPrefix,
      includeRequestHeadersInCheck: list(options.includeRequestHeadersInCheck),
      includeAdditionalHeadersInCheck: options.includeAdditionalHeadersInCheck && { ...options.includeAdditionalHeadersInCheck },
      headersToUpstreamOnAllow: list(options.headersToUpstreamOnAllow),
      headersToDownstreamOnDeny: list(options.headersToDownstreamOnDeny),
      headersToDownstreamOnAllow: list(options.headersToDownstreamOnAllow),
    });
  }

  /** A gRPC external authorizer (for AuthorizationPolicies with `action: CUSTOM`). */
  public static envoyExtAuthzGrpc(name: string, options: EnvoyExtAuthzOptions): ExtensionProvider {
    const scope = ExtensionProvider.scopeOf(name);
    return new ExtensionProvider(name, 'envoyExtAuthzGrpc', renderExtAuthz(scope, options));
  }

  private static scopeOf(name: string): IConstruct {
    const scope = partScope(`ExtensionProvider ${JSON.stringify(name)}`);
    if (typeof name !== 'string' || name.trim() === '' || /\s/.test(name)) {
      invalid(scope, 'name', name, 'a provider name must be a non-empty string without spaces', 'use a name such as "otel-tracing"; Telemetry resources refer to it');
    }
    return scope;
  }

  /** The provider's name, as Telemetry resources and AuthorizationPolicies name it. */
  public readonly name: string;

  /** The provider's kind: the MeshConfig field that holds its settings ("zipkin", "opentelemetry", ...). */
  public readonly kind: string;

  /** What the provider can be used for. */
  public readonly uses: ExtensionProviderUse[];

  private readonly settings: { [key: string]: unknown };

  private constructor(name: string, kind: string, settings: { [key: string]: unknown }) {
    this.name = name;
    this.kind = kind;
    this.uses = usesOfKind(kind) as ExtensionProviderUse[];
    this.settings = settings;
  }

  /**
   * The provider as a `meshConfig.extensionProviders[]` entry: `{ name, <kind>: {...} }`, with
   * only the fields that were set.
   */
  public toJson(): { [key: string]: any } {
    return { name: this.name, [this.kind]: prune(this.settings) };
  }
}

/**
 * The providers Istio defines in its default MeshConfig, which exist unless replaced by a
 * provider of the same name, and their uses (the analyzer's tables: ../analysis/extension-provider-kinds).
 * @internal
 */
export const BUILT_IN_PROVIDERS: { readonly [name: string]: readonly ExtensionProviderUse[] } = Object.fromEntries(
  builtInExtensionProviders().map((p) => [p.name, usesOfKind(providerKind(p)) as ExtensionProviderUse[]]));
