import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HandedOverWorkload, leaveToController, selectByCanonicalName, takeOver } from './controller-handover';
import { DEFAULT_PROMETHEUS, GateTarget, DeliveryMetric, ResolvedGate } from './delivery-metric';
import { renderFlaggerAlert } from './flagger-alert';
import { flaggerIstioPart } from './flagger-istio-fields';
import { FlaggerAnalysisOptions } from './flagger-options';
import { ArgoCdIgnoreDifference } from './gitops';
import * as l1 from '../../../imports/flagger.app';
import { checkHost, checkPositiveInteger, checkUnique } from '../../core/checks';
import { appObjects } from '../../core/duplicate-objects';
import { renderDuration } from '../../core/duration';
import { invalid, validationMessage } from '../../core/errors';
import { MeshAnalysis } from '../../core/mesh-analysis';
import { isHttpFamily } from '../../core/protocol';
import { renderGateways } from '../../networking/gateway-ref';
import { CorsPolicy, renderCors } from '../../networking/route-cors';
import { HeaderOperations, renderHeaders } from '../../networking/route-headers';
import { renderHttpMatch } from '../../networking/route-http-match';
import { renderRetries } from '../../networking/route-retry';
import { HttpRewrite, renderRewrite } from '../../networking/route-rewrite';
import { renderTrafficPolicy } from '../../networking/traffic-policy';
import { RequestMatch } from '../fault-injection';
import { MeshService } from '../mesh-service';
import { checkResilienceOptions, destinationTrafficPolicy, ResilienceOptions } from '../resilience';

/**
 * Properties of a `FlaggerCanary`.
 */
export interface FlaggerCanaryProps extends FlaggerAnalysisOptions, ResilienceOptions {
  /**
   * The service Flagger rolls out: a `MeshService` with one version and
   * `deploymentNaming: DeploymentNaming.PLAIN` (Flagger's target is one Deployment named after
   * the service). Its Service is left to Flagger, which generates `<name>`, `<name>-primary`
   * and `<name>-canary`; its policies select the pods by `service.istio.io/canonical-name`,
   * which Flagger keeps on the primary pods (it renames their `app` label).
   */
  readonly target: MeshService;

  /**
   * A/B testing: requests matching any of these go to the canary during the analysis (e.g.
   * `RequestMatch.user('jason')`); needs `iterations`.
   *
   * @default - no A/B testing
   */
  readonly match?: RequestMatch[];

  /**
   * Blue/green with traffic mirroring: this percentage (1-100, whole) of the primary's requests
   * is copied to the canary during the analysis; needs `iterations` (Flagger mirrors only in
   * blue/green mode, never with a weight split).
   *
   * @default - no mirroring
   */
  readonly mirrorPercentage?: number;

  /**
   * The requests Flagger's VirtualService routes (its `service.match`), e.g.
   * `RequestMatch.of({ uri: StringMatch.prefix('/api') })` on a shared gateway host.
   *
   * @default - every request to the hosts
   */
  readonly routeMatch?: RequestMatch[];

  /**
   * URI rewrite of Flagger's routes.
   *
   * @default - none
   */
  readonly rewrite?: HttpRewrite;

  /**
   * CORS policy of Flagger's routes.
   *
   * @default - none
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Headers Flagger's routes set, add or remove on requests.
   *
   * @default - none
   */
  readonly requestHeaders?: HeaderOperations;

  /**
   * Headers Flagger's routes set, add or remove on responses.
   *
   * @default - none
   */
  readonly responseHeaders?: HeaderOperations;
}


/**
 * A progressive rollout of a mesh service by Flagger (provider `istio`): a `Canary` that
 * targets the service's Deployment (and its HorizontalPodAutoscaler), `MetricTemplate`s for
 * the gates built from the same PromQL as `ServiceAlerts`, and an `AlertProvider` per alert.
 *
 * Flagger owns the rest, so this construct emits none of it: the `<name>-primary` Deployment,
 * the `<name>`, `<name>-primary` and `<name>-canary` Services, their DestinationRules and the
 * VirtualService (routing, retries, timeout, CORS, headers and the mTLS traffic policy are
 * rendered into the Canary's `service` block, from which Flagger writes them). The
 * ServiceAccount, the workload and the authorization policies stay yours.
 *
 * @example
 * const podinfo = new MeshService(chart, 'podinfo', { port: 9898, image: 'ghcr.io/stefanprodan/podinfo:6.0.0', deploymentNaming: DeploymentNaming.PLAIN });
 * new FlaggerCanary(chart, 'podinfo-canary', {
 *   target: podinfo,
 *   stepWeight: 5, maxWeight: 50,
 *   metrics: [DeliveryMetric.errorRate({ maxErrorRate: 0.01 }), DeliveryMetric.latency({ max: Duration.millis(500) })],
 *   webhooks: [FlaggerWebhook.rollout({ name: 'load-test', url: 'http://flagger-loadtester.test/', metadata: { cmd: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/' } })],
 * });
 */
