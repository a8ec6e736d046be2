import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshService } from './mesh-service';
import { checkDns1123Label, checkDns1123Subdomain, checkExclusive, checkPercentage, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { checkRootNamespace, meshRootNamespace } from '../core/mesh-config-source';
import { WorkloadSelector } from '../core/workload-selector';
import { TelemetryMetric } from '../telemetry/metrics';
import { Telemetry } from '../telemetry/telemetry';
import { TracingCustomTag } from '../telemetry/tracing';
import { TelemetryWorkloadMode } from '../telemetry/workload-mode';


/**
 * Which requests an access-log rule writes: a CEL expression over Envoy's request
 * attributes, with presets for the usual cases.
 *
 * @example
 * AccessLogFilter.errorsOnly() // response.code >= 400
 */
export class AccessLogFilter {
  /** Only requests answered with a client or server error: `response.code >= 400`. */
  public static errorsOnly(): AccessLogFilter {
    return new AccessLogFilter('response.code >= 400');
  }

  /** Only requests answered with a server error: `response.code >= 500`. */
  public static serverErrorsOnly(): AccessLogFilter {
    return new AccessLogFilter('response.code >= 500');
  }

  /**
   * Any CEL expression over request/connection attributes, e.g.
   * `connection.mtls && request.url_path.contains('v1beta3')`.
   *
   * @param cel the expression (non-empty)
   */
  public static fromExpression(cel: string): AccessLogFilter {
    return new AccessLogFilter(cel);
  }

  private constructor(
    /** The CEL expression (`filter.expression`). */
    public readonly expression: string,
  ) {}
}

/**
 * Tracing of a `MeshTelemetry`.
 *
 * @example
 * { samplingPercentage: 10, provider: 'otel' }
 */
export interface MeshTelemetryTracing {
  /**
   * Percentage of requests traced (0-100, fractions allowed, e.g. `0.5`), when the caller
   * made no sampling decision.
   */
  readonly samplingPercentage: number;

  /**
   * The tracing provider: the name of a MeshConfig `extensionProviders` entry (e.g.
   * `zipkin`, `otel`).
   *
   * @default - the mesh's default tracing provider
   */
  readonly provider?: string;

  /**
   * Extra tags added to every span, by tag name.
   *
   * @default - no custom tags
   */
  readonly customTags?: { [name: string]: TracingCustomTag };
}

/**
 * An access-logging rule of a `MeshTelemetry`.
 *
 * @example
 * { provider: 'envoy', filter: AccessLogFilter.errorsOnly() }
 */
export interface MeshTelemetryAccessLogging {
  /**
   * The access-log provider: `envoy` (the proxy's stdout) or a MeshConfig
   * `extensionProviders` entry (e.g. `otel`).
   *
   * @default 'envoy'
   */
  readonly provider?: string;

  /**
   * Which requests are logged.
   *
   * @default - every request
   */
  readonly filter?: AccessLogFilter;

  /**
   * Which traffic direction, relative to the workload, is logged.
   *
   * @default TelemetryWorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryWorkloadMode;

  /**
   * Turns access logging off for this provider (e.g. to silence a namespace under a
   * mesh-wide rule). Access logs are an audit trail: disable them deliberately.
   *
   * @default false
   */
  readonly disabled?: boolean;
}

/**
 * Metrics of a `MeshTelemetry`.
 *
 * @example
 * { providers: ['prometheus'], disabledMetrics: [TelemetryMetric.REQUEST_SIZE, TelemetryMetric.RESPONSE_SIZE] }
 */
export interface MeshTelemetryMetrics {
  /**
   * The metrics providers (MeshConfig `extensionProviders` entries, e.g. `prometheus`,
   * `stackdriver`), each at most once.
   *
   * @default ['prometheus']
   */
  readonly providers?: string[];

  /**
   * Standard metrics not generated (to cut cardinality), each at most once.
   * `ServiceAlerts` and `GrafanaDashboard` need REQUEST_COUNT and REQUEST_DURATION.
   *
   * @default - every standard metric is generated
   */
  readonly disabledMetrics?: TelemetryMetric[];

  /**
   * How often metrics are reported (providers that push; Prometheus scrapes).
   *
   * @default - the provider's interval
   */
  readonly reportingInterval?: Duration;
}

/**
 * Properties of a `MeshTelemetry`.
 */
export interface MeshTelemetryProps {
  /**
   * The namespace configured. The root namespace (`rootNamespace`) makes the configuration
   * mesh-wide; any other namespace configures only its workloads. Mutually exclusive with
   * `service`.
   *
   * @default - the root namespace: mesh-wide
   */
  readonly namespace?: string;

  /**
   * The mesh's root namespace (MeshConfig `rootNamespace`).
   *
   * @default - the declared MeshConfig's `rootNamespace` (a `MeshInstallation`, `MeshAnalysis.useMeshConfig`), else 'istio-system'
   */
  readonly rootNamespace?: string;

  /**
   * Configures only the pods of this mesh service (in its namespace, selected by its `app`
   * label). Mutually exclusive with `namespace` and `selector`.
   *
   * @default - every workload of the namespace
   */
  readonly service?: MeshService;

  /**
   * Configures only the workloads with these labels (in `namespace`). Mutually exclusive
   * with `service`.
   *
   * @default - every workload of the namespace
   */
  readonly selector?: WorkloadSelector;

  /**
   * The Telemetry's name.
   *
   * @default - `mesh-default` (mesh-wide), `namespace-default` (namespace), or the service's
   * name (`service`) / `workloads` (`selector`)
   */
  readonly name?: string;

  /**
   * Distributed tracing. Can also be set later with `enableTracing()`.
   *
   * @default - not configured: inherited from the mesh (Istio samples 1% by default)
   */
  readonly tracing?: MeshTelemetryTracing;

  /**
   * Access logging. More providers can be added with `addAccessLogging()`.
   *
   * @default - the `envoy` provider logs every request
   */
  readonly accessLogging?: MeshTelemetryAccessLogging;

  /**
   * Metrics: providers, metrics not generated, reporting interval.
   *
   * @default - the `prometheus` provider generates every standard metric
   */
  readonly metrics?: MeshTelemetryMetrics;
}

/**
 * Every MeshTelemetry of an app (by root construct), with an index by scope (namespace and
 * selected labels) rebuilt when members were added: one pass per synth, not one per member.
 */
interface Registry {
  readonly members: MeshTelemetry[];
  index?: { readonly size: number; readonly firstByScope: Map<string, MeshTelemetry> };
}
const REGISTRY = new WeakMap<IConstruct, Registry>();

/**
 * Mesh-wide, namespace-wide or per-service observability settings in one `Telemetry`:
 * metrics to Prometheus, access logs (optionally errors only) and trace sampling.
 *
 * By default it is mesh-wide (in the root namespace `istio-system`), keeps every standard
 * metric on the `prometheus` provider and logs every request through `envoy`; tracing is
 * left to the mesh default until a sampling percentage is given. Access logs and metrics
 * are stated explicitly so a review shows them, and turning them off is explicit
 * (`accessLogging: { disabled: true }`, `metrics: { disabledMetrics: [...] }`).
 *
 * Istio merges Telemetry per section: a namespace or workload Telemetry that sets
 * `metrics`, `accessLogging` or `tracing` replaces that section of the mesh-wide one for its
 * workloads. Istio honours only one workload-less Telemetry per namespace, and does not
 * define which of two Telemetry selecting the same workloads applies, so two MeshTelemetry
 * of one app with the same scope (namespace and selected labels) are rejected at synth
 * (Telemetry resources created otherwise are not checked).
 *
 * @example
 * // mesh-wide: 10% tracing to zipkin, log only failed requests
 * new MeshTelemetry(chart, 'mesh', {
 *   tracing: { samplingPercentage: 10, provider: 'zipkin' },
 *   accessLogging: { filter: AccessLogFilter.errorsOnly() },
 * });
 * // one namespace: trace everything while debugging
 * new MeshTelemetry(chart, 'bookinfo', { namespace: 'bookinfo', tracing: { samplingPercentage: 100 } });
 */
export class MeshTelemetry extends Construct {
  /** The generated Telemetry (escape hatch: `addMetrics()`, `addJsonPatch()`, ...). */
  public readonly telemetry: Telemetry;

  /** The namespace the Telemetry is in. */
  public readonly namespace: string;

  /** Whether the configuration applies to the whole mesh (root namespace, no selector). */
  public readonly meshWide: boolean;

  private readonly accessLogProviders: string[] = [];
  private readonly selector?: WorkloadSelector;
  private tracingSet = false;

  public constructor(scope: Construct, id: string, props: MeshTelemetryProps = {}) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    checkExclusive(this, { namespace: props.namespace, service: props.service?.node.path },
      'a `service` brings its own namespace: give either `service` or `namespace`');
    checkExclusive(this, { selector: props.selector?.labels, service: props.service?.node.path },
      'a `service` brings its own selector (`app=<name>`): give either `service` or `selector`');
    const rootNamespace = props.rootNamespace ?? meshRootNamespace(this);
    checkDns1123Label(this, 'rootNamespace', rootNamespace);
    checkRootNamespace(this, 'rootNamespace', rootNamespace);
    checkDns1123Label(this, 'namespace', props.namespace);
    checkDns1123Subdomain(this, 'name', props.name);

    let namespace = props.namespace ?? rootNamespace;
    if (props.service) {
      const ns = props.service.namespace;
      if (ns === undefined) {
        invalid(this, 'service', props.service.node.path, 'the MeshService has no namespace, so the Telemetry cannot be placed next to it',
          'give the MeshService a `namespace`, or create it in a Chart with a namespace');
      }
      namespace = ns;
    }
    this.namespace = namespace;
    const selector = props.service?.selector ?? props.selector;
    this.selector = selector;
    this.meshWide = selector === undefined && namespace === rootNamespace;
    const name = props.name ?? (props.service ? props.service.serviceName
      : selector ? 'workloads'
        : this.meshWide ? 'mesh-default' : 'namespace-default');

    this.telemetry = new Telemetry(this, 'Telemetry', {
      metadata: { name, namespace },
      selector,
    });

    const metrics = props.metrics ?? {};
    const disabled = metrics.disabledMetrics ?? [];
    checkUnique(this, 'metrics.disabledMetrics', disabled, 'list each metric once');
    if (disabled.includes(TelemetryMetric.ALL_METRICS) && disabled.length > 1) {
      invalid(this, 'metrics.disabledMetrics', disabled, 'ALL_METRICS already disables every metric', 'list either ALL_METRICS alone or the individual metrics');
    }
    this.telemetry.addMetrics({
      providers: metrics.providers ?? ['prometheus'],
      overrides: disabled.length === 0 ? undefined : disabled.map((metric) => ({ metric, disabled: true })),
      reportingInterval: metrics.reportingInterval,
    });
    this.addAccessLogging(props.accessLogging ?? {});
    if (props.tracing) this.enableTracing(props.tracing);

    const root = this.node.root;
    const registry = REGISTRY.get(root) ?? { members: [] };
    REGISTRY.set(root, registry);
    registry.members.push(this);
    this.node.addValidation({ validate: () => this.validateScope(registry) });
  }

  /** The scope the Telemetry configures: its namespace and, if any, the selected labels. */
  private scopeKey(): string {
    const labels = this.selector?.labels ?? {};
    return `${this.namespace}|${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
  }

  private validateScope(registry: Registry): string[] {
    if (registry.index?.size !== registry.members.length) {
      const firstByScope = new Map<string, MeshTelemetry>();
      for (const m of registry.members) {
        const key = m.scopeKey();
        if (!firstByScope.has(key)) firstByScope.set(key, m);
      }
      registry.index = { size: registry.members.length, firstByScope };
    }
    const first = registry.index.firstByScope.get(this.scopeKey());
    if (first === undefined || first === this) return [];
    const what = this.selector === undefined
      ? 'already configures the whole namespace, and Istio applies only the oldest workload-less Telemetry of a namespace'
      : `already configures the same workloads (${JSON.stringify(this.selector.labels)}), and Istio does not define which of two Telemetry selecting one workload applies`;
    return [`namespace ${JSON.stringify(this.namespace)} is invalid: ${first.node.path} ${what}. Fix: merge the settings into one MeshTelemetry, or scope this one to other workloads with \`selector\`/\`service\``];
  }

  /**
   * Sets the trace sampling (`spec.tracing`). Istio honours one tracing rule, so it can be
   * set once (in the props or here).
   */
  public enableTracing(tracing: MeshTelemetryTracing): MeshTelemetry {
    if (this.tracingSet) {
      invalid(this, 'tracing', tracing.samplingPercentage, 'tracing is already configured, and Istio honours one tracing rule per Telemetry',
        'configure tracing once, either in the `tracing` prop or with a single enableTracing() call');
    }
    checkPercentage(this, 'tracing.samplingPercentage', tracing.samplingPercentage);
    this.telemetry.addTracing({
      providers: tracing.provider === undefined ? undefined : [tracing.provider],
      randomSamplingPercentage: tracing.samplingPercentage,
      customTags: tracing.customTags,
    });
    this.tracingSet = true;
    return this;
  }

  /**
   * Adds an access-logging rule for another provider (e.g. only errors to `otel` while
   * `envoy` logs everything). Each provider at most once.
   */
  public addAccessLogging(accessLogging: MeshTelemetryAccessLogging): MeshTelemetry {
    const provider = accessLogging.provider ?? 'envoy';
    const field = `accessLogging[${this.accessLogProviders.length}]`;
    if (this.accessLogProviders.includes(provider)) {
      invalid(this, `${field}.provider`, provider, 'the provider already has an access-logging rule; two rules for one provider conflict',
        'combine the conditions into one filter, e.g. AccessLogFilter.fromExpression("response.code >= 500 || connection.mtls == false")');
    }
    const filter = accessLogging.filter?.expression;
    if (filter !== undefined && filter.trim().length === 0) {
      invalid(this, `${field}.filter`, filter, 'the filter expression is empty',
        'use AccessLogFilter.errorsOnly(), a CEL expression such as "response.code >= 400", or omit `filter` to log every request');
    }
    if (accessLogging.disabled === true && filter !== undefined) {
      invalid(this, `${field}.filter`, filter, 'a disabled access log writes nothing, so a filter has no effect',
        'remove `filter`, or set `disabled: false`');
    }
    this.accessLogProviders.push(provider);
    this.telemetry.addAccessLogging({
      providers: [provider],
      filter,
      mode: accessLogging.mode,
      disabled: accessLogging.disabled ? true : undefined,
    });
    return this;
  }
}
