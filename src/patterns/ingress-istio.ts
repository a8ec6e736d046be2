// How a MeshIngress route is written in Istio's API (a VirtualService HTTP route).
import { IngressPathType, IngressRoute } from './ingress-route';
import { HttpRoute } from '../networking/route-http';
import { HttpMatch } from '../networking/route-http-match';
import { StringMatch } from '../networking/route-string-match';

/**
 * The VirtualService HTTP route of one ingress route.
 * @internal
 */
export function istioHttpRoute(route: IngressRoute): HttpRoute {
  const match: HttpMatch[] | undefined = route.paths?.map((p) => ({
    uri: p.matchType === IngressPathType.EXACT ? StringMatch.exact(p.value)
      : p.matchType === IngressPathType.PREFIX ? StringMatch.prefix(p.value)
        : StringMatch.regex(p.value),
  }));
  const rewrite = route.rewritePath !== undefined || route.rewriteHost !== undefined
    ? { uri: route.rewritePath, authority: route.rewriteHost }
    : undefined;
  return {
    name: route.name,
    match,
    route: [{ host: route.backend._host(), port: route.backend.port }],
    rewrite,
    requestHeaders: route.requestHeaders,
    timeout: route.timeout,
  };
}
