import { createHash } from 'crypto';
import { isIP } from 'net';
import { Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshService } from './mesh-service';
import { checkDns1123Label, checkHost, checkPort } from '../core/checks';
import { invalid, invalidMessage, validationMessage } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { isHttpFamily, Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { DestinationRule } from '../networking/destination-rule';
import { Gateway } from '../networking/gateway';
import { Server, ServerTlsMode } from '../networking/gateway-server';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryPort, ServiceEntryResolution } from '../networking/service-entry';
import { OutboundTrafficPolicyMode, Sidecar } from '../networking/sidecar';
import { ClientTls } from '../networking/traffic-policy-client-tls';
import { VirtualService } from '../networking/virtual-service';

/**
 * How one external host may be reached.
 */
export interface EgressHostOptions {
  /**
   * The ports (and their protocols) the workload may use towards the host. Use
   * `Protocol.TLS` (or `HTTPS`) for TLS the application originates itself — the sidecar
   * routes it by SNI without decrypting — and `Protocol.HTTP` for plain HTTP. An opaque
   * `Protocol.TCP` port carries no host name: without `addresses` (add them on the
   * ServiceEntry, or let Istio's DNS proxy auto-allocate them) the sidecar sends every
   * connection to that port number to this host, and istioctl reports IST0134.
   *
   * @default - port 443 with protocol TLS
   */
  readonly ports?: ServiceEntryPort[];

  /**
   * How the sidecar finds the host's addresses. `DNS` (and `DNS_ROUND_ROBIN`) resolve
   * the host name itself, so a workload cannot reach another IP address by faking the
   * SNI or Host header. `DYNAMIC_DNS` resolves the name the request carries (needed for
   * wildcard hosts). `NONE` forwards to whatever IP address the application connected
   * to: a workload that sends an allowed SNI/Host to another address gets through, so
   * use it only when you must. `STATIC` is not supported (it needs endpoints): declare
   * such a ServiceEntry yourself.
   *
   * @default - `DNS` for a host name, `DYNAMIC_DNS` for a wildcard host (`*.example.com`)
   */
  readonly resolution?: ServiceEntryResolution;
}

/**
 * An external host on an egress allowlist.
 */
export interface EgressAllowedHost extends EgressHostOptions {
  /**
   * The DNS name of the host, without scheme, port or path: `api.example.com`, or a
   * wildcard domain `*.example.com` (not through an egress gateway). `*` alone is not
   * allowed: it would allow everything.
   */
  readonly host: string;
}

/**
 * Where to send allowed egress traffic for auditing: an Istio egress gateway.
 */
export interface EgressGatewayOptions {
  /**
   * The egress gateway pods that serve the generated Gateway, by their labels.
   *
   * @default - Istio's default egress gateway: `{ istio: 'egressgateway' }`
   */
  readonly selector?: WorkloadSelector;

  /**
   * FQDN of the egress gateway's Kubernetes Service, `<name>.<namespace>.svc.<domain>`.
   * Its namespace also receives the ServiceEntries and VirtualServices of the routed
   * hosts (`exportTo`), because the gateway must see them.
   *
   * @default "istio-egressgateway.istio-system.svc.cluster.local"
   */
  readonly serviceHost?: string;

  /**
   * The gateway port sidecars send to: TLS from the application is passed through on it
   * (routed by SNI), plain HTTP is carried over Istio mutual TLS on it.
   *
   * @default 443
   */
  readonly port?: number;
}

/**
 * Properties of an `EgressLockdown`.
 */
export interface EgressLockdownProps {
  /**
   * Lock down this mesh service's pods (all versions, selected by `app=<serviceName>`).
   * Give at most one of `workload` and `workloadSelector`.
   *
   * @default - no MeshService; see `workloadSelector`
   */
  readonly workload?: MeshService;

  /**
   * Lock down the pods carrying these labels.
   *
   * @default - when neither `workload` nor `workloadSelector` is given, the lockdown is
   * namespace-wide: it applies to every workload of the namespace without a Sidecar of
   * its own (at most one such lockdown per namespace)
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * The namespace of the locked-down workloads; every object is created in it.
   *
   * @default - the namespace of `workload`, else the chart's namespace (one is required)
   */
  readonly namespace?: string;

  /**
   * The external hosts the workloads may reach. More can be added with `allowHost`.
   *
   * @default - none yet; at least one must be added before synthesis unless
   * `blockAllExternal` is set
   */
  readonly allow?: EgressAllowedHost[];

  /**
   * Allow no external host at all (an empty allowlist is otherwise an error, as it is
   * usually a mistake).
   *
   * @default false
   */
  readonly blockAllExternal?: boolean;

  /**
   * Let the workloads call every Kubernetes Service of their own namespace (Sidecar
   * egress host `./*.svc.<clusterDomain>`). This does not cover ServiceEntries of external
   * hosts, so the per-workload isolation holds. Set to `false` to allow only the mesh
   * destinations listed explicitly.
   *
   * @default true
   */
  readonly sameNamespace?: boolean;

  /**
   * Mesh services (in any namespace) the workloads may call. More can be added with
   * `allowMeshService`.
   *
   * @default - none besides the own namespace (see `sameNamespace`)
   */
  readonly meshServices?: MeshService[];

