import { Service } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { GatewayApiRouteNamespaces } from './allowed-routes';
import { GatewayApiGateway } from './gateway';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Label, checkDns1123Subdomain, checkLength, checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * Options of a reference to a Gateway construct.
 */
export interface GatewayApiGatewayRefOptions {
  /**
   * Attach to one listener only, by its name.
   *
   * @default - every listener that admits the route
   */
  readonly sectionName?: string;

  /**
   * Attach to the listeners on this port only.
   *
   * @default - listeners on any port
   */
  readonly port?: number;
}

/**
 * Options of a reference to a Gateway by name.
 */
export interface GatewayApiGatewayNameRefOptions extends GatewayApiGatewayRefOptions {
  /**
   * Namespace of the Gateway.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;
}

/**
 * Options of a reference to a Service parent (GAMMA / mesh routing).
 */
export interface GatewayApiServiceRefOptions {
  /**
   * Namespace of the Service.
   *
   * @default - the route's namespace (for `fromService`, the Service's own namespace)
   */
  readonly namespace?: string;

  /**
   * Apply the route to this Service port only.
   *
   * @default - every port of the Service
   */
  readonly port?: number;
}

/**
 * What a route attaches to (`parentRefs`): a Gateway (north-south traffic) or a Service
 * (east-west, "GAMMA" mesh routing: the route applies to calls to that Service).
 */
export class GatewayApiParentRef {
  /**
   * A Gateway defined in this app. Its namespace is written only when it differs from
   * the route's; `sectionName` and `port` are checked against its listeners at synthesis.
   */
  public static fromGateway(gateway: GatewayApiGateway, options: GatewayApiGatewayRefOptions = {}): GatewayApiParentRef {
    return new GatewayApiParentRef('Gateway', () => gateway.name, () => gateway.namespace, options.sectionName, options.port, gateway);
  }

  /** A Gateway by name (e.g. one managed elsewhere). */
  public static fromGatewayName(name: string, options: GatewayApiGatewayNameRefOptions = {}): GatewayApiParentRef {
    return new GatewayApiParentRef('Gateway', () => name, () => options.namespace, options.sectionName, options.port);
  }

  /** A cdk8s-plus Service: the route governs mesh traffic to that Service. */
  public static fromService(service: Service, options: GatewayApiServiceRefOptions = {}): GatewayApiParentRef {
    return new GatewayApiParentRef('Service', () => service.name, () => options.namespace ?? service.metadata.namespace, undefined, options.port);
  }

  /** A Service by name: the route governs mesh traffic to that Service. */
  public static fromServiceName(name: string, options: GatewayApiServiceRefOptions = {}): GatewayApiParentRef {
    return new GatewayApiParentRef('Service', () => name, () => options.namespace, undefined, options.port);
  }

  private constructor(
    /** Kind of the parent: `Gateway` or `Service`. */
    public readonly kind: string,
    private readonly nameOf: () => string,
    private readonly namespaceOf: () => string | undefined,
    /** The listener name, if set. */
    public readonly sectionName?: string,
    /** The port, if set. */
    public readonly port?: number,
    private readonly gateway?: GatewayApiGateway,
  ) {}

  /** The name of the parent. */
  public get name(): string {
    return this.nameOf();
  }

  /**
   * Immediate checks (no other construct needed).
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    if (!this.gateway) {
      checkLength(scope, `${field}.name`, this.name, 1, 253);
      checkDns1123Label(scope, `${field}.namespace`, this.namespaceOf());
    }
    checkPort(scope, `${field}.port`, this.port);
    if (this.sectionName !== undefined) {
      checkDns1123Subdomain(scope, `${field}.sectionName`, this.sectionName);
    }
  }

  /**
   * Identity of the parent as seen from a route in `routeNamespace` (for duplicate checks).
   * @internal
   */
  public _key(routeNamespace: string | undefined): string {
    return `${this.kind}/${this.namespaceOf() ?? routeNamespace ?? ''}/${this.name}`;
  }

  /**
   * Synthesis-time checks against the referenced Gateway construct (its listeners may be
   * added after the route); throws through `invalid()`.
   * @internal
   */
  public _check(scope: IConstruct, field: string, routeNamespace: string | undefined, route?: { kind: string; protocols: readonly string[] }): void {
    const gw = this.gateway;
    if (!gw) return;
    let listeners = gw.listeners;
    if (this.sectionName !== undefined) {
      const l = gw._findListener(this.sectionName);
      if (!l) {
        invalid(scope, `${field}.sectionName`, this.sectionName, `Gateway ${gw.node.path} has no listener of that name (it has ${JSON.stringify(listeners.map((x) => x.name))})`, 'use one of its listener names, or omit sectionName');
      }
      listeners = [l];
    }
    if (this.port !== undefined) {
      listeners = listeners.filter((l) => l.port === this.port);
      if (listeners.length === 0) {
        invalid(scope, `${field}.port`, this.port, `Gateway ${gw.node.path} has no listener on that port${this.sectionName ? ` named "${this.sectionName}"` : ''}`, 'use the port of one of its listeners, or omit port');
      }
    }
    if (route !== undefined && listeners.length > 0 && !listeners.some((l) => route.protocols.includes(l.protocol))) {
      invalid(scope, field, this.name, `a ${route.kind} attaches to ${route.protocols.join(', ')} listeners, and the listeners it would use on Gateway ${gw.node.path} are ${listeners.map((l) => `${l.name} (${l.protocol})`).join(', ')}`, 'attach it to a listener of one of those protocols (sectionName), or use the route kind of the listener');
    }
    const gwNs = gw.namespace;
    if (gwNs && routeNamespace && gwNs !== routeNamespace && listeners.length > 0
      && listeners.every((l) => (l.allowedRoutes?.namespaces ?? GatewayApiRouteNamespaces.SAME) === GatewayApiRouteNamespaces.SAME)) {
      invalid(scope, `${field}.namespace`, gwNs, `the route lives in namespace "${routeNamespace}" but the Gateway's listeners only admit routes from their own namespace`, 'set `allowedRoutes: GatewayApiAllowedRoutes.all()` (or a namespace selector) on the listener, or move the route next to the Gateway');
    }
  }

  /** @internal */
  public _render(routeNamespace: string | undefined): l1.HttpRouteSpecParentRefs {
    const ns = this.namespaceOf();
    const service = this.kind === 'Service';
    return {
      group: service ? '' : undefined,
      kind: service ? 'Service' : undefined,
      name: this.name,
      namespace: ns !== undefined && ns !== routeNamespace ? ns : undefined,
      sectionName: this.sectionName,
      port: this.port,
    };
  }
}
