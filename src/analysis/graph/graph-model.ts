// The picture of a mesh as data: namespaces, Services and their versions, who may call whom
// (from the authorization evaluation), routes with weights and mirrors, gateways with the hosts
// they take in, and the external hosts each identity may reach. Every list is sorted, so the
// renderings (Mermaid, DOT, SVG, JSON, the Markdown matrix) are deterministic.
import { AccessLevel } from '../authz/authz-types';
import { MeshDataplane } from '../authz/mesh-index';

/** A Service in the picture. */
export interface MeshGraphService {
  /** `<namespace>/<name>`: the node id. */
  readonly id: string;
  /** The Service's namespace. */
  readonly namespace: string;
  /** The Service's name. */
  readonly name: string;
  /** The `version` labels of the workloads behind it, sorted. */
  readonly versions: string[];
  /** The identities (`<namespace>/<serviceaccount>`) its workloads run as, sorted. */
  readonly identities: string[];
  /** How its workloads are in the mesh (of the first workload; SIDECAR when none is known). */
  readonly dataplane: MeshDataplane;
  /** The mTLS mode its workloads accept (STRICT, PERMISSIVE or DISABLE; MIXED when they differ). */
  readonly mtls: string;
  /** The waypoint serving it, `<namespace>/<name>`. @default - none */
  readonly waypoint?: string;
}

/** An identity that calls: a workload's ServiceAccount, or a gateway's. */
export interface MeshGraphCaller {
  /** `<namespace>/<serviceaccount>`. */
  readonly identity: string;
  /** The node it is drawn as: the Service its workloads serve, a gateway (`gateway:<ns>/<name>`), or itself (`identity:<ns>/<sa>`). */
  readonly node: string;
}

/** An allowed call: one caller identity may send some or all requests to a Service. */
export interface MeshGraphCall {
  /** The caller identity, `<namespace>/<serviceaccount>`. */
  readonly from: string;
  /** The caller's node. */
  readonly fromNode: string;
  /** The Service, `<namespace>/<name>`. */
  readonly to: string;
  /** ALL, SOME or DEPENDS (NONE is not drawn). */
  readonly level: AccessLevel;
  /** The requests allowed when SOME (e.g. `GET /reviews/*`). */
  readonly allowed: string[];
  /** Requests taken out by DENY rules or external authorizers. */
  readonly denied: string[];
  /** The mTLS mode of the called Service (anything but STRICT accepts plain text). */
  readonly mtls: string;
}

/** Whether a route sends the traffic or a copy of it. */
export enum MeshRouteKind {
  /** The traffic goes there (with its share when weighted). */
  ROUTE = 'ROUTE',
  /** A copy goes there; responses are dropped. */
  MIRROR = 'MIRROR',
}

/** One destination of a route: traffic for a host, from a Service's clients or a gateway, to a backend. */
export interface MeshGraphRoute {
  /** Where the traffic enters the route: a Service id, `gateway:<ns>/<name>` or `external:<host>`. */
  readonly source: string;
  /** The backend: a Service id or `external:<host>`. */
  readonly to: string;
  /** The version the subset (or version Service) selects. @default - any version */
  readonly version?: string;
  /** The share of the traffic in percent, when the route splits it. @default - all of it */
  readonly weight?: number;
  /** ROUTE or MIRROR. */
  readonly kind: MeshRouteKind;
  /** Matches, faults, timeouts and retries of the route, in words. */
  readonly notes: string[];
  /** The object that declares it, `<Kind> <ns>/<name>`. */
  readonly declaredBy: string;
}

/** A gateway: where traffic enters (or leaves) the mesh. */
export interface MeshGraphGateway {
  /** `gateway:<namespace>/<name>`. */
  readonly id: string;
  /** `<Kind> <namespace>/<name>` of the Gateway. */
  readonly declaredBy: string;
  /** The hosts its servers or listeners take, sorted. */
  readonly hosts: string[];
  /** The identity its proxies run as. @default - unknown (a selector no known workload or default install matches) */
  readonly identity?: string;
}

/** An external host a caller identity may reach. */
export interface MeshGraphEgress {
  /** The caller identity. */
  readonly from: string;
  /** The caller's node. */
  readonly fromNode: string;
  /** The host (`external:<host>` is its node). */
  readonly host: string;
  /** The egress gateway Service or waypoint the traffic goes through. @default - directly */
  readonly via?: string;
}

/** The whole picture. */
export interface MeshGraphData {
  /** Namespaces with Services, sorted. */
  readonly namespaces: string[];
  /** Services, sorted by id. */
  readonly services: MeshGraphService[];
  /** Caller identities, sorted. */
  readonly callers: MeshGraphCaller[];
  /** Allowed calls, sorted by caller then Service. */
  readonly calls: MeshGraphCall[];
  /** Routes, sorted. */
  readonly routes: MeshGraphRoute[];
  /** Gateways, sorted. */
  readonly gateways: MeshGraphGateway[];
  /** External hosts reachable by callers, sorted. */
  readonly egress: MeshGraphEgress[];
}
