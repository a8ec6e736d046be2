import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { addRouteHostname, addRouteParent, checkBackendRefs, GatewayApiHttpBackendRef, parentProblems, renderBackendRefs } from './backend-ref';
import { GatewayApiHttpRouteFilter, GatewayApiHttpRouteFilterType } from './http-route-filter';
import { GatewayApiHeaderMatch } from './http-route-match';
import { GatewayApiParentRef } from './parent-ref';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Subdomain, checkLength, checkMaxItems, checkRe2Regex } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

/** How a gRPC service and method are matched. */
export enum GatewayApiGrpcMethodMatchType {
  /** The names are compared exactly. */
  EXACT = 'Exact',
  /** The names are RE2 regular expressions. */
  REGULAR_EXPRESSION = 'RegularExpression',
}

/**
 * The gRPC service and method a match names; give at least one.
 */
export interface GatewayApiGrpcMethodOptions {
  /**
   * The fully qualified service name, e.g. `hipstershop.CartService`.
   *
   * @default - any service
   */
  readonly service?: string;

  /**
   * The method name, e.g. `GetCart`.
   *
   * @default - any method
   */
  readonly method?: string;
}

/** gRPC service names as the CRD accepts them for exact matches (case-insensitive). */
const SERVICE_NAME = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
/** gRPC method names as the CRD accepts them for exact matches. */
const METHOD_NAME = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * A gRPC method condition: `GatewayApiGrpcMethodMatch.exact({ service: 'hipstershop.CartService', method: 'GetCart' })`.
 */
export class GatewayApiGrpcMethodMatch {
  /** The service and/or method, compared exactly. */
  public static exact(options: GatewayApiGrpcMethodOptions): GatewayApiGrpcMethodMatch {
    return new GatewayApiGrpcMethodMatch(GatewayApiGrpcMethodMatchType.EXACT, options ?? {});
  }

  /** The service and/or method as RE2 regular expressions. */
  public static regularExpression(options: GatewayApiGrpcMethodOptions): GatewayApiGrpcMethodMatch {
    return new GatewayApiGrpcMethodMatch(GatewayApiGrpcMethodMatchType.REGULAR_EXPRESSION, options ?? {});
  }

  /** The service, if matched. */
  public readonly service?: string;
  /** The method, if matched. */
  public readonly method?: string;

  private constructor(
    /** How the names are compared. */
    public readonly type: GatewayApiGrpcMethodMatchType,
    options: GatewayApiGrpcMethodOptions,
  ) {
    this.service = options.service;
    this.method = options.method;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (this.service === undefined && this.method === undefined) {
      invalid(scope, field, {}, 'a method match names a service, a method or both', "give e.g. { service: 'hipstershop.CartService', method: 'GetCart' }, or leave `method` out of the match");
    }
    const exact = this.type === GatewayApiGrpcMethodMatchType.EXACT;
    for (const [key, value, re, example] of [['service', this.service, SERVICE_NAME, 'hipstershop.CartService'], ['method', this.method, METHOD_NAME, 'GetCart']] as const) {
      if (value === undefined) continue;
      checkLength(scope, `${field}.${key}`, value, 1, 1024);
      if (exact && !re.test(value)) {
        invalid(scope, `${field}.${key}`, value, `it is not a gRPC ${key} name (${key === 'service' ? 'dot-separated identifiers' : 'one identifier'})`, `write e.g. '${example}', or use GatewayApiGrpcMethodMatch.regularExpression()`);
      }
      if (!exact) checkRe2Regex(scope, `${field}.${key}`, value);
    }
  }

  /** @internal */
  public _render(): l1.GrpcRouteSpecRulesMatchesMethod {
    return { type: this.type as string as l1.GrpcRouteSpecRulesMatchesMethodType, service: this.service, method: this.method };
  }
}

/**
 * Which gRPC calls a GRPCRoute rule matches: all conditions must hold.
 */
export interface GatewayApiGrpcRouteMatch {
  /**
   * The service and method.
   *
   * @default - any method
   */
  readonly method?: GatewayApiGrpcMethodMatch;

  /**
   * Request metadata (header) conditions, at most 16.
   *
   * @default - no header condition
   */
  readonly headers?: GatewayApiHeaderMatch[];
}

/**
 * One rule of a GRPCRoute.
 */
