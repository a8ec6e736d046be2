// The picture of a mesh: built from a MeshModel (authorization) and the routing objects
// (traffic), rendered as Mermaid, Graphviz DOT, SVG, JSON, or a who-may-call-whom matrix.
import { IConstruct } from 'constructs';
import { MeshGraphCall, MeshGraphCaller, MeshGraphData, MeshGraphRoute, MeshGraphService, MeshRouteKind } from './graph-model';
import { renderDot, renderSvg } from './render-dot';
import { renderAccessMatrix } from './render-matrix';
import { renderMermaid } from './render-mermaid';
import { readTraffic } from './traffic';
import { AccessLevel } from '../authz/authz-types';
import { byString, MeshDataplane, MeshServiceInfo } from '../authz/mesh-index';
import { MeshModel, MeshModelOptions } from '../authz/mesh-model';

/** Options of a `MeshGraph`. */
export interface MeshGraphOptions extends MeshModelOptions {
  /**
   * Draw only this namespace: its Services, gateways and identities, and what calls or routes
   * into or out of them.
   * @default - every namespace
   */
  readonly namespace?: string;
}

const nsOfNode = (node: string): string | undefined => {
  const bare = node.replace(/^(gateway|identity):/, '');
  return node.startsWith('external:') ? undefined : bare.split('/')[0];
};

/**
 * The intended mesh as a picture, from the manifests alone: namespaces, Services and their
 * versions, the calls authorization allows (with the requests when restricted, marked when the
 * callee accepts plain text), weighted routes and mirrors, gateways into Services, and the
 * external hosts each workload may reach. Output is sorted: the same manifests give the same
 * text, for snapshots and review diffs.
 *
 * @example
 * const graph = MeshGraph.fromApp(app);
 * fs.writeFileSync('mesh.md', graph.toMermaid());
 */
export class MeshGraph {
  /** The picture of every object of a cdk8s app (or any scope). */
  public static fromApp(scope: IConstruct, options: MeshGraphOptions = {}): MeshGraph {
    return new MeshGraph(MeshModel.fromApp(scope, options), options);
  }

  /** The picture of plain manifests (parsed YAML or JSON objects). */
  public static fromManifests(objects: any[], options: MeshGraphOptions = {}): MeshGraph {
    return new MeshGraph(MeshModel.fromManifests(objects, options), options);
  }

  /** The picture of a model. */
  public static fromModel(model: MeshModel, options: MeshGraphOptions = {}): MeshGraph {
    return new MeshGraph(model, options);
  }

  /** The picture as data (what `toJson()` returns). */
  public readonly data: MeshGraphData;

