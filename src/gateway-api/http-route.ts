import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { addRouteHostname, addRouteParent, checkBackendRefs, GatewayApiHttpBackendRef, parentProblems, renderBackendRefs } from './backend-ref';
import { GatewayApiHttpRouteFilter, GatewayApiHttpRouteFilterType, GatewayApiPathModifierType } from './http-route-filter';
import { GatewayApiHttpRouteMatch, GatewayApiPathMatchType, renderHttpRouteMatch, validateHttpRouteMatch } from './http-route-match';
import { renderGatewayApiDuration } from './internal';
import { GatewayApiParentRef } from './parent-ref';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Subdomain, checkMaxItems } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

/**
 * One rule of an HTTPRoute: which requests (`matches`), what to do with them (`filters`)
 * and where to send them (`backendRefs`).
 */
export interface GatewayApiHttpRouteRule {
  /**
   * Name of the rule (a DNS-1123 subdomain), used by policies and status.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Request conditions; the rule applies when any of them holds (at most 64).
   *
   * @default - every request (`PathPrefix /`)
   */
  readonly matches?: GatewayApiHttpRouteMatch[];

  /**
   * Filters applied to matching requests (at most 16; each kind once, except mirrors).
   *
   * @default - none
   */
  readonly filters?: GatewayApiHttpRouteFilter[];

  /**
   * Backends and their weights (at most 16). Must be empty with a redirect filter.
   *
   * @default - none (only valid with a redirect filter)
   */
  readonly backendRefs?: GatewayApiHttpBackendRef[];

  /**
   * Timeout for the whole request, including retries. `Duration.seconds(0)` disables it.
   *
   * @default - the implementation's default (Istio: none)
   */
  readonly timeout?: Duration;

  /**
   * Timeout for each request to a backend; at most `timeout`.
   *
   * @default - same as `timeout`
   */
  readonly backendRequestTimeout?: Duration;
}

/**
 * Properties of a `GatewayApiHttpRoute`.
 */
export interface GatewayApiHttpRouteProps extends IstioResourceProps {
  /**
   * What the route attaches to: Gateways (ingress) and/or Services (mesh). At least one
   * before synthesis; more with `addParent()`.
   *
   * @default - none
   */
  readonly parentRefs?: GatewayApiParentRef[];

  /**
   * Hostnames (Host header) the route serves, e.g. `bookinfo.example.com`, `*.example.com`.
   *
   * @default - every hostname the listener accepts
   */
  readonly hostnames?: string[];

  /**
   * Rules (at least one before synthesis, at most 16; more with `addRule()`).
   *
   * @default - none
   */
  readonly rules?: GatewayApiHttpRouteRule[];
}

/**
 * `gateway.networking.k8s.io/v1` HTTPRoute: HTTP routing for a Gateway API Gateway, or
 * (with a Service parent) for mesh traffic to a Service.
 *
 * @example
 * new GatewayApiHttpRoute(chart, 'bookinfo', {
 *   parentRefs: [GatewayApiParentRef.fromGateway(gateway)],
 *   rules: [{
 *     matches: [{ path: GatewayApiPathMatch.exact('/productpage') }],
 *     backendRefs: [{ name: 'productpage', port: 9080 }],
 *   }],
 * });
 */
export class GatewayApiHttpRoute extends IstioResource {
  public readonly apiObject: l1.HttpRoute;

  private readonly _parents: GatewayApiParentRef[] = [];
  private readonly _hostnames: string[] = [];
  private readonly _rules: GatewayApiHttpRouteRule[] = [];
  private ruleProducer?: () => GatewayApiHttpRouteRule[];

  public constructor(scope: Construct, id: string, props: GatewayApiHttpRouteProps = {}) {
    super(scope, id);
    this.apiObject = new l1.HttpRoute(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const p of props.parentRefs ?? []) this.addParent(p);
    for (const h of props.hostnames ?? []) this.addHostname(h);
    for (const r of props.rules ?? []) this.addRule(r);
    this.node.addValidation({ validate: () => this.validateAtSynth() });
  }

  /** The rules, in order. */
  public get rules(): GatewayApiHttpRouteRule[] {
    return this.ruleProducer ? this.ruleProducer() : [...this._rules];
  }

