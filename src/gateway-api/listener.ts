import { IConstruct } from 'constructs';
import { GatewayApiAllowedRoutes } from './allowed-routes';
import { checkGatewayApiHostname, HBONE_PORT } from './internal';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Label, checkDns1123Subdomain, checkLength, checkMaxItems, checkPort } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * Protocol of a Gateway API listener.
 */
export enum GatewayApiProtocol {
  /** Plain-text HTTP (HTTPRoute, GRPCRoute). */
  HTTP = 'HTTP',
  /** HTTP over TLS terminated at the gateway. */
  HTTPS = 'HTTPS',
  /** TLS, terminated or passed through by SNI (TLSRoute, TCPRoute). */
  TLS = 'TLS',
  /** Opaque TCP (TCPRoute). */
  TCP = 'TCP',
  /**
   * Istio's HTTP-based overlay network (HTTP CONNECT over mTLS) on port 15008: the listener
   * of an ambient waypoint (`istio-waypoint` class) or east-west gateway. See `Waypoint`.
   */
  HBONE = 'HBONE',
}

/**
 * TLS handling of a Gateway API listener.
 */
export enum GatewayApiTlsMode {
  /** Terminate TLS at the gateway with the listener's certificates. */
  TERMINATE = 'Terminate',
  /** Forward TLS untouched; the backend terminates it (routing by SNI). */
  PASSTHROUGH = 'Passthrough',
}

/**
 * A certificate (Secret) used by a TLS-terminating listener.
 */
export interface GatewayApiCertificateRef {
  /** Name of the `kubernetes.io/tls` Secret. */
  readonly name: string;

  /**
   * Namespace of the Secret. A Secret in another namespace needs a ReferenceGrant there.
   *
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;
}

/**
 * TLS settings of a listener built with `new GatewayApiListener(...)`.
 */
export interface GatewayApiListenerTls {
  /**
   * Terminate or pass through.
   *
   * @default GatewayApiTlsMode.TERMINATE
   */
  readonly mode?: GatewayApiTlsMode;

  /**
   * Certificates for termination (at least one for TERMINATE).
   *
   * @default - none
   */
  readonly certificateRefs?: GatewayApiCertificateRef[];

  /**
   * Implementation-specific TLS options (at most 16).
   *
   * @default - none
   */
  readonly options?: { [key: string]: string };
}

/**
 * Options shared by the listener factories.
 */
export interface GatewayApiListenerBaseOptions {
  /**
   * Listener name, unique within the Gateway; routes select it with `sectionName`.
   *
   * @default - the protocol in lower case on its standard port (`http` on 80, `https`/`tls` on 443), else `<protocol>-<port>`
   */
  readonly name?: string;

  /**
   * Hostname the listener serves (`bookinfo.example.com` or `*.example.com`).
   *
   * @default - every hostname
   */
  readonly hostname?: string;

  /**
   * Which routes may attach.
   *
   * @default - routes in the Gateway's namespace (`Same`)
   */
  readonly allowedRoutes?: GatewayApiAllowedRoutes;
}

/**
 * Options of `GatewayApiListener.http()`.
 */
export interface GatewayApiHttpListenerOptions extends GatewayApiListenerBaseOptions {
  /**
   * Port.
   *
   * @default 80
   */
  readonly port?: number;
}

/**
 * Options of `GatewayApiListener.https()` and `GatewayApiListener.tlsTerminate()`.
 */
export interface GatewayApiHttpsListenerOptions extends GatewayApiListenerBaseOptions {
  /**
   * Port.
   *
   * @default 443
   */
  readonly port?: number;

  /** The certificates (Secrets) to terminate TLS with; at least one. */
  readonly certificateRefs: GatewayApiCertificateRef[];

  /**
   * Implementation-specific TLS options.
   *
   * @default - none
   */
  readonly tlsOptions?: { [key: string]: string };
}

/**
 * Options of `GatewayApiListener.tlsPassthrough()`.
 */
export interface GatewayApiPassthroughListenerOptions extends GatewayApiListenerBaseOptions {
  /**
   * Port.
   *
   * @default 443
   */
  readonly port?: number;
}

/**
 * Options of `GatewayApiListener.tcp()`.
 */
export interface GatewayApiTcpListenerOptions {
  /** Port. */
  readonly port: number;

  /**
   * Listener name.
   *
   * @default "tcp-<port>"
   */
  readonly name?: string;

  /**
   * Which routes may attach.
   *
   * @default - routes in the Gateway's namespace (`Same`)
   */
  readonly allowedRoutes?: GatewayApiAllowedRoutes;
}

/**
 * Properties of a listener built with `new GatewayApiListener(...)`.
 */
export interface GatewayApiListenerProps extends GatewayApiListenerBaseOptions {
  /** Port, 1-65535. */
  readonly port: number;

