import { IConstruct } from 'constructs';
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
   * prefix of its name.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port name. Istio reads the protocol from a `<protocol>[-<suffix>]` name, so the
   * name must start with the protocol (`grpc`, `grpc-api`, ...).
   *
   * @default - `<protocol>-<port>`, e.g. `grpc-9090`
   */
  readonly name?: string;
}

/** Ports the Istio sidecar listens on in every pod: an application container cannot use them. */
const SIDECAR_PORTS = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/** Container port names are IANA service names: at most 15 characters. */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
  readonly protocol?: Protocol;
  readonly additionalPorts?: MeshServicePort[];
}

function protocolOf(props: MeshServicePortsOptions): Protocol {
  return props.protocol ?? Protocol.HTTP;
}

/**
 * The ports of a mesh service with every default filled in, checked (names, sidecar ports, uniqueness).
 * @internal
 */
export function resolvePorts(scope: IConstruct, props: MeshServicePortsOptions): ResolvedPort[] {
  const main: ResolvedPort = {
    name: protocolOf(props).toLowerCase(),
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
    if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
      invalid(scope, `${field}.name`, name, 'a port name must be at most 15 lower-case letters, digits and "-" (an IANA service name), starting and ending with a letter or digit', `use e.g. "${prefix}-admin"`);
    }
    if (name !== prefix && !name.startsWith(`${prefix}-`)) {
      invalid(scope, `${field}.name`, name, `Istio reads the protocol from the name's prefix, and this port's protocol is ${protocol}`, `name it "${prefix}" or "${prefix}-<suffix>", or change its protocol`);
    }
    return { name, port: p.port, containerPort: p.containerPort ?? p.port, protocol };
  });
  const all = [main, ...extra];
  all.forEach((p, i) => {
    if (SIDECAR_PORTS.includes(p.containerPort)) {
      invalid(scope, i === 0 ? 'containerPort' : `additionalPorts[${i - 1}].containerPort`, p.containerPort, `the Istio sidecar listens on this port in every pod (reserved: ${SIDECAR_PORTS.join(', ')})`, 'let the container listen on another port; the Service port can stay the same (set `port` and `containerPort` separately)');
    }
  });
  checkUnique(scope, 'ports (port numbers)', all.map((p) => String(p.port)), 'give each Service port a distinct number');
  checkUnique(scope, 'ports (container ports)', all.map((p) => String(p.containerPort)), 'give each port a distinct container port');
  checkUnique(scope, 'ports (names)', all.map((p) => p.name), 'give each port a distinct name, e.g. "http" and "http-admin"');
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
