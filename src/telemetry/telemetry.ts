import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { TelemetryAccessLogging } from './access-logging';
import { TelemetryMetrics, TelemetryMetricsOverride, TelemetryTagOperation, TelemetryTagOverride } from './metrics';
import { TelemetryTargetRef } from './target-ref';
import { TelemetryTracing } from './tracing';
import * as l1 from '../../imports/telemetry.istio.io';
import { checkCelExpression, checkExclusive, checkNonEmpty, checkPercentage, checkUnique } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/** Istio accepts at most this many `targetRefs`. */
const MAX_TARGET_REFS = 16;

/**
 * Properties of a `Telemetry`.
 */
export interface TelemetryProps extends IstioResourceProps {
  /**
   * The workloads this configuration applies to. Mutually exclusive with `targetRefs`.
   *
   * @default - every workload in the namespace (or the whole mesh in the root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * The resources (Gateways, waypoint-served Services, ...) whose proxies this configuration
   * applies to (at most 16). Mutually exclusive with `selector`.
   *
   * @default - no target references: `selector` (or the whole namespace) decides
   */
  readonly targetRefs?: TelemetryTargetRef[];

  /**
   * Tracing rules. More can be added with `addTracing()`.
   *
   * @default - tracing is inherited from the namespace / mesh configuration
   */
  readonly tracing?: TelemetryTracing[];

  /**
   * Metrics rules. More can be added with `addMetrics()`.
   *
   * @default - metrics are inherited from the namespace / mesh configuration
   */
  readonly metrics?: TelemetryMetrics[];

  /**
   * Access-logging rules. More can be added with `addAccessLogging()`.
   *
   * @default - access logging is inherited from the namespace / mesh configuration
   */
  readonly accessLogging?: TelemetryAccessLogging[];
}

/**
 * `telemetry.istio.io/v1` Telemetry: tracing, metrics and access logging for the whole mesh
 * (in the root namespace), a namespace, or selected workloads.
 *
 * Every rule is checked when it is added: sampling percentages, provider names, metric
 * overrides and tag operations fail early with the field, the value and the fix.
 *
 * @example
 * new Telemetry(chart, 'mesh-default', {
 *   metadata: { name: 'mesh-default', namespace: 'istio-system' },
 *   tracing: [{ providers: ['zipkin'], randomSamplingPercentage: 10 }],
 *   accessLogging: [{ providers: ['envoy'], filter: 'response.code >= 400' }],
 * });
 */
export class Telemetry extends IstioResource {
  public readonly apiObject: l1.Telemetry;

  private readonly selector?: WorkloadSelector;
  private readonly targetRefs?: l1.TelemetrySpecTargetRefs[];
  private readonly tracing: l1.TelemetrySpecTracing[] = [];
  private readonly metrics: l1.TelemetrySpecMetrics[] = [];
  private readonly accessLogging: l1.TelemetrySpecAccessLogging[] = [];

