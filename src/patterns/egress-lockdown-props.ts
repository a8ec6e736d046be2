import { MeshService } from './mesh-service';
import { IMeshWorkload } from './mesh-workload-ref';
import type { Waypoint } from '../ambient/waypoint';
import { WorkloadSelector } from '../core/workload-selector';
import { ServiceEntryPort, ServiceEntryResolution } from '../networking/service-entry';
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
 * Several external hosts allowed through one ServiceEntry, e.g. a cloud provider's API hosts
 * and its metadata server.
 */
export interface EgressHostGroup extends EgressHostOptions {
  /** `metadata.name` of the group's ServiceEntry, e.g. `allow-egress-googleapis`. */
  readonly name: string;

  /**
   * The hosts (DNS names or wildcard domains such as `*.googleapis.com`).
   */
  readonly hosts: string[];

  /**
   * IP addresses or CIDR blocks the hosts are reached at, e.g. `169.254.169.254` for a
   * cloud metadata server: the sidecar then matches connections by address.
   *
   * @default - none
   */
  readonly addresses?: string[];
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
   * Lock down this mesh workload's pods (a MeshService's, all versions, or a MeshWorkload's;
   * selected by `app=<name>`). Give at most one of `workload` and `workloadSelector`.
   *
   * @default - no workload; see `workloadSelector`
   */
  readonly workload?: IMeshWorkload;

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
   * Groups of external hosts, one ServiceEntry each (named by the group). More can be added
   * with `allowHostGroup`. Not with `egressGateway`.
   *
   * @default - none
   */
  readonly allowGroups?: EgressHostGroup[];

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
   * Ambient mode (required there, unused with sidecars): the egress waypoint the allowed
   * hosts are reached through. Each host gets a ServiceEntry in the waypoint's namespace that
   * uses the waypoint, and an AuthorizationPolicy attached to it that admits only the
   * lockdowns' workloads (by identity; a namespace-wide lockdown admits its namespace).
   *
   * @default - none: sidecar mode
   */
  readonly egressWaypoint?: Waypoint;

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