  /**
   * Other namespaces whose services the workloads may call (`<namespace>/*`), e.g. a
   * namespace running an OpenTelemetry collector. More can be added with
   * `allowMeshNamespace`.
   *
   * @default - none (the sidecar reaches istiod through its bootstrap configuration,
   * not through these hosts)
   */
  readonly meshNamespaces?: string[];

  /**
   * Further Sidecar egress hosts in `namespace/dnsName` form, e.g.
   * `observability/otel-collector.observability.svc.cluster.local`. Entries importing a
   * whole namespace into the own one (`./*`, `*` + `/*`) are rejected: they would import
   * every ServiceEntry of the namespace. More can be added with `allowMeshHost`.
   *
   * @default - none
   */
  readonly meshHosts?: string[];

  /**
   * Route the allowed hosts through an egress gateway, so all the traffic leaves the mesh
   * at one audited place (Istio's egress-gateway task): a Gateway, a VirtualService per
   * host and a DestinationRule for the gateway are created.
   *
   * @default - the sidecars connect to the external hosts directly
   */
  readonly egressGateway?: EgressGatewayOptions;

  /**
   * The cluster's DNS domain, used for the own-namespace host pattern and to reject
   * in-cluster names on the external allowlist.
   *
   * @default "cluster.local"
   */
  readonly clusterDomain?: string;

  /**
   * `metadata.name` of the Sidecar.
   *
   * @default - `default` for a namespace-wide lockdown, `<serviceName>-egress` for a
   * MeshService, else a name generated from the construct path
   */
  readonly sidecarName?: string;
}

const DEFAULT_PORTS: ServiceEntryPort[] = [{ number: 443, protocol: Protocol.TLS }];
const DEFAULT_GATEWAY_HOST = 'istio-egressgateway.istio-system.svc.cluster.local';
const TLS_LIKE = new Set<string>([Protocol.TLS, Protocol.HTTPS]);

/** One external host in one namespace: its ServiceEntry is shared by every lockdown allowing it. */
interface HostRecord {
  readonly host: string;
  readonly entry: ServiceEntry;
  readonly resolution: ServiceEntryResolution;
  readonly gatewayHost?: string;
  readonly ports: Map<number, Protocol>;
  readonly users: EgressLockdown[];
}

/** What the lockdowns of one namespace (in one app) share. */
interface NamespaceRecord {
  namespaceWide?: EgressLockdown;
  readonly lockdowns: EgressLockdown[];
  readonly hosts: Map<string, HostRecord>;
  readonly gatewayRules: Map<string, DestinationRule>;
  /** Wildcard index for the leak check (see `wildcardIndex`), valid while `indexSize` matches. */
  index?: Map<string, HostRecord[]>;
  indexSize?: number;
}

const REGISTRY = new WeakMap<IConstruct, Map<string, NamespaceRecord>>();

function namespaceRecord(scope: IConstruct, namespace: string): NamespaceRecord {
  const root = scope.node.root;
  let byNamespace = REGISTRY.get(root);
  if (!byNamespace) {
    byNamespace = new Map();
    REGISTRY.set(root, byNamespace);
  }
  let rec = byNamespace.get(namespace);
  if (!rec) {
    rec = { lockdowns: [], hosts: new Map(), gatewayRules: new Map() };
    byNamespace.set(namespace, rec);
  }
  return rec;
}

/**
 * Limits the outbound traffic of a namespace, or of a single workload, to an allowlist
 * of external hosts — e.g. productpage may reach `a-cup-of.coffee` and reviews only
 * `une-tasse-de.cafe`, which a mesh-wide `REGISTRY_ONLY` setting cannot express.
 *
 * It emits:
 * - a **Sidecar** with `outboundTrafficPolicy: REGISTRY_ONLY` whose egress hosts are
 *   narrowed to the allowed external hosts plus the in-mesh destinations
 *   (by default the Kubernetes Services of the own namespace, `./*.svc.cluster.local`);
 *   with a workload selector for a single workload, without one for the whole namespace;
 * - one **ServiceEntry** per external host (typed ports, `MESH_EXTERNAL`, `DNS`
 *   resolution) with `exportTo: ['.']`, so the allowance does not leak to other
 *   namespaces;
 * - optionally (`egressGateway`) a **Gateway**, a **VirtualService** per host and a
 *   **DestinationRule** that send the traffic through an egress gateway for auditing.
 *
 * **Isolation inside a namespace.** ServiceEntries are visible to every workload of
 * their namespace; `exportTo` cannot narrow them further. What keeps workload B from
 * reaching workload A's hosts is B's own Sidecar, whose egress hosts list only B's
 * entries. Therefore every other workload of the namespace needs a Sidecar too: give the
 * namespace a namespace-wide `EgressLockdown` (the default for every workload without
 * its own), or lock each workload down. Lockdowns of one namespace that allow the same
 * host share one ServiceEntry (and must agree on its resolution and routing); egress
 * hosts that would import another lockdown's host (e.g. a wildcard) are reported at synth.
 *
 * **What it does not cover.** It configures the Envoy sidecar, so it does not restrict
 * traffic that bypasses the sidecar: pods without sidecar injection, init containers
 * (which run before the proxy), `hostNetwork` pods, ports or CIDRs excluded from capture
 * (`traffic.sidecar.istio.io/exclude*` annotations), or a workload able to change its own
 * iptables rules (`NET_ADMIN`). Ambient mode has no Sidecar resource, so there it has no
 * effect (use waypoint proxies and AuthorizationPolicies instead). It is not a Kubernetes
 * NetworkPolicy: for a hard guarantee, also deny egress at the CNI level except to the
 * egress gateway.
 *
 * @example
 * new EgressLockdown(chart, 'productpage-egress', {
 *   workload: productpage,
 *   allow: [{ host: 'a-cup-of.coffee' }],
 * });
 * new EgressLockdown(chart, 'reviews-egress', {
 *   workload: reviews,
 *   allow: [{ host: 'une-tasse-de.cafe', ports: [{ number: 443, protocol: Protocol.TLS }] }],
 * }).allowMeshService(ratings);
 */
