import { Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CorsPolicy } from './route-cors';
import { HttpMirror, HttpRouteDestination, RouteDestination, RoutedDestination } from './route-destination';
import { HttpFault } from './route-fault';
import { HeaderOperations } from './route-headers';
import { HttpRoute } from './route-http';
import { HttpMatch } from './route-http-match';
import { HttpDirectResponse, HttpRedirect } from './route-redirect';
import { HttpRetry } from './route-retry';
import { HttpRewrite } from './route-rewrite';
import { StringMatch, StringMatchType } from './route-string-match';
import { TcpMatch, TcpRoute } from './route-tcp';
import { TlsMatch, TlsRoute } from './route-tls';
import * as l1 from '../../imports/networking.istio.io';
import {
  checkDns1123Label,
  checkDns1123Subdomain,
  checkExclusive,
  checkHost,
  checkNonEmpty,
  checkPercentage,
  checkPort,
  checkPositiveInteger,
  checkWeight,
} from '../core/checks';
import { renderDuration } from '../core/duration';
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
   * The gateways and sidecars applying these routes: gateway names
   * (`bookinfo-gateway`, `istio-system/ingressgateway`), `mesh` for every sidecar, or a
   * Gateway construct (rendered as `namespace/name`).
   *
   * @default - `mesh`: every sidecar in the mesh, no gateway
   */
  readonly gateways?: Array<string | IstioResource>;

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
export class VirtualService extends IstioResource {
  public readonly apiObject: l1.VirtualService;

  private readonly _hosts: string[] = [];
  private readonly _hostSet = new Set<string>();
  private readonly _gateways: Array<string | IstioResource> = [];
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
   * Binds the routes to a gateway: a name (`bookinfo-gateway`, `istio-system/ingress`),
   * `mesh`, or a Gateway construct.
   */
  public addGateway(gateway: string | IstioResource): VirtualService {
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
        invalid(this, `http[${this._http.length}].delegateTo`, route.delegateTo.node.path, 'a VirtualService cannot delegate to itself', 'delegate to a separate VirtualService without hosts');
      }
      route.delegateTo._delegatedFrom.push(this);
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

    // "*" is not allowed for the mesh (sidecars).
    const gateways = this.gateways;
    const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
    if (appliesToMesh && this._hosts.includes('*')) {
      err('hosts', '*', 'the wildcard host "*" is not allowed for a VirtualService bound to the mesh (no `gateways`, or "mesh")', 'bind it to an ingress gateway (gateways: ["bookinfo-gateway"]) or list the real hosts');
    }

    // Weights: when several destinations of a rule carry weights, they must add up to 100.
    const checkWeights = (field: string, dests: readonly RouteDestination[]) => {
      const weighted = dests.filter((d) => d.weight !== undefined);
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
        err(`http[${i}].delegateTo`, r.delegateTo.node.path, 'only a root VirtualService (with hosts) can delegate; Istio supports one level of delegation', 'delegate from the root VirtualService instead');
      }
    });
    return errors;
  }
}

// ---------------------------------------------------------------------------------
// Rendering. Each function checks its input and throws `invalid()` with the field path.

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const GRPC_STATUSES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const IP_OR_CIDR = /^(([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$/;

/**
 * `name`, `namespace/name` or `mesh`. A Gateway construct in the VirtualService's own
 * namespace renders as its bare name, as Istio users write it.
 */
function renderGateway(scope: IConstruct, field: string, gateway: string | IstioResource, ownNamespace?: string): string {
  if (gateway instanceof IstioResource) {
    if (gateway.kind !== 'Gateway' || !gateway.apiVersion.startsWith('networking.istio.io/')) {
      invalid(scope, field, `${gateway.apiVersion} ${gateway.kind} ${gateway.node.path}`, 'a VirtualService can only be bound to an Istio Gateway (networking.istio.io)', 'pass an Istio Gateway construct or a gateway name such as "bookinfo-gateway"');
    }
    return gateway.namespace && gateway.namespace !== ownNamespace ? `${gateway.namespace}/${gateway.name}` : gateway.name;
  }
  if (typeof gateway !== 'string') {
    return invalid(scope, field, gateway, 'a gateway must be a name or a Gateway construct', 'pass e.g. "bookinfo-gateway"');
  }
  if (gateway === 'mesh') return gateway;
  const parts = gateway.split('/');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    invalid(scope, field, gateway, 'a gateway reference is "name", "namespace/name" or "mesh"', 'write e.g. "istio-system/ingressgateway"');
  }
  if (parts.length === 2) checkDns1123Label(scope, `${field} namespace`, parts[0]);
  checkDns1123Subdomain(scope, field, parts[parts.length - 1]);
  return gateway;
}

function renderGateways(scope: IConstruct, field: string, gateways: ReadonlyArray<string | IstioResource> | undefined): string[] | undefined {
  if (gateways === undefined) return undefined;
  checkNonEmpty(scope, field, gateways, 'list at least one gateway, or leave `gateways` out to use the VirtualService\'s');
  const own = scope instanceof VirtualService ? scope.apiObject?.metadata.namespace : undefined;
  return gateways.map((g, i) => renderGateway(scope, `${field}[${i}]`, g, own));
}

function checkDestinationHost(scope: IConstruct, field: string, host: string): void {
  if (host === '*' || (typeof host === 'string' && host.startsWith('*'))) {
    invalid(scope, field, host, 'a destination host cannot be a wildcard', 'name one service, e.g. "reviews" or "reviews.prod.svc.cluster.local"');
  }
  checkHost(scope, field, host);
}

function renderDestination(scope: IConstruct, field: string, d: HttpMirror): l1.VirtualServiceSpecHttpRouteDestination {
  checkDestinationHost(scope, `${field}.host`, d.host);
  if (d.subset !== undefined) checkDns1123Label(scope, `${field}.subset`, d.subset);
  checkPort(scope, `${field}.port`, d.port);
  return {
    host: d.host,
    subset: d.subset,
    port: d.port !== undefined ? { number: d.port } : undefined,
  };
}

function renderRouteDestinations(scope: IConstruct, field: string, route: readonly RouteDestination[] | undefined): l1.VirtualServiceSpecTcpRoute[] {
  if (route === undefined) {
    return invalid(scope, field, route, 'a rule needs at least one destination', 'add route: [{ host: "reviews" }]');
  }
  checkNonEmpty(scope, field, route, 'add at least one destination, e.g. { host: "reviews" }');
  return route.map((d, i) => {
    checkWeight(scope, `${field}[${i}].weight`, d.weight);
    return { destination: renderDestination(scope, `${field}[${i}]`, d), weight: d.weight };
  });
}

function renderHeaderOperations(
  scope: IConstruct, field: string, ops: HeaderOperations | undefined,
): l1.VirtualServiceSpecHttpHeadersRequest | undefined {
  if (ops === undefined) return undefined;
  const checkName = (f: string, name: string) => {
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
      invalid(scope, f, name, 'a header name must be a non-empty HTTP token (letters, digits, "-", no spaces or ":")', 'use a name such as "x-request-id"');
    }
    if (name.toLowerCase() === 'host') {
      invalid(scope, f, name, 'the Host header cannot be changed with header operations', 'use `rewrite: { authority: ... }` to change the host');
    }
  };
  const map = (kind: string, m: { [name: string]: string } | undefined) => {
    if (m === undefined) return undefined;
    for (const name of Object.keys(m)) checkName(`${field}.${kind} key`, name);
    return Object.keys(m).length ? { ...m } : undefined;
  };
  const set = map('set', ops.set);
  const add = map('add', ops.add);
  (ops.remove ?? []).forEach((name, i) => checkName(`${field}.remove[${i}]`, name));
  const remove = ops.remove && ops.remove.length ? [...ops.remove] : undefined;
  if (!set && !add && !remove) return undefined;
  return { set, add, remove };
}

function renderHeaders(
  scope: IConstruct, field: string, request: HeaderOperations | undefined, response: HeaderOperations | undefined,
): l1.VirtualServiceSpecHttpHeaders | undefined {
  const req = renderHeaderOperations(scope, `${field}.requestHeaders`, request);
  const res = renderHeaderOperations(scope, `${field}.responseHeaders`, response);
  if (!req && !res) return undefined;
  return { request: req, response: res };
}

function renderStringMatchMap(scope: IConstruct, field: string, m: { [name: string]: StringMatch } | undefined, kind: 'header' | 'query'): { [name: string]: any } | undefined {
  if (m === undefined) return undefined;
  const out: { [name: string]: any } = {};
  for (const [name, match] of Object.entries(m)) {
    if (name.length === 0) {
      invalid(scope, `${field} key`, name, 'the name must not be empty', 'give the header or query parameter name');
    }
    if (kind === 'header' && name !== name.toLowerCase()) {
      invalid(scope, `${field} key`, name, 'header names in matches must be lower-case', `write "${name.toLowerCase()}"`);
    }
    if (kind === 'query' && match.matchType === StringMatchType.PREFIX) {
      invalid(scope, `${field}.${name}`, match.value, 'Istio matches query parameters only exactly or by regex', 'use StringMatch.exact(...) or StringMatch.regex(...)');
    }
    out[name] = match._render(scope, `${field}.${name}`);
  }
  return Object.keys(out).length ? out : undefined;
}

function renderSourceConditions(
  scope: IConstruct, field: string, m: { port?: number; sourceNamespace?: string; sourceLabels?: { [k: string]: string } },
): void {
  checkPort(scope, `${field}.port`, m.port);
  checkDns1123Label(scope, `${field}.sourceNamespace`, m.sourceNamespace);
  if (m.sourceLabels !== undefined && Object.keys(m.sourceLabels).length === 0) {
    invalid(scope, `${field}.sourceLabels`, m.sourceLabels, 'the label selector must not be empty', 'give at least one label, e.g. { app: "productpage" }, or leave it out');
  }
}

function renderHttpMatch(scope: IConstruct, field: string, m: HttpMatch): l1.VirtualServiceSpecHttpMatch {
  renderSourceConditions(scope, field, m);
  if (m.method?.matchType === StringMatchType.EXACT && !HTTP_METHODS.includes(m.method.value)) {
    invalid(scope, `${field}.method.exact`, m.method.value, 'it is not an upper-case HTTP method', `use one of ${HTTP_METHODS.join(', ')}`);
  }
  if (m.ignoreUriCase && m.uri === undefined) {
    invalid(scope, `${field}.ignoreUriCase`, true, 'it has no effect without a `uri` condition', 'add `uri` or remove `ignoreUriCase`');
  }
  return {
    name: m.name,
    uri: m.uri?._render(scope, `${field}.uri`),
    ignoreUriCase: m.ignoreUriCase,
    scheme: m.scheme?._render(scope, `${field}.scheme`),
    method: m.method?._render(scope, `${field}.method`),
    authority: m.authority?._render(scope, `${field}.authority`),
    headers: renderStringMatchMap(scope, `${field}.headers`, m.headers, 'header'),
    withoutHeaders: renderStringMatchMap(scope, `${field}.withoutHeaders`, m.withoutHeaders, 'header'),
    queryParams: renderStringMatchMap(scope, `${field}.queryParams`, m.queryParams, 'query'),
    port: m.port,
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
    statPrefix: m.statPrefix,
  };
}

function renderRetries(scope: IConstruct, field: string, r: HttpRetry | undefined): l1.VirtualServiceSpecHttpRetries | undefined {
  if (r === undefined) return undefined;
  checkPositiveInteger(scope, `${field}.attempts`, r.attempts, 0);
  let retryOn: string | undefined;
  if (r.retryOn !== undefined) {
    checkNonEmpty(scope, `${field}.retryOn`, r.retryOn, 'list at least one condition, e.g. [HttpRetryOn.GATEWAY_ERROR], or leave `retryOn` out for Istio\'s default');
    const conditions = r.retryOn.map((c, i) => c._render(scope, `${field}.retryOn[${i}]`));
    const seen = new Set<string>();
    for (const c of conditions) {
      if (seen.has(c)) invalid(scope, `${field}.retryOn`, c, 'the condition is listed twice', 'list each condition once');
      seen.add(c);
    }
    retryOn = conditions.join(',');
  }
  return {
    attempts: r.attempts,
    perTryTimeout: renderDuration(scope, `${field}.perTryTimeout`, r.perTryTimeout),
    retryOn,
    retryRemoteLocalities: r.retryRemoteLocalities,
    retryIgnorePreviousHosts: r.retryIgnorePreviousHosts,
    backoff: renderDuration(scope, `${field}.backoff`, r.backoff),
  };
}

function renderFault(scope: IConstruct, field: string, f: HttpFault | undefined): l1.VirtualServiceSpecHttpFault | undefined {
  if (f === undefined) return undefined;
  if (!f.delay && !f.abort) {
    invalid(scope, field, f, 'a fault needs a delay, an abort, or both', 'add delay: { fixedDelay: Duration.seconds(5) } or abort: { httpStatus: 503 }');
  }
  let delay: l1.VirtualServiceSpecHttpFaultDelay | undefined;
  if (f.delay) {
    if (f.delay.fixedDelay === undefined) {
      invalid(scope, `${field}.delay.fixedDelay`, undefined, 'a delay fault needs a fixed delay', 'add fixedDelay: Duration.seconds(5)');
    }
    checkPercentage(scope, `${field}.delay.percentage`, f.delay.percentage);
    delay = {
      fixedDelay: renderDuration(scope, `${field}.delay.fixedDelay`, f.delay.fixedDelay),
      percentage: f.delay.percentage !== undefined ? { value: f.delay.percentage } : undefined,
    };
  }
  let abort: l1.VirtualServiceSpecHttpFaultAbort | undefined;
  if (f.abort) {
    const a = f.abort;
    checkExclusive(scope, { [`${field}.abort.httpStatus`]: a.httpStatus, [`${field}.abort.grpcStatus`]: a.grpcStatus }, 'give exactly one of httpStatus and grpcStatus');
    if (a.httpStatus === undefined && a.grpcStatus === undefined) {
      invalid(scope, `${field}.abort`, a, 'an abort fault needs an error to return', 'add httpStatus: 503 (or grpcStatus: "UNAVAILABLE" for gRPC)');
    }
    if (a.httpStatus !== undefined && (!Number.isInteger(a.httpStatus) || a.httpStatus < 200 || a.httpStatus > 599)) {
      invalid(scope, `${field}.abort.httpStatus`, a.httpStatus, 'the HTTP status must be an integer from 200 to 599', 'use e.g. 503 or 500');
    }
    if (a.grpcStatus !== undefined && !GRPC_STATUSES.includes(a.grpcStatus)) {
      invalid(scope, `${field}.abort.grpcStatus`, a.grpcStatus, 'it is not a gRPC status name', `use an upper-case name such as "UNAVAILABLE" (one of ${GRPC_STATUSES.join(', ')})`);
    }
    checkPercentage(scope, `${field}.abort.percentage`, a.percentage);
    abort = {
      httpStatus: a.httpStatus,
      grpcStatus: a.grpcStatus,
      percentage: a.percentage !== undefined ? { value: a.percentage } : undefined,
    };
  }
  return { delay, abort };
}

function renderRedirect(scope: IConstruct, field: string, r: HttpRedirect | undefined): l1.VirtualServiceSpecHttpRedirect | undefined {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.authority === undefined && r.scheme === undefined && r.port === undefined && r.derivePort === undefined) {
    invalid(scope, field, r, 'a redirect must change the URI, authority, scheme or port', 'add e.g. uri: "/new-path" or scheme: "https"');
  }
  checkExclusive(scope, { [`${field}.port`]: r.port, [`${field}.derivePort`]: r.derivePort }, 'give either a fixed port or derivePort');
  checkPort(scope, `${field}.port`, r.port);
  if (r.redirectCode !== undefined && (!Number.isInteger(r.redirectCode) || r.redirectCode < 300 || r.redirectCode > 399)) {
    invalid(scope, `${field}.redirectCode`, r.redirectCode, 'a redirect code must be a 3xx status', 'use 301, 302, 307 or 308');
  }
  if (r.uri !== undefined && !r.uri.startsWith('/')) {
    invalid(scope, `${field}.uri`, r.uri, 'the redirect path must start with "/"', `write "/${r.uri}"`);
  }
  return {
    uri: r.uri,
    authority: r.authority,
    scheme: r.scheme,
    port: r.port,
    derivePort: r.derivePort as string as l1.VirtualServiceSpecHttpRedirectDerivePort | undefined,
    redirectCode: r.redirectCode,
  };
}

