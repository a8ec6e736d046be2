import { IConstruct } from 'constructs';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkHeaderName, checkLength, checkMaxItems, checkRe2Regex } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * How an HTTPRoute matches the request path.
 */
export enum GatewayApiPathMatchType {
  /** The whole path equals the value. */
  EXACT = 'Exact',
  /** The path starts with the value, on `/` boundaries (`/api` matches `/api/x`, not `/apix`). */
  PATH_PREFIX = 'PathPrefix',
  /** The path matches a regular expression (RE2 in Istio). */
  REGULAR_EXPRESSION = 'RegularExpression',
}

/**
 * How a header or query parameter value is matched.
 */
export enum GatewayApiValueMatchType {
  /** The value equals the given string. */
  EXACT = 'Exact',
  /** The value matches a regular expression (RE2 in Istio). */
  REGULAR_EXPRESSION = 'RegularExpression',
}

/**
 * HTTP method of an HTTPRoute match.
 */
export enum GatewayApiHttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** DELETE */
  DELETE = 'DELETE',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** TRACE */
  TRACE = 'TRACE',
  /** PATCH */
  PATCH = 'PATCH',
}

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/**
 * A request path condition: `GatewayApiPathMatch.exact('/login')`,
 * `.prefix('/static')`, `.regularExpression('/api/v[0-9]+/.*')`.
 */
export class GatewayApiPathMatch {
  /** The path equals `path`. */
  public static exact(path: string): GatewayApiPathMatch {
    return new GatewayApiPathMatch(GatewayApiPathMatchType.EXACT, path);
  }

  /** The path starts with `prefix` (whole segments). */
  public static prefix(prefix: string): GatewayApiPathMatch {
    return new GatewayApiPathMatch(GatewayApiPathMatchType.PATH_PREFIX, prefix);
  }

  /** The path matches the regular expression `pattern`. */
  public static regularExpression(pattern: string): GatewayApiPathMatch {
    return new GatewayApiPathMatch(GatewayApiPathMatchType.REGULAR_EXPRESSION, pattern);
  }

  private constructor(
    /** How the path is matched. */
    public readonly type: GatewayApiPathMatchType,
    /** The path, prefix or pattern. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    checkLength(scope, `${field}.value`, this.value, 1, 1024);
    if (this.type === GatewayApiPathMatchType.REGULAR_EXPRESSION) {
      checkRe2Regex(scope, `${field}.value`, this.value);
      return;
    }
    const v = this.value;
    const problem = !v.startsWith('/') ? 'it must be an absolute path starting with "/"'
      : v.includes('//') ? 'it must not contain "//"'
        : v.includes('/./') || v.endsWith('/.') ? 'it must not contain "." path segments'
          : v.includes('/../') || v.endsWith('/..') ? 'it must not contain ".." path segments'
            : /%2f/i.test(v) ? 'it must not contain an encoded slash (%2F)'
              : v.includes('#') ? 'it must not contain a fragment ("#")'
                : !PATH_CHARS.test(v) ? 'it contains characters that are not allowed in a path (percent-encode them)'
                  : undefined;
    if (problem) {
      invalid(scope, `${field}.value`, v, `${problem} (${this.type} match)`, 'write a normalized path such as "/api/v1/products", or use GatewayApiPathMatch.regularExpression()');
    }
  }

  /** @internal */
  public _render(): l1.HttpRouteSpecRulesMatchesPath {
    return { type: this.type as string as l1.HttpRouteSpecRulesMatchesPathType, value: this.value };
  }
}

/** A header or query parameter condition: a valid name, a value of 1..maxValue characters, an RE2 regex. */
function checkNameValueMatch(scope: IConstruct, field: string, type: GatewayApiValueMatchType, name: string, value: string, maxValue: number): void {
  checkHeaderName(scope, `${field}.name`, name);
  checkLength(scope, `${field}.value`, value, 1, maxValue);
  if (type === GatewayApiValueMatchType.REGULAR_EXPRESSION) checkRe2Regex(scope, `${field}.value`, value);
}

/**
 * A request header condition: `GatewayApiHeaderMatch.exact('end-user', 'jason')`.
 */
export class GatewayApiHeaderMatch {
  /** Header `name` equals `value`. */
  public static exact(name: string, value: string): GatewayApiHeaderMatch {
    return new GatewayApiHeaderMatch(GatewayApiValueMatchType.EXACT, name, value);
  }

  /** Header `name` matches the regular expression `pattern`. */
  public static regularExpression(name: string, pattern: string): GatewayApiHeaderMatch {
    return new GatewayApiHeaderMatch(GatewayApiValueMatchType.REGULAR_EXPRESSION, name, pattern);
  }