export class EgressLockdown extends Construct {
  /**
   * The Sidecar that narrows the workloads' egress (the escape hatch for its settings).
   * Its single egress listener holds every host; hosts added after construction are
   * appended to the first listener of the rendered manifest, so do not add egress
   * listeners with ports to it.
   */
  public readonly sidecar: Sidecar;

  /** The namespace of the workloads and of every object of the lockdown. */
  public readonly namespace: string;

  /** The workloads locked down, or `undefined` for a namespace-wide lockdown. */
  public readonly workloadSelector?: WorkloadSelector;

  private readonly record: NamespaceRecord;
  private readonly clusterDomain: string;
  private readonly blockAllExternal: boolean;
  private readonly gateway?: { selector: WorkloadSelector; serviceHost: string; namespace: string; port: number };
  private readonly hostOrder: string[] = [];
  private readonly hostRecords = new Map<string, HostRecord>();
  private readonly egressList: string[] = [];
  private readonly egressSet = new Set<string>();
  private readonly ownGateways: Gateway[] = [];
  private readonly ownRoutes: VirtualService[] = [];
  private gatewayRule?: DestinationRule;
  private sidecarCreated = false;
  private placeholder = false;

  public constructor(scope: Construct, id: string, props: EgressLockdownProps = {}) {
    super(scope, id);
    if (props.workload !== undefined && props.workloadSelector !== undefined) {
      invalid(this, 'workload and workloadSelector', { workload: props.workload.node.path, workloadSelector: props.workloadSelector.labels }, 'these fields are mutually exclusive', 'give the MeshService as `workload`, or its labels as `workloadSelector`, not both');
    }
    checkDns1123Label(this, 'namespace', props.namespace);
    const workloadNs = props.workload?.namespace;
    if (props.workload !== undefined && props.namespace !== undefined && workloadNs !== undefined && workloadNs !== props.namespace) {
      invalid(this, 'namespace', props.namespace, `the MeshService ${props.workload.serviceName} runs in namespace "${workloadNs}", and a Sidecar only applies to workloads of its own namespace`, `omit \`namespace\` (it defaults to "${workloadNs}") or pass "${workloadNs}"`);
    }
    const namespace = props.namespace ?? workloadNs ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid(this, 'namespace', undefined, 'a lockdown must know its namespace: a Sidecar without one would land in whatever namespace it is applied to, and `./` egress hosts and `exportTo: ["."]` depend on it', 'pass `namespace`, or create the lockdown in a Chart with a namespace');
    }
    this.namespace = namespace;
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    if (!isDnsName(this.clusterDomain)) {
      invalid(this, 'clusterDomain', this.clusterDomain, 'it must be a DNS domain', 'use the cluster\'s DNS domain, e.g. "cluster.local"');
    }
    this.blockAllExternal = props.blockAllExternal ?? false;
    this.workloadSelector = props.workload?.selector ?? props.workloadSelector;
    this.record = namespaceRecord(this, namespace);

    if (this.workloadSelector === undefined) {
      const existing = this.record.namespaceWide;
      if (existing) {
        invalid(this, 'workloadSelector', undefined, `namespace "${namespace}" already has a namespace-wide lockdown (${existing.node.path}), and Istio allows only one Sidecar without a workload selector per namespace`, 'add the hosts to the existing lockdown with allowHost(), or give this one a `workload` or `workloadSelector`');
      }
      this.record.namespaceWide = this;
    }
    this.record.lockdowns.push(this);

    if (props.egressGateway !== undefined) this.gateway = this.resolveGateway(props.egressGateway);

    if (props.allow !== undefined && props.allow.length === 0) {
      invalid(this, 'allow', [], 'the allowlist is empty, so the lockdown would block every external host; that is usually a mistake (e.g. a computed list that came out empty)', 'list at least one host, e.g. [{ host: "api.example.com" }], or set `blockAllExternal: true` to allow none on purpose');
    }
    for (const a of props.allow ?? []) this.allowHost(a.host, a);

    if (props.sameNamespace ?? true) this.addEgressHost(`./*.svc.${this.clusterDomain}`);
    for (const s of props.meshServices ?? []) this.allowMeshService(s);
    for (const ns of props.meshNamespaces ?? []) this.allowMeshNamespace(ns);
    for (const h of props.meshHosts ?? []) this.allowMeshHost(h);

