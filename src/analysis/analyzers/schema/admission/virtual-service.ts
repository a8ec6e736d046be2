// istiod's admission rules for networking.istio.io VirtualService (Istio 1.30
// pkg/config/validation: ValidateVirtualService — delegate rules, gateways, JWT-claim routing
// only at gateways, hosts (wildcards, "*" not for the mesh, duplicates), at least one route,
// exportTo — validateTLSRoute/validateTLSMatch/validateSniHost, validateTCPRoute/
// validateTCPMatch, validateRouteDestinations; HTTP routes in ./virtual-service-http).
import { isJwtClaimKey } from './http-headers';
import { Report, exportTo, hostProblem, hostSubsetOf, hostsOverlap, ipSubnetProblem, isGoIpAddress, istioLabels, port } from './shared';
import { destination, gatewayNames, httpRoute } from './virtual-service-http';
import { Obj, Resource, arr, isObj, num, str } from '../../../model';

function l4Match(m: unknown, at: string, report: Report): void {
  if (!isObj(m)) { report(at, 'a match cannot be null'); return; }
  arr(m.destinationSubnets).forEach((s, i) => { const p = ipSubnetProblem(str(s)); if (p) report(`${at}.destinationSubnets[${i}]`, p); });
  if (m.port !== undefined && m.port !== 0) port(m.port, `${at}.port`, report);
  istioLabels(m.sourceLabels, `${at}.sourceLabels`, report);
  gatewayNames(m.gateways, `${at}.gateways`, report);
}

function routeDestinations(route: unknown, at: string, what: string, report: Report): void {
  const dests = arr(route);
  if (dests.length === 0) report(at, `${what} route is required`);
  dests.forEach((d: Obj, j) => {
    if (!isObj(d)) { report(`${at}[${j}]`, 'a route destination cannot be null'); return; }
    if (!isObj(d.destination)) report(`${at}[${j}]`, 'destination is required');
    destination(d.destination, `${at}[${j}].destination`, report);
    if (num(d.weight) < 0) report(`${at}[${j}].weight`, `weight ${d.weight} < 0`);
  });
  if (dests.length > 1 && dests.reduce((s: number, d: Obj) => s + (isObj(d) ? num(d.weight) : 0), 0) === 0) report(at, 'total destination weight = 0');
}

/** Checks a VirtualService. */
export function virtualService(r: Resource, report: Report): void {
  const spec = r.spec;
  const hosts = arr(spec.hosts).map(str);
  const gateways = arr(spec.gateways).map(str);
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) report('spec.gateways', 'a delegate VirtualService (without hosts) cannot name gateways');
    if (arr(spec.tls).length > 0) report('spec.tls', 'a delegate VirtualService (without hosts) cannot have tls routes');
    if (arr(spec.tcp).length > 0) report('spec.tcp', 'a delegate VirtualService (without hosts) cannot have tcp routes');
  }
  gatewayNames(spec.gateways, 'spec.gateways', report);
  const toGateway = gateways.some((g) => g !== 'mesh');
  const toMesh = gateways.length === 0 || !toGateway;
  if (!toGateway) {
    arr(spec.http).forEach((h: Obj, i) => arr(h?.match).forEach((m: Obj, j) => {
      for (const k of ['headers', 'withoutHeaders']) {
        for (const key of Object.keys(isObj(m?.[k]) ? m[k] : {})) {
          if (isJwtClaimKey(key)) report(`spec.http[${i}].match[${j}].${k}`, `JWT claim based routing (${JSON.stringify(key)}) works at gateways only, and this VirtualService applies to the mesh`);
        }
      }
    }));
  }
  let hostsValid = true;
  hosts.forEach((h, i) => {
    const p = hostProblem(h);
    if (p && !isGoIpAddress(h)) { report(`spec.hosts[${i}]`, p); hostsValid = false; } else if (toMesh && h === '*') {
      report(`spec.hosts[${i}]`, 'the wildcard host "*" is not allowed for a VirtualService bound to the mesh');
      hostsValid = false;
    }
  });
  if (hostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i], hosts[j])) report('spec.hosts', `duplicate hosts in the VirtualService: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if (arr(spec.http).length === 0 && arr(spec.tcp).length === 0 && arr(spec.tls).length === 0) report('spec', 'http, tcp or tls routes must be provided');
  arr(spec.http).forEach((h: Obj, i) => {
    if (!isObj(h)) report(`spec.http[${i}]`, 'an http route cannot be null');
    else httpRoute(h, `spec.http[${i}]`, delegate, report);
  });
  arr(spec.tls).forEach((t: Obj, i) => {
    const at = `spec.tls[${i}]`;
    if (!isObj(t)) return;
    if (arr(t.match).length === 0) report(at, 'a TLS route must have at least one match condition');
    arr(t.match).forEach((m: Obj, j) => {
      const mat = `${at}.match[${j}]`;
      l4Match(m, mat, report);
      const snis = arr(m?.sniHosts).map(str);
      if (isObj(m) && snis.length === 0) report(mat, 'a TLS match must have at least one SNI host');
      snis.forEach((sni, k) => {
        const p = hostProblem(sni);
        if (p) { if (!isGoIpAddress(sni)) report(`${mat}.sniHosts[${k}]`, p); return; }
        if (!hosts.some((h) => hostSubsetOf(sni, h))) report(`${mat}.sniHosts[${k}]`, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the VirtualService's hosts: [${hosts.join(', ')}]`);
      });
    });
    routeDestinations(t.route, `${at}.route`, 'a TLS', report);
  });
  arr(spec.tcp).forEach((t: Obj, i) => {
    const at = `spec.tcp[${i}]`;
    if (!isObj(t)) return;
    arr(t.match).forEach((m, j) => l4Match(m, `${at}.match[${j}]`, report));
    routeDestinations(t.route, `${at}.route`, 'a TCP', report);
  });
  exportTo(r.namespace, spec.exportTo, 'spec.exportTo', report);
}