  /** Protocol. */
  readonly protocol: GatewayApiProtocol;

  /**
   * TLS settings (HTTPS and TLS listeners only).
   *
   * @default - no TLS
   */
  readonly tls?: GatewayApiListenerTls;
}

/**
 * Options of `GatewayApiListener.hbone()`.
 */
export interface GatewayApiHboneListenerOptions {
  /**
   * Listener name.
   *
   * @default "hbone-<port>"
   */
  readonly name?: string;

  /**
   * Port.
   *
   * @default 15008
   */
  readonly port?: number;

  /**
   * Which namespaces may use the waypoint (routes and `istio.io/use-waypoint` labels from
   * other namespaces are only honoured when they may attach).
   *
   * @default - the Gateway's own namespace (`Same`)
   */
  readonly allowedRoutes?: GatewayApiAllowedRoutes;
}

const STANDARD_PORTS: { [protocol: string]: number } = { HTTP: 80, HTTPS: 443, TLS: 443 };

/**
 * A listener of a Gateway API Gateway: a port, protocol, optional hostname and TLS, and the
 * routes it admits.
 *
 * `GatewayApiListener.http()`, `.https({ certificateRefs })`, `.tlsTerminate({ certificateRefs })`,
 * `.tlsPassthrough()`, `.tcp({ port })`. Checked when added to a Gateway.
 */
export class GatewayApiListener {
  /** A plain-HTTP listener (port 80 by default). */
  public static http(options: GatewayApiHttpListenerOptions = {}): GatewayApiListener {
    return new GatewayApiListener({ ...options, port: options.port ?? 80, protocol: GatewayApiProtocol.HTTP });
  }

  /** An HTTPS listener terminating TLS with the given certificates (port 443 by default). */
  public static https(options: GatewayApiHttpsListenerOptions): GatewayApiListener {
    const { certificateRefs, tlsOptions, port, ...base } = options;
    return new GatewayApiListener({
      ...base,
      port: port ?? 443,
      protocol: GatewayApiProtocol.HTTPS,
      tls: { mode: GatewayApiTlsMode.TERMINATE, certificateRefs, options: tlsOptions },
    });
  }

  /** A TLS listener terminating TLS for TCP/TLS routes (port 443 by default). */
  public static tlsTerminate(options: GatewayApiHttpsListenerOptions): GatewayApiListener {
    const { certificateRefs, tlsOptions, port, ...base } = options;
    return new GatewayApiListener({
      ...base,
      port: port ?? 443,
      protocol: GatewayApiProtocol.TLS,
      tls: { mode: GatewayApiTlsMode.TERMINATE, certificateRefs, options: tlsOptions },
    });
  }

  /** A TLS listener passing connections through untouched, routed by SNI (port 443 by default). */
  public static tlsPassthrough(options: GatewayApiPassthroughListenerOptions = {}): GatewayApiListener {
    return new GatewayApiListener({
      ...options,
      port: options.port ?? 443,
      protocol: GatewayApiProtocol.TLS,
      tls: { mode: GatewayApiTlsMode.PASSTHROUGH },
    });
  }

  /** An opaque TCP listener. */
  public static tcp(options: GatewayApiTcpListenerOptions): GatewayApiListener {
    return new GatewayApiListener({ ...options, protocol: GatewayApiProtocol.TCP });
  }

  /**
   * Istio's HBONE listener (port 15008 by default), only on a Gateway of class
   * `istio-waypoint` or `istio-east-west`. For a waypoint use the `Waypoint` construct.
   */
  public static hbone(options: GatewayApiHboneListenerOptions = {}): GatewayApiListener {
    return new GatewayApiListener({ ...options, port: options.port ?? HBONE_PORT, protocol: GatewayApiProtocol.HBONE });
  }

  /** Listener name. */
  public readonly name: string;
  /** Port. */
  public readonly port: number;
  /** Protocol. */
  public readonly protocol: GatewayApiProtocol;
  /** Hostname, if any. */
  public readonly hostname?: string;
  /** TLS settings, if any. */
  public readonly tls?: GatewayApiListenerTls;
  /** Which routes may attach, if set. */
  public readonly allowedRoutes?: GatewayApiAllowedRoutes;

