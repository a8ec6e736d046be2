import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkPolicyScope, PolicyScope, renderPolicyScope, SecurityPolicyTarget } from './authorization-target';
import { JwtRule } from './jwt-rule';
import * as l1 from '../../imports/security.istio.io';
import { checkExclusive, checkNonEmpty, checkStringList, copyList } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Properties of a `RequestAuthentication`.
 */
export interface RequestAuthenticationProps extends IstioResourceProps {
  /**
   * The workloads whose requests are authenticated. Mutually exclusive with `targetRefs`.
   *
   * @default - every workload in the namespace (the whole mesh in the root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Gateways, services or service entries the policy attaches to, at most 16. Mutually
   * exclusive with `selector`.
   *
   * @default - no target references (the policy uses `selector`)
   */
  readonly targetRefs?: SecurityPolicyTarget[];

  /**
   * The JWT issuers accepted. More can be added with `addJwtRule()`.
   *
   * @default - none (add them with `addJwtRule()`)
   */
  readonly jwtRules?: JwtRule[];
}

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;
const MAX_JWT_RULES = 4096;

/**
 * `security.istio.io/v1` RequestAuthentication: which JWTs the selected workloads accept.
 *
 * A request with an invalid token is rejected; a request without a token is accepted
 * but has no request principal. To require a token, pair this with an
 * `AuthorizationPolicy` rule on `requestPrincipals` (e.g. `["*"]`).
 *
 * @example
 * new RequestAuthentication(chart, 'jwt', {
 *   selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
 *   jwtRules: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json' }],
 * });
 */
export class RequestAuthentication extends IstioResource {
  public readonly apiObject: l1.RequestAuthentication;

  private readonly selector?: WorkloadSelector;
  private readonly targetRefs?: SecurityPolicyTarget[];
  private scopeBinding?: () => PolicyScope | undefined;
  private readonly rules: l1.RequestAuthenticationSpecJwtRules[] = [];

  public constructor(scope: Construct, id: string, props: RequestAuthenticationProps = {}) {
    super(scope, id);
    this.selector = props.selector;
    this.targetRefs = checkPolicyScope(this, props.selector, props.targetRefs);

    for (const rule of props.jwtRules ?? []) {
      this.addJwtRule(rule);
    }

    this.apiObject = new RequestAuthenticationObject(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => {
        if (this.rules.length === 0) {
          return ['jwtRules [] is invalid: a RequestAuthentication without JWT rules validates no token. Fix: add a rule with addJwtRule({ issuer, jwksUri })'];
        }
        if (this.rules.length > MAX_JWT_RULES) {
          return [`jwtRules (${this.rules.length} rules) is invalid: at most ${MAX_JWT_RULES} JWT rules are allowed. Fix: split them over several policies`];
        }
        return [];
      },
    });
  }

  /** The issuers of the JWT rules, in order. */
  public get issuers(): string[] {
    return this.rules.map((r) => r.issuer!);
  }

  /**
   * Accepts JWTs of one more issuer. Each issuer may appear once.
   */
  public addJwtRule(rule: JwtRule): RequestAuthentication {
    const field = `jwtRules[${this.rules.length}]`;
    if (rule === null || typeof rule !== 'object') {
      invalid(this, field, rule, 'a JWT rule must be an object', 'pass e.g. { issuer: "https://accounts.example.com", jwksUri: "https://accounts.example.com/jwks.json" }');
    }
    if (typeof rule.issuer !== 'string' || rule.issuer.trim() === '') {
      invalid(this, `${field}.issuer`, rule.issuer, 'every JWT rule needs the issuer (the "iss" claim) of the tokens it validates', 'set issuer, e.g. "https://accounts.example.com"');
    }
    if (this.rules.some((r) => r.issuer === rule.issuer)) {
      invalid(this, `${field}.issuer`, rule.issuer, 'another JWT rule of this policy already has this issuer', 'merge the two rules (list several audiences or token locations in one rule)');
    }
    this.rules.push(renderJwtRule(this, field, rule));
    return this;
  }

  /**
   * Lets a pattern decide at synth where the policy attaches (e.g. to the Service once a
   * waypoint serves it); `undefined` keeps the scope given at construction.
   * @internal
   */
  public _bindScope(binding: () => PolicyScope | undefined): void {
    this.scopeBinding = binding;
  }

  private renderSpec(): l1.RequestAuthenticationSpec {
    return {
      ...renderPolicyScope(this, this.scopeBinding?.() ?? { selector: this.selector, targetRefs: this.targetRefs }),
      jwtRules: this.rules.length === 0 ? undefined : this.rules.map((r) => ({ ...r })),
    };
  }
}

/**
 * The generated L1 maps both `jwksUri` and its deprecated alias `jwks_uri` to the
 * property `jwksUri` and renders it as `jwks_uri`; Istio documents `jwksUri`, so the
 * rendered key is put back.
 */
class RequestAuthenticationObject extends l1.RequestAuthentication {
  public override toJson(): any {
    const json = super.toJson();
    for (const rule of json?.spec?.jwtRules ?? []) {
      if (rule && typeof rule === 'object' && 'jwks_uri' in rule) {
        const { jwks_uri: uri, ...rest } = rule;
        for (const k of Object.keys(rule)) delete rule[k];
        Object.assign(rule, { ...rest, jwksUri: uri });
      }
    }
    return json;
  }
}

