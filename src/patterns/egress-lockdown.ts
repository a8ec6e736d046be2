import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { allowThroughEgressWaypoint, AmbientLockdown, ambientLockdown } from './egress-ambient';
import { checkExternalHost, checkPorts, checkResolution, EgressGatewayTarget, resolveGateway } from './egress-checks';
import { routeThroughGateway } from './egress-gateway-routing';
import { EgressHostGroup, EgressHostOptions, EgressLockdownProps } from './egress-lockdown-props';
import { hostSlug, isDnsName, resourceName, selectorKey } from './egress-naming';
import { EgressLockdownEntry, findLeaks, HostRecord, NamespaceRecord, namespaceRecord } from './egress-registry';
import { MeshService } from './mesh-service';
import { namespaceDataplaneOf } from '../ambient/ambient-namespace';
import { checkDns1123Label, checkDns1123Subdomain, checkHost, isCidr, isIpAddress } from '../core/checks';
import { invalid, invalidMessage, validationMessage } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { DestinationRule } from '../networking/destination-rule';
import { Gateway } from '../networking/gateway';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryPort, ServiceEntryResolution } from '../networking/service-entry';
import { OutboundTrafficPolicyMode, Sidecar } from '../networking/sidecar';
import { VirtualService } from '../networking/virtual-service';

