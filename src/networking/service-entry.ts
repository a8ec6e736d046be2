import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import type { Waypoint } from '../ambient/waypoint';
import { checkIstioLabelName, checkExportTo, checkHost, checkLabels, checkNonEmpty, checkNonEmptyString, checkPort, checkRequiredProps, checkUint32, isCidr, isFqdn, isIpAddress, renderStrings } from '../core/checks';
import { invalid, validationMessage } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { Protocol } from '../core/protocol';
import { compact } from '../core/render';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Whether a ServiceEntry's service is part of the mesh.
 */
export enum ServiceEntryLocation {
  /**
   * Outside the mesh (an external API): no mTLS, and metrics are reported from the
   * client side only.
   */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Part of the mesh (e.g. VMs or services of another registry), with mTLS. */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/**
 * How the proxy finds the endpoints of a ServiceEntry's hosts.
 */
export enum ServiceEntryResolution {
  /**
   * Forward to the IP address the caller connected to (pass-through). Endpoints are not
   * allowed. For TCP ports give `addresses` (or use DNS auto-allocation): otherwise the
   * entry claims the whole port.
   */
  NONE = 'NONE',
  /** Use the static IP addresses of `endpoints` or of the selected workloads. */
  STATIC = 'STATIC',
  /**
   * Resolve the hosts (or the endpoints' DNS names) asynchronously and use every
   * returned address. Hosts must be wildcard-free unless endpoints are given.
   */
  DNS = 'DNS',
  /**
   * Resolve via DNS but use one address at a time (for large services behind DNS).
   * At most one endpoint.
   */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /** Resolve each request's host dynamically (Envoy dynamic forward proxy); for wildcard hosts. */
  DYNAMIC_DNS = 'DYNAMIC_DNS',
}

/**
 * A port of the service described by a ServiceEntry.
 */
export interface ServiceEntryPort {
  /** The port number, 1-65535. Unique within the entry. */
  readonly number: number;

  /** The application protocol on the port. */
  readonly protocol: Protocol;

  /**
   * Name of the port (a DNS-1123 label, unique within the entry); endpoints map their
   * ports by this name.
   *
   * @default - `<protocol>-<number>` in lower case, e.g. `https-443`
   */
  readonly name?: string;

  /**
   * The port of the endpoints traffic is sent to.
   *
   * @default - the same as `number`
   */
  readonly targetPort?: number;
}

/**
 * One endpoint (an address) of the service described by a ServiceEntry.
 */
export interface ServiceEntryEndpoint {
  /**
   * Address of the endpoint without port: an IP address (STATIC or DNS resolution), a
   * DNS name (DNS resolution) or a Unix socket `unix:///absolute/path`. Required unless
   * `network` is given.
   *
   * @default - none (a network gateway is used)
   */
  readonly address?: string;

  /**
   * Endpoint port per entry port name, e.g. `{ https: 8443 }`.
   *
   * @default - the entry ports' targetPort or number
   */
  readonly ports?: { [portName: string]: number };

  /**
   * Labels of the endpoint (selectable by DestinationRule subsets).
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * Network of the endpoint, for multi-network meshes.
   *
   * @default - the proxy's own network
   */
  readonly network?: string;

  /**
   * Locality of the endpoint, `region/zone/subzone`.
   *
   * @default - unknown locality
   */
  readonly locality?: string;

  /**
   * Load-balancing weight of the endpoint relative to the others.
   *
   * @default - equal weights
   */
  readonly weight?: number;

  /**
   * Service account of the workload behind the endpoint (for MESH_INTERNAL mTLS).
   *
   * @default - none
   */
  readonly serviceAccount?: string;
}

/**
 * Properties of a `ServiceEntry`.
 */
export interface ServiceEntryProps extends IstioResourceProps {
  /**
   * Hosts of the service: DNS names, optionally with a leading wildcard label
   * (`*.example.com`). `*` alone is not allowed.
   */
  readonly hosts: string[];

