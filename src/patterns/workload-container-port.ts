// A port the workload's container listens on that its Service does not expose.
import { IConstruct } from 'constructs';
import { checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * A container port that is not a Service port, e.g. a metrics port scraped from the pods.
 */
export interface WorkloadContainerPort {
  /** The port number the container listens on, 1-65535. */
  readonly number: number;

  /**
   * The port name, an IANA service name (at most 15 lower-case letters, digits and `-`), e.g.
   * `metrics`. Other objects (a ServiceMonitor, a probe) can refer to the port by it.
   *
   * @default - no name
   */
  readonly name?: string;
}

/** Container port names are IANA service names: at most 15 characters, at least one letter. */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a port name (an IANA service name).
 * @internal
 */
export function checkPortName(scope: IConstruct, field: string, name: string | undefined): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    invalid(scope, field, name, 'a port name must be an IANA service name: at most 15 lower-case letters, digits and "-", with at least one letter, no "--", starting and ending with a letter or digit', 'use e.g. "metrics" or "grpc-admin"');
  }
}

/**
 * Checks the further container ports (numbers and names).
 * @internal
 */
export function checkContainerPorts(scope: IConstruct, ports: WorkloadContainerPort[] | undefined): void {
  if (ports === undefined) return;
  if (!Array.isArray(ports)) invalid(scope, 'containerPorts', ports, 'the container ports must be a list', "pass e.g. [{ number: 9090, name: 'metrics' }]");
  ports.forEach((p, i) => {
    if (p === null || typeof p !== 'object') invalid(scope, `containerPorts[${i}]`, p, 'a container port must be an object', "pass e.g. { number: 9090, name: 'metrics' }");
    if (p.number === undefined) invalid(scope, `containerPorts[${i}].number`, undefined, 'a container port needs its number', 'pass e.g. number: 9090');
    checkPort(scope, `containerPorts[${i}].number`, p.number);
    checkPortName(scope, `containerPorts[${i}].name`, p.name);
  });
}