    const sidecarName = props.sidecarName
      ?? (this.workloadSelector === undefined ? 'default' : props.workload ? `${props.workload.serviceName}-egress` : undefined);
    this.placeholder = this.egressList.length === 0;
    this.sidecar = new Sidecar(this, 'Sidecar', {
      // An explicit `name: undefined` would replace the generated name.
      metadata: sidecarName === undefined ? { namespace } : { name: sidecarName, namespace },
      workloadSelector: this.workloadSelector,
      // `~/*` imports nothing: the form Istio uses for "no egress at all".
      egress: [{ hosts: this.placeholder ? ['~/*'] : [...this.egressList] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });
    this.sidecarCreated = true;

    this.node.addValidation({ validate: () => this.validateLockdown() });
  }

  /** The external hosts this lockdown allows, in the order they were added. */
  public get allowedHosts(): string[] {
    return [...this.hostOrder];
  }

  /** The Sidecar's egress hosts, as rendered (`~/*` when nothing is allowed). */
  public get egressHosts(): string[] {
    return this.egressList.length === 0 ? ['~/*'] : [...this.egressList];
  }

  /** Whether the lockdown applies to the whole namespace (no workload selector). */
  public get namespaceWide(): boolean {
    return this.workloadSelector === undefined;
  }

  /**
   * The ServiceEntries of the allowed hosts, one per host. An entry is shared with the
   * other lockdowns of the namespace that allow the same host (it belongs to the first).
   */
  public get serviceEntries(): ServiceEntry[] {
    return this.hostOrder.map((h) => this.hostRecords.get(h)!.entry);
  }

  /** The ServiceEntry of one allowed host. */
  public serviceEntry(host: string): ServiceEntry {
    const rec = this.hostRecords.get(host);
    if (!rec) {
      invalid(this, 'host', host, `the lockdown does not allow this host (it allows ${this.hostOrder.length ? this.hostOrder.join(', ') : 'none'})`, 'use one of its hosts, or add it with allowHost()');
    }
    return rec.entry;
  }

  /** The egress Gateways this lockdown created (one per host routed through the gateway). */
  public get gateways(): Gateway[] {
    return [...this.ownGateways];
  }

  /** The VirtualServices this lockdown created (one per host routed through the gateway). */
  public get virtualServices(): VirtualService[] {
    return [...this.ownRoutes];
  }

  /**
   * The DestinationRule for the egress gateway service with one subset per routed host,
   * shared by the lockdowns of the namespace that use the same gateway.
   */
  public get destinationRule(): DestinationRule | undefined {
    return this.gatewayRule;
  }

  /**
   * Allows the workloads to reach an external host: adds (or shares) its ServiceEntry and
   * lists it in the Sidecar's egress hosts; with `egressGateway`, also routes it through
   * the gateway.
   */
  public allowHost(host: string, options: EgressHostOptions = {}): EgressLockdown {
    const field = `allow[${JSON.stringify(host)}]`;
    if (this.blockAllExternal) {
      invalid(this, field, host, 'the lockdown was created with `blockAllExternal: true`, which allows no external host', 'remove `blockAllExternal`, or do not allow hosts');
    }
    this.checkExternalHost(field, host);
    if (this.hostRecords.has(host)) {
      invalid(this, 'allow host', host, 'the host is allowed twice by this lockdown', 'list each host once (give all its ports in one entry)');
    }
    const resolution = this.checkResolution(field, host, options.resolution);
    const ports = this.checkPorts(field, host, options.ports ?? DEFAULT_PORTS, resolution);

    const existing = this.record.hosts.get(host);
    const rec = existing ? this.shareHost(field, existing, resolution, ports) : this.createHost(host, resolution, ports);
    rec.users.push(this);
    this.hostRecords.set(host, rec);
    this.hostOrder.push(host);
    this.addEgressHost(`./${host}`);
    if (this.gateway) this.addEgressHost(`${this.gateway.namespace}/${this.gateway.serviceHost}`);
    return this;
  }

  /**
   * Allows the workloads to call a mesh service (its FQDN, in its namespace).
   */
  public allowMeshService(service: MeshService): EgressLockdown {
    const ns = service.namespace;
    if (ns === undefined) {
      invalid(this, 'meshServices', service.node.path, 'the MeshService has no namespace, so its host name is not known', 'give the MeshService a `namespace`, or create it in a Chart with a namespace');
    }
    return this.addEgressHost(`${ns === this.namespace ? '.' : ns}/${service.host}`);
  }

  /**
   * Allows the workloads to call every service of another namespace (`<namespace>/*`).
   */
  public allowMeshNamespace(namespace: string): EgressLockdown {
    checkDns1123Label(this, 'meshNamespaces', namespace);
    if (namespace === this.namespace) {
      invalid(this, 'meshNamespaces', namespace, 'importing the own namespace as a whole ("<namespace>/*") would also import every ServiceEntry in it, i.e. the hosts other workloads are allowed', 'leave `sameNamespace` at true (own Kubernetes Services only), or list the services with allowMeshService()');
    }
    return this.addEgressHost(`${namespace}/*`);
  }

  /**
   * Adds a Sidecar egress host in `namespace/dnsName` form (e.g.
   * `observability/otel-collector.observability.svc.cluster.local`).
   */
  public allowMeshHost(host: string): EgressLockdown {
    const field = 'meshHosts';
    const slash = host.indexOf('/');
    if (slash < 0) {
      invalid(this, field, host, 'a Sidecar egress host has the form namespace/dnsName', `write e.g. "./${host || 'reviews.bookinfo.svc.cluster.local'}" or "other-namespace/${host || '*'}"`);
    }
    const ns = host.slice(0, slash);
    const dns = host.slice(slash + 1);
    if (ns !== '.' && ns !== '*' && ns !== '~' && (ns.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns))) {
      invalid(this, field, host, `the namespace part "${ns}" must be ".", "*", "~" or a namespace name`, 'write e.g. "istio-system/*" or "./reviews.bookinfo.svc.cluster.local"');
    }
    checkHost(this, `${field} (dnsName of ${JSON.stringify(host)})`, dns);
    if (dns !== '*' && !dns.includes('.')) {
      invalid(this, field, host, 'Sidecar egress hosts must be fully qualified (short names are not resolved here)', `write e.g. "${ns}/${dns}.<namespace>.svc.${this.clusterDomain}"`);
    }
    if (dns === '*' && (ns === '.' || ns === '*' || ns === this.namespace)) {
      invalid(this, field, host, 'it imports every service of the own namespace, including every ServiceEntry, so every host any workload of the namespace is allowed becomes reachable', `use \`sameNamespace\` (Kubernetes Services only, "./*.svc.${this.clusterDomain}") or list the services`);
    }
    return this.addEgressHost(host);
  }

