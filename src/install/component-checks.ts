// Checks of the component settings given to a MeshInstallation, each on its own (the checks
// that need the effective settings, profile included, are in ./mesh-installation).
import { IConstruct } from 'constructs';
import { checkQuantity } from './install-internal';
import { ComponentAutoscaling, ComponentResources, GatewayComponent, GatewayPortProtocol, GatewayServiceType, MeshComponents, NodeAgentComponent, PilotComponent } from './mesh-components';
import { checkDns1123Label, checkLabels, checkPort, checkPositiveInteger } from '../core/checks';
import { invalid } from '../core/errors';

function checkResources(scope: IConstruct, field: string, r: ComponentResources | undefined): void {
  if (r === undefined) return;
  for (const kind of ['requests', 'limits'] as const) {
    checkQuantity(scope, `${field}.${kind}.cpu`, r[kind]?.cpu);
    checkQuantity(scope, `${field}.${kind}.memory`, r[kind]?.memory);
  }
}

function checkScaling(scope: IConstruct, field: string, c: { replicas?: number; autoscaling?: ComponentAutoscaling }): void {
  if (c.replicas !== undefined && (!Number.isInteger(c.replicas) || c.replicas < 1)) {
    invalid(scope, `${field}.replicas`, c.replicas, 'the number of replicas must be an integer of at least 1', 'use a positive number, or `enabled: false` to leave the component out');
  }
  const a = c.autoscaling;
  if (a === undefined) return;
  if (c.replicas !== undefined) {
    invalid(scope, `${field}.replicas`, c.replicas, 'a fixed number of replicas and autoscaling are exclusive: the charts ignore replicas while the autoscaler runs', 'give either replicas or autoscaling');
  }
  checkPositiveInteger(scope, `${field}.autoscaling.minReplicas`, a.minReplicas);
  checkPositiveInteger(scope, `${field}.autoscaling.maxReplicas`, a.maxReplicas);
  if (a.minReplicas > a.maxReplicas) {
    invalid(scope, `${field}.autoscaling`, a, 'minReplicas is greater than maxReplicas', `use e.g. { minReplicas: ${a.maxReplicas}, maxReplicas: ${a.minReplicas} }`);
  }
}

function checkEnabledFlag(scope: IConstruct, field: string, enabled: unknown): void {
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    invalid(scope, `${field}.enabled`, enabled, 'enabled must be true or false', 'pass a boolean');
  }
}

/** Settings given to a component that is disabled do nothing: refused. */
function checkNoSettingsWhenDisabled(scope: IConstruct, field: string, c: { [key: string]: unknown } & { enabled?: boolean }, keep: string[]): void {
  if (c.enabled !== false) return;
  const extra = Object.keys(c).filter((k) => c[k] !== undefined && k !== 'enabled' && !keep.includes(k));
  if (extra.length > 0) {
    invalid(scope, `${field}.${extra[0]}`, c[extra[0]], 'the component is disabled, so its settings would do nothing', `drop ${extra.join(', ')}, or enable the component`);
  }
}

function checkPilot(scope: IConstruct, p: PilotComponent | undefined): void {
  if (p === undefined) return;
  checkEnabledFlag(scope, 'components.pilot', p.enabled);
  checkNoSettingsWhenDisabled(scope, 'components.pilot', p as { [key: string]: unknown }, []);
  checkScaling(scope, 'components.pilot', p);
  checkResources(scope, 'components.pilot.resources', p.resources);
}

function checkNodeAgent(scope: IConstruct, field: string, c: NodeAgentComponent | undefined): void {
  if (c === undefined) return;
  checkEnabledFlag(scope, field, c.enabled);
  checkNoSettingsWhenDisabled(scope, field, c as { [key: string]: unknown }, []);
  checkDns1123Label(scope, `${field}.namespace`, c.namespace);
}

const SERVICE_TYPES: readonly string[] = Object.values(GatewayServiceType);
const PROTOCOLS: readonly string[] = Object.values(GatewayPortProtocol);

