import { ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MetricsReporter, MonitoredService } from './observability';
import {
  cleanNumber, errorRatioQuery, latencyQuery, renderPromDuration, requestRateQuery,
  ResolvedService, SERVICE_LABELS, checkPercentile,
} from './observability-internal';
import * as l1 from '../../imports/monitoring.coreos.com';
import { checkNonEmpty, checkRequiredProps } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { Protocol } from '../core/protocol';

/**
 * The `severity` label of an alert, which Alertmanager routes on.
 */
export enum AlertSeverity {
  /** Someone must act now (page). */
  CRITICAL = 'critical',
  /** Needs attention soon (ticket / chat). */
  WARNING = 'warning',
  /** For information only. */
  INFO = 'info',
}

/**
 * The error-rate alert of each service: fires when the fraction of failed requests (HTTP
 * 5xx; for gRPC services the server-error statuses UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS) stays above `threshold`.
 *
 * @example
 * { threshold: 0.01, pendingFor: Duration.minutes(10), severity: AlertSeverity.CRITICAL }
 */
export interface ServiceErrorRateAlert {
  /**
   * Whether the alert is emitted.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The error rate above which the alert fires, as a FRACTION of requests from 0 to 1
   * (exclusive): `0.05` is 5%. `0` fires on any failed request.
   *
   * @default 0.05
   */
  readonly threshold?: number;

  /**
   * How long the error rate must stay above the threshold before the alert fires
   * (Prometheus `for`).
   *
   * @default Duration.minutes(5)
   */
  readonly pendingFor?: Duration;

  /**
   * The window the rate is computed over (`rate(...[window])`); at least four scrape
   * intervals is a good rule.
   *
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;

  /**
   * The alert's severity.
   *
   * @default AlertSeverity.WARNING
   */
  readonly severity?: AlertSeverity;

  /**
   * Fire only while the service receives more than this many requests per second, so one
   * failure among a handful of requests does not page anyone.
   *
   * @default - no minimum
   */
  readonly minRequestsPerSecond?: number;

  /**
   * A runbook link, added as the `runbook_url` annotation.
   *
   * @default - no runbook annotation
   */
  readonly runbookUrl?: string;
}

/**
 * The latency alert of each service: fires when a latency percentile (p99 by default),
 * from `istio_request_duration_milliseconds_bucket`, stays above `threshold`.
 *
 * @example
 * { threshold: Duration.millis(500), percentile: 99 }
 */
export interface ServiceLatencyAlert {
  /**
   * Whether the alert is emitted.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The latency above which the alert fires (whole milliseconds, at least 1ms). Istio's
   * histogram buckets are coarse (..., 250, 500, 1000, 2500, ... ms), so values between
   * bucket bounds are interpolated.
   *
   * @default Duration.seconds(1)
   */
  readonly threshold?: Duration;

  /**
   * The percentile watched, strictly between 0 and 100: `99` is p99, `99.9` is p99.9.
   *
   * @default 99
   */
  readonly percentile?: number;

  /**
   * How long the latency must stay above the threshold before the alert fires
   * (Prometheus `for`).
   *
   * @default Duration.minutes(5)
   */
  readonly pendingFor?: Duration;

  /**
   * The window the histogram rate is computed over.
   *
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;

  /**
   * The alert's severity.
   *
   * @default AlertSeverity.WARNING
   */
  readonly severity?: AlertSeverity;

  /**
   * A runbook link, added as the `runbook_url` annotation.
   *
   * @default - no runbook annotation
   */
  readonly runbookUrl?: string;
}

/**
 * Properties of `ServiceAlerts`.
 */
export interface ServiceAlertsProps {
  /**
   * The services to alert on, each at most once. More can be added with `addService()`.
   */
  readonly services: MonitoredService[];

  /**
   * The error-rate alert.
   *
   * @default - enabled: more than 5% of requests failing for 5 minutes, severity warning
   */
  readonly errorRate?: ServiceErrorRateAlert;