  /**
   * How the endpoints are found. `NONE` (Istio's default): the proxy forwards to the IP
   * address the caller connected to, after the caller's own DNS lookup — right for wildcard
   * hosts and for `addresses`, but a TCP port shared by several such hosts cannot be told
   * apart without `addresses`. `DNS`: the proxy resolves the hosts (or DNS-name endpoints)
   * itself. `STATIC`: the listed IP endpoints or selected workloads. `DYNAMIC_DNS`: wildcard
   * hosts resolved per request from the Host header or SNI.
   *
   * @default ServiceEntryResolution.NONE (Istio's default; written out in the manifest)
   */
  readonly resolution?: ServiceEntryResolution;

  /**
   * Inside or outside the mesh.
   *
   * @default ServiceEntryLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceEntryLocation;

  /**
   * Virtual IP addresses or CIDR blocks of the service (CIDRs only with NONE or STATIC
   * resolution).
   *
   * @default - none (Istio may auto-allocate one)
   */
  readonly addresses?: string[];

  /**
   * Ports of the service. More can be added with `addPort`.
   *
   * @default - no ports
   */
  readonly ports?: ServiceEntryPort[];

  /**
   * Endpoints of the service (not with NONE resolution, not with `workloadSelector`).
   * More can be added with `addEndpoint`.
   *
   * @default - no endpoints
   */
  readonly endpoints?: ServiceEntryEndpoint[];

  /**
   * Select in-mesh workloads (Pods, WorkloadEntries) as endpoints instead of listing
   * them. Only for MESH_INTERNAL entries, not with `endpoints`.
   *
   * @default - no workload selection
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Namespaces the entry is visible to: `.`, `*`, namespace names or `~` (no namespace).
   *
   * @default - all namespaces (or the mesh's defaultServiceExportTo)
   */
  readonly exportTo?: string[];

  /**
   * Accepted subject alternative names of the servers' certificates (for mTLS).
   *
   * @default - no SAN verification beyond Istio's defaults
   */
  readonly subjectAltNames?: string[];
}

/**
 * `networking.istio.io/v1` ServiceEntry: adds a service (usually outside the mesh) to
 * Istio's service registry, so it can be routed, secured and observed.
 *
 * The CRD's CEL rules and Istio's validation are enforced as clear errors when the
 * manifest is synthesized (resolution vs. endpoints, CIDR addresses, wildcard hosts, ...).
 *
 * @example
 * new ServiceEntry(chart, 'payment', {
 *   hosts: ['payment.external-api.com'],
 *   resolution: ServiceEntryResolution.DNS,
 *   ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }],
 * });
 */
export class ServiceEntry extends IstioResource {
  public readonly apiObject: l1.ServiceEntry;

  /** Hosts of the service. */
  public readonly hosts: string[];

  /** How the endpoints are found. */
  public readonly resolution: ServiceEntryResolution;

  /** Inside or outside the mesh. */
  public readonly location: ServiceEntryLocation;

  private readonly addresses?: string[];
  private readonly ports: { name: string; number: number; protocol: string; targetPort?: number }[] = [];
  private readonly portNumbers = new Set<number>();
  private readonly portNameSet = new Set<string>();
  private readonly endpoints: ServiceEntryEndpoint[] = [];
  private readonly workloadSelector?: WorkloadSelector;
  private readonly exportTo?: string[];
  private readonly subjectAltNames?: string[];

  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(scope, id);
    checkRequiredProps(this, 'a ServiceEntry', props, { hosts: '["api.example.com"]' });
    checkNonEmpty(this, 'hosts', props.hosts, 'list at least one host, e.g. ["api.example.com"]');
    if (props.hosts.length > 256) invalid(this, 'hosts', props.hosts.length, 'Istio accepts at most 256 hosts', 'split the entry');
    const seenHosts = new Set<string>();
    for (const h of props.hosts) {
      checkHost(this, 'hosts', h);
      if (h === '*') {
        invalid(this, 'hosts', h, 'a ServiceEntry host cannot be the bare wildcard "*"', 'use a wildcard domain such as "*.example.com"');
      }
      if (seenHosts.has(h)) invalid(this, 'hosts', h, 'the host appears more than once', 'list each host once');
      seenHosts.add(h);
    }
    this.hosts = [...props.hosts];
    this.resolution = props.resolution ?? ServiceEntryResolution.NONE;
    if (!Object.values(ServiceEntryResolution).includes(this.resolution)) {
      invalid(this, 'resolution', this.resolution, 'unknown resolution', `use one of ServiceEntryResolution.${Object.values(ServiceEntryResolution).join(', ServiceEntryResolution.')}`);
    }
    this.location = props.location ?? ServiceEntryLocation.MESH_EXTERNAL;

