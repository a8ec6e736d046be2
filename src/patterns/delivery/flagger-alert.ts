import { IConstruct } from 'constructs';
import * as l1 from '../../../imports/flagger.app';
import { checkDns1123Label, checkDns1123Subdomain } from '../../core/checks';
import { invalid } from '../../core/errors';

/** Where Flagger sends alerts. */
export enum FlaggerAlertProviderType {
  /** Slack. */
  SLACK = 'slack',
  /** Microsoft Teams. */
  MSTEAMS = 'msteams',
  /** Discord. */
  DISCORD = 'discord',
  /** Rocket.Chat. */
  ROCKET = 'rocket',
  /** Google Chat. */
  GCHAT = 'gchat',
}

/** The severity of the events an alert forwards. */
export enum FlaggerAlertSeverity {
  /** Every event. */
  INFO = 'info',
  /** Warnings and errors. */
  WARN = 'warn',
  /** Errors only (failed checks, rollbacks). */
  ERROR = 'error',
}

/**
 * An alert of a Flagger canary: an `AlertProvider` (emitted in the canary's namespace) and the
 * severity of the events sent to it.
 *
 * @example
 * { name: 'on-call', provider: FlaggerAlertProviderType.SLACK, channel: 'deployments', secretName: 'slack-url' }
 */
export interface FlaggerAlert {
  /** The alert's name, also the AlertProvider's name (DNS-1123 label). */
  readonly name: string;

  /** The chat service. */
  readonly provider: FlaggerAlertProviderType;

  /**
   * The Secret (in the canary's namespace) whose `address` key holds the webhook URL. Keep
   * webhook URLs out of manifests: they are credentials.
   */
  readonly secretName: string;

  /**
   * The channel to post to.
   *
   * @default - the webhook's default channel
   */
  readonly channel?: string;

  /**
   * The user name the messages appear from.
   *
   * @default 'flagger'
   */
  readonly username?: string;

  /**
   * The lowest severity forwarded.
   *
   * @default FlaggerAlertSeverity.ERROR
   */
  readonly severity?: FlaggerAlertSeverity;
}

/**
 * Validates an alert and returns its AlertProvider spec and its analysis entry.
 * @internal
 */
export function renderFlaggerAlert(
  scope: IConstruct, field: string, alert: FlaggerAlert,
): { provider: l1.AlertProviderSpec; entry: { [key: string]: unknown } } {
  if (alert === undefined || alert === null || typeof alert !== 'object') {
    invalid(scope, field, alert, 'an alert needs a name, a provider and a secret', "pass e.g. { name: 'on-call', provider: FlaggerAlertProviderType.SLACK, secretName: 'slack-url' }");
  }
  checkDns1123Label(scope, `${field}.name`, alert.name);
  if (!Object.values(FlaggerAlertProviderType).includes(alert.provider)) {
    invalid(scope, `${field}.provider`, alert.provider, 'unknown alert provider', `use one of FlaggerAlertProviderType: ${Object.values(FlaggerAlertProviderType).join(', ')}`);
  }
  checkDns1123Subdomain(scope, `${field}.secretName`, alert.secretName);
  if (alert.secretName === undefined) {
    invalid(scope, `${field}.secretName`, undefined, 'Flagger needs the webhook URL, which is a credential', 'store it under the key `address` of a Secret and give its name');
  }
  if (alert.severity !== undefined && !Object.values(FlaggerAlertSeverity).includes(alert.severity)) {
    invalid(scope, `${field}.severity`, alert.severity, 'unknown severity', 'use FlaggerAlertSeverity.INFO, WARN or ERROR');
  }
  return {
    provider: {
      type: alert.provider as unknown as l1.AlertProviderSpecType,
      channel: alert.channel,
      username: alert.username ?? 'flagger',
      secretRef: { name: alert.secretName },
    },
    entry: { name: alert.name, severity: alert.severity ?? FlaggerAlertSeverity.ERROR, providerRef: { name: alert.name } },
  };
}