  // ---------------------------------------------------------------------------------

  private addEgressHost(host: string): EgressLockdown {
    if (this.egressSet.has(host)) return this;
    this.egressSet.add(host);
    this.egressList.push(host);
    if (this.sidecarCreated) {
      // The Sidecar copies its listeners when they are added; later hosts are appended
      // to the (single, catch-all) listener of the rendered manifest.
      if (this.placeholder) {
        this.sidecar.addJsonPatch(JsonPatch.replace('/spec/egress/0/hosts/0', host));
        this.placeholder = false;
      } else {
        this.sidecar.addJsonPatch(JsonPatch.add('/spec/egress/0/hosts/-', host));
      }
    }
    return this;
  }

  private resolveGateway(opts: EgressGatewayOptions): { selector: WorkloadSelector; serviceHost: string; namespace: string; port: number } {
    const serviceHost = opts.serviceHost ?? DEFAULT_GATEWAY_HOST;
    const parts = serviceHost.split('.');
    if (!isDnsName(serviceHost) || parts.length < 4 || parts[2] !== 'svc') {
      invalid(this, 'egressGateway.serviceHost', serviceHost, 'it must be the FQDN of the gateway\'s Service, <name>.<namespace>.svc.<domain>', `write e.g. "${DEFAULT_GATEWAY_HOST}"`);
    }
    const port = opts.port ?? 443;
    checkPort(this, 'egressGateway.port', port);
    return { selector: opts.selector ?? WorkloadSelector.fromLabels({ istio: 'egressgateway' }), serviceHost, namespace: parts[1], port };
  }

  private checkExternalHost(field: string, host: string): void {
    if (typeof host !== 'string' || host.length === 0) {
      invalid(this, field, host, 'the host must be a DNS name', 'write e.g. "api.example.com"');
    }
    const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(host);
    if (scheme) {
      invalid(this, field, host, `the host carries a scheme ("${scheme[0]}"); the protocol belongs to the ports`, `write "${bareHost(host)}" and give the port, e.g. ports: [{ number: 443, protocol: Protocol.TLS }]`);
    }
    if (host.includes('/')) {
      invalid(this, field, host, 'the host carries a path; egress is allowed per host, not per path', `write "${bareHost(host)}" (paths can be restricted with a VirtualService or AuthorizationPolicy on an egress gateway)`);
    }
    if (isIP(host) === 0 && host.includes(':')) {
      invalid(this, field, host, 'the host carries a port; ports are given separately', `write "${bareHost(host)}" and ports: [{ number: ${host.slice(host.lastIndexOf(':') + 1) || 443}, protocol: Protocol.TLS }]`);
    }
    if (host === '*') {
      invalid(this, field, host, 'the bare wildcard "*" would allow every external host, i.e. no lockdown at all', 'list the hosts, or a wildcard domain such as "*.example.com"');
    }
    if (isIP(host) !== 0) {
      invalid(this, field, host, 'an IP address is not a host name; a ServiceEntry for it would need addresses instead of DNS', 'allow the DNS name of the service, or declare a ServiceEntry with `addresses` yourself');
    }
    if (host !== host.toLowerCase()) {
      invalid(this, field, host, 'host names must be written in lower case (Istio compares them case-sensitively)', `write "${host.toLowerCase()}"`);
    }
    checkHost(this, field, host);
    if (host.endsWith('.')) {
      invalid(this, field, host, 'the host ends with a dot', `write "${host.slice(0, -1)}"`);
    }
    if (!host.includes('.')) {
      invalid(this, field, host, 'a short name is resolved inside the cluster, not on the internet', 'write the fully qualified name, e.g. "api.example.com"; for in-mesh services use allowMeshService()');
    }
    if (host.startsWith('*') && !host.startsWith('*.')) {
      invalid(this, field, host, 'a wildcard must be a whole leading label', 'write e.g. "*.example.com"');
    }
    if (host.startsWith('*.') && host.split('.').length < 3) {
      invalid(this, field, host, 'the wildcard covers a whole top-level domain', 'write a narrower domain, e.g. "*.example.com"');
    }
    const d = this.clusterDomain;
    if (host === d || host.endsWith(`.${d}`) || host.endsWith('.svc') || (host.startsWith('*.') && d.endsWith(host.slice(1)))) {
      invalid(this, field, host, `it names the cluster's own domain ("${d}"): in-mesh services are not external hosts`, 'call in-mesh services through `sameNamespace`, allowMeshService() or allowMeshHost()');
    }
  }