  public constructor(scope: Construct, id: string, props: TelemetryProps = {}) {
    super(scope, id);
    checkExclusive(this, { selector: props.selector, targetRefs: props.targetRefs },
      'use either a workload `selector` or `targetRefs`, not both (Istio accepts only one)');
    this.selector = props.selector;
    this.targetRefs = props.targetRefs === undefined ? undefined : renderTargetRefs(this, props.targetRefs);
    for (const t of props.tracing ?? []) this.addTracing(t);
    for (const m of props.metrics ?? []) this.addMetrics(m);
    for (const a of props.accessLogging ?? []) this.addAccessLogging(a);

    this.apiObject = new l1.Telemetry(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => (this.tracing.length + this.metrics.length + this.accessLogging.length === 0
        ? ['tracing/metrics/accessLogging [] is invalid: the Telemetry configures nothing. Fix: add a rule with addTracing(), addMetrics() or addAccessLogging() (e.g. addAccessLogging({ providers: [\'envoy\'] })), or remove the resource']
        : []),
    });
  }

  /**
   * Adds a tracing rule (`spec.tracing[]`).
   */
  public addTracing(tracing: TelemetryTracing): Telemetry {
    const field = `tracing[${this.tracing.length}]`;
    checkPercentage(this, `${field}.randomSamplingPercentage`, tracing.randomSamplingPercentage);
    let customTags: { [key: string]: l1.TelemetrySpecTracingCustomTags } | undefined;
    if (tracing.customTags !== undefined) {
      customTags = {};
      for (const [tag, value] of Object.entries(tracing.customTags)) {
        checkTagName(this, `${field}.customTags`, tag);
        customTags[tag] = value._render(this, `${field}.customTags.${tag}`);
      }
    }
    this.tracing.push({
      providers: renderProviders(this, `${field}.providers`, tracing.providers),
      randomSamplingPercentage: tracing.randomSamplingPercentage,
      customTags,
      disableSpanReporting: tracing.disableSpanReporting,
      disableContextPropagation: tracing.disableContextPropagation,
      enableIstioTags: tracing.enableIstioTags,
      useRequestIdForTraceSampling: tracing.useRequestIdForTraceSampling,
      match: tracing.mode === undefined ? undefined : { mode: tracing.mode as string as l1.TelemetrySpecTracingMatchMode },
    });
    return this;
  }

  /**
   * Adds a metrics rule (`spec.metrics[]`).
   */
  public addMetrics(metrics: TelemetryMetrics): Telemetry {
    const field = `metrics[${this.metrics.length}]`;
    const overrides = metrics.overrides?.map((o, i) => renderOverride(this, `${field}.overrides[${i}]`, o));
    this.metrics.push({
      providers: renderProviders(this, `${field}.providers`, metrics.providers),
      overrides,
      reportingInterval: renderDuration(this, `${field}.reportingInterval`, metrics.reportingInterval),
    });
    return this;
  }

  /**
   * Adds an access-logging rule (`spec.accessLogging[]`).
   */
  public addAccessLogging(accessLogging: TelemetryAccessLogging): Telemetry {
    const field = `accessLogging[${this.accessLogging.length}]`;
    if (accessLogging.filter !== undefined && accessLogging.filter.trim().length === 0) {
      invalid(this, `${field}.filter`, accessLogging.filter, 'the filter expression is empty',
        'pass a CEL expression such as "response.code >= 400", or omit `filter` to log every request');
    }
    if (accessLogging.filter !== undefined) checkCelExpression(this, `${field}.filter`, accessLogging.filter);
    this.accessLogging.push({
      providers: renderProviders(this, `${field}.providers`, accessLogging.providers),
      filter: accessLogging.filter === undefined ? undefined : { expression: accessLogging.filter },
      match: accessLogging.mode === undefined ? undefined : { mode: accessLogging.mode as string as l1.TelemetrySpecAccessLoggingMatchMode },
      disabled: accessLogging.disabled,
    });
    return this;
  }

  private renderSpec(): l1.TelemetrySpec {
    return {
      selector: this.selector ? { matchLabels: this.selector._render(this, 'selector') } : undefined,
      targetRefs: this.targetRefs,
      tracing: this.tracing.length > 0 ? this.tracing : undefined,
      metrics: this.metrics.length > 0 ? this.metrics : undefined,
      accessLogging: this.accessLogging.length > 0 ? this.accessLogging : undefined,
    };
  }
}

function renderTargetRefs(scope: IConstruct, refs: TelemetryTargetRef[]): l1.TelemetrySpecTargetRefs[] {
  checkNonEmpty(scope, 'targetRefs', refs, 'name at least one target, e.g. TelemetryTargetRef.gateway("bookinfo-gateway"), or omit `targetRefs`');
  if (refs.length > MAX_TARGET_REFS) {
    invalid(scope, 'targetRefs', refs.map((r) => r._key), `Istio accepts at most ${MAX_TARGET_REFS} target references (got ${refs.length})`,
      'split the configuration over several Telemetry resources, or use a workload `selector`');
  }
  checkUnique(scope, 'targetRefs', refs.map((r) => r._key), 'list each target once');
  return refs.map((r, i) => r._render(scope, `targetRefs[${i}]`));
}

