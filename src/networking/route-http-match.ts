import { IConstruct } from 'constructs';
import { IGateway, renderGateways } from './gateway-ref';
import { renderSourceConditions } from './route-source';
import { renderStringMatch, renderStringMatchMap, StringMatch, StringMatchType } from './route-string-match';
import * as l1 from '../../imports/networking.istio.io';
import { invalid } from '../core/errors';

/**
 * The conditions of one HTTP match: every condition given must hold. An HTTP route
 * applies when any of its matches holds.
 *
 * @example
 * { uri: StringMatch.prefix('/api/v1/products'), headers: { 'end-user': StringMatch.exact('jason') } }
 */
export interface HttpMatch {
  /**
   * A name for the match, appended to the route name in Envoy's access logs and stats.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Condition on the request path.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * Whether `uri` is compared case-insensitively.
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * Condition on the URI scheme (`http`, `https`).
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * Condition on the HTTP method (`GET`, `POST`, ...).
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * Condition on the Authority (Host) header.
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Conditions on request headers, keyed by lower-case header name.
   *
   * @default - no header condition
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Headers that must NOT match, keyed by lower-case header name.
   *
   * @default - no negative header condition
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Conditions on query parameters, keyed by parameter name. Istio supports exact and
   * regex conditions only.
   *
   * @default - no query parameter condition
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * The port of the host being addressed (1-65535).
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling (source) workload must carry.
   *
   * @default - any source workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Namespace the calling (source) workload must be in.
   *
   * @default - any source namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways this match applies to, overriding the VirtualService's `gateways`: `Gateway`
   * constructs, `Gateway.fromGatewayName(...)`, or `Gateway.MESH` for sidecars.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: IGateway[];

  /**
   * A prefix for the statistics Envoy emits for this match.
   *
   * @default - no prefix
   */
  readonly statPrefix?: string;
}

/** @internal */
export function renderHttpMatch(scope: IConstruct, field: string, m: HttpMatch): l1.VirtualServiceSpecHttpMatch {
  renderSourceConditions(scope, field, m);
  // Extension methods (PURGE, PROPFIND, ...) are legal; methods are case-sensitive tokens.
  if (m.method?.matchType === StringMatchType.EXACT && !/^[A-Z][A-Z0-9_-]*$/.test(m.method.value)) {
    invalid(scope, `${field}.method.exact`, m.method.value, 'it is not an upper-case HTTP method', `use one of ${HTTP_METHODS.join(', ')}, or an extension method in upper case (e.g. PURGE)`);
  }
  if (m.ignoreUriCase && m.uri === undefined) {
    invalid(scope, `${field}.ignoreUriCase`, true, 'it has no effect without a `uri` condition', 'add `uri` or remove `ignoreUriCase`');
  }
  return {
    name: m.name,
    uri: renderStringMatch(scope, `${field}.uri`, m.uri),
    ignoreUriCase: m.ignoreUriCase,
    scheme: renderStringMatch(scope, `${field}.scheme`, m.scheme),
    method: renderStringMatch(scope, `${field}.method`, m.method),
    authority: renderStringMatch(scope, `${field}.authority`, m.authority),
    headers: renderStringMatchMap(scope, `${field}.headers`, m.headers, 'header'),
    withoutHeaders: renderStringMatchMap(scope, `${field}.withoutHeaders`, m.withoutHeaders, 'header'),
    queryParams: renderStringMatchMap(scope, `${field}.queryParams`, m.queryParams, 'query'),
    port: m.port,
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
    statPrefix: m.statPrefix,
  };
}

/**
 * The HTTP methods Istio matches and allows in CORS policies (upper case).
 * @internal
 */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
