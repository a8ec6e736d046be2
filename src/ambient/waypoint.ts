import { ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { namespaceDataplaneOf } from './ambient-namespace';
import { checkDns1123Label, checkServiceName } from '../core/checks';
import { invalid } from '../core/errors';
import { GatewayApiAllowedRoutes, GatewayApiRouteNamespaces } from '../gateway-api/allowed-routes';
import { GatewayApiGateway } from '../gateway-api/gateway';
import { WAYPOINT_CLASS } from '../gateway-api/internal';
import { GatewayApiListener } from '../gateway-api/listener';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { SecurityPolicyTarget } from '../security/authorization-target';
import { Principal } from '../security/principal';

/**
 * Which traffic a waypoint processes (`istio.io/waypoint-for`).
 */
export enum WaypointTrafficType {
  /** Traffic addressed to a Service or ServiceEntry of the enrolled resources (Istio's default). */
  SERVICE = 'service',
  /** Traffic addressed to a pod or WorkloadEntry IP directly. */
  WORKLOAD = 'workload',
  /** Both service and workload traffic. */
  ALL = 'all',
  /** No traffic: the waypoint only carries policy for other uses (e.g. an ingress). */
  NONE = 'none',
}

/**
 * Properties of a `Waypoint`.
 */
export interface WaypointProps {
  /**
   * The waypoint's name: the Gateway's, and the name of the Deployment, Service and service
   * account Istio creates for it (so the waypoint's identity is
   * `<trustDomain>/ns/<namespace>/sa/<name>`).
   *
   * @default - the construct id
   */
  readonly waypointName?: string;

  /**
   * Which traffic the waypoint processes, written as `istio.io/waypoint-for`.
   *
   * @default - service traffic (Istio's default; the label is not written)
   */
  readonly trafficType?: WaypointTrafficType;

  /**
   * The Istio control-plane revision (or revision tag) that programs the waypoint, written as
   * `istio.io/rev`.
   *
   * @default - the default revision
   */
  readonly revision?: string;

  /**
   * Other namespaces whose Services and workloads may use this waypoint (they add the
   * `istio.io/use-waypoint-namespace` label, see `enrolmentLabels`), as the HBONE
   * listener's `allowedRoutes`.
   *
   * @default - only the waypoint's own namespace
   */
  readonly usableFrom?: GatewayApiAllowedRoutes;

  /**
   * Whether the waypoint denies every request that no ALLOW policy attached to it or to a
   * Service it serves admits: an allow-nothing AuthorizationPolicy `<name>-allow-nothing`
   * attached to the waypoint's Gateway. ztunnel lets through whatever a workload's waypoint
   * forwards, so without it the namespace's default deny would not cover L7 traffic.
   *
   * @default - true inside an `MtlsNamespace` with default deny (the default), false elsewhere
   */
  readonly defaultDeny?: boolean;

  /**
   * Further labels and annotations of the Gateway.
   *
   * @default - none
   */
  readonly metadata?: ApiObjectMetadata;
}

/** Labels a waypoint's Gateway gets from the Waypoint construct itself. */
const MANAGED_LABELS = ['istio.io/waypoint-for', 'istio.io/rev'];

/**
 * An ambient-mode waypoint proxy: a Gateway API Gateway of class `istio-waypoint` with the
 * HBONE listener `mesh` on port 15008, from which Istio deploys an Envoy that applies L7
 * policy (HTTP routing, AuthorizationPolicies with HTTP attributes, JWT) for the Services or
 * workloads that use it.
 *
 * Resources use a waypoint through the `istio.io/use-waypoint` label: a whole namespace
 * (`MtlsNamespace.addWaypoint`), one Service (`MeshService.useWaypoint`) or a ServiceEntry
 * (`ServiceEntry.useWaypoint`). L7 policies then attach to the Service (or the waypoint)
 * with `targetRefs`.
 *
 * @example
 * const waypoint = new Waypoint(shop, 'reviews-waypoint');
 * reviews.useWaypoint(waypoint);
 */
export class Waypoint extends Construct {
  /** The Gateway API Gateway that declares the waypoint. */
  public readonly gateway: GatewayApiGateway;

  /** The allow-nothing policy attached to the waypoint (see `defaultDeny`). */
  public readonly defaultDenyPolicy?: AuthorizationPolicy;

  /** The waypoint's name. */
  public readonly waypointName: string;

  /** Which traffic the waypoint processes. */
  public readonly trafficType: WaypointTrafficType;

  private readonly usableFrom?: GatewayApiAllowedRoutes;

  public constructor(scope: Construct, id: string, props: WaypointProps = {}) {
    super(scope, id);
    this.waypointName = props.waypointName ?? props.metadata?.name ?? id;
    this.trafficType = props.trafficType ?? WaypointTrafficType.SERVICE;
    this.usableFrom = props.usableFrom;
    checkServiceName(this, 'waypointName', this.waypointName);
    if (props.metadata?.name !== undefined && props.metadata.name !== this.waypointName) {
      invalid(this, 'metadata.name', props.metadata.name, 'the waypoint is named by `waypointName`', 'set only `waypointName`');
    }
    if (!Object.values(WaypointTrafficType).includes(this.trafficType)) {
      invalid(this, 'trafficType', this.trafficType, 'unknown waypoint traffic type', 'use WaypointTrafficType.SERVICE, WORKLOAD, ALL or NONE');
    }
    if (props.revision !== undefined) checkDns1123Label(this, 'revision', props.revision);
    for (const key of Object.keys(props.metadata?.labels ?? {})) {
      if (MANAGED_LABELS.includes(key)) {
        invalid(this, `metadata.labels[${JSON.stringify(key)}]`, props.metadata!.labels![key], 'this label is set by the Waypoint itself', key === 'istio.io/rev' ? 'use `revision`' : 'use `trafficType`');
      }
    }
    const labels: { [key: string]: string } = { ...(props.metadata?.labels ?? {}) };
    if (props.trafficType !== undefined) labels['istio.io/waypoint-for'] = this.trafficType;
    if (props.revision !== undefined) labels['istio.io/rev'] = props.revision;
    this.gateway = new GatewayApiGateway(this, 'Gateway', {
      metadata: { ...props.metadata, name: this.waypointName, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      gatewayClassName: WAYPOINT_CLASS,
      listeners: [GatewayApiListener.hbone({ name: 'mesh', allowedRoutes: props.usableFrom })],
    });
    if (props.defaultDeny ?? namespaceDataplaneOf(this, this.gateway.namespace)?.defaultDeny === true) {
      this.defaultDenyPolicy = AuthorizationPolicy.allowNothing(this, 'AllowNothing', {
        metadata: { name: `${this.waypointName}-allow-nothing`, namespace: props.metadata?.namespace },
        targetRefs: [SecurityPolicyTarget.gateway(this.waypointName)],
      });
    }
  }

  /** The waypoint's namespace (from its chart or `metadata.namespace`). */
  public get namespace(): string | undefined {
    return this.gateway.namespace;
  }

  /**
   * The identity the waypoint's proxy runs as (its service account has the waypoint's name):
   * the caller that workloads behind the waypoint see, to allow with
   * `MeshService.allowFromPrincipal`.
   */
  public get principal(): Principal {
    const ns = this.namespace;
    if (ns === undefined) {
      invalid(this, 'namespace', ns, 'the waypoint has no namespace, so its identity is unknown', 'create it inside an MtlsNamespace or a chart with a namespace');
    }
    return Principal.serviceAccount(ns, this.waypointName);
  }

  /**
   * The labels that make a resource in `namespaceName` use this waypoint:
   * `istio.io/use-waypoint`, plus `istio.io/use-waypoint-namespace` when the resource is in
   * another namespace (which `usableFrom` must admit).
   *
   * @param namespaceName the namespace of the Service, ServiceEntry or Namespace to enrol
   */
  public enrolmentLabels(namespaceName: string): { [key: string]: string } {
    const ns = this.namespace;
    return ns !== undefined && ns !== namespaceName
      ? { 'istio.io/use-waypoint': this.waypointName, 'istio.io/use-waypoint-namespace': ns }
      : { 'istio.io/use-waypoint': this.waypointName };
  }

  /**
   * Labels `target`'s metadata so that it uses this waypoint (see `enrolmentLabels`).
   * @internal
   */
  public _enrol(scope: IConstruct, target: { metadata: { namespace?: string; addLabel(key: string, value: string): void } }): void {
    const ns = target.metadata.namespace ?? Chart.of(scope).namespace;
    if (ns === undefined) {
      invalid(scope, 'namespace', ns, 'a resource without a namespace cannot use a waypoint', 'create it in an MtlsNamespace or a chart with a namespace');
    }
    const own = this.namespace;
    if (own !== undefined && own !== ns && (this.usableFrom === undefined || this.usableFrom.namespaces === GatewayApiRouteNamespaces.SAME)) {
      invalid(scope, 'waypoint', this.waypointName, `the waypoint is in namespace "${own}" and only usable from there, so resources in "${ns}" cannot use it`, `create the waypoint with usableFrom: GatewayApiAllowedRoutes.fromNamespacesWithLabels({ 'kubernetes.io/metadata.name': '${ns}' }) (or .all())`);
    }
    for (const [k, v] of Object.entries(this.enrolmentLabels(ns))) target.metadata.addLabel(k, v);
  }
}

/**
 * Whether a waypoint processes traffic addressed to Services (`service` or `all`), where
 * policies attached to a Service and routes whose parent is a Service take effect.
 * @internal
 */
export function servesServices(waypoint: Waypoint): boolean {
  return waypoint.trafficType === WaypointTrafficType.SERVICE || waypoint.trafficType === WaypointTrafficType.ALL;
}
