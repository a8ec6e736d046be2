// How constructs learn the dataplane mode of the namespace they are created in, without
// importing MtlsNamespace (which imports them): MtlsNamespace registers itself here, and
// patterns look the registration up from their own scope.
import { IConstruct } from 'constructs';
import { Principal } from '../security/principal';

/**
 * A waypoint as the patterns need it: its name and namespace (the Gateway), from which its
 * identity follows. A `Waypoint` construct, or a waypoint managed elsewhere that a namespace
 * names with `MtlsNamespaceProps.waypoint`.
 * @internal
 */
export interface WaypointBinding {
  readonly waypointName: string;
  readonly namespace: string;
}

/**
 * What an `MtlsNamespace` tells the constructs inside it.
 * @internal
 */
export interface NamespaceDataplane {
  readonly namespaceName: string;
  readonly ambient: boolean;
  readonly defaultDeny: boolean;
  /** The waypoint every Service of the namespace uses, if any (read at synth: it may be added late). */
  namespaceWaypoint(): WaypointBinding | undefined;
}

const REGISTRY = new WeakMap<IConstruct, NamespaceDataplane>();

/** @internal */
export function registerNamespaceDataplane(scope: IConstruct, dataplane: NamespaceDataplane): void {
  REGISTRY.set(scope, dataplane);
}

/**
 * The dataplane of the nearest enclosing `MtlsNamespace` of `scope` (itself included), if the
 * object lives in that namespace (`namespace`, when known, must match).
 * @internal
 */
export function namespaceDataplaneOf(scope: IConstruct, namespace?: string): NamespaceDataplane | undefined {
  for (let s: IConstruct | undefined = scope; s !== undefined; s = s.node.scope) {
    const found = REGISTRY.get(s);
    if (found !== undefined) {
      return namespace === undefined || namespace === found.namespaceName ? found : undefined;
    }
  }
  return undefined;
}

/**
 * The identity of a waypoint's proxy: Istio runs it as the service account named after the
 * waypoint, in the waypoint's namespace.
 * @internal
 */
export function waypointPrincipal(waypoint: WaypointBinding): Principal {
  return Principal.serviceAccount(waypoint.namespace, waypoint.waypointName);
}
