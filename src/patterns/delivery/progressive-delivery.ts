import { Construct } from 'constructs';
import { ArgoRollout, ArgoRolloutOptions } from './argo-rollout';
import { FlaggerCanary } from './flagger-canary';
import { FlaggerAnalysisOptions } from './flagger-options';
import { defaultRolloutSteps, RolloutStep } from './rollout-step';
import { invalid } from '../../core/errors';
import { DestinationRule } from '../../networking/destination-rule';
import { VirtualService } from '../../networking/virtual-service';
import { RequestMatch } from '../fault-injection';
import { MeshService } from '../mesh-service';
import { ResilienceOptions } from '../resilience';

/**
 * What a canary release asks of its controller.
 * @internal
 */
export interface DeliveryRequest extends ResilienceOptions {
  readonly canaryFor?: RequestMatch[];
  readonly mirrorPercentage?: number;
}

/**
 * The objects a controller's rollout consists of.
 * @internal
 */
export interface DeliveryObjects {
  readonly flaggerCanary?: FlaggerCanary;
  readonly argoRollout?: ArgoRollout;
  readonly destinationRule?: DestinationRule;
  readonly virtualService?: VirtualService;
}

/**
 * Hands a `CanaryService`'s rollout to a controller that shifts traffic step by step and rolls
 * back on failing metric gates, instead of a weight fixed at synth.
 *
 * With a controller the `CanaryService` deploys the `canary` version only (one Deployment
 * named after the service; the controller keeps the version running now — Flagger's
 * `<name>-primary`, Argo's stable ReplicaSet — so `stable` names that version and is not
 * deployed again); `canaryFor` becomes the A/B match (Flagger `analysis.match`, Argo
 * `setHeaderRoute`), `mirrorPercentage` the mirroring (Flagger blue/green `mirrorWeight`, Argo
 * `setMirrorRoute`), and retries, timeout and the traffic policy go where the controller
 * routes. `canaryWeight`, `updateCanaryWeight()`, `promote()` and `rollback()` belong to the
 * controller and are refused.
 *
 * @example
 * new CanaryService(chart, 'reviews', {
 *   port: 9080, stable: { version: 'v1', image: 'reviews:1' }, canary: { version: 'v2', image: 'reviews:2' },
 *   delivery: ProgressiveDelivery.flagger({ stepWeight: 10, maxWeight: 50, metrics: [DeliveryMetric.errorRate()] }),
 * });
 */
export class ProgressiveDelivery {
  /** Flagger (provider `istio`) runs the rollout: see `FlaggerCanary`. */
  public static flagger(options: FlaggerAnalysisOptions = {}): ProgressiveDelivery {
    return new ProgressiveDelivery('Flagger', (scope, service, request) => ({
      flaggerCanary: new FlaggerCanary(scope, 'Flagger', {
        ...options,
        ...resilienceOf(request),
        target: service,
        match: request.canaryFor,
        mirrorPercentage: request.mirrorPercentage,
      }),
    }));
  }

  /** Argo Rollouts (Istio subset splitting) runs the rollout: see `ArgoRollout`. */
  public static argoRollouts(options: ArgoRolloutOptions = {}): ProgressiveDelivery {
    return new ProgressiveDelivery('Argo Rollouts', (scope, service, request) => {
      const first: RolloutStep[] = [];
      if (request.canaryFor !== undefined) first.push(RolloutStep.headerRoute('canary-for', request.canaryFor));
      if (request.mirrorPercentage !== undefined) {
        const p = request.mirrorPercentage;
        if (!Number.isInteger(p) || p < 1) {
          invalid(scope, 'mirrorPercentage', p, 'Argo Rollouts mirrors a whole percentage of requests, 1-100', `round it, e.g. ${Math.max(1, Math.round(p))}`);
        }
        first.push(RolloutStep.mirrorRoute({ name: 'mirror', percentage: p }));
      }
      const rollout = new ArgoRollout(scope, 'Rollout', {
        ...options,
        ...resilienceOf(request),
        target: service,
        steps: first.length === 0 ? options.steps : [...first, ...(options.steps ?? defaultRolloutSteps((options.metrics ?? []).length > 0))],
      });
      return { argoRollout: rollout, destinationRule: rollout.destinationRule, virtualService: rollout.virtualService };
    });
  }

  private constructor(
    /** The controller's name. */
    public readonly controller: string,
    private readonly binder: (scope: Construct, service: MeshService, request: DeliveryRequest) => DeliveryObjects,
  ) {}

  /**
   * Creates the controller's objects for `service`.
   * @internal
   */
  public _bind(scope: Construct, service: MeshService, request: DeliveryRequest): DeliveryObjects {
    return this.binder(scope, service, request);
  }
}

/** The resilience options of a canary release (its other props are not the controller's). */
function resilienceOf(r: DeliveryRequest): ResilienceOptions {
  const { circuitBreaker, loadBalancer, retries, timeout, faultInjection, requireMutualTls } = r;
  return { circuitBreaker, loadBalancer, retries, timeout, faultInjection, requireMutualTls };
}
