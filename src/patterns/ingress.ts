import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkIngressHosts, checkIngressTls, segmentPrefixes } from './ingress-checks';
import { IngressApi, IngressGateway } from './ingress-gateway';
import { checkLiteralHeaders, gatewayApiRules } from './ingress-gateway-api';
import { istioHttpRoute } from './ingress-istio';
import { addTcpRoute, addTlsPassthroughRoute, IngressL4Context } from './ingress-l4';
import { IngressTcpRoute, IngressTlsPassthroughRoute, MeshIngressProps } from './ingress-props';
import { allowedPaths, IngressBackend, IngressPath, IngressPathType, IngressRoute } from './ingress-route';
import * as gwapi from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Label, checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { GatewayApiAllowedRoutes } from '../gateway-api/allowed-routes';
import { GatewayApiGateway } from '../gateway-api/gateway';
import { GatewayApiHttpRoute } from '../gateway-api/http-route';
import { GatewayApiHttpRouteFilter, GatewayApiRedirectScheme } from '../gateway-api/http-route-filter';
import { checkGatewayApiHostname } from '../gateway-api/internal';
import { GatewayApiListener } from '../gateway-api/listener';
import { GatewayApiParentRef } from '../gateway-api/parent-ref';
import { Gateway } from '../networking/gateway';
import { Server } from '../networking/gateway-server';
import { VirtualService } from '../networking/virtual-service';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { SecurityPolicyTarget } from '../security/authorization-target';
import { Principal } from '../security/principal';


/** Istio's default ingress gateway identity, as used by `MeshService.allowFromIngressGateway()`. */
const DEFAULT_GATEWAY_PRINCIPAL = ['istio-system', 'istio-ingressgateway-service-account'] as const;

/** Where each literal path was first used, for duplicate and shadowing checks (linear time). */
interface PathIndex {
  readonly exact: Map<string, number>;
  readonly prefix: Map<string, number>;
  readonly regex: Map<string, number>;
}

/**
 * Exposes mesh services through the ingress gateway: a Gateway (HTTPS with the certificate
 * `credentialName`, plain HTTP redirected to HTTPS) and the routes that send request paths,
 * in order, to one or several backends, with optional path and host rewrites.
 *
 * The same route description is rendered with Istio's API (Gateway + VirtualService bound to
 * it) or, with `api: IngressApi.GATEWAY_API`, with the Kubernetes Gateway API (Gateway +
 * HTTPRoute, plus an HTTPRoute for the HTTPS redirect and ReferenceGrants for backends in other
 * namespaces) — the choice for ambient mode.
 *
 * Secure by default:
 * - HTTPS is required: without `credentialName` the construct fails, unless `plainHttp: true`
 *   opts out of TLS explicitly; port 80 only redirects to HTTPS.
 * - The gateway only admits routes of its own namespace (Istio: server hosts `./<host>`;
 *   Gateway API: `allowedRoutes: Same`), so another namespace cannot bind its routes to it.
 * - Each exposed `MeshService` gets an ALLOW rule for the gateway's real identity only, on the
 *   routed port, so it keeps working in a default-deny namespace. With the Istio API the rule is
 *   limited to the paths the service actually receives (after rewrites; a route with a regex
 *   path and no rewrite allows every path). With the Gateway API the rule names identity and
 *   port only: in ambient mode ztunnel enforces the policy and cannot evaluate paths (it would
 *   turn such an ALLOW policy into a DENY); the HTTPRoute already forwards only the listed paths.
 *   Note that, as with every `allowFrom...`, the MeshService then only accepts callers it allows.
 *
 * Route order: routes are evaluated in the order they were added (Istio) or by specificity
 * (Gateway API: exact before the longest prefix). A path that an earlier route already covers
 * (the same path, or a longer path under an earlier prefix, e.g. `/service/api` after prefix
 * `/service/`) is rejected, since Istio would never reach it; this also makes both renderings
 * agree for exact and prefix paths. Regex paths are not checked for overlaps.
 *
 * @example
 * const ingress = new MeshIngress(chart, 'bookinfo', {
 *   hosts: ['bookinfo.example.com'],
 *   credentialName: 'bookinfo-cert',
 *   routes: [{
 *     paths: [IngressPath.exact('/productpage'), IngressPath.prefix('/static'), IngressPath.exact('/login'),
 *       IngressPath.exact('/logout'), IngressPath.prefix('/api/v1/products')],
 *     backend: IngressBackend.fromMeshService(productpage),
 *   }],
 * });
 * ingress.addRoute({ paths: [IngressPath.prefix('/reviews/')], rewritePath: '/', backend: IngressBackend.fromMeshService(reviews) });
 */
