import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConnectionPool, renderConnectionPool } from './traffic-policy-connection-pool';
import * as l1 from '../../imports/networking.istio.io';
import { checkIstioLabelName, checkHost, checkNonEmpty, checkPort, isFqdn, isIpAddress } from '../core/checks';
import { invalid, validationMessage } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { Protocol } from '../core/protocol';
import { compact } from '../core/render';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * What the sidecar does with outbound traffic to destinations not in its service
 * registry.
 */
export enum OutboundTrafficPolicyMode {
  /** Block traffic to unknown destinations: only registered services (and ServiceEntries) are reachable. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
  /** Pass traffic to unknown destinations through. */
  ALLOW_ANY = 'ALLOW_ANY',
}

/**
 * How traffic reaches a sidecar listener.
 */
export enum SidecarCaptureMode {
  /** The default capture mode of the environment. */
  DEFAULT = 'DEFAULT',
  /** Traffic is captured by iptables redirection. */
  IPTABLES = 'IPTABLES',
  /** No capture: the application talks to the listener's `bind` address directly. */
  NONE = 'NONE',
}

/**
 * The port of a sidecar listener.
 */
export interface SidecarPort {
  /**
   * The port number, 1-65535; 0 for an egress listener bound to a Unix domain socket
   * (`bind: 'unix:///path'`).
   */
  readonly number: number;

  /**
   * The protocol on the port.
   *
   * @default - detected by Istio
   */
  readonly protocol?: Protocol;

  /**
   * Name of the port (a DNS-1123 label).
   *
   * @default - no name
   */
  readonly name?: string;
}

/**
 * A sidecar egress listener: which services the workload can reach (on a port, or on
 * all ports).
 */
export interface SidecarEgressListener {
  /**
   * Services exposed to the workload, in `namespace/dnsName` form: namespace `.` (the
   * Sidecar's namespace), `*` (any), `~` (none) or a name; dnsName a fully qualified host,
   * a wildcard domain or `*`. E.g. `./*` (everything in this namespace), `istio-system/*`, or `*` + `/api.example.com` (that host in any namespace).
   */
  readonly hosts: string[];

  /**
   * The port of the listener.
   *
   * @default - all ports of the imported services (a catch-all listener; at most one, listed last)
   */
  readonly port?: SidecarPort;

  /**
   * IP address the listener binds to, or a `unix://` socket (then `port.number` is 0).
   *
   * @default - chosen from the imported services
   */
  readonly bind?: string;

  /**
   * How traffic reaches the listener.
   *
   * @default SidecarCaptureMode.DEFAULT
   */
  readonly captureMode?: SidecarCaptureMode;
}

/**
 * A sidecar ingress listener: how inbound traffic on a port reaches the workload.
 */
export interface SidecarIngressListener {
  /** The port traffic arrives on. */
  readonly port: SidecarPort;

  /**
   * Where the traffic is forwarded: `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`,
   * `[::]:PORT` or `unix:///path/to/socket`.
   *
   * @default - the workload instance IP, on the same port
   */
  readonly defaultEndpoint?: string;

  /**
   * IP address the listener binds to.
   *
   * @default - all addresses of the workload instance
   */
  readonly bind?: string;

  /**
   * How traffic reaches the listener.
   *
   * @default SidecarCaptureMode.DEFAULT
   */
  readonly captureMode?: SidecarCaptureMode;

  /**
   * Limits on connections the listener accepts (overrides `inboundConnectionPool`).
   *
   * @default - the Sidecar's inboundConnectionPool
   */
  readonly connectionPool?: ConnectionPool;
}

/**
 * An HTTP proxy that traffic to unknown destinations is sent to (ALLOW_ANY mode only).
 */
export interface SidecarEgressProxy {
  /** FQDN of the egress proxy service, e.g. `egress-proxy.istio-system.svc.cluster.local`. */
  readonly host: string;

  /** The proxy's port, 1-65535. */
  readonly port: number;

  /**
   * A subset of the proxy service.
   *
   * @default - all endpoints of the service
   */
  readonly subset?: string;
}

/**
 * Properties of a `Sidecar`.
 */