function renderDirectResponse(
  scope: IConstruct, field: string, r: HttpDirectResponse | undefined,
): l1.VirtualServiceSpecHttpDirectResponse | undefined {
  if (r === undefined) return undefined;
  if (!Number.isInteger(r.status) || r.status < 200 || r.status > 599) {
    invalid(scope, `${field}.status`, r.status, 'the status must be an integer from 200 to 599', 'use e.g. 404 or 503');
  }
  return { status: r.status, body: r.body !== undefined ? { string: r.body } : undefined };
}

function renderRewrite(scope: IConstruct, field: string, r: HttpRewrite | undefined): l1.VirtualServiceSpecHttpRewrite | undefined {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.uriRegexRewrite === undefined && r.authority === undefined) {
    invalid(scope, field, r, 'a rewrite must change the URI or the authority', 'add uri: "/new-prefix" or authority: "new-host"');
  }
  checkExclusive(scope, { [`${field}.uri`]: r.uri, [`${field}.uriRegexRewrite`]: r.uriRegexRewrite }, 'rewrite the path either by prefix (uri) or by regex (uriRegexRewrite)');
  if (r.uri !== undefined && r.uri.length === 0) {
    invalid(scope, `${field}.uri`, r.uri, 'the new path must not be empty', 'use "/" to strip the matched prefix');
  }
  if (r.authority !== undefined && r.authority.length === 0) {
    invalid(scope, `${field}.authority`, r.authority, 'the new authority must not be empty', 'give a host such as "reviews.prod.svc.cluster.local"');
  }
  let uriRegexRewrite: l1.VirtualServiceSpecHttpRewriteUriRegexRewrite | undefined;
  if (r.uriRegexRewrite) {
    StringMatch.regex(r.uriRegexRewrite.match)._render(scope, `${field}.uriRegexRewrite.match`);
    uriRegexRewrite = { match: r.uriRegexRewrite.match, rewrite: r.uriRegexRewrite.rewrite };
  }
  return { uri: r.uri, authority: r.authority, uriRegexRewrite };
}

