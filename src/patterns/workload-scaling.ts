// Scaling and availability of a workload's Deployments: a HorizontalPodAutoscaler
// (autoscaling/v2) and a PodDisruptionBudget (policy/v1) per Deployment.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { checkPositiveInteger } from '../core/checks';
import { invalid } from '../core/errors';

/** Horizontal pod autoscaling of each Deployment of a workload. */
export interface WorkloadAutoscaling {
  /**
   * The fewest pods.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /** The most pods. */
  readonly maxReplicas: number;

  /**
   * Target average CPU utilization, in percent of the CPU request.
   *
   * @default - 80 unless `memoryUtilization` is given
   */
  readonly cpuUtilization?: number;

  /**
   * Target average memory utilization, in percent of the memory request.
   *
   * @default - no memory target
   */
  readonly memoryUtilization?: number;
}

/** How many pods of each Deployment voluntary disruptions (node drains) must leave running. */
export class WorkloadDisruptionBudget {
  /** At least this many pods stay available. */
  public static minAvailable(pods: number): WorkloadDisruptionBudget {
    return new WorkloadDisruptionBudget('minAvailable', pods);
  }

  /** At least this percentage of the pods stays available, e.g. `50`. */
  public static minAvailablePercent(percent: number): WorkloadDisruptionBudget {
    return new WorkloadDisruptionBudget('minAvailable', percent, true);
  }

  /** At most this many pods are unavailable at a time. */
  public static maxUnavailable(pods: number): WorkloadDisruptionBudget {
    return new WorkloadDisruptionBudget('maxUnavailable', pods);
  }

  /** At most this percentage of the pods is unavailable at a time, e.g. `25`. */
  public static maxUnavailablePercent(percent: number): WorkloadDisruptionBudget {
    return new WorkloadDisruptionBudget('maxUnavailable', percent, true);
  }

  private constructor(private readonly field: 'minAvailable' | 'maxUnavailable', private readonly amount: number, private readonly percent = false) {}

  /**
   * The PodDisruptionBudget spec fields, checked.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: number | string } {
    const max = this.percent ? 100 : Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(this.amount) || this.amount < 0 || this.amount > max) {
      invalid(scope, `${field}.${this.field}`, this.amount, this.percent ? 'a percentage must be a whole number from 0 to 100' : 'a number of pods must be a whole number, 0 or more', this.percent ? 'use e.g. WorkloadDisruptionBudget.minAvailablePercent(50)' : 'use e.g. WorkloadDisruptionBudget.minAvailable(1)');
    }
    return { [this.field]: this.percent ? `${this.amount}%` : this.amount };
  }
}

/** The scaling options of a workload. */
export interface WorkloadScalingOptions {
  /**
   * Scale each Deployment with a HorizontalPodAutoscaler; the Deployment then states no
   * replica count (the autoscaler owns it).
   *
   * @default - a fixed replica count
   */
  readonly autoscaling?: WorkloadAutoscaling;

  /**
   * A PodDisruptionBudget for each Deployment's pods.
   *
   * @default - none
   */
  readonly disruptionBudget?: WorkloadDisruptionBudget;
}

/**
 * Checks the scaling options.
 * @internal
 */
export function checkWorkloadScaling(scope: IConstruct, options: WorkloadScalingOptions): void {
  const a = options.autoscaling;
  if (a !== undefined) {
    if (a === null || typeof a !== 'object') invalid(scope, 'autoscaling', a, 'autoscaling must be an object', 'pass e.g. { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 }');
    if (a.maxReplicas === undefined) invalid(scope, 'autoscaling.maxReplicas', undefined, 'autoscaling needs a maximum', 'pass e.g. maxReplicas: 10');
    checkPositiveInteger(scope, 'autoscaling.minReplicas', a.minReplicas);
    checkPositiveInteger(scope, 'autoscaling.maxReplicas', a.maxReplicas);
    if (a.maxReplicas < (a.minReplicas ?? 1)) invalid(scope, 'autoscaling.maxReplicas', a.maxReplicas, `it is below minReplicas (${a.minReplicas ?? 1})`, 'make maxReplicas at least minReplicas');
    for (const k of ['cpuUtilization', 'memoryUtilization'] as const) {
      const v = a[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) invalid(scope, `autoscaling.${k}`, v, 'a utilization target is a whole percentage, 1 or more', 'use e.g. 70');
    }
  }
  if (options.disruptionBudget !== undefined && !(options.disruptionBudget instanceof WorkloadDisruptionBudget)) {
    invalid(scope, 'disruptionBudget', options.disruptionBudget, 'a disruption budget must be a WorkloadDisruptionBudget', 'use e.g. WorkloadDisruptionBudget.minAvailable(1)');
  }
}

/**
 * Adds the autoscaler and disruption budget of one Deployment (named like it).
 * @internal
 */
export function scaleDeployment(
  scope: Construct, id: string, deployment: kplus.Deployment, selector: { [k: string]: string }, options: WorkloadScalingOptions,
): void {
  const a = options.autoscaling;
  if (a !== undefined) {
    const utilization = (percent: number) => kplus.MetricTarget.averageUtilization(percent);
    const metrics = [
      ...(a.cpuUtilization !== undefined || a.memoryUtilization === undefined ? [kplus.Metric.resourceCpu(utilization(a.cpuUtilization ?? 80))] : []),
      ...(a.memoryUtilization !== undefined ? [kplus.Metric.resourceMemory(utilization(a.memoryUtilization))] : []),
    ];
    new kplus.HorizontalPodAutoscaler(scope, `Autoscaler-${id}`, {
      metadata: { name: deployment.name, namespace: deployment.metadata.namespace },
      target: deployment,
      minReplicas: a.minReplicas ?? 1,
      maxReplicas: a.maxReplicas,
      metrics,
    });
  }
  if (options.disruptionBudget !== undefined) {
    new ApiObject(scope, `DisruptionBudget-${id}`, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: deployment.name, namespace: deployment.metadata.namespace },
      spec: { ...options.disruptionBudget._render(scope, 'disruptionBudget'), selector: { matchLabels: { ...selector } } },
    });
  }
}