export class FlaggerCanary extends Construct {
  /** The `Canary` object (flagger.app/v1beta1). */
  public readonly canary: ApiObject;

  /** One `MetricTemplate` per query gate. */
  public readonly metricTemplates: ApiObject[] = [];

  /** One `AlertProvider` per alert. */
  public readonly alertProviders: ApiObject[] = [];

  /** The service name, also the name of the Service and VirtualService Flagger generates. */
  public readonly serviceName: string;

  /** The service being rolled out. */
  public readonly target: MeshService;

  private readonly workload: HandedOverWorkload;

  public constructor(scope: Construct, id: string, props: FlaggerCanaryProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this);
    if (props === undefined || props === null || typeof props !== 'object') {
      invalid(this, 'props', props, 'a FlaggerCanary needs its target', 'pass { target: meshService }');
    }
    this.workload = takeOver(this, 'target', props.target, 'Flagger');
    this.target = props.target;
    this.serviceName = props.target.serviceName;
    const protocol = props.target.protocol;
    const httpOnly = Object.entries({
      match: props.match,
      mirrorPercentage: props.mirrorPercentage,
      routeMatch: props.routeMatch,
      rewrite: props.rewrite,
      corsPolicy: props.corsPolicy,
      requestHeaders: props.requestHeaders,
      responseHeaders: props.responseHeaders,
      sessionAffinity: props.sessionAffinity,
    })
      .filter(([, v]) => v !== undefined).map(([k]) => k);
    if (!isHttpFamily(protocol) && httpOnly.length > 0) {
      invalid(this, httpOnly[0], protocol, `matches, rewrites, headers, CORS, cookies and mirroring act on HTTP requests, and the service's protocol is ${protocol}`, 'leave them out: Flagger shifts TCP connections by weight');
    }
    if (props.routeMatch !== undefined && props.routeMatch.length === 0) {
      invalid(this, 'routeMatch', '[]', 'an empty list of conditions matches no request', 'list at least one condition, or leave routeMatch out to route every request');
    }
    if (props.faultInjection !== undefined) {
      invalid(this, 'faultInjection', 'set', 'Flagger writes the VirtualService from the Canary, which has no fault injection', 'run fault experiments on a service without a controller, or after the rollout');
    }
    checkResilienceOptions(this, props, protocol);
    const analysis = this.renderAnalysis(props);
    const service = this.renderService(props);

    const extra = props.target.node.children.filter((c): c is kplus.Service => c instanceof kplus.Service && c !== props.target.service);
    if (extra.length > 0) {
      invalid(this, `target ${props.target.node.path} Service`, extra.map((e) => e.name), 'Flagger renames the `app` label of its primary pods to "<name>-primary", so a further Service of the target would reach only the canary pods, outside the weights', 'remove the extra Service, and expose the service through the Services Flagger generates (or an ingress route to its host)');
    }
    leaveToController(props.target.service);
    selectByCanonicalName(props.target, this.workload.deployment);

