// Input checks of EgressLockdown: external hosts, resolution, ports and the egress gateway.
import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { EgressGatewayOptions } from './egress-lockdown-props';
import { bareHost, isDnsName } from './egress-naming';
import { checkHost, checkPort } from '../core/checks';
import { invalid } from '../core/errors';
import { isHttpFamily, Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { ServiceEntryPort, ServiceEntryResolution } from '../networking/service-entry';

/** The default egress gateway Service. */
const DEFAULT_GATEWAY_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';

/**
 * TLS-carrying protocols (routed by SNI).
 * @internal
 */
export const TLS_LIKE = new Set<string>([Protocol.TLS, Protocol.HTTPS]);

/**
 * The egress gateway a lockdown routes through, with its defaults filled in.
 * @internal
 */
export interface EgressGatewayTarget {
  readonly selector: WorkloadSelector;
  readonly serviceHost: string;
  readonly namespace: string;
  readonly port: number;
}

/** @internal */
export function resolveGateway(scope: IConstruct, opts: EgressGatewayOptions): EgressGatewayTarget {
  const serviceHost = opts.serviceHost ?? DEFAULT_GATEWAY_HOST;
  const parts = serviceHost.split('.');
  if (!isDnsName(serviceHost) || parts.length < 4 || parts[2] !== 'svc') {
    invalid(scope, 'egressGateway.serviceHost', serviceHost, 'it must be the FQDN of the gateway\'s Service, <name>.<namespace>.svc.<domain>', `write e.g. "${DEFAULT_GATEWAY_HOST}"`);
  }
  const port = opts.port ?? 443;
  checkPort(scope, 'egressGateway.port', port);
  return { selector: opts.selector ?? WorkloadSelector.fromLabels({ istio: 'egressgateway' }), serviceHost, namespace: parts[1], port };
}

/** @internal */
export function checkExternalHost(scope: IConstruct, field: string, host: string, clusterDomain: string): void {
  if (typeof host !== 'string' || host.length === 0) {
    invalid(scope, field, host, 'the host must be a DNS name', 'write e.g. "api.example.com"');
  }
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(host);
  if (scheme) {
    invalid(scope, field, host, `the host carries a scheme ("${scheme[0]}"); the protocol belongs to the ports`, `write "${bareHost(host)}" and give the port, e.g. ports: [{ number: 443, protocol: Protocol.TLS }]`);
  }
  if (host.includes('/')) {
    invalid(scope, field, host, 'the host carries a path; egress is allowed per host, not per path', `write "${bareHost(host)}" (paths can be restricted with a VirtualService or AuthorizationPolicy on an egress gateway)`);
  }
  if (isIP(host) === 0 && host.includes(':')) {
    invalid(scope, field, host, 'the host carries a port; ports are given separately', `write "${bareHost(host)}" and ports: [{ number: ${host.slice(host.lastIndexOf(':') + 1) || 443}, protocol: Protocol.TLS }]`);
  }
  if (host === '*') {
    invalid(scope, field, host, 'the bare wildcard "*" would allow every external host, i.e. no lockdown at all', 'list the hosts, or a wildcard domain such as "*.example.com"');
  }
  if (isIP(host) !== 0) {
    invalid(scope, field, host, 'an IP address is not a host name; a ServiceEntry for it would need addresses instead of DNS', 'allow the DNS name of the service, or declare a ServiceEntry with `addresses` yourself');
  }
  if (host !== host.toLowerCase()) {
    invalid(scope, field, host, 'host names must be written in lower case (Istio compares them case-sensitively)', `write "${host.toLowerCase()}"`);
  }
  checkHost(scope, field, host);
  if (host.endsWith('.')) {
    invalid(scope, field, host, 'the host ends with a dot', `write "${host.slice(0, -1)}"`);
  }
  if (!host.includes('.')) {
    invalid(scope, field, host, 'a short name is resolved inside the cluster, not on the internet', 'write the fully qualified name, e.g. "api.example.com"; for in-mesh services use allowMeshService()');
  }
  if (host.startsWith('*') && !host.startsWith('*.')) {
    invalid(scope, field, host, 'a wildcard must be a whole leading label', 'write e.g. "*.example.com"');
  }
  if (host.startsWith('*.') && host.split('.').length < 3) {
    invalid(scope, field, host, 'the wildcard covers a whole top-level domain', 'write a narrower domain, e.g. "*.example.com"');
  }
  const d = clusterDomain;
  if (host === d || host.endsWith(`.${d}`) || host.endsWith('.svc') || (host.startsWith('*.') && d.endsWith(host.slice(1)))) {
    invalid(scope, field, host, `it names the cluster's own domain ("${d}"): in-mesh services are not external hosts`, 'call in-mesh services through `sameNamespace`, allowMeshService() or allowMeshHost()');
  }
}

/** @internal */
export function checkResolution(
  scope: IConstruct, field: string, host: string, resolution: ServiceEntryResolution | undefined, gateway: EgressGatewayTarget | undefined,
): ServiceEntryResolution {
  const wildcard = host.startsWith('*');
  const r = resolution ?? (wildcard ? ServiceEntryResolution.DYNAMIC_DNS : ServiceEntryResolution.DNS);
  if (!Object.values(ServiceEntryResolution).includes(r)) {
    invalid(scope, `${field}.resolution`, r, 'unknown resolution', 'use ServiceEntryResolution.DNS');
  }
  if (r === ServiceEntryResolution.STATIC) {
    invalid(scope, `${field}.resolution`, r, 'STATIC resolution needs endpoint addresses, which this pattern does not model', 'use DNS resolution, or declare the ServiceEntry with endpoints yourself and list its host with allowMeshHost("./<host>")');
  }
  if (wildcard && (r === ServiceEntryResolution.DNS || r === ServiceEntryResolution.DNS_ROUND_ROBIN)) {
    invalid(scope, `${field}.resolution`, r, 'a wildcard host cannot be resolved through DNS', 'use ServiceEntryResolution.DYNAMIC_DNS (the default for wildcard hosts)');
  }
  if (gateway) {
    if (wildcard) {
      invalid(scope, field, host, 'wildcard hosts cannot be routed through the egress gateway by this pattern (the gateway would need a dynamic forward proxy)', 'list the concrete hosts, or allow the wildcard in a lockdown without `egressGateway`');
    }
    if (r === ServiceEntryResolution.NONE || r === ServiceEntryResolution.DYNAMIC_DNS) {
      invalid(scope, `${field}.resolution`, r, 'the egress gateway must resolve the host itself to forward to it', 'use ServiceEntryResolution.DNS');
    }
  }
  return r;
}

/** @internal */
export function checkPorts(
  scope: IConstruct, field: string, host: string, ports: readonly ServiceEntryPort[], resolution: ServiceEntryResolution,
  gateway: EgressGatewayTarget | undefined, addressed = false,
): ServiceEntryPort[] {
  if (ports.length === 0) {
    invalid(scope, `${field}.ports`, [], 'a host without ports cannot be reached', 'give at least one port, e.g. [{ number: 443, protocol: Protocol.TLS }], or omit `ports` for 443/TLS');
  }
  const seen = new Set<number>();
  for (const p of ports) {
    if (!Number.isInteger(p.number) || p.number < 1 || p.number > 65535) {
      invalid(scope, `${field}.ports number`, p.number, 'a port number must be an integer from 1 to 65535', 'use the port the external service listens on, e.g. 443');
    }
    checkPort(scope, `${field}.ports[${p.number}].targetPort`, p.targetPort);
    if (!Object.values(Protocol).includes(p.protocol)) {
      invalid(scope, `${field}.ports[${p.number}].protocol`, p.protocol, 'unknown protocol', 'use a Protocol value, e.g. Protocol.TLS');
    }
    if (seen.has(p.number)) {
      invalid(scope, `${field}.ports number`, p.number, 'the port appears more than once', 'list each port once');
    }
    seen.add(p.number);
    const opaque = !TLS_LIKE.has(p.protocol) && !isHttpFamily(p.protocol);
    // With addresses the sidecar matches the connection's destination address instead.
    if (opaque && !addressed && (host.startsWith('*') || resolution === ServiceEntryResolution.NONE || resolution === ServiceEntryResolution.DYNAMIC_DNS)) {
      invalid(scope, `${field}.ports[${p.number}].protocol`, p.protocol, `opaque ${p.protocol} carries no host name, so with a wildcard host or ${resolution} resolution the sidecar would let through connections to any address on port ${p.number}`, 'use a concrete host with DNS resolution, a TLS/HTTP protocol, or a host group with the `addresses` it is reached at');
    }
    if (resolution === ServiceEntryResolution.DYNAMIC_DNS && p.protocol !== Protocol.HTTP && p.protocol !== Protocol.TLS) {
      invalid(scope, `${field}.ports[${p.number}].protocol`, p.protocol, 'DYNAMIC_DNS resolution (the default for wildcard hosts) works with HTTP ports (Host header) and TLS ports (SNI) only',
        p.protocol === Protocol.HTTPS ? 'declare the port with Protocol.TLS: HTTPS to an external host is TLS the sidecar passes through' : 'use Protocol.HTTP or Protocol.TLS');
    }
    if (gateway && opaque) {
      invalid(scope, `${field}.ports[${p.number}].protocol`, p.protocol, 'the egress gateway tells hosts apart by SNI or Host header, which opaque TCP does not carry', 'use TLS or HTTP, or allow the host in a lockdown without `egressGateway`');
    }
  }
  if (gateway && ports.length > 1) {
    invalid(scope, `${field}.ports`, ports.map((p) => p.number), 'through the egress gateway a host can have one port (all ports share the gateway port and the SNI name)', 'allow one port per host, e.g. 443/TLS');
  }
  return ports.map((p) => ({ ...p }));
}