  private constructor(
    /** How the value is matched. */
    public readonly type: GatewayApiValueMatchType,
    /** The header name (case-insensitive). */
    public readonly name: string,
    /** The value or pattern. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    checkNameValueMatch(scope, field, this.type, this.name, this.value, 4096);
  }

  /** @internal */
  public _render(): l1.HttpRouteSpecRulesMatchesHeaders {
    return { name: this.name, type: this.type as string as l1.HttpRouteSpecRulesMatchesHeadersType, value: this.value };
  }
}

/**
 * A query parameter condition: `GatewayApiQueryParamMatch.exact('version', 'v2')`.
 */
export class GatewayApiQueryParamMatch {
  /** Query parameter `name` equals `value`. */
  public static exact(name: string, value: string): GatewayApiQueryParamMatch {
    return new GatewayApiQueryParamMatch(GatewayApiValueMatchType.EXACT, name, value);
  }

  /** Query parameter `name` matches the regular expression `pattern`. */
  public static regularExpression(name: string, pattern: string): GatewayApiQueryParamMatch {
    return new GatewayApiQueryParamMatch(GatewayApiValueMatchType.REGULAR_EXPRESSION, name, pattern);
  }

  private constructor(
    /** How the value is matched. */
    public readonly type: GatewayApiValueMatchType,
    /** The parameter name (case-sensitive). */
    public readonly name: string,
    /** The value or pattern. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    checkNameValueMatch(scope, field, this.type, this.name, this.value, 1024);
  }

  /** @internal */
  public _render(): l1.HttpRouteSpecRulesMatchesQueryParams {
    return { name: this.name, type: this.type as string as l1.HttpRouteSpecRulesMatchesQueryParamsType, value: this.value };
  }
}

/**
 * One HTTPRoute match: every condition given must hold (a request matches the rule when
 * any of the rule's matches holds).
 */
export interface GatewayApiHttpRouteMatch {
  /**
   * Path condition.
   *
   * @default - any path (`PathPrefix /`)
   */
  readonly path?: GatewayApiPathMatch;

  /**
   * Header conditions, all of which must hold (at most 16, distinct names).
   *
   * @default - no header condition
   */
  readonly headers?: GatewayApiHeaderMatch[];

  /**
   * Query parameter conditions, all of which must hold (at most 16, distinct names).
   *
   * @default - no query parameter condition
   */
  readonly queryParams?: GatewayApiQueryParamMatch[];

  /**
   * HTTP method.
   *
   * @default - any method
   */
  readonly method?: GatewayApiHttpMethod;
}

/**
 * Checks one match.
 * @internal
 */
export function validateHttpRouteMatch(scope: IConstruct, field: string, match: GatewayApiHttpRouteMatch): void {
  match.path?._validate(scope, `${field}.path`);
  const headers = match.headers ?? [];
  checkMaxItems(scope, `${field}.headers`, headers.length, 16, 'match on fewer headers');
  const seenHeaders = new Set<string>();
  headers.forEach((h, i) => {
    h._validate(scope, `${field}.headers[${i}]`);
    const key = h.name.toLowerCase();
    if (seenHeaders.has(key)) invalid(scope, `${field}.headers[${i}].name`, h.name, 'the header is already matched in this match (header names are case-insensitive)', 'combine the conditions into one, or use a separate match for an OR');
    seenHeaders.add(key);
  });
  const params = match.queryParams ?? [];
  checkMaxItems(scope, `${field}.queryParams`, params.length, 16, 'match on fewer query parameters');
  const seenParams = new Set<string>();
  params.forEach((q, i) => {
    q._validate(scope, `${field}.queryParams[${i}]`);
    if (seenParams.has(q.name)) invalid(scope, `${field}.queryParams[${i}].name`, q.name, 'the query parameter is already matched in this match', 'combine the conditions into one, or use a separate match for an OR');
    seenParams.add(q.name);
  });
  if (match.method !== undefined && !Object.values(GatewayApiHttpMethod).includes(match.method)) {
    invalid(scope, `${field}.method`, match.method, 'it is not an HTTP method the Gateway API matches', 'use a GatewayApiHttpMethod value, e.g. GatewayApiHttpMethod.GET');
  }
}

/**
 * Renders one match.
 * @internal
 */
export function renderHttpRouteMatch(match: GatewayApiHttpRouteMatch): l1.HttpRouteSpecRulesMatches {
  return {
    path: match.path?._render(),
    headers: match.headers?.length ? match.headers.map((h) => h._render()) : undefined,
    queryParams: match.queryParams?.length ? match.queryParams.map((q) => q._render()) : undefined,
    method: match.method as string as l1.HttpRouteSpecRulesMatchesMethod | undefined,
  };
}