  /**
   * The latency alert.
   *
   * @default - enabled: p99 above 1 second for 5 minutes, severity warning
   */
  readonly latency?: ServiceLatencyAlert;

  /**
   * Whose view of the requests the alerts read (the metrics' `reporter` label).
   *
   * @default MetricsReporter.DESTINATION
   */
  readonly reporter?: MetricsReporter;

  /**
   * Labels added to every alert, e.g. `{ team: 'reviews' }` for Alertmanager routing.
   * Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`); `severity` is set per alert.
   *
   * @default - only `severity` (and the service labels of the query result)
   */
  readonly labels?: { [name: string]: string };

  /**
   * Annotations added to every alert, e.g. `{ dashboard: 'https://grafana/d/...' }`.
   * `summary`, `description` and `runbook_url` are generated.
   *
   * @default - only the generated summary and description
   */
  readonly annotations?: { [name: string]: string };

  /**
   * How often Prometheus evaluates the rule groups.
   *
   * @default - Prometheus's global evaluation interval
   */
  readonly evaluationInterval?: Duration;

  /**
   * Metadata of the PrometheusRule. Add the labels your Prometheus's `ruleSelector`
   * matches (kube-prometheus-stack: `release: <helm release>`).
   *
   * @default - name `<service>-alerts` for a single service (a generated name otherwise), in
   * the services' namespace when they share one (the chart's namespace otherwise)
   */
  readonly metadata?: ApiObjectMetadata;
}

const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const GENERATED_LABELS = new Set(['severity', 'alertname']);
const GENERATED_ANNOTATIONS = new Set(['summary', 'description', 'runbook_url']);

/**
 * Per-service Prometheus alerts on Istio's standard request metrics: a prometheus-operator
 * `PrometheusRule` with one rule group per service holding an error-rate alert and a
 * latency-percentile alert.
 *
 * The PromQL is generated from the service's name and namespace
 * (`istio_requests_total{reporter="destination", destination_service_namespace="...",
 * destination_service_name="...", response_code=~"5.."}` over all requests, and
 * `histogram_quantile` over `istio_request_duration_milliseconds_bucket`), aggregated by
 * `destination_service_namespace, destination_service_name` so every alert carries them.
 * The error-rate threshold is a fraction (0.05 = 5%); the description shows the measured
 * value with `humanizePercentage`.
 *
 * @example
 * new ServiceAlerts(chart, 'alerts', {
 *   services: [MonitoredService.fromMeshService(reviews), MonitoredService.fromName('ratings', 'bookinfo')],
 *   errorRate: { threshold: 0.01, severity: AlertSeverity.CRITICAL },
 *   latency: { threshold: Duration.millis(500) },
 *   labels: { team: 'bookinfo' },
 *   metadata: { labels: { release: 'kube-prometheus-stack' } },
 * });
 */
export class ServiceAlerts extends Construct {
  /** The generated PrometheusRule (escape hatch). */
  public readonly prometheusRule: l1.PrometheusRule;

  private readonly props: ServiceAlertsProps;
  private readonly reporter: MetricsReporter;
  private readonly groups: l1.PrometheusRuleSpecGroups[] = [];
  private readonly keys = new Set<string>();
  private readonly interval?: string;

