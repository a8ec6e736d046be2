// istiod's admission rules for networking.istio.io WorkloadEntry and WorkloadGroup (Istio 1.30
// pkg/config/validation: ValidateWorkloadEntry / validateWorkloadEntry — address (IP, FQDN or
// unix socket), ports, labels — and ValidateWorkloadGroup / validateReadinessProbe).
import { Report, isDns1123Label, isGoIpAddress, istioLabels, port } from './shared';
import { Obj, Resource, arr, isObj, num, str } from '../../../model';

/** Kubernetes' rule for probe header names. */
const PROBE_HEADER = /^[-A-Za-z0-9]+$/;

/** Whether `v` is a fully qualified domain name as istiod's `agent.ValidateFQDN` accepts it. */
export function isFqdn(v: string): boolean {
  if (v.length === 0 || v.length > 255) return false;
  const labels = (v.endsWith('.') ? v.slice(0, -1) : v).split('.');
  return labels.every((l) => isDns1123Label(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/**
 * Checks one workload entry (a WorkloadEntry's spec, or a ServiceEntry endpoint):
 * `servicePorts` are the port names of the ServiceEntry (undefined for a WorkloadEntry).
 */
export function workloadEntrySpec(we: Obj, at: string, report: Report, opts: { servicePorts?: Set<string>; allowFqdn: boolean }): void {
  const addr = str(we.address);
  if (addr === '' && !we.network) { report(`${at}.address`, 'address is required (unless a network is given)'); return; }
  const unix = addr.startsWith('unix://');
  if (unix) {
    const path = addr.slice('unix://'.length);
    if (path === '') report(`${at}.address`, 'a unix address must not be empty');
    else if (!path.startsWith('@') && !path.startsWith('/')) report(`${at}.address`, `unix address ${JSON.stringify(path)} must be an absolute path`);
    if (Object.keys(isObj(we.ports) ? we.ports : {}).length > 0) report(`${at}.ports`, `the unix endpoint ${addr} must not have ports`);
  } else if (addr !== '' && !isGoIpAddress(addr)) {
    if (!opts.allowFqdn) report(`${at}.address`, `endpoint address ${JSON.stringify(addr)} is not a valid IP address`);
    else if (!isFqdn(addr)) report(`${at}.address`, `endpoint address ${JSON.stringify(addr)} is not a valid FQDN or an IP address`);
  }
  for (const [name, p] of Object.entries(isObj(we.ports) ? (we.ports as Obj) : {})) {
    if (opts.servicePorts !== undefined && !opts.servicePorts.has(name)) report(`${at}.ports[${JSON.stringify(name)}]`, `endpoint port ${JSON.stringify(name)} is not defined by the ServiceEntry`);
    if (!isDns1123Label(name)) report(`${at}.ports`, `invalid port name ${JSON.stringify(name)}`);
    port(p, `${at}.ports[${JSON.stringify(name)}]`, report);
  }
  istioLabels(we.labels, `${at}.labels`, report);
  if (unix && opts.servicePorts !== undefined && opts.servicePorts.size !== 1) report(at, 'exactly 1 service port is required for unix endpoints');
}

/** Checks a WorkloadEntry. */
export function workloadEntry(r: Resource, report: Report): void {
  workloadEntrySpec(r.spec, 'spec', report, { allowFqdn: true });
}

/** Checks a WorkloadGroup. */
export function workloadGroup(r: Resource, report: Report): void {
  const spec = r.spec;
  if (!isObj(spec.template)) { report('spec.template', 'template is required'); return; }
  if (isObj(spec.metadata)) istioLabels(spec.metadata.labels, 'spec.metadata.labels', report);
  const probe = spec.probe;
  if (!isObj(probe)) return;
  for (const k of ['periodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold']) {
    if (typeof probe[k] === 'number' && probe[k] < 0) report(`spec.probe.${k}`, `${k} must be non-negative`);
  }
  const kinds = ['httpGet', 'tcpSocket', 'exec'].filter((k) => probe[k] !== undefined);
  if (kinds.length === 0) report('spec.probe', 'a readiness probe needs one of httpGet, tcpSocket or exec');
  if (isObj(probe.httpGet)) {
    port(num(probe.httpGet.port), 'spec.probe.httpGet.port', report);
    const scheme = probe.httpGet.scheme;
    if (scheme !== undefined && scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS') report('spec.probe.httpGet.scheme', 'httpGet.scheme must be "HTTPS" or "HTTP"');
    arr(probe.httpGet.httpHeaders).forEach((h: Obj, i) => {
      const name = str(h?.name);
      if (name === '') report(`spec.probe.httpGet.httpHeaders[${i}].name`, 'header name cannot be empty');
      else if (!PROBE_HEADER.test(name)) report(`spec.probe.httpGet.httpHeaders[${i}].name`, `header name ${JSON.stringify(name)} is not a valid header name`);
    });
  }
  if (isObj(probe.tcpSocket)) port(num(probe.tcpSocket.port), 'spec.probe.tcpSocket.port', report);
  if (isObj(probe.exec) && arr(probe.exec.command).length === 0) report('spec.probe.exec.command', 'exec.command is required');
}