function renderCors(scope: IConstruct, field: string, c: CorsPolicy | undefined): l1.VirtualServiceSpecHttpCorsPolicy | undefined {
  if (c === undefined) return undefined;
  const names = (f: string, list: string[] | undefined) => {
    (list ?? []).forEach((h, i) => {
      if (h !== '*' && (typeof h !== 'string' || !HEADER_NAME.test(h))) {
        invalid(scope, `${f}[${i}]`, h, 'a header name must be a non-empty HTTP token (letters, digits, "-")', 'use a name such as "x-custom-header", or "*"');
      }
    });
    return list && list.length ? [...list] : undefined;
  };
  (c.allowMethods ?? []).forEach((m, i) => {
    if (m !== '*' && !HTTP_METHODS.includes(m)) {
      invalid(scope, `${field}.allowMethods[${i}]`, m, 'it is not an upper-case HTTP method', `use one of ${HTTP_METHODS.join(', ')}`);
    }
  });
  if (c.maxAge !== undefined && c.maxAge.toMilliseconds() % 1000 !== 0) {
    invalid(scope, `${field}.maxAge`, `${c.maxAge.toMilliseconds()}ms`, 'Istio applies maxAge with whole-second precision only', 'use Duration.seconds(...), Duration.minutes(...) or Duration.hours(...)');
  }
  const origins = c.allowOrigins?.map((o, i) => o._render(scope, `${field}.allowOrigins[${i}]`));
  return {
    allowOrigins: origins && origins.length ? origins : undefined,
    allowMethods: c.allowMethods && c.allowMethods.length ? [...c.allowMethods] : undefined,
    allowHeaders: names(`${field}.allowHeaders`, c.allowHeaders),
    exposeHeaders: names(`${field}.exposeHeaders`, c.exposeHeaders),
    maxAge: renderDuration(scope, `${field}.maxAge`, c.maxAge),
    allowCredentials: c.allowCredentials,
    unmatchedPreflights: c.unmatchedPreflights as string as l1.VirtualServiceSpecHttpCorsPolicyUnmatchedPreflights | undefined,
  };
}