export interface GatewayApiGrpcRouteRule {
  /**
   * Name of the rule (a DNS-1123 subdomain).
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The calls the rule applies to (any of them), at most 64.
   *
   * @default - every call
   */
  readonly matches?: GatewayApiGrpcRouteMatch[];

  /**
   * Header modifiers and mirrors (the filters the GRPCRoute kind has), at most 16.
   *
   * @default - none
   */
  readonly filters?: GatewayApiHttpRouteFilter[];

  /** Where the calls go: one or more Services (at most 16), split by weight. */
  readonly backendRefs: GatewayApiHttpBackendRef[];
}

/**
 * Properties of a `GatewayApiGrpcRoute`.
 */
export interface GatewayApiGrpcRouteProps extends IstioResourceProps {
  /**
   * Gateways or Services the route attaches to (at most 32).
   *
   * @default - none yet (add with `addParent`; one is required)
   */
  readonly parentRefs?: GatewayApiParentRef[];

  /**
   * Host names the route serves (at most 16), for routes attached to a Gateway.
   *
   * @default - every hostname the listener accepts
   */
  readonly hostnames?: string[];

  /**
   * Rules (at least one before synthesis, at most 16; more with `addRule()`).
   *
   * @default - none
   */
  readonly rules?: GatewayApiGrpcRouteRule[];
}

/** The filters the GRPCRoute kind has. */
const GRPC_FILTERS = [
  GatewayApiHttpRouteFilterType.REQUEST_HEADER_MODIFIER,
  GatewayApiHttpRouteFilterType.RESPONSE_HEADER_MODIFIER,
  GatewayApiHttpRouteFilterType.REQUEST_MIRROR,
];

/**
 * `gateway.networking.k8s.io/v1` GRPCRoute: gRPC routing by service and method, for a Gateway
 * listener (HTTP/HTTPS) or, with a Service parent, for mesh traffic to that Service.
 *
 * @example
 * new GatewayApiGrpcRoute(chart, 'cart', {
 *   parentRefs: [GatewayApiParentRef.fromServiceName('cartservice')],
 *   rules: [{
 *     matches: [{ method: GatewayApiGrpcMethodMatch.exact({ service: 'hipstershop.CartService', method: 'EmptyCart' }) }],
 *     backendRefs: [{ name: 'cartservice-v2', port: 7070 }],
 *   }, {
 *     backendRefs: [{ name: 'cartservice-v1', port: 7070 }],
 *   }],
 * });
 */
export class GatewayApiGrpcRoute extends IstioResource {
  public readonly apiObject: l1.GrpcRoute;

  private readonly _parents: GatewayApiParentRef[] = [];
  private readonly _hostnames: string[] = [];
  private readonly _rules: GatewayApiGrpcRouteRule[] = [];

  public constructor(scope: Construct, id: string, props: GatewayApiGrpcRouteProps = {}) {
    super(scope, id);
    this.apiObject = new l1.GrpcRoute(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const p of props.parentRefs ?? []) this.addParent(p);
    for (const h of props.hostnames ?? []) this.addHostname(h);
    for (const r of props.rules ?? []) this.addRule(r);
    this.node.addValidation({ validate: () => this.validateAtSynth() });
  }

  /** The rules, in order. */
  public get rules(): GatewayApiGrpcRouteRule[] {
    return [...this._rules];
  }

  /** Attaches the route to a Gateway or Service. */
  public addParent(parent: GatewayApiParentRef): GatewayApiGrpcRoute {
    addRouteParent(this, this._parents, parent);
    return this;
  }

  /** Adds a hostname the route serves. */
  public addHostname(hostname: string): GatewayApiGrpcRoute {
    addRouteHostname(this, this._hostnames, hostname, 'GRPCRoute');
    return this;
  }