    const autoscaler = this.workload.autoscaler;
    const spec = {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workload.deployment.name },
      autoscalerRef: autoscaler ? { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: autoscaler.name } : undefined,
      progressDeadlineSeconds: props.progressDeadline === undefined ? undefined : this.deadlineSeconds(props),
      service,
      skipAnalysis: props.skipAnalysis,
      analysis,
    };
    this.canary = new ApiObject(this, 'Resource', {
      ...l1.Canary.GVK,
      metadata: { name: this.serviceName, namespace: this.workload.namespace },
      spec,
    });
    this.node.addValidation({ validate: () => this.checkGeneratedNames() });
  }

  /** The host Flagger's primary Service answers on (`<name>-primary.<namespace>.svc.cluster.local`). */
  public get primaryHost(): string {
    return `${this.serviceName}-primary.${this.workload.namespace}.svc.cluster.local`;
  }

  /** The host of the canary Service Flagger generates (`<name>-canary.<namespace>.svc.cluster.local`). */
  public get canaryHost(): string {
    return `${this.serviceName}-canary.${this.workload.namespace}.svc.cluster.local`;
  }

  /**
   * The fields Flagger changes at run time in objects of the app, as Argo CD
   * `ignoreDifferences` entries: the target Deployment's replicas (Flagger scales it to zero
   * between rollouts). The objects Flagger generates are not in the app, so they never drift.
   * With Flux, autoscale the target (no `replicas` in the Deployment), so Flux does not scale
   * it back up.
   */
  public get ignoreDifferences(): ArgoCdIgnoreDifference[] {
    return [{ group: 'apps', kind: 'Deployment', name: this.workload.deployment.name, namespace: this.workload.namespace, jsonPointers: ['/spec/replicas'] }];
  }

  private deadlineSeconds(props: FlaggerCanaryProps): number {
    renderDuration(this, 'progressDeadline', props.progressDeadline);
    const ms = props.progressDeadline!.toMilliseconds();
    if (ms % 1000 !== 0) invalid(this, 'progressDeadline', `${ms}ms`, 'Flagger counts the deadline in whole seconds', 'use e.g. Duration.minutes(10)');
    return ms / 1000;
  }

  /** The Canary's `service` block: what Flagger writes into its Services, VirtualService and DestinationRules. */
  private renderService(props: FlaggerCanaryProps): { [key: string]: unknown } {
    const ports = props.target.ports;
    const main = ports[0];
    for (const h of props.hosts ?? []) checkHost(this, 'hosts', h);
    const policy = destinationTrafficPolicy(props);
    return {
      name: this.serviceName,
      port: main.port,
      targetPort: main.containerPort ?? main.port,
      portName: main.name,
      appProtocol: main.protocol?.toLowerCase(),
      portDiscovery: ports.length > 1 ? true : undefined,
      gateways: props.gateways === undefined ? undefined : [...new Set([...(renderGateways(this, 'gateways', props.gateways) ?? []), 'mesh'])],
      hosts: props.hosts === undefined ? undefined : [...props.hosts],
      trafficPolicy: policy === undefined ? undefined : flaggerIstioPart(this, 'trafficPolicy', 'trafficPolicy', renderTrafficPolicy(this, 'trafficPolicy', policy)),
      match: props.routeMatch?.map((m, i) => flaggerIstioPart(this, `routeMatch[${i}]`, 'match', renderHttpMatch(this, `routeMatch[${i}]`, m._render(this, `routeMatch[${i}]`)))),
      rewrite: flaggerIstioPart(this, 'rewrite', 'rewrite', renderRewrite(this, 'rewrite', props.rewrite)),
      retries: flaggerIstioPart(this, 'retries', 'retries', renderRetries(this, 'retries', props.retries?.retry)),
      timeout: renderDuration(this, 'timeout', props.timeout),
      headers: flaggerIstioPart(this, 'headers', 'headers', renderHeaders(this, 'headers', props.requestHeaders, props.responseHeaders)),
      corsPolicy: flaggerIstioPart(this, 'corsPolicy', 'corsPolicy', renderCors(this, 'corsPolicy', props.corsPolicy)),
    };
  }

  private renderAnalysis(props: FlaggerCanaryProps): { [key: string]: unknown } {
    const interval = renderDuration(this, 'interval', props.interval) ?? '1m';
    const intervalMs = props.interval?.toMilliseconds() ?? 60_000;
    const threshold = props.threshold ?? 5;
    if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1) {
      invalid(this, 'threshold', threshold, 'the threshold is the number of failed checks before Flagger rolls back: a whole number, at least 1', 'give e.g. threshold: 5');
    }
    const steps = this.renderSteps(props);
    if (props.sessionAffinity !== undefined && props.iterations !== undefined) {
      invalid(this, 'sessionAffinity', props.sessionAffinity.cookieName, 'Flagger keeps users on the canary by cookie only in a progressive canary (weights), and this analysis runs iterations', 'leave sessionAffinity out for A/B and blue/green, or use stepWeight/maxWeight');
    }
    const metrics = props.metrics ?? [
      DeliveryMetric.requestSuccessRate({ minPercent: 99 }),
      DeliveryMetric.requestDuration({ max: Duration.millis(500) }),
    ];
    const target: GateTarget = { serviceName: `${this.serviceName}-canary`, namespace: this.workload.namespace, protocol: props.target.protocol };
    const gates = metrics.map((m, i) => m._resolve(this, `metrics[${i}]`, target, 'Flagger'));
    checkUnique(this, 'metrics[].name', gates.map((g) => g.name), 'give each metric its own name (or gate each quantity once)');
    gates.forEach((g, i) => {
      if (g.intervalMillis < intervalMs) {
        invalid(this, `metrics[${i}].interval`, g.interval, `it is shorter than the analysis interval (${interval}): each check would look at a part of the requests since the last one`, `make the metric interval at least ${interval}`);
      }
    });
    const webhooks = (props.webhooks ?? []).map((w, i) => w._render(this, `webhooks[${i}]`));
    checkUnique(this, 'webhooks[].name', webhooks.map((w) => w.name as string), 'give each webhook its own name');
    const alerts = (props.alerts ?? []).map((a, i) => renderFlaggerAlert(this, `alerts[${i}]`, a));
    checkUnique(this, 'alerts[].name', alerts.map((a) => a.entry.name as string), 'give each alert its own name');
    alerts.forEach((a) => this.alertProviders.push(new ApiObject(this, `AlertProvider-${a.entry.name}`, {
      ...l1.AlertProvider.GVK,
      metadata: { name: a.entry.name as string, namespace: this.workload.namespace },
      spec: a.provider,
    })));
    const affinity = props.sessionAffinity;
    return {
      interval,
      threshold,
      ...steps,
      sessionAffinity: affinity === undefined ? undefined : {
        cookieName: affinity.cookieName,
        maxAge: affinity.maxAge === undefined ? undefined : Math.round(affinity.maxAge.toSeconds()),
      },
      metrics: gates.map((g) => this.renderGate(g, props)),
      webhooks: webhooks.length > 0 ? webhooks : undefined,
      alerts: alerts.length > 0 ? alerts.map((a) => a.entry) : undefined,
    };
  }

  /** Progressive weights, or iterations with A/B matches or mirroring. */
  private renderSteps(props: FlaggerCanaryProps): { [key: string]: unknown } {
    const weightOptions = {
      maxWeight: props.maxWeight, stepWeight: props.stepWeight, stepWeights: props.stepWeights, stepWeightPromotion: props.stepWeightPromotion,
    };
    const given = Object.entries(weightOptions).filter(([, v]) => v !== undefined).map(([k]) => k);
    const match = props.match;
    if (match !== undefined && match.length === 0) {
      invalid(this, 'match', match.length, 'an A/B analysis needs at least one condition', "list e.g. [RequestMatch.user('jason')], or leave match out for a progressive canary");
    }
    if (props.iterations === undefined) {
      if (match !== undefined) {
        invalid(this, 'iterations', undefined, 'an A/B analysis (match) sends only matching requests to the canary, so no weight grows: Flagger needs the number of checks to run', 'give e.g. iterations: 10');
      }
      if (props.mirrorPercentage !== undefined) {
        invalid(this, 'mirrorPercentage', props.mirrorPercentage, 'Flagger mirrors traffic only in blue/green mode (iterations), never together with a weight split', 'give iterations (e.g. 10) instead of stepWeight/maxWeight');
      }
      return this.renderWeights(props);
    }
    checkPositiveInteger(this, 'iterations', props.iterations, 1);
    if (given.length > 0) {
      invalid(this, given[0], (weightOptions as any)[given[0]], 'iterations (A/B testing, blue/green) and canary weights are different strategies', `leave ${given.join(', ')} out, or leave iterations out for a progressive canary`);
    }
    if (match !== undefined && props.mirrorPercentage !== undefined) {
      invalid(this, 'mirrorPercentage', props.mirrorPercentage, 'Flagger mirrors in blue/green mode, and matches make this an A/B test', 'choose A/B matches or mirroring');
    }
    const mirror = props.mirrorPercentage;
    if (mirror !== undefined && (!Number.isInteger(mirror) || mirror < 1 || mirror > 100)) {
      invalid(this, 'mirrorPercentage', mirror, "Flagger's mirrorWeight is a whole percentage from 1 to 100", 'give e.g. 100 to mirror every request');
    }
    return {
      iterations: props.iterations,
      match: match?.map((m, i) => flaggerIstioPart(this, `match[${i}]`, 'analysisMatch', renderHttpMatch(this, `match[${i}]`, m._render(this, `match[${i}]`)))),
      mirror: mirror !== undefined ? true : undefined,
      mirrorWeight: mirror,
    };
  }

  private renderWeights(props: FlaggerCanaryProps): { [key: string]: unknown } {
    const weight = (field: string, v: number) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) {
        invalid(this, field, v, 'a canary weight is a whole percentage from 1 to 100', `give e.g. ${field.startsWith('max') ? 50 : 10}`);
      }
    };
    if (props.stepWeights !== undefined) {
      if (props.stepWeight !== undefined || props.maxWeight !== undefined) {
        invalid(this, 'stepWeights', props.stepWeights, 'stepWeights lists every weight, so stepWeight/maxWeight have no meaning with it', 'give stepWeights, or stepWeight and maxWeight');
      }
      if (props.stepWeights.length === 0) invalid(this, 'stepWeights', '[]', 'the list of weights is empty', 'list the weights, e.g. [1, 5, 10, 25, 50]');
      props.stepWeights.forEach((w, i) => {
        weight(`stepWeights[${i}]`, w);
        if (i > 0 && w <= props.stepWeights![i - 1]) {
          invalid(this, `stepWeights[${i}]`, w, `it is not above the previous weight (${props.stepWeights![i - 1]}): Flagger moves through the list in order`, 'list strictly increasing weights, e.g. [1, 5, 10, 25, 50]');
        }
      });
      if (props.stepWeightPromotion !== undefined) weight('stepWeightPromotion', props.stepWeightPromotion);
      return { stepWeights: [...props.stepWeights], stepWeightPromotion: props.stepWeightPromotion };
    }
    const max = props.maxWeight ?? 50;
    const step = props.stepWeight ?? 10;
    weight('maxWeight', max);
    weight('stepWeight', step);
    if (step > max) {
      invalid(this, 'stepWeight', step, `it is above maxWeight (${max}): the first step would already pass the highest weight`, `make stepWeight at most ${max}, e.g. ${Math.max(1, Math.floor(max / 5))}`);
    }
    if (props.stepWeightPromotion !== undefined) weight('stepWeightPromotion', props.stepWeightPromotion);
    return { maxWeight: max, stepWeight: step, stepWeightPromotion: props.stepWeightPromotion };
  }

  /** One metric entry: a built-in check, or a MetricTemplate with the query. */
  private renderGate(g: ResolvedGate, props: FlaggerCanaryProps): { [key: string]: unknown } {
    const thresholdRange = { min: g.min, max: g.max };
    if (g.builtin !== undefined) return { name: g.builtin, thresholdRange, interval: g.interval };
    const name = `${this.serviceName}-${g.name}`;
    this.metricTemplates.push(new ApiObject(this, `MetricTemplate-${g.name}`, {
      ...l1.MetricTemplate.GVK,
      metadata: { name, namespace: this.workload.namespace },
      spec: { provider: { type: 'prometheus', address: props.prometheusAddress ?? DEFAULT_PROMETHEUS }, query: g.query },
    }));
    return { name: g.name, templateRef: { name, namespace: this.workload.namespace }, thresholdRange, interval: g.interval };
  }

  /** No object of the app may take a name Flagger generates for this canary. */
  private checkGeneratedNames(): string[] {
    const ns = this.workload.namespace;
    const s = this.serviceName;
    const istio = 'networking.istio.io';
    const generated: [string, string, string][] = [
      ['apps', 'Deployment', `${s}-primary`], ['', 'Service', s], ['', 'Service', `${s}-primary`], ['', 'Service', `${s}-canary`],
      [istio, 'DestinationRule', `${s}-primary`], [istio, 'DestinationRule', `${s}-canary`], [istio, 'VirtualService', s],
    ];
    const errors: string[] = [];
    for (const [group, kind, name] of generated) {
      const found = appObjects(this, group, kind, ns, name)[0];
      if (found !== undefined) {
        errors.push(validationMessage(`${kind} ${ns}/${name}`, found.node.path, `Flagger generates this ${kind} for the canary "${s}" and would fight over it with the one the app emits`, kind === 'Service' || kind === 'Deployment' ? `rename the other service (Flagger owns ${s}, ${s}-primary and ${s}-canary)` : 'remove it: configure the routing in the FlaggerCanary (gateways, hosts, retries, timeout, rewrite, headers, CORS), from which Flagger writes it'));
      }
    }
    return errors;
  }
}
