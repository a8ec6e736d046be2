// Renders typed installation settings as an IstioOperator document (install.istio.io/v1alpha1),
// the input file of `istioctl install -f`. One renderer serves a MeshInstallation and the
// profiles' definitions (MeshProfile.toIstioOperator), so the profiles' parity with Istio's
// reference files also proves the renderer.
import { prune } from './install-internal';
import { ComponentAutoscaling, ComponentResources, GatewayComponent, GatewayServicePort, GatewayServiceType, MeshComponents, NodeAgentComponent } from './mesh-components';

/**
 * The settings an IstioOperator document is rendered from.
 * @internal
 */
export interface OperatorSettings {
  readonly namespace?: string;
  readonly profile?: string;
  readonly hub?: string;
  readonly tag?: string;
  readonly revision?: string;
  readonly components?: MeshComponents;
  readonly meshConfig?: { [key: string]: any };
  readonly values?: { [key: string]: any };
}

/** The API version and kind of the document. */
export const ISTIO_OPERATOR_API_VERSION = 'install.istio.io/v1alpha1';

function renderResources(r: ComponentResources | undefined): unknown {
  return r && {
    requests: r.requests && { cpu: r.requests.cpu, memory: r.requests.memory },
    limits: r.limits && { cpu: r.limits.cpu, memory: r.limits.memory },
  };
}

function renderHpa(a: ComponentAutoscaling | undefined): unknown {
  return a && { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas };
}

/**
 * Renders Service ports as Kubernetes and the charts take them.
 * @internal
 */
export function renderServicePorts(ports: readonly GatewayServicePort[] | undefined): unknown[] | undefined {
  return ports?.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol, nodePort: p.nodePort }));
}

interface K8sSettings {
  replicas?: number;
  resources?: ComponentResources;
  autoscaling?: ComponentAutoscaling;
  serviceType?: GatewayServiceType;
  ports?: GatewayServicePort[];
}

function renderK8s(o: K8sSettings): unknown {
  const service = o.serviceType !== undefined || o.ports !== undefined ? { type: o.serviceType, ports: renderServicePorts(o.ports) } : undefined;
  const k8s = { replicaCount: o.replicas, resources: renderResources(o.resources), hpaSpec: renderHpa(o.autoscaling), service };
  return Object.values(k8s).some((v) => v !== undefined) ? k8s : undefined;
}

function renderGateway(g: GatewayComponent): unknown {
  return {
    name: g.name,
    enabled: g.enabled,
    namespace: g.namespace,
    label: g.labels && { ...g.labels },
    k8s: renderK8s(g),
  };
}

function renderNodeAgent(c: NodeAgentComponent | undefined): unknown {
  return c && { enabled: c.enabled, namespace: c.namespace };
}

/**
 * Renders components as `spec.components`.
 * @internal
 */
export function renderComponents(c: MeshComponents | undefined): unknown {
  if (c === undefined) return undefined;
  return {
    base: c.base && { enabled: c.base.enabled },
    pilot: c.pilot && { enabled: c.pilot.enabled, k8s: renderK8s(c.pilot) },
    ingressGateways: c.ingressGateways?.map(renderGateway),
    egressGateways: c.egressGateways?.map(renderGateway),
    cni: renderNodeAgent(c.cni),
    ztunnel: renderNodeAgent(c.ztunnel),
  };
}

/**
 * The IstioOperator document of `settings`, with only what was set.
 * @internal
 */
export function renderIstioOperator(settings: OperatorSettings): { [key: string]: any } {
  const doc = {
    apiVersion: ISTIO_OPERATOR_API_VERSION,
    kind: 'IstioOperator',
    metadata: settings.namespace === undefined ? undefined : { namespace: settings.namespace },
    spec: {
      profile: settings.profile,
      hub: settings.hub,
      tag: settings.tag,
      revision: settings.revision,
      components: renderComponents(settings.components),
      meshConfig: settings.meshConfig,
      values: settings.values,
    },
  };
  return prune(doc) as { [key: string]: any };
}
