import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkMatchValue } from './authorization-checks';
import { Condition } from './authorization-condition';
import { AuthorizationRule, RuleOperation, RuleSource } from './authorization-rule';
import { checkPolicyScope, PolicyScope, renderPolicyScope, SecurityPolicyTarget } from './authorization-target';
import { Principal } from './principal';
import * as l1 from '../../imports/security.istio.io';
import { HTTP_TOKEN, checkIpOrCidr, checkDns1123Label, checkDns1123Subdomain, checkNonEmpty, checkPort, checkStringList, copyList as copy, expectInstance } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * What an AuthorizationPolicy does with the requests its rules match.
 *
 * Istio evaluates CUSTOM policies first, then DENY, then ALLOW: a request is denied if
 * any DENY policy matches it, and, when a workload has any ALLOW policy, allowed only if
 * one of them matches it.
 */
export enum AuthorizationAction {
  /** Allow matching requests (Istio's default). */
  ALLOW = 'ALLOW',
  /** Deny matching requests. */
  DENY = 'DENY',
  /** Audit matching requests (log them through a supporting provider); does not allow or deny. */
  AUDIT = 'AUDIT',
  /** Delegate the decision for matching requests to an extension provider (external authorization). */
  CUSTOM = 'CUSTOM',
}

/**
 * Which workloads an AuthorizationPolicy applies to (shared by every way of creating one).
 */
export interface AuthorizationPolicyBaseProps extends IstioResourceProps {
  /**
   * The workloads (sidecars / ztunnel) the policy applies to. Mutually exclusive with
   * `targetRefs`.
   *
   * @default - every workload in the policy's namespace (the whole mesh in the root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Gateways, services or service entries the policy attaches to (enforced by
   * waypoints / gateways), at most 16. Mutually exclusive with `selector`.
   *
   * @default - no target references (the policy uses `selector`)
   */
  readonly targetRefs?: SecurityPolicyTarget[];
}

/**
 * Properties of an `AuthorizationPolicy`.
 */
export interface AuthorizationPolicyProps extends AuthorizationPolicyBaseProps {
  /**
   * What to do with the requests the rules match. Left out of the manifest unless set
   * (Istio then applies ALLOW).
   *
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;

  /**
   * Name of the extension provider (from the mesh config's `extensionProviders`) that
   * decides requests. Required with, and only allowed with, `AuthorizationAction.CUSTOM`.
   *
   * @default - no provider
   */
  readonly provider?: string;

