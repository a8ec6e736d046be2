import { isIP } from 'net';
import { IConstruct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { checkHost, checkNonEmpty, checkPort } from '../core/checks';
import { invalid } from '../core/errors';
import { Protocol } from '../core/protocol';

/**
 * How a Gateway server handles TLS (Istio's `ServerTLSSettings.TLSmode`).
 */
export enum ServerTlsMode {
  /** Forward the connection untouched; the backend terminates TLS (routing by SNI). */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Terminate TLS with a server certificate (one-way TLS). */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate (mutual TLS). */
  MUTUAL = 'MUTUAL',
  /** Route by SNI to mesh services without a VirtualService (east-west gateways, port 15443). */
  AUTO_PASSTHROUGH = 'AUTO_PASSTHROUGH',
  /** Terminate with Istio's own workload certificates (mesh-internal clients only). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
  /** Like MUTUAL, but a client certificate is optional. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * A TLS protocol version bound for a Gateway server.
 */
export enum ServerTlsProtocolVersion {
  /** Let Envoy choose. */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0. */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1. */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/**
 * Certificate and cipher settings of a TLS-terminating Gateway server.
 */
export interface ServerCertificateOptions {
  /**
   * Name of the Kubernetes Secret (in the gateway's namespace) holding the certificate,
   * key and, for MUTUAL, the CA certificate (`ca.crt` or a `<name>-cacert` Secret).
   *
   * @default - none; then `serverCertificate` and `privateKey` must be given for SIMPLE/MUTUAL
   */
  readonly credentialName?: string;

  /**
   * Path of the server certificate file mounted in the gateway pod.
   *
   * @default - none (use `credentialName`)
   */
  readonly serverCertificate?: string;

  /**
   * Path of the private key file mounted in the gateway pod.
   *
   * @default - none (use `credentialName`)
   */
  readonly privateKey?: string;

  /**
   * Path of the CA bundle used to verify client certificates (MUTUAL with files).
   *
   * @default - none
   */
  readonly caCertificates?: string;

  /**
   * Accepted client certificate subject alternative names (MUTUAL).
   *
   * @default - any client certificate signed by the CA
   */
  readonly subjectAltNames?: string[];

  /**
   * Allowed cipher suites, e.g. `ECDHE-RSA-AES256-GCM-SHA384`.
   *
   * @default - Envoy's default cipher suites
   */
  readonly cipherSuites?: string[];

  /**
   * Lowest TLS version accepted.
   *
   * @default - TLS 1.2 (Envoy's default)
   */
  readonly minProtocolVersion?: ServerTlsProtocolVersion;

  /**
   * Highest TLS version accepted.
   *
   * @default - TLS 1.3 (Envoy's default)
   */
  readonly maxProtocolVersion?: ServerTlsProtocolVersion;
}

/**
 * TLS settings of a Gateway server.
 */
export interface ServerTlsOptions extends ServerCertificateOptions {
  /** How the server handles TLS. */
  readonly mode: ServerTlsMode;
}

/**
 * Properties shared by every Gateway server.
 */
export interface ServerBaseOptions {
  /**
   * Hosts exposed by the server: `"bookinfo.example.com"`, `"*.example.com"`, `"*"`, or
   * namespace-qualified as `<namespace>/<host>` (e.g. `"prod/api.example.com"`), where the
   * namespace may also be `.` (the gateway's own) or `*` (any).
   */
  readonly hosts: string[];

  /**
   * Name of the server port (Istio requires names unique within a Gateway).
   *
   * @default - the protocol in lower case on its standard port (`http` on 80, `https`/`tls` on 443),
   * else `<protocol>-<port>` (e.g. `http-8080`)
   */
  readonly portName?: string;

  /**
   * Name of the server, reported in stats (unique within the Gateway).
   *
   * @default - no name
   */
  readonly name?: string;

  /**
   * IP address or Unix domain socket (`unix://...`) the listener binds to.
   *
   * @default - all addresses of the gateway pod
   */
  readonly bind?: string;
}

/**
 * Options of `Server.http()`.
 */
export interface HttpServerOptions extends ServerBaseOptions {
  /**
   * Port number.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * Answer every plain-HTTP request with a 301 redirect to HTTPS.
   *
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

/**
 * Options of `Server.https()` and `Server.tlsTerminate()`.
 */
export interface HttpsServerOptions extends ServerBaseOptions, ServerCertificateOptions {
  /**
   * Port number.
   *
   * @default 443
   */
  readonly port?: number;

  /**
   * TLS mode: SIMPLE, MUTUAL, OPTIONAL_MUTUAL or ISTIO_MUTUAL.
   *
   * @default ServerTlsMode.SIMPLE
   */
  readonly mode?: ServerTlsMode;
}

/**
 * Options of `Server.tlsPassthrough()`.
 */
export interface PassthroughServerOptions extends ServerBaseOptions {
  /**
   * Port number.
   *
   * @default 443
   */
  readonly port?: number;
}

/**
 * Options of `Server.autoPassthrough()`.
 */
export interface AutoPassthroughServerOptions {
  /**
   * Hosts reachable through the gateway.
   *
   * @default ["*.local"]
   */
  readonly hosts?: string[];

  /**
   * Port number.
   *
   * @default 15443
   */
  readonly port?: number;

  /**
   * Name of the server port.
   *
   * @default "tls"
   */
  readonly portName?: string;
}

/**
 * Options of `Server.tcp()`.
 */
export interface TcpServerOptions extends ServerBaseOptions {
  /** Port number. */
  readonly port: number;
}

/**
 * Properties of a Gateway server built with `new Server(...)`.
 */
export interface ServerProps extends ServerBaseOptions {
  /** Port number, 1-65535. */
  readonly port: number;

  /** Protocol of the port. */
  readonly protocol: Protocol;

  /**
   * TLS settings. Required for HTTPS and TLS servers.
   *
   * @default - no TLS
   */
  readonly tls?: ServerTlsOptions;

  /**
   * Answer every plain-HTTP request with a 301 redirect to HTTPS (HTTP servers only).
   *
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

const STANDARD_PORTS: { [protocol: string]: number } = { HTTP: 80, HTTPS: 443, TLS: 443 };
const TLS_PROTOCOLS = new Set<string>([Protocol.HTTPS, Protocol.TLS]);
const HTTP_PROTOCOLS = new Set<string>([Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC]);
const VERSION_ORDER = [
  ServerTlsProtocolVersion.TLSV1_0,
  ServerTlsProtocolVersion.TLSV1_1,
  ServerTlsProtocolVersion.TLSV1_2,
  ServerTlsProtocolVersion.TLSV1_3,
];

/**
 * One server (listener) of an Istio Gateway: a port, its protocol, the hosts it exposes and
 * its TLS settings.
 *
 * Use the factories for the usual shapes:
 * `Server.http({ hosts, httpsRedirect })`, `Server.https({ hosts, credentialName })`,
 * `Server.tlsTerminate({ hosts, credentialName })`, `Server.tlsPassthrough({ hosts })`, `Server.tcp({ hosts, port })`, `Server.autoPassthrough()`.
 * The server is checked when it is added to a Gateway, so errors name the Gateway.
 */
export class Server {
  /**
   * A plain-HTTP server (port 80 by default), optionally redirecting everything to HTTPS.
   */
  public static http(options: HttpServerOptions): Server {
    return new Server({ ...options, port: options.port ?? 80, protocol: Protocol.HTTP });
  }

  /**
   * An HTTPS server terminating TLS (port 443, mode SIMPLE by default) with the certificate
   * from `credentialName` (a Kubernetes Secret) or mounted files.
   */
  public static https(options: HttpsServerOptions): Server {
    return Server.terminating(Protocol.HTTPS, options);
  }

  /**
   * A TLS server terminating TLS for opaque TCP traffic (port 443, mode SIMPLE by default).
   */
  public static tlsTerminate(options: HttpsServerOptions): Server {
    return Server.terminating(Protocol.TLS, options);
  }

  /**
   * A TLS server that forwards connections untouched, routed by SNI (port 443): the backend
   * terminates TLS. Route it with a VirtualService `tls` route.
   */
  public static tlsPassthrough(options: PassthroughServerOptions): Server {
    return new Server({
      ...options,
      port: options.port ?? 443,
      protocol: Protocol.TLS,
      tls: { mode: ServerTlsMode.PASSTHROUGH },
    });
  }

  /**
   * The east-west (multi-network) gateway server: `AUTO_PASSTHROUGH` on port 15443 for
   * `*.local` hosts.
   */
  public static autoPassthrough(options: AutoPassthroughServerOptions = {}): Server {
    return new Server({
      hosts: options.hosts ?? ['*.local'],
      port: options.port ?? 15443,
      portName: options.portName ?? 'tls',
      protocol: Protocol.TLS,
      tls: { mode: ServerTlsMode.AUTO_PASSTHROUGH },
    });
  }

  /**
   * An opaque TCP server.
   */
  public static tcp(options: TcpServerOptions): Server {
    return new Server({ ...options, protocol: Protocol.TCP });
  }

  private static terminating(protocol: Protocol, options: HttpsServerOptions): Server {
    const { mode, port, hosts, portName, name, bind, ...cert } = options;
    return new Server({ hosts, portName, name, bind, port: port ?? 443, protocol, tls: { ...cert, mode: mode ?? ServerTlsMode.SIMPLE } });
  }

  /** Port number. */
  public readonly port: number;
  /** Protocol of the port. */
  public readonly protocol: Protocol;
  /** Name of the port. */
  public readonly portName: string;
  /** Hosts exposed by the server. */
  public readonly hosts: string[];
  /** TLS settings, if any. */
  public readonly tls?: ServerTlsOptions;
  /** Whether plain HTTP is redirected to HTTPS. */
  public readonly httpsRedirect: boolean;
  /** Name of the server, if any. */
  public readonly name?: string;
  /** Bind address, if any. */
  public readonly bind?: string;

  public constructor(props: ServerProps) {
    this.port = props.port;
    this.protocol = props.protocol;
    const standard = STANDARD_PORTS[props.protocol] === props.port;
    this.portName = props.portName ?? (standard ? props.protocol.toLowerCase() : `${props.protocol.toLowerCase()}-${props.port}`);
    this.hosts = [...props.hosts];
    this.tls = props.tls ? { ...props.tls } : undefined;
    this.httpsRedirect = props.httpsRedirect ?? false;
    this.name = props.name;
    this.bind = props.bind;
  }

  /**
   * Checks the server on behalf of the Gateway it is added to; throws through `invalid()`.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    checkPort(scope, `${field}.port.number`, this.port);
    if (!Object.values(Protocol).includes(this.protocol)) {
      invalid(scope, `${field}.port.protocol`, this.protocol, 'it is not a protocol Istio knows', 'use a value of the Protocol enum, e.g. Protocol.HTTPS');
    }
    if (this.portName.length === 0) {
      invalid(scope, `${field}.port.name`, this.portName, 'Istio requires every server port to have a name', 'pass `portName`, e.g. "https-bookinfo"');
    }
    checkNonEmpty(scope, `${field}.hosts`, this.hosts, 'list at least one host the server exposes, e.g. "bookinfo.example.com" or "*"');
    for (const host of this.hosts) validateServerHost(scope, `${field}.hosts`, host);
    if (this.name !== undefined && this.name.trim().length === 0) {
      invalid(scope, `${field}.name`, this.name, 'a server name must not be empty', 'omit `name` or give a unique name such as "bookinfo-https"');
    }
    if (this.bind !== undefined && isIP(this.bind) === 0 && !this.bind.startsWith('unix://')) {
      invalid(scope, `${field}.bind`, this.bind, 'bind must be an IP address or a Unix domain socket', 'use e.g. "0.0.0.0", "::" or "unix:///var/run/gw.sock"');
    }
    this.validateTls(scope, field);
  }

  /** @internal */
  public _render(): l1.GatewaySpecServers {
    let tls: l1.GatewaySpecServersTls | undefined;
    if (this.tls || this.httpsRedirect) {
      const t = this.tls;
      tls = {
        httpsRedirect: this.httpsRedirect || undefined,
        mode: t?.mode as string as l1.GatewaySpecServersTlsMode | undefined,
        credentialName: t?.credentialName,
        serverCertificate: t?.serverCertificate,
        privateKey: t?.privateKey,
        caCertificates: t?.caCertificates,
        subjectAltNames: t?.subjectAltNames?.length ? [...t.subjectAltNames] : undefined,
        cipherSuites: t?.cipherSuites?.length ? [...t.cipherSuites] : undefined,
        minProtocolVersion: t?.minProtocolVersion as string as l1.GatewaySpecServersTlsMinProtocolVersion | undefined,
        maxProtocolVersion: t?.maxProtocolVersion as string as l1.GatewaySpecServersTlsMaxProtocolVersion | undefined,
      };
    }
    return {
      port: { number: this.port, name: this.portName, protocol: this.protocol },
      hosts: [...this.hosts],
      tls,
      bind: this.bind,
      name: this.name,
    };
  }

  private validateTls(scope: IConstruct, field: string): void {
    const tls = this.tls;
    const isTlsProtocol = TLS_PROTOCOLS.has(this.protocol);
    if (this.httpsRedirect && !HTTP_PROTOCOLS.has(this.protocol)) {
      invalid(scope, `${field}.tls.httpsRedirect`, true, `httpsRedirect redirects plain-text HTTP, but this server speaks ${this.protocol}`, 'set `httpsRedirect` on the port-80 HTTP server (Server.http({ hosts, httpsRedirect: true }))');
    }
    if (isTlsProtocol && !tls) {
      invalid(scope, `${field}.tls`, undefined, `a ${this.protocol} server needs TLS settings`, 'use Server.https({ hosts, credentialName }) or Server.tlsPassthrough({ hosts }), or pass `tls: { mode, credentialName }`');
    }
    if (!tls) return;
    if (!isTlsProtocol) {
      invalid(scope, `${field}.tls.mode`, tls.mode, `a plain ${this.protocol} server cannot carry TLS settings (only httpsRedirect)`, 'use protocol HTTPS or TLS for TLS (Server.https / Server.tlsTerminate), or drop `tls`');
    }
    const hasFiles = tls.serverCertificate !== undefined || tls.privateKey !== undefined;
    const hasCert = tls.credentialName !== undefined || hasFiles;
    switch (tls.mode) {
      case ServerTlsMode.SIMPLE:
      case ServerTlsMode.MUTUAL:
      case ServerTlsMode.OPTIONAL_MUTUAL:
        if (!hasCert) {
          invalid(scope, `${field}.tls.credentialName`, undefined, `${tls.mode} TLS terminates at the gateway and needs a server certificate`, 'pass `credentialName` (a kubernetes.io/tls Secret in the gateway namespace), or both `serverCertificate` and `privateKey`');
        }
        if (tls.credentialName !== undefined && hasFiles) {
          invalid(scope, `${field}.tls.credentialName`, tls.credentialName, 'a certificate comes either from a Secret or from files, not both', 'keep `credentialName` and drop `serverCertificate`/`privateKey`, or the reverse');
        }
        if (tls.credentialName === undefined && (tls.serverCertificate === undefined || tls.privateKey === undefined)) {
          invalid(scope, `${field}.tls.${tls.serverCertificate === undefined ? 'serverCertificate' : 'privateKey'}`, undefined, 'file-based certificates need both the certificate and the key', 'pass both `serverCertificate` and `privateKey`, or use `credentialName`');
        }
        if (tls.mode !== ServerTlsMode.SIMPLE && tls.credentialName === undefined && tls.caCertificates === undefined) {
          invalid(scope, `${field}.tls.caCertificates`, undefined, `${tls.mode} must verify client certificates against a CA`, 'pass `caCertificates` (file path) or use `credentialName` with a Secret that holds ca.crt');
        }
        if (tls.credentialName !== undefined) checkCredentialName(scope, `${field}.tls.credentialName`, tls.credentialName);
        break;
      default: {
        // PASSTHROUGH, AUTO_PASSTHROUGH, ISTIO_MUTUAL: no certificate of ours is used.
        const given = tls.credentialName ?? tls.serverCertificate ?? tls.privateKey ?? tls.caCertificates;
        if (given !== undefined) {
          invalid(scope, `${field}.tls.credentialName`, given, `${tls.mode} does not use a certificate of yours (${tls.mode === ServerTlsMode.ISTIO_MUTUAL ? 'Istio uses its own workload certificates' : 'the backend terminates TLS'})`, 'drop the certificate settings, or use mode SIMPLE/MUTUAL (Server.tlsTerminate) to terminate TLS at the gateway');
        }
        if (tls.mode === ServerTlsMode.AUTO_PASSTHROUGH && this.protocol !== Protocol.TLS) {
          invalid(scope, `${field}.port.protocol`, this.protocol, 'AUTO_PASSTHROUGH routes by SNI and needs protocol TLS', 'use Server.autoPassthrough()');
        }
      }
    }
    for (const s of tls.cipherSuites ?? []) {
      if (s.trim().length === 0) invalid(scope, `${field}.tls.cipherSuites`, s, 'a cipher suite name must not be empty', 'use names such as "ECDHE-RSA-AES256-GCM-SHA384"');
    }
    const min = VERSION_ORDER.indexOf(tls.minProtocolVersion as ServerTlsProtocolVersion);
    const max = VERSION_ORDER.indexOf(tls.maxProtocolVersion as ServerTlsProtocolVersion);
    if (min >= 0 && max >= 0 && min > max) {
      invalid(scope, `${field}.tls.minProtocolVersion`, tls.minProtocolVersion, `it is above maxProtocolVersion ${tls.maxProtocolVersion}`, 'lower minProtocolVersion or raise maxProtocolVersion');
    }
  }
}

function validateServerHost(scope: IConstruct, field: string, host: string): void {
  const slash = host.indexOf('/');
  if (slash < 0) {
    checkHost(scope, field, host);
    return;
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns !== '*' && ns !== '.' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) {
    invalid(scope, field, host, `the namespace part "${ns}" must be "*", "." or a namespace name`, 'write "<namespace>/<host>", e.g. "prod/api.example.com", "./api.example.com" or "*/api.example.com"');
  }
  checkHost(scope, field, name);
}

function checkCredentialName(scope: IConstruct, field: string, value: string): void {
  // A Secret name, optionally with a `<type>://` prefix (e.g. `kubernetes-gateway://ns/name`).
  const bare = value.includes('://') ? value.slice(value.indexOf('://') + 3) : value;
  if (bare.length === 0 || bare.length > 253 || !/^[a-z0-9]([-a-z0-9./]*[a-z0-9])?$/.test(bare)) {
    invalid(scope, field, value, 'it must be the name of a Kubernetes Secret', 'use the Secret name, e.g. "bookinfo-cert"');
  }
}