export interface SidecarProps extends IstioResourceProps {
  /**
   * The workloads this configuration applies to.
   *
   * @default - every workload in the namespace without a more specific Sidecar (at most one such Sidecar per namespace)
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Outbound listeners: the services the workloads can reach. More can be added with
   * `addEgress`.
   *
   * @default - every service in the mesh (per exportTo)
   */
  readonly egress?: SidecarEgressListener[];

  /**
   * Inbound listeners. More can be added with `addIngress`.
   *
   * @default - derived from the workload's Services
   */
  readonly ingress?: SidecarIngressListener[];

  /**
   * What happens to traffic to destinations outside the registry.
   *
   * @default - the mesh-wide setting (ALLOW_ANY unless changed)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;

  /**
   * Send traffic to unknown destinations through this proxy. Requires `ALLOW_ANY`.
   *
   * @default - traffic to unknown destinations goes directly
   */
  readonly egressProxy?: SidecarEgressProxy;

  /**
   * Limits on connections accepted from the network on all inbound ports.
   *
   * @default - Envoy's defaults
   */
  readonly inboundConnectionPool?: ConnectionPool;
}

/**
 * `networking.istio.io/v1` Sidecar: narrows what a workload's sidecar proxy sees and
 * accepts — the services it can reach (egress), its inbound listeners, and what happens
 * to traffic to unknown destinations.
 *
 * Istio allows only one Sidecar without a `workloadSelector` per namespace (the
 * namespace default) and no two Sidecars selecting the same workload; this construct
 * cannot see the other Sidecars of a namespace, so it cannot check that.
 *
 * @example
 * new Sidecar(chart, 'default', {
 *   egress: [{ hosts: ['./*', 'istio-system/*'] }],
 *   outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
 * });
 */
export class Sidecar extends IstioResource {
  public readonly apiObject: l1.Sidecar;

  private readonly workloadSelector?: WorkloadSelector;
  private readonly egress: { [key: string]: unknown }[] = [];
  private readonly egressPorts = new Set<number>();
  private readonly egressSockets = new Set<string>();
  private catchAllEgress = false;
  private readonly ingress: { [key: string]: unknown }[] = [];
  private readonly ingressPorts = new Set<number>();
  private readonly outboundTrafficPolicy?: { [key: string]: unknown };
  private readonly inboundConnectionPool?: { [key: string]: unknown };