function renderHttpRoute(scope: IConstruct, field: string, r: HttpRoute): l1.VirtualServiceSpecHttp {
  if (r.name !== undefined && r.name.length === 0) {
    invalid(scope, `${field}.name`, r.name, 'a route name must not be empty', 'give a name such as "reviews-canary", or leave it out');
  }
  const actions: { [k: string]: unknown } = {
    [`${field}.route`]: r.route,
    [`${field}.redirect`]: r.redirect,
    [`${field}.directResponse`]: r.directResponse,
    [`${field}.delegateTo`]: r.delegateTo?.node.path,
  };
  checkExclusive(scope, actions, 'an HTTP route either forwards (route), redirects, answers directly (directResponse) or delegates: keep one and move the others to separate rules');
  if (Object.values(actions).every((v) => v === undefined)) {
    invalid(scope, field, r.name ?? '(unnamed route)', 'an HTTP route must forward (route), redirect, answer directly (directResponse) or delegate', 'add route: [{ host: "reviews" }]');
  }
  const answersItself = r.redirect ? 'redirect' : r.directResponse ? 'directResponse' : undefined;
  if (answersItself && r.rewrite) {
    invalid(scope, `${field}.rewrite`, r.rewrite, `a rule with a ${answersItself} does not forward, so it cannot rewrite`, `remove the rewrite, or replace the ${answersItself} with a route`);
  }
  if (answersItself && r.fault) {
    invalid(scope, `${field}.fault`, r.fault, `a rule with a ${answersItself} does not forward, so it cannot inject faults`, 'move the fault injection to a rule with a route');
  }
  if (r.mirrorPercentage !== undefined && r.mirror === undefined) {
    invalid(scope, `${field}.mirrorPercentage`, r.mirrorPercentage, 'it has no effect without a mirror', 'add mirror: { host: "reviews", subset: "v3" } or remove mirrorPercentage');
  }
  checkPercentage(scope, `${field}.mirrorPercentage`, r.mirrorPercentage);

  let delegate: l1.VirtualServiceSpecHttpDelegate | undefined;
  if (r.delegateTo) {
    delegate = { name: r.delegateTo.name, namespace: r.delegateTo.namespace };
  }
  let route: l1.VirtualServiceSpecHttpRoute[] | undefined;
  if (r.route !== undefined) {
    const base = renderRouteDestinations(scope, `${field}.route`, r.route);
    route = base.map((d, i) => {
      const dest = r.route![i] as HttpRouteDestination;
      return { ...d, headers: renderHeaders(scope, `${field}.route[${i}]`, dest.requestHeaders, dest.responseHeaders) };
    });
  }
  // An explicit empty list is kept as written (`match: []`, i.e. match everything).
  const match = r.match?.map((m, i) => renderHttpMatch(scope, `${field}.match[${i}]`, m));
  return {
    name: r.name,
    match,
    route,
    redirect: renderRedirect(scope, `${field}.redirect`, r.redirect),
    directResponse: renderDirectResponse(scope, `${field}.directResponse`, r.directResponse),
    delegate,
    rewrite: renderRewrite(scope, `${field}.rewrite`, r.rewrite),
    timeout: renderDuration(scope, `${field}.timeout`, r.timeout as Duration | undefined),
    retries: renderRetries(scope, `${field}.retries`, r.retries),
    fault: renderFault(scope, `${field}.fault`, r.fault),
    mirror: r.mirror ? renderDestination(scope, `${field}.mirror`, r.mirror) : undefined,
    mirrorPercentage: r.mirrorPercentage !== undefined ? { value: r.mirrorPercentage } : undefined,
    corsPolicy: renderCors(scope, `${field}.corsPolicy`, r.corsPolicy),
    headers: renderHeaders(scope, field, r.requestHeaders, r.responseHeaders),
  };
}

