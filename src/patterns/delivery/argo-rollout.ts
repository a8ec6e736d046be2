import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { argoBindings } from './argo-bindings';
import { HandedOverWorkload, leaveToController, retargetAutoscaler, takeOver } from './controller-handover';
import { DEFAULT_PROMETHEUS, DeliveryMetric, GateTarget } from './delivery-metric';
import { ArgoCdIgnoreDifference, FLUX_SSA_IF_NOT_PRESENT } from './gitops';
import { defaultRolloutSteps, RolloutStep, StepContext } from './rollout-step';
import { checkHost, checkNonEmpty, checkPositiveInteger } from '../../core/checks';
import { appObjects } from '../../core/duplicate-objects';
import { invalid, validationMessage } from '../../core/errors';
import { MeshAnalysis } from '../../core/mesh-analysis';
import { isHttpFamily } from '../../core/protocol';
import { DestinationRule } from '../../networking/destination-rule';
import { Gateway } from '../../networking/gateway';
import { IGateway } from '../../networking/gateway-ref';
import { HttpRouteDestination } from '../../networking/route-destination';
import { VirtualService } from '../../networking/virtual-service';
import { MeshService } from '../mesh-service';
import { checkResilienceOptions, destinationTrafficPolicy, ResilienceOptions } from '../resilience';

/** The rollout options that do not depend on the target (also `ProgressiveDelivery.argoRollouts()`'s). */
export interface ArgoRolloutOptions {
  /**
   * The canary steps, in order. After the last step the rollout is promoted (100 %).
   *
   * @default [weight(10), pause(5m), weight(50), pause(5m)], with an analysis step after each pause when `metrics` are given
   */
  readonly steps?: RolloutStep[];

  /**
   * The metric gates, rendered as one `AnalysisTemplate` (the same PromQL as `ServiceAlerts`),
   * run in the background from `analysisStartingStep` and by `RolloutStep.analysis()` steps.
   * The stable and canary pods share the Service and the workload labels Istio's metrics
   * carry, so the gates measure the whole service: a failing canary shows diluted by its weight.
   *
   * @default - no gates
   */
  readonly metrics?: DeliveryMetric[];

  /**
   * Failed measurements of a gate after which the rollout aborts.
   *
   * @default 2
   */
  readonly failureLimit?: number;

  /**
   * Run the gates in the background from this step index on (0 = from the start); leave out
   * to run them only at `RolloutStep.analysis()` steps.
   *
   * @default 0 when `metrics` are given and no step is an analysis step
   */
  readonly analysisStartingStep?: number;

  /**
   * The Prometheus the gates query.
   *
   * @default 'http://prometheus.istio-system:9090' (Istio's Prometheus add-on)
   */
  readonly prometheusAddress?: string;

  /**
   * Gateways whose traffic the rollout's VirtualService also splits, besides the sidecars
   * (`mesh` is always kept). Traffic a gateway routes to the service by another VirtualService
   * is not split by weight: the Service selects the stable and the canary pods alike, so a
   * gateway spreads it over both by pod count. Route the service's ingress here instead.
   *
   * @default - the sidecars only
   */
  readonly gateways?: IGateway[];

  /**
   * Further hosts of the rollout's VirtualService (e.g. the public host of `gateways`).
   *
   * @default - the service's own host only
   */
  readonly hosts?: string[];
}

/** Properties of an `ArgoRollout`. */
export interface ArgoRolloutProps extends ArgoRolloutOptions, ResilienceOptions {
  /**
   * The service rolled out: a `MeshService` with one version and
   * `deploymentNaming: DeploymentNaming.PLAIN`. Its Deployment is replaced by the Rollout (same
   * pod template, selector and replicas; its autoscaler then scales the Rollout).
   */
  readonly target: MeshService;
}

/** Name of the weighted route of the VirtualService, which Argo Rollouts edits. */
const ROUTE_NAME = 'primary';

/**
 * A progressive rollout of a mesh service by Argo Rollouts with Istio subset traffic
 * splitting: a `Rollout` in place of the service's Deployment, the VirtualService (route
 * `primary`: stable 100 / canary 0) and the DestinationRule (subsets `stable` and `canary`)
 * Argo Rollouts edits, and an `AnalysisTemplate` with the metric gates (the same PromQL as
 * `ServiceAlerts`).
 *
 * Argo Rollouts changes two things at run time: the weights of the `primary` route (and the
 * managed header/mirror routes above it), and a `rollouts-pod-template-hash` label in both
 * subsets. GitOps tools must leave those fields to it: `ignoreDifferences` lists them for Argo
 * CD, `annotateForFlux()` makes Flux create the two objects once and not revert them.
 *
 * @example
 * const reviews = new MeshService(chart, 'reviews', { port: 9080, image: 'reviews:2.0', deploymentNaming: DeploymentNaming.PLAIN });
 * new ArgoRollout(chart, 'reviews-rollout', {
 *   target: reviews,
 *   steps: [RolloutStep.weight(10), RolloutStep.pause(Duration.minutes(5)), RolloutStep.weight(50), RolloutStep.pause()],
 *   metrics: [DeliveryMetric.errorRate({ maxErrorRate: 0.01 })],
 * });
 */