  public constructor(scope: Construct, id: string, props: SidecarProps = {}) {
    super(scope, id);
    this.workloadSelector = props.workloadSelector;
    if (props.egressProxy) {
      if (props.outboundTrafficPolicy !== OutboundTrafficPolicyMode.ALLOW_ANY) {
        invalid(this, 'outboundTrafficPolicy.egressProxy', props.egressProxy.host, `an egress proxy is only used with mode ALLOW_ANY, not ${props.outboundTrafficPolicy ?? 'the mesh default'}`, 'set outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY, or remove egressProxy');
      }
      if (!isFqdn(props.egressProxy.host)) {
        invalid(this, 'outboundTrafficPolicy.egressProxy.host', props.egressProxy.host, 'the egress proxy host must be a fully qualified domain name without wildcards', 'use e.g. "egress-proxy.istio-system.svc.cluster.local"');
      }
      checkPort(this, 'outboundTrafficPolicy.egressProxy.port', props.egressProxy.port);
      checkIstioLabelName(this, 'outboundTrafficPolicy.egressProxy.subset', props.egressProxy.subset);
    }
    if (props.outboundTrafficPolicy !== undefined) {
      this.outboundTrafficPolicy = compact({
        mode: props.outboundTrafficPolicy,
        egressProxy: props.egressProxy
          ? compact({ host: props.egressProxy.host, port: { number: props.egressProxy.port }, subset: props.egressProxy.subset })
          : undefined,
      });
    }
    this.inboundConnectionPool = props.inboundConnectionPool ? renderConnectionPool(this, 'inboundConnectionPool', props.inboundConnectionPool) : undefined;
    for (const e of props.egress ?? []) this.addEgress(e);
    for (const i of props.ingress ?? []) this.addIngress(i);
    this.apiObject = new l1.Sidecar(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => (this.egress.length + this.ingress.length === 0
        && this.outboundTrafficPolicy === undefined && this.inboundConnectionPool === undefined
        ? [validationMessage('egress', [], 'istiod refuses an empty Sidecar', 'add egress hosts (e.g. { hosts: ["./*", "istio-system/*"] }), ingress listeners, an outbound traffic policy or an inbound connection pool')]
        : []),
    });
  }

  /**
   * Adds an egress listener. A listener without a port is the catch-all: there can be one,
   * and it is rendered after the listeners with ports.
   */
  public addEgress(listener: SidecarEgressListener): Sidecar {
    const f = `egress[${listener.port?.number ?? '*'}]`;
    checkNonEmpty(this, `${f}.hosts`, listener.hosts, 'import at least one namespace/host, e.g. "./*"');
    const seen = new Set<string>();
    for (const h of listener.hosts) {
      checkEgressHost(this, `${f}.hosts`, h);
      if (seen.has(h)) invalid(this, `${f}.hosts`, h, 'the host appears more than once', 'list each host once');
      seen.add(h);
    }
    let port: { [key: string]: unknown } | undefined;
    const uds = listener.bind?.startsWith('unix://') ?? false;
    if (listener.port && listener.port.number === 0) {
      // A Unix-domain-socket listener: port 0 and a unix:// bind address.
      port = renderSidecarPort(this, `${f}.port`, listener.port, true);
      if (!uds) {
        invalid(this, `${f}.bind`, listener.bind, 'an egress listener on port 0 must be bound to a Unix domain socket', 'set bind: "unix:///path/to/socket", or use a port from 1 to 65535');
      }
      checkUnixPath(this, `${f}.bind`, listener.bind!);
      if (listener.captureMode === SidecarCaptureMode.IPTABLES) {
        invalid(this, `${f}.captureMode`, listener.captureMode, 'traffic to a Unix domain socket cannot be captured by iptables', 'use SidecarCaptureMode.DEFAULT or NONE');
      }
      if (this.egressSockets.has(listener.bind!)) {
        invalid(this, 'egress bind', listener.bind, 'another egress listener already uses this Unix domain socket', 'give each socket listener its own path');
      }
      this.egressSockets.add(listener.bind!);
    } else if (listener.port) {
      port = renderSidecarPort(this, `${f}.port`, listener.port);
      if (uds) {
        invalid(this, `${f}.bind`, listener.bind, 'a listener bound to a Unix domain socket must use port number 0', 'set port: { number: 0 } for the socket listener, or bind to an IP address');
      }
      checkBind(this, `${f}.bind`, listener.bind);
      if (this.egressPorts.has(listener.port.number)) {
        invalid(this, 'egress port', listener.port.number, 'another egress listener already uses this port', 'merge the hosts into one listener per port');
      }
      this.egressPorts.add(listener.port.number);
    } else {
      if (this.catchAllEgress) {
        invalid(this, 'egress port', undefined, 'there is already an egress listener without a port (the catch-all)', 'merge the hosts into the existing catch-all listener, or give this listener a port');
      }
      if (uds) checkUnixPath(this, `${f}.bind`, listener.bind!);
      else checkBind(this, `${f}.bind`, listener.bind);
      this.catchAllEgress = true;
    }
    this.egress.push(compact({
      hosts: [...listener.hosts],
      port,
      bind: listener.bind,
      captureMode: listener.captureMode,
    }));
    return this;
  }

  /**
   * Adds an ingress listener.
   */
  public addIngress(listener: SidecarIngressListener): Sidecar {
    const f = `ingress[${listener.port.number}]`;
    const port = renderSidecarPort(this, `${f}.port`, listener.port);
    if (this.ingressPorts.has(listener.port.number)) {
      invalid(this, 'ingress port', listener.port.number, 'another ingress listener already uses this port', 'declare each inbound port once');
    }
    this.ingressPorts.add(listener.port.number);
    if (listener.defaultEndpoint !== undefined) checkDefaultEndpoint(this, `${f}.defaultEndpoint`, listener.defaultEndpoint);
    checkBind(this, `${f}.bind`, listener.bind);
    this.ingress.push(compact({
      port,
      defaultEndpoint: listener.defaultEndpoint,
      bind: listener.bind,
      captureMode: listener.captureMode,
      connectionPool: listener.connectionPool ? renderConnectionPool(this, `${f}.connectionPool`, listener.connectionPool) : undefined,
    }));
    return this;
  }

  private renderSpec(): l1.SidecarSpec {
    // Istio requires the catch-all (port-less) egress listener to be the last one.
    const egress = [...this.egress.filter((e) => e.port !== undefined), ...this.egress.filter((e) => e.port === undefined)];
    const spec = {
      workloadSelector: this.workloadSelector ? { labels: this.workloadSelector._render(this, 'workloadSelector') } : undefined,
      egress: egress.length > 0 ? egress : undefined,
      ingress: this.ingress.length > 0 ? this.ingress : undefined,
      outboundTrafficPolicy: this.outboundTrafficPolicy,
      inboundConnectionPool: this.inboundConnectionPool,
    };
    return spec as unknown as l1.SidecarSpec;
  }

}