function renderSubnets(scope: IConstruct, field: string, subnets: string[] | undefined): string[] | undefined {
  if (subnets === undefined) return undefined;
  checkNonEmpty(scope, field, subnets, 'list at least one subnet, or leave it out');
  subnets.forEach((s, i) => {
    if (!IP_OR_CIDR.test(s)) {
      invalid(scope, `${field}[${i}]`, s, 'it is not an IP address or CIDR subnet', 'write e.g. "10.1.0.0/16" or "192.168.1.10"');
    }
  });
  return [...subnets];
}

function renderTcpMatch(scope: IConstruct, field: string, m: TcpMatch): l1.VirtualServiceSpecTcpMatch {
  renderSourceConditions(scope, field, m);
  return {
    port: m.port,
    destinationSubnets: renderSubnets(scope, `${field}.destinationSubnets`, m.destinationSubnets),
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
  };
}

function renderTcpRoute(scope: IConstruct, field: string, r: TcpRoute): l1.VirtualServiceSpecTcp {
  const match = r.match && r.match.length ? r.match.map((m, i) => renderTcpMatch(scope, `${field}.match[${i}]`, m)) : undefined;
  return { match, route: renderRouteDestinations(scope, `${field}.route`, r.route) };
}

function renderTlsMatch(scope: IConstruct, field: string, m: TlsMatch): l1.VirtualServiceSpecTlsMatch {
  renderSourceConditions(scope, field, m);
  if (m.sniHosts === undefined) {
    invalid(scope, `${field}.sniHosts`, undefined, 'a TLS match needs SNI hosts', 'add sniHosts: ["login.example.com"]');
  }
  checkNonEmpty(scope, `${field}.sniHosts`, m.sniHosts, 'add at least one SNI host, e.g. "login.example.com"');
  m.sniHosts.forEach((h, i) => checkHost(scope, `${field}.sniHosts[${i}]`, h));
  return {
    sniHosts: [...m.sniHosts],
    port: m.port,
    destinationSubnets: renderSubnets(scope, `${field}.destinationSubnets`, m.destinationSubnets),
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: renderGateways(scope, `${field}.gateways`, m.gateways),
  };
}

function renderTlsRoute(scope: IConstruct, field: string, r: TlsRoute): l1.VirtualServiceSpecTls {
  if (r.match === undefined) {
    invalid(scope, `${field}.match`, undefined, 'a TLS route needs a match with SNI hosts', 'add match: [{ sniHosts: ["login.example.com"] }]');
  }
  checkNonEmpty(scope, `${field}.match`, r.match, 'add at least one match with SNI hosts');
  return {
    match: r.match.map((m, i) => renderTlsMatch(scope, `${field}.match[${i}]`, m)),
    route: renderRouteDestinations(scope, `${field}.route`, r.route),
  };
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