  /**
   * The rules; a request matching any one rule matches the policy. More can be added
   * with `addRule()`. A policy without rules must be created with
   * `AuthorizationPolicy.allowNothing()`.
   *
   * @default - no rules (add them with `addRule()`)
   */
  readonly rules?: AuthorizationRule[];
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const MAX_RULES = 512;
/** Source fields a CUSTOM policy cannot match on (istiod refuses them). */
const CUSTOM_UNSUPPORTED_SOURCES = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'requestPrincipals', 'notRequestPrincipals', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains'] as const;
/** Condition keys a CUSTOM policy cannot use (besides every `request.auth.*` key). */
const CUSTOM_UNSUPPORTED_KEYS = ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'];
const MAX_SERVICE_ACCOUNTS = 16;

/**
 * `security.istio.io/v1` AuthorizationPolicy: access control for workloads.
 *
 * Rules are built from typed parts: `from` sources (peer `Principal`s, namespaces, IP
 * blocks, JWT request principals), `to` operations (hosts, ports, methods, paths) and
 * `when` conditions (`Condition.requestHeader(...)`, `Condition.jwtClaim(...)`, ...).
 *
 * The two "block everything" policies are explicit factories, because their YAML forms
 * are easily confused:
 * - `AuthorizationPolicy.allowNothing()` is an ALLOW policy without rules (`spec: {}`):
 *   it matches nothing, so nothing is allowed, but any other ALLOW policy for the same
 *   workloads can still allow requests. Use it as a default-deny baseline.
 * - `AuthorizationPolicy.denyAll()` is a DENY policy with one empty rule (`rules: [{}]`)
 *   that matches every request: since DENY wins over ALLOW, nothing else can re-open
 *   access.
 *
 * @example
 * new AuthorizationPolicy(chart, 'ratings', {
 *   selector: WorkloadSelector.fromLabels({ app: 'ratings' }),
 *   rules: [{
 *     sources: [{ principals: [Principal.serviceAccount('default', 'bookinfo-reviews')] }],
 *     operations: [{ methods: ['GET'], paths: ['/ratings/*'] }],
 *   }],
 * });
 */
export class AuthorizationPolicy extends IstioResource {
  /**
   * An ALLOW policy without rules (`spec: {}` plus the selector): it matches no request,
   * so the selected workloads allow nothing unless another ALLOW policy allows it.
   * The usual default-deny baseline, to which per-service ALLOW policies are added.
   */
  public static allowNothing(scope: Construct, id: string, props: AuthorizationPolicyBaseProps = {}): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, baseProps(props));
    policy.preset = 'allowNothing()';
    return policy;
  }

  /**
   * A DENY policy with one empty rule (`action: DENY`, `rules: [{}]`), which matches
   * every request: the selected workloads deny everything, whatever ALLOW policies say.
   * Stronger than `allowNothing()`.
   */
  public static denyAll(scope: Construct, id: string, props: AuthorizationPolicyBaseProps = {}): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...baseProps(props), action: AuthorizationAction.DENY, rules: [{}] });
    policy.preset = 'denyAll()';
    return policy;
  }

  /**
   * An ALLOW policy with one empty rule (`action: ALLOW`, `rules: [{}]`), which matches
   * every request: the selected workloads allow everything (DENY policies still apply).
   */
  public static allowAll(scope: Construct, id: string, props: AuthorizationPolicyBaseProps = {}): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, { ...baseProps(props), action: AuthorizationAction.ALLOW, rules: [{}] });
    policy.preset = 'allowAll()';
    return policy;
  }

  public readonly apiObject: l1.AuthorizationPolicy;

  /** What the policy does with matching requests. */
  public readonly action: AuthorizationAction;

  /** The extension provider of a CUSTOM policy. */
  public readonly provider?: string;

  private readonly explicitAction: boolean;
  private readonly selector?: WorkloadSelector;
  private readonly targetRefs?: SecurityPolicyTarget[];
  private scopeBinding?: () => PolicyScope | undefined;
  private readonly ruleList: AuthorizationRule[] = [];
  private preset?: string;

  public constructor(scope: Construct, id: string, props: AuthorizationPolicyProps = {}) {
    super(scope, id);
    this.explicitAction = props.action !== undefined;
    this.action = props.action ?? AuthorizationAction.ALLOW;
    if (!Object.values(AuthorizationAction).includes(this.action)) {
      invalid(this, 'action', this.action, 'unknown action', 'use AuthorizationAction.ALLOW, DENY, AUDIT or CUSTOM');
    }
    this.provider = props.provider;
    this.selector = props.selector;
    this.targetRefs = checkPolicyScope(this, props.selector, props.targetRefs);

    if (this.action === AuthorizationAction.CUSTOM && (this.provider === undefined || this.provider.trim() === '')) {
      invalid(this, 'provider', this.provider, 'a CUSTOM policy delegates to an extension provider, so it needs the provider name', 'pass `provider` with the name of an extensionProviders entry of the mesh config, e.g. "my-ext-authz"');
    }
    if (this.action !== AuthorizationAction.CUSTOM && this.provider !== undefined) {
      invalid(this, 'provider', this.provider, `a provider is only used with action CUSTOM (this policy's action is ${this.action})`, 'set action: AuthorizationAction.CUSTOM, or remove the provider');
    }

    for (const rule of props.rules ?? []) {
      this.addRule(rule);
    }

    this.apiObject = new l1.AuthorizationPolicy(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /** The rules of the policy (a copy). */
  public get rules(): AuthorizationRule[] {
    return [...this.ruleList];
  }

  /**
   * Adds a rule. A request matching any rule matches the policy.
   *
   * @example
   * policy.addRule({
   *   sources: [{ namespaces: ['frontend'] }],
   *   operations: [{ methods: ['GET'], paths: ['/api/*'] }],
   *   when: [Condition.jwtClaim('groups', ['admins'])],
   * });
   */
  public addRule(rule: AuthorizationRule): AuthorizationPolicy {
    const field = `rules[${this.ruleList.length}]`;
    if (this.preset !== undefined) {
      invalid(this, field, rule, `this policy was created with AuthorizationPolicy.${this.preset}, whose meaning depends on its fixed rules`, 'create a separate AuthorizationPolicy for additional rules');
    }
    if (rule === null || typeof rule !== 'object') {
      invalid(this, field, rule, 'a rule must be an object with sources / operations / when', 'pass e.g. { operations: [{ methods: ["GET"] }] }');
    }
    validateRule(this, field, rule);
    if (this.action === AuthorizationAction.CUSTOM) {
      // istiod (1.30 ValidateAuthorizationPolicy): the ext_authz filter of a CUSTOM policy runs
      // before identities are known to it, so no peer or request identity can be matched
      (rule.sources ?? []).forEach((s, i) => {
        for (const key of CUSTOM_UNSUPPORTED_SOURCES) {
          const values = s[key];
          if (values !== undefined) {
            const shown = (values as readonly unknown[]).map((v, n) => (v instanceof Principal ? v._render(this, `${field}.sources[${i}].${key}[${n}]`) : v));
            invalid(this, `${field}.sources[${i}].${key}`, shown, `a CUSTOM policy cannot match on ${key}`, 'match the caller in the external authorizer, or use a separate ALLOW/DENY policy for identities');
          }
        }
      });
      (rule.when ?? []).forEach((c, i) => {
        const key = c instanceof Condition ? c.key : '';
        if (CUSTOM_UNSUPPORTED_KEYS.includes(key) || key.startsWith('request.auth.')) {
          invalid(this, `${field}.when[${i}].key`, key, 'a CUSTOM policy cannot have conditions on peer or request identities', 'check the identity in the external authorizer, or use a separate ALLOW/DENY policy');
        }
      });
    }
    this.ruleList.push(snapshotRule(rule));
    return this;
  }

  private validatePolicy(): string[] {
    const errors: string[] = [];
    const n = this.ruleList.length;
    if (n > MAX_RULES) {
      errors.push(`rules (${n} rules) is invalid: at most ${MAX_RULES} rules are allowed. Fix: split the rules over several policies`);
    }
    if (n === 0 && this.preset === undefined) {
      if (this.action === AuthorizationAction.DENY || this.action === AuthorizationAction.AUDIT) {
        errors.push(`rules [] is invalid: a policy with action ${this.action} and no rules matches no request, so it does nothing (probably a mistake). Fix: to deny every request use AuthorizationPolicy.denyAll(), otherwise add rules with addRule()`);
      } else if (this.action === AuthorizationAction.CUSTOM) {
        errors.push(`rules [] is invalid: a CUSTOM policy without rules sends no request to provider "${this.provider}". Fix: add rules selecting the requests to check, e.g. addRule({ operations: [{ paths: ['/admin/*'] }] }), or addRule({}) for every request`);
      } else {
        errors.push('rules [] is invalid: an ALLOW policy without rules allows nothing. Fix: if that is intended use AuthorizationPolicy.allowNothing(), otherwise add rules with addRule()');
      }
    }
    return errors;
  }

  /**
   * Lets a pattern decide at synth where the policy attaches (e.g. to the Service once a
   * waypoint serves it); `undefined` keeps the scope given at construction.
   * @internal
   */
  public _bindScope(binding: () => PolicyScope | undefined): void {
    this.scopeBinding = binding;
  }

  private renderSpec(): l1.AuthorizationPolicySpec {
    return {
      ...renderPolicyScope(this, this.scopeBinding?.() ?? { selector: this.selector, targetRefs: this.targetRefs }),
      action: this.explicitAction ? this.action as string as l1.AuthorizationPolicySpecAction : undefined,
      provider: this.provider !== undefined ? { name: this.provider } : undefined,
      rules: this.ruleList.length === 0 ? undefined : this.ruleList.map((r, i) => renderRule(this, `rules[${i}]`, r)),
    };
  }
}

/** Only the targeting props, whatever else a (JavaScript) caller passed. */
function baseProps(props: AuthorizationPolicyBaseProps): AuthorizationPolicyBaseProps {
  return { metadata: props.metadata, selector: props.selector, targetRefs: props.targetRefs };
}

// ---------------------------------------------------------------------------------------
// Rule validation (when a rule is added) and rendering (at synth).

function validateRule(scope: IConstruct, field: string, rule: AuthorizationRule): void {
  if (rule.sources !== undefined) {
    checkNonEmpty(scope, `${field}.sources`, rule.sources, 'list at least one source, or leave `sources` out to match any source');
    if (rule.sources.length > 512) {
      invalid(scope, `${field}.sources`, rule.sources.length, 'at most 512 sources are allowed in one rule', 'split the sources over several rules');
    }
    rule.sources.forEach((s, i) => validateSource(scope, `${field}.sources[${i}]`, s));
  }
  if (rule.operations !== undefined) {
    checkNonEmpty(scope, `${field}.operations`, rule.operations, 'list at least one operation, or leave `operations` out to match any operation');
    rule.operations.forEach((o, i) => validateOperation(scope, `${field}.operations[${i}]`, o));
  }
  if (rule.when !== undefined) {
    checkNonEmpty(scope, `${field}.when`, rule.when, 'list at least one condition, or leave `when` out');
    rule.when.forEach((c, i) => {
      if (!(c instanceof Condition)) {
        invalid(scope, `${field}.when[${i}]`, c, 'a condition must be built with the Condition class', 'use e.g. Condition.requestHeader("x-user", ["alice"]) or Condition.of(key, { values })');
      }
      c._validate(scope, `${field}.when[${i}]`);
    });
  }
}

function hasAny(obj: object): boolean {
  return Object.values(obj).some((v) => v !== undefined);
}

function validatePrincipals(scope: IConstruct, field: string, list: Principal[] | undefined): void {
  if (list === undefined) return;
  checkNonEmpty(scope, field, list, 'list at least one principal, or leave the field out');
  list.forEach((p, i) => {
    if (!(p instanceof Principal)) {
      invalid(scope, `${field}[${i}]`, p, 'a principal must be built with the Principal class', 'use Principal.serviceAccount(namespace, name), Principal.fromServiceAccount(sa) or Principal.of("cluster.local/ns/default/sa/sleep")');
    }
    p._validate(scope, `${field}[${i}]`);
  });
}

function validateSource(scope: IConstruct, field: string, s: RuleSource): void {
  if (s === null || typeof s !== 'object' || !hasAny(s)) {
    invalid(scope, field, s, 'a source must set at least one field', 'set e.g. principals, namespaces or ipBlocks, or leave `sources` out to match any source');
  }
  validatePrincipals(scope, `${field}.principals`, s.principals);
  validatePrincipals(scope, `${field}.notPrincipals`, s.notPrincipals);
  for (const name of ['requestPrincipals', 'notRequestPrincipals'] as const) {
    const list = s[name];
    checkStringList(scope, `${field}.${name}`, list, 'list request principals as "<issuer>/<subject>", or "*" for any JWT');
    list?.forEach((v, i) => checkMatchValue(scope, `${field}.${name}[${i}]`, v, 'https://accounts.example.com/alice'));
  }
  for (const name of ['namespaces', 'notNamespaces'] as const) {
    const list = s[name];
    checkStringList(scope, `${field}.${name}`, list, 'list namespaces such as "default"');
    list?.forEach((v, i) => (v.includes('*')
      ? checkMatchValue(scope, `${field}.${name}[${i}]`, v, 'team-*')
      : checkDns1123Label(scope, `${field}.${name}[${i}]`, v)));
  }
  for (const name of ['trustDomains', 'notTrustDomains'] as const) {
    const list = s[name];
    checkStringList(scope, `${field}.${name}`, list, 'list trust domains such as "cluster.local"');
    list?.forEach((v, i) => checkMatchValue(scope, `${field}.${name}[${i}]`, v, 'cluster.local'));
  }
  for (const name of ['serviceAccounts', 'notServiceAccounts'] as const) {
    const list = s[name];
    checkStringList(scope, `${field}.${name}`, list, 'list service accounts as "<namespace>/<name>"');
    if (list !== undefined && list.length > MAX_SERVICE_ACCOUNTS) {
      invalid(scope, `${field}.${name}`, list.length, `at most ${MAX_SERVICE_ACCOUNTS} service accounts are allowed`, 'use `namespaces` or split the source');
    }
    list?.forEach((v, i) => {
      const at = `${field}.${name}[${i}]`;
      const parts = v.split('/');
      if (parts.length !== 2 || v.length > 320) {
        invalid(scope, at, v, 'a service account must be written "<namespace>/<name>"', 'write e.g. "default/bookinfo-productpage"');
      }
      checkDns1123Label(scope, `${at} namespace`, parts[0]);
      checkDns1123Subdomain(scope, `${at} name`, parts[1]);
    });
  }
  if ((s.serviceAccounts !== undefined || s.notServiceAccounts !== undefined)
    && (s.principals !== undefined || s.notPrincipals !== undefined || s.namespaces !== undefined || s.notNamespaces !== undefined)) {
    invalid(scope, `${field}.serviceAccounts`, s.serviceAccounts ?? s.notServiceAccounts, 'serviceAccounts / notServiceAccounts cannot be combined with principals, notPrincipals, namespaces or notNamespaces in one source', 'put them in separate sources, or express the service accounts as principals (Principal.serviceAccount)');
  }
  for (const name of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) {
    const list = s[name];
    checkStringList(scope, `${field}.${name}`, list, 'list IPs or CIDR blocks such as "10.0.0.0/16"');
    list?.forEach((v, i) => checkIpOrCidr(scope, `${field}.${name}[${i}]`, v));
  }
}

function validateOperation(scope: IConstruct, field: string, o: RuleOperation): void {
  if (o === null || typeof o !== 'object' || !hasAny(o)) {
    invalid(scope, field, o, 'an operation must set at least one field', 'set e.g. methods, paths or ports, or leave `operations` out to match any operation');
  }
  for (const name of ['hosts', 'notHosts'] as const) {
    const list = o[name];
    checkStringList(scope, `${field}.${name}`, list, 'list hosts such as "bookinfo.example.com" or "*.example.com"');
    list?.forEach((v, i) => {
      const at = `${field}.${name}[${i}]`;
      if (/[\s/]/.test(v)) {
        invalid(scope, at, v, 'a host is matched against the Host header: no scheme, path or spaces', 'write e.g. "bookinfo.example.com", not "https://bookinfo.example.com/"');
      }
      checkMatchValue(scope, at, v, '*.example.com');
    });
  }
  for (const name of ['ports', 'notPorts'] as const) {
    const list = o[name];
    checkNonEmpty(scope, `${field}.${name}`, list, 'list at least one port, or leave the field out');
    list?.forEach((p, i) => checkPort(scope, `${field}.${name}[${i}]`, p));
  }
  for (const name of ['methods', 'notMethods'] as const) {
    const list = o[name];
    checkStringList(scope, `${field}.${name}`, list, 'list HTTP methods such as "GET"');
    list?.forEach((m, i) => {
      // Extension methods (PURGE, PROPFIND, ...) are legal: any upper-case HTTP token.
      if (!HTTP_METHODS.includes(m) && !(typeof m === 'string' && HTTP_TOKEN.test(m) && m === m.toUpperCase())) {
        const upper = typeof m === 'string' ? m.toUpperCase() : '';
        invalid(scope, `${field}.${name}[${i}]`, m,
          HTTP_METHODS.includes(upper) ? 'HTTP methods are matched case-sensitively and must be upper-case' : `not an HTTP method (an upper-case HTTP token such as ${HTTP_METHODS.slice(0, 4).join(', ')} or PURGE)`,
          HTTP_METHODS.includes(upper) ? `write "${upper}"` : 'use one of the listed methods (gRPC calls are "POST")');
      }
    });
  }
  for (const name of ['paths', 'notPaths'] as const) {
    const list = o[name];
    checkStringList(scope, `${field}.${name}`, list, 'list paths such as "/api/*"');
    list?.forEach((p, i) => checkPath(scope, `${field}.${name}[${i}]`, p));
  }
}

function checkPath(scope: IConstruct, field: string, path: string): void {
  const bad = (problem: string): never => invalid(scope, field, path, problem, 'write an exact path ("/login"), a prefix ("/static/*"), a suffix ("*.png"), "*" for any path, or a template ("/api/{*}/items", "/files/{**}")');
  if (path === '*') return;
  if (path.includes('?') || path.includes('#')) {
    invalid(scope, field, path, 'Istio matches the path without the query string or fragment, so a path with "?" or "#" never matches', `write the path alone ("${path.split(/[?#]/)[0] || '/'}"); match query parameters with a condition or a VirtualService instead`);
  }
  if (path.includes('{')) {
    if (!path.startsWith('/')) bad('a path template must start with "/"');
    const rest = path.replace(/\{\*\*\}/g, '').replace(/\{\*\}/g, '');
    if (/[*{}]/.test(rest)) bad('a path template may only use the operators {*} (one segment) and {**} (the rest), each a whole path segment');
    if ((path.match(/\{\*\*\}/g) ?? []).length > 1 || (path.includes('{**}') && !path.endsWith('{**}'))) {
      bad('{**} may appear once, as the last segment');
    }
    return;
  }
  if (path.startsWith('*')) {
    if (path.slice(1).includes('*')) bad('"*" may appear only at the start or the end of a path');
    return;
  }
  if (!path.startsWith('/')) bad('a path must start with "/" (or "*" for a suffix match)');
  if (path.slice(0, -1).includes('*')) bad('"*" may appear only at the end of a path (prefix match) or at its start (suffix match)');
}

function renderRule(scope: IConstruct, field: string, rule: AuthorizationRule): l1.AuthorizationPolicySpecRules {
  return {
    from: rule.sources?.map((s, i) => ({ source: renderSource(scope, `${field}.sources[${i}]`, s) })),
    to: rule.operations?.map((o) => ({ operation: renderOperation(o) })),
    when: rule.when?.map((c, i) => expectInstance(scope, `${field}.when[${i}]`, c, Condition, "Condition.requestHeader('x-user', ['alice'])")._render(scope, `${field}.when[${i}]`)),
  };
}

function renderSource(scope: IConstruct, field: string, s: RuleSource): l1.AuthorizationPolicySpecRulesFromSource {
  const principals = (list: Principal[] | undefined, name: string) => list?.map((p, i) => expectInstance(scope, `${field}.${name}[${i}]`, p, Principal, "Principal.serviceAccount('shop', 'web')")._render(scope, `${field}.${name}[${i}]`));
  return {
    principals: principals(s.principals, 'principals'),
    notPrincipals: principals(s.notPrincipals, 'notPrincipals'),
    requestPrincipals: copy(s.requestPrincipals),
    notRequestPrincipals: copy(s.notRequestPrincipals),
    namespaces: copy(s.namespaces),
    notNamespaces: copy(s.notNamespaces),
    serviceAccounts: copy(s.serviceAccounts),
    notServiceAccounts: copy(s.notServiceAccounts),
    trustDomains: copy(s.trustDomains),
    notTrustDomains: copy(s.notTrustDomains),
    ipBlocks: copy(s.ipBlocks),
    notIpBlocks: copy(s.notIpBlocks),
    remoteIpBlocks: copy(s.remoteIpBlocks),
    notRemoteIpBlocks: copy(s.notRemoteIpBlocks),
  };
}

function renderOperation(o: RuleOperation): l1.AuthorizationPolicySpecRulesToOperation {
  return {
    hosts: copy(o.hosts),
    notHosts: copy(o.notHosts),
    ports: o.ports?.map(String),
    notPorts: o.notPorts?.map(String),
    methods: copy(o.methods),
    notMethods: copy(o.notMethods),
    paths: copy(o.paths),
    notPaths: copy(o.notPaths),
  };
}

/** A copy of a rule whose lists the caller can no longer change. */
function snapshotRule(rule: AuthorizationRule): AuthorizationRule {
  const copyObject = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) as T;
  return {
    sources: rule.sources?.map(copyObject),
    operations: rule.operations?.map(copyObject),
    when: copy(rule.when),
  };
}
