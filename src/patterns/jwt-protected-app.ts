import { Construct } from 'constructs';
import { MeshService } from './mesh-service';
import { MtlsNamespace } from './mtls-namespace';
import { checkDns1123Label, checkExclusive } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { isHttpFamily, Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { Condition } from '../security/authorization-condition';
import { AuthorizationAction, AuthorizationPolicy } from '../security/authorization-policy';
import { AuthorizationRule, RuleOperation } from '../security/authorization-rule';
import { JwtRule } from '../security/jwt-rule';
import { RequestAuthentication } from '../security/request-authentication';

/**
 * Properties of a `JwtProtectedApp`.
 */
export interface JwtProtectedAppProps {
  /**
   * The mesh service to protect: its pods (`app=<name>`, every version) in its namespace.
   * Give either `service` or `selector`.
   *
   * @default - none; `selector` must be given
   */
  readonly service?: MeshService;

  /**
   * The workloads to protect, when they are not a `MeshService`. Give either `service`
   * or `selector`.
   *
   * @default - none; `service` must be given
   */
  readonly selector?: WorkloadSelector;

  /**
   * The namespace of the policies (with `selector`; a `service`'s policies are always in
   * its namespace).
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /**
   * The base name of the generated policies: `<name>` (RequestAuthentication),
   * `<name>-require-jwt` (DENY) and `<name>-jwt` (ALLOW).
   *
   * @default - the service name, or the construct id with `selector`
   */
  readonly name?: string;

  /**
   * The issuer (`iss` claim) of the accepted tokens, e.g. `https://accounts.example.com`.
   */
  readonly issuer: string;

  /**
   * HTTPS URL of the issuer's JSON Web Key Set. Mutually exclusive with `jwks`.
   *
   * @default - OpenID discovery on the issuer, unless `jwks` is set
   */
  readonly jwksUri?: string;

  /**
   * The issuer's JSON Web Key Set inline, as a JSON string. Mutually exclusive with
   * `jwksUri`.
   *
   * @default - the key set is fetched from `jwksUri` (or discovered)
   */
  readonly jwks?: string;

  /**
   * Accepted audiences (`aud` claim).
   *
   * @default - tokens for any audience are accepted
   */
  readonly audiences?: string[];

  /**
   * Keep the token in the request forwarded to the application (e.g. so that it can
   * propagate it to the services it calls).
   *
   * @default false - Istio removes the token after validating it
   */
  readonly forwardOriginalToken?: boolean;

  /**
   * Further issuers accepted, each with its full JWT rule (token locations, claim to
   * header copies, ...). `requiredClaims` apply to tokens of every issuer.
   *
   * @default - only `issuer`
   */
  readonly additionalIssuers?: JwtRule[];

  /**
   * Claims every token must carry, each with the accepted values (for a list claim such
   * as `groups`, one item must match), e.g. `{ groups: ['admins', 'ops'] }`. Checked
   * with `request.auth.claims[<claim>]`.
   *
   * @default - no claim is required
   */
  readonly requiredClaims?: { [claim: string]: string[] };

  /**
   * Paths reachable without a token, e.g. health checks and public assets:
   * exact (`/healthz`), prefix (`/static/*`) or suffix (`*.png`) forms. Requests on these
   * paths that carry an invalid token are still rejected (401) by RequestAuthentication.
   *
   * @default - no exemption: every path needs a token
   */
  readonly exemptPaths?: string[];

  /**
   * Whether to add an ALLOW policy (`<name>-jwt`) admitting every request that carries a
   * valid token with the required claims, from any caller, and every request to an
   * exempt path. It is what admits callers in a default-deny namespace when no other
   * ALLOW policy does. Istio OR-s ALLOW policies, so for a service with `allowFrom...`
   * rules it widens them to any caller holding a token.
   *
   * @default - false with `service` (its `allowFrom...` rules decide who may call, and
   * the token is required on top of them); true with `selector`
   */
  readonly allowAuthenticatedCallers?: boolean;
}


/**
 * A workload that requires a valid JWT: a RequestAuthentication for the issuer plus
 * authorization policies that turn "a token is validated if present" into "a token is
 * required".
 *
 * What Istio does with each request (the behaviour users trip on):
 * - **invalid token** (bad signature, expired, wrong issuer or audience): rejected with
 *   **401** by the RequestAuthentication, on every path, exempt ones included;
 * - **no token**: RequestAuthentication lets it through without a request principal. It
 *   is rejected with **403** (`RBAC: access denied`) only because of the DENY policy
 *   `<name>-require-jwt` emitted here, which matches requests on non-exempt paths whose
 *   request principal is not `<issuer>/*` (or lacking a required claim);
 * - **valid token**: passes the DENY policy; it then needs an ALLOW policy to admit it if
 *   the workload has any (e.g. a MeshService's `allowFrom...` rules) or its namespace is
 *   default-deny.
 *
 * Why a DENY policy: Istio OR-s ALLOW policies, so a JWT-requiring ALLOW policy alone
 * would not stop requests another ALLOW policy admits (e.g. `allowFrom(productpage)`
 * without a token). DENY policies are evaluated first and cannot be overridden, so the
 * token requirement holds whatever else is allowed, and for a MeshService the result is
 * "an allowed caller AND a valid token". Callers inside the mesh must therefore forward
 * the user's token. With `allowAuthenticatedCallers` (default for a `selector`) an ALLOW
 * policy `<name>-jwt` also admits every request with a valid token and every exempt path.
 *
 * Only HTTP, HTTP2 and gRPC ports carry JWTs: for a MeshService with TCP ports too, the
 * DENY policy is limited to its HTTP ports.
 *
 * In an ambient namespace the JWT is checked by the service's waypoint: once a waypoint
 * serves the MeshService (`MtlsNamespace.addWaypoint`, `MeshService.useWaypoint`, also when
 * added later), the RequestAuthentication and both policies attach to its Service with
 * `targetRefs` instead of selecting its pods. Without a waypoint synthesis fails, naming the fix.
 *
 * @example
 * new JwtProtectedApp(chart, 'productpage-jwt', {
 *   service: productpage,
 *   issuer: 'https://accounts.example.com',
 *   jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
 *   audiences: ['bookinfo'],
 *   requiredClaims: { groups: ['readers'] },
 *   exemptPaths: ['/healthz', '/static/*'],
 * });
 */
export class JwtProtectedApp extends Construct {
  /** The RequestAuthentication validating the tokens. */
  public readonly requestAuthentication: RequestAuthentication;

  /** The DENY policy rejecting requests without a valid token (403). */
  public readonly requireJwtPolicy: AuthorizationPolicy;

  /** The ALLOW policy admitting token holders and exempt paths (with `allowAuthenticatedCallers`). */
  public readonly allowPolicy?: AuthorizationPolicy;

  /** The accepted issuers. */
  public readonly issuers: string[];

  /** The request principals admitted: `<issuer>/*` per issuer. */
  public readonly requestPrincipals: string[];

  public constructor(scope: Construct, id: string, props: JwtProtectedAppProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    if (props === null || typeof props !== 'object') {
      invalid(this, 'props', props, 'a JwtProtectedApp needs its properties', "pass e.g. { service, issuer: 'https://accounts.example.com', jwksUri: '...' }");
    }
    checkExclusive(this, { service: props.service, selector: props.selector }, 'protect either a MeshService (`service`) or workloads picked by `selector`');
    if (props.service === undefined && props.selector === undefined) {
      invalid(this, 'service / selector', undefined, 'a JwtProtectedApp must know which workloads to protect', 'pass `service: myMeshService` or `selector: WorkloadSelector.fromLabels({ app: "my-app" })`');
    }
    if (props.service !== undefined && !(props.service instanceof MeshService)) {
      invalid(this, 'service', String(props.service), 'the service must be a MeshService', 'pass a MeshService, or use `selector` for other workloads');
    }
    if (props.service !== undefined && props.namespace !== undefined && props.namespace !== props.service.namespace) {
      invalid(this, 'namespace', props.namespace, `policies for a workload must be in its namespace, and the service is in ${JSON.stringify(props.service.namespace)}`, 'leave `namespace` out: the service\'s namespace is used');
    }
    checkDns1123Label(this, 'namespace', props.namespace);
    const service = props.service;
    const name = props.name ?? service?.serviceName ?? id;
    checkDns1123Label(this, 'name', name);
    if (`${name}-require-jwt`.length > 253) {
      invalid(this, 'name', name, 'the generated policy names would be too long', 'use a shorter name');
    }
    const namespace = service ? service.namespace : props.namespace;
    const selector = service ? service.selector : props.selector!;

    // The main issuer first; every issuer is checked by the RequestAuthentication.
    if (typeof props.issuer !== 'string' || props.issuer.trim() === '') {
      invalid(this, 'issuer', props.issuer, 'a JWT requirement needs the issuer (the "iss" claim) of the tokens it accepts', "set issuer, e.g. 'https://accounts.example.com'");
    }
    const rules: JwtRule[] = [{
      issuer: props.issuer,
      jwksUri: props.jwksUri,
      jwks: props.jwks,
      audiences: props.audiences,
      forwardOriginalToken: props.forwardOriginalToken,
    }, ...(props.additionalIssuers ?? [])];
    this.issuers = rules.map((r, i) => {
      if (r === null || typeof r !== 'object' || typeof r.issuer !== 'string' || r.issuer.trim() === '') {
        invalid(this, `additionalIssuers[${i - 1}].issuer`, r?.issuer, 'every JWT rule needs the issuer of its tokens', "set issuer, e.g. 'https://login.example.org'");
      }
      if (r.issuer.includes('*') || /\s/.test(r.issuer)) {
        invalid(this, i === 0 ? 'issuer' : `additionalIssuers[${i - 1}].issuer`, r.issuer, 'an issuer is matched exactly: it cannot contain "*" or whitespace', "write the token's exact `iss` value, e.g. 'https://accounts.example.com'");
      }
      return r.issuer;
    });
    this.requestPrincipals = this.issuers.map((iss) => `${iss}/*`);

    const claims = Object.entries(props.requiredClaims ?? {});
    for (const [claim, values] of claims) {
      if (claim.trim() === '' || /[[\]]/.test(claim)) {
        invalid(this, 'requiredClaims', claim, 'a claim name must be non-empty and without brackets', 'write the top-level claim name, e.g. "groups"');
      }
      if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' || v === '')) {
        invalid(this, `requiredClaims[${JSON.stringify(claim)}]`, values, 'a required claim needs the list of accepted values', `write e.g. { ${JSON.stringify(claim)}: ['admins'] }`);
      }
    }

    const exempt = props.exemptPaths;
    if (exempt !== undefined) {
      if (!Array.isArray(exempt) || exempt.length === 0) {
        invalid(this, 'exemptPaths', exempt, 'the list must not be empty', 'list paths such as "/healthz", or leave exemptPaths out');
      }
      exempt.forEach((p, i) => {
        if (typeof p !== 'string' || !(p.startsWith('/') || p.startsWith('*'))) {
          invalid(this, `exemptPaths[${i}]`, p, 'a path must start with "/" (or "*" for a suffix such as "*.png")', 'write e.g. "/healthz" or "/static/*"');
        }
        if (p === '*' || p === '/*') {
          invalid(this, `exemptPaths[${i}]`, p, 'exempting every path turns the JWT requirement off', 'list only the public paths, e.g. "/healthz" and "/static/*"');
        }
      });
    }

    // For a service, JWTs only exist on its HTTP ports; a DENY rule with HTTP-only fields
    // on a TCP port would deny all of its traffic, so the rules are limited to HTTP ports.
    let ports: number[] | undefined;
    if (service) {
      const all = service.ports;
      const l7 = all.filter((p) => isHttpFamily(p.protocol ?? Protocol.HTTP));
      if (l7.length === 0) {
        invalid(this, `service ${service.node.path} ports`, all.map((p) => `${p.port}/${p.protocol}`), 'JWTs are HTTP headers, and the service has no HTTP, HTTP2 or gRPC port', 'protect an HTTP service, or declare its port with Protocol.HTTP');
      }
      if (l7.length < all.length) ports = l7.map((p) => p.containerPort ?? p.port);
    }
    const allowCallers = props.allowAuthenticatedCallers ?? service === undefined;

    this.requestAuthentication = new RequestAuthentication(this, 'RequestAuthentication', {
      metadata: { name, namespace },
      selector,
      jwtRules: rules,
    });

    const guarded: RuleOperation | undefined = exempt !== undefined || ports !== undefined
      ? { notPaths: exempt, ports }
      : undefined;
    const denyRules: AuthorizationRule[] = [
      { sources: [{ notRequestPrincipals: this.requestPrincipals }], operations: guarded ? [guarded] : undefined },
      ...claims.map(([claim, values]): AuthorizationRule => ({
        operations: guarded ? [guarded] : undefined,
        when: [Condition.jwtClaim(claim, values).negate()],
      })),
    ];
    this.requireJwtPolicy = new AuthorizationPolicy(this, 'RequireJwt', {
      metadata: { name: `${name}-require-jwt`, namespace },
      selector,
      action: AuthorizationAction.DENY,
      rules: denyRules,
    });

    if (allowCallers) {
      const allowRules: AuthorizationRule[] = [{
        sources: [{ requestPrincipals: this.requestPrincipals }],
        when: claims.length > 0 ? claims.map(([claim, values]) => Condition.jwtClaim(claim, values)) : undefined,
      }];
      if (exempt !== undefined) allowRules.push({ operations: [{ paths: exempt }] });
      this.allowPolicy = new AuthorizationPolicy(this, 'Allow', {
        metadata: { name: `${name}-jwt`, namespace },
        selector,
        rules: allowRules,
      });
    }

    if (service) {
      // In ambient mode, once a waypoint serves the service the policies attach to its Service.
      const bind = () => service._policyScope();
      this.requestAuthentication._bindScope(bind);
      this.requireJwtPolicy._bindScope(bind);
      this.allowPolicy?._bindScope(bind);
    }
    if (service && !allowCallers) {
      this.node.addValidation({ validate: () => this.checkReachable(service) });
    }
  }

  /**
   * A service in a default-deny MtlsNamespace, without allowFrom rules and without the
   * token-holder ALLOW policy, can be called by nobody.
   */
  private checkReachable(service: MeshService): string[] {
    if (service.authorizationPolicy !== undefined) return [];
    const ns = service.node.scopes.find((s): s is MtlsNamespace => s instanceof MtlsNamespace);
    if (ns === undefined || ns.defaultDenyPolicy === undefined || ns.namespaceName !== service.namespace) return [];
    return [`service ${JSON.stringify(service.serviceName)} is invalid: it is in the default-deny namespace "${ns.namespaceName}" and no ALLOW policy admits any caller, so even requests with a valid token are denied. Fix: declare its callers (e.g. service.allowFromIngressGateway()), or set allowAuthenticatedCallers: true to admit every valid token`];
  }
}