  private checkResolution(field: string, host: string, resolution: ServiceEntryResolution | undefined): ServiceEntryResolution {
    const wildcard = host.startsWith('*');
    const r = resolution ?? (wildcard ? ServiceEntryResolution.DYNAMIC_DNS : ServiceEntryResolution.DNS);
    if (!Object.values(ServiceEntryResolution).includes(r)) {
      invalid(this, `${field}.resolution`, r, 'unknown resolution', 'use ServiceEntryResolution.DNS');
    }
    if (r === ServiceEntryResolution.STATIC) {
      invalid(this, `${field}.resolution`, r, 'STATIC resolution needs endpoint addresses, which this pattern does not model', 'use DNS resolution, or declare the ServiceEntry with endpoints yourself and list its host with allowMeshHost("./<host>")');
    }
    if (wildcard && (r === ServiceEntryResolution.DNS || r === ServiceEntryResolution.DNS_ROUND_ROBIN)) {
      invalid(this, `${field}.resolution`, r, 'a wildcard host cannot be resolved through DNS', 'use ServiceEntryResolution.DYNAMIC_DNS (the default for wildcard hosts)');
    }
    if (this.gateway) {
      if (wildcard) {
        invalid(this, field, host, 'wildcard hosts cannot be routed through the egress gateway by this pattern (the gateway would need a dynamic forward proxy)', 'list the concrete hosts, or allow the wildcard in a lockdown without `egressGateway`');
      }
      if (r === ServiceEntryResolution.NONE || r === ServiceEntryResolution.DYNAMIC_DNS) {
        invalid(this, `${field}.resolution`, r, 'the egress gateway must resolve the host itself to forward to it', 'use ServiceEntryResolution.DNS');
      }
    }
    return r;
  }

  private checkPorts(field: string, host: string, ports: readonly ServiceEntryPort[], resolution: ServiceEntryResolution): ServiceEntryPort[] {
    if (ports.length === 0) {
      invalid(this, `${field}.ports`, [], 'a host without ports cannot be reached', 'give at least one port, e.g. [{ number: 443, protocol: Protocol.TLS }], or omit `ports` for 443/TLS');
    }
    const seen = new Set<number>();
    for (const p of ports) {
      if (!Number.isInteger(p.number) || p.number < 1 || p.number > 65535) {
        invalid(this, `${field}.ports number`, p.number, 'a port number must be an integer from 1 to 65535', 'use the port the external service listens on, e.g. 443');
      }
      checkPort(this, `${field}.ports[${p.number}].targetPort`, p.targetPort);
      if (!Object.values(Protocol).includes(p.protocol)) {
        invalid(this, `${field}.ports[${p.number}].protocol`, p.protocol, 'unknown protocol', 'use a Protocol value, e.g. Protocol.TLS');
      }
      if (seen.has(p.number)) {
        invalid(this, `${field}.ports number`, p.number, 'the port appears more than once', 'list each port once');
      }
      seen.add(p.number);
      const opaque = !TLS_LIKE.has(p.protocol) && !isHttpFamily(p.protocol);
      if (opaque && (host.startsWith('*') || resolution === ServiceEntryResolution.NONE || resolution === ServiceEntryResolution.DYNAMIC_DNS)) {
        invalid(this, `${field}.ports[${p.number}].protocol`, p.protocol, `opaque ${p.protocol} carries no host name, so with a wildcard host or ${resolution} resolution the sidecar would let through connections to any address on port ${p.number}`, 'use a concrete host with DNS resolution, or a TLS/HTTP protocol');
      }
      if (this.gateway && opaque) {
        invalid(this, `${field}.ports[${p.number}].protocol`, p.protocol, 'the egress gateway tells hosts apart by SNI or Host header, which opaque TCP does not carry', 'use TLS or HTTP, or allow the host in a lockdown without `egressGateway`');
      }
    }
    if (this.gateway && ports.length > 1) {
      invalid(this, `${field}.ports`, ports.map((p) => p.number), 'through the egress gateway a host can have one port (all ports share the gateway port and the SNI name)', 'allow one port per host, e.g. 443/TLS');
    }
    return ports.map((p) => ({ ...p }));
  }

  private createHost(host: string, resolution: ServiceEntryResolution, ports: ServiceEntryPort[]): HostRecord {
    const slug = hostSlug(host);
    const gw = this.gateway;
    const exportTo = gw && gw.namespace !== this.namespace ? ['.', gw.namespace] : ['.'];
    const entry = new ServiceEntry(this, `Entry-${slug}`, {
      metadata: { name: resourceName('egress-', slug), namespace: this.namespace },
      hosts: [host],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution,
      ports,
      exportTo,
    });
    const rec: HostRecord = {
      host,
      entry,
      resolution,
      gatewayHost: gw?.serviceHost,
      ports: new Map(ports.map((p) => [p.number, p.protocol])),
      users: [],
    };
    this.record.hosts.set(host, rec);
    if (gw) this.routeThroughGateway(host, slug, ports[0], exportTo);
    return rec;
  }

