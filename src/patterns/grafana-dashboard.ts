import { createHash } from 'crypto';
import { ApiObject, ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { MetricsReporter, MonitoredService } from './observability';
import {
  checkPercentile, cleanNumber, errorRatioQuery, latencyQuery, renderPromDuration, requestRateQuery, ResolvedService,
} from './observability-internal';
import { checkLabel, checkNonEmpty, checkRequiredProps, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { Protocol } from '../core/protocol';

/** Kubernetes limit on the total size of a ConfigMap's data. */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;
/** Grafana limit on a dashboard uid. */
const UID_MAX_LENGTH = 40;
const UID = /^[a-zA-Z0-9_-]+$/;
/** Dashboard JSON schema version the panels are written for (Grafana 10/11). */
const SCHEMA_VERSION = 39;

/**
 * Properties of a `GrafanaDashboard`.
 */
export interface GrafanaDashboardProps {
  /**
   * The services shown, one row each, in this order; each at most once. More can be
   * added with `addService()`.
   */
  readonly services: MonitoredService[];

  /**
   * The dashboard's title.
   *
   * @default 'Istio services'
   */
  readonly title?: string;

  /**
   * The dashboard's uid (its URL `/d/<uid>`): at most 40 letters, digits, `-` and `_`.
   *
   * @default - the ConfigMap name (shortened with a hash suffix if longer than 40)
   */
  readonly uid?: string;

  /**
   * The latency percentiles drawn, each strictly between 0 and 100.
   *
   * @default [50, 90, 99]
   */
  readonly latencyPercentiles?: number[];

  /**
   * Whose view of the requests the panels show (the metrics' `reporter` label).
   *
   * @default MetricsReporter.DESTINATION
   */
  readonly reporter?: MetricsReporter;

  /**
   * The window of every `rate(...[window])`.
   *
   * @default Duration.minutes(5)
   */
  readonly rateWindow?: Duration;

  /**
   * The dashboard's auto-refresh interval.
   *
   * @default Duration.seconds(30)
   */
  readonly refresh?: Duration;

  /**
   * The default time range shown (`now-<timeRange>` to `now`).
   *
   * @default Duration.hours(1)
   */
  readonly timeRange?: Duration;

  /**
   * The uid of the Prometheus data source the panels query.
   *
   * @default - a `datasource` dashboard variable listing every Prometheus data source
   */
  readonly datasourceUid?: string;

  /**
   * The Grafana folder, as the `grafana_folder` annotation (honoured when the sidecar's
   * `folderAnnotation` is set to it, as in kube-prometheus-stack).
   *
   * @default - the sidecar's default folder
   */
  readonly folder?: string;

  /**
   * The label the Grafana dashboard sidecar watches for (its `label` / `labelValue`).
   *
   * @default - `grafana_dashboard: "1"`
   */
  readonly sidecarLabel?: { [key: string]: string };

  /**
   * Metadata of the ConfigMap (put it in a namespace the Grafana sidecar searches).
   *
   * @default - a generated name in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * A Grafana dashboard for Istio services, delivered as a ConfigMap that the Grafana
 * dashboard sidecar (kube-prometheus-stack, Grafana Helm chart) picks up by its
 * `grafana_dashboard: "1"` label.
 *
 * Each service gets a row with three panels built from Istio's standard metrics:
 * request rate by response code, error rate (HTTP 5xx, or gRPC server errors), and
 * latency percentiles (p50/p90/p99 by default). The dashboard JSON (the file-provisioning
 * model, not the HTTP API's `{"dashboard": ...}` envelope) is generated: panel ids,
 * grid positions and key order depend only on the inputs, so snapshots and diffs are
 * stable. `editable` is false: the ConfigMap is the source of truth.
 *
 * @example
 * new GrafanaDashboard(chart, 'dashboard', {
 *   services: [MonitoredService.fromMeshService(productpage), MonitoredService.fromMeshService(reviews)],
 *   title: 'Bookinfo',
 *   metadata: { name: 'bookinfo-dashboard', namespace: 'monitoring' },
 * });
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap holding the dashboard JSON (escape hatch). */
  public readonly configMap: ApiObject;

  /** The dashboard's uid. */
  public readonly uid: string;

  /** The key of the dashboard JSON in the ConfigMap's data (`<name>.json`). */
  public readonly dataKey: string;

  private readonly props: GrafanaDashboardProps;
  private readonly resolved: ResolvedService[] = [];
  private readonly keys = new Set<string>();
  private readonly percentiles: number[];
  private readonly window: string;
  private readonly refreshInterval: string;
  private readonly timeFrom: string;

  public constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    checkRequiredProps(this, 'a GrafanaDashboard', props, { services: '[productpage, reviews]' });
    this.props = props;
    checkNonEmpty(this, 'services', props.services, 'list at least one service, e.g. [MonitoredService.fromMeshService(reviews)]');
    this.percentiles = props.latencyPercentiles ?? [50, 90, 99];
    checkNonEmpty(this, 'latencyPercentiles', this.percentiles, 'list at least one percentile, e.g. [50, 90, 99], or omit it');
    this.percentiles.forEach((p, i) => checkPercentile(this, `latencyPercentiles[${i}]`, p));
    checkUnique(this, 'latencyPercentiles', this.percentiles.map((p) => cleanNumber(p)), 'list each percentile once');
    this.window = renderPromDuration(this, 'rateWindow', props.rateWindow ?? Duration.minutes(5));
    this.refreshInterval = this.wholeSeconds('refresh', props.refresh ?? Duration.seconds(30));
    this.timeFrom = `now-${this.wholeSeconds('timeRange', props.timeRange ?? Duration.hours(1))}`;
    if (props.title !== undefined && props.title.trim().length === 0) {
      invalid(this, 'title', props.title, 'the dashboard title is empty', "give a title such as 'Bookinfo services', or omit it");
    }
    if (props.datasourceUid !== undefined && !UID.test(props.datasourceUid)) {
      invalid(this, 'datasourceUid', props.datasourceUid, 'a data source uid is letters, digits, "-" and "_"', 'copy the uid from Grafana (Connections > Data sources > the URL), or omit it to choose in the dashboard');
    }
    if (props.folder !== undefined && props.folder.trim().length === 0) {
      invalid(this, 'folder', props.folder, 'the folder name is empty', 'give a folder name such as "Istio", or omit it');
    }
    const sidecarLabel = props.sidecarLabel ?? { grafana_dashboard: '1' };
    checkNonEmpty(this, 'sidecarLabel', Object.keys(sidecarLabel), 'give the label your Grafana sidecar watches, e.g. { grafana_dashboard: "1" }, or omit it');
    for (const [k, v] of Object.entries(sidecarLabel)) checkLabel(this, `sidecarLabel ${JSON.stringify(k)}`, k, v);

    props.services.forEach((s, i) => this.addResolved(s._resolve(this, `services[${i}]`), `services[${i}]`));

    this.configMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...props.metadata,
        labels: { ...props.metadata?.labels, ...sidecarLabel },
        annotations: props.folder === undefined ? props.metadata?.annotations : { ...props.metadata?.annotations, grafana_folder: props.folder },
      },
      data: Lazy.any({ produce: () => ({ [this.dataKey]: this.renderJson() }) }),
    });
    this.dataKey = `${this.configMap.name}.json`;
    this.uid = props.uid ?? defaultUid(this.configMap.name);
    if (this.uid.length > UID_MAX_LENGTH || !UID.test(this.uid)) {
      invalid(this, 'uid', this.uid, `a dashboard uid is at most ${UID_MAX_LENGTH} letters, digits, "-" and "_"`, 'shorten it, e.g. "bookinfo-services", or omit it to derive one from the name');
    }
    this.node.addValidation({ validate: () => this.validateSize() });
  }

  /** The services shown, as `<namespace>/<name>`, in row order. */
  public get services(): string[] {
    return [...this.keys];
  }

  /** Adds a row for another service (below the existing ones). */
  public addService(service: MonitoredService): GrafanaDashboard {
    const field = `services[${this.keys.size}]`;
    this.addResolved(service._resolve(this, field), field);
    return this;
  }

  /**
   * The dashboard JSON, as written into the ConfigMap.
   */
  public renderJson(): string {
    return `${JSON.stringify(this.model(), undefined, 2)}\n`;
  }

  /** Grafana's refresh and relative time ranges take whole seconds (`30s`, `5m`, `6h`). */
  private wholeSeconds(field: string, duration: Duration): string {
    const rendered = renderPromDuration(this, field, duration);
    if (duration.toMilliseconds() % 1000 !== 0) {
      invalid(this, field, rendered, 'Grafana takes whole seconds here', 'use e.g. Duration.seconds(30) or Duration.minutes(5)');
    }
    return rendered;
  }

  private validateSize(): string[] {
    const bytes = Buffer.byteLength(this.renderJson(), 'utf8') + Buffer.byteLength(this.dataKey, 'utf8');
    return bytes > CONFIG_MAP_MAX_BYTES
      ? [`services ${JSON.stringify(this.keys.size)} is invalid: the dashboard JSON is ${bytes} bytes, over the ${CONFIG_MAP_MAX_BYTES}-byte ConfigMap limit. Fix: split the services over several GrafanaDashboards`]
      : [];
  }

  private addResolved(svc: ResolvedService, field: string): void {
    const key = `${svc.namespace}/${svc.name}`;
    if (this.keys.has(key)) {
      invalid(this, field, key, 'the service is already on the dashboard', 'list each service once');
    }
    this.keys.add(key);
    this.resolved.push(svc);
  }

  private model(): { [key: string]: unknown } {
    const datasource = { type: 'prometheus', uid: this.props.datasourceUid ?? '${datasource}' };
    const reporter = this.props.reporter ?? MetricsReporter.DESTINATION;
    const panels: unknown[] = [];
    let id = 0;
    let y = 0;
    for (const svc of this.resolved) {
      const host = `${svc.name}.${svc.namespace}`;
      panels.push({ id: ++id, type: 'row', title: host, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      const codeLabel = svc.protocol === Protocol.GRPC ? 'grpc_response_status' : 'response_code';
      panels.push(timeseries(++id, 'Request rate', `Requests per second to ${host}, by ${codeLabel}`, datasource, 'reqps', 0, y, [{
        refId: 'A',
        expr: requestRateQuery(svc, reporter, this.window, codeLabel),
        legendFormat: `{{${codeLabel}}}`,
      }]));
      panels.push(timeseries(++id, 'Error rate', `Fraction of requests to ${host} that failed (${svc.protocol === Protocol.GRPC ? 'gRPC server errors' : 'HTTP 5xx'})`, datasource, 'percentunit', 8, y, [{
        refId: 'A',
        expr: errorRatioQuery(svc, reporter, this.window),
        legendFormat: 'error rate',
      }], { min: 0, max: 1 }));
      panels.push(timeseries(++id, 'Latency', `Request duration percentiles of ${host}`, datasource, 'ms', 16, y,
        this.percentiles.map((p, i) => ({
          refId: String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : ''),
          expr: latencyQuery(svc, reporter, this.window, p),
          legendFormat: `p${cleanNumber(p)}`,
        }))));
      y += PANEL_HEIGHT;
    }
    return {
      uid: this.uid,
      title: this.props.title ?? 'Istio services',
      description: `Istio request metrics (reporter="${reporter}") of ${this.resolved.map((s) => `${s.name}.${s.namespace}`).join(', ')}. Generated by cdk8s-istio; edit the code, not the dashboard.`,
      tags: ['istio', 'cdk8s-istio'],
      editable: false,
      graphTooltip: 1,
      refresh: this.refreshInterval,
      schemaVersion: SCHEMA_VERSION,
      time: { from: this.timeFrom, to: 'now' },
      timezone: 'browser',
      version: 1,
      annotations: { list: [] },
      links: [],
      templating: {
        list: this.props.datasourceUid !== undefined ? [] : [{
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          hide: 0,
          refresh: 1,
          current: {},
          options: [],
        }],
      },
      panels,
    };
  }
}

const PANEL_HEIGHT = 8;

function timeseries(id: number, title: string, description: string, datasource: unknown, unit: string, x: number, y: number,
  targets: { refId: string; expr: string; legendFormat: string }[], range: { min?: number; max?: number } = {}): unknown {
  return {
    id,
    type: 'timeseries',
    title,
    description,
    datasource,
    gridPos: { h: PANEL_HEIGHT, w: 8, x, y },
    fieldConfig: { defaults: { unit, ...range }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targets.map((t) => ({ datasource, ...t })),
  };
}

function defaultUid(name: string): string {
  if (name.length <= UID_MAX_LENGTH && UID.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, UID_MAX_LENGTH - hash.length - 1)}-${hash}`;
}
