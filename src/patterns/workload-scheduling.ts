// Where a workload's pods may run: node selector, tolerations, topology spread.
import { IConstruct } from 'constructs';
import { checkLabels, checkPositiveInteger } from '../core/checks';
import { invalid } from '../core/errors';

/** How a toleration matches a taint's value. */
export enum TolerationOperator {
  /** The taint has this key, whatever its value. */
  EXISTS = 'Exists',
  /** The taint has this key and value. */
  EQUAL = 'Equal',
}

/** Which taint effect a toleration tolerates. */
export enum TaintEffect {
  /** New pods are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods are evicted from the node. */
  NO_EXECUTE = 'NoExecute',
}

/** A toleration of the workload's pods. */
export interface WorkloadToleration {
  /**
   * The taint key.
   *
   * @default - every key (only with `TolerationOperator.EXISTS`)
   */
  readonly key?: string;

  /**
   * How the value is matched.
   *
   * @default TolerationOperator.EQUAL
   */
  readonly operator?: TolerationOperator;

  /**
   * The taint value (not with `EXISTS`).
   *
   * @default - empty
   */
  readonly value?: string;

  /**
   * The effect tolerated.
   *
   * @default - every effect
   */
  readonly effect?: TaintEffect;
}

/** What a topology spread does when it cannot be satisfied. */
export enum UnsatisfiableSpread {
  /** Do not schedule the pod. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
  /** Schedule it anyway, preferring the least skewed domains. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
}

/** Spreading of the workload's pods across a topology (zones, nodes). */
export interface WorkloadTopologySpread {
  /** The node label whose values are the domains, e.g. `topology.kubernetes.io/zone`. */
  readonly topologyKey: string;

  /**
   * The largest allowed difference in pod counts between two domains.
   *
   * @default 1
   */
  readonly maxSkew?: number;

  /**
   * What to do when the spread cannot be kept.
   *
   * @default UnsatisfiableSpread.SCHEDULE_ANYWAY
   */
  readonly whenUnsatisfiable?: UnsatisfiableSpread;
}

/** Where a workload's pods may run. */
export interface WorkloadSchedulingOptions {
  /**
   * Node labels the pods' nodes must carry, e.g. `{ 'kubernetes.io/arch': 'arm64' }`.
   *
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints the pods tolerate.
   *
   * @default - none
   */
  readonly tolerations?: WorkloadToleration[];

  /**
   * Spread the pods of each Deployment across topology domains (zones, nodes).
   *
   * @default - no constraint
   */
  readonly topologySpread?: WorkloadTopologySpread[];
}

/**
 * The pod spec fields of the scheduling options, checked (`selector`: the pods' labels).
 * @internal
 */
export function workloadScheduling(
  scope: IConstruct, options: WorkloadSchedulingOptions, selector: { [k: string]: string },
): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  if (options.nodeSelector !== undefined) {
    checkLabels(scope, 'nodeSelector', options.nodeSelector);
    out.nodeSelector = { ...options.nodeSelector };
  }
  if (options.tolerations !== undefined) {
    out.tolerations = options.tolerations.map((t, i) => {
      const field = `tolerations[${i}]`;
      if (t === null || typeof t !== 'object') invalid(scope, field, t, 'a toleration must be an object', "pass e.g. { key: 'dedicated', value: 'mesh', effect: TaintEffect.NO_SCHEDULE }");
      const op = t.operator ?? TolerationOperator.EQUAL;
      if (!Object.values(TolerationOperator).includes(op)) invalid(scope, `${field}.operator`, op, 'unknown operator', 'use TolerationOperator.EQUAL or TolerationOperator.EXISTS');
      if (t.effect !== undefined && !Object.values(TaintEffect).includes(t.effect)) invalid(scope, `${field}.effect`, t.effect, 'unknown effect', 'use a TaintEffect value');
      if (op === TolerationOperator.EXISTS && t.value !== undefined) {
        invalid(scope, `${field}.value`, t.value, 'an EXISTS toleration matches any value, so it takes none (the API server refuses it)', 'leave value out, or use TolerationOperator.EQUAL');
      }
      if (t.key === undefined && op !== TolerationOperator.EXISTS) invalid(scope, `${field}.key`, undefined, 'a toleration without a key must use EXISTS (it then tolerates every taint)', 'give the taint key, or use TolerationOperator.EXISTS');
      if (t.key !== undefined) checkLabels(scope, `${field}.key`, { [t.key]: t.value ?? '' });
      return { key: t.key, operator: op, value: t.value, effect: t.effect };
    }).map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)));
  }
  if (options.topologySpread !== undefined) {
    out.topologySpreadConstraints = options.topologySpread.map((s, i) => {
      const field = `topologySpread[${i}]`;
      if (s === null || typeof s !== 'object' || typeof s.topologyKey !== 'string' || s.topologyKey === '') {
        invalid(scope, `${field}.topologyKey`, s?.topologyKey, 'a topology spread needs the node label of its domains', "use e.g. 'topology.kubernetes.io/zone'");
      }
      checkLabels(scope, `${field}.topologyKey`, { [s.topologyKey]: '' });
      checkPositiveInteger(scope, `${field}.maxSkew`, s.maxSkew);
      const when = s.whenUnsatisfiable ?? UnsatisfiableSpread.SCHEDULE_ANYWAY;
      if (!Object.values(UnsatisfiableSpread).includes(when)) invalid(scope, `${field}.whenUnsatisfiable`, when, 'unknown value', 'use UnsatisfiableSpread.SCHEDULE_ANYWAY or DO_NOT_SCHEDULE');
      return { topologyKey: s.topologyKey, maxSkew: s.maxSkew ?? 1, whenUnsatisfiable: when, labelSelector: { matchLabels: { ...selector } } };
    });
  }
  return out;
}
