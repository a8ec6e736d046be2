import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDns1123Label } from '../../core/checks';
import { renderDuration } from '../../core/duration';
import { invalid } from '../../core/errors';

/** Options of a Flagger webhook. */
export interface FlaggerWebhookOptions {
  /** The webhook's name (DNS-1123 label), e.g. `load-test`. */
  readonly name: string;

  /** The URL Flagger POSTs to, `http://` or `https://`, e.g. `http://flagger-loadtester.test/`. */
  readonly url: string;

  /**
   * How long Flagger waits for the answer.
   *
   * @default - Flagger's default (10s)
   */
  readonly timeout?: Duration;

  /**
   * Key/value pairs sent in the payload's `metadata` (for Flagger's load tester: `type` and `cmd`).
   *
   * @default - none
   */
  readonly metadata?: { [key: string]: string };

  /**
   * How many times Flagger retries a failed call.
   *
   * @default - Flagger's default (no retries)
   */
  readonly retries?: number;

  /**
   * Whether an alert is muted while this (gating) webhook keeps the rollout waiting.
   *
   * @default false
   */
  readonly muteAlert?: boolean;
}

/** The hooks of Flagger's rollout, in the order they run. */
export enum FlaggerWebhookType {
  /** Before traffic is shifted to the canary; a failure rolls back. */
  PRE_ROLLOUT = 'pre-rollout',
  /** Gate before the analysis starts: the rollout waits until it answers 200. */
  CONFIRM_ROLLOUT = 'confirm-rollout',
  /** At every step of the analysis (e.g. a load test); failures count towards the threshold. */
  ROLLOUT = 'rollout',
  /** Gate before each weight increase. */
  CONFIRM_TRAFFIC_INCREASE = 'confirm-traffic-increase',
  /** Gate before the canary is promoted. */
  CONFIRM_PROMOTION = 'confirm-promotion',
  /** After the promotion or rollback. */
  POST_ROLLOUT = 'post-rollout',
  /** Polled during the analysis: answering 200 rolls back at once (manual rollback). */
  ROLLBACK = 'rollback',
  /** Receives every event of the rollout. */
  EVENT = 'event',
}

/**
 * A webhook of a Flagger analysis: one static factory per hook.
 *
 * @example
 * FlaggerWebhook.rollout({
 *   name: 'load-test',
 *   url: 'http://flagger-loadtester.test/',
 *   timeout: Duration.seconds(5),
 *   metadata: { cmd: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test/' },
 * });
 */
export class FlaggerWebhook {
  /** Runs before traffic is shifted to the canary (e.g. acceptance tests); a failure rolls back. */
  public static preRollout(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.PRE_ROLLOUT, options);
  }

  /** Runs at every step of the analysis, e.g. Flagger's load tester generating traffic. */
  public static rollout(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.ROLLOUT, options);
  }

  /** Gate: the rollout starts only once this answers 200 (manual approval). */
  public static confirmRollout(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.CONFIRM_ROLLOUT, options);
  }

  /** Gate before each weight increase. */
  public static confirmTrafficIncrease(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.CONFIRM_TRAFFIC_INCREASE, options);
  }

  /** Gate before the canary is promoted. */
  public static confirmPromotion(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.CONFIRM_PROMOTION, options);
  }

  /** Runs after the canary was promoted or rolled back. */
  public static postRollout(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.POST_ROLLOUT, options);
  }

  /** Polled during the analysis: answering 200 rolls the canary back at once. */
  public static rollback(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.ROLLBACK, options);
  }

  /** Receives every event of the rollout (e.g. to forward to a chat). */
  public static event(options: FlaggerWebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook(FlaggerWebhookType.EVENT, options);
  }

  private constructor(
    /** The hook. */
    public readonly type: FlaggerWebhookType,
    private readonly options: FlaggerWebhookOptions,
  ) {}

  /** The webhook's name. */
  public get name(): string {
    return this.options?.name;
  }

  /**
   * Validates and renders the webhook.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: unknown } {
    const o = this.options;
    if (o === undefined || o === null || typeof o !== 'object') {
      invalid(scope, field, o, 'a webhook needs its options', "pass e.g. { name: 'load-test', url: 'http://flagger-loadtester.test/' }");
    }
    checkDns1123Label(scope, `${field}.name`, o.name);
    if (typeof o.url !== 'string' || o.url === '') {
      invalid(scope, `${field}.url`, o.url, `the ${this.type} webhook has no URL for Flagger to call`, "give the URL, e.g. 'http://flagger-loadtester.test/'");
    }
    let url: URL | undefined;
    try {
      url = new URL(o.url);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      invalid(scope, `${field}.url`, o.url, 'Flagger calls webhooks over HTTP(S): the URL must be absolute, http:// or https://', "write e.g. 'http://flagger-loadtester.test/'");
    }
    if (o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0)) {
      invalid(scope, `${field}.retries`, o.retries, 'retries is a whole number, 0 or more', 'give e.g. retries: 3');
    }
    const metadata = o.metadata === undefined ? undefined : { ...o.metadata };
    for (const [k, v] of Object.entries(metadata ?? {})) {
      if (typeof v !== 'string') invalid(scope, `${field}.metadata.${k}`, v, 'webhook metadata values are strings', `quote the value, e.g. '${String(v)}'`);
    }
    return {
      name: o.name,
      type: this.type,
      url: o.url,
      timeout: renderDuration(scope, `${field}.timeout`, o.timeout),
      retries: o.retries,
      muteAlert: o.muteAlert,
      metadata,
    };
  }
}
