import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IGateway, renderGateway } from './gateway-ref';
import { RouteDestination, RoutedDestination } from './route-destination';
import { HttpRoute, renderHttpRoute } from './route-http';
import { TcpRoute, renderTcpRoute } from './route-tcp';
import { TlsRoute, renderTlsRoute } from './route-tls';
import { IVirtualService, VirtualServiceReference, describeVirtualService } from './virtual-service-ref';
import * as l1 from '../../imports/networking.istio.io';
import { checkDns1123Label, checkHost, checkNonEmpty } from '../core/checks';
import { invalid, validationMessage } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

/**
 * Properties of a `VirtualService`.
 */
export interface VirtualServiceProps extends IstioResourceProps {
  /**
   * The hosts traffic is addressed to: service short names (`reviews`), FQDNs,
   * wildcard domains (`*.example.com`) or `*` (only with non-mesh gateways).
   *
   * @default - none: the VirtualService is a delegate, and must be referenced by a
   * root VirtualService's `delegateTo` (or given hosts with `addHost`)
   */
  readonly hosts?: string[];

  /**
   * The gateways and sidecars applying these routes: `Gateway` constructs, gateways defined
   * elsewhere (`Gateway.fromGatewayName('ingressgateway', 'istio-system')`), and
   * `Gateway.MESH` for every sidecar. A gateway in another namespace renders as
   * `namespace/name`.
   *
   * @default - `mesh`: every sidecar in the mesh, no gateway
   */
  readonly gateways?: IGateway[];

  /**
   * HTTP route rules, evaluated in order. More can be added with `addHttpRoute`.
   *
   * @default - none
   */
  readonly http?: HttpRoute[];

  /**
   * Opaque TCP route rules, evaluated in order. More can be added with `addTcpRoute`.
   *
   * @default - none
   */
  readonly tcp?: TcpRoute[];

  /**
   * Pass-through TLS route rules (routed by SNI), evaluated in order. More can be added
   * with `addTlsRoute`.
   *
   * @default - none
   */
  readonly tls?: TlsRoute[];

  /**
   * Namespaces this VirtualService is visible to: `.` (its own), `*` (all) or namespace
   * names.
   *
   * @default - Istio's mesh default (usually all namespaces)
   */
  readonly exportTo?: string[];
}

/**
 * `networking.istio.io/v1` VirtualService: how requests to a host are routed — by URI,
 * headers and other conditions, to weighted service subsets, with retries, timeouts,
 * fault injection, mirroring, rewrites, redirects and CORS.
 *
 * Every rule is checked when it is added; checks that later calls can change (weights
 * adding up to 100, `*` hosts on the mesh, SNI hosts, delegation) run at synth.
 *
 * @example
 * const vs = new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
 * vs.addHttpRoute({
 *   match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
 *   route: [{ host: 'reviews', subset: 'v2' }],
 * });
 * vs.addHttpRoute({ route: [{ host: 'reviews', subset: 'v1', weight: 90 }, { host: 'reviews', subset: 'v3', weight: 10 }] });
 */
export class VirtualService extends IstioResource implements IVirtualService {
  /**
   * A VirtualService defined outside this app, by name: the target of a delegating route
   * (`delegateTo`).
   *
   * @param name the VirtualService's `metadata.name`
   * @param namespace its namespace; leave it out for one in the root VirtualService's namespace
   */
  public static fromVirtualServiceName(name: string, namespace?: string): IVirtualService {
    return new VirtualServiceReference(name, namespace);
  }

  public readonly apiObject: l1.VirtualService;

