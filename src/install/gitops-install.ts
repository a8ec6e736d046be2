// GitOps output of a MeshInstallation: the Helm releases of helm-values.ts as Argo CD
// Applications (argoproj.io/v1alpha1) or as Flux HelmReleases (helm.toolkit.fluxcd.io/v2) with
// the HelmRepository (source.toolkit.fluxcd.io/v1) they pull the charts from. Plain objects:
// neither project's CRDs are vendored, the tests validate the objects with their models.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { HelmRelease } from './helm-values';
import { partScope } from './install-internal';
import { checkDns1123Label, checkDns1123Subdomain, checkNonEmptyString } from '../core/checks';
import { formatMillis } from '../core/duration';
import { invalid } from '../core/errors';

/** Istio's Helm chart repository. */
const ISTIO_CHARTS = 'https://istio-release.storage.googleapis.com/charts';

/**
 * Options common to the GitOps tools: where the Istio charts come from.
 */
export interface GitOpsChartOptions {
  /**
   * The version of Istio's Helm charts to install, e.g. "1.30.3" (an exact chart version:
   * the GitOps tool pins every chart to it).
   */
  readonly chartVersion: string;

  /**
   * The Helm repository of Istio's charts (an https URL), e.g. a mirror.
   *
   * @default "https://istio-release.storage.googleapis.com/charts"
   */
  readonly repository?: string;
}

/**
 * Options of an Argo CD installation: one Application per Helm chart.
 */
export interface ArgoCdInstallOptions extends GitOpsChartOptions {
  /**
   * The namespace Argo CD runs in (where its Applications live).
   *
   * @default "argocd"
   */
  readonly namespace?: string;

  /**
   * The Argo CD project of the Applications.
   *
   * @default "default"
   */
  readonly project?: string;

  /**
   * The API server of the cluster to install Istio in, as registered in Argo CD.
   *
   * @default "https://kubernetes.default.svc" (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;

  /**
   * Automated sync (with prune and self-heal); without it, each Application is synced by hand.
   *
   * @default true
   */
  readonly automated?: boolean;
}

/**
 * Options of a Flux installation: a HelmRepository and one HelmRelease per Helm chart.
 */
export interface FluxInstallOptions extends GitOpsChartOptions {
  /**
   * The namespace of the HelmRepository and the HelmReleases.
   *
   * @default "flux-system"
   */
  readonly namespace?: string;

  /**
   * How often Flux reconciles the HelmReleases and refreshes the repository index.
   *
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
}

/** The GitOps tool a `GitOpsInstall` is for. */
export enum GitOpsTool {
  /** Argo CD Applications. */
  ARGO_CD = 'argocd',
  /** Flux HelmReleases and a HelmRepository. */
  FLUX = 'flux',
}

/** Argo CD sync waves of the charts (install order); gateways come last. */
const WAVES: { [key: string]: number } = { base: 0, istiod: 1, cni: 2, ztunnel: 3 };
const GATEWAY_WAVE = 4;

/** A semantic version without a leading "v": 1.30.3, 1.31.0-beta.1. */
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

interface Settings {
  readonly tool: GitOpsTool;
  readonly chartVersion: string;
  readonly repository: string;
  readonly namespace: string;
  readonly project: string;
  readonly destinationServer: string;
  readonly automated: boolean;
  readonly interval: string;
}

/**
 * How a `MeshInstallation` is installed by a GitOps tool: Argo CD Applications or Flux
 * HelmReleases for Istio's Helm charts, with the installation's Helm values, written to
 * `gitops/` in the installation's output directory after each `app.synth()`.
 *
 * @example
 * new MeshInstallation(app, 'istio', {
 *   profile: MeshProfile.AMBIENT,
 *   gitOps: GitOpsInstall.argoCd({ chartVersion: '1.30.3' }),
 * });
 */
export class GitOpsInstall {
  /**
   * Argo CD Applications, one per Helm chart, ordered by sync waves (base, istiod, cni, ztunnel,
   * gateways), written to `gitops/argocd-applications.yaml`.
   */
  public static argoCd(options: ArgoCdInstallOptions): GitOpsInstall {
    const scope = partScope('GitOpsInstall.argoCd');
    checkCommon(scope, options);
    checkDns1123Label(scope, 'namespace', options.namespace);
    checkNonEmptyString(scope, 'project', options.project, 'leave project out (the "default" project), or name an AppProject');
    checkDns1123Subdomain(scope, 'project', options.project);
    checkHttpsUrl(scope, 'destinationServer', options.destinationServer, 'leave destinationServer out (the cluster Argo CD runs in), or give the server URL of a cluster registered in Argo CD');
    if (options.automated !== undefined && typeof options.automated !== 'boolean') {
      invalid(scope, 'automated', options.automated, 'automated must be true or false', 'pass true (automated sync with prune and self-heal) or false (sync by hand)');
    }
    return new GitOpsInstall({
      ...common(options),
      tool: GitOpsTool.ARGO_CD,
      namespace: options.namespace ?? 'argocd',
      project: options.project ?? 'default',
      destinationServer: options.destinationServer ?? 'https://kubernetes.default.svc',
      automated: options.automated ?? true,
      interval: '',
    });
  }