function renderProviders(scope: IConstruct, field: string, providers: string[] | undefined): { name: string }[] | undefined {
  if (providers === undefined) return undefined;
  checkNonEmpty(scope, field, providers, 'name at least one provider (e.g. "prometheus"), or omit `providers` to use the mesh default');
  providers.forEach((name, i) => {
    if (name.trim().length === 0) {
      invalid(scope, `${field}[${i}]`, name, 'the provider name is empty',
        'use the name of a MeshConfig extensionProvider, e.g. "envoy", "prometheus", "zipkin" or "otel"');
    }
  });
  checkUnique(scope, field, providers, 'list each provider once');
  return providers.map((name) => ({ name }));
}

function checkTagName(scope: IConstruct, field: string, tag: string): void {
  if (tag.trim().length === 0) {
    invalid(scope, field, tag, 'the tag name is empty', 'use a tag name such as "request_host"');
  }
}

function renderOverride(scope: IConstruct, field: string, o: TelemetryMetricsOverride): l1.TelemetrySpecMetricsOverrides {
  checkExclusive(scope, { [`${field}.metric`]: o.metric, [`${field}.customMetric`]: o.customMetric },
    'select either a standard Istio `metric` or a `customMetric` by name, not both (use two overrides for two metrics)');
  if (o.customMetric !== undefined && o.customMetric.trim().length === 0) {
    invalid(scope, `${field}.customMetric`, o.customMetric, 'the metric name is empty',
      'name the metric (e.g. "envoy_cluster_upstream_rq"), or use `metric: TelemetryMetric.ALL_METRICS`');
  }
  let tagOverrides: { [key: string]: l1.TelemetrySpecMetricsOverridesTagOverrides } | undefined;
  if (o.tagOverrides !== undefined) {
    tagOverrides = {};
    for (const [tag, t] of Object.entries(o.tagOverrides)) {
      checkTagName(scope, `${field}.tagOverrides`, tag);
      tagOverrides[tag] = renderTagOverride(scope, `${field}.tagOverrides.${tag}`, t);
    }
  }
  const match: l1.TelemetrySpecMetricsOverridesMatch | undefined = (o.metric ?? o.customMetric ?? o.mode) === undefined ? undefined : {
    metric: o.metric as string as l1.TelemetrySpecMetricsOverridesMatchMetric | undefined,
    customMetric: o.customMetric,
    mode: o.mode as string | undefined as l1.TelemetrySpecMetricsOverridesMatchMode | undefined,
  };
  return { match, disabled: o.disabled, tagOverrides };
}

function renderTagOverride(scope: IConstruct, field: string, t: TelemetryTagOverride): l1.TelemetrySpecMetricsOverridesTagOverrides {
  const operation = t.operation ?? TelemetryTagOperation.UPSERT;
  if (operation === TelemetryTagOperation.UPSERT && (t.value === undefined || t.value.trim().length === 0)) {
    invalid(scope, `${field}.value`, t.value, 'an UPSERT tag override needs a value (a CEL expression)',
      'pass e.g. `{ value: "request.host" }` (quote literals: `"\'prod\'"`), or use `operation: TelemetryTagOperation.REMOVE` to drop the tag');
  }
  if (operation === TelemetryTagOperation.REMOVE && t.value !== undefined) {
    invalid(scope, `${field}.value`, t.value, 'a REMOVE tag override takes no value (Istio rejects it)',
      'drop `value`, or use `operation: TelemetryTagOperation.UPSERT` to set the tag');
  }
  return { operation: operation as string as l1.TelemetrySpecMetricsOverridesTagOverridesOperation, value: t.value };
}