function renderSidecarPort(scope: IConstruct, field: string, port: SidecarPort, socket = false): { [key: string]: unknown } {
  if (!socket) checkPort(scope, `${field}.number`, port.number);
  checkIstioLabelName(scope, `${field}.name`, port.name);
  if (port.protocol !== undefined && !Object.values(Protocol).includes(port.protocol)) {
    invalid(scope, `${field}.protocol`, port.protocol, 'unknown protocol', 'use a Protocol value, e.g. Protocol.HTTP');
  }
  return compact({ number: port.number, protocol: port.protocol as string | undefined, name: port.name });
}

function checkEgressHost(scope: IConstruct, field: string, host: string): void {
  const slash = host.indexOf('/');
  if (slash < 0) {
    invalid(scope, field, host, 'a Sidecar egress host must have the form namespace/dnsName', `write e.g. "./${host || '*'}" (this namespace) or "*/${host || '*'}" (any namespace)`);
  }
  const ns = host.slice(0, slash);
  const dns = host.slice(slash + 1);
  if (ns !== '.' && ns !== '*' && ns !== '~') {
    if (ns.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) {
      invalid(scope, field, host, `the namespace part ${JSON.stringify(ns)} must be ".", "*", "~" or a namespace name`, 'write e.g. "istio-system/*" or "./*"');
    }
  }
  checkHost(scope, `${field} (dnsName of ${JSON.stringify(host)})`, dns);
  // istiod (validateSidecarOrGatewayHostnamePart) refuses short names and partial wildcards.
  if (dns !== '*' && !dns.includes('.')) {
    invalid(scope, field, host, 'istiod refuses short names (not fully qualified) as Sidecar egress hosts', `write the fully qualified name, e.g. "${ns}/${dns}.<namespace>.svc.cluster.local", or "${ns}/*"`);
  }
  if (dns.includes('*') && dns !== '*' && !dns.startsWith('*.')) {
    invalid(scope, field, host, 'a wildcard may only be the whole first label of the DNS name', 'write e.g. "*/*.example.com"');
  }
}

function checkBind(scope: IConstruct, field: string, bind: string | undefined): void {
  if (bind === undefined) return;
  if (!isIpAddress(bind)) {
    invalid(scope, field, bind, 'bind must be an IP address (or, for an egress listener on port 0, a unix:// socket)', 'use e.g. "127.0.0.1"');
  }
}

function checkUnixPath(scope: IConstruct, field: string, address: string): void {
  const path = address.slice('unix://'.length);
  if (!(path.startsWith('/') || path.startsWith('@')) || path.endsWith('/')) {
    invalid(scope, field, address, 'a Unix domain socket must be an absolute file path (or @abstract name), not a directory', 'use e.g. "unix:///var/run/app.sock"');
  }
}

function checkDefaultEndpoint(scope: IConstruct, field: string, endpoint: string): void {
  if (endpoint.startsWith('unix://')) {
    checkUnixPath(scope, field, endpoint);
    return;
  }
  const m = /^(127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\[::\]):([0-9]+)$/.exec(endpoint);
  if (!m) {
    invalid(scope, field, endpoint, 'defaultEndpoint must be 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix:///path', 'use e.g. "127.0.0.1:8080"');
  }
  checkPort(scope, field, Number(m[2]));
}