  /**
   * A Flux HelmRepository named "istio" and one HelmRelease per Helm chart, each depending on
   * the one installed before it (istiod on base; the CNI agent, ztunnel and gateways on istiod),
   * written to `gitops/flux-helmreleases.yaml`.
   */
  public static flux(options: FluxInstallOptions): GitOpsInstall {
    const scope = partScope('GitOpsInstall.flux');
    checkCommon(scope, options);
    checkDns1123Label(scope, 'namespace', options.namespace);
    return new GitOpsInstall({
      ...common(options),
      tool: GitOpsTool.FLUX,
      namespace: options.namespace ?? 'flux-system',
      project: '',
      destinationServer: '',
      automated: true,
      interval: renderInterval(scope, options.interval),
    });
  }

  /** The GitOps tool. */
  public readonly tool: GitOpsTool;

  /** The version of Istio's Helm charts. */
  public readonly chartVersion: string;

  /** The Helm repository of Istio's charts. */
  public readonly repository: string;

  /** The namespace of the GitOps objects (Argo CD's or Flux's namespace). */
  public readonly namespace: string;

  /** The file the objects are written to, relative to the installation's output directory. */
  public readonly fileName: string;

  private readonly settings: Settings;

  private constructor(settings: Settings) {
    this.settings = settings;
    this.tool = settings.tool;
    this.chartVersion = settings.chartVersion;
    this.repository = settings.repository;
    this.namespace = settings.namespace;
    this.fileName = settings.tool === GitOpsTool.ARGO_CD ? 'gitops/argocd-applications.yaml' : 'gitops/flux-helmreleases.yaml';
  }

  /**
   * The GitOps objects installing the releases (in install order).
   * @internal
   */
  public _render(scope: IConstruct, releases: readonly HelmRelease[]): { [key: string]: any }[] {
    const seen = new Map<string, string>();
    for (const r of releases) {
      const other = seen.get(r.release);
      if (other !== undefined) {
        invalid(scope, 'gitOps', r.release, `the charts ${other} and ${r.key} have the same release name, and the GitOps objects are named after their release`, 'rename the gateway so that no two Helm releases share a name');
      }
      seen.set(r.release, r.key);
    }
    return this.tool === GitOpsTool.ARGO_CD ? this.argoApplications(releases) : this.fluxObjects(releases);
  }

  /**
   * The README section on the GitOps file.
   * @internal
   */
  public _readme(): string {
    const s = this.settings;
    const lines = s.tool === GitOpsTool.ARGO_CD
      ? [
        '## Install with Argo CD',
        '',
        `\`${this.fileName}\` holds one Argo CD Application per chart (chart version ${s.chartVersion},`,
        `project \`${s.project}\`, namespace \`${s.namespace}\`). Apply it to the cluster Argo CD runs in:`,
        '',
        '```sh',
        `kubectl apply -n ${s.namespace} -f ${this.fileName}`,
        '```',
        '',
        'or commit the directory and let a parent Application ("app of apps") sync it: its sync',
        'follows the `argocd.argoproj.io/sync-wave` annotations (base, istiod, cni, ztunnel, gateways;',
        'a wave waits for the previous one to be healthy only where Argo CD is configured with a health',
        'check for Applications). Each Application retries its sync until the charts it needs are in.',
        '',
      ]
      : [
        '## Install with Flux',
        '',
        `\`${this.fileName}\` holds the HelmRepository \`istio\` and one HelmRelease per chart (chart`,
        `version ${s.chartVersion}, namespace \`${s.namespace}\`; \`dependsOn\` orders them). Apply it to the`,
        'cluster Flux runs in, or commit it to the repository a Flux Kustomization reconciles:',
        '',
        '```sh',
        `kubectl apply -n ${s.namespace} -f ${this.fileName}`,
        '```',
        '',
      ];
    return lines.join('\n');
  }

