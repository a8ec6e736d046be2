import { Construct, IConstruct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain, checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';
import { IstioResource } from '../core/resource';

/**
 * A gateway that VirtualService routes can be bound to (`spec.gateways`, and the `gateways`
 * of a route match): a `Gateway` construct of the app, a gateway defined elsewhere
 * (`Gateway.fromGatewayName(...)`), or every sidecar of the mesh (`Gateway.MESH`).
 */
export interface IGateway {
  /** The gateway's `metadata.name` (`mesh` for the sidecars of the mesh). */
  readonly gatewayName: string;

  /**
   * The gateway's namespace.
   *
   * @default - not known: the gateway is referred to by its bare name, i.e. it is looked up
   * in the namespace of the referring VirtualService
   */
  readonly gatewayNamespace?: string;
}

/**
 * A gateway known by name (imported, or the mesh).
 * @internal
 */
export class GatewayReference implements IGateway {
  public constructor(public readonly gatewayName: string, public readonly gatewayNamespace?: string) {}
}

/** The namespace of the VirtualService that renders a reference (unknown while it is being constructed). */
function ownNamespace(scope: IConstruct): string | undefined {
  if (!(scope instanceof IstioResource)) return undefined;
  const obj = scope.apiObject as IstioResource['apiObject'] | undefined;
  return obj?.metadata.namespace;
}

/**
 * Renders a gateway reference as Istio writes it: `name` (same namespace, or namespace not
 * known), `namespace/name`, or `mesh`; and checks the names of gateways known by name.
 * @internal
 */
export function renderGateway(scope: IConstruct, field: string, gateway: IGateway, own = ownNamespace(scope)): string {
  if (typeof gateway === 'string') {
    const fix = gateway === 'mesh' ? 'pass Gateway.MESH' : `pass Gateway.fromGatewayName(${JSON.stringify(gateway)})`;
    return invalid(scope, field, gateway, 'a gateway is a typed reference, not a string', fix);
  }
  if (gateway === undefined || gateway === null || typeof gateway.gatewayName !== 'string') {
    const shown = Construct.isConstruct(gateway) ? (gateway as IConstruct).node.path : gateway;
    return invalid(scope, field, shown, 'a gateway must be a Gateway construct, Gateway.fromGatewayName(...) or Gateway.MESH', 'pass e.g. Gateway.fromGatewayName("bookinfo-gateway")');
  }
  const ns = gateway.gatewayNamespace;
  const ref = ns && ns !== own ? `${ns}/${gateway.gatewayName}` : gateway.gatewayName;
  if (ref === 'mesh') return ref;
  const parts = ref.split('/');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    invalid(scope, field, ref, 'a gateway reference is "name", "namespace/name" or "mesh"', 'write e.g. Gateway.fromGatewayName("ingressgateway", "istio-system")');
  }
  if (parts.length === 2) checkDns1123Label(scope, `${field} namespace`, parts[0]);
  checkDns1123Subdomain(scope, field, parts[parts.length - 1]);
  return ref;
}

/**
 * Renders the `gateways` of a route match (undefined when not given).
 * @internal
 */
export function renderGateways(scope: IConstruct, field: string, gateways: readonly IGateway[] | undefined): string[] | undefined {
  if (gateways === undefined) return undefined;
  checkNonEmpty(scope, field, gateways, 'list at least one gateway, or leave `gateways` out to use the VirtualService\'s');
  const own = ownNamespace(scope);
  return gateways.map((g, i) => renderGateway(scope, `${field}[${i}]`, g, own));
}