  /** Adds a rule, checked at once. */
  public addRule(rule: GatewayApiGrpcRouteRule): GatewayApiGrpcRoute {
    const field = `rules[${this._rules.length}]`;
    checkMaxItems(this, 'rules', this._rules.length + 1, 16, 'split the routes over several GRPCRoutes');
    if (rule === null || typeof rule !== 'object') invalid(this, field, rule, 'a rule must be an object', "pass e.g. { backendRefs: [{ name: 'cartservice', port: 7070 }] }");
    if (rule.name !== undefined) checkDns1123Subdomain(this, `${field}.name`, rule.name);
    if (rule.name !== undefined && this._rules.some((r) => r.name === rule.name)) {
      invalid(this, `${field}.name`, rule.name, 'another rule of this route has the same name', 'give each rule a unique name');
    }
    const matches = rule.matches ?? [];
    checkMaxItems(this, `${field}.matches`, matches.length, 64, 'split the rule');
    matches.forEach((m, i) => this.validateMatch(`${field}.matches[${i}]`, m));
    const total = this._rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0) + matches.length;
    if (total > 128) {
      invalid(this, `${field}.matches`, `${total} matches in total`, 'the Gateway API allows at most 128 matches across all rules of a route', 'split the route into several GRPCRoutes');
    }
    const filters = rule.filters ?? [];
    checkMaxItems(this, `${field}.filters`, filters.length, 16, 'use fewer filters');
    const seen = new Set<GatewayApiHttpRouteFilterType>();
    filters.forEach((f, i) => {
      if (!GRPC_FILTERS.includes(f.type)) {
        invalid(this, `${field}.filters[${i}].type`, f.type, `a GRPCRoute has only ${GRPC_FILTERS.join(', ')} filters`, 'drop the filter: gRPC calls are not redirected or rewritten by path');
      }
      f._validate(this, `${field}.filters[${i}]`);
      if (seen.has(f.type) && f.type !== GatewayApiHttpRouteFilterType.REQUEST_MIRROR) {
        invalid(this, `${field}.filters[${i}].type`, f.type, 'this kind of filter may appear only once per rule', 'merge the two filters into one');
      }
      seen.add(f.type);
    });
    const backends = rule.backendRefs ?? [];
    if (backends.length === 0) {
      invalid(this, `${field}.backendRefs`, [], 'a rule without backends answers every call with an error', "add `backendRefs: [{ name: 'cartservice', port: 7070 }]`");
    }
    checkBackendRefs(this, `${field}.backendRefs`, backends);
    this._rules.push({ ...rule, matches: [...matches], filters: [...filters], backendRefs: backends.map((b) => ({ ...b })) });
    return this;
  }

  private validateMatch(field: string, match: GatewayApiGrpcRouteMatch): void {
    if (match.method !== undefined) {
      if (!(match.method instanceof GatewayApiGrpcMethodMatch)) {
        invalid(this, `${field}.method`, match.method, 'a method condition is built with GatewayApiGrpcMethodMatch', "use GatewayApiGrpcMethodMatch.exact({ service: 'hipstershop.CartService' })");
      }
      match.method._validate(this, `${field}.method`);
    }
    const headers = match.headers ?? [];
    checkMaxItems(this, `${field}.headers`, headers.length, 16, 'match on fewer headers');
    const names = new Set<string>();
    headers.forEach((h, i) => {
      h._validate(this, `${field}.headers[${i}]`);
      if (names.has(h.name.toLowerCase())) invalid(this, `${field}.headers[${i}].name`, h.name, 'the header is already matched in this match (names are case-insensitive)', 'combine the conditions, or use a separate match for an OR');
      names.add(h.name.toLowerCase());
    });
  }

  private validateAtSynth(): string[] {
    const errors = parentProblems(this, this._parents, this.namespace, { kind: 'GRPCRoute', protocols: ['HTTP', 'HTTPS', 'HBONE'] });
    if (this._rules.length === 0) {
      errors.push("rules [] is invalid: the route has no rules. Fix: add one with route.addRule({ backendRefs: [{ name: 'cartservice', port: 7070 }] })");
    }
    return errors;
  }

  private renderSpec(): l1.GrpcRouteSpec {
    const ns = this.namespace;
    return {
      parentRefs: this._parents.length ? this._parents.map((p) => p._render(ns)) : undefined,
      hostnames: this._hostnames.length ? [...this._hostnames] : undefined,
      rules: this._rules.map((r) => ({
        name: r.name,
        matches: r.matches?.length ? r.matches.map((m) => ({
          method: m.method?._render(),
          headers: m.headers?.length ? m.headers.map((h) => h._render() as unknown as l1.GrpcRouteSpecRulesMatchesHeaders) : undefined,
        })) : undefined,
        filters: r.filters?.length ? r.filters.map((f) => f._render() as unknown as l1.GrpcRouteSpecRulesFilters) : undefined,
        backendRefs: renderBackendRefs(r.backendRefs),
      })),
    };
  }
}
