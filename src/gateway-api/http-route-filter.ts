import { IConstruct } from 'constructs';
import { checkGatewayApiHostname } from './internal';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Label, checkHeaderName, checkLength, checkMaxItems, checkPercentage, checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * Kind of an HTTPRoute filter.
 */
export enum GatewayApiHttpRouteFilterType {
  /** Sets, adds or removes request headers. */
  REQUEST_HEADER_MODIFIER = 'RequestHeaderModifier',
  /** Sets, adds or removes response headers. */
  RESPONSE_HEADER_MODIFIER = 'ResponseHeaderModifier',
  /** Answers with a redirect instead of forwarding. */
  REQUEST_REDIRECT = 'RequestRedirect',
  /** Rewrites the host and/or path before forwarding. */
  URL_REWRITE = 'URLRewrite',
  /** Sends a copy of the request to another backend. */
  REQUEST_MIRROR = 'RequestMirror',
}

/**
 * Scheme of a redirect target.
 */
export enum GatewayApiRedirectScheme {
  /** http */
  HTTP = 'http',
  /** https */
  HTTPS = 'https',
}

/**
 * How a redirect or rewrite changes the path.
 */
export enum GatewayApiPathModifierType {
  /** Replace the whole path. */
  REPLACE_FULL_PATH = 'ReplaceFullPath',
  /** Replace the part matched by the rule's single PathPrefix match. */
  REPLACE_PREFIX_MATCH = 'ReplacePrefixMatch',
}

/**
 * A path change of a redirect or URL rewrite.
 */
export class GatewayApiPathModifier {
  /** Replace the whole path with `path`. */
  public static replaceFullPath(path: string): GatewayApiPathModifier {
    return new GatewayApiPathModifier(GatewayApiPathModifierType.REPLACE_FULL_PATH, path);
  }

  /**
   * Replace the prefix matched by the rule (which must have exactly one PathPrefix match)
   * with `prefix`: `/service/api/x` matched by `/service/` becomes `/api/x` with `"/api/"`.
   */
  public static replacePrefixMatch(prefix: string): GatewayApiPathModifier {
    return new GatewayApiPathModifier(GatewayApiPathModifierType.REPLACE_PREFIX_MATCH, prefix);
  }

