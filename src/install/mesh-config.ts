import { IConstruct } from 'constructs';
import { BUILT_IN_PROVIDERS, ExtensionProvider, ExtensionProviderUse } from './extension-provider';
import { partScope, prune } from './install-internal';
import { checkDns1123Label, checkPercentage, checkUint32 } from '../core/checks';
import { invalid } from '../core/errors';
import { IMeshConfig } from '../core/mesh-config-source';
import { OutboundTrafficPolicyMode } from '../networking/sidecar';

// Istio's MeshConfig (the `meshConfig` of an IstioOperator, istiod's `mesh` ConfigMap entry, the
// istiod Helm chart's `meshConfig` value). The subset typed here (Istio 1.30 API reference,
// istio.mesh.v1alpha1.MeshConfig): outboundTrafficPolicy.mode, accessLogFile,
// accessLogFormat, accessLogEncoding, enableTracing, trustDomain, rootNamespace,
// defaultConfig (ProxyConfig: holdApplicationUntilProxyStarts, tracing.sampling,
// tracing.zipkin.address, tracing.maxPathTagLength, proxyMetadata), defaultProviders and
// extensionProviders (./extension-provider). The outbound traffic policy reuses the Sidecar's
// `OutboundTrafficPolicyMode`: the mesh-wide setting and a Sidecar's override take the same
// two values, and one enum keeps them interchangeable.

/**
 * How Envoy encodes the access log written to `accessLogFile`.
 */
export enum AccessLogEncoding {
  /** Plain text lines. */
  TEXT = 'TEXT',
  /** One JSON object per line. */
  JSON = 'JSON',
}

/**
 * Tracing settings of every proxy (`defaultConfig.tracing`), used when tracing is configured
 * through MeshConfig rather than through Telemetry resources.
 */
export interface MeshProxyTracing {
  /**
   * Share of requests traced, 0-100 (fractions allowed).
   *
   * @default - Istio's default (1%)
   */
  readonly sampling?: number;

  /**
   * The Zipkin collector, as `host:port`, e.g. "zipkin.istio-system:9411".
   *
   * @default - no Zipkin tracer
   */
  readonly zipkinAddress?: string;

  /**
   * Maximum length of the request path kept in a span's tag.
   *
   * @default - Istio's default (256)
   */
  readonly maxPathTagLength?: number;
}

/**
 * Defaults of every proxy of the mesh (`meshConfig.defaultConfig`, Istio's ProxyConfig).
 */
export interface MeshProxyDefaults {
  /**
   * Start the application container only once the proxy is ready.
   *
   * @default false
   */
  readonly holdApplicationUntilProxyStarts?: boolean;

  /**
   * Tracing settings.
   *
   * @default - Istio's defaults
   */
  readonly tracing?: MeshProxyTracing;

  /**
   * Environment variables of every proxy (`ISTIO_META_DNS_CAPTURE`, ...).
   *
   * @default - none
   */
  readonly proxyMetadata?: { [name: string]: string };
}

/**
 * The providers used when no Telemetry resource chooses one (`meshConfig.defaultProviders`).
 */
export interface MeshDefaultProviders {
  /**
   * Tracing providers.
   *
   * @default - no tracing
   */
  readonly tracing?: string[];

  /**
   * Metrics providers.
   *
   * @default ["prometheus"]
   */
  readonly metrics?: string[];

  /**
   * Access-log providers.
   *
   * @default - no access logs (unless `accessLogFile` is set)
   */
  readonly accessLogging?: string[];
}

/**
 * Properties of a `MeshConfig`.
 */
export interface MeshConfigProps {
  /**
   * What the proxies do with traffic to destinations not in the mesh's registry.
   *
   * @default - Istio's default (ALLOW_ANY)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;

  /**
   * The file every proxy writes its access log to, e.g. "/dev/stdout".
   *
   * @default - no access log file
   */
  readonly accessLogFile?: string;

  /**
   * The access log format (Envoy command operators). With `AccessLogEncoding.JSON` it is a JSON
   * object whose values are command operators.
   *
   * @default - Istio's default format
   */
  readonly accessLogFormat?: string;

  /**
   * The access log encoding.
   *
   * @default AccessLogEncoding.TEXT
   */
  readonly accessLogEncoding?: AccessLogEncoding;

  /**
   * Enable tracing through MeshConfig (`defaultConfig.tracing`).
   *
   * @default - Istio's default
   */
  readonly enableTracing?: boolean;

  /**
   * Defaults of every proxy.
   *
   * @default - Istio's defaults
   */
  readonly defaultConfig?: MeshProxyDefaults;

  /**
   * The mesh's trust domain (the SPIFFE trust domain of workload identities).
   *
   * @default "cluster.local"
   */
  readonly trustDomain?: string;

  /**
   * The root namespace: configuration there applies to every namespace.
   *
   * @default - the namespace istiod runs in (istio-system)
   */
  readonly rootNamespace?: string;

  /**
   * Providers used when no Telemetry resource chooses one. Each name must be a provider of
   * `extensionProviders` or one of Istio's built-in providers (prometheus, stackdriver, envoy)
   * usable for that purpose.
   *
   * @default - Istio's default (metrics: prometheus)
   */
  readonly defaultProviders?: MeshDefaultProviders;