export class ArgoRollout extends Construct {
  /** The Rollout (argoproj.io/v1alpha1), in place of the service's Deployment. */
  public readonly rollout: ApiObject;

  /** The VirtualService whose `primary` route Argo Rollouts re-weights. */
  public readonly virtualService: VirtualService;

  /** The DestinationRule with the `stable` and `canary` subsets. */
  public readonly destinationRule: DestinationRule;

  /** The AnalysisTemplate of the gates, when there are gates. */
  public readonly analysisTemplate?: ApiObject;

  /** The service being rolled out. */
  public readonly target: MeshService;

  /** The managed routes the steps use (header and mirror routes). */
  public readonly managedRoutes: string[];

  private readonly workload: HandedOverWorkload;

  public constructor(scope: Construct, id: string, props: ArgoRolloutProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this);
    if (props === undefined || props === null || typeof props !== 'object') {
      invalid(this, 'props', props, 'an ArgoRollout needs its target', 'pass { target: meshService }');
    }
    const target = props.target;
    this.workload = takeOver(this, 'target', target, 'Argo Rollouts');
    this.target = target;
    const name = target.serviceName;
    const namespace = this.workload.namespace;
    if (!isHttpFamily(target.protocol)) {
      invalid(this, 'target protocol', target.protocol, 'this rollout splits HTTP routes (Argo Rollouts re-weights the named http route)', 'give the service an HTTP, HTTP2 or GRPC port');
    }
    if (props.faultInjection !== undefined) {
      invalid(this, 'faultInjection', 'set', 'Argo Rollouts rewrites the route it manages, and a fault experiment during a rollout would count against the canary', 'run fault experiments outside rollouts');
    }
    checkResilienceOptions(this, props, target.protocol);

    // Gates: one AnalysisTemplate.
    const gateTarget: GateTarget = { serviceName: name, namespace, protocol: target.protocol };
    const gates = (props.metrics ?? []).map((m, i) => m._resolve(this, `metrics[${i}]`, gateTarget, 'Argo Rollouts'));
    if (props.metrics !== undefined) checkNonEmpty(this, 'metrics', props.metrics, 'list at least one gate, e.g. [DeliveryMetric.errorRate()], or leave metrics out');
    const failureLimit = props.failureLimit ?? 2;
    checkPositiveInteger(this, 'failureLimit', failureLimit, 0);
    if (gates.length > 0) {
      this.analysisTemplate = new ApiObject(this, 'AnalysisTemplate', {
        ...argoBindings().AnalysisTemplate.GVK,
        metadata: { name, namespace },
        spec: {
          metrics: gates.map((g) => ({
            name: g.name,
            interval: g.interval,
            failureLimit,
            successCondition: [
              ...(g.min !== undefined ? [`result[0] >= ${g.min}`] : []),
              ...(g.max !== undefined ? [`result[0] <= ${g.max}`] : []),
            ].join(' && '),
            provider: { prometheus: { address: props.prometheusAddress ?? DEFAULT_PROMETHEUS, query: g.query } },
          })),
        },
      });
    }

    // Steps.
    const steps = props.steps ?? defaultRolloutSteps(gates.length > 0);
    checkNonEmpty(this, 'steps', steps, 'list the steps, e.g. [RolloutStep.weight(20), RolloutStep.pause()], or leave steps out for the default');
    const ctx: StepContext = { managedRoutes: [], analysisTemplate: this.analysisTemplate?.name };
    const renderedSteps = steps.map((s, i) => {
      if (!(s instanceof RolloutStep)) invalid(this, `steps[${i}]`, s, 'a step must be a RolloutStep', 'use RolloutStep.weight(20), RolloutStep.pause(), ...');
      return s._render(this, `steps[${i}]`, ctx);
    });
    this.managedRoutes = ctx.managedRoutes;
    const stepAnalysis = steps.some((s) => s.kind === 'analysis');
    const startingStep = props.analysisStartingStep ?? (gates.length > 0 && !stepAnalysis ? 0 : undefined);
    if (startingStep !== undefined) {
      if (gates.length === 0) invalid(this, 'analysisStartingStep', startingStep, 'the rollout has no metric gates to run', 'give metrics, or leave analysisStartingStep out');
      checkPositiveInteger(this, 'analysisStartingStep', startingStep, 0);
      if (startingStep >= steps.length) invalid(this, 'analysisStartingStep', startingStep, `the rollout has ${steps.length} steps (0-${steps.length - 1})`, 'give the index of an existing step');
    }

