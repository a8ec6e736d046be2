import { IConstruct } from 'constructs';
import * as l1 from '../../imports/telemetry.istio.io';
import { checkDns1123Subdomain } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * A resource whose workloads a `Telemetry` applies to (`spec.targetRefs[]`), instead of a
 * label selector. Always in the Telemetry's own namespace (GatewayClass: in the root
 * namespace).
 */
export class TelemetryTargetRef {
  /**
   * A Kubernetes Gateway API `Gateway` (its deployed gateway workloads).
   *
   * @param name the Gateway's name
   */
  public static gateway(name: string): TelemetryTargetRef {
    return new TelemetryTargetRef('gateway.networking.k8s.io', 'Gateway', name);
  }

  /**
   * Every Gateway of a `GatewayClass`. Only valid in the root namespace (`istio-system`).
   *
   * @param name the GatewayClass's name, e.g. `istio`
   */
  public static gatewayClass(name: string): TelemetryTargetRef {
    return new TelemetryTargetRef('gateway.networking.k8s.io', 'GatewayClass', name);
  }

  /**
   * A `Service`: applies in the waypoint proxy serving it (ambient mode only).
   *
   * @param name the Service's name
   */
  public static service(name: string): TelemetryTargetRef {
    return new TelemetryTargetRef('', 'Service', name);
  }

  /**
   * An Istio `ServiceEntry`: applies in the waypoint proxy serving it (ambient mode only).
   *
   * @param name the ServiceEntry's name
   */
  public static serviceEntry(name: string): TelemetryTargetRef {
    return new TelemetryTargetRef('networking.istio.io', 'ServiceEntry', name);
  }

  private constructor(
    /** API group of the target (`""` for the core group). */
    public readonly group: string,
    /** Kind of the target. */
    public readonly kind: string,
    /** Name of the target. */
    public readonly name: string,
  ) {}

  /**
   * A key identifying the target, for duplicate detection.
   * @internal
   */
  public get _key(): string {
    return `${this.group}/${this.kind}/${this.name}`;
  }

  /**
   * Renders the reference, checking the name.
   * @internal
   */
  public _render(scope: IConstruct, field: string): l1.TelemetrySpecTargetRefs {
    if (this.name.length === 0) {
      invalid(scope, `${field}.name`, this.name, `the ${this.kind} name is empty`, `pass the name of the ${this.kind}, e.g. TelemetryTargetRef.${this.kind.charAt(0).toLowerCase()}${this.kind.slice(1)}("bookinfo-gateway")`);
    }
    checkDns1123Subdomain(scope, `${field}.name`, this.name);
    return { group: this.group, kind: this.kind, name: this.name };
  }
}
