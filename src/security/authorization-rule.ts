import { Condition } from './authorization-condition';
import { Principal } from './principal';

/**
 * Where a request comes from (rendered as `rules[].from[].source` of an AuthorizationPolicy).
 *
 * All fields given must match (AND); within one field any value may match (OR). Give at
 * least one field. Identity fields (`principals`, `namespaces`, `serviceAccounts`) need
 * mutual TLS; `requestPrincipals` need a `RequestAuthentication`.
 */
export interface RuleSource {
  /**
   * Peer identities, e.g. `Principal.serviceAccount('default', 'bookinfo-productpage')`.
   *
   * @default - any peer
   */
  readonly principals?: Principal[];

  /**
   * Peer identities that must not match.
   *
   * @default - none excluded
   */
  readonly notPrincipals?: Principal[];

  /**
   * Request (JWT) principals `<issuer>/<subject>`, e.g. `https://accounts.example.com/alice`,
   * or `*` for any authenticated request. Prefix/suffix `*` forms are supported.
   *
   * @default - any request principal (or none)
   */
  readonly requestPrincipals?: string[];

  /**
   * Request (JWT) principals that must not match. `["*"]` matches requests without a JWT.
   *
   * @default - none excluded
   */
  readonly notRequestPrincipals?: string[];

  /**
   * Namespaces of the peer workload (needs mTLS).
   *
   * @default - any namespace
   */
  readonly namespaces?: string[];

  /**
   * Namespaces of the peer workload that must not match.
   *
   * @default - none excluded
   */
  readonly notNamespaces?: string[];

  /**
   * Service accounts of the peer, each written `<namespace>/<name>` (at most 16). Cannot
   * be combined with `principals`, `notPrincipals`, `namespaces` or `notNamespaces`.
   *
   * @default - any service account
   */
  readonly serviceAccounts?: string[];

  /**
   * Service accounts of the peer (`<namespace>/<name>`) that must not match (at most 16).
   * Same restrictions as `serviceAccounts`.
   *
   * @default - none excluded
   */
  readonly notServiceAccounts?: string[];

  /**
   * Trust domains of the peer identity.
   *
   * @default - any trust domain
   */
  readonly trustDomains?: string[];

  /**
   * Trust domains of the peer identity that must not match.
   *
   * @default - none excluded
   */
  readonly notTrustDomains?: string[];

  /**
   * IPs or CIDR blocks of the peer (the direct connection's source address), e.g.
   * `10.0.0.0/16`.
   *
   * @default - any peer IP
   */
  readonly ipBlocks?: string[];

  /**
   * Peer IPs or CIDR blocks that must not match.
   *
   * @default - none excluded
   */
  readonly notIpBlocks?: string[];

  /**
   * IPs or CIDR blocks of the original client (from X-Forwarded-For or the PROXY
   * protocol, as trusted by the gateway's `numTrustedProxies`).
   *
   * @default - any client IP
   */
  readonly remoteIpBlocks?: string[];

  /**
   * Original client IPs or CIDR blocks that must not match.
   *
   * @default - none excluded
   */
  readonly notRemoteIpBlocks?: string[];
}

/**
 * What a request does (rendered as `rules[].to[].operation` of an AuthorizationPolicy).
 *
 * All fields given must match (AND); within one field any value may match (OR). Give at
 * least one field. `hosts`, `methods` and `paths` apply to HTTP only.
 */
export interface RuleOperation {
  /**
   * Hosts (the `Host` / `:authority` header), e.g. `bookinfo.example.com` or
   * `*.example.com`.
   *
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Hosts that must not match.
   *
   * @default - none excluded
   */
  readonly notHosts?: string[];

  /**
   * Destination (workload) ports, 1-65535.
   *
   * @default - any port
   */
  readonly ports?: number[];

  /**
   * Destination ports that must not match.
   *
   * @default - none excluded
   */
  readonly notPorts?: number[];

  /**
   * Upper-case HTTP methods, e.g. `GET`, `POST`. gRPC requests are always `POST`.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * HTTP methods that must not match.
   *
   * @default - none excluded
   */
  readonly notMethods?: string[];

  /**
   * Request paths: exact (`/login`), prefix (`/static/*`), suffix (`*.png`), presence
   * (`*`), or path templates (`/api/{*}/reviews`, `/files/{**}`).
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Request paths that must not match.
   *
   * @default - none excluded
   */
  readonly notPaths?: string[];
}

/**
 * One rule of an AuthorizationPolicy (`spec.rules[]`): a request matches it if it matches
 * one of `sources`, one of `operations`, and every condition of `when`. An empty rule
 * (`{}`) matches every request.
 */
export interface AuthorizationRule {
  /**
   * Sources of the request (rendered as Istio's `from[].source`); any one may match.
   *
   * @default - any source
   */
  readonly sources?: RuleSource[];

  /**
   * Operations of the request (rendered as Istio's `to[].operation`); any one may match.
   *
   * @default - any operation
   */
  readonly operations?: RuleOperation[];

  /**
   * Further conditions (Istio's `when`); all must match.
   *
   * @default - no further conditions
   */
  readonly when?: Condition[];
}
