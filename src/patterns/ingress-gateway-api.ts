// How a MeshIngress route is written in the Kubernetes Gateway API (HTTPRoute rules).
import { IConstruct } from 'constructs';
import { IngressPath, IngressPathType, IngressRoute } from './ingress-route';
import { invalid } from '../core/errors';
import { GatewayApiHttpBackendRef } from '../gateway-api/backend-ref';
import { GatewayApiHttpRouteRule } from '../gateway-api/http-route';
import { GatewayApiHttpRouteFilter, GatewayApiPathModifier } from '../gateway-api/http-route-filter';
import { GatewayApiHttpRouteMatch, GatewayApiPathMatch } from '../gateway-api/http-route-match';
import { HeaderOperations } from '../networking/route-headers';

/**
 * Gateway API header values are literal: refuses Envoy substitutions (`%REQ(...)%`).
 * @internal
 */
export function checkLiteralHeaders(scope: IConstruct, field: string, ops: HeaderOperations | undefined): void {
  for (const [kind, map] of [['set', ops?.set], ['add', ops?.add]] as const) {
    for (const [name, value] of Object.entries(map ?? {})) {
      if (typeof value === 'string' && value.includes('%')) {
        invalid(scope, `${field}.${kind}.${name}`, value, 'Gateway API header values are literal; Envoy substitutions such as %REQ(:PATH)% are an Istio API feature', 'use a literal value, or gateway: IngressGateway.istio()');
      }
    }
  }
}

/**
 * The HTTPRoute rules of one ingress route (one per path when a path rewrite needs it).
 * @internal
 */
export function gatewayApiRules(route: IngressRoute, backendRefs: GatewayApiHttpBackendRef[]): GatewayApiHttpRouteRule[] {
  const headers = route.requestHeaders;
  const headerCount = Object.keys(headers?.set ?? {}).length + Object.keys(headers?.add ?? {}).length + (headers?.remove ?? []).length;
  const rule = (name: string | undefined, paths: IngressPath[] | undefined): GatewayApiHttpRouteRule => {
    const filters: GatewayApiHttpRouteFilter[] = [];
    if (headerCount > 0) {
      filters.push(GatewayApiHttpRouteFilter.requestHeaderModifier({ set: headers!.set, add: headers!.add, remove: headers!.remove }));
    }
    if (route.rewritePath !== undefined || route.rewriteHost !== undefined) {
    // A rule with a path rewrite has a single path (see below), so the modifier fits its match.
      const path = route.rewritePath === undefined ? undefined
        : paths![0].matchType === IngressPathType.PREFIX ? GatewayApiPathModifier.replacePrefixMatch(route.rewritePath)
          : GatewayApiPathModifier.replaceFullPath(route.rewritePath);
      filters.push(GatewayApiHttpRouteFilter.urlRewrite({ hostname: route.rewriteHost, path }));
    }
    const matches: GatewayApiHttpRouteMatch[] | undefined = paths?.map((p) => ({
      path: p.matchType === IngressPathType.EXACT ? GatewayApiPathMatch.exact(p.value)
        : p.matchType === IngressPathType.PREFIX ? GatewayApiPathMatch.prefix(p.value)
          : GatewayApiPathMatch.regularExpression(p.value),
    }));
    return { name, matches, filters: filters.length ? filters : undefined, backendRefs, timeout: route.timeout };
  };
  if (route.rewritePath !== undefined && route.paths!.length > 1) {
  // The Gateway API rewrites the matched prefix only for a rule with one prefix match:
  // one rule per path keeps each path's own rewrite, as Istio applies it.
    return route.paths!.map((p, i) => rule(route.name !== undefined ? `${route.name}-${i}` : undefined, [p]));
  } else {
    return [rule(route.name, route.paths)];
  }
}