  /**
   * Lets a pattern produce the rules at synth (e.g. a canary's weights, which change with
   * `promote()`); they are checked then as `addRule()` checks them.
   * @internal
   */
  public _produceRules(producer: () => GatewayApiHttpRouteRule[]): void {
    if (this._rules.length > 0) throw new Error('GatewayApiHttpRoute._produceRules: the route already has rules');
    this.ruleProducer = producer;
  }

  /** The parents, in order. */
  public get parentRefs(): GatewayApiParentRef[] {
    return [...this._parents];
  }

  /**
   * Attaches the route to a Gateway or Service.
   */
  public addParent(parent: GatewayApiParentRef): GatewayApiHttpRoute {
    addRouteParent(this, this._parents, parent);
    return this;
  }

  /**
   * Adds a hostname the route serves.
   */
  public addHostname(hostname: string): GatewayApiHttpRoute {
    addRouteHostname(this, this._hostnames, hostname, 'HTTPRoute');
    return this;
  }

  /**
   * Adds a rule. It is checked at once against the CRD's rules.
   */
  public addRule(rule: GatewayApiHttpRouteRule): GatewayApiHttpRoute {
    const field = `rules[${this._rules.length}]`;
    if (this.ruleProducer) {
      invalid(this, field, rule.name ?? 'a rule', 'the rules of this route are produced by the pattern that created it (e.g. a CanaryService), at synth', 'change the routing through that pattern (weights, overrides), or create your own GatewayApiHttpRoute');
    }
    checkMaxItems(this, 'rules', this._rules.length + 1, 16, 'split the routes over several HTTPRoutes, or merge rules that share backends');
    this.validateRule(field, rule);
    const total = this._rules.reduce((n, r) => n + Math.max(1, r.matches?.length ?? 0), 0) + Math.max(1, rule.matches?.length ?? 0);
    if (total > 128) {
      invalid(this, `${field}.matches`, `${total} matches in total`, 'the Gateway API allows at most 128 matches across all rules of a route', 'split the route into several HTTPRoutes');
    }
    this._rules.push({
      ...rule,
      matches: rule.matches ? [...rule.matches] : undefined,
      filters: rule.filters ? [...rule.filters] : undefined,
      backendRefs: rule.backendRefs ? rule.backendRefs.map((b) => ({ ...b })) : undefined,
    });
    return this;
  }

