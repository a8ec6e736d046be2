// Typed settings of the components of an Istio installation: the IstioOperator's
// `spec.components` (base, pilot, ingressGateways, egressGateways, cni, ztunnel) with their
// `k8s` settings (replicaCount, resources, hpaSpec, service), and the few `spec.values` the
// reference profiles set (./mesh-profile). Istio 1.30 API reference, IstioOperator
// `IstioComponentSpec`, `GatewaySpec` and `KubernetesResourcesSpec`.

/**
 * CPU and memory quantities, e.g. `{ cpu: '100m', memory: '128Mi' }`.
 */
export interface ResourceQuantities {
  /**
   * CPU, e.g. "100m" or "1".
   *
   * @default - not set
   */
  readonly cpu?: string;

  /**
   * Memory, e.g. "128Mi".
   *
   * @default - not set
   */
  readonly memory?: string;
}

/**
 * Resource requests and limits of a component's containers.
 */
export interface ComponentResources {
  /**
   * Requests.
   *
   * @default - the chart's defaults
   */
  readonly requests?: ResourceQuantities;

  /**
   * Limits.
   *
   * @default - the chart's defaults
   */
  readonly limits?: ResourceQuantities;
}

/**
 * Horizontal pod autoscaling of a component (`k8s.hpaSpec`).
 */
export interface ComponentAutoscaling {
  /** Fewest replicas (at least 1). */
  readonly minReplicas: number;

  /** Most replicas (at least `minReplicas`). */
  readonly maxReplicas: number;
}

/**
 * Whether a component is installed (`components.base`).
 */
export interface BaseComponent {
  /**
   * Install the component.
   *
   * @default - as the profile says
   */
  readonly enabled?: boolean;
}

/**
 * The control plane, istiod (`components.pilot`).
 */
export interface PilotComponent {
  /**
   * Install istiod.
   *
   * @default - as the profile says (every profile but `empty` installs it)
   */
  readonly enabled?: boolean;

  /**
   * A fixed number of replicas (turns the autoscaler off). Exclusive with `autoscaling`.
   *
   * @default - autoscaled by the chart (1 to 5 replicas)
   */
  readonly replicas?: number;

  /**
   * Resource requests and limits of istiod.
   *
   * @default - the chart's defaults
   */
  readonly resources?: ComponentResources;

  /**
   * Autoscaling bounds. Exclusive with `replicas`.
   *
   * @default - the chart's defaults (1 to 5 replicas)
   */
  readonly autoscaling?: ComponentAutoscaling;
}

/**
 * The type of a gateway's Service.
 */
export enum GatewayServiceType {
  /** A cluster-internal address (the usual choice for an egress gateway). */
  CLUSTER_IP = 'ClusterIP',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** An external load balancer (the usual choice for an ingress gateway). */
  LOAD_BALANCER = 'LoadBalancer',
}

/**
 * The protocol of a gateway Service port.
 */
export enum GatewayPortProtocol {
  /** TCP (HTTP, HTTPS, gRPC, TLS all run over it). */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/**
 * A port of a gateway's Service.
 */
export interface GatewayServicePort {
  /** The port name, e.g. "http2" or "https" (a DNS-1123 label). */
  readonly name: string;

  /** The Service port (1-65535). */
  readonly port: number;

  /**
   * The gateway pod's port.
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number;

  /**
   * The protocol.
   *
   * @default GatewayPortProtocol.TCP
   */
  readonly protocol?: GatewayPortProtocol;

  /**
   * The node port (30000-32767), for NodePort and LoadBalancer Services.
   *
   * @default - allocated by Kubernetes
   */
  readonly nodePort?: number;
}

/**
 * An ingress or egress gateway of the installation (`components.ingressGateways[]`,
 * `components.egressGateways[]`; the `gateway` Helm chart).
 */
export interface GatewayComponent {
  /** The gateway's name, e.g. "istio-ingressgateway" (a DNS-1123 label). */
  readonly name: string;

  /**
   * Install the gateway. The profiles' definitions always say; for a gateway given to a
   * `MeshInstallation` it defaults to true.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The namespace of the gateway.
   *
   * @default - the installation's namespace
   */
  readonly namespace?: string;

  /**
   * The type of the gateway's Service.
   *
   * @default - LoadBalancer for an ingress gateway, ClusterIP for an egress gateway
   */
  readonly serviceType?: GatewayServiceType;

  /**
   * The ports of the gateway's Service.
   *
   * @default - the chart's ports (15021 status, 80, 443)
   */
  readonly ports?: GatewayServicePort[];

  /**
   * Labels of the gateway's pods (what Gateway resources select).
   *
   * @default - `istio: <name without the "istio-" prefix>` (e.g. `istio: ingressgateway`)
   */
  readonly labels?: { [key: string]: string };

  /**
   * A fixed number of replicas. Exclusive with `autoscaling`.
   *
   * @default - autoscaled by the chart
   */
  readonly replicas?: number;

  /**
   * Resource requests and limits.
   *
   * @default - the chart's defaults
   */
  readonly resources?: ComponentResources;

  /**
   * Autoscaling bounds. Exclusive with `replicas`.
   *
   * @default - the chart's defaults
   */
  readonly autoscaling?: ComponentAutoscaling;
}

/**
 * A node-level component: the Istio CNI node agent or ztunnel.
 */
export interface NodeAgentComponent {
  /**
   * Install the component.
   *
   * @default - as the profile says
   */
  readonly enabled?: boolean;

  /**
   * The namespace the component runs in.
   *
   * @default - the installation's namespace (kube-system in the OpenShift profiles)
   */
  readonly namespace?: string;
}

/**
 * The components of an installation (`spec.components` of an IstioOperator). Settings left
 * out come from the profile.
 */
export interface MeshComponents {
  /**
   * The cluster-wide resources (CRDs, validation).
   *
   * @default - as the profile says
   */
  readonly base?: BaseComponent;

  /**
   * istiod.
   *
   * @default - as the profile says
   */
  readonly pilot?: PilotComponent;

  /**
   * The ingress gateways. A list given here replaces the profile's list.
   *
   * @default - the profile's (`istio-ingressgateway` in default and demo)
   */
  readonly ingressGateways?: GatewayComponent[];

  /**
   * The egress gateways. A list given here replaces the profile's list.
   *
   * @default - the profile's (`istio-egressgateway`, enabled in demo only)
   */
  readonly egressGateways?: GatewayComponent[];

  /**
   * The Istio CNI node agent (required by ambient mode, optional with sidecars).
   *
   * @default - as the profile says (enabled in ambient and OpenShift profiles)
   */
  readonly cni?: NodeAgentComponent;

  /**
   * ztunnel, the ambient node proxy.
   *
   * @default - as the profile says (enabled in the ambient profiles)
   */
  readonly ztunnel?: NodeAgentComponent;
}

/**
 * The platform Istio is installed on (`values.global.platform`), for the charts' platform
 * adjustments.
 */
export enum MeshPlatform {
  /** Red Hat OpenShift. */
  OPENSHIFT = 'openshift',
  /** Google Kubernetes Engine. */
  GKE = 'gke',
  /** Amazon EKS. */
  EKS = 'eks',
  /** k3d. */
  K3D = 'k3d',
  /** k3s. */
  K3S = 'k3s',
  /** kind. */
  KIND = 'kind',
  /** MicroK8s. */
  MICROK8S = 'microk8s',
  /** minikube. */
  MINIKUBE = 'minikube',
}