  /**
   * The mesh's extension providers (names must be unique).
   *
   * @default - only Istio's built-in providers
   */
  readonly extensionProviders?: ExtensionProvider[];
}

const TRUST_DOMAIN = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_PORT = /^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\]):([0-9]{1,5})$/;

/**
 * The configuration of a mesh (Istio's `MeshConfig`), for a `MeshInstallation` (its
 * `meshConfig`) or, for a mesh installed elsewhere, for the synth-time analysis
 * (`MeshAnalysis`), which then checks the app against it: extension providers named by
 * Telemetry resources and CUSTOM AuthorizationPolicies, the outbound traffic policy, the root
 * namespace.
 *
 * Every setting is checked when the MeshConfig is built.
 *
 * @example
 * new MeshConfig({
 *   outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
 *   accessLogFile: '/dev/stdout',
 *   extensionProviders: [
 *     ExtensionProvider.opentelemetry('otel', { service: 'observability/otel-collector.observability.svc.cluster.local', port: 4317 }),
 *   ],
 *   defaultProviders: { tracing: ['otel'] },
 * });
 */
export class MeshConfig implements IMeshConfig {
  private readonly props: MeshConfigProps;
  private readonly providers: ExtensionProvider[] = [];
  private readonly scope: IConstruct = partScope('MeshConfig');

  public constructor(props: MeshConfigProps = {}) {
    this.props = props;
    this.check();
    for (const p of props.extensionProviders ?? []) this.addExtensionProvider(p);
    this.checkDefaultProviders();
  }

  /**
   * Adds an extension provider (its name must not be taken by another one).
   *
   * @returns this MeshConfig
   */
  public addExtensionProvider(provider: ExtensionProvider): MeshConfig {
    if (!(provider instanceof ExtensionProvider)) {
      invalid(this.scope, 'extensionProviders', provider, 'an extension provider must be built with an ExtensionProvider factory', "use e.g. ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 })");
    }
    if (this.providers.some((p) => p.name === provider.name)) {
      invalid(this.scope, 'extensionProviders', provider.name, 'two extension providers have this name; Telemetry resources and AuthorizationPolicies name providers, so names must be unique', 'give each provider its own name');
    }
    this.providers.push(provider);
    return this;
  }

  /**
   * The names of the providers the mesh has: Istio's built-in providers (prometheus,
   * stackdriver, envoy) and this MeshConfig's extension providers, sorted.
   */
  public providerNames(): string[] {
    return [...new Set([...Object.keys(BUILT_IN_PROVIDERS), ...this.providers.map((p) => p.name)])].sort();
  }

  /**
   * The uses of the provider named `name` (a provider of this MeshConfig, or a built-in one it
   * does not replace), or undefined when the mesh has no such provider.
   */
  public providerUses(name: string): ExtensionProviderUse[] | undefined {
    const own = this.providers.find((p) => p.name === name);
    if (own) return [...own.uses];
    const builtIn = BUILT_IN_PROVIDERS[name];
    return builtIn ? [...builtIn] : undefined;
  }

  /**
   * The MeshConfig as plain data, with Istio's field names and only the fields that were set.
   * Extension providers are listed as `{ name, <kind>: { ... } }` (Istio's built-in providers
   * are not listed: Istio adds them itself).
   */
  public renderMeshConfig(): { [key: string]: any } {
    const p = this.props;
    const d = p.defaultConfig;
    const t = d?.tracing;
    return prune({
      outboundTrafficPolicy: p.outboundTrafficPolicy === undefined ? undefined : { mode: p.outboundTrafficPolicy },
      accessLogFile: p.accessLogFile,
      accessLogFormat: p.accessLogFormat,
      accessLogEncoding: p.accessLogEncoding,
      enableTracing: p.enableTracing,
      defaultConfig: d && {
        holdApplicationUntilProxyStarts: d.holdApplicationUntilProxyStarts,
        tracing: t && {
          sampling: t.sampling,
          zipkin: t.zipkinAddress === undefined ? undefined : { address: t.zipkinAddress },
          maxPathTagLength: t.maxPathTagLength,
        },
        proxyMetadata: d.proxyMetadata && { ...d.proxyMetadata },
      },
      trustDomain: p.trustDomain,
      rootNamespace: p.rootNamespace,
      defaultProviders: p.defaultProviders && {
        tracing: p.defaultProviders.tracing && [...p.defaultProviders.tracing],
        metrics: p.defaultProviders.metrics && [...p.defaultProviders.metrics],
        accessLogging: p.defaultProviders.accessLogging && [...p.defaultProviders.accessLogging],
      },
      extensionProviders: this.providers.length === 0 ? undefined : this.providers.map((x) => x.toJson()),
    }) as { [key: string]: any };
  }

