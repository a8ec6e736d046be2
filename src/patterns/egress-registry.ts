// What the EgressLockdowns of one namespace share: one ServiceEntry per external host, the
// egress-gateway DestinationRules, and a wildcard index for the leak check.
import { IConstruct } from 'constructs';
import { Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { DestinationRule } from '../networking/destination-rule';
import { ServiceEntry, ServiceEntryResolution } from '../networking/service-entry';

/**
 * A lockdown as the registry of its namespace knows it.
 * @internal
 */
export interface EgressLockdownEntry extends IConstruct {
  readonly workloadSelector?: WorkloadSelector;
}

/** One external host in one namespace: its ServiceEntry is shared by every lockdown allowing it. */
export interface HostRecord {
  readonly host: string;
  readonly entry: ServiceEntry;
  readonly resolution: ServiceEntryResolution;
  readonly gatewayHost?: string;
  readonly ports: Map<number, Protocol>;
  readonly users: IConstruct[];
}

/** What the lockdowns of one namespace (in one app) share. */
export interface NamespaceRecord {
  namespaceWide?: EgressLockdownEntry;
  readonly lockdowns: EgressLockdownEntry[];
  readonly hosts: Map<string, HostRecord>;
  readonly gatewayRules: Map<string, DestinationRule>;
  /** Host groups by ServiceEntry name: the definition (to share only identical ones) and the entry. */
  readonly groups: Map<string, { readonly definition: string; readonly entry: ServiceEntry; readonly owner: IConstruct }>;
  /** Wildcard index for the leak check (see `wildcardIndex`), valid while `indexSize` matches. */
  index?: Map<string, HostRecord[]>;
  indexSize?: number;
}

/** The namespaces of each app (by root) and what their lockdowns share. */
const REGISTRY = new WeakMap<IConstruct, Map<string, NamespaceRecord>>();

/**
 * The shared record of `namespace` in the app of `scope`.
 * @internal
 */
export function namespaceRecord(scope: IConstruct, namespace: string): NamespaceRecord {
  const root = scope.node.root;
  let byNamespace = REGISTRY.get(root);
  if (!byNamespace) {
    byNamespace = new Map();
    REGISTRY.set(root, byNamespace);
  }
  let rec = byNamespace.get(namespace);
  if (!rec) {
    rec = { lockdowns: [], hosts: new Map(), gatewayRules: new Map(), groups: new Map() };
    byNamespace.set(namespace, rec);
  }
  return rec;
}

/**
 * `*.<domain>` -> the hosts of the namespace strictly inside that domain (including
 * narrower wildcards). Rebuilt only when hosts were added since the last build.
 */
export function wildcardIndex(rec: NamespaceRecord): Map<string, HostRecord[]> {
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
export function wildcardParents(host: string): string[] {
  const out: string[] = [];
  const start = host.startsWith('*.') ? 2 : 0;
  for (let i = host.indexOf('.', start); i >= 0; i = host.indexOf('.', i + 1)) out.push(`*${host.slice(i)}`);
  // For "a.b.c" this yields "*.b.c", "*.c"; for "*.b.c" it yields "*.c".
  return out;
}

/**
 * Egress hosts of a lockdown (`egressList`; its own hosts `own`) that cover a host allowed
 * only by other lockdowns of the namespace, as [pattern, host, owners]. Uses the namespace's
 * wildcard index, so the cost is linear in the labels of the lockdown's egress hosts (plus
 * the leaks found).
 * @internal
 */
export function findLeaks(
  record: NamespaceRecord, namespace: string, egressList: readonly string[], own: ReadonlyMap<string, HostRecord>,
): [string, string, string][] {
  const hosts = record.hosts;
  if (hosts.size === own.size) return [];
  const index = wildcardIndex(record);
  const out: [string, string, string][] = [];
  const seen = new Set<string>();
  const report = (pattern: string, rec: HostRecord | undefined) => {
    if (!rec || own.has(rec.host)) return;
    const key = `${pattern}\n${rec.host}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push([pattern, rec.host, rec.users.map((u) => u.node.path).join(', ')]);
  };
  for (const e of egressList) {
    const slash = e.indexOf('/');
    const ns = e.slice(0, slash);
    const dns = e.slice(slash + 1);
    if (!(ns === '.' || ns === '*' || ns === namespace) || own.has(dns)) continue;
    // The same host (or the same wildcard).
    report(e, hosts.get(dns));
    // A wildcard pattern covers the hosts of its domain.
    if (dns.startsWith('*.')) for (const rec of index.get(dns) ?? []) report(e, rec);
    // A wildcard host covers the patterns inside its domain.
    for (const parent of wildcardParents(dns)) report(e, hosts.get(parent));
  }
  return out;
}