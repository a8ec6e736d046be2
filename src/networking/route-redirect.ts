import { IConstruct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { checkExclusive, checkPort } from '../core/checks';
import { invalid } from '../core/errors';
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

/** The redirect codes Envoy can send. */
const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** @internal */
export function renderRedirect(scope: IConstruct, field: string, r: HttpRedirect | undefined): l1.VirtualServiceSpecHttpRedirect | undefined {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.authority === undefined && r.scheme === undefined && r.port === undefined && r.derivePort === undefined) {
    invalid(scope, field, r, 'a redirect must change the URI, authority, scheme or port', 'add e.g. uri: "/new-path" or scheme: "https"');
  }
  checkExclusive(scope, { [`${field}.port`]: r.port, [`${field}.derivePort`]: r.derivePort }, 'give either a fixed port or derivePort');
  checkPort(scope, `${field}.port`, r.port);
  if (r.redirectCode !== undefined && (!Number.isInteger(r.redirectCode) || r.redirectCode < 300 || r.redirectCode > 399)) {
    invalid(scope, `${field}.redirectCode`, r.redirectCode, 'a redirect code must be a 3xx status', 'use 301, 302, 307 or 308');
  }
  if (r.redirectCode !== undefined && !REDIRECT_CODES.includes(r.redirectCode)) {
    invalid(scope, `${field}.redirectCode`, r.redirectCode, `Envoy redirects only with ${REDIRECT_CODES.join(', ')} (${r.redirectCode} is not a redirect it can send)`, 'use 301 (permanent), 302 (found), 303 (see other), 307 or 308');
  }
  if (r.scheme !== undefined && r.scheme !== 'http' && r.scheme !== 'https') {
    invalid(scope, `${field}.scheme`, r.scheme, 'Envoy redirects to the schemes "http" and "https", written in lower case', `write "${r.scheme.toLowerCase() === 'http' ? 'http' : 'https'}"`);
  }
  if (r.uri !== undefined && !r.uri.startsWith('/')) {
    invalid(scope, `${field}.uri`, r.uri, 'the redirect path must start with "/"', `write "/${r.uri}"`);
  }
  return {
    uri: r.uri,
    authority: r.authority,
    scheme: r.scheme,
    port: r.port,
    derivePort: r.derivePort as string as l1.VirtualServiceSpecHttpRedirectDerivePort | undefined,
    redirectCode: r.redirectCode,
  };
}

/** @internal */
export function renderDirectResponse(
  scope: IConstruct, field: string, r: HttpDirectResponse | undefined,
): l1.VirtualServiceSpecHttpDirectResponse | undefined {
  if (r === undefined) return undefined;
  if (!Number.isInteger(r.status) || r.status < 200 || r.status > 599) {
    invalid(scope, `${field}.status`, r.status, 'the status must be an integer from 200 to 599', 'use e.g. 404 or 503');
  }
  return { status: r.status, body: r.body !== undefined ? { string: r.body } : undefined };
}