    if (props.addresses !== undefined) {
      if (props.addresses.length > 256) invalid(this, 'addresses', props.addresses.length, 'Istio accepts at most 256 addresses', 'use CIDR blocks');
      for (const a of props.addresses) {
        if (!isIpAddress(a) && !isCidr(a)) {
          invalid(this, 'addresses', a, 'an address must be an IP address or a CIDR block', 'use e.g. "240.0.0.1" or "10.0.0.0/16"');
        }
        if (isCidr(a) && this.resolution !== ServiceEntryResolution.NONE && this.resolution !== ServiceEntryResolution.STATIC) {
          invalid(this, 'addresses', a, `CIDR addresses are allowed only with NONE or STATIC resolution, not ${this.resolution}`, 'use single IP addresses, or resolution NONE/STATIC');
        }
      }
      this.addresses = [...props.addresses];
    }

    if (props.workloadSelector && this.location !== ServiceEntryLocation.MESH_INTERNAL) {
      invalid(this, 'workloadSelector', props.workloadSelector.labels, 'a workloadSelector applies only to MESH_INTERNAL entries', 'set location: ServiceEntryLocation.MESH_INTERNAL, or list endpoints instead');
    }
    if (props.workloadSelector && this.resolution === ServiceEntryResolution.NONE) {
      invalid(this, 'workloadSelector', props.workloadSelector.labels, 'resolution NONE does not use selected workloads', 'use resolution STATIC (or DNS) with a workloadSelector');
    }
    this.workloadSelector = props.workloadSelector;
    checkExportTo(this, 'exportTo', props.exportTo, { allowNone: true });
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;
    this.subjectAltNames = renderStrings(this, 'subjectAltNames', props.subjectAltNames, 'give a SAN such as "spiffe://cluster.local/ns/default/sa/payments"');

    for (const p of props.ports ?? []) this.addPort(p);
    for (const e of props.endpoints ?? []) this.addEndpoint(e);

    this.apiObject = new l1.ServiceEntry(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({ validate: () => this.validateEndpoints() });
  }

  /**
   * Adds a port of the service.
   */
  public addPort(port: ServiceEntryPort): ServiceEntry {
    checkPort(this, 'ports number', port.number);
    checkPort(this, `ports[${port.number}].targetPort`, port.targetPort);
    if (!Object.values(Protocol).includes(port.protocol)) {
      invalid(this, `ports[${port.number}].protocol`, port.protocol, 'unknown protocol', 'use a Protocol value, e.g. Protocol.HTTPS');
    }
    const name = port.name ?? `${port.protocol.toLowerCase()}-${port.number}`;
    checkIstioLabelName(this, `ports[${port.number}].name`, name);
    if (this.portNumbers.has(port.number)) {
      invalid(this, 'ports number', port.number, 'the port number appears more than once', 'declare each port number once');
    }
    if (this.portNameSet.has(name)) {
      invalid(this, 'ports name', name, 'the port name appears more than once', 'give each port a unique name');
    }
    if (this.ports.length >= 256) invalid(this, 'ports', this.ports.length + 1, 'Istio accepts at most 256 ports', 'split the entry');
    this.portNumbers.add(port.number);
    this.portNameSet.add(name);
    this.ports.push(compact({ name, number: port.number, protocol: port.protocol as string, targetPort: port.targetPort }));
    return this;
  }

