import { WorkloadSelector } from '../core/workload-selector';
import { Principal } from '../security/principal';

/**
 * Which API an ingress is written in.
 */
export enum IngressApi {
  /**
   * Istio's own API: a `networking.istio.io` Gateway bound to an existing ingress gateway
   * deployment (by default Istio's `istio-ingressgateway` in `istio-system`) and a
   * VirtualService. Needs sidecar-mode or ambient-mode Istio with an ingress gateway installed.
   */
  ISTIO = 'Istio',

  /**
   * The Kubernetes Gateway API: a `gateway.networking.k8s.io` Gateway (Istio deploys a
   * gateway for it, named `<gateway>-<gatewayClassName>`) and an HTTPRoute. The API Istio
   * recommends for ambient mode.
   */
  GATEWAY_API = 'GatewayApi',
}

/**
 * Options of an ingress served by an Istio ingress gateway deployment.
 */
export interface IstioIngressGatewayOptions {
  /**
   * The labels of the gateway deployment that serves the ingress. A custom gateway has a
   * custom identity, so `principal` must be given with it.
   *
   * @default - Istio's default ingress gateway, `{ istio: 'ingressgateway' }`
   */
  readonly selector?: WorkloadSelector;

  /**
   * The mesh identity of the gateway deployment, allowed to call the exposed MeshServices.
   * For the Helm `istio/gateway` chart installed as `istio-ingress` in namespace
   * `istio-ingress`: `Principal.serviceAccount('istio-ingress', 'istio-ingress')`.
   *
   * @default - the default ingress gateway, `cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account`
   */
  readonly principal?: Principal;
}

/**
 * Options of an ingress served by a Kubernetes Gateway API gateway that Istio deploys.
 */
export interface GatewayApiIngressGatewayOptions {
  /**
   * The GatewayClass. Istio names the gateway deployment and its ServiceAccount
   * `<name>-<gatewayClassName>`, which is the identity allowed to call the exposed
   * MeshServices.
   *
   * @default "istio"
   */
  readonly gatewayClassName?: string;
}

/**
 * The gateway that serves a `MeshIngress`, with the options that gateway takes:
 * `IngressGateway.istio({...})` or `IngressGateway.gatewayApi({...})`.
 */
export class IngressGateway {
  /**
   * An Istio ingress gateway deployment (Istio's Gateway and VirtualService).
   */
  public static istio(options: IstioIngressGatewayOptions = {}): IngressGateway {
    return new IngressGateway(IngressApi.ISTIO, options.selector, options.principal, undefined);
  }

  /**
   * A Kubernetes Gateway API gateway that Istio deploys (Gateway and HTTPRoute; also for
   * ambient mode).
   */
  public static gatewayApi(options: GatewayApiIngressGatewayOptions = {}): IngressGateway {
    return new IngressGateway(IngressApi.GATEWAY_API, undefined, undefined, options.gatewayClassName);
  }

  private constructor(
    /** The API the ingress is written in. */
    public readonly api: IngressApi,
    /** Istio API: the labels of the gateway deployment. */
    public readonly selector: WorkloadSelector | undefined,
    /** Istio API: the mesh identity of the gateway deployment. */
    public readonly principal: Principal | undefined,
    /** Gateway API: the GatewayClass. */
    public readonly gatewayClassName: string | undefined,
  ) {}
}