    // Routing objects Argo Rollouts edits.
    const host = target.host;
    this.destinationRule = new DestinationRule(this, 'DestinationRule', {
      metadata: { name, namespace },
      host,
      trafficPolicy: destinationTrafficPolicy(props),
      subsets: ['stable', 'canary'].map((subset) => ({ name: subset, labels: { app: name } })),
    });
    const to = (subset: string, weight: number): HttpRouteDestination => ({ host, subset, weight });
    for (const h of props.hosts ?? []) checkHost(this, 'hosts', h);
    this.virtualService = new VirtualService(this, 'VirtualService', {
      metadata: { name, namespace },
      hosts: [host, ...(props.hosts ?? []).filter((h) => h !== host)],
      gateways: props.gateways === undefined ? undefined : [...props.gateways.filter((g) => g !== Gateway.MESH), Gateway.MESH],
      http: [{ name: ROUTE_NAME, retries: props.retries?.retry, timeout: props.timeout, route: [to('stable', 100), to('canary', 0)] }],
    });

    // The Rollout replaces the Deployment: same template, selector and replicas.
    const deployment = this.workload.deployment;
    const autoscaler = this.workload.autoscaler;
    leaveToController(deployment);
    const rolloutKind = argoBindings().Rollout.GVK;
    if (autoscaler !== undefined) retargetAutoscaler(autoscaler, { apiVersion: rolloutKind.apiVersion, kind: rolloutKind.kind, name });
    const strategy = {
      canary: {
        trafficRouting: {
          managedRoutes: this.managedRoutes.length > 0 ? this.managedRoutes.map((r) => ({ name: r })) : undefined,
          istio: {
            virtualService: { name: this.virtualService.name, routes: [ROUTE_NAME] },
            destinationRule: { name: this.destinationRule.name, canarySubsetName: 'canary', stableSubsetName: 'stable' },
          },
        },
        steps: renderedSteps,
        analysis: startingStep === undefined ? undefined : { templates: [{ templateName: this.analysisTemplate!.name }], startingStep },
      },
    };
    this.rollout = new ApiObject(this, 'Rollout', {
      ...rolloutKind,
      metadata: { name, namespace, labels: { app: name } },
      spec: Lazy.any({
        produce: () => {
          const d = ApiObject.of(deployment).toJson().spec ?? {};
          return {
            replicas: d.replicas,
            selector: d.selector,
            template: d.template,
            minReadySeconds: d.minReadySeconds || undefined,
            progressDeadlineSeconds: d.progressDeadlineSeconds,
            strategy,
          };
        },
      }),
    });
    this.node.addValidation({ validate: () => this.checkNames() });
  }

  /**
   * The fields Argo Rollouts changes at run time, as Argo CD `ignoreDifferences` entries: the
   * weights of the VirtualService's routes (and the managed routes it adds), and the
   * `rollouts-pod-template-hash` label of the DestinationRule's subsets.
   */
  public get ignoreDifferences(): ArgoCdIgnoreDifference[] {
    const namespace = this.workload.namespace;
    return [
      { group: 'networking.istio.io', kind: 'VirtualService', name: this.virtualService.name, namespace, jsonPointers: ['/spec/http'] },
      { group: 'networking.istio.io', kind: 'DestinationRule', name: this.destinationRule.name, namespace, jqPathExpressions: ['.spec.subsets[].labels["rollouts-pod-template-hash"]'] },
    ];
  }

  /**
   * Annotates the VirtualService and DestinationRule for Flux (`kustomize.toolkit.fluxcd.io/ssa:
   * IfNotPresent`): Flux creates them once and then leaves them to Argo Rollouts. Changes to
   * them in code then need the objects deleted (or the annotation removed) to apply.
   */
  public annotateForFlux(): ArgoRollout {
    for (const o of [this.virtualService, this.destinationRule]) {
      for (const [k, v] of Object.entries(FLUX_SSA_IF_NOT_PRESENT)) o.metadata.addAnnotation(k, v);
    }
    return this;
  }

  /** The app may not emit another Deployment, VirtualService or DestinationRule of this name. */
  private checkNames(): string[] {
    const ns = this.workload.namespace;
    const name = this.target.serviceName;
    const own = new Set<ApiObject>([ApiObject.of(this.virtualService), ApiObject.of(this.destinationRule)]);
    const errors: string[] = [];
    for (const [group, kind] of [['apps', 'Deployment'], ['networking.istio.io', 'VirtualService'], ['networking.istio.io', 'DestinationRule']]) {
      const found = appObjects(this, group, kind, ns, name).find((o) => !own.has(o));
      if (found !== undefined) {
        errors.push(validationMessage(`${kind} ${ns}/${name}`, found.node.path, `the rollout of "${name}" ${kind === 'Deployment' ? 'replaces this Deployment' : `emits its own ${kind} of this name, which Argo Rollouts edits`}`, 'remove the other object, or rename the service'));
      }
    }
    return errors;
  }
}
