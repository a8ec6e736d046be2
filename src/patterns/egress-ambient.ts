// EgressLockdown in ambient mode (seed 004's per-workload allowlist without sidecars): each
// allowed external host gets a ServiceEntry in the egress waypoint's namespace that uses the
// waypoint, and an AuthorizationPolicy attached to that ServiceEntry admitting only the
// identities (or namespaces) of the lockdowns that allow the host. Lockdowns of any namespace
// that allow the same host through the same waypoint share both.
import { IConstruct } from 'constructs';
import type { EgressLockdownProps } from './egress-lockdown-props';
import { hostSlug, resourceName } from './egress-naming';
import type { Waypoint } from '../ambient/waypoint';
import { invalid } from '../core/errors';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryPort, ServiceEntryResolution } from '../networking/service-entry';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { RuleSource } from '../security/authorization-rule';
import { SecurityPolicyTarget } from '../security/authorization-target';

/** One host routed through an egress waypoint. */
interface WaypointHost {
  readonly entry: ServiceEntry;
  readonly policy: AuthorizationPolicy;
  readonly resolution: ServiceEntryResolution;
  readonly ports: string;
  readonly owner: string;
  readonly sources: Set<string>;
}

const HOSTS = new WeakMap<Waypoint, Map<string, WaypointHost>>();

/** A stable text of a port list, to compare two lockdowns' ports for one host. */
function portsKey(ports: readonly ServiceEntryPort[]): string {
  return JSON.stringify(ports.map((p) => [p.number, p.protocol, p.targetPort ?? null, p.name ?? null]).sort());
}

/**
 * Checks an egress waypoint for ambient egress: it must have a namespace, where the
 * ServiceEntries and policies are created.
 * @internal
 */
export function egressWaypointNamespace(scope: IConstruct, waypoint: Waypoint): string {
  const ns = waypoint.namespace;
  if (ns === undefined) {
    invalid(scope, 'egressWaypoint', waypoint.waypointName, 'the egress waypoint has no namespace, where the ServiceEntries of the allowed hosts must be created', "create it in its own namespace, e.g. new MtlsNamespace(app, 'istio-egress', { dataplaneMode: DataplaneMode.AMBIENT }).addWaypoint('waypoint')");
  }
  return ns;
}

/**
 * Routes `host` through the egress waypoint and admits `source` to it: creates (or shares)
 * the host's ServiceEntry and policy in the waypoint's namespace, and adds the source once.
 * @internal
 */
export function allowThroughEgressWaypoint(
  scope: IConstruct, field: string, waypoint: Waypoint, host: string,
  resolution: ServiceEntryResolution, ports: ServiceEntryPort[], source: RuleSource, sourceKey: string,
): ServiceEntry {
  const namespace = egressWaypointNamespace(scope, waypoint);
  if (host.startsWith('*') || resolution === ServiceEntryResolution.NONE || resolution === ServiceEntryResolution.DYNAMIC_DNS) {
    invalid(scope, field, host, `an egress waypoint forwards to a host it resolves itself, and "${host}" with ${resolution} resolution gives it no address`, 'list the concrete host names with DNS resolution');
  }
  let hosts = HOSTS.get(waypoint);
  if (hosts === undefined) HOSTS.set(waypoint, hosts = new Map());
  let rec = hosts.get(host);
  const key = portsKey(ports);
  if (rec === undefined) {
    const name = resourceName('egress-', hostSlug(host));
    const entry = new ServiceEntry(waypoint, `Egress-${hostSlug(host)}`, {
      metadata: { name, namespace },
      hosts: [host],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution,
      ports,
    });
    entry.useWaypoint(waypoint);
    const policy = new AuthorizationPolicy(waypoint, `EgressCallers-${hostSlug(host)}`, {
      metadata: { name, namespace },
      targetRefs: [SecurityPolicyTarget.serviceEntry(name)],
    });
    rec = { entry, policy, resolution, ports: key, owner: scope.node.path, sources: new Set() };
    hosts.set(host, rec);
  } else if (rec.resolution !== resolution || rec.ports !== key) {
    invalid(scope, field, host, `${rec.owner} already routes this host through the egress waypoint "${waypoint.waypointName}" with other ports or resolution, and the host has one ServiceEntry there`, 'give the host the same ports and resolution in every lockdown');
  }
  if (!rec.sources.has(sourceKey)) {
    rec.sources.add(sourceKey);
    rec.policy.addRule({ sources: [source] });
  }
  return rec.entry;
}

/**
 * What an ambient lockdown routes through, and whom its hosts admit.
 * @internal
 */
export interface AmbientLockdown {
  readonly waypoint: Waypoint;
  readonly source: RuleSource;
  readonly sourceKey: string;
}

/**
 * An EgressLockdown in an ambient namespace: checks what applies there and returns the
 * egress waypoint and the callers its hosts admit (the workload's identity, or the namespace).
 * @internal
 */
export function ambientLockdown(scope: IConstruct, props: EgressLockdownProps, namespace: string): AmbientLockdown {
  const why = 'the namespace is in ambient mode, which has no sidecars to configure';
  if (props.egressWaypoint === undefined) {
    invalid(scope, 'egressWaypoint', undefined, `${why}: external hosts are allowed per caller at an egress waypoint (a ServiceEntry that uses it, and a policy on that ServiceEntry)`, "pass egressWaypoint: new MtlsNamespace(app, 'istio-egress', { dataplaneMode: DataplaneMode.AMBIENT }).addWaypoint('waypoint'), or run the namespace with sidecars");
  }
  const refused: [string, unknown, string][] = [
    ['egressGateway', props.egressGateway, 'the egress waypoint takes the place of the egress gateway'],
    ['blockAllExternal', props.blockAllExternal === true ? true : undefined, 'ztunnel passes connections to hosts outside the service registry through, so only a NetworkPolicy (or the CNI) can block every external host'],
    ['allowGroups', props.allowGroups, 'an egress waypoint needs one concrete host per ServiceEntry'],
    ['meshServices', props.meshServices, 'in-mesh calls are governed by the callee\'s policies (allowFrom), not by the caller'],
    ['meshNamespaces', props.meshNamespaces, 'in-mesh calls are governed by the callee\'s policies (allowFrom), not by the caller'],
    ['meshHosts', props.meshHosts, 'in-mesh calls are governed by the callee\'s policies (allowFrom), not by the caller'],
    ['sidecarName', props.sidecarName, 'there is no Sidecar resource'],
  ];
  for (const [field, value, reason] of refused) {
    if (value !== undefined) invalid(scope, field, Array.isArray(value) ? value.length : value, `${why}: ${reason}`, `leave \`${field}\` out in ambient mode, or run the namespace with sidecars`);
  }
  if (props.workload !== undefined) {
    return { waypoint: props.egressWaypoint, source: { principals: [props.workload.principal] }, sourceKey: `workload ${props.workload.node.path}` };
  }
  if (props.workloadSelector !== undefined) {
    invalid(scope, 'workloadSelector', props.workloadSelector, `${why}: the egress waypoint admits callers by identity, which labels do not give`, 'pass the MeshService or MeshWorkload as `workload`');
  }
  return { waypoint: props.egressWaypoint, source: { namespaces: [namespace] }, sourceKey: `namespace ${namespace}` };
}
