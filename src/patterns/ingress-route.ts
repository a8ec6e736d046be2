import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { MeshService } from './mesh-service';
import { checkDns1123Label, checkServiceName, checkPort } from '../core/checks';
import { invalid } from '../core/errors';
import { isHttpFamily, Protocol } from '../core/protocol';
import { HeaderOperations } from '../networking/route-headers';

/**
 * How an `IngressPath` compares the request path.
 */
export enum IngressPathType {
  /** The path equals the value (`/productpage`). */
  EXACT = 'Exact',
  /** The path starts with the value (`/static`). */
  PREFIX = 'Prefix',
  /** The path matches an RE2 regular expression (whole-path match). */
  REGEX = 'Regex',
}

/**
 * A request path condition of an ingress route: exact, prefix or regular expression.
 *
 * The same description is rendered as an Istio VirtualService `uri` match or as a Gateway
 * API HTTPRoute `path` match. One difference between the two is inherent: Istio compares
 * prefixes character by character (`/static` also matches `/staticfoo`), the Gateway API
 * by whole path segments (`/static` matches `/static` and `/static/x`, not `/staticfoo`).
 * End a prefix with `/` (or avoid sibling paths sharing a prefix) when the difference matters.
 *
 * @example
 * IngressPath.exact('/productpage');
 * IngressPath.prefix('/api/v1/products');
 * IngressPath.regex('/v[0-9]+/.*');
 */
export class IngressPath {
  /** Matches a path equal to `path` (e.g. `/login`). */
  public static exact(path: string): IngressPath {
    return new IngressPath(IngressPathType.EXACT, path);
  }

  /** Matches a path starting with `prefix` (e.g. `/static`). */
  public static prefix(prefix: string): IngressPath {
    return new IngressPath(IngressPathType.PREFIX, prefix);
  }

  /** Matches a path against an RE2 regular expression (e.g. `/v[0-9]+/.*`). */
  public static regex(pattern: string): IngressPath {
    return new IngressPath(IngressPathType.REGEX, pattern);
  }

  /**
   * Checks a literal request path: starts with "/", no wildcard, query, fragment or whitespace.
   * @internal
   */
  public static _checkLiteral(scope: IConstruct, field: string, value: string, example: string): void {
    const problem = typeof value !== 'string' || !value.startsWith('/') ? 'a path must start with "/"'
      : value.includes('*') ? 'a literal path cannot contain "*" (it is not a wildcard here)'
        : /[?#]/.test(value) ? 'a path cannot contain a query ("?") or fragment ("#")'
          : /\s/.test(value) ? 'a path cannot contain whitespace'
            : undefined;
    if (problem) {
      invalid(scope, field, value, problem, `write a path such as "/api/v1/products" (${example}), or use IngressPath.regex() for patterns`);
    }
  }

  private constructor(
    /** How the path is compared. */
    public readonly matchType: IngressPathType,
    /** The path, prefix or pattern. */
    public readonly value: string,
  ) {}

  /**
   * Whether this is the catch-all path (`prefix /`).
   * @internal
   */
  public get _isCatchAll(): boolean {
    return this.matchType === IngressPathType.PREFIX && this.value === '/';
  }

  /**
   * A key identifying the condition, for duplicate checks.
   * @internal
   */
  public get _key(): string {
    return `${this.matchType}:${this.value}`;
  }

  /**
   * Checks the path on behalf of the ingress it is added to.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    if (!Object.values(IngressPathType).includes(this.matchType)) {
      invalid(scope, `${field}.matchType`, this.matchType, 'it is not a path match type', 'use IngressPath.exact(), IngressPath.prefix() or IngressPath.regex()');
    }
    if (typeof this.value !== 'string' || this.value.length === 0) {
      invalid(scope, field, this.value, 'the path must not be empty', 'give a path such as "/productpage", or leave `paths` out to match every path');
    }
    if (this.matchType === IngressPathType.REGEX) return;
    IngressPath._checkLiteral(scope, field, this.value, `IngressPath.${this.matchType === IngressPathType.EXACT ? 'exact' : 'prefix'}`);
  }
}

/**
 * Options of `IngressBackend.fromServiceName()`.
 */
export interface IngressServiceBackendOptions {
  /**
   * Namespace of the Service.
   *
   * @default - the ingress' namespace
   */
  readonly namespace?: string;
}

/**
 * Options of `IngressBackend.fromMeshService()`.
 */
export interface IngressMeshServiceBackendOptions {
  /**
   * The Service port to route to: one of the service's HTTP, HTTP2 or gRPC ports.
   *
   * @default - the service's main `port`
   */
  readonly port?: number;
}

/**
 * The Service an ingress route sends its requests to: a `MeshService` of this app (which is
 * then also opened to the gateway by an authorization rule), or any Service by name and port.
 */
export class IngressBackend {
  /**
   * A `MeshService`: routed to its Service port, and allowed to receive requests from the
   * ingress gateway (an ALLOW rule for the gateway's identity, limited to the paths the route
   * forwards), so exposure keeps working in default-deny namespaces.
   */
  public static fromMeshService(service: MeshService, options: IngressMeshServiceBackendOptions = {}): IngressBackend {
    return new IngressBackend(() => service.serviceName, () => options.port ?? service.port, () => service.namespace, service);
  }

  /**
   * A Service by name and port (e.g. one defined outside this app). No authorization rule is
   * added for it: if its namespace denies by default, allow the ingress gateway yourself.
   *
   * @param serviceName the Service name (a DNS-1123 label)
   * @param port the Service port
   */
  public static fromServiceName(serviceName: string, port: number, options: IngressServiceBackendOptions = {}): IngressBackend {
    return new IngressBackend(() => serviceName, () => port, () => options.namespace);
  }

  private constructor(
    private readonly nameOf: () => string,
    private readonly portOf: () => number,
    private readonly namespaceOf: () => string | undefined,
    /** The MeshService, when the backend is one. */
    public readonly meshService?: MeshService,
  ) {}

  /** The Service name. */
  public get serviceName(): string {
    return this.nameOf();
  }

  /** The Service port. */
  public get port(): number {
    return this.portOf();
  }

  /** The Service namespace, when known (for a `MeshService`, its own or its chart's). */
  public get namespace(): string | undefined {
    return this.namespaceOf();
  }

  /**
   * The in-mesh host of the Service: the FQDN when its namespace is known, else the short
   * name (resolved in the route's namespace).
   * @internal
   */
  public _host(): string {
    const ns = this.namespace;
    return ns ? `${this.serviceName}.${ns}.svc.cluster.local` : this.serviceName;
  }

  /**
   * Checks the backend on behalf of the ingress; `ingressNamespace` is the ingress'
   * namespace, if known.
   * @internal
   */
  public _validate(scope: IConstruct, field: string, ingressNamespace: string | undefined, l4 = false): void {
    const svc = this.meshService;
    if (svc) {
      const port = svc.ports.find((p) => p.port === this.port);
      if (!port) {
        invalid(scope, `${field} (${svc.node.path}).port`, this.port, `it is not a port of the service (its ports are ${svc.ports.map((p) => p.port).join(', ')})`, 'route to one of its ports, or leave `port` out for its main port');
      }
      const protocol = port.protocol ?? Protocol.HTTP;
      if (!l4 && !isHttpFamily(protocol)) {
        invalid(scope, `${field} (${svc.node.path}) port ${port.port} protocol`, protocol, 'an HTTP ingress route can only forward to an HTTP, HTTP2 or gRPC port', 'route to an HTTP port of the service, or use addTcpRoute() / addTlsPassthroughRoute() for TCP and TLS');
      }
      if (svc.namespace === undefined) {
        invalid(scope, `${field} (${svc.node.path}).namespace`, undefined, ingressNamespace
          ? `the service has no namespace, so it cannot be told apart from a service in the ingress' namespace "${ingressNamespace}", and the gateway's authorization rule has no namespace to live in`
          : 'the service has no namespace, so the authorization rule that lets the gateway call it has no namespace to live in',
        'give the MeshService a `namespace`, or create it in a Chart with a namespace');
      }
      return;
    }
    if (typeof this.serviceName !== 'string' || this.serviceName.length === 0) {
      invalid(scope, `${field}.serviceName`, this.serviceName, 'a backend needs a Service name', 'pass the name of a Service, e.g. IngressBackend.fromServiceName("productpage", 9080)');
    }
    checkServiceName(scope, `${field}.serviceName`, this.serviceName);
    if (this.port === undefined) {
      invalid(scope, `${field}.port`, undefined, 'a Service backend needs a port', 'pass the Service port, e.g. 9080');
    }
    checkPort(scope, `${field}.port`, this.port);
    checkDns1123Label(scope, `${field}.namespace`, this.namespace);
  }
}

/**
 * One route of an ingress: which request paths (in order of evaluation) go to which backend,
 * and how the request is changed on the way. The same description is rendered as an Istio
 * VirtualService HTTP rule or as Gateway API HTTPRoute rules.
 *
 * @example
 * {
 *   paths: [IngressPath.prefix('/service/api/public/')],
 *   rewritePath: '/api/public/',
 *   backend: IngressBackend.fromMeshService(api),
 * }
 */
export interface IngressRoute {
  /** Where matching requests go. */
  readonly backend: IngressBackend;

  /**
   * Path conditions: the route applies when any of them holds. Routes are evaluated in the
   * order they were added, so put specific paths before broader ones: a path already covered
   * by an earlier route (e.g. `/service/api` after prefix `/service/`) is rejected, because it
   * could never match.
   *
   * @default - every path (a catch-all route; no route can follow it)
   */
  readonly paths?: IngressPath[];

  /**
   * Replaces the matched part of the path before forwarding: the matched prefix for a prefix
   * path (`/service/api/public/x` with prefix `/service/api/public/` and `/api/public/`
   * becomes `/api/public/x`), the whole path for an exact or regex path. Needs `paths`.
   *
   * @default - the path is forwarded unchanged
   */
  readonly rewritePath?: string;

  /**
   * Replaces the Host (authority) header before forwarding, e.g. with the backend's in-mesh
   * name.
   *
   * @default - the request's host is kept
   */
  readonly rewriteHost?: string;

  /**
   * Header changes on the forwarded request. With the Gateway API, values are literal (Envoy
   * substitutions such as `%REQ(:PATH)%` work with the Istio API only).
   *
   * @default - request headers are not changed
   */
  readonly requestHeaders?: HeaderOperations;

  /**
   * Timeout of the whole request.
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;

  /**
   * Name of the route (a DNS-1123 label), shown in Envoy's stats and logs.
   *
   * @default - unnamed
   */
  readonly name?: string;
}

/**
 * The paths a backend receives through a route, for its authorization rule: each path after
 * the rewrite (`<prefix>*` for prefixes), or undefined (any path) for a catch-all or a regex
 * path forwarded unchanged.
 * @internal
 */
export function allowedPaths(route: IngressRoute): string[] | undefined {
  if (route.paths === undefined) return undefined;
  const out: string[] = [];
  for (const p of route.paths) {
    const target = route.rewritePath ?? p.value;
    if (p.matchType === IngressPathType.PREFIX) {
      if (target === '/') return undefined;
      out.push(`${target}*`);
    } else if (p.matchType === IngressPathType.EXACT || route.rewritePath !== undefined) {
      out.push(target);
    } else {
      return undefined;
    }
  }
  // An exact path under one of the prefixes is already allowed by "<prefix>*".
  const prefixes = new Set(out.filter((x) => x.endsWith('*')).map((x) => x.slice(0, -1)));
  const covered = (x: string) => !x.endsWith('*') && [...Array(x.length + 1).keys()].some((n) => prefixes.has(x.slice(0, n)));
  return [...new Set(out.filter((x) => !covered(x)))];
}