  private shareHost(field: string, rec: HostRecord, resolution: ServiceEntryResolution, ports: ServiceEntryPort[]): HostRecord {
    const other = rec.users[0].node.path;
    const gwHost = this.gateway?.serviceHost;
    if (rec.gatewayHost !== gwHost) {
      const how = (h: string | undefined) => (h ? `through the egress gateway ${h}` : 'directly');
      invalid(this, field, rec.host, `${other} already routes this host ${how(rec.gatewayHost)} in namespace "${this.namespace}", and this lockdown routes it ${how(gwHost)}; the host's ServiceEntry and routes are shared by the whole namespace`, 'route the host the same way in every lockdown of the namespace');
    }
    if (rec.resolution !== resolution) {
      invalid(this, `${field}.resolution`, resolution, `${other} already declares this host with ${rec.resolution} resolution in namespace "${this.namespace}" (one ServiceEntry per host and namespace)`, `use ${rec.resolution}, or the same resolution in both lockdowns`);
    }
    for (const p of ports) {
      const known = rec.ports.get(p.number);
      if (known !== undefined && known !== p.protocol) {
        invalid(this, `${field}.ports[${p.number}].protocol`, p.protocol, `${other} already declares port ${p.number} of this host as ${known} in namespace "${this.namespace}"`, `use ${known} for port ${p.number}`);
      }
      if (known === undefined) {
        if (rec.gatewayHost !== undefined) {
          invalid(this, `${field}.ports`, p.number, `through the egress gateway a host can have one port, and ${other} already uses port ${[...rec.ports.keys()][0]}`, 'use the same port in both lockdowns');
        }
        rec.entry.addPort(p);
        rec.ports.set(p.number, p.protocol);
      }
    }
    return rec;
  }

  private routeThroughGateway(host: string, slug: string, port: ServiceEntryPort, exportTo: string[]): void {
    const gw = this.gateway!;
    const name = resourceName('egress-', slug);
    const tls = TLS_LIKE.has(port.protocol);
    const gateway = new Gateway(this, `Gateway-${slug}`, {
      metadata: { name, namespace: this.namespace },
      selector: gw.selector,
      servers: [tls
        ? Server.tlsPassthrough({ hosts: [`./${host}`], port: gw.port, portName: 'tls' })
        // Plain HTTP from the application travels to the gateway over Istio mutual TLS.
        : Server.https({ hosts: [`./${host}`], port: gw.port, portName: 'https', mode: ServerTlsMode.ISTIO_MUTUAL })],
    });
    this.ownGateways.push(gateway);
    // The egress gateway is installed with Istio, outside this app: the analyzer cannot see
    // its pods (IST0101 "selector not found") nor its Service (IST0101 / IST0174 "host not found").
    MeshAnalysis.suppress(gateway, 'IST0101');

    let rule = this.record.gatewayRules.get(gw.serviceHost);
    if (!rule) {
      rule = new DestinationRule(this, 'EgressGatewayRule', {
        metadata: { name: resourceName('egress-gateway-', hostSlug(gw.serviceHost.split('.').slice(0, 2).join('.'))), namespace: this.namespace },
        host: gw.serviceHost,
        exportTo: ['.'],
      });
      this.record.gatewayRules.set(gw.serviceHost, rule);
      MeshAnalysis.suppress(rule, 'IST0174');
    }
    this.gatewayRule = rule;
    // Different hosts can give the same subset name ("a-b.c", "a.b-c"): disambiguate.
    const subset = rule.hasSubset(subsetName(slug)) ? `${subsetName(slug).slice(0, 54).replace(/-+$/, '')}-${shortHash(slug)}` : subsetName(slug);
    rule.addSubset(subset, undefined, tls ? undefined : {
      portLevelSettings: [{ port: gw.port, tls: ClientTls.istioMutual({ sni: host }) }],
    });

    const vs = new VirtualService(this, `Route-${slug}`, {
      metadata: { name, namespace: this.namespace },
      hosts: [host],
      gateways: [Gateway.MESH, gateway],
      exportTo,
    });
    MeshAnalysis.suppress(vs, 'IST0101');
    const toGateway = { host: gw.serviceHost, subset, port: gw.port };
    const toHost = { host, port: port.number };
    if (tls) {
      vs.addTlsRoute({ match: [{ gateways: [Gateway.MESH], port: port.number, sniHosts: [host] }], route: [toGateway] });
      vs.addTlsRoute({ match: [{ gateways: [gateway], port: gw.port, sniHosts: [host] }], route: [toHost] });
    } else {
      vs.addHttpRoute({ match: [{ gateways: [Gateway.MESH], port: port.number }], route: [toGateway] });
      vs.addHttpRoute({ match: [{ gateways: [gateway], port: gw.port }], route: [toHost] });
    }
    this.ownRoutes.push(vs);
  }

