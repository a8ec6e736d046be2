import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDns1123Label } from '../../core/checks';
import { formatMillis } from '../../core/duration';
import { invalid } from '../../core/errors';
import { StringMatch } from '../../networking/route-string-match';
import { RequestMatch } from '../fault-injection';

/** Options of a `weight` step (`setWeight`). */
export interface RolloutWeightOptions {
  /**
   * Whether the weight may be lower than the previous `setWeight` (a deliberate step back,
   * e.g. after a burst). Without it a decrease is refused as a likely typo.
   *
   * @default false
   */
  readonly allowDecrease?: boolean;
}

/** Options of a `mirrorRoute` step (`setMirrorRoute`). */
export interface RolloutMirrorRouteOptions {
  /** The managed route's name (DNS-1123 label), e.g. `mirror-route`. */
  readonly name: string;

  /** The percentage of matching requests copied to the canary (1-100, whole). */
  readonly percentage: number;

  /**
   * Which requests are mirrored: method, path (`RequestMatch.uri`) and header conditions;
   * any of the listed matches.
   *
   * @default - every request
   */
  readonly match?: RequestMatch[];
}

/**
 * The context a step renders in.
 * @internal
 */
export interface StepContext {
  /** The weight of the previous `setWeight`, if any. */
  previousWeight?: number;
  /** Managed routes the steps use (header and mirror routes), in order. */
  readonly managedRoutes: string[];
  /** The AnalysisTemplate of the rollout's gates, if it has gates. */
  readonly analysisTemplate?: string;
}

type Renderer = (scope: IConstruct, field: string, ctx: StepContext) => { [key: string]: unknown };

/**
 * A step of an Argo Rollouts canary: one static factory per step kind.
 *
 * @example
 * [RolloutStep.headerRoute('canary-users', [RequestMatch.user('jason')]),
 *  RolloutStep.weight(10), RolloutStep.pause(Duration.minutes(5)),
 *  RolloutStep.analysis(), RolloutStep.weight(50), RolloutStep.pause()]
 */
