import { IConstruct } from 'constructs';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkNonEmpty } from '../core/checks';

/**
 * Where the routes attaching to a Gateway API listener may live (`allowedRoutes.namespaces.from`).
 */
export enum GatewayApiRouteNamespaces {
  /** Routes from every namespace. */
  ALL = 'All',
  /** Only routes in the Gateway's own namespace (the Gateway API default). */
  SAME = 'Same',
  /** Routes from namespaces whose labels match a selector. */
  SELECTOR = 'Selector',
}

/**
 * Which routes may attach to a Gateway API listener.
 *
 * `GatewayApiAllowedRoutes.same()` (the default), `.all()`, or
 * `.fromNamespacesWithLabels({ 'shared-gateway-access': 'true' })`.
 */
export class GatewayApiAllowedRoutes {
  /** Routes from every namespace may attach. */
  public static all(): GatewayApiAllowedRoutes {
    return new GatewayApiAllowedRoutes(GatewayApiRouteNamespaces.ALL);
  }

  /** Only routes in the Gateway's namespace may attach (the Gateway API default). */
  public static same(): GatewayApiAllowedRoutes {
    return new GatewayApiAllowedRoutes(GatewayApiRouteNamespaces.SAME);
  }

  /**
   * Routes from namespaces carrying all of these labels may attach, e.g.
   * `{ 'kubernetes.io/metadata.name': 'bookinfo' }`.
   */
  public static fromNamespacesWithLabels(labels: { [key: string]: string }): GatewayApiAllowedRoutes {
    return new GatewayApiAllowedRoutes(GatewayApiRouteNamespaces.SELECTOR, { ...labels });
  }

  private constructor(
    /** Where attaching routes may live. */
    public readonly namespaces: GatewayApiRouteNamespaces,
    private readonly labels?: { [key: string]: string },
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.GatewaySpecListenersAllowedRoutes {
    if (this.labels) {
      checkNonEmpty(scope, `${field}.namespaces.selector`, Object.keys(this.labels), 'select namespaces by at least one label, or use GatewayApiAllowedRoutes.all()');
    }
    return {
      namespaces: {
        from: this.namespaces as string as l1.GatewaySpecListenersAllowedRoutesNamespacesFrom,
        selector: this.labels ? { matchLabels: { ...this.labels } } : undefined,
      },
    };
  }
}