  private validateLockdown(): string[] {
    const errors: string[] = [];
    const err = (field: string, value: unknown, problem: string, fix: string) => errors.push(validationMessage(field, value, problem, fix));
    if (this.hostOrder.length === 0 && !this.blockAllExternal) {
      err('allow', [], 'the lockdown allows no external host; that is usually a mistake', 'add hosts with `allow` or allowHost(), or set `blockAllExternal: true` to allow none on purpose');
    }
    // Two Sidecars selecting the same workloads: Istio applies one of them arbitrarily. The
    // first lockdown of the namespace checks them all (one pass, linear).
    if (this.record.lockdowns[0] === this) {
      const firstByKey = new Map<string, EgressLockdown>();
      for (const l of this.record.lockdowns) {
        if (!l.workloadSelector) continue;
        const labels = l.workloadSelector.labels;
        const key = selectorKey(labels);
        const first = firstByKey.get(key);
        if (!first) {
          firstByKey.set(key, l);
          continue;
        }
        errors.push(invalidMessage(l, 'workloadSelector', labels, `${first.node.path} already locks down the workloads with these labels in namespace "${this.namespace}", and Istio applies only one Sidecar per workload`, 'merge the two lockdowns into one'));
      }
    }
    // No egress host may import a host that only other lockdowns of the namespace allow.
    const leaks = this.findLeaks();
    for (const [pattern, host, owner] of leaks) {
      err('egress host', pattern, `it makes "${host}" reachable, a host only ${owner} allows: ServiceEntries are visible to the whole namespace "${this.namespace}", and each workload's Sidecar egress hosts are what keep them apart`, `remove "${pattern}", or allow the host explicitly with allowHost("${host}")`);
    }
    return errors;
  }

  /**
   * Egress hosts of this lockdown that cover a host allowed only by other lockdowns of the
   * namespace. Uses the namespace's wildcard index, so the cost is linear in the labels of
   * this lockdown's egress hosts (plus the leaks found).
   */
  private findLeaks(): [string, string, string][] {
    const hosts = this.record.hosts;
    if (hosts.size === this.hostRecords.size) return [];
    const index = wildcardIndex(this.record);
    const out: [string, string, string][] = [];
    const seen = new Set<string>();
    const report = (pattern: string, rec: HostRecord | undefined) => {
      if (!rec || this.hostRecords.has(rec.host)) return;
      const key = `${pattern}\n${rec.host}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push([pattern, rec.host, rec.users.map((u) => u.node.path).join(', ')]);
    };
    for (const e of this.egressList) {
      const slash = e.indexOf('/');
      const ns = e.slice(0, slash);
      const dns = e.slice(slash + 1);
      if (!(ns === '.' || ns === '*' || ns === this.namespace) || this.hostRecords.has(dns)) continue;
      // The same host (or the same wildcard).
      report(e, hosts.get(dns));
      // A wildcard pattern covers the hosts of its domain.
      if (dns.startsWith('*.')) for (const rec of index.get(dns) ?? []) report(e, rec);
      // A wildcard host covers the patterns inside its domain.
      for (const parent of wildcardParents(dns)) report(e, hosts.get(parent));
    }
    return out;
  }
}

/**
 * `*.<domain>` -> the hosts of the namespace strictly inside that domain (including
 * narrower wildcards). Rebuilt only when hosts were added since the last build.
 */
function wildcardIndex(rec: NamespaceRecord): Map<string, HostRecord[]> {
  if (rec.index && rec.indexSize === rec.hosts.size) return rec.index;
  const index = new Map<string, HostRecord[]>();
  for (const h of rec.hosts.values()) {
    for (const parent of wildcardParents(h.host)) {
      const list = index.get(parent);
      if (list) list.push(h);
      else index.set(parent, [h]);
    }
  }
  rec.index = index;
  rec.indexSize = rec.hosts.size;
  return index;
}

/** `a.b.c` and `*.b.c` both give `*.c` ... : the wildcards of the strict parent domains. */
function wildcardParents(host: string): string[] {
  const out: string[] = [];
  const start = host.startsWith('*.') ? 2 : 0;
  for (let i = host.indexOf('.', start); i >= 0; i = host.indexOf('.', i + 1)) out.push(`*${host.slice(i)}`);
  // For "a.b.c" this yields "*.b.c", "*.c"; for "*.b.c" it yields "*.c".
  return out;
}

function isDnsName(value: string): boolean {
  return value.length > 0 && value.length <= 253
    && value.split('.').every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l) && l.length <= 63);
}

function bareHost(value: string): string {
  let v = value.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '');
  v = v.split('/')[0];
  if (isIP(v) === 0 && v.includes(':')) v = v.slice(0, v.lastIndexOf(':'));
  return v.toLowerCase() || 'api.example.com';
}

function selectorKey(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/** A host as a name part: `*.example.com` becomes `wildcard.example.com`. */
function hostSlug(host: string): string {
  return host.startsWith('*.') ? `wildcard${host.slice(1)}` : host;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** A DNS-1123 subdomain: prefix + slug, shortened with a hash when too long. */
function resourceName(prefix: string, slug: string): string {
  const name = `${prefix}${slug}`;
  if (name.length <= 253) return name;
  return `${name.slice(0, 244).replace(/[-.]+$/, '')}-${shortHash(name)}`;
}

/** A DNS-1123 label for a subset: dots become dashes, shortened with a hash when too long. */
function subsetName(slug: string): string {
  const name = slug.replace(/\./g, '-');
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${shortHash(slug)}`;
}