  public constructor(scope: Construct, id: string, props: ServiceAlertsProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    checkRequiredProps(this, 'a ServiceAlerts', props, { services: '[productpage, reviews]' });
    this.props = props;
    this.reporter = props.reporter ?? MetricsReporter.DESTINATION;
    checkNonEmpty(this, 'services', props.services,
      'list at least one service, e.g. [MonitoredService.fromMeshService(reviews)]');
    if (props.errorRate?.enabled === false && props.latency?.enabled === false) {
      invalid(this, 'errorRate.enabled and latency.enabled', false, 'both alerts are disabled, so the PrometheusRule would alert on nothing',
        'keep at least one of the two alerts enabled, or remove the ServiceAlerts');
    }
    checkPromLabels(this, 'labels', props.labels, GENERATED_LABELS);
    checkPromLabels(this, 'annotations', props.annotations, GENERATED_ANNOTATIONS);
    this.interval = props.evaluationInterval === undefined ? undefined : renderPromDuration(this, 'evaluationInterval', props.evaluationInterval);

    const resolved = props.services.map((s, i) => s._resolve(this, `services[${i}]`));
    const namespaces = new Set(resolved.map((r) => r.namespace));
    // Leave name/namespace out (not undefined) when there is no default: cdk8s then
    // generates a unique name and uses the chart's namespace.
    const name = props.metadata?.name ?? (resolved.length === 1 ? `${resolved[0].name}-alerts` : undefined);
    const namespace = props.metadata?.namespace ?? (namespaces.size === 1 ? [...namespaces][0] : undefined);
    const metadata: ApiObjectMetadata = {
      ...props.metadata,
      ...(name === undefined ? {} : { name }),
      ...(namespace === undefined ? {} : { namespace }),
    };
    resolved.forEach((r, i) => this.addResolved(r, `services[${i}]`));

    this.prometheusRule = new l1.PrometheusRule(this, 'Resource', {
      metadata,
      spec: { groups: Lazy.any({ produce: () => this.groups }) as unknown as l1.PrometheusRuleSpecGroups[] },
    });
  }

  /** The services alerted on, as `<namespace>/<name>`, in the order they were added. */
  public get services(): string[] {
    return [...this.keys];
  }

  /**
   * Adds the alerts of another service (a new rule group).
   */
  public addService(service: MonitoredService): ServiceAlerts {
    const field = `services[${this.keys.size}]`;
    this.addResolved(service._resolve(this, field), field);
    return this;
  }

  private addResolved(svc: ResolvedService, field: string): void {
    const key = `${svc.namespace}/${svc.name}`;
    if (this.keys.has(key)) {
      invalid(this, field, key, 'the service is already alerted on (Prometheus rejects duplicate rule groups)', 'list each service once');
    }
    this.keys.add(key);
    const rules: l1.PrometheusRuleSpecGroupsRules[] = [];
    if (this.props.errorRate?.enabled !== false) rules.push(this.errorRateRule(svc, this.props.errorRate ?? {}));
    if (this.props.latency?.enabled !== false) rules.push(this.latencyRule(svc, this.props.latency ?? {}));
    this.groups.push({ name: `istio-service.${svc.namespace}.${svc.name}`, interval: this.interval, rules });
  }

  private errorRateRule(svc: ResolvedService, o: ServiceErrorRateAlert): l1.PrometheusRuleSpecGroupsRules {
    const threshold = o.threshold ?? 0.05;
    if (!Number.isFinite(threshold) || threshold < 0 || threshold >= 1) {
      invalid(this, 'errorRate.threshold', threshold, 'the error-rate threshold is a fraction of requests, from 0 (inclusive) to 1 (exclusive)',
        `pass e.g. 0.05 for 5%${threshold >= 1 && threshold < 100 ? ` (${threshold}% is ${cleanNumber(threshold / 100)})` : ''}`);
    }
    if (o.minRequestsPerSecond !== undefined && (!Number.isFinite(o.minRequestsPerSecond) || o.minRequestsPerSecond <= 0)) {
      invalid(this, 'errorRate.minRequestsPerSecond', o.minRequestsPerSecond, 'the minimum request rate must be a positive number of requests per second',
        'pass e.g. 1 (one request per second), or omit it to alert at any traffic level');
    }
    const window = renderPromDuration(this, 'errorRate.window', o.window ?? Duration.minutes(5));
    const pendingFor = renderPromDuration(this, 'errorRate.pendingFor', o.pendingFor ?? Duration.minutes(5));
    let expr = `${errorRatioQuery(svc, this.reporter, window)} > ${cleanNumber(threshold)}`;
    if (o.minRequestsPerSecond !== undefined) {
      expr = `(${expr}) and (${requestRateQuery(svc, this.reporter, window, SERVICE_LABELS)} > ${cleanNumber(o.minRequestsPerSecond)})`;
    }
    const failures = svc.protocol === Protocol.GRPC ? 'gRPC server errors' : 'HTTP 5xx';
    const host = `${svc.name}.${svc.namespace}`;
    return {
      alert: 'IstioServiceHighErrorRate',
      expr: l1.PrometheusRuleSpecGroupsRulesExpr.fromString(expr),
      for: pendingFor,
      labels: { ...this.props.labels, severity: o.severity ?? AlertSeverity.WARNING },
      annotations: this.annotations(o.runbookUrl, 'errorRate.runbookUrl',
        `High error rate on ${host}`,
        `{{ $value | humanizePercentage }} of requests to ${host} failed (${failures}) over the last ${window}, above the ${cleanNumber(threshold * 100)}% threshold (reporter: ${this.reporter}).`),
    };
  }

