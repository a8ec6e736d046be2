/**
 * How a redirect chooses the port of the new URL.
 */
export enum HttpRedirectDerivePort {
  /** 80 for http, 443 for https. */
  FROM_PROTOCOL_DEFAULT = 'FROM_PROTOCOL_DEFAULT',
  /** The port the request came in on. */
  FROM_REQUEST_PORT = 'FROM_REQUEST_PORT',
}

/**
 * Answers matching requests with a 3xx redirect instead of forwarding them. Cannot be
 * combined with `route`, `directResponse`, `rewrite` or `fault` in the same HTTP route.
 * Give at least one of `uri`, `authority`, `scheme`, `port` or `derivePort`.
 */
export interface HttpRedirect {
  /**
   * Replaces the path of the URL.
   *
   * @default - the path is kept
   */
  readonly uri?: string;

  /**
   * Replaces the authority (host) of the URL.
   *
   * @default - the authority is kept
   */
  readonly authority?: string;

  /**
   * Replaces the scheme of the URL (`http` or `https`).
   *
   * @default - the scheme is kept
   */
  readonly scheme?: string;

  /**
   * Replaces the port of the URL (1-65535). Excludes `derivePort`.
   *
   * @default - the port is kept
   */
  readonly port?: number;

  /**
   * Derives the port of the URL. Excludes `port`.
   *
   * @default - the port is kept
   */
  readonly derivePort?: HttpRedirectDerivePort;

  /**
   * The 3xx status code of the redirect.
   *
   * @default 301
   */
  readonly redirectCode?: number;
}

/**
 * Answers matching requests directly with a fixed status and body, without forwarding
 * them. Cannot be combined with `route`, `redirect`, `rewrite` or `fault`.
 */
export interface HttpDirectResponse {
  /** The HTTP status returned (200-599). */
  readonly status: number;

  /**
   * The response body.
   *
   * @default - empty body
   */
  readonly body?: string;
}