function checkGateway(scope: IConstruct, field: string, g: GatewayComponent, egress: boolean): void {
  if (g === undefined || g === null || typeof g.name !== 'string') {
    invalid(scope, field, g, 'a gateway needs a name', 'pass e.g. { name: "istio-ingressgateway" }');
  }
  checkDns1123Label(scope, `${field}.name`, g.name);
  checkEnabledFlag(scope, field, g.enabled);
  checkNoSettingsWhenDisabled(scope, field, g as unknown as { [key: string]: unknown }, ['name', 'namespace']);
  checkDns1123Label(scope, `${field}.namespace`, g.namespace);
  if (g.serviceType !== undefined && !SERVICE_TYPES.includes(g.serviceType)) {
    invalid(scope, `${field}.serviceType`, g.serviceType, `unknown Service type (known: ${SERVICE_TYPES.join(', ')})`, 'use GatewayServiceType.LOAD_BALANCER, .NODE_PORT or .CLUSTER_IP');
  }
  const type = g.serviceType ?? (egress ? GatewayServiceType.CLUSTER_IP : GatewayServiceType.LOAD_BALANCER);
  const names = new Set<string>();
  const numbers = new Set<string>();
  (g.ports ?? []).forEach((p, i) => {
    const f = `${field}.ports[${i}]`;
    checkDns1123Label(scope, `${f}.name`, p.name);
    if (p.name === undefined) invalid(scope, `${f}.name`, p.name, 'a Service with several ports needs a name for each', 'name the port, e.g. "http2"');
    checkPort(scope, `${f}.port`, p.port);
    if (p.port === undefined) invalid(scope, `${f}.port`, p.port, 'the port number is required', 'pass e.g. port: 80');
    checkPort(scope, `${f}.targetPort`, p.targetPort);
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
      invalid(scope, `${f}.protocol`, p.protocol, `unknown protocol (known: ${PROTOCOLS.join(', ')})`, 'use GatewayPortProtocol.TCP or .UDP');
    }
    if (p.nodePort !== undefined) {
      if (type === GatewayServiceType.CLUSTER_IP) {
        invalid(scope, `${f}.nodePort`, p.nodePort, `a ${type} Service has no node ports`, 'use GatewayServiceType.NODE_PORT or .LOAD_BALANCER, or drop nodePort');
      }
      if (!Number.isInteger(p.nodePort) || p.nodePort < 30000 || p.nodePort > 32767) {
        invalid(scope, `${f}.nodePort`, p.nodePort, 'a node port must be in Kubernetes\' default range 30000-32767', 'pick a port in the range, or leave nodePort out to let Kubernetes allocate one');
      }
    }
    if (names.has(p.name)) invalid(scope, `${f}.name`, p.name, 'two ports of the gateway have this name', 'give each port its own name');
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (numbers.has(key)) invalid(scope, `${f}.port`, p.port, 'two ports of the gateway have this number and protocol', 'give each port its own number');
    names.add(p.name);
    numbers.add(key);
  });
  checkLabels(scope, `${field}.labels`, g.labels);
  checkScaling(scope, field, g);
  checkResources(scope, `${field}.resources`, g.resources);
}

/**
 * Checks component settings given to a MeshInstallation.
 * @internal
 */
export function checkComponents(scope: IConstruct, c: MeshComponents | undefined): void {
  if (c === undefined) return;
  checkEnabledFlag(scope, 'components.base', c.base?.enabled);
  checkPilot(scope, c.pilot);
  checkNodeAgent(scope, 'components.cni', c.cni);
  checkNodeAgent(scope, 'components.ztunnel', c.ztunnel);
  const seen = new Map<string, string>();
  for (const [list, egress] of [['ingressGateways', false], ['egressGateways', true]] as const) {
    (c[list] ?? []).forEach((g, i) => {
      const field = `components.${list}[${i}]`;
      checkGateway(scope, field, g, egress);
      const other = seen.get(g.name);
      if (other !== undefined) {
        invalid(scope, `${field}.name`, g.name, `${other} has the same name; a gateway's name names its Deployment, Service and Helm release`, 'give each gateway its own name');
      }
      seen.set(g.name, field);
    });
  }
}
