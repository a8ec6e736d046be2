import { Duration } from 'cdk8s';

/**
 * An HTTP header a JWT is read from.
 */
export interface JwtHeader {
  /** The header name, e.g. `x-jwt-assertion` or `Authorization`. */
  readonly name: string;

  /**
   * The prefix stripped before the token is decoded, e.g. `Bearer ` (with its space).
   *
   * @default - no prefix: the whole header value is the token
   */
  readonly prefix?: string;
}

/**
 * Copies a claim of a verified JWT into a request header for the backend.
 */
export interface ClaimToHeader {
  /** The header to create (letters, digits, `-` and `_`), e.g. `x-jwt-sub`. */
  readonly header: string;

  /** The claim to copy, e.g. `sub`; nested claims use `.`, e.g. `nested.key.group`. */
  readonly claim: string;
}

/**
 * One JWT issuer a `RequestAuthentication` accepts (`spec.jwtRules[]`).
 *
 * The public keys come from `jwksUri` (fetched by istiod) or inline `jwks`, never both.
 * Without either, istiod discovers the key set through OpenID Connect discovery on
 * the issuer.
 */
export interface JwtRule {
  /**
   * The issuer (`iss` claim) of the JWTs this rule validates, e.g.
   * `https://accounts.google.com` or `testing@secure.istio.io`.
   */
  readonly issuer: string;

  /**
   * Accepted audiences (`aud` claim).
   *
   * @default - tokens for any audience are accepted
   */
  readonly audiences?: string[];

  /**
   * HTTPS URL of the issuer's JSON Web Key Set. Mutually exclusive with `jwks`.
   *
   * @default - OpenID discovery on the issuer, unless `jwks` is set
   */
  readonly jwksUri?: string;

  /**
   * The JSON Web Key Set itself, as a JSON string (`{"keys": [...]}`). Mutually exclusive
   * with `jwksUri`.
   *
   * @default - the key set is fetched from `jwksUri` (or discovered)
   */
  readonly jwks?: string;

  /**
   * Keep the original token in the request forwarded to the backend.
   *
   * @default false - the token is removed after validation
   */
  readonly forwardOriginalToken?: boolean;

  /**
   * Headers the token is read from.
   *
   * @default - `Authorization: Bearer <token>`
   */
  readonly fromHeaders?: JwtHeader[];

  /**
   * Query parameters the token is read from.
   *
   * @default - `access_token` query parameter (with the default header)
   */
  readonly fromParams?: string[];

  /**
   * Cookies the token is read from.
   *
   * @default - no cookies
   */
  readonly fromCookies?: string[];

  /**
   * Header that receives the base64url-encoded payload of a verified token.
   *
   * @default - the payload is not forwarded
   */
  readonly outputPayloadToHeader?: string;

  /**
   * Claims copied into headers for the backend.
   *
   * @default - no claims copied
   */
  readonly outputClaimToHeaders?: ClaimToHeader[];

  /**
   * Claims whose string values are space-separated lists (e.g. `scope`), so that
   * authorization conditions can match single items. At most 64.
   *
   * @default - only Istio's built-in `scope` / `permission` handling
   */
  readonly spaceDelimitedClaims?: string[];

  /**
   * How long istiod waits when fetching the key set from `jwksUri` (at least 1ms).
   *
   * @default - Istio's default (5 seconds)
   */
  readonly timeout?: Duration;
}