export class MeshIngress extends Construct {
  /** The API the ingress is written in. */
  public readonly api: IngressApi;

  /** The name of the Gateway and of its routes. */
  public readonly name: string;

  /** The Istio Gateway (Istio API only). */
  public readonly gateway?: Gateway;

  /** The VirtualService bound to the Istio Gateway (Istio API only). */
  public readonly virtualService?: VirtualService;

  /** The Gateway API Gateway (Gateway API only). */
  public readonly gatewayApiGateway?: GatewayApiGateway;

  /** The HTTPRoute carrying the routes (Gateway API only). */
  public readonly httpRoute?: GatewayApiHttpRoute;

  /** The HTTPRoute redirecting plain HTTP to HTTPS (Gateway API with `credentialName` and `httpsRedirect` only). */
  public readonly httpsRedirectRoute?: GatewayApiHttpRoute;

  /**
   * The ALLOW policy attached to the Gateway API gateway (Gateway API only): it admits
   * requests on the gateway's listeners, so the gateway keeps working in a default-deny
   * namespace (`MtlsNamespace`). Which requests reach a backend is decided by the routes
   * and by each backend's own policies.
   */
  public readonly gatewayPolicy?: AuthorizationPolicy;

  private readonly _hosts: string[];
  private readonly _routes: IngressRoute[] = [];
  /** The name of the Gateway. */
  public readonly gatewayName: string;

  /** The name of the VirtualService or HTTPRoute. */
  public readonly routeName: string;

  private readonly explicitNamespace?: string;
  private readonly gatewayClassName: string;
  private readonly customPrincipal?: Principal;
  private readonly paths: PathIndex = { exact: new Map(), prefix: new Map(), regex: new Map() };
  private readonly routeNames = new Set<string>();
  private readonly allowed = new Set<string>();
  private readonly grants = new Map<string, Set<string>>();
  private readonly l4Ports = new Map<number, string>();
  private l4Count = 0;

