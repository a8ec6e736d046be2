import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { checkGatewayApiHostname } from './internal';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkLength } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * Kind of a requested Gateway API address.
 */
export enum GatewayApiAddressType {
  /** An IPv4 or IPv6 address. */
  IP_ADDRESS = 'IPAddress',
  /** A DNS hostname. */
  HOSTNAME = 'Hostname',
  /** An implementation-specific named address (e.g. a named IP pool). */
  NAMED_ADDRESS = 'NamedAddress',
}

/**
 * An address requested for a Gateway API Gateway (`spec.addresses`).
 */
export class GatewayApiAddress {
  /** A specific IPv4 or IPv6 address, e.g. "10.0.0.10". */
  public static ipAddress(value: string): GatewayApiAddress {
    return new GatewayApiAddress(GatewayApiAddressType.IP_ADDRESS, value);
  }

  /** A hostname, e.g. "gw.example.com". */
  public static hostname(value: string): GatewayApiAddress {
    return new GatewayApiAddress(GatewayApiAddressType.HOSTNAME, value);
  }

  /**
   * An implementation-specific named address. For Istio, the name of an existing
   * Service to use instead of deploying one (e.g. "istio-ingressgateway.istio-system.svc.cluster.local").
   */
  public static named(value: string): GatewayApiAddress {
    return new GatewayApiAddress(GatewayApiAddressType.NAMED_ADDRESS, value);
  }

  private constructor(
    /** Kind of address. */
    public readonly type: GatewayApiAddressType,
    /** The address. */
    public readonly value: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    checkLength(scope, `${field}.value`, this.value, 1, 253);
    if (this.type === GatewayApiAddressType.IP_ADDRESS && isIP(this.value) === 0) {
      invalid(scope, `${field}.value`, this.value, 'it is not an IPv4 or IPv6 address', 'use e.g. "10.0.0.10", or GatewayApiAddress.hostname() for a DNS name');
    }
    if (this.type === GatewayApiAddressType.HOSTNAME) checkGatewayApiHostname(scope, `${field}.value`, this.value);
  }

  /** @internal */
  public _render(): l1.GatewaySpecAddresses {
    return { type: this.type, value: this.value };
  }
}