  private constructor(private readonly model: MeshModel, options: MeshGraphOptions) {
    const index = model._index;
    // The node a caller identity is drawn as: a gateway, the Service all its workloads serve, or itself.
    const gatewayIdentity = new Map<string, string>();
    const byIdentity = new Map<string, number>();
    for (const w of index.workloads) byIdentity.set(w.identity, (byIdentity.get(w.identity) ?? 0) + 1);
    const serving = new Map<string, MeshServiceInfo>();
    for (const s of index.services) {
      const ids = new Set(s.backends.map((w) => w.identity));
      if (ids.size !== 1) continue;
      const identity = [...ids][0];
      const best = serving.get(identity);
      const coversAll = s.backends.length === byIdentity.get(identity);
      if (coversAll && (best === undefined || s.backends.length > best.backends.length)) serving.set(identity, s);
    }
    const nodeOf = (identity: string) => gatewayIdentity.get(identity) ?? (serving.has(identity) ? serving.get(identity)!.id : `identity:${identity}`);
    const traffic = readTraffic(index, nodeOf, (identity) => model._principal(identity));
    for (const g of traffic.gateways) {
      if (g.identity !== undefined && !gatewayIdentity.has(g.identity) && !byIdentity.has(g.identity)) gatewayIdentity.set(g.identity, g.id);
    }

    const identities = [...new Set([...byIdentity.keys(), ...gatewayIdentity.keys()])].sort();
    const callers: MeshGraphCaller[] = identities.map((identity) => ({ identity, node: nodeOf(identity) }));
    const services: MeshGraphService[] = index.services.map((s) => {
      const port = s.ports[0];
      const modes = new Set(s.backends.map((w) => index.mtlsMode(w, port === undefined ? undefined : w.targetPort(port))));
      return {
        id: s.id,
        namespace: s.namespace,
        name: s.name,
        versions: s.versions,
        identities: [...new Set(s.backends.map((w) => w.identity))].sort(),
        dataplane: s.backends[0]?.dataplane ?? MeshDataplane.SIDECAR,
        mtls: modes.size === 0 ? 'PERMISSIVE' : modes.size === 1 ? [...modes][0] : 'MIXED',
        waypoint: s.waypoint,
      };
    });
    const mtlsOf = new Map(services.map((s) => [s.id, s.mtls]));
    const calls: MeshGraphCall[] = [];
    for (const c of callers) {
      const caller = model._caller(c.identity);
      for (const s of index.services) {
        if (c.node === s.id) continue;
        const a = model._serviceAccess(caller, s);
        if (a.level === AccessLevel.NONE) continue;
        calls.push({ from: c.identity, fromNode: c.node, to: s.id, level: a.level, allowed: a.allowed, denied: a.denied, mtls: mtlsOf.get(s.id)! });
      }
    }
    // A route that sends a Service's traffic to itself (its only version), whole and unconditioned, draws nothing.
    const versionsOf = new Map(services.map((x) => [x.id, x.versions]));
    const trivial = (r: MeshGraphRoute) => r.source === r.to && r.weight === undefined && r.notes.length === 0 && r.kind === MeshRouteKind.ROUTE
      && (r.version === undefined || (versionsOf.get(r.to)?.length === 1 && versionsOf.get(r.to)![0] === r.version));
    const routes = traffic.routes.filter((r) => !trivial(r));
    const ns = options.namespace;
    const keep = (...nodes: string[]) => ns === undefined || nodes.some((n) => nsOfNode(n) === ns);
    const kept = {
      services: services.filter((s) => keep(s.id)),
      callers: callers.filter((c) => keep(c.node)),
      calls: calls.filter((c) => keep(c.fromNode, c.to)),
      routes: routes.filter((r) => keep(r.source, r.to)),
      gateways: traffic.gateways.filter((g) => keep(g.id)),
      egress: traffic.egress.filter((e) => keep(e.fromNode)),
    };
    const namespaces = new Set<string>();
    const drawn = [
      ...kept.services.map((s) => s.id), ...kept.callers.map((c) => c.node), ...kept.gateways.map((g) => g.id),
      ...kept.calls.flatMap((c) => [c.fromNode, c.to]), ...kept.routes.flatMap((r) => [r.source, r.to]), ...kept.egress.map((e) => e.fromNode),
    ];
    for (const node of drawn) {
      const n = nsOfNode(node);
      if (n !== undefined) namespaces.add(n);
    }
    this.data = { namespaces: [...namespaces].sort(byString), ...kept };
  }

  /** The picture as plain data (JSON-serializable). */
  public toJson(): any {
    return JSON.parse(JSON.stringify(this.data));
  }

  /** Mermaid `flowchart` text (renders on GitHub in a ```mermaid block). */
  public toMermaid(): string {
    return renderMermaid(this.data);
  }

  /** Graphviz DOT text. */
  public toDot(): string {
    return renderDot(this.data);
  }

  /** SVG, laid out by Graphviz compiled to WebAssembly (no system binary needed). */
  public async toSvg(): Promise<string> {
    return renderSvg(this.data);
  }

  /**
   * Who may call whom, as a Markdown table: a row per caller identity (and one for callers
   * without a mesh identity), a column per Service.
   */
  public toMarkdownMatrix(): string {
    return renderAccessMatrix(this.data, (identity, s) => {
      const [namespace, serviceAccount] = identity === undefined ? [undefined, undefined] : identity.split('/');
      const [sns, sname] = s.split('/');
      return this.model.access({ namespace, serviceAccount }, sns, sname);
    });
  }
}