/** Validates a JWT rule and renders it (it has nothing read later). */
function renderJwtRule(scope: IConstruct, field: string, rule: JwtRule): l1.RequestAuthenticationSpecJwtRules {
  checkExclusive(scope, { [`${field}.jwks`]: rule.jwks, [`${field}.jwksUri`]: rule.jwksUri }, 'give the key set either inline (jwks) or by URL (jwksUri), not both');
  if (rule.jwksUri !== undefined) checkJwksUri(scope, `${field}.jwksUri`, rule.jwksUri);
  if (rule.jwks !== undefined) checkJwks(scope, `${field}.jwks`, rule.jwks);

  checkStringList(scope, `${field}.audiences`, rule.audiences, 'list the accepted audiences, or leave audiences out to accept any');
  checkStringList(scope, `${field}.fromParams`, rule.fromParams, 'list query parameter names such as "access_token"');
  checkStringList(scope, `${field}.fromCookies`, rule.fromCookies, 'list cookie names such as "session"');
  checkStringList(scope, `${field}.spaceDelimitedClaims`, rule.spaceDelimitedClaims, 'list claim names such as "scope"');
  if (rule.spaceDelimitedClaims !== undefined && rule.spaceDelimitedClaims.length > 64) {
    invalid(scope, `${field}.spaceDelimitedClaims`, rule.spaceDelimitedClaims.length, 'at most 64 space-delimited claims are allowed', 'list only the claims your policies match on');
  }

  if (rule.fromHeaders !== undefined) {
    checkNonEmpty(scope, `${field}.fromHeaders`, rule.fromHeaders, 'list at least one header, or leave fromHeaders out to use "Authorization: Bearer"');
    rule.fromHeaders.forEach((h, i) => {
      if (h === null || typeof h !== 'object' || typeof h.name !== 'string' || h.name.trim() === '') {
        invalid(scope, `${field}.fromHeaders[${i}].name`, h?.name, 'a header location needs the header name', 'write e.g. { name: "x-jwt-assertion" } or { name: "Authorization", prefix: "Bearer " }');
      }
    });
  }
  if (rule.outputPayloadToHeader !== undefined) {
    checkHeaderName(scope, `${field}.outputPayloadToHeader`, rule.outputPayloadToHeader);
  }
  if (rule.outputClaimToHeaders !== undefined) {
    checkNonEmpty(scope, `${field}.outputClaimToHeaders`, rule.outputClaimToHeaders, 'list at least one claim-to-header copy, or leave the field out');
    rule.outputClaimToHeaders.forEach((c, i) => {
      checkHeaderName(scope, `${field}.outputClaimToHeaders[${i}].header`, c?.header);
      if (typeof c.claim !== 'string' || c.claim.trim() === '') {
        invalid(scope, `${field}.outputClaimToHeaders[${i}].claim`, c.claim, 'the claim to copy must be named', 'write e.g. { header: "x-jwt-sub", claim: "sub" }');
      }
    });
  }

  return {
    issuer: rule.issuer,
    audiences: copyList(rule.audiences),
    jwksUri: rule.jwksUri,
    jwks: rule.jwks,
    forwardOriginalToken: rule.forwardOriginalToken,
    fromHeaders: rule.fromHeaders?.map((h) => ({ name: h.name, prefix: h.prefix })),
    fromParams: copyList(rule.fromParams),
    fromCookies: copyList(rule.fromCookies),
    outputPayloadToHeader: rule.outputPayloadToHeader,
    outputClaimToHeaders: rule.outputClaimToHeaders?.map((c) => ({ header: c.header, claim: c.claim })),
    spaceDelimitedClaims: copyList(rule.spaceDelimitedClaims),
    timeout: renderDuration(scope, `${field}.timeout`, rule.timeout),
  };
}

function checkHeaderName(scope: IConstruct, field: string, value: string | undefined): void {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    invalid(scope, field, value, 'a header name may only hold letters, digits, "-" and "_"', 'write e.g. "x-jwt-payload"');
  }
}

function checkJwksUri(scope: IConstruct, field: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || value.length > 2048 || url.hostname === '') {
    invalid(scope, field, value, 'it is not an absolute URL', 'write the full URL of the key set, e.g. "https://accounts.example.com/.well-known/jwks.json"');
  }
  if (url.protocol !== 'https:') {
    invalid(scope, field, value, 'the key set must be fetched over HTTPS, or it could be replaced in transit and forged tokens accepted', `use "https://${url.host}${url.pathname}${url.search}"`);
  }
}

function checkJwks(scope: IConstruct, field: string, value: string): void {
  const fix = 'pass the JSON Web Key Set as a JSON string, e.g. JSON.stringify({ keys: [{ kty: "RSA", e: "AQAB", n: "..." }] })';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    invalid(scope, field, value.length > 60 ? `${value.slice(0, 60)}...` : value, 'it is not valid JSON', fix);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    invalid(scope, field, value.length > 60 ? `${value.slice(0, 60)}...` : value, 'a JSON Web Key Set must be an object with a non-empty "keys" list', fix);
  }
  const bad = keys.findIndex((k) => k === null || typeof k !== 'object' || typeof (k as { kty?: unknown }).kty !== 'string');
  if (bad >= 0) {
    invalid(scope, field, value.length > 60 ? `${value.slice(0, 60)}...` : value, `key ${bad} has no "kty" (key type): istiod cannot parse the key set`, fix);
  }
}
