// The properties of a MeshIngress.
import { IngressGateway } from './ingress-gateway';
import { IngressBackend, IngressRoute } from './ingress-route';

/**
 * Properties of a `MeshIngress`.
 */
export interface MeshIngressProps {
  /**
   * The host names clients use (`bookinfo.example.com`, `*.example.com`). Requests are only
   * routed when their Host header matches one of them, so list the public names, not the
   * in-mesh service name. `"*"` (any host) is accepted for development.
   */
  readonly hosts: string[];

  /**
   * The routes, evaluated in order (more with `addRoute()`). At least one before synthesis.
   *
   * @default - none
   */
  readonly routes?: IngressRoute[];

  /**
   * The gateway that serves the ingress, and so the API the ingress is written in: Istio's
   * ingress gateway deployment (`IngressGateway.istio({...})`, Istio's Gateway and
   * VirtualService), or a gateway Istio deploys for a Kubernetes Gateway API Gateway
   * (`IngressGateway.gatewayApi({...})`, Gateway and HTTPRoute; also for ambient mode).
   *
   * @default IngressGateway.istio(): Istio's default ingress gateway
   */
  readonly gateway?: IngressGateway;

  /**
   * Name of the `kubernetes.io/tls` Secret holding the certificate and key for `hosts`. With
   * it the ingress serves HTTPS on port 443 and (see `httpsRedirect`) redirects plain HTTP on
   * port 80 to HTTPS. With the Istio API the Secret lives in the namespace of the gateway
   * deployment (`istio-system` for the default ingress gateway); with the Gateway API in the
   * namespace of the ingress.
   *
   * @default - none; then `plainHttp: true` must be given explicitly
   */
  readonly credentialName?: string;

  /**
   * With `credentialName`: also listen on port 80 and answer every plain-HTTP request with a
   * 301 redirect to HTTPS. `false` leaves port 80 closed.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;

  /**
   * Serve unencrypted HTTP on port 80 instead of HTTPS. An explicit opt-out of TLS, e.g. for
   * development or when TLS is terminated in front of the gateway. Mutually exclusive with
   * `credentialName`.
   *
   * @default false
   */
  readonly plainHttp?: boolean;

  /**
   * The name of the objects (Gateway, VirtualService or HTTPRoute), a DNS-1123 label.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The name of the Gateway, when it differs from `name` (e.g. `frontend-gateway`). With
   * the Gateway API, Istio names the gateway's Deployment and ServiceAccount
   * `<gatewayName>-<gatewayClassName>`.
   *
   * @default - `name`
   */
  readonly gatewayName?: string;

  /**
   * The name of the VirtualService or HTTPRoute, when it differs from `name` (e.g.
   * `frontend-route`).
   *
   * @default - `name`
   */
  readonly routeName?: string;

  /**
   * The namespace of the Gateway and of its routes.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** A TCP route of a MeshIngress: connections to a gateway port go to a backend. */
export interface IngressTcpRoute {
  /** The gateway port that receives the connections, e.g. 5432. */
  readonly port: number;

  /** Where the connections go, e.g. `IngressBackend.fromMeshService(db)`. */
  readonly backend: IngressBackend;
}

/** A TLS passthrough route of a MeshIngress: TLS connections for some SNI host names go to a backend that terminates TLS itself. */
export interface IngressTlsPassthroughRoute {
  /** The SNI host names, e.g. `['db.example.com']`. */
  readonly hosts: string[];

  /** Where the connections go. */
  readonly backend: IngressBackend;

  /**
   * The gateway port.
   *
   * @default 443
   */
  readonly port?: number;
}

