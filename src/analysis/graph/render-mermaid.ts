// Mermaid flowchart of a mesh picture: a subgraph per namespace; Services (with their
// versions), gateways and caller identities as nodes; calls, routes, mirrors and egress as
// edges. Node ids are derived from the sorted node keys, so the text is stable.
import { MeshGraphData, MeshRouteKind } from './graph-model';
import { callLabel, GraphNode, graphNodes, routeLabel, routeTarget } from './render-common';
import { byString } from '../authz/mesh-index';

/** Text inside a quoted Mermaid label. */
function esc(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}

function shape(n: GraphNode, id: string): string {
  const label = `"${n.lines.map(esc).join('<br/>')}"`;
  switch (n.kind) {
    case 'gateway': return `${id}{{${label}}}`;
    case 'external': return `${id}[(${label})]`;
    case 'identity': return `${id}([${label}])`;
    case 'version': return `${id}[/${label}/]`;
    default: return `${id}[${label}]`;
  }
}

/** The Mermaid text. */
export function renderMermaid(g: MeshGraphData): string {
  const nodes = graphNodes(g);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const key of [...nodes.keys()].sort()) {
    const base = `n_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(key, id);
  }
  const out = ['flowchart LR'];
  for (const ns of g.namespaces) {
    out.push(`  subgraph ns_${ns.replace(/[^A-Za-z0-9]+/g, '_')}["namespace ${esc(ns)}"]`);
    for (const [key, n] of [...nodes.entries()].sort(([a], [b]) => byString(a, b))) {
      if (n.namespace === ns) out.push(`    ${shape(n, ids.get(key)!)}`);
    }
    out.push('  end');
  }
  for (const [key, n] of [...nodes.entries()].sort(([a], [b]) => byString(a, b))) {
    if (n.namespace === undefined) out.push(`  ${shape(n, ids.get(key)!)}`);
  }
  const edges: string[] = [];
  const plaintext: number[] = [];
  const edge = (from: string, arrow: string, to: string, label: string) => {
    edges.push(`  ${ids.get(from)} ${arrow}${label !== '' ? `|"${esc(label)}"|` : ''} ${ids.get(to)}`);
  };
  for (const r of g.routes) {
    edge(r.source, r.kind === MeshRouteKind.MIRROR ? '-.->' : '==>', routeTarget(r, nodes), routeLabel(r));
  }
  for (const c of g.calls) {
    if (c.mtls !== 'STRICT') plaintext.push(edges.length);
    edge(c.fromNode, c.level === 'DEPENDS' ? '-.->' : '-->', c.to, callLabel(c));
  }
  for (const e of g.egress) edge(e.fromNode, '-->', `external:${e.host}`, e.via !== undefined ? `egress via ${e.via}` : 'egress');
  out.push(...edges);
  if (plaintext.length > 0) out.push(`  linkStyle ${plaintext.join(',')} stroke:#d33,stroke-dasharray:4`);
  return `${out.join('\n')}\n`;
}
