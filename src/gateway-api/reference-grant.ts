import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Label, checkDns1123Subdomain, checkGroupKind, checkMaxItems } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * The objects in another namespace that a `GatewayApiReferenceGrant` lets refer to this
 * namespace: routes or Gateways of one kind in one namespace.
 */
export class GatewayApiReferenceGrantFrom {
  /** HTTPRoutes in `namespaceName` (e.g. routes that send traffic to Services here). */
  public static httpRoutes(namespaceName: string): GatewayApiReferenceGrantFrom {
    return new GatewayApiReferenceGrantFrom(GATEWAY_API_GROUP, 'HTTPRoute', namespaceName);
  }

  /** GRPCRoutes in `namespaceName`. */
  public static grpcRoutes(namespaceName: string): GatewayApiReferenceGrantFrom {
    return new GatewayApiReferenceGrantFrom(GATEWAY_API_GROUP, 'GRPCRoute', namespaceName);
  }

  /** TLSRoutes in `namespaceName`. */
  public static tlsRoutes(namespaceName: string): GatewayApiReferenceGrantFrom {
    return new GatewayApiReferenceGrantFrom(GATEWAY_API_GROUP, 'TLSRoute', namespaceName);
  }

  /** Gateways in `namespaceName` (e.g. a gateway that uses a certificate Secret here). */
  public static gateways(namespaceName: string): GatewayApiReferenceGrantFrom {
    return new GatewayApiReferenceGrantFrom(GATEWAY_API_GROUP, 'Gateway', namespaceName);
  }

  /**
   * Objects of any group and kind in `namespaceName`.
   *
   * @param group API group, `''` for the core group
   * @param kind kind, e.g. `HTTPRoute`
   * @param namespaceName the namespace they are in
   */
  public static of(group: string, kind: string, namespaceName: string): GatewayApiReferenceGrantFrom {
    return new GatewayApiReferenceGrantFrom(group, kind, namespaceName);
  }

  private constructor(
    /** API group of the referring objects. */
    public readonly group: string,
    /** Kind of the referring objects. */
    public readonly kind: string,
    /** Namespace of the referring objects. */
    public readonly namespaceName: string,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.ReferenceGrantSpecFrom {
    checkGroupKind(scope, field, this.group, this.kind, 'GatewayApiReferenceGrantFrom.httpRoutes("frontend")');
    checkDns1123Label(scope, `${field} namespace`, this.namespaceName);
    if (this.namespaceName === undefined || this.namespaceName === '') {
      invalid(scope, `${field} namespace`, this.namespaceName, 'a grant names the namespace of the referring objects', 'pass the namespace, e.g. GatewayApiReferenceGrantFrom.httpRoutes("frontend")');
    }
    return { group: this.group, kind: this.kind, namespace: this.namespaceName };
  }
}

/**
 * The objects in the grant's namespace that may be referred to: all of one kind, or one by name.
 */
export class GatewayApiReferenceGrantTo {
  /** Services (all of them, or the one named `name`), as route backends. */
  public static services(name?: string): GatewayApiReferenceGrantTo {
    return new GatewayApiReferenceGrantTo('', 'Service', name);
  }

  /** Secrets (all of them, or the one named `name`), e.g. a Gateway's certificate. */
  public static secrets(name?: string): GatewayApiReferenceGrantTo {
    return new GatewayApiReferenceGrantTo('', 'Secret', name);
  }

  /**
   * Objects of any group and kind (all of them, or the one named `name`).
   *
   * @param group API group, `''` for the core group
   * @param kind kind, e.g. `Service`
   * @param name one object's name
   */
  public static of(group: string, kind: string, name?: string): GatewayApiReferenceGrantTo {
    return new GatewayApiReferenceGrantTo(group, kind, name);
  }

  private constructor(
    /** API group of the referred objects. */
    public readonly group: string,
    /** Kind of the referred objects. */
    public readonly kind: string,
    /** The one object's name, if only one may be referred to. */
    public readonly name?: string,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.ReferenceGrantSpecTo {
    checkGroupKind(scope, field, this.group, this.kind, 'GatewayApiReferenceGrantTo.services("reviews")');
    if (this.name !== undefined) checkDns1123Subdomain(scope, `${field} name`, this.name);
    return { group: this.group, kind: this.kind, name: this.name };
  }
}

/**
 * Properties of a `GatewayApiReferenceGrant`.
 */
export interface GatewayApiReferenceGrantProps extends IstioResourceProps {
  /** Who may refer to objects of this namespace (1 to 16 entries). */
  readonly from: GatewayApiReferenceGrantFrom[];

  /** What may be referred to (1 to 16 entries). */
  readonly to: GatewayApiReferenceGrantTo[];
}

/**
 * `gateway.networking.k8s.io/v1` ReferenceGrant: lets routes or Gateways of another namespace
 * refer to objects of this one (a route's backend Service, a Gateway's certificate Secret).
 * Without it, such cross-namespace references are refused by the gateway.
 *
 * @example
 * new GatewayApiReferenceGrant(backendNs, 'allow-frontend-routes', {
 *   from: [GatewayApiReferenceGrantFrom.httpRoutes('frontend')],
 *   to: [GatewayApiReferenceGrantTo.services('reviews')],
 * });
 */
export class GatewayApiReferenceGrant extends IstioResource {
  public readonly apiObject: l1.ReferenceGrant;

  private readonly from: l1.ReferenceGrantSpecFrom[];
  private readonly to: l1.ReferenceGrantSpecTo[];

  public constructor(scope: Construct, id: string, props: GatewayApiReferenceGrantProps) {
    super(scope, id);
    if (props === undefined || props === null || !Array.isArray(props.from) || !Array.isArray(props.to)) {
      invalid(this, 'from/to', props === undefined || props === null ? props : { from: props.from, to: props.to }, 'a ReferenceGrant needs `from` and `to` lists', 'pass e.g. { from: [GatewayApiReferenceGrantFrom.httpRoutes("frontend")], to: [GatewayApiReferenceGrantTo.services()] }');
    }
    this.from = this.entries('from', props.from, GatewayApiReferenceGrantFrom, 'GatewayApiReferenceGrantFrom.httpRoutes("frontend")');
    this.to = this.entries('to', props.to, GatewayApiReferenceGrantTo, 'GatewayApiReferenceGrantTo.services()');
    this.apiObject = new l1.ReferenceGrant(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => ({ from: this.from, to: this.to }) }),
    });
  }

  private entries<T extends { _render(scope: IConstruct, field: string): R }, R>(field: string, list: T[], cls: Function, example: string): R[] {
    if (list.length === 0) invalid(this, field, list, 'a ReferenceGrant needs at least one entry here', `pass e.g. [${example}]`);
    checkMaxItems(this, field, list.length, 16, 'split the grant into several ReferenceGrants');
    const rendered = list.map((e, i) => {
      if (!(e instanceof cls)) invalid(this, `${field}[${i}]`, e, `an entry must be made with ${cls.name}`, `use ${example}`);
      return e._render(this, `${field}[${i}]`);
    });
    const seen = new Set<string>();
    rendered.forEach((r, i) => {
      const key = JSON.stringify(r);
      if (seen.has(key)) invalid(this, `${field}[${i}]`, r, 'the same entry is listed twice', 'list each entry once');
      seen.add(key);
    });
    return rendered;
  }
}