  public constructor(scope: Construct, id: string, props: MeshIngressProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    const choice = props.gateway ?? IngressGateway.istio();
    if (!(choice instanceof IngressGateway)) {
      invalid(this, 'gateway', choice, 'it is not an ingress gateway', 'use IngressGateway.istio({...}) or IngressGateway.gatewayApi({...})');
    }
    this.api = choice.api;
    this.name = props.name ?? id;
    this.gatewayName = props.gatewayName ?? this.name;
    this.routeName = props.routeName ?? this.name;
    this.explicitNamespace = props.namespace;
    this.gatewayClassName = choice.gatewayClassName ?? 'istio';
    this.customPrincipal = choice.principal;

    checkDns1123Label(this, 'name', this.name);
    checkDns1123Label(this, 'gatewayName', props.gatewayName);
    checkDns1123Label(this, 'routeName', props.routeName);
    checkDns1123Label(this, 'namespace', props.namespace);
    this._hosts = checkIngressHosts(this, props.hosts);
    const tls = checkIngressTls(this, props);
    this.checkGateway(choice);

    // The HTTP(S) listener ports are taken: L4 routes may share 443 with HTTPS only as TLS
    // passthrough (both are routed by SNI), and never the plain-HTTP port.
    if (tls.credentialName !== undefined) this.l4Ports.set(443, 'TLS');
    if (tls.credentialName === undefined || tls.redirect) this.l4Ports.set(80, 'HTTP');
    const gatewayMetadata = { name: this.gatewayName, namespace: props.namespace };
    const routeMetadata = { name: this.routeName, namespace: props.namespace };
    if (this.api === IngressApi.ISTIO) {
      // "./host": only VirtualServices in the Gateway's own namespace can bind to these hosts.
      const serverHosts = this._hosts.map((h) => `./${h}`);
      const servers = tls.credentialName !== undefined
        ? [
          ...(tls.redirect ? [Server.http({ hosts: serverHosts, httpsRedirect: true })] : []),
          Server.https({ hosts: serverHosts, credentialName: tls.credentialName }),
        ]
        : [Server.http({ hosts: serverHosts })];
      this.gateway = new Gateway(this, 'Gateway', { metadata: gatewayMetadata, selector: choice.selector, servers });
      this.virtualService = new VirtualService(this, 'VirtualService', { metadata: routeMetadata, hosts: this._hosts, gateways: [this.gateway] });
    } else {
      const same = GatewayApiAllowedRoutes.same();
      const listeners = tls.credentialName !== undefined
        ? [
          GatewayApiListener.https({ certificateRefs: [{ name: tls.credentialName }], allowedRoutes: same }),
          ...(tls.redirect ? [GatewayApiListener.http({ allowedRoutes: same })] : []),
        ]
        : [GatewayApiListener.http({ allowedRoutes: same })];
      const gw = new GatewayApiGateway(this, 'Gateway', { metadata: gatewayMetadata, gatewayClassName: this.gatewayClassName, listeners });
      this.gatewayApiGateway = gw;
      // The gateway's pods run in this namespace: under its default-deny policy they would
      // refuse every request. Admit requests on the gateway's own listener ports.
      this.gatewayPolicy = new AuthorizationPolicy(this, 'GatewayAllow', {
        metadata: { name: `${this.gatewayName}-listeners`, namespace: props.namespace },
        targetRefs: [SecurityPolicyTarget.gateway(this.gatewayName)],
        rules: [{ operations: [{ ports: listeners.map((l) => l.port) }] }],
      });
      // "*" is not a Gateway API hostname: leaving hostnames out serves every host.
      const hostnames = this._hosts.includes('*') ? undefined : this._hosts;
      this.httpRoute = new GatewayApiHttpRoute(this, 'HttpRoute', {
        metadata: routeMetadata,
        hostnames,
        parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: tls.credentialName !== undefined ? 'https' : 'http' })],
      });
      if (tls.credentialName !== undefined && tls.redirect) {
        this.httpsRedirectRoute = new GatewayApiHttpRoute(this, 'HttpsRedirect', {
          metadata: { name: `${this.routeName}-https-redirect`, namespace: props.namespace },
          hostnames,
          parentRefs: [GatewayApiParentRef.fromGateway(gw, { sectionName: 'http' })],
          rules: [{ filters: [GatewayApiHttpRouteFilter.requestRedirect({ scheme: GatewayApiRedirectScheme.HTTPS, statusCode: 301 })] }],
        });
      }
    }

    for (const route of props.routes ?? []) this.addRoute(route);
    this.node.addValidation({
      validate: () => (this._routes.length === 0
        ? ['routes [] is invalid: an ingress without routes answers every request with 404. Fix: add one, e.g. ingress.addRoute({ paths: [IngressPath.prefix(\'/\')], backend: IngressBackend.fromMeshService(productpage) })']
        : []),
    });
  }

  /** The namespace of the Gateway and its routes, if known (its own or its chart's). */
  public get namespace(): string | undefined {
    return this.explicitNamespace ?? Chart.of(this).namespace;
  }

  /** The host names the ingress serves. */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** The routes, in evaluation order. */
  public get routes(): IngressRoute[] {
    return [...this._routes];
  }

  /**
   * The mesh identity of the gateway deployment that forwards the requests, the one the
   * exposed MeshServices allow: Istio's default ingress gateway (or `gatewayPrincipal`), or for
   * the Gateway API the ServiceAccount Istio creates for the Gateway,
   * `cluster.local/ns/<namespace>/sa/<name>-<gatewayClassName>`.
   */
  public get gatewayPrincipal(): Principal {
    if (this.api === IngressApi.ISTIO) {
      return this.customPrincipal ?? Principal.serviceAccount(...DEFAULT_GATEWAY_PRINCIPAL);
    }
    const ns = this.namespace;
    if (ns === undefined) {
      invalid(this, 'namespace', undefined, `Istio runs the Gateway API gateway as ServiceAccount "${this.gatewayName}-${this.gatewayClassName}" in the Gateway's namespace, and this ingress has none, so the identity the backends must allow is unknown`, 'give the MeshIngress a `namespace`, or create it in a Chart with a namespace');
    }
    return Principal.serviceAccount(ns, `${this.gatewayName}-${this.gatewayClassName}`);
  }

  /**
   * Adds a route, evaluated after the routes already added. Checks it at once: its paths
   * must not repeat or be shadowed by an earlier route's, and a rewrite needs paths.
   * An exposed MeshService is allowed to receive the route's requests from the gateway.
   */
  public addRoute(route: IngressRoute): MeshIngress {
    const field = `routes[${this._routes.length}]`;
    this.checkRoute(field, route);
    this.checkPaths(field, route.paths);
    if (this.api === IngressApi.ISTIO) {
      this.renderIstio(route);
    } else {
      this.renderGatewayApi(route);
    }
    this.allowGateway(route);
    this.registerPaths(this._routes.length, route.paths);
    this._routes.push({ ...route, paths: route.paths ? [...route.paths] : undefined });
    if (route.name !== undefined) this.routeNames.add(route.name);
    return this;
  }


  /**
   * Routes TCP connections arriving on a gateway port to a backend (Istio API only: the
   * Gateway API's TCPRoute is experimental). The backend allows the gateway on its port.
   * L4 routes come in addition to the ingress' HTTP routes.
   */
  public addTcpRoute(route: IngressTcpRoute): MeshIngress {
    addTcpRoute(this.l4(), this.l4Count++, route);
    return this;
  }

  /**
   * Passes TLS connections for some SNI host names through to a backend that terminates TLS
   * itself (Istio: a PASSTHROUGH server and a `tls` VirtualService rule; Gateway API: a
   * Passthrough listener and a TLSRoute).
   */
  public addTlsPassthroughRoute(route: IngressTlsPassthroughRoute): MeshIngress {
    addTlsPassthroughRoute(this.l4(), this.l4Count++, route);
    return this;
  }

  private l4(): IngressL4Context {
    return {
      scope: this,
      api: this.api,
      namespace: this.namespace,
      explicitNamespace: this.explicitNamespace,
      routeName: this.routeName,
      gatewayName: this.gatewayName,
      gateway: this.gateway,
      gatewayApiGateway: this.gatewayApiGateway,
      gatewayPolicy: this.gatewayPolicy,
      ports: this.l4Ports,
      allow: (backend) => {
        const svc = backend.meshService;
        if (!svc) return;
        const principal = this.api === IngressApi.ISTIO ? this.customPrincipal : this.gatewayPrincipal;
        if (principal === undefined) svc.allowFromIngressGateway({ ports: [backend.port] });
        else svc.allowFromPrincipal(principal, { ports: [backend.port] });
      },
    };
  }

  private checkGateway(choice: IngressGateway): void {
    if (this.api === IngressApi.ISTIO) {
      if (choice.selector !== undefined && choice.principal === undefined) {
        invalid(this, 'gateway principal', undefined, 'a custom gateway (selector) runs under its own ServiceAccount, which cannot be derived from its labels, so the exposed services would not allow it', "pass its identity too, e.g. IngressGateway.istio({ selector, principal: Principal.serviceAccount('istio-ingress', 'istio-ingress') })");
      }
      return;
    }
    checkDns1123Label(this, 'gatewayClassName', this.gatewayClassName);
    const deployment = `${this.gatewayName}-${this.gatewayClassName}`;
    if (deployment.length > 63) {
      invalid(this, this.gatewayName === this.name ? 'name' : 'gatewayName', this.gatewayName, `Istio names the gateway deployment and its ServiceAccount "${deployment}", which is longer than 63 characters`, 'use a shorter name');
    }
  }

  private checkRoute(field: string, route: IngressRoute): void {
    if (route === null || typeof route !== 'object') {
      invalid(this, field, route, 'a route must be an object with a backend', 'pass e.g. { paths: [IngressPath.prefix("/")], backend: IngressBackend.fromMeshService(productpage) }');
    }
    if (!(route.backend instanceof IngressBackend)) {
      invalid(this, `${field}.backend`, route.backend, 'a route needs a backend', 'pass backend: IngressBackend.fromMeshService(service) or IngressBackend.fromServiceName("productpage", 9080)');
    }
    route.backend._validate(this, `${field}.backend`, this.namespace);
    if (route.name !== undefined) {
      checkDns1123Label(this, `${field}.name`, route.name);
      if (this.routeNames.has(route.name)) {
        invalid(this, `${field}.name`, route.name, 'another route of this ingress has the same name', 'give each route a unique name, or leave it out');
      }
    }
    if (route.paths !== undefined) {
      checkNonEmpty(this, `${field}.paths`, route.paths, 'list at least one path, or leave `paths` out to match every path');
      route.paths.forEach((p, i) => {
        if (!(p instanceof IngressPath)) {
          invalid(this, `${field}.paths[${i}]`, p, 'a path must be built with IngressPath', 'use IngressPath.exact("/login"), IngressPath.prefix("/static") or IngressPath.regex("/v[0-9]+/.*")');
        }
        p._validate(this, `${field}.paths[${i}]`);
      });
    }
    if (route.rewritePath !== undefined) {
      if (route.paths === undefined) {
        invalid(this, `${field}.rewritePath`, route.rewritePath, 'a path rewrite replaces the matched path or prefix, and the route has no paths to match', 'add the paths the rewrite applies to, e.g. paths: [IngressPath.prefix("/service/")], or drop rewritePath');
      }
      IngressPath._checkLiteral(this, `${field}.rewritePath`, route.rewritePath, 'the new path or prefix');
    }
    if (route.rewriteHost !== undefined) {
      checkGatewayApiHostname(this, `${field}.rewriteHost`, route.rewriteHost, false);
    }
    if (this.api === IngressApi.GATEWAY_API) {
      checkLiteralHeaders(this, `${field}.requestHeaders`, route.requestHeaders);
      const ns = route.backend.namespace;
      if (ns !== undefined && ns !== this.namespace && this.namespace === undefined) {
        invalid(this, `${field}.backend.namespace`, ns, 'a route to another namespace needs a ReferenceGrant there naming the route\'s namespace, and this ingress has no namespace', 'give the MeshIngress a `namespace`, or create it in a Chart with a namespace');
      }
    }
  }


  /**
   * Rejects a path equal to one of an earlier route (or of the same route), and a path lying
   * under an earlier route's prefix: Istio evaluates routes in order, so such a path could
   * never match (regex paths are only checked against an earlier catch-all). Linear in the
   * length of the path.
   */
  private checkPaths(field: string, paths: IngressPath[] | undefined): void {
    const local = new Set<string>();
    (paths ?? [IngressPath.prefix('/')]).forEach((p, i) => {
      const f = paths ? `${field}.paths[${i}]` : `${field}.paths`;
      const shown = paths ? p.value : '(every path)';
      const earlier = this.mapOf(p.matchType).get(p.value);
      if (earlier !== undefined || local.has(p._key)) {
        invalid(this, f, shown, `the same ${p.matchType.toLowerCase()} path is already matched by routes[${earlier ?? this._routes.length}]`, 'match each path once: remove it here, or merge the two routes');
      }
      local.add(p._key);
      // Istio's prefixes match any string prefix; the Gateway API's match whole path segments
      // ("/api" covers "/api/v1", not "/apikeys"; a trailing "/" is ignored).
      const candidates = p.matchType === IngressPathType.REGEX ? ['/']
        : this.api === IngressApi.GATEWAY_API ? segmentPrefixes(p.value)
          : [...Array(p.value.length).keys()].map((n) => p.value.slice(0, n + 1));
      for (const prefix of candidates) {
        const covering = this.paths.prefix.get(prefix);
        if (covering === undefined) continue;
        const by = this._routes[covering].paths ? `prefix "${prefix}"` : 'its catch-all (no paths)';
        invalid(this, f, shown, `routes[${covering}] comes first and already matches it with ${by}, so this path would never be reached`, 'add the more specific route first (routes are evaluated in order), or narrow the earlier prefix');
      }
    });
  }

  private registerPaths(index: number, paths: IngressPath[] | undefined): void {
    for (const p of paths ?? [IngressPath.prefix('/')]) {
      const map = this.mapOf(p.matchType);
      if (!map.has(p.value)) map.set(p.value, index);
    }
  }

  private mapOf(type: IngressPathType): Map<string, number> {
    return type === IngressPathType.EXACT ? this.paths.exact : type === IngressPathType.PREFIX ? this.paths.prefix : this.paths.regex;
  }

  private renderIstio(route: IngressRoute): void {
    this.virtualService!.addHttpRoute(istioHttpRoute(route));
  }

  private renderGatewayApi(route: IngressRoute): void {
    const backend = route.backend;
    const ns = this.namespace;
    const backendNs = backend.namespace;
    const foreign = backendNs !== undefined && backendNs !== ns;
    if (foreign) this.grant(backendNs, backend.serviceName);
    const backendRefs = [{ name: backend.serviceName, port: backend.port, namespace: foreign ? backendNs : undefined }];
    for (const rule of gatewayApiRules(route, backendRefs)) this.httpRoute!.addRule(rule);
  }

  private grant(namespace: string, serviceName: string): void {
    let names = this.grants.get(namespace);
    if (!names) {
      names = new Set<string>();
      this.grants.set(namespace, names);
      const granted = names;
      new gwapi.ReferenceGrant(this, `ReferenceGrant-${namespace}`, {
        metadata: { name: `${this.name}-from-${this.namespace}`, namespace },
        spec: Lazy.any({
          produce: () => ({
            from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: this.namespace }],
            to: [...granted].map((name) => ({ group: '', kind: 'Service', name })),
          }),
        }),
      });
    }
    names.add(serviceName);
  }


  private allowGateway(route: IngressRoute): void {
    const svc = route.backend.meshService;
    if (!svc) return;
    const ports = [route.backend.port];
    if (this.api === IngressApi.GATEWAY_API) {
      // Identity and port only (ambient's ztunnel enforces L4 rules), once per service port.
      const key = `${svc.node.path}:${route.backend.port}`;
      if (this.allowed.has(key)) return;
      this.allowed.add(key);
      svc._allowFromIngress(this.gatewayPrincipal, { ports });
      return;
    }
    const paths = allowedPaths(route);
    if (this.customPrincipal === undefined) {
      svc.allowFromIngressGateway({ paths, ports });
    } else {
      svc._allowFromIngress(this.customPrincipal, { paths, ports });
    }
  }
}