  /**
   * Adds an endpoint of the service.
   */
  public addEndpoint(endpoint: ServiceEntryEndpoint): ServiceEntry {
    const f = `endpoints[${this.endpoints.length}]`;
    if (this.resolution === ServiceEntryResolution.NONE) {
      invalid(this, f, endpoint.address ?? endpoint.network, 'resolution NONE cannot have endpoints (traffic goes to the address the caller connected to)', 'use resolution STATIC (IP endpoints) or DNS (DNS-name endpoints), or remove the endpoints');
    }
    if (this.workloadSelector) {
      invalid(this, f, endpoint.address ?? endpoint.network, 'endpoints cannot be combined with a workloadSelector', 'either select workloads or list endpoints');
    }
    if (endpoint.address === undefined && endpoint.network === undefined) {
      invalid(this, `${f}.address`, undefined, 'an endpoint needs an address (or a network, for a remote-network gateway)', 'give e.g. address: "203.0.113.10"');
    }
    const a = endpoint.address;
    if (a !== undefined) {
      if (a.length === 0 || a.length > 256) invalid(this, `${f}.address`, a, 'an address must have 1 to 256 characters', 'give an IP address or DNS name');
      if (a.startsWith('unix://')) {
        const path = a.slice('unix://'.length);
        if (!(path.startsWith('/') || path.startsWith('@')) || path.endsWith('/')) {
          invalid(this, `${f}.address`, a, 'a Unix domain socket must be an absolute file path (or @abstract socket), not a directory', 'use e.g. "unix:///var/run/app.sock"');
        }
        if (endpoint.ports !== undefined) {
          invalid(this, `${f}.ports`, endpoint.ports, 'a Unix domain socket endpoint has no ports', 'remove ports');
        }
      } else if (this.resolution === ServiceEntryResolution.STATIC && !isIpAddress(a)) {
        invalid(this, `${f}.address`, a, 'with STATIC resolution an endpoint address must be an IP address (or unix:// socket)', 'use the IP address, or resolution DNS for DNS names');
      } else if (!isIpAddress(a) && !isFqdn(a)) {
        invalid(this, `${f}.address`, a, 'an endpoint address must be an IP address or a DNS name (no port, no scheme)', 'write e.g. "203.0.113.10" or "api.example.com"');
      }
    }
    for (const [name, port] of Object.entries(endpoint.ports ?? {})) {
      if (name.length >= 63 || !/^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(name)) {
        invalid(this, `${f}.ports key`, name, 'a port name must be letters, digits and "-" (under 63 characters)', 'use the name of one of the entry\'s ports, e.g. "https"');
      }
      checkPort(this, `${f}.ports["${name}"]`, port);
    }
    checkLabels(this, `${f}.labels`, endpoint.labels);
    checkUint32(this, `${f}.weight`, endpoint.weight);
    checkNonEmptyString(this, `${f}.network`, endpoint.network, 'name the network, e.g. "network1"');
    checkNonEmptyString(this, `${f}.locality`, endpoint.locality, 'give region/zone/subzone, e.g. "us-east1/us-east1-b"');
    checkNonEmptyString(this, `${f}.serviceAccount`, endpoint.serviceAccount, 'name the service account');
    if (this.endpoints.length >= 4096) invalid(this, 'endpoints', this.endpoints.length + 1, 'Istio accepts at most 4096 endpoints', 'use a workloadSelector or split the entry');
    this.endpoints.push({
      ...endpoint,
      ports: endpoint.ports ? { ...endpoint.ports } : undefined,
      labels: endpoint.labels ? { ...endpoint.labels } : undefined,
    });
    return this;
  }

  /** Names of the entry's ports, in order. */
  public get portNames(): string[] {
    return this.ports.map((p) => p.name);
  }

  /**
   * Sends traffic for this ServiceEntry's hosts through `waypoint` (ambient mode): labels it
   * `istio.io/use-waypoint` (and `istio.io/use-waypoint-namespace` when the waypoint is in
   * another namespace). This is how ambient egress goes through an egress waypoint, where
   * AuthorizationPolicies attached to the ServiceEntry (`targetRefs`) decide who may call it.
   */
  public useWaypoint(waypoint: Waypoint): ServiceEntry {
    if (this.apiObject.metadata.getLabel('istio.io/use-waypoint') !== undefined) {
      invalid(this, 'useWaypoint', waypoint.waypointName, `the ServiceEntry already uses waypoint "${this.apiObject.metadata.getLabel('istio.io/use-waypoint')}"`, 'call useWaypoint() once');
    }
    waypoint._enrol(this, this.apiObject);
    return this;
  }

