// istiod's admission rules for networking.istio.io ServiceEntry (Istio 1.30
// pkg/config/validation: ValidateServiceEntry — workloadSelector xor endpoints, hosts ("*"
// refused), addresses (IPs or CIDRs, CIDRs only with NONE/STATIC), ports (unique names and
// numbers, DNS-1123 names, known protocols), resolution-specific rules for NONE, STATIC (endpoints
// as WorkloadEntries), DNS/DNS_ROUND_ROBIN (FQDN hosts without endpoints, at most one endpoint for
// round robin, endpoint addresses and ports) and DYNAMIC_DNS (wildcard hosts, no addresses or
// endpoints, HTTP/TLS/GRPC/HTTP2 ports, location), several hosts only with HTTP/TLS ports unless
// NONE, exportTo (with "~")).
import { exportTo, hostProblem, ipSubnetProblem, isDns1123Label, isGoIpAddress, istioLabels, port, PROTOCOLS, Report, selectorLabels } from './shared';
import { isFqdn, workloadEntrySpec } from './workload-entry';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const HTTP_LIKE = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web']);
const TLS_LIKE = new Set(['https', 'tls']);

/** Checks a ServiceEntry. */
export function serviceEntry(r: Resource, report: Report): void {
  const spec = r.spec;
  const resolution = str(spec.resolution) || 'NONE';
  const hosts = arr(spec.hosts).map(str);
  const endpoints = arr(spec.endpoints);
  const selector = isObj(spec.workloadSelector) ? spec.workloadSelector : undefined;
  if (selector) {
    selectorLabels(selector.labels, 'spec.workloadSelector.labels', report);
    if (spec.endpoints !== undefined) report('spec', 'only one of workloadSelector and endpoints is allowed');
  }
  if (hosts.length === 0) report('spec.hosts', 'a ServiceEntry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') {report(`spec.hosts[${i}]`, 'invalid host "*"');} else { const p = hostProblem(h); if (p) report(`spec.hosts[${i}]`, p); }
  });
  const addresses = arr(spec.addresses).map(str);
  addresses.forEach((a, i) => { const p = ipSubnetProblem(a); if (p) report(`spec.addresses[${i}]`, p); });
  if (addresses.some((a) => a.includes('/')) && resolution !== 'NONE' && resolution !== 'STATIC') report('spec.addresses', 'CIDR addresses are allowed only with NONE or STATIC resolution');
  const names = new Set<string>();
  const numbers = new Set<number>();
  const ports = arr(spec.ports).filter(isObj);
  ports.forEach((p: Obj, i) => {
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (names.has(name)) report(`${at}.name`, `port name ${JSON.stringify(name)} already defined`);
    names.add(name);
    if (numbers.has(p.number)) report(`${at}.number`, `port ${p.number} already defined`);
    numbers.add(p.number);
    if (p.targetPort !== undefined && p.targetPort !== 0) port(p.targetPort, `${at}.targetPort`, report);
    if (!isDns1123Label(name)) report(`${at}.name`, `invalid port name ${JSON.stringify(name)}`);
    if (p.protocol !== undefined && p.protocol !== '' && !PROTOCOLS.has(str(p.protocol).toLowerCase())) report(`${at}.protocol`, `unsupported protocol ${JSON.stringify(p.protocol)}`);
    port(p.number, `${at}.number`, report);
  });
  const protocolOf = (p: Obj) => str(p.protocol).toLowerCase();
  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) report('spec.endpoints', 'no endpoints can be given for resolution NONE');
      break;
    case 'STATIC':
      endpoints.forEach((e: Obj, i) => {
        if (!isObj(e)) report(`spec.endpoints[${i}]`, 'an endpoint cannot be null');
        else workloadEntrySpec(e, `spec.endpoints[${i}]`, report, { servicePorts: names, allowFqdn: false });
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        const bad = hosts.find((h) => !isFqdn(h));
        if (bad !== undefined) report('spec.hosts', `hosts must be FQDNs (no wildcards) when no endpoints are given for resolution ${resolution}: ${JSON.stringify(bad)}`);
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) report('spec.endpoints', `there can be only 0 or 1 endpoint for resolution ${resolution}`);
      endpoints.forEach((e: Obj, i) => {
        const at = `spec.endpoints[${i}]`;
        if (!isObj(e)) { report(at, 'an endpoint cannot be null'); return; }
        const a = str(e.address);
        if (!isGoIpAddress(a) && !isFqdn(a)) report(`${at}.address`, `endpoint address ${JSON.stringify(a)} is not a valid FQDN or an IP address`);
        istioLabels(e.labels, `${at}.labels`, report);
        for (const [n, pn] of Object.entries(isObj(e.ports) ? (e.ports as Obj) : {})) {
          if (!names.has(n)) report(`${at}.ports[${JSON.stringify(n)}]`, `endpoint port ${JSON.stringify(n)} is not defined by the ServiceEntry`);
          if (!isDns1123Label(n)) report(`${at}.ports`, `invalid port name ${JSON.stringify(n)}`);
          port(pn, `${at}.ports[${JSON.stringify(n)}]`, report);
        }
      });
      break;
    case 'DYNAMIC_DNS':
      hosts.forEach((h, i) => { if (!h.startsWith('*')) report(`spec.hosts[${i}]`, `host ${JSON.stringify(h)} must be a wildcard for resolution DYNAMIC_DNS`); });
      if (addresses.length > 0) report('spec.addresses', 'addresses cannot be set for resolution DYNAMIC_DNS (routes come from the hosts)');
      if (endpoints.length > 0) report('spec.endpoints', 'endpoints cannot be set for resolution DYNAMIC_DNS (the destination comes from the host)');
      ports.forEach((p: Obj, i) => {
        const proto = protocolOf(p);
        if (!['http', 'tls', 'grpc', 'http2'].includes(proto)) report(`spec.ports[${i}].protocol`, `only HTTP, TLS, GRPC and HTTP2 ports are supported for resolution DYNAMIC_DNS, not ${JSON.stringify(p.protocol ?? '')}`);
      });
      if (spec.location === 'MESH_INTERNAL' && (r.labels['istio.io/use-waypoint'] ?? 'none') !== 'none') {
        report('spec.location', 'location MESH_INTERNAL with resolution DYNAMIC_DNS is not supported with a waypoint');
      }
      break;
    default:
      break; // the CRD schema refuses other values
  }
  if (resolution !== 'NONE' && hosts.length > 1 && ports.some((p) => !HTTP_LIKE.has(protocolOf(p)) && !TLS_LIKE.has(protocolOf(p)))) {
    report('spec.ports', `several hosts with non-HTTP, non-TLS ports cannot be told apart with resolution ${resolution} (use one ServiceEntry per host, or resolution NONE)`);
  }
  exportTo(r.namespace, spec.exportTo, 'spec.exportTo', report, { serviceEntry: true });
}
