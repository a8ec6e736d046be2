// What every rendering of a mesh picture shares: the nodes (Services, their routed versions,
// gateways, caller identities, external hosts) with their label lines, and the edge labels.
import { MeshGraphCall, MeshGraphData, MeshGraphRoute, MeshRouteKind } from './graph-model';

/** A node to draw. */
export interface GraphNode {
  readonly kind: 'service' | 'version' | 'gateway' | 'identity' | 'external';
  /** Its namespace (the group it is drawn in); none for external hosts. */
  readonly namespace?: string;
  /** Label lines. */
  readonly lines: string[];
}

/** Every node of the picture, by key (Service id, `<id>@<version>`, `gateway:`, `identity:`, `external:`). */
export function graphNodes(g: MeshGraphData): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  const services = new Map(g.services.map((s) => [s.id, s]));
  for (const s of g.services) {
    const lines = [s.name];
    if (s.versions.length > 0) lines.push(s.versions.join(' · '));
    if (s.mtls !== 'STRICT') lines.push(`mTLS ${s.mtls}`);
    if (s.waypoint !== undefined) lines.push(`waypoint ${s.waypoint}`);
    nodes.set(s.id, { kind: 'service', namespace: s.namespace, lines });
  }
  const add = (key: string) => {
    if (nodes.has(key)) return;
    if (key.startsWith('gateway:')) {
      const gw = g.gateways.find((x) => x.id === key);
      const id = key.slice('gateway:'.length);
      nodes.set(key, { kind: 'gateway', namespace: id.split('/')[0], lines: [`gateway ${id.split('/')[1]}`, ...(gw ? [gw.hosts.join(', ')] : [])] });
    } else if (key.startsWith('identity:')) {
      const id = key.slice('identity:'.length);
      nodes.set(key, { kind: 'identity', namespace: id.split('/')[0], lines: [`serviceaccount ${id.split('/')[1]}`] });
    } else if (key.startsWith('external:')) {
      nodes.set(key, { kind: 'external', lines: [key.slice('external:'.length)] });
    } else if (!services.has(key)) {
      nodes.set(key, { kind: 'service', namespace: key.split('/')[0], lines: [key.split('/')[1] ?? key] });
    }
  };
  for (const gw of g.gateways) add(gw.id);
  for (const c of g.callers) add(c.node);
  for (const r of g.routes) {
    add(r.source);
    add(r.to);
    const s = services.get(r.to);
    if (r.version !== undefined && s !== undefined && (s.versions.length !== 1 || s.versions[0] !== r.version)) {
      nodes.set(`${r.to}@${r.version}`, { kind: 'version', namespace: s.namespace, lines: [`${s.name} ${r.version}`] });
    }
  }
  for (const c of g.calls) add(c.fromNode);
  for (const e of g.egress) add(`external:${e.host}`);
  return nodes;
}

/** The label of a call edge: the requests allowed when restricted (plain text is marked by the edge's style). */
export function callLabel(c: MeshGraphCall): string {
  const parts: string[] = [];
  if (c.level === 'SOME') parts.push(c.allowed.join(' ; '));
  if (c.level === 'DEPENDS') parts.push('depends');
  if (c.denied.length > 0) parts.push(exceptLabel(c.denied));
  return parts.join(' ').trim();
}

/** The node a route ends at: the routed version's node when it is drawn, else the Service. */
export function routeTarget(r: MeshGraphRoute, nodes: Map<string, GraphNode>): string {
  const version = `${r.to}@${r.version}`;
  return r.version !== undefined && nodes.has(version) ? version : r.to;
}

/** The label of a route edge: share, mirror, matches, faults, timeouts. */
export function routeLabel(r: MeshGraphRoute): string {
  const parts: string[] = [];
  if (r.kind === MeshRouteKind.MIRROR) parts.push(`mirror${r.weight !== undefined ? ` ${r.weight}%` : ''}`);
  else if (r.weight !== undefined) parts.push(`${r.weight}%`);
  parts.push(...r.notes);
  return parts.join(' ');
}

/** What DENY rules (or external authorizers) take out: each rule in parentheses, `or` between. */
export function exceptLabel(denied: readonly string[]): string {
  return `except ${denied.map((d) => `(${d})`).join(' or ')}`;
}
