import { Duration } from 'cdk8s';
import { DeliveryMetric } from './delivery-metric';
import { FlaggerAlert } from './flagger-alert';
import { FlaggerWebhook } from './flagger-webhook';
import { IGateway } from '../../networking/gateway-ref';

/**
 * Flagger's session affinity: once a user reached the canary, a cookie keeps them there.
 */
export interface FlaggerSessionAffinity {
  /** The name of the cookie marking canary users, e.g. `flagger-cookie`. */
  readonly cookieName: string;

  /**
   * How long the cookie lives.
   *
   * @default - Flagger's default (one day)
   */
  readonly maxAge?: Duration;
}

/**
 * How Flagger analyses and promotes a canary. Progressive canary (the default): the weight
 * grows by `stepWeight` up to `maxWeight` (or along `stepWeights`). A/B testing (the
 * `CanaryService`'s `canaryFor` / `FlaggerCanary`'s `match`) and blue/green with mirroring
 * (`mirrorPercentage`) run `iterations` checks instead.
 */
export interface FlaggerAnalysisOptions {
  /**
   * How often Flagger runs the checks and moves a step.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Failed checks (in a row) after which Flagger rolls back; at least 1.
   *
   * @default 5
   */
  readonly threshold?: number;

  /**
   * Progressive canary: the highest weight (percent, 1-100) before promotion.
   *
   * @default 50 (when neither `stepWeights` nor iterations are used)
   */
  readonly maxWeight?: number;

  /**
   * Progressive canary: the weight added at each step (percent, 1-100, at most `maxWeight`).
   *
   * @default 10 (when neither `stepWeights` nor iterations are used)
   */
  readonly stepWeight?: number;

  /**
   * Progressive canary with uneven steps: the weights, strictly increasing, each 1-100,
   * e.g. `[1, 5, 10, 25, 50]`. Replaces `stepWeight`/`maxWeight`.
   *
   * @default - even steps (`stepWeight`)
   */
  readonly stepWeights?: number[];

  /**
   * How much weight the primary regains per step once the canary is promoted.
   *
   * @default - Flagger switches all traffic at once
   */
  readonly stepWeightPromotion?: number;

  /**
   * A/B testing and blue/green: the number of checks before promotion (at least 1). Required
   * with A/B matches and with mirroring; excludes the weight options.
   *
   * @default - none (progressive canary)
   */
  readonly iterations?: number;

  /**
   * The checks. `DeliveryMetric.errorRate()` and `latency()` render the same PromQL as
   * `ServiceAlerts` (as Flagger `MetricTemplate`s); `requestSuccessRate()` and
   * `requestDuration()` are Flagger's built-in checks. Every interval must be at least the
   * analysis interval.
   *
   * @default [DeliveryMetric.requestSuccessRate({ minPercent: 99 }), DeliveryMetric.requestDuration({ max: Duration.millis(500) })]
   */
  readonly metrics?: DeliveryMetric[];

  /**
   * Webhooks: load tests, acceptance tests, manual gates, notifications.
   *
   * @default - none
   */
  readonly webhooks?: FlaggerWebhook[];

  /**
   * Alerts to chat services (each an `AlertProvider` in the canary's namespace).
   *
   * @default - none
   */
  readonly alerts?: FlaggerAlert[];

  /**
   * Progressive canary only: keep users who reached the canary there (cookie).
   *
   * @default - none
   */
  readonly sessionAffinity?: FlaggerSessionAffinity;

  /**
   * How long Flagger waits for the canary to become ready before it rolls back.
   *
   * @default - Flagger's default (10 minutes)
   */
  readonly progressDeadline?: Duration;

  /**
   * Promote without analysis (e.g. an emergency fix).
   *
   * @default false
   */
  readonly skipAnalysis?: boolean;

  /**
   * The Prometheus the `MetricTemplate`s query.
   *
   * @default 'http://prometheus.istio-system:9090' (Istio's Prometheus add-on)
   */
  readonly prometheusAddress?: string;

  /**
   * Gateways whose traffic Flagger's VirtualService also routes (besides the sidecars),
   * e.g. the ingress Gateway the service is exposed on.
   *
   * @default - the sidecars only (`mesh`)
   */
  readonly gateways?: IGateway[];

  /**
   * Further host names of Flagger's VirtualService (e.g. the public host of the gateways).
   *
   * @default - the service's own host only
   */
  readonly hosts?: string[];
}
