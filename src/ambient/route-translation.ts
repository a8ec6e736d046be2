// Request conditions written for VirtualServices (RequestMatch, HttpMatch) translated into
// Gateway API HTTPRoute matches, for the patterns that route through a waypoint in ambient
// mode. The translation keeps Istio's meaning exactly or refuses: a VirtualService `prefix`
// is a plain string prefix (`/api` matches `/apix`), while an HTTPRoute `PathPrefix` matches
// whole path segments, so string prefixes become anchored regular expressions (Istio compiles
// both with RE2 and matches the whole value).
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { GatewayApiHeaderMatch, GatewayApiHttpMethod, GatewayApiHttpRouteMatch, GatewayApiPathMatch, GatewayApiQueryParamMatch } from '../gateway-api/http-route-match';
import { HttpMatch } from '../networking/route-http-match';
import { StringMatch, StringMatchType } from '../networking/route-string-match';

/** The VirtualService match fields an HTTPRoute match has no equivalent for. */
const UNSUPPORTED: (keyof HttpMatch)[] = ['ignoreUriCase', 'scheme', 'authority', 'withoutHeaders', 'port', 'sourceLabels', 'sourceNamespace', 'gateways'];

/** RE2 source matching `text` literally. */
function literal(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/** A StringMatch as a whole-value regular expression (for prefixes) or its own value. */
function asPattern(m: StringMatch): string {
  return m.matchType === StringMatchType.PREFIX ? `${literal(m.value)}.*` : m.value;
}

/**
 * Translates one VirtualService request match into an HTTPRoute match with the same meaning,
 * or fails naming the condition an HTTPRoute cannot express.
 * @internal
 */
export function toGatewayApiMatch(scope: IConstruct, field: string, match: HttpMatch): GatewayApiHttpRouteMatch {
  for (const key of UNSUPPORTED) {
    if (match[key] !== undefined) {
      invalid(scope, `${field}.${key}`, key === 'gateways' ? '(gateways)' : match[key], 'a Gateway API HTTPRoute (how a waypoint routes in ambient mode) has no such request condition', 'match on the path, headers, query parameters or method only (e.g. RequestMatch.header, .user, .cookie)');
    }
  }
  let path: GatewayApiPathMatch | undefined;
  if (match.uri !== undefined) {
    path = match.uri.matchType === StringMatchType.EXACT
      ? GatewayApiPathMatch.exact(match.uri.value)
      : GatewayApiPathMatch.regularExpression(asPattern(match.uri));
  }
  let method: GatewayApiHttpMethod | undefined;
  if (match.method !== undefined) {
    const value = match.method.value as GatewayApiHttpMethod;
    if (match.method.matchType !== StringMatchType.EXACT || !Object.values(GatewayApiHttpMethod).includes(value)) {
      invalid(scope, `${field}.method`, match.method._render(scope, `${field}.method`), 'an HTTPRoute matches one HTTP method by its exact name', 'use an exact method such as StringMatch.exact("GET")');
    }
    method = value;
  }
  const headers = Object.entries(match.headers ?? {}).map(([name, m]) => (m.matchType === StringMatchType.EXACT
    ? GatewayApiHeaderMatch.exact(name, m.value)
    : GatewayApiHeaderMatch.regularExpression(name, asPattern(m))));
  const queryParams = Object.entries(match.queryParams ?? {}).map(([name, m]) => (m.matchType === StringMatchType.EXACT
    ? GatewayApiQueryParamMatch.exact(name, m.value)
    : GatewayApiQueryParamMatch.regularExpression(name, asPattern(m))));
  return {
    path,
    method,
    headers: headers.length > 0 ? headers : undefined,
    queryParams: queryParams.length > 0 ? queryParams : undefined,
  };
}