  private validateRule(field: string, rule: GatewayApiHttpRouteRule, before: GatewayApiHttpRouteRule[] = this._rules): void {
    if (rule.name !== undefined) checkDns1123Subdomain(this, `${field}.name`, rule.name);
    if (rule.name !== undefined && before.some((r) => r.name === rule.name)) {
      invalid(this, `${field}.name`, rule.name, 'another rule of this route has the same name', 'give each rule a unique name');
    }
    const matches = rule.matches ?? [];
    checkMaxItems(this, `${field}.matches`, matches.length, 64, 'split the rule');
    matches.forEach((m, i) => validateHttpRouteMatch(this, `${field}.matches[${i}]`, m));

    const filters = rule.filters ?? [];
    checkMaxItems(this, `${field}.filters`, filters.length, 16, 'use fewer filters');
    const seen = new Set<GatewayApiHttpRouteFilterType>();
    filters.forEach((f, i) => {
      f._validate(this, `${field}.filters[${i}]`);
      if (seen.has(f.type) && f.type !== GatewayApiHttpRouteFilterType.REQUEST_MIRROR) {
        invalid(this, `${field}.filters[${i}].type`, f.type, 'this kind of filter may appear only once per rule', 'merge the two filters into one');
      }
      seen.add(f.type);
      if (f._pathModifier?.type === GatewayApiPathModifierType.REPLACE_PREFIX_MATCH
        && (matches.length !== 1 || matches[0].path?.type !== GatewayApiPathMatchType.PATH_PREFIX)) {
        invalid(this, `${field}.filters[${i}].path.replacePrefixMatch`, f._pathModifier.value, `replacing the matched prefix needs exactly one PathPrefix match in the rule (it has ${matches.length} match${matches.length === 1 ? '' : 'es'}${matches.length === 1 ? `, of type ${matches[0].path?.type ?? 'none'}` : ''})`, 'give the rule a single `{ path: GatewayApiPathMatch.prefix(...) }` match, or use GatewayApiPathModifier.replaceFullPath()');
      }
    });
    if (seen.has(GatewayApiHttpRouteFilterType.REQUEST_REDIRECT) && seen.has(GatewayApiHttpRouteFilterType.URL_REWRITE)) {
      invalid(this, `${field}.filters`, 'RequestRedirect and URLRewrite', 'a rule either redirects the client or rewrites and forwards, not both', 'keep one of the two filters');
    }

    const backends = rule.backendRefs ?? [];
    checkBackendRefs(this, `${field}.backendRefs`, backends);
    if (backends.length > 0 && seen.has(GatewayApiHttpRouteFilterType.REQUEST_REDIRECT)) {
      invalid(this, `${field}.backendRefs`, backends.map((b) => b.name), 'a rule that redirects answers the client itself and must not have backends', 'drop `backendRefs`, or drop the redirect filter');
    }
    if (backends.length === 0 && !seen.has(GatewayApiHttpRouteFilterType.REQUEST_REDIRECT)) {
      invalid(this, `${field}.backendRefs`, [], 'a rule without backends and without a redirect answers every request with HTTP 500', 'add `backendRefs: [{ name: \'productpage\', port: 9080 }]`, or a GatewayApiHttpRouteFilter.requestRedirect()');
    }

    const request = renderGatewayApiDuration(this, `${field}.timeouts.request`, rule.timeout);
    const backend = renderGatewayApiDuration(this, `${field}.timeouts.backendRequest`, rule.backendRequestTimeout);
    if (request !== undefined && backend !== undefined) {
      const r = rule.timeout!.toMilliseconds();
      const b = rule.backendRequestTimeout!.toMilliseconds();
      if (r !== 0 && b > r) {
        invalid(this, `${field}.timeouts.backendRequest`, backend, `it is longer than the request timeout ${request}`, 'make backendRequestTimeout at most timeout (it covers one attempt; timeout covers all retries)');
      }
    }
  }

  private validateAtSynth(): string[] {
    const errors: string[] = [];
    const collect = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        errors.push((e as Error).message);
      }
    };
    errors.push(...parentProblems(this, this._parents, this.namespace, { kind: 'HTTPRoute', protocols: ['HTTP', 'HTTPS', 'HBONE'] }));
    if (this.ruleProducer) {
      const produced = this.ruleProducer();
      checkMaxItems(this, 'rules', produced.length, 16, 'split the routes over several HTTPRoutes');
      produced.forEach((r, i) => collect(() => this.validateRule(`rules[${i}]`, r, produced.slice(0, i))));
    } else if (this._rules.length === 0) {
      errors.push('rules [] is invalid: the route has no rules. Fix: add one with route.addRule({ backendRefs: [{ name: \'productpage\', port: 9080 }] })');
    }
    return errors;
  }

  private renderSpec(): l1.HttpRouteSpec {
    const ns = this.namespace;
    return {
      parentRefs: this._parents.length ? this._parents.map((p) => p._render(ns)) : undefined,
      hostnames: this._hostnames.length ? [...this._hostnames] : undefined,
      rules: this.rules.map((r, i) => this.renderRule(r, `rules[${i}]`)),
    };
  }

  private renderRule(rule: GatewayApiHttpRouteRule, field: string): l1.HttpRouteSpecRules {
    const request = renderGatewayApiDuration(this, `${field}.timeouts.request`, rule.timeout);
    const backendRequest = renderGatewayApiDuration(this, `${field}.timeouts.backendRequest`, rule.backendRequestTimeout);
    return {
      name: rule.name,
      matches: rule.matches?.length ? rule.matches.map((m) => renderHttpRouteMatch(m)) : undefined,
      filters: rule.filters?.length ? rule.filters.map((f) => f._render()) : undefined,
      backendRefs: renderBackendRefs(rule.backendRefs),
      timeouts: request !== undefined || backendRequest !== undefined ? { request, backendRequest } : undefined,
    };
  }
}
