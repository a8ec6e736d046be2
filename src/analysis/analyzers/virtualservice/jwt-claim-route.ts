import { AnalyzerDef, arr, fullNameString, isObj, obj, shortOrFullName, str, strMap } from '../../model';
import { podIndex } from '../common/pods';

function isJwtClaimKey(key: string): boolean {
  return key.startsWith('@request.auth.claims.') || key.startsWith('@request.auth.claims[');
}

export const jwtClaimRouteAnalyzer: AnalyzerDef = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  description: 'Checks the VirtualService using JWT claim based routing has corresponding RequestAuthentication',
  inputs: ['VirtualService', 'RequestAuthentication', 'Gateway', 'Pod'],
  analyze(ctx) {
    const raByNs = new Map<string, ({ [key: string]: string } | undefined)[]>();
    for (const r of ctx.all('RequestAuthentication')) {
      const list = raByNs.get(r.namespace) ?? [];
      list.push(isObj(r.spec.selector) ? strMap(r.spec.selector.matchLabels) : undefined);
      raByNs.set(r.namespace, list);
    }
    for (const r of ctx.all('VirtualService')) {
      let key = '';
      outer: for (const http of arr(r.spec.http)) {
        for (const m of arr(http?.match)) {
          for (const k of [...Object.keys(obj(m?.headers)), ...Object.keys(obj(m?.withoutHeaders))]) {
            if (isJwtClaimKey(k)) {
              key = k;
              break outer;
            }
          }
        }
      }
      if (!key) continue;
      for (const gwName of arr(r.spec.gateways).map(str)) {
        if (gwName === 'mesh') continue;
        const gwFull = shortOrFullName(r.namespace, gwName);
        const gw = ctx.find('Gateway', gwFull.namespace, gwFull.name);
        if (!gw) continue;
        for (const pod of podIndex(ctx).matching(strMap(gw.spec.selector))) {
          const sels = [...(raByNs.get('istio-system') ?? []), ...(raByNs.get(pod.namespace) ?? [])];
          const covered = sels.some((s) => !s || Object.keys(s).every((k) => k in pod.labels && pod.labels[k] === s[k]));
          if (!covered) ctx.report(r, 'JwtClaimBasedRoutingWithoutRequestAuthN', key, fullNameString(gwFull), pod.name);
        }
      }
    }
  },
};