  public constructor(props: GatewayApiListenerProps) {
    this.port = props.port;
    this.protocol = props.protocol;
    const proto = String(props.protocol).toLowerCase();
    this.name = props.name ?? (STANDARD_PORTS[props.protocol] === props.port ? proto : `${proto}-${props.port}`);
    this.hostname = props.hostname;
    this.tls = props.tls ? { ...props.tls, certificateRefs: props.tls.certificateRefs ? [...props.tls.certificateRefs] : undefined } : undefined;
    this.allowedRoutes = props.allowedRoutes;
  }

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (this.name.length > 253) checkLength(scope, `${field}.name`, this.name, 1, 253);
    checkDns1123Subdomain(scope, `${field}.name`, this.name);
    checkPort(scope, `${field}.port`, this.port);
    if (!Object.values(GatewayApiProtocol).includes(this.protocol)) {
      invalid(scope, `${field}.protocol`, this.protocol, 'it is not a listener protocol Istio supports', 'use GatewayApiProtocol.HTTP, HTTPS, TLS, TCP or HBONE');
    }
    if (this.protocol === GatewayApiProtocol.HBONE) {
      if (this.hostname !== undefined) invalid(scope, `${field}.hostname`, this.hostname, 'an HBONE listener carries tunnelled connections for any host', 'drop `hostname`');
      if (this.tls) invalid(scope, `${field}.tls`, this.tls.mode ?? GatewayApiTlsMode.TERMINATE, 'HBONE brings its own mTLS', 'drop the TLS settings');
      return;
    }
    if (this.hostname !== undefined) {
      if (this.protocol === GatewayApiProtocol.TCP) {
        invalid(scope, `${field}.hostname`, this.hostname, 'TCP carries no hostname to match', 'drop `hostname`, or use a TLS listener (matched by SNI)');
      }
      checkGatewayApiHostname(scope, `${field}.hostname`, this.hostname);
    }
    const tls = this.tls;
    if (this.protocol === GatewayApiProtocol.HTTP || this.protocol === GatewayApiProtocol.TCP) {
      if (tls) invalid(scope, `${field}.tls`, tls.mode ?? GatewayApiTlsMode.TERMINATE, `a ${this.protocol} listener must not have TLS settings`, 'use GatewayApiListener.https() or .tlsTerminate() for TLS');
      return;
    }
    if (!tls) {
      invalid(scope, `${field}.tls`, undefined, `a ${this.protocol} listener needs TLS settings`, this.protocol === GatewayApiProtocol.HTTPS
        ? 'use GatewayApiListener.https({ certificateRefs: [{ name: \'my-cert\' }] })'
        : 'use GatewayApiListener.tlsPassthrough() or GatewayApiListener.tlsTerminate({ certificateRefs })');
    }
    const mode = tls.mode ?? GatewayApiTlsMode.TERMINATE;
    if (this.protocol === GatewayApiProtocol.HTTPS && mode !== GatewayApiTlsMode.TERMINATE) {
      invalid(scope, `${field}.tls.mode`, mode, 'an HTTPS listener must terminate TLS', 'use GatewayApiListener.tlsPassthrough() (protocol TLS) to pass TLS through');
    }
    const refs = tls.certificateRefs ?? [];
    const options = Object.keys(tls.options ?? {});
    if (mode === GatewayApiTlsMode.TERMINATE && refs.length === 0 && options.length === 0) {
      invalid(scope, `${field}.tls.certificateRefs`, refs, 'a listener that terminates TLS needs a certificate', 'pass `certificateRefs: [{ name: \'<kubernetes.io/tls Secret>\' }]`');
    }
    if (mode === GatewayApiTlsMode.PASSTHROUGH && refs.length > 0) {
      invalid(scope, `${field}.tls.certificateRefs`, refs.map((r) => r.name), 'a passthrough listener does not terminate TLS, so it uses no certificate', 'drop `certificateRefs`, or terminate with GatewayApiListener.tlsTerminate()');
    }
    checkMaxItems(scope, `${field}.tls.certificateRefs`, refs.length, 64, 'reference fewer certificates');
    checkMaxItems(scope, `${field}.tls.options`, options.length, 16, 'set fewer TLS options');
    refs.forEach((ref, i) => {
      checkLength(scope, `${field}.tls.certificateRefs[${i}].name`, ref.name, 1, 253);
      checkDns1123Label(scope, `${field}.tls.certificateRefs[${i}].namespace`, ref.namespace);
    });
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.GatewaySpecListeners {
    const tls = this.tls;
    return {
      name: this.name,
      hostname: this.hostname,
      port: this.port,
      protocol: this.protocol,
      tls: tls ? {
        mode: (tls.mode ?? GatewayApiTlsMode.TERMINATE) as string as l1.GatewaySpecListenersTlsMode,
        certificateRefs: tls.certificateRefs?.length ? tls.certificateRefs.map((r) => ({ name: r.name, namespace: r.namespace })) : undefined,
        options: tls.options && Object.keys(tls.options).length ? { ...tls.options } : undefined,
      } : undefined,
      allowedRoutes: this.allowedRoutes?._render(scope, `${field}.allowedRoutes`),
    };
  }
}