  private readonly _hosts: string[] = [];
  private readonly _hostSet = new Set<string>();
  private readonly _gateways: IGateway[] = [];
  private readonly _exportTo: string[] = [];
  private readonly _http: HttpRoute[] = [];
  private readonly _tcp: TcpRoute[] = [];
  private readonly _tls: TlsRoute[] = [];
  private readonly _delegatedFrom: VirtualService[] = [];
  // Rendered gateway names, for O(1) duplicate checks (names of constructs never change).
  private readonly _gatewayNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: VirtualServiceProps = {}) {
    super(scope, id);
    if (props.hosts !== undefined) {
      checkNonEmpty(this, 'hosts', props.hosts, 'list at least one host such as "reviews", or omit `hosts` to define a delegate VirtualService');
    }
    for (const h of props.hosts ?? []) this.addHost(h);
    for (const g of props.gateways ?? []) this.addGateway(g);
    for (const ns of props.exportTo ?? []) this.addExportTo(ns);
    for (const r of props.http ?? []) this.addHttpRoute(r);
    for (const r of props.tcp ?? []) this.addTcpRoute(r);
    for (const r of props.tls ?? []) this.addTlsRoute(r);

    this.apiObject = new l1.VirtualService(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({ validate: () => this.validateAtSynth() });
  }

  /** The VirtualService's name (`IVirtualService`). */
  public get virtualServiceName(): string {
    return this.name;
  }

  /** The VirtualService's namespace, if it has one (`IVirtualService`). */
  public get virtualServiceNamespace(): string | undefined {
    return this.namespace;
  }

  /** The hosts of this VirtualService (empty for a delegate). */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** The gateways as rendered into `spec.gateways` (empty means `mesh`). */
  public get gateways(): string[] {
    const own = this.apiObject?.metadata.namespace;
    return this._gateways.map((g, i) => renderGateway(this, `gateways[${i}]`, g, own));
  }

  /** The namespaces this VirtualService is exported to (empty means Istio's default). */
  public get exportTo(): string[] {
    return [...this._exportTo];
  }

  /** The HTTP route rules, in evaluation order. */
  public get httpRoutes(): HttpRoute[] {
    return [...this._http];
  }

  /** The TCP route rules, in evaluation order. */
  public get tcpRoutes(): TcpRoute[] {
    return [...this._tcp];
  }

  /** The TLS route rules, in evaluation order. */
  public get tlsRoutes(): TlsRoute[] {
    return [...this._tls];
  }

  /** Whether this VirtualService is a delegate (it has no hosts). */
  public get isDelegate(): boolean {
    return this._hosts.length === 0;
  }

  /**
   * Adds a host traffic is addressed to.
   */
  public addHost(host: string): VirtualService {
    const field = `hosts[${this._hosts.length}]`;
    if (typeof host === 'string' && host.includes('/')) {
      invalid(this, field, host, 'a VirtualService host cannot name a namespace', 'write the host alone ("reviews" or "reviews.prod.svc.cluster.local") and use `exportTo` to control visibility');
    }
    checkHost(this, field, host);
    if (this._hostSet.has(host)) {
      invalid(this, field, host, 'the host is listed twice', 'list each host once');
    }
    this._hosts.push(host);
    this._hostSet.add(host);
    return this;
  }

  /**
   * Binds the routes to a gateway: a `Gateway` construct, `Gateway.fromGatewayName(...)`, or
   * `Gateway.MESH`.
   */
  public addGateway(gateway: IGateway): VirtualService {
    const rendered = renderGateway(this, `gateways[${this._gateways.length}]`, gateway);
    if (this._gatewayNames.has(rendered)) {
      invalid(this, `gateways[${this._gateways.length}]`, rendered, 'the gateway is listed twice', 'list each gateway once');
    }
    this._gatewayNames.add(rendered);
    this._gateways.push(gateway);
    return this;
  }

  /**
   * Makes the VirtualService visible to a namespace (`.` for its own, `*` for all).
   */
  public addExportTo(exportNamespace: string): VirtualService {
    const field = `exportTo[${this._exportTo.length}]`;
    if (exportNamespace !== '.' && exportNamespace !== '*') {
      checkDns1123Label(this, field, exportNamespace);
    }
    if (this._exportTo.includes(exportNamespace)) {
      invalid(this, field, exportNamespace, 'the namespace is listed twice', 'list each namespace once');
    }
    if ((exportNamespace === '*' && this._exportTo.length > 0) || (exportNamespace !== '*' && this._exportTo.includes('*'))) {
      invalid(this, 'exportTo', [...this._exportTo, exportNamespace], '"*" (all namespaces) cannot be combined with other entries', 'use ["*"] alone, or list the namespaces');
    }
    this._exportTo.push(exportNamespace);
    return this;
  }

  /**
   * Appends an HTTP route rule (evaluated after the rules already added).
   */
  public addHttpRoute(route: HttpRoute): VirtualService {
    renderHttpRoute(this, `http[${this._http.length}]`, route);
    if (route.delegateTo) {
      if (route.delegateTo === this) {
        invalid(this, `http[${this._http.length}].delegateTo`, this.node.path, 'a VirtualService cannot delegate to itself', 'delegate to a separate VirtualService without hosts');
      }
      if (route.delegateTo instanceof VirtualService) route.delegateTo._delegatedFrom.push(this);
    }
    this._http.push(route);
    return this;
  }

  /**
   * Appends a TCP route rule (evaluated after the rules already added).
   */
  public addTcpRoute(route: TcpRoute): VirtualService {
    renderTcpRoute(this, `tcp[${this._tcp.length}]`, route);
    this._tcp.push(route);
    return this;
  }

  /**
   * Appends a TLS (SNI) route rule (evaluated after the rules already added).
   */
  public addTlsRoute(route: TlsRoute): VirtualService {
    renderTlsRoute(this, `tls[${this._tls.length}]`, route);
    this._tls.push(route);
    return this;
  }

  /**
   * Every destination this VirtualService sends traffic to (route destinations of all
   * HTTP, TCP and TLS rules, and HTTP mirrors), each (host, subset, port, mirror)
   * listed once, in order of first appearance.
   */
  public destinations(): RoutedDestination[] {
    const seen = new Set<string>();
    const out: RoutedDestination[] = [];
    const add = (d: { host: string; subset?: string; port?: number }, mirror: boolean) => {
      const key = JSON.stringify([d.host, d.subset ?? null, d.port ?? null, mirror]);
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ host: d.host, subset: d.subset, port: d.port, mirror: mirror || undefined });
    };
    for (const r of this._http) {
      for (const d of r.route ?? []) add(d, false);
      if (r.mirror) add(r.mirror, true);
    }
    for (const r of [...this._tcp, ...this._tls]) {
      for (const d of r.route) add(d, false);
    }
    return out;
  }

  private renderSpec(): l1.VirtualServiceSpec {
    return {
      hosts: this._hosts.length ? [...this._hosts] : undefined,
      gateways: this._gateways.length ? this.gateways : undefined,
      http: this._http.length ? this._http.map((r, i) => renderHttpRoute(this, `http[${i}]`, r)) : undefined,
      tcp: this._tcp.length ? this._tcp.map((r, i) => renderTcpRoute(this, `tcp[${i}]`, r)) : undefined,
      tls: this._tls.length ? this._tls.map((r, i) => renderTlsRoute(this, `tls[${i}]`, r)) : undefined,
      exportTo: this._exportTo.length ? [...this._exportTo] : undefined,
    };
  }

  private validateAtSynth(): string[] {
    const errors: string[] = [];
    const err = (field: string, value: unknown, problem: string, fix: string) =>
      errors.push(validationMessage(field, value, problem, fix));

    // Hosts: required unless this VirtualService is a delegate of another one.
    if (this._hosts.length === 0) {
      if (this._delegatedFrom.length === 0) {
        err('hosts', [], 'a VirtualService without hosts is only valid as a delegate, and no VirtualService delegates to it', 'add hosts (e.g. hosts: ["reviews"]), or reference it from a root VirtualService with `delegateTo`');
      }
      if (this._gateways.length > 0) {
        err('gateways', this.gateways, 'a delegate VirtualService (no hosts) cannot name gateways; it inherits them from its root', 'remove `gateways` from the delegate');
      }
      if (this._tcp.length > 0 || this._tls.length > 0) {
        err(this._tcp.length > 0 ? 'tcp' : 'tls', `${this._tcp.length + this._tls.length} rule(s)`, 'a delegate VirtualService (no hosts) can only hold HTTP routes', 'move the TCP/TLS routes to the root VirtualService');
      }
    }
    if (this._hosts.length > 0 && this._delegatedFrom.length > 0) {
      err('hosts', this._hosts, `the VirtualService is the delegate of ${this._delegatedFrom.map((v) => v.node.path).join(', ')}, and a delegate must not have hosts`, 'remove the hosts of the delegate: the root VirtualService provides them');
    }

    // istiod: "http, tcp or tls must be provided in virtual service".
    if (this._http.length + this._tcp.length + this._tls.length === 0) {
      err('http', [], 'a VirtualService without any HTTP, TCP or TLS route is refused by istiod', 'add a route with addHttpRoute(), addTcpRoute() or addTlsRoute(), or remove the VirtualService');
    }

    // "*" is not allowed for the mesh (sidecars).
    const gateways = this.gateways;
    const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
    if (appliesToMesh && this._hosts.includes('*')) {
      err('hosts', '*', 'the wildcard host "*" is not allowed for a VirtualService bound to the mesh (no `gateways`, or "mesh")', 'bind it to an ingress gateway (gateways: ["bookinfo-gateway"]) or list the real hosts');
    }

    // Weights: when several destinations of a rule carry weights, they must add up to 100.
    const checkWeights = (field: string, dests: readonly RouteDestination[]) => {
      const weighted = dests.filter((d) => d.weight !== undefined);
      if (dests.length > 1 && dests.every((d) => !d.weight)) {
        err(`${field}.route[*].weight`, dests.map((d) => d.weight ?? null), `istiod refuses ${dests.length} destinations whose weights add up to 0 ("total destination weight = 0")`, 'give each destination its share, e.g. weights 90 and 10, or keep one destination');
        return;
      }
      if (weighted.length < 2) return;
      const total = weighted.reduce((s, d) => s + (d.weight ?? 0), 0);
      if (total !== 100) {
        err(`${field}.route[*].weight`, weighted.map((d) => d.weight), `the weights add up to ${total}, not 100`, 'adjust the weights so they sum to 100, e.g. 90 and 10');
      }
    };
    this._http.forEach((r, i) => checkWeights(`http[${i}]`, r.route ?? []));
    this._tcp.forEach((r, i) => checkWeights(`tcp[${i}]`, r.route));
    this._tls.forEach((r, i) => checkWeights(`tls[${i}]`, r.route));

    // TLS: every SNI host must be covered by one of the VirtualService's hosts.
    this._tls.forEach((r, i) => r.match.forEach((m, j) => m.sniHosts.forEach((sni, k) => {
      if (this._hostSet.size > 0 && !hostsCover(this._hostSet, sni)) {
        err(`tls[${i}].match[${j}].sniHosts[${k}]`, sni, `the SNI host is not covered by any host of the VirtualService (${this._hosts.join(', ')})`, `add "${sni}" (or a wildcard covering it) to hosts, or fix the SNI host`);
      }
    })));

    // Delegation: the target must be a delegate (checked on the target); roots must have hosts.
    this._http.forEach((r, i) => {
      if (r.delegateTo && this._hosts.length === 0) {
        err(`http[${i}].delegateTo`, describeVirtualService(r.delegateTo), 'only a root VirtualService (with hosts) can delegate; Istio supports one level of delegation', 'delegate from the root VirtualService instead');
      }
    });
    return errors;
  }
}

/**
 * Whether one of the VirtualService hosts covers SNI name `sni`: "*", the name itself, or a
 * wildcard for one of its parent domains ("*.example.com" covers "a.example.com" and
 * "*.b.example.com"). Linear in the length of `sni`.
 */
function hostsCover(hosts: ReadonlySet<string>, sni: string): boolean {
  if (hosts.has('*') || hosts.has(sni)) return true;
  for (let i = sni.indexOf('.', 1); i >= 0; i = sni.indexOf('.', i + 1)) {
    if (hosts.has(`*${sni.slice(i)}`)) return true;
  }
  return false;
}