  private argoApplications(releases: readonly HelmRelease[]): { [key: string]: any }[] {
    const s = this.settings;
    return releases.map((r) => {
      // istiod switches the validating webhook's failurePolicy from Ignore to Fail once it
      // serves it: Argo CD must not see (or revert) that as drift
      const webhook = r.key === 'base' || r.key === 'istiod';
      const syncOptions = ['CreateNamespace=true', ...(webhook ? ['RespectIgnoreDifferences=true'] : [])];
      return {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: r.release,
          namespace: s.namespace,
          annotations: { 'argocd.argoproj.io/sync-wave': String(WAVES[r.key] ?? GATEWAY_WAVE) },
        },
        spec: {
          project: s.project,
          source: {
            repoURL: s.repository,
            chart: chartName(r),
            targetRevision: s.chartVersion,
            helm: { releaseName: r.release, valuesObject: r.values },
          },
          destination: { server: s.destinationServer, namespace: r.namespace },
          syncPolicy: {
            ...(s.automated ? { automated: { prune: true, selfHeal: true } } : {}),
            syncOptions,
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
          ...(webhook ? {
            ignoreDifferences: [{
              group: 'admissionregistration.k8s.io',
              kind: 'ValidatingWebhookConfiguration',
              jsonPointers: ['/webhooks/0/failurePolicy'],
            }],
          } : {}),
        },
      };
    });
  }

  private fluxObjects(releases: readonly HelmRelease[]): { [key: string]: any }[] {
    const s = this.settings;
    const repository = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'istio', namespace: s.namespace },
      spec: { url: s.repository, interval: s.interval },
    };
    const byKey = new Map(releases.map((r) => [r.key, r]));
    const created = new Set<string>();
    const helmReleases = releases.map((r) => {
      const after = fluxDependency(r.key, byKey);
      // the first release of each namespace creates it
      const createNamespace = !created.has(r.namespace);
      created.add(r.namespace);
      return {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: r.release, namespace: s.namespace },
        spec: {
          interval: s.interval,
          chart: {
            spec: {
              chart: chartName(r),
              version: s.chartVersion,
              sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: s.namespace },
            },
          },
          releaseName: r.release,
          targetNamespace: r.namespace,
          // keep Helm's release record next to the release, as `helm install -n` does
          storageNamespace: r.namespace,
          ...(after ? { dependsOn: [{ name: after.release }] } : {}),
          ...(createNamespace ? { install: { createNamespace: true } } : {}),
          values: r.values,
        },
      };
    });
    return [repository, ...helmReleases];
  }
}

/** The release a Flux HelmRelease waits for: istiod waits for base, the others for istiod. */
function fluxDependency(key: string, byKey: Map<string, HelmRelease>): HelmRelease | undefined {
  if (key === 'base') return undefined;
  if (key === 'istiod') return byKey.get('base');
  return byKey.get('istiod') ?? byKey.get('base');
}

/** The chart's name in the repository ("istio/istiod" is "istiod"). */
function chartName(r: HelmRelease): string {
  return r.chart.replace(/^istio\//, '');
}

function common(options: GitOpsChartOptions): { chartVersion: string; repository: string } {
  return { chartVersion: options.chartVersion, repository: options.repository ?? ISTIO_CHARTS };
}

function checkCommon(scope: IConstruct, options: GitOpsChartOptions): void {
  if (options === undefined || options === null || typeof options !== 'object') {
    invalid(scope, 'options', options, 'the options are required (at least the chart version)', 'pass e.g. { chartVersion: "1.30.3" }');
  }
  const v = options.chartVersion;
  if (v === undefined || v === null) {
    invalid(scope, 'chartVersion', v, 'the chart version is required: the GitOps tool pins Istio\'s charts to it', 'pass the Istio version to install, e.g. chartVersion: "1.30.3"');
  }
  if (typeof v !== 'string' || !SEMVER.test(v)) {
    const fix = typeof v === 'string' && /^v[0-9]/.test(v) ? `drop the "v": "${v.slice(1)}"` : 'use an exact Istio release, e.g. "1.30.3"';
    invalid(scope, 'chartVersion', v, 'a chart version is an exact semantic version (MAJOR.MINOR.PATCH, optionally -prerelease), without a leading "v" or a range', fix);
  }
  checkHttpsUrl(scope, 'repository', options.repository, `leave repository out (${ISTIO_CHARTS}), or give the https URL of a mirror`);
}

function checkHttpsUrl(scope: IConstruct, field: string, value: string | undefined, fix: string): void {
  if (value === undefined) return;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' && value.trim() === value ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '' || url.search !== '' || url.hash !== '') {
    invalid(scope, field, value, 'it must be an https URL (no query or fragment)', fix);
  }
}

function renderInterval(scope: IConstruct, interval: Duration | undefined): string {
  if (interval === undefined) return '10m';
  if (interval === null || typeof (interval as Partial<Duration>).toMilliseconds !== 'function') {
    invalid(scope, 'interval', interval, 'the interval must be a cdk8s Duration, not a string or a number', "use e.g. Duration.minutes(10) (import { Duration } from 'cdk8s')");
  }
  const ms = interval.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || !Number.isInteger(ms) || ms < 1000) {
    invalid(scope, 'interval', `${ms}ms`, 'Flux needs a positive reconciliation interval of at least 1s (in whole milliseconds)', 'use e.g. Duration.minutes(10) or Duration.minutes(1)');
  }
  return formatMillis(ms);
}
