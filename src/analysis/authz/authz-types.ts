// The public vocabulary of authorization questions: a request, a policy as written, the
// decision on one request, and what one caller may send across all its requests.

/** One request, as far as the question states it. */
export interface AuthzRequest {
  /**
   * The caller's mesh identity (mTLS peer principal), e.g. `cluster.local/ns/shop/sa/web`.
   * @default - no peer identity: plain text, or a caller outside the mesh
   */
  readonly principal?: string;
  /** @default - unknown */
  readonly sourceIp?: string;
  /** The destination (container) port. @default - unknown */
  readonly port?: number;
  /** HTTP method; with `path`, makes the request HTTP. @default - a TCP connection (with no path either) */
  readonly method?: string;
  /** HTTP path (query string ignored). @default - a TCP connection (with no method either) */
  readonly path?: string;
  /** HTTP Host/authority. @default - unknown */
  readonly host?: string;
  /** HTTP request headers (names case-insensitive). @default - none */
  readonly headers?: { readonly [name: string]: string };
  /** Claims of a JWT a RequestAuthentication has validated (`iss`, `sub`, `aud`, `azp`, ...). @default - no token */
  readonly jwtClaims?: { readonly [claim: string]: unknown };
}

/** An AuthorizationPolicy as written (`spec` as in the manifest). */
export interface AuthzPolicy {
  /** The policy's namespace. */
  readonly namespace: string;
  /** The policy's name. */
  readonly name: string;
  /** Its `spec`, as in the manifest. */
  readonly spec: { readonly [key: string]: any };
}

/** The decision on one request. */
export enum AuthzVerdict {
  /** Istio lets the request through. */
  ALLOW = 'ALLOW',
  /** Istio refuses the request (HTTP 403, or a closed connection for TCP). */
  DENY = 'DENY',
  /**
   * The answer turns on something the question did not give: an external authorizer (CUSTOM),
   * the source IP, the port, or which endpoint answers.
   */
  DEPENDS = 'DEPENDS',
}

/** What was decided, and by which policy and rule. */
export interface AuthzDecision {
  /** ALLOW, DENY or DEPENDS. */
  readonly verdict: AuthzVerdict;
  /** `<namespace>/<name>` of the deciding policy. @default - no policy decided */
  readonly policy?: string;
  /** Index of the deciding rule in that policy. @default - no rule decided */
  readonly rule?: number;
  /** Why, in words. */
  readonly reason: string;
}

/** How much of what a caller may send to a workload is allowed. */
export enum AccessLevel {
  /** Every request of the caller is allowed. */
  ALL = 'ALL',
  /** Some requests are allowed: those `allowed` describes, less those `denied` describes. */
  SOME = 'SOME',
  /** No request of the caller is allowed. */
  NONE = 'NONE',
  /** An external authorizer (CUSTOM policy) decides every request. */
  DEPENDS = 'DEPENDS',
}

/** What one caller may send to one workload or Service, across every request it could make. */
export interface AuthzAccess {
  /** ALL, SOME, NONE or DEPENDS. */
  readonly level: AccessLevel;
  /** The requests allowed when the level is SOME, one per rule (e.g. `GET /reviews/*`). */
  readonly allowed: string[];
  /** Requests DENY rules (or external authorizers, marked `ext-authz`) take out of the allowed ones. */
  readonly denied: string[];
  /** `<namespace>/<name>` of the policies that decided. */
  readonly policies: string[];
  /** Why, in words. */
  readonly reason: string;
}