  private validateEndpoints(): string[] {
    const errors: string[] = [];
    const err = (field: string, value: unknown, problem: string, fix: string) => {
      errors.push(validationMessage(field, value, problem, fix));
    };
    const portNames = this.portNameSet;
    this.endpoints.forEach((e, i) => {
      for (const name of Object.keys(e.ports ?? {})) {
        if (!portNames.has(name)) {
          err(`endpoints[${i}].ports key`, name, `the entry has no port named ${JSON.stringify(name)} (ports: ${JSON.stringify([...portNames])})`, 'use the name of one of the entry\'s ports, or add that port');
        }
      }
    });
    const r = this.resolution;
    if (r === ServiceEntryResolution.STATIC && this.endpoints.length === 0 && !this.workloadSelector) {
      err('endpoints', [], 'STATIC resolution needs endpoints or a workloadSelector, otherwise the service has no endpoints', 'add endpoints with IP addresses, select workloads, or use resolution DNS');
    }
    if (r === ServiceEntryResolution.DNS_ROUND_ROBIN && this.endpoints.length > 1) {
      err('endpoints', this.endpoints.map((e) => e.address), 'DNS_ROUND_ROBIN resolution accepts at most one endpoint', 'use resolution DNS for several endpoints');
    }
    if (r !== ServiceEntryResolution.NONE && this.hosts.length > 1) {
      // Plain TCP (and Mongo) carries no host name, so several hosts cannot be told apart.
      const opaque = this.ports.find((p) => p.protocol === Protocol.TCP || p.protocol === Protocol.MONGO);
      if (opaque) {
        err(`ports[${opaque.number}].protocol`, opaque.protocol, `with several hosts and ${r} resolution every port must be HTTP-like or TLS (the proxy tells the hosts apart by Host header or SNI)`, 'split the entry into one ServiceEntry per host, or use resolution NONE');
      }
    }
    if (r === ServiceEntryResolution.DYNAMIC_DNS) {
      const concrete = this.hosts.find((h) => !h.startsWith('*'));
      if (concrete) err('hosts', concrete, 'DYNAMIC_DNS resolution is for wildcard hosts (the proxy resolves the name from the Host header or SNI)', 'use a wildcard host such as "*.example.com", or resolution DNS for concrete hosts');
      const other = this.ports.find((p) => p.protocol !== Protocol.HTTP && p.protocol !== Protocol.TLS);
      if (other) err(`ports[${other.number}].protocol`, other.protocol, 'DYNAMIC_DNS resolution works with HTTP ports (Host header) and TLS ports (SNI) only', other.protocol === Protocol.HTTPS ? 'declare the port with protocol TLS: HTTPS to an external host is TLS the sidecar passes through' : 'use an HTTP or TLS port, or another resolution');
    }
    if (this.ports.some((p) => p.protocol === Protocol.HTTPS)) {
      // a partial wildcard (`*foo.example.com`) cannot become an Envoy server name
      const partial = this.hosts.find((h) => h.startsWith('*') && h !== '*' && !h.startsWith('*.'));
      if (partial) err('hosts', partial, 'a partial wildcard host is refused on an HTTPS port', 'use a whole-label wildcard such as "*.example.com"');
    }
    if ((r === ServiceEntryResolution.DNS || r === ServiceEntryResolution.DNS_ROUND_ROBIN) && this.endpoints.length === 0) {
      const wildcard = this.hosts.find((h) => h.startsWith('*'));
      if (wildcard) {
        err('hosts', wildcard, `${r} resolution without endpoints resolves the hosts themselves, and a wildcard host cannot be resolved`, 'list concrete hosts, add endpoints, or use resolution NONE (or DYNAMIC_DNS)');
      }
    }
    return errors;
  }

  private renderSpec(): l1.ServiceEntrySpec {
    const spec = {
      hosts: this.hosts,
      addresses: this.addresses,
      ports: this.ports.length > 0 ? this.ports : undefined,
      location: this.location,
      resolution: this.resolution,
      endpoints: this.endpoints.length > 0 ? this.endpoints.map((e) => compact(e)) : undefined,
      workloadSelector: this.workloadSelector ? { labels: this.workloadSelector._render(this, 'workloadSelector') } : undefined,
      exportTo: this.exportTo,
      subjectAltNames: this.subjectAltNames,
    };
    return spec as unknown as l1.ServiceEntrySpec;
  }

}
