import { arr, isObj, obj, Obj } from '../../model';

interface RouteDestination {
  readonly rule: string;
  readonly destination: Obj;
}

/** tcp, tls then http route destinations (Istio's order). */
export function routeDestinations(spec: Obj): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const rule of ['tcp', 'tls', 'http']) {
    for (const r of arr(spec[rule])) {
      for (const rd of arr(r?.route)) out.push({ rule, destination: obj(rd?.destination) });
    }
  }
  return out;
}

export function mirrorDestinations(spec: Obj): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const r of arr(spec.http)) {
    if (isObj(r?.mirror)) out.push({ rule: 'http.mirror', destination: r.mirror });
    for (const m of arr(r?.mirrors)) out.push({ rule: 'http.mirrors', destination: obj(m?.destination) });
  }
  return out;
}