export class RolloutStep {
  /** Sends `weight` percent (0-100, whole) of the requests to the canary. */
  public static weight(weight: number, options: RolloutWeightOptions = {}): RolloutStep {
    return new RolloutStep('setWeight', (scope, field, ctx) => {
      if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
        invalid(scope, `${field}.setWeight`, weight, 'the canary weight is a whole percentage from 0 to 100', 'give e.g. RolloutStep.weight(20); the rollout ends at 100 % by itself after the last step');
      }
      if (ctx.previousWeight !== undefined && weight < ctx.previousWeight && options?.allowDecrease !== true) {
        invalid(scope, `${field}.setWeight`, weight, `it is lower than the previous step's weight (${ctx.previousWeight}), which moves traffic back to the stable version`, 'raise it, or pass { allowDecrease: true } if stepping back is intended');
      }
      ctx.previousWeight = weight;
      return { setWeight: weight };
    });
  }

  /**
   * Waits: for `duration` (whole seconds), or until someone promotes the rollout
   * (`kubectl argo rollouts promote`) when no duration is given.
   */
  public static pause(duration?: Duration): RolloutStep {
    return new RolloutStep('pause', (scope, field) => {
      if (duration === undefined) return { pause: {} };
      if (duration === null || typeof (duration as Partial<Duration>).toMilliseconds !== 'function') {
        invalid(scope, `${field}.pause.duration`, duration, 'a pause lasts a cdk8s Duration, not a string or a number', 'use e.g. RolloutStep.pause(Duration.minutes(5)), or RolloutStep.pause() to wait for a manual promotion');
      }
      const ms = duration.toMilliseconds({ integral: false });
      if (!Number.isFinite(ms) || ms < 1000 || ms % 1000 !== 0) {
        invalid(scope, `${field}.pause.duration`, `${ms}ms`, 'Argo Rollouts pauses for whole seconds, at least 1s', 'use e.g. Duration.seconds(30) or Duration.minutes(5)');
      }
      return { pause: { duration: formatMillis(ms) } };
    });
  }

  /** Runs the rollout's metric gates (its AnalysisTemplate) once, and rolls back if they fail. */
  public static analysis(): RolloutStep {
    return new RolloutStep('analysis', (scope, field, ctx) => {
      if (ctx.analysisTemplate === undefined) {
        invalid(scope, `${field}.analysis`, 'no metrics', 'an analysis step runs the rollout\'s metric gates, and the rollout has none', 'give the rollout `metrics` (e.g. [DeliveryMetric.errorRate()]), or remove the step');
      }
      return { analysis: { templates: [{ templateName: ctx.analysisTemplate }] } };
    });
  }

  /**
   * Scales the canary independently of its traffic weight: to `weight` percent of the
   * replicas (e.g. for mirroring, which sends no live traffic).
   */
  public static canaryScale(weight: number): RolloutStep {
    return new RolloutStep('setCanaryScale', (scope, field) => {
      if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
        invalid(scope, `${field}.setCanaryScale.weight`, weight, 'the canary scale is a whole percentage of the replicas, 0 to 100', 'give e.g. RolloutStep.canaryScale(50)');
      }
      return { setCanaryScale: { weight } };
    });
  }

  /**
   * A/B: sends requests whose headers match to the canary, whatever the weight (a managed
   * route named `name`, above the weighted route). Only header conditions can be used
   * (`RequestMatch.header`, `RequestMatch.user`, `RequestMatch.cookie`). Without `match`
   * the route is removed.
   */
  public static headerRoute(name: string, match?: RequestMatch[]): RolloutStep {
    return new RolloutStep('setHeaderRoute', (scope, field, ctx) => {
      checkDns1123Label(scope, `${field}.setHeaderRoute.name`, name);
      if (!ctx.managedRoutes.includes(name)) ctx.managedRoutes.push(name);
      if (match === undefined) return { setHeaderRoute: { name } };
      if (match.length === 0) invalid(scope, `${field}.setHeaderRoute.match`, '[]', 'a header route needs at least one condition', "list e.g. [RequestMatch.user('jason')], or leave match out to remove the route");
      const out: { [key: string]: unknown }[] = [];
      match.forEach((m, i) => {
        const rendered = m._render(scope, `${field}.setHeaderRoute.match[${i}]`);
        const other = Object.entries(rendered).filter(([k, v]) => k !== 'headers' && v !== undefined).map(([k]) => k);
        if (other.length > 0) {
          invalid(scope, `${field}.setHeaderRoute.match[${i}]`, other.join(', '), 'Argo Rollouts routes to the canary by request headers only', 'use header conditions (RequestMatch.header, user, cookie), or setMirrorRoute for method/path conditions');
        }
        for (const [headerName, value] of Object.entries(rendered.headers ?? {})) {
          out.push({ headerName, headerValue: stringMatch(scope, `${field}.setHeaderRoute.match[${i}].headers.${headerName}`, value) });
        }
      });
      return { setHeaderRoute: { name, match: out } };
    });
  }

  /**
   * Dark launch: copies `percentage` percent of the matching requests to the canary (a managed
   * route), whose responses are discarded.
   */
  public static mirrorRoute(options: RolloutMirrorRouteOptions): RolloutStep {
    return new RolloutStep('setMirrorRoute', (scope, field, ctx) => {
      checkDns1123Label(scope, `${field}.setMirrorRoute.name`, options?.name);
      const p = options.percentage;
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 100) {
        invalid(scope, `${field}.setMirrorRoute.percentage`, p, 'the mirrored share is a whole percentage from 1 to 100', 'give e.g. percentage: 50');
      }
      if (!ctx.managedRoutes.includes(options.name)) ctx.managedRoutes.push(options.name);
      const match = options.match?.map((m, i) => {
        const f = `${field}.setMirrorRoute.match[${i}]`;
        const r = m._render(scope, f);
        const other = Object.entries(r).filter(([k, v]) => !['headers', 'uri', 'method'].includes(k) && v !== undefined).map(([k]) => k);
        if (other.length > 0) invalid(scope, f, other.join(', '), 'an Argo Rollouts mirror route matches on method, path and headers only', 'use RequestMatch.method, uri and header conditions');
        const headers = r.headers === undefined ? undefined
          : Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, stringMatch(scope, `${f}.headers.${k}`, v)]));
        return {
          method: r.method === undefined ? undefined : stringMatch(scope, `${f}.method`, r.method),
          path: r.uri === undefined ? undefined : stringMatch(scope, `${f}.path`, r.uri),
          headers,
        };
      });
      return { setMirrorRoute: { name: options.name, percentage: p, match } };
    });
  }

  private constructor(
    /** The step kind, e.g. `setWeight`. */
    public readonly kind: string,
    private readonly renderer: Renderer,
  ) {}

  /**
   * Validates and renders the step.
   * @internal
   */
  public _render(scope: IConstruct, field: string, ctx: StepContext): { [key: string]: unknown } {
    return this.renderer(scope, field, ctx);
  }
}

function stringMatch(scope: IConstruct, field: string, value: StringMatch): { [key: string]: string } {
  if (!(value instanceof StringMatch)) invalid(scope, field, value, 'a condition must be a StringMatch', "use StringMatch.exact('x'), prefix or regex");
  if (value.matchType !== 'exact' && value.matchType !== 'prefix' && value.matchType !== 'regex') {
    invalid(scope, field, value.matchType, 'Argo Rollouts matches exact values, prefixes and regexes', 'use StringMatch.exact, prefix or regex');
  }
  return value._render(scope, field) as { [key: string]: string };
}

/**
 * The steps of a rollout that states none: 10 %, 5 minutes, 50 %, 5 minutes, with an analysis
 * step after each pause when the rollout has metric gates.
 * @internal
 */
export function defaultRolloutSteps(gates: boolean): RolloutStep[] {
  const analysis = gates ? [RolloutStep.analysis()] : [];
  return [
    RolloutStep.weight(10), RolloutStep.pause(Duration.minutes(5)), ...analysis,
    RolloutStep.weight(50), RolloutStep.pause(Duration.minutes(5)), ...analysis,
  ];
}