const DEFAULT_PORTS: ServiceEntryPort[] = [{ number: 443, protocol: Protocol.TLS }];

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
 * iptables rules (`NET_ADMIN`). It is not a NetworkPolicy: for a hard guarantee, also deny
 * egress at the CNI level except to the egress gateway.
 *
 * **Ambient mode** (in an ambient `MtlsNamespace`) has no sidecars: give `egressWaypoint`, and
 * each allowed host gets a ServiceEntry in the waypoint's namespace that uses it, plus an
 * AuthorizationPolicy attached to that ServiceEntry admitting only the lockdowns' workload
 * identities (or namespace); lockdowns allowing the same host share both. Hosts outside the
 * registry still pass ztunnel: block them with a NetworkPolicy.
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
  public readonly sidecar?: Sidecar;

  /** The namespace of the workloads and of every object of the lockdown. */
  public readonly namespace: string;

  /** The workloads locked down, or `undefined` for a namespace-wide lockdown. */
  public readonly workloadSelector?: WorkloadSelector;

  private readonly record: NamespaceRecord;
  private readonly clusterDomain: string;
  private readonly blockAllExternal: boolean;
  private readonly gateway?: EgressGatewayTarget;
  private readonly hostOrder: string[] = [];
  private readonly hostRecords = new Map<string, HostRecord>();
  private readonly egressList: string[] = [];
  private readonly egressSet = new Set<string>();
  private readonly ownGateways: Gateway[] = [];
  private readonly ownRoutes: VirtualService[] = [];
  private gatewayRule?: DestinationRule;
  private sidecarCreated = false;
  private placeholder = false;
  private readonly ambient?: AmbientLockdown;

  public constructor(scope: Construct, id: string, props: EgressLockdownProps = {}) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    if (props.workload !== undefined && props.workloadSelector !== undefined) {
      invalid(this, 'workload and workloadSelector', { workload: props.workload.node.path, workloadSelector: props.workloadSelector.labels }, 'these fields are mutually exclusive', 'give the MeshService or MeshWorkload as `workload`, or its labels as `workloadSelector`, not both');
    }
    checkDns1123Label(this, 'namespace', props.namespace);
    const workloadNs = props.workload?.namespace;
    if (props.workload !== undefined && props.namespace !== undefined && workloadNs !== undefined && workloadNs !== props.namespace) {
      invalid(this, 'namespace', props.namespace, `the workload ${props.workload.workloadName} runs in namespace "${workloadNs}", and a Sidecar only applies to workloads of its own namespace`, `omit \`namespace\` (it defaults to "${workloadNs}") or pass "${workloadNs}"`);
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
    if (namespaceDataplaneOf(this, namespace)?.ambient === true) {
      this.ambient = ambientLockdown(this, props, namespace);
      for (const a of props.allow ?? []) this.allowHost(a.host, a);
      this.node.addValidation({ validate: () => (this.hostOrder.length > 0 ? [] : [validationMessage('allow', [], 'the lockdown allows no external host', 'add hosts with `allow` or allowHost()')]) });
      return;
    }

    if (this.workloadSelector === undefined) {
      const existing = this.record.namespaceWide;
      if (existing) {
        invalid(this, 'workloadSelector', undefined, `namespace "${namespace}" already has a namespace-wide lockdown (${existing.node.path}), and Istio allows only one Sidecar without a workload selector per namespace`, 'add the hosts to the existing lockdown with allowHost(), or give this one a `workload` or `workloadSelector`');
      }
      this.record.namespaceWide = this;
    }
    this.record.lockdowns.push(this);

    if (props.egressGateway !== undefined) this.gateway = resolveGateway(this, props.egressGateway);

    if (props.allow !== undefined && props.allow.length === 0) {
      invalid(this, 'allow', [], 'the allowlist is empty, so the lockdown would block every external host; that is usually a mistake (e.g. a computed list that came out empty)', 'list at least one host, e.g. [{ host: "api.example.com" }], or set `blockAllExternal: true` to allow none on purpose');
    }
    for (const a of props.allow ?? []) this.allowHost(a.host, a);

    if (props.sameNamespace ?? true) this.addEgressHost(`./*.svc.${this.clusterDomain}`);
    for (const g of props.allowGroups ?? []) this.allowHostGroup(g);
    for (const s of props.meshServices ?? []) this.allowMeshService(s);
    for (const ns of props.meshNamespaces ?? []) this.allowMeshNamespace(ns);
    for (const h of props.meshHosts ?? []) this.allowMeshHost(h);

    const sidecarName = props.sidecarName
      ?? (this.workloadSelector === undefined ? 'default' : props.workload ? `${props.workload.workloadName}-egress` : undefined);
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
   * The ServiceEntries of the allowed hosts: one per host, or per host group. An entry is
   * shared with the other lockdowns of the namespace that allow the same host (it belongs
   * to the first).
   */
  public get serviceEntries(): ServiceEntry[] {
    return [...new Set(this.hostOrder.map((h) => this.hostRecords.get(h)!.entry))];
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
    checkExternalHost(this, field, host, this.clusterDomain);
    if (this.hostRecords.has(host)) {
      invalid(this, 'allow host', host, 'the host is allowed twice by this lockdown', 'list each host once (give all its ports in one entry)');
    }
    const resolution = checkResolution(this, field, host, options.resolution, this.gateway);
    const ports = checkPorts(this, field, host, options.ports ?? DEFAULT_PORTS, resolution, this.gateway);
    if (this.ambient) {
      const a = this.ambient;
      const entry = allowThroughEgressWaypoint(this, field, a.waypoint, host, resolution, ports, a.source, a.sourceKey);
      this.hostRecords.set(host, { host, entry, resolution, ports: new Map(ports.map((p) => [p.number, p.protocol])), users: [this] });
      this.hostOrder.push(host);
      return this;
    }

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
   * Allows the workloads to reach a group of external hosts through one ServiceEntry named
   * by the group, optionally with the addresses they are reached at. The resolution
   * defaults to `DNS` for concrete hosts without addresses, else `NONE` (wildcards and
   * addresses cannot be resolved by name). Not with an egress gateway.
   */
  public allowHostGroup(group: EgressHostGroup): EgressLockdown {
    const field = `allowGroups[${JSON.stringify(group?.name)}]`;
    if (group === null || typeof group !== 'object') {
      invalid(this, 'allowGroups', group, 'a host group must be an object', "pass e.g. { name: 'google-apis', hosts: ['*.googleapis.com'] }");
    }
    if (this.blockAllExternal || this.ambient) {
      invalid(this, field, group.name, this.ambient ? 'in ambient mode an egress waypoint needs one concrete host per ServiceEntry' : 'the lockdown was created with `blockAllExternal: true`, which allows no external host', this.ambient ? 'allow the hosts one by one with allowHost()' : 'remove `blockAllExternal`, or do not allow hosts');
    }
    if (this.gateway) {
      invalid(this, field, group.name, 'a host group is one ServiceEntry reached directly; through the egress gateway every host gets its own routes', 'allow the hosts one by one with allowHost(), or leave out the egress gateway');
    }
    checkDns1123Subdomain(this, `${field}.name`, group.name);
    if (group.name === undefined) invalid(this, `${field}.name`, undefined, 'a host group needs the name of its ServiceEntry', "pass e.g. name: 'allow-egress-googleapis'");
    if (!Array.isArray(group.hosts) || group.hosts.length === 0) {
      invalid(this, `${field}.hosts`, group.hosts, 'a host group needs at least one host', "pass e.g. hosts: ['*.googleapis.com', 'accounts.google.com']");
    }
    for (const a of group.addresses ?? []) {
      if (typeof a !== 'string' || !(isIpAddress(a) || isCidr(a))) invalid(this, `${field}.addresses`, a, 'an address must be an IP address or a CIDR block', 'write e.g. "169.254.169.254" or "10.0.0.0/16"');
    }
    const wildcard = group.hosts.some((h) => typeof h === 'string' && h.startsWith('*'));
    const resolution = group.resolution
      ?? (wildcard || (group.addresses ?? []).length > 0 ? ServiceEntryResolution.NONE : ServiceEntryResolution.DNS);
    const definition = JSON.stringify([group.hosts, group.addresses ?? [], group.ports ?? DEFAULT_PORTS, resolution]);
    const shared = this.record.groups.get(group.name);
    if (shared !== undefined && shared.definition !== definition) {
      invalid(this, field, group.name, `${shared.owner.node.path} already declares a host group with this name in namespace "${this.namespace}", with other hosts, addresses, ports or resolution`, 'declare the group once (e.g. as a constant) and pass the same definition to every lockdown, or give it another name');
    }
    let ports: ServiceEntryPort[] = [];
    for (const host of group.hosts) {
      checkExternalHost(this, `${field}.hosts`, host, this.clusterDomain);
      const owner = this.hostRecords.has(host) ? this.node.path : this.record.hosts.get(host)?.users[0]?.node.path;
      if (owner !== undefined && shared === undefined) {
        invalid(this, `${field}.hosts`, host, `${owner} already allows this host in namespace "${this.namespace}", and each host has one ServiceEntry per namespace`, 'list the host in one place only');
      }
      if (this.hostRecords.has(host)) invalid(this, `${field}.hosts`, host, 'the host is allowed twice by this lockdown', 'list each host once');
      checkResolution(this, field, host, resolution, undefined);
      ports = checkPorts(this, field, host, group.ports ?? DEFAULT_PORTS, resolution, undefined, (group.addresses ?? []).length > 0);
    }
    // An identical group of another lockdown of the namespace: share its ServiceEntry.
    const entry = shared?.entry ?? new ServiceEntry(this, `Group-${group.name}`, {
      metadata: { name: group.name, namespace: this.namespace },
      hosts: [...group.hosts],
      addresses: group.addresses ? [...group.addresses] : undefined,
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution,
      ports,
      exportTo: ['.'],
    });
    if (shared === undefined) this.record.groups.set(group.name, { definition, entry, owner: this });
    for (const host of group.hosts) {
      const rec: HostRecord = this.record.hosts.get(host)
        ?? { host, entry, resolution, ports: new Map(ports.map((p) => [p.number, p.protocol])), users: [] };
      rec.users.push(this);
      this.record.hosts.set(host, rec);
      this.hostRecords.set(host, rec);
      this.hostOrder.push(host);
      this.addEgressHost(`./${host}`);
    }
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
    if (this.ambient) invalid(this, 'egress host', host, 'in ambient mode in-mesh calls are governed by the callee\'s policies (allowFrom)', 'leave it out');
    if (this.egressSet.has(host)) return this;
    this.egressSet.add(host);
    this.egressList.push(host);
    if (this.sidecarCreated) {
      // The Sidecar copies its listeners when they are added; later hosts are appended
      // to the (single, catch-all) listener of the rendered manifest.
      if (this.placeholder) {
        this.sidecar!.addJsonPatch(JsonPatch.replace('/spec/egress/0/hosts/0', host));
        this.placeholder = false;
      } else {
        this.sidecar!.addJsonPatch(JsonPatch.add('/spec/egress/0/hosts/-', host));
      }
    }
    return this;
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
    if (gw) {
      const routed = routeThroughGateway(this, this.record, gw, this.namespace, host, slug, ports[0], exportTo);
      this.ownGateways.push(routed.gateway);
      this.gatewayRule = routed.rule;
      this.ownRoutes.push(routed.virtualService);
    }
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


  private validateLockdown(): string[] {
    const errors: string[] = [];
    const err = (field: string, value: unknown, problem: string, fix: string) => errors.push(validationMessage(field, value, problem, fix));
    if (this.hostOrder.length === 0 && !this.blockAllExternal) {
      err('allow', [], 'the lockdown allows no external host; that is usually a mistake', 'add hosts with `allow` or allowHost(), or set `blockAllExternal: true` to allow none on purpose');
    }
    // Two Sidecars selecting the same workloads: Istio applies one of them arbitrarily. The
    // first lockdown of the namespace checks them all (one pass, linear).
    if (this.record.lockdowns[0] === this) {
      const firstByKey = new Map<string, EgressLockdownEntry>();
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
    const leaks = findLeaks(this.record, this.namespace, this.egressList, this.hostRecords);
    for (const [pattern, host, owner] of leaks) {
      err('egress host', pattern, `it makes "${host}" reachable, a host only ${owner} allows: ServiceEntries are visible to the whole namespace "${this.namespace}", and each workload's Sidecar egress hosts are what keep them apart`, `remove "${pattern}", or allow the host explicitly with allowHost("${host}")`);
    }
    return errors;
  }


}
