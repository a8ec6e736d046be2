import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayApiAddress, GatewayApiAddressType } from './address';
import { HBONE_PORT, WAYPOINT_CLASS } from './internal';
import { GatewayApiListener, GatewayApiProtocol } from './listener';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkLength, checkMaxItems } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

/** The Istio gateway classes that serve HBONE listeners. */
const HBONE_CLASSES = [WAYPOINT_CLASS, 'istio-east-west'];

/**
 * Properties of a `GatewayApiGateway`.
 */
export interface GatewayApiGatewayProps extends IstioResourceProps {
  /**
   * The GatewayClass that implements the gateway. Istio installs `istio` (a deployed
   * gateway), `istio-waypoint` (an ambient waypoint) and `istio-remote`.
   *
   * @default "istio"
   */
  readonly gatewayClassName?: string;

  /**
   * Listeners (at least one before synthesis; more with `addListener()`).
   *
   * @default - none
   */
  readonly listeners?: GatewayApiListener[];

  /**
   * Addresses requested for the gateway.
   *
   * @default - assigned by the implementation
   */
  readonly addresses?: GatewayApiAddress[];
}

/**
 * `gateway.networking.k8s.io/v1` Gateway (Kubernetes Gateway API). With the `istio` class,
 * Istio deploys and configures a gateway for it. Attach routes with
 * `GatewayApiParentRef.fromGateway(gateway)`.
 *
 * @example
 * const gw = new GatewayApiGateway(chart, 'bookinfo-gateway', {
 *   listeners: [GatewayApiListener.http({ allowedRoutes: GatewayApiAllowedRoutes.same() })],
 * });
 */
export class GatewayApiGateway extends IstioResource {
  public readonly apiObject: l1.Gateway;

  /** The GatewayClass name. */
  public readonly gatewayClassName: string;

  private readonly _listeners: GatewayApiListener[] = [];
  private readonly _addresses: GatewayApiAddress[] = [];

  public constructor(scope: Construct, id: string, props: GatewayApiGatewayProps = {}) {
    super(scope, id);
    this.gatewayClassName = props.gatewayClassName ?? 'istio';
    checkLength(this, 'gatewayClassName', this.gatewayClassName, 1, 253);
    this.apiObject = new l1.Gateway(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const l of props.listeners ?? []) this.addListener(l);
    for (const a of props.addresses ?? []) this.addAddress(a);
    this.node.addValidation({
      validate: () => (this._listeners.length === 0
        ? ['listeners [] is invalid: a Gateway needs at least one listener. Fix: add one, e.g. gateway.addListener(GatewayApiListener.http())']
        : []),
    });
    if (this.gatewayClassName === WAYPOINT_CLASS) {
      this.node.addValidation({
        validate: () => (this._listeners.length > 0 && !this._listeners.some((l) => l.protocol === GatewayApiProtocol.HBONE && l.port === HBONE_PORT)
          ? [`listeners ${JSON.stringify(this._listeners.map((l) => `${l.protocol}/${l.port}`))} is invalid: a gateway of class istio-waypoint receives its traffic through ztunnel on the HBONE port ${HBONE_PORT}. Fix: add GatewayApiListener.hbone({ name: 'mesh' }), or use the Waypoint construct`]
          : []),
      });
    }
  }

  /** The listeners, in order. */
  public get listeners(): GatewayApiListener[] {
    return [...this._listeners];
  }

  /** The requested addresses, in order. */
  public get addresses(): GatewayApiAddress[] {
    return [...this._addresses];
  }

  /**
   * Adds a listener. Checks it at once against the CRD rules and the other listeners.
   */
  public addListener(listener: GatewayApiListener): GatewayApiGateway {
    const field = `listeners[${this._listeners.length}]`;
    checkMaxItems(this, 'listeners', this._listeners.length + 1, 64, 'split the listeners over several Gateways');
    listener._validate(this, field);
    if (listener.protocol === GatewayApiProtocol.HBONE && !HBONE_CLASSES.includes(this.gatewayClassName)) {
      invalid(this, `${field}.protocol`, listener.protocol, `HBONE listeners are served only by the gateway classes ${HBONE_CLASSES.join(' and ')}, not ${JSON.stringify(this.gatewayClassName)}`, 'use the Waypoint construct for an ambient waypoint, or an HTTP/HTTPS/TLS/TCP listener');
    }
    for (const other of this._listeners) {
      if (other.name === listener.name) {
        invalid(this, `${field}.name`, listener.name, 'listener names must be unique within a Gateway', 'pass a distinct `name`, e.g. "https-bookinfo"');
      }
      if (other.port === listener.port && other.protocol === listener.protocol && (other.hostname ?? '') === (listener.hostname ?? '')) {
        invalid(this, `${field}.hostname`, listener.hostname, `listener "${other.name}" already serves ${listener.protocol} on port ${listener.port} for ${listener.hostname ? 'this hostname' : 'all hostnames'}`, 'give each listener on a port a different `hostname`, or use one listener');
      }
    }
    this._listeners.push(listener);
    return this;
  }

  /**
   * Requests an address for the gateway.
   */
  public addAddress(address: GatewayApiAddress): GatewayApiGateway {
    const field = `addresses[${this._addresses.length}]`;
    checkMaxItems(this, 'addresses', this._addresses.length + 1, 16, 'request fewer addresses');
    address._validate(this, field);
    if (address.type !== GatewayApiAddressType.NAMED_ADDRESS && this._addresses.some((a) => a.type === address.type && a.value === address.value)) {
      invalid(this, `${field}.value`, address.value, 'the address is already requested', 'list each address once');
    }
    this._addresses.push(address);
    return this;
  }

  /**
   * The listener with this name, if any.
   * @internal
   */
  public _findListener(name: string): GatewayApiListener | undefined {
    return this._listeners.find((l) => l.name === name);
  }

  private renderSpec(): l1.GatewaySpec {
    return {
      gatewayClassName: this.gatewayClassName,
      listeners: this._listeners.map((l, i) => l._render(this, `listeners[${i}]`)),
      addresses: this._addresses.length ? this._addresses.map((a) => a._render()) : undefined,
    };
  }
}
