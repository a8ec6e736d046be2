import { IConstruct } from 'constructs';
import { WorkloadContainerPort, checkContainerPorts, checkPortName } from './workload-container-port';
import { checkPort, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { Protocol } from '../core/protocol';

/**
 * A further port of a mesh service (besides its main `port`), e.g. a gRPC or metrics port.
 */
export interface MeshServicePort {
  /** The port the Service listens on, 1-65535. */
  readonly port: number;

  /**
   * The port the container listens on.
   *
   * @default - the same as `port`
   */
  readonly containerPort?: number;

  /**
   * The application protocol of the port, rendered as its `appProtocol` and as the
   * prefix of its default name.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port name, an IANA service name (at most 15 lower-case letters, digits and `-`).
   * Any such name works, e.g. `metrics` or `prom`: the port also gets its `appProtocol`,
   * which Istio reads before the name's `<protocol>-` prefix.
   *
   * @default - `<protocol>-<port>`, e.g. `grpc-9090`
   */
  readonly name?: string;
}

/** Ports the Istio sidecar listens on in every pod: an application container cannot use them. */
const SIDECAR_PORTS = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];


/**
 * A port of the service with every default filled in.
 * @internal
 */
export interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

/** The port settings of a mesh service. */
interface MeshServicePortsOptions {
  readonly port: number;
  readonly containerPort?: number;
  readonly portName?: string;
  readonly protocol?: Protocol;
  readonly additionalPorts?: MeshServicePort[];
  readonly containerPorts?: WorkloadContainerPort[];
}

function protocolOf(props: MeshServicePortsOptions): Protocol {
  return props.protocol ?? Protocol.HTTP;
}

/**
 * The ports of a mesh service with every default filled in, checked (names, sidecar ports, uniqueness).
 * @internal
 */
export function resolvePorts(scope: IConstruct, props: MeshServicePortsOptions): ResolvedPort[] {
  checkPortName(scope, 'portName', props.portName);
  const main: ResolvedPort = {
    name: props.portName ?? protocolOf(props).toLowerCase(),
    port: props.port,
    containerPort: props.containerPort ?? props.port,
    protocol: protocolOf(props),
  };
  const extra = (props.additionalPorts ?? []).map((p, i): ResolvedPort => {
    const field = `additionalPorts[${i}]`;
    if (p === null || typeof p !== 'object') {
      invalid(scope, field, p, 'a port must be an object', 'pass e.g. { port: 9090, protocol: Protocol.GRPC }');
    }
    checkPort(scope, `${field}.port`, p.port);
    checkPort(scope, `${field}.containerPort`, p.containerPort);
    const protocol = p.protocol ?? Protocol.HTTP;
    checkProtocol(scope, `${field}.protocol`, protocol);
    const prefix = protocol.toLowerCase();
    const name = p.name ?? `${prefix}-${p.port}`;
    checkPortName(scope, `${field}.name`, name);
    return { name, port: p.port, containerPort: p.containerPort ?? p.port, protocol };
  });
  const all = [main, ...extra];
  all.forEach((p, i) => {
    if (SIDECAR_PORTS.includes(p.containerPort)) {
      invalid(scope, i === 0 ? 'containerPort' : `additionalPorts[${i - 1}].containerPort`, p.containerPort, `the Istio sidecar listens on this port in every pod (reserved: ${SIDECAR_PORTS.join(', ')})`, 'let the container listen on another port; the Service port can stay the same (set `port` and `containerPort` separately)');
    }
  });
  checkContainerPorts(scope, props.containerPorts);
  const others = props.containerPorts ?? [];
  others.forEach((p, i) => {
    if (SIDECAR_PORTS.includes(p.number)) {
      invalid(scope, `containerPorts[${i}].number`, p.number, `the Istio sidecar listens on this port in every pod (reserved: ${SIDECAR_PORTS.join(', ')})`, 'let the container listen on another port');
    }
  });
  checkUnique(scope, 'ports (port numbers)', all.map((p) => String(p.port)), 'give each Service port a distinct number');
  checkUnique(scope, 'ports (container ports)', [...all.map((p) => String(p.containerPort)), ...others.map((p) => String(p.number))], 'give each port a distinct container port');
  checkUnique(scope, 'ports (names)', [...all.map((p) => p.name), ...others.flatMap((p) => (p.name === undefined ? [] : [p.name]))], 'give each port a distinct name, e.g. "http" and "http-admin"');
  return all;
}


/**
 * Checks a protocol value (from JavaScript, enums are not checked).
 * @internal
 */
export function checkProtocol(scope: IConstruct, field: string, protocol: Protocol): void {
  if (!Object.values(Protocol).includes(protocol)) {
    invalid(scope, field, protocol, 'unknown protocol', `use one of Protocol.${Object.values(Protocol).join(', Protocol.')}`);
  }
}