  private check(): void {
    const p = this.props;
    const s = this.scope;
    const policies: readonly string[] = Object.values(OutboundTrafficPolicyMode);
    if (p.outboundTrafficPolicy !== undefined && !policies.includes(p.outboundTrafficPolicy)) {
      invalid(s, 'outboundTrafficPolicy', p.outboundTrafficPolicy, `unknown mode (known: ${policies.join(', ')})`, 'use OutboundTrafficPolicyMode.REGISTRY_ONLY or .ALLOW_ANY');
    }
    if (p.accessLogFile !== undefined && (!p.accessLogFile.startsWith('/') || /\s/.test(p.accessLogFile))) {
      invalid(s, 'accessLogFile', p.accessLogFile, 'the access log file must be an absolute path without spaces', 'use "/dev/stdout" to log to the proxy container\'s output');
    }
    const encodings: readonly string[] = Object.values(AccessLogEncoding);
    if (p.accessLogEncoding !== undefined && !encodings.includes(p.accessLogEncoding)) {
      invalid(s, 'accessLogEncoding', p.accessLogEncoding, `unknown encoding (known: ${encodings.join(', ')})`, 'use AccessLogEncoding.TEXT or AccessLogEncoding.JSON');
    }
    if ((p.accessLogFormat !== undefined || p.accessLogEncoding !== undefined) && p.accessLogFile === undefined) {
      invalid(s, p.accessLogFormat !== undefined ? 'accessLogFormat' : 'accessLogEncoding', p.accessLogFormat ?? p.accessLogEncoding, 'the format and encoding apply to the access log file, and no accessLogFile is set', 'set accessLogFile (e.g. "/dev/stdout"), or configure the log of a provider with ExtensionProvider.envoyFileAccessLog');
    }
    if (p.accessLogFormat !== undefined) this.checkFormat(p.accessLogFormat, p.accessLogEncoding);
    const d = p.defaultConfig;
    checkPercentage(s, 'defaultConfig.tracing.sampling', d?.tracing?.sampling);
    checkUint32(s, 'defaultConfig.tracing.maxPathTagLength', d?.tracing?.maxPathTagLength, 1);
    const zipkin = d?.tracing?.zipkinAddress;
    if (zipkin !== undefined) {
      const m = HOST_PORT.exec(zipkin);
      if (!m || Number(m[4]) < 1 || Number(m[4]) > 65535) {
        invalid(s, 'defaultConfig.tracing.zipkinAddress', zipkin, 'the Zipkin address is "host:port" without a scheme or a path', 'write e.g. "zipkin.istio-system:9411"');
      }
    }
    if (d?.tracing !== undefined && p.enableTracing === false) {
      invalid(s, 'defaultConfig.tracing', d.tracing, 'tracing settings have no effect with enableTracing: false', 'drop defaultConfig.tracing, or enable tracing');
    }
    for (const name of Object.keys(d?.proxyMetadata ?? {})) {
      if (!ENV_NAME.test(name)) invalid(s, 'defaultConfig.proxyMetadata', name, 'proxy metadata keys are environment variable names', 'use e.g. "ISTIO_META_DNS_CAPTURE"');
    }
    if (p.trustDomain !== undefined && (p.trustDomain.length > 255 || !TRUST_DOMAIN.test(p.trustDomain))) {
      invalid(s, 'trustDomain', p.trustDomain, 'a trust domain is lower-case letters, digits, ".", "-" and "_" (no scheme such as "spiffe://")', 'use e.g. "cluster.local" or "prod.example.com"');
    }
    checkDns1123Label(s, 'rootNamespace', p.rootNamespace);
  }

  private checkFormat(format: string, encoding: AccessLogEncoding | undefined): void {
    if (format.trim() === '') {
      invalid(this.scope, 'accessLogFormat', format, 'the format must not be empty', 'leave accessLogFormat out to use Istio\'s default format');
    }
    if (encoding !== AccessLogEncoding.JSON) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(format);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      invalid(this.scope, 'accessLogFormat', format, 'with the JSON encoding the format must be a JSON object of keys and command operators', 'write e.g. \'{"start_time":"%START_TIME%","code":"%RESPONSE_CODE%"}\', or use AccessLogEncoding.TEXT');
    }
  }

  private checkDefaultProviders(): void {
    const dp = this.props.defaultProviders;
    if (dp === undefined) return;
    const kinds: [keyof MeshDefaultProviders, ExtensionProviderUse][] = [
      ['tracing', ExtensionProviderUse.TRACING],
      ['metrics', ExtensionProviderUse.METRICS],
      ['accessLogging', ExtensionProviderUse.ACCESS_LOGGING],
    ];
    for (const [field, use] of kinds) {
      const names = dp[field] ?? [];
      const seen = new Set<string>();
      for (const name of names) {
        const f = `defaultProviders.${field}`;
        if (seen.has(name)) invalid(this.scope, f, name, 'the provider is listed twice', 'list each provider once');
        seen.add(name);
        const uses = this.providerUses(name);
        if (uses === undefined) {
          invalid(this.scope, f, name, `the mesh has no provider of this name (it has: ${this.providerNames().join(', ')})`, 'add it to extensionProviders, or name a defined provider');
        }
        if (!uses.includes(use)) {
          invalid(this.scope, f, name, `the provider is used for ${uses.join(', ')}, not ${use}`, `name a ${use} provider here`);
        }
      }
    }
  }
}