  private latencyRule(svc: ResolvedService, o: ServiceLatencyAlert): l1.PrometheusRuleSpecGroupsRules {
    const percentile = o.percentile ?? 99;
    checkPercentile(this, 'latency.percentile', percentile);
    const threshold = o.threshold ?? Duration.seconds(1);
    renderPromDuration(this, 'latency.threshold', threshold); // checks: positive, whole milliseconds
    const thresholdMs = threshold.toMilliseconds();
    const window = renderPromDuration(this, 'latency.window', o.window ?? Duration.minutes(5));
    const pendingFor = renderPromDuration(this, 'latency.pendingFor', o.pendingFor ?? Duration.minutes(5));
    const p = `p${cleanNumber(percentile)}`;
    const host = `${svc.name}.${svc.namespace}`;
    return {
      alert: `IstioServiceHighLatency${p.toUpperCase().replace('.', '_')}`,
      expr: l1.PrometheusRuleSpecGroupsRulesExpr.fromString(`${latencyQuery(svc, this.reporter, window, percentile)} > ${thresholdMs}`),
      for: pendingFor,
      labels: { ...this.props.labels, severity: o.severity ?? AlertSeverity.WARNING },
      annotations: this.annotations(o.runbookUrl, 'latency.runbookUrl',
        `High ${p} latency on ${host}`,
        `The ${p} latency of requests to ${host} is {{ $value | humanize }}ms over the last ${window}, above the ${thresholdMs}ms threshold (reporter: ${this.reporter}).`),
    };
  }

  private annotations(runbookUrl: string | undefined, field: string, summary: string, description: string): { [key: string]: string } {
    if (runbookUrl !== undefined && !/^https?:\/\/\S+$/.test(runbookUrl)) {
      invalid(this, field, runbookUrl, 'a runbook URL must be an absolute http(s) URL', 'pass e.g. "https://runbooks.example.com/istio/high-error-rate"');
    }
    return { ...this.props.annotations, summary, description, ...(runbookUrl === undefined ? {} : { runbook_url: runbookUrl }) };
  }
}

function checkPromLabels(scope: IConstruct, field: string, labels: { [name: string]: string } | undefined, generated: Set<string>): void {
  for (const [name, value] of Object.entries(labels ?? {})) {
    if (!PROM_LABEL_NAME.test(name) || name.startsWith('__')) {
      invalid(scope, `${field} key`, name, 'a Prometheus label/annotation name must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"',
        'use letters, digits and "_", e.g. "team" or "runbook_url"');
    }
    if (generated.has(name)) {
      invalid(scope, `${field} key`, name, `"${name}" is generated by ServiceAlerts`,
        name === 'severity' ? 'set `errorRate.severity` / `latency.severity` instead'
          : name === 'runbook_url' ? 'set `errorRate.runbookUrl` / `latency.runbookUrl` instead'
            : `remove "${name}"; it is generated from the service and the threshold`);
    }
    if (typeof value !== 'string') {
      invalid(scope, `${field}.${name}`, value, 'values must be strings', `quote the value, e.g. { ${name}: "..." }`);
    }
  }
}
