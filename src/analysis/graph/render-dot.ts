// Graphviz DOT of a mesh picture (a cluster per namespace), and SVG laid out from it by
// Graphviz compiled to WebAssembly (@viz-js/viz): no system binary, the same on every machine.
import { MeshGraphData, MeshRouteKind } from './graph-model';
import { callLabel, GraphNode, graphNodes, routeLabel, routeTarget } from './render-common';
import { byString } from '../authz/mesh-index';

/** A DOT double-quoted string. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const SHAPES: { [kind: string]: string } = {
  service: 'shape=box, style="rounded"',
  version: 'shape=box, style="dashed,rounded"',
  gateway: 'shape=hexagon',
  identity: 'shape=ellipse',
  external: 'shape=cylinder',
};

function node(key: string, n: GraphNode): string {
  return `${q(key)} [label=${q(n.lines.join('\n'))}, ${SHAPES[n.kind]}];`;
}

/** The DOT text. */
export function renderDot(g: MeshGraphData): string {
  const nodes = graphNodes(g);
  const sorted = [...nodes.entries()].sort(([a], [b]) => byString(a, b));
  const out = ['digraph mesh {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const ns of g.namespaces) {
    out.push(`  subgraph ${q(`cluster_${ns}`)} {`, `    label=${q(`namespace ${ns}`)};`, '    style="rounded";');
    for (const [key, n] of sorted) if (n.namespace === ns) out.push(`    ${node(key, n)}`);
    out.push('  }');
  }
  for (const [key, n] of sorted) if (n.namespace === undefined) out.push(`  ${node(key, n)}`);
  for (const r of g.routes) {
    out.push(`  ${q(r.source)} -> ${q(routeTarget(r, nodes))} [label=${q(routeLabel(r))}, ${r.kind === MeshRouteKind.MIRROR ? 'style=dashed' : 'style=bold'}, color="#1f6feb"];`);
  }
  for (const c of g.calls) {
    const attrs = [`label=${q(callLabel(c))}`];
    if (c.level === 'DEPENDS') attrs.push('style=dotted');
    if (c.mtls !== 'STRICT') attrs.push('color="#d33"', 'fontcolor="#d33"');
    out.push(`  ${q(c.fromNode)} -> ${q(c.to)} [${attrs.join(', ')}];`);
  }
  for (const e of g.egress) {
    out.push(`  ${q(e.fromNode)} -> ${q(`external:${e.host}`)} [label=${q(e.via !== undefined ? `egress via ${e.via}` : 'egress')}, color="#8250df"];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** SVG of the picture, laid out by Graphviz `dot`. */
export async function renderSvg(g: MeshGraphData): Promise<string> {
  // Loaded on first use: the wasm build is large, and only SVG output needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const viz: { instance(): Promise<{ renderString(dot: string, options: { format: string; engine: string }): string }> } = require('@viz-js/viz');
  const instance = await viz.instance();
  return instance.renderString(renderDot(g), { format: 'svg', engine: 'dot' });
}
