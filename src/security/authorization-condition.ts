import { IConstruct } from 'constructs';
import { checkMatchValue } from './authorization-checks';
import { Principal } from './principal';
import * as l1 from '../../imports/security.istio.io';
import { checkIpOrCidr, checkDns1123Label, checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * The values a `Condition` matches.
 */
export interface ConditionValues {
  /**
   * The attribute must have one of these values.
   *
   * @default - no allow-list (then `notValues` must be given)
   */
  readonly values?: string[];

  /**
   * The attribute must have none of these values.
   *
   * @default - no deny-list (then `values` must be given)
   */
  readonly notValues?: string[];
}

// Attribute keys Istio accepts in `when` conditions
// (https://istio.io/latest/docs/reference/config/security/conditions/).
const PLAIN_KEYS = new Set([
  'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'source.serviceAccount',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter',
  'destination.ip', 'destination.port', 'connection.sni',
]);
const HEADER_KEY = /^request\.headers\[[^[\]\s]+\]$/;
const CLAIM_KEY = /^request\.auth\.claims(\[[^[\]]+\])+$/;
const FILTER_KEY = /^experimental\.envoy\.filters\.[a-z0-9_.]+\[[^[\]]+\]$/;
const IP_KEYS = new Set(['source.ip', 'remote.ip', 'destination.ip']);

type ConditionValue = string | Principal;

/**
 * A `when` condition of an authorization rule: an Istio request attribute (`key`) and
 * the values it must (`values`) or must not (`notValues`) have.
 *
 * Use the typed factories for Istio's attributes, e.g.
 * `Condition.requestHeader('x-token', ['admin'])`,
 * `Condition.jwtClaim('groups', ['dev'])` (`request.auth.claims[groups]`) or
 * `Condition.sourceIp(['10.0.0.0/16'])`; `negate()` turns a condition into its "not" form.
 */
export class Condition {
  /**
   * A condition on any Istio attribute key, e.g.
   * `Condition.of('request.headers[version]', { values: ['v1'] })`.
   * The key must be one Istio knows (checked when the condition is added to a policy).
   *
   * @param key the attribute, e.g. `source.ip` or `request.auth.claims[iss]`
   * @param match the values (and/or not-values) to match
   */
  public static of(key: string, match: ConditionValues): Condition {
    return new Condition(key, match.values, match.notValues);
  }

  /**
   * The request header `name` (`request.headers[<name>]`) has one of `values`.
   * HTTP only.
   */
  public static requestHeader(name: string, values: string[]): Condition {
    return new Condition(`request.headers[${name}]`, values);
  }

  /**
   * The JWT claim `claim` (`request.auth.claims[<claim>]`) has one of `values`; for a
   * list claim, one of its items does. Needs a `RequestAuthentication`.
   */
  public static jwtClaim(claim: string, values: string[]): Condition {
    return new Condition(`request.auth.claims[${claim}]`, values);
  }

  /**
   * A nested JWT claim, e.g. `['realm_access', 'roles']` for
   * `request.auth.claims[realm_access][roles]`.
   */
  public static nestedJwtClaim(path: string[], values: string[]): Condition {
    return new Condition(`request.auth.claims${path.map((p) => `[${p}]`).join('')}`, values);
  }

  /**
   * The request's authenticated principal (`request.auth.principal`, `<iss>/<sub>` of
   * the JWT) is one of `principals`.
   */
  public static requestPrincipal(principals: string[]): Condition {
    return new Condition('request.auth.principal', principals);
  }

  /** The JWT audience (`request.auth.audiences`) is one of `audiences`. */
  public static audience(audiences: string[]): Condition {
    return new Condition('request.auth.audiences', audiences);
  }

  /** The JWT authorized presenter (`request.auth.presenter`, the `azp` claim) is one of `presenters`. */
  public static presenter(presenters: string[]): Condition {
    return new Condition('request.auth.presenter', presenters);
  }

  /** The peer's IP (`source.ip`) is in one of the IPs / CIDR blocks. */
  public static sourceIp(cidrs: string[]): Condition {
    return new Condition('source.ip', cidrs);
  }

  /**
   * The original client IP (`remote.ip`, from X-Forwarded-For or the PROXY protocol as
   * configured with `numTrustedProxies`) is in one of the IPs / CIDR blocks.
   */
  public static remoteIp(cidrs: string[]): Condition {
    return new Condition('remote.ip', cidrs);
  }

  /** The server IP (`destination.ip`) is in one of the IPs / CIDR blocks. */
  public static destinationIp(cidrs: string[]): Condition {
    return new Condition('destination.ip', cidrs);
  }

  /** The server port (`destination.port`) is one of `ports` (1-65535). */
  public static destinationPort(ports: number[]): Condition {
    return new Condition('destination.port', ports.map((p) => (typeof p === 'number' ? String(p) : p)));
  }

  /** The peer's namespace (`source.namespace`, needs mTLS) is one of `namespaces`. */
  public static sourceNamespace(namespaces: string[]): Condition {
    return new Condition('source.namespace', namespaces);
  }

  /** The peer's identity (`source.principal`, needs mTLS) is one of `principals`. */
  public static sourcePrincipal(principals: Principal[]): Condition {
    return new Condition('source.principal', principals);
  }

  /**
   * The peer's service account (`source.serviceAccount`, needs mTLS) is one of
   * `serviceAccounts`, each written `<namespace>/<name>`.
   */
  public static sourceServiceAccount(serviceAccounts: string[]): Condition {
    return new Condition('source.serviceAccount', serviceAccounts);
  }

  /** The TLS server name (`connection.sni`) is one of `serverNames`. */
  public static sni(serverNames: string[]): Condition {
    return new Condition('connection.sni', serverNames);
  }

  /** The Istio attribute this condition tests, e.g. `request.auth.claims[groups]`. */
  public readonly key: string;

  private readonly values?: readonly ConditionValue[];
  private readonly notValues?: readonly ConditionValue[];

  private constructor(key: string, values?: readonly ConditionValue[], notValues?: readonly ConditionValue[]) {
    this.key = key;
    this.values = values === undefined ? undefined : [...values];
    this.notValues = notValues === undefined ? undefined : [...notValues];
  }

  /**
   * The opposite condition: the attribute must have none of the values (`values`
   * become `notValues` and the other way round).
   */
  public negate(): Condition {
    return new Condition(this.key, this.notValues, this.values);
  }

  /**
   * This condition, with `notValues` added: the attribute must also not have any of them,
   * e.g. `Condition.sourceIp(['10.0.0.0/8']).excluding(['10.0.0.1'])`.
   */
  public excluding(notValues: string[]): Condition {
    return new Condition(this.key, this.values, [...(this.notValues ?? []), ...notValues]);
  }

  /**
   * Checks the key and the values against what Istio accepts.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    const key = this.key;
    if (typeof key !== 'string' || !(PLAIN_KEYS.has(key) || HEADER_KEY.test(key) || CLAIM_KEY.test(key) || FILTER_KEY.test(key))) {
      invalid(scope, `${field} key`, key, 'Istio does not know this attribute', 'use a Condition factory (requestHeader, jwtClaim, sourceIp, remoteIp, sourceNamespace, sourcePrincipal, requestPrincipal, audience, presenter, destinationIp, destinationPort, sni) or a key such as "request.headers[x-user]" or "request.auth.claims[groups]"');
    }
    if (this.values === undefined && this.notValues === undefined) {
      invalid(scope, `${field} (${key})`, {}, 'a condition needs `values` or `notValues`', 'give the values the attribute must (values) or must not (notValues) have');
    }
    this.checkList(scope, `${field} (${key}) values`, this.values);
    this.checkList(scope, `${field} (${key}) notValues`, this.notValues);
  }

  /**
   * Renders the condition; principals are read at this point.
   * @internal
   */
  public _render(scope: IConstruct, field: string): l1.AuthorizationPolicySpecRulesWhen {
    const render = (list: readonly ConditionValue[] | undefined, name: string) => list?.map((v, i) =>
      (v instanceof Principal ? v._render(scope, `${field} (${this.key}) ${name}[${i}]`) : v));
    return {
      key: this.key,
      values: render(this.values, 'values'),
      notValues: render(this.notValues, 'notValues'),
    };
  }

  private checkList(scope: IConstruct, field: string, list: readonly ConditionValue[] | undefined): void {
    if (list === undefined) return;
    if (list.length === 0) {
      invalid(scope, field, list, 'the list must not be empty', 'list at least one value, or leave the list out');
    }
    list.forEach((v, i) => {
      const at = `${field}[${i}]`;
      if (v instanceof Principal) {
        v._validate(scope, at);
      } else if (IP_KEYS.has(this.key)) {
        checkIpOrCidr(scope, at, v);
      } else if (this.key === 'destination.port') {
        if (typeof v !== 'string' || !/^\d+$/.test(v)) {
          invalid(scope, at, v, 'a port must be a whole number from 1 to 65535', 'use Condition.destinationPort([8080])');
        }
        checkPort(scope, at, Number(v));
      } else if (this.key === 'source.namespace' && typeof v === 'string' && !v.includes('*')) {
        checkDns1123Label(scope, at, v);
      } else if (PLAIN_KEYS.has(this.key)) {
        checkMatchValue(scope, at, v, 'value');
      } else if (typeof v !== 'string' || v.length === 0) {
        invalid(scope, at, v, 'the value must be a non-empty string', 'give the attribute value to match');
      }
    });
  }
}