  private constructor(
    /** Kind of change. */
    public readonly type: GatewayApiPathModifierType,
    /** The new path or prefix. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _render(): l1.HttpRouteSpecRulesFiltersUrlRewritePath {
    return this.type === GatewayApiPathModifierType.REPLACE_FULL_PATH
      ? { type: l1.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_FULL_PATH, replaceFullPath: this.value }
      : { type: l1.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: this.value };
  }
}

/**
 * Options of a header modifier filter.
 */
export interface GatewayApiHeaderModifierOptions {
  /**
   * Headers to set, overwriting existing values.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to add, appending to existing values.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Header names to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Options of a request redirect filter. Fields left out keep the request's value.
 */
export interface GatewayApiRequestRedirectOptions {
  /**
   * Scheme of the redirect target.
   *
   * @default - the request's scheme
   */
  readonly scheme?: GatewayApiRedirectScheme;

  /**
   * Hostname of the redirect target.
   *
   * @default - the request's host
   */
  readonly hostname?: string;

  /**
   * Port of the redirect target.
   *
   * @default - the well-known port of the scheme
   */
  readonly port?: number;

  /**
   * Path change.
   *
   * @default - the request's path
   */
  readonly path?: GatewayApiPathModifier;

  /**
   * HTTP status code: 301, 302, 303, 307 or 308.
   *
   * @default 302
   */
  readonly statusCode?: number;
}

/**
 * Options of a URL rewrite filter.
 */
export interface GatewayApiUrlRewriteOptions {
  /**
   * New Host header.
   *
   * @default - unchanged
   */
  readonly hostname?: string;

  /**
   * Path change.
   *
   * @default - unchanged
   */
  readonly path?: GatewayApiPathModifier;
}

/**
 * Options of a request mirror filter.
 */
export interface GatewayApiRequestMirrorOptions {
  /** Name of the Service receiving the copies. */
  readonly serviceName: string;

  /** Port of that Service. */
  readonly port: number;

  /**
   * Namespace of that Service (another namespace needs a ReferenceGrant).
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * Percentage of requests mirrored, 0-100.
   *
   * @default - all requests
   */
  readonly percent?: number;
}

const REDIRECT_CODES = [301, 302, 303, 307, 308];

/**
 * A filter of an HTTPRoute rule: modify headers, redirect, rewrite or mirror.
 */
export class GatewayApiHttpRouteFilter {
  /** Sets, adds or removes request headers before forwarding. */
  public static requestHeaderModifier(options: GatewayApiHeaderModifierOptions): GatewayApiHttpRouteFilter {
    return new GatewayApiHttpRouteFilter(GatewayApiHttpRouteFilterType.REQUEST_HEADER_MODIFIER, { headers: options });
  }

  /** Sets, adds or removes response headers. */
  public static responseHeaderModifier(options: GatewayApiHeaderModifierOptions): GatewayApiHttpRouteFilter {
    return new GatewayApiHttpRouteFilter(GatewayApiHttpRouteFilterType.RESPONSE_HEADER_MODIFIER, { headers: options });
  }

  /**
   * Answers with a redirect (e.g. to HTTPS: `{ scheme: GatewayApiRedirectScheme.HTTPS, statusCode: 301 }`).
   * A rule with a redirect must not have backends.
   */
  public static requestRedirect(options: GatewayApiRequestRedirectOptions): GatewayApiHttpRouteFilter {
    return new GatewayApiHttpRouteFilter(GatewayApiHttpRouteFilterType.REQUEST_REDIRECT, { redirect: options });
  }

  /** Rewrites host and/or path before forwarding. */
  public static urlRewrite(options: GatewayApiUrlRewriteOptions): GatewayApiHttpRouteFilter {
    return new GatewayApiHttpRouteFilter(GatewayApiHttpRouteFilterType.URL_REWRITE, { rewrite: options });
  }

  /** Mirrors requests to another Service (responses from the mirror are ignored). */
  public static requestMirror(options: GatewayApiRequestMirrorOptions): GatewayApiHttpRouteFilter {
    return new GatewayApiHttpRouteFilter(GatewayApiHttpRouteFilterType.REQUEST_MIRROR, { mirror: options });
  }

  private constructor(
    /** Kind of filter. */
    public readonly type: GatewayApiHttpRouteFilterType,
    private readonly config: {
      headers?: GatewayApiHeaderModifierOptions;
      redirect?: GatewayApiRequestRedirectOptions;
      rewrite?: GatewayApiUrlRewriteOptions;
      mirror?: GatewayApiRequestMirrorOptions;
    },
  ) {}

  /**
   * The path modifier of a redirect or rewrite, if any.
   * @internal
   */
  public get _pathModifier(): GatewayApiPathModifier | undefined {
    return this.config.redirect?.path ?? this.config.rewrite?.path;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    const { headers, redirect, rewrite, mirror } = this.config;
    if (headers) validateHeaderModifier(scope, field, headers);
    if (redirect) {
      if (redirect.scheme === undefined && redirect.hostname === undefined && redirect.port === undefined && redirect.path === undefined) {
        invalid(scope, `${field}.requestRedirect`, redirect, 'a redirect that changes neither scheme, host, port nor path sends clients back to the same URL', 'set at least one of scheme, hostname, port or path');
      }
      if (redirect.hostname !== undefined) checkGatewayApiHostname(scope, `${field}.requestRedirect.hostname`, redirect.hostname, false);
      checkPort(scope, `${field}.requestRedirect.port`, redirect.port);
      if (redirect.statusCode !== undefined && !REDIRECT_CODES.includes(redirect.statusCode)) {
        invalid(scope, `${field}.requestRedirect.statusCode`, redirect.statusCode, `a redirect status must be one of ${REDIRECT_CODES.join(', ')}`, 'use 301 (permanent) or 302 (temporary)');
      }
      if (redirect.path) checkLength(scope, `${field}.requestRedirect.path`, redirect.path.value, 0, 1024);
    }
    if (rewrite) {
      if (rewrite.hostname === undefined && rewrite.path === undefined) {
        invalid(scope, `${field}.urlRewrite`, rewrite, 'the rewrite changes nothing', 'set `hostname` and/or `path`');
      }
      if (rewrite.hostname !== undefined) checkGatewayApiHostname(scope, `${field}.urlRewrite.hostname`, rewrite.hostname, false);
      if (rewrite.path) checkLength(scope, `${field}.urlRewrite.path`, rewrite.path.value, 0, 1024);
    }
    if (mirror) {
      checkLength(scope, `${field}.requestMirror.backendRef.name`, mirror.serviceName, 1, 253);
      checkDns1123Label(scope, `${field}.requestMirror.backendRef.namespace`, mirror.namespace);
      if (mirror.port === undefined) {
        invalid(scope, `${field}.requestMirror.backendRef.port`, undefined, 'a Service backend needs a port', 'pass `port`, e.g. 9080');
      }
      checkPort(scope, `${field}.requestMirror.backendRef.port`, mirror.port);
      checkPercentage(scope, `${field}.requestMirror.percent`, mirror.percent);
      if (mirror.percent !== undefined && !Number.isInteger(mirror.percent)) {
        invalid(scope, `${field}.requestMirror.percent`, mirror.percent, 'the Gateway API takes a whole percentage', 'round it, e.g. 10');
      }
    }
  }

  /** @internal */
  public _render(): l1.HttpRouteSpecRulesFilters {
    const { headers, redirect, rewrite, mirror } = this.config;
    const type = this.type as string as l1.HttpRouteSpecRulesFiltersType;
    switch (this.type) {
      case GatewayApiHttpRouteFilterType.REQUEST_HEADER_MODIFIER:
        return { type, requestHeaderModifier: renderHeaderModifier(headers!) };
      case GatewayApiHttpRouteFilterType.RESPONSE_HEADER_MODIFIER:
        return { type, responseHeaderModifier: renderHeaderModifier(headers!) };
      case GatewayApiHttpRouteFilterType.REQUEST_REDIRECT:
        return {
          type,
          requestRedirect: {
            scheme: redirect!.scheme as string as l1.HttpRouteSpecRulesFiltersRequestRedirectScheme | undefined,
            hostname: redirect!.hostname,
            port: redirect!.port,
            path: redirect!.path?._render() as l1.HttpRouteSpecRulesFiltersRequestRedirectPath | undefined,
            statusCode: redirect!.statusCode as l1.HttpRouteSpecRulesFiltersRequestRedirectStatusCode | undefined,
          },
        };
      case GatewayApiHttpRouteFilterType.URL_REWRITE:
        return { type, urlRewrite: { hostname: rewrite!.hostname, path: rewrite!.path?._render() } };
      default:
        return {
          type,
          requestMirror: {
            backendRef: { name: mirror!.serviceName, namespace: mirror!.namespace, port: mirror!.port },
            percent: mirror!.percent,
          },
        };
    }
  }
}

function validateHeaderModifier(scope: IConstruct, field: string, options: GatewayApiHeaderModifierOptions): void {
  const set = Object.entries(options.set ?? {});
  const add = Object.entries(options.add ?? {});
  const remove = options.remove ?? [];
  if (set.length + add.length + remove.length === 0) {
    invalid(scope, field, options, 'the header modifier changes nothing', 'pass at least one of `set`, `add` or `remove`');
  }
  for (const [list, entries] of [['set', set], ['add', add]] as const) {
    checkMaxItems(scope, `${field}.${list}`, entries.length, 16, 'modify fewer headers per filter');
    const seen = new Set<string>();
    for (const [name, value] of entries) {
      checkHeaderName(scope, `${field}.${list}`, name);
      checkLength(scope, `${field}.${list}["${name}"]`, value, 1, 4096);
      if (seen.has(name.toLowerCase())) invalid(scope, `${field}.${list}`, name, 'the header appears twice (header names are case-insensitive)', 'list each header once');
      seen.add(name.toLowerCase());
    }
  }
  checkMaxItems(scope, `${field}.remove`, remove.length, 16, 'remove fewer headers per filter');
  const seen = new Set<string>();
  for (const name of remove) {
    checkHeaderName(scope, `${field}.remove`, name);
    if (seen.has(name.toLowerCase())) invalid(scope, `${field}.remove`, name, 'the header is listed twice', 'list each header once');
    seen.add(name.toLowerCase());
  }
}

function renderHeaderModifier(options: GatewayApiHeaderModifierOptions): l1.HttpRouteSpecRulesFiltersRequestHeaderModifier {
  const list = (m?: { [name: string]: string }) => {
    const entries = Object.entries(m ?? {});
    return entries.length ? entries.map(([name, value]) => ({ name, value })) : undefined;
  };
  return { set: list(options.set), add: list(options.add), remove: options.remove?.length ? [...options.remove] : undefined };
}
