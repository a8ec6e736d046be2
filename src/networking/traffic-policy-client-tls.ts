import { IConstruct } from 'constructs';
import { checkHost, checkNonEmptyString, renderStrings } from '../core/checks';
import { invalid } from '../core/errors';
import { compact } from '../core/render';

/**
 * How the client proxy secures connections to the destination (`ClientTLSSettings.TLSmode`).
 */
export enum ClientTlsMode {
  /** Plain text: do not originate TLS. */
  DISABLE = 'DISABLE',
  /** Originate TLS and verify the server (one-way TLS). */
  SIMPLE = 'SIMPLE',
  /** Originate mutual TLS with a client certificate you provide. */
  MUTUAL = 'MUTUAL',
  /** Originate mutual TLS with Istio's workload certificates (in-mesh mTLS). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * Options of `ClientTls.istioMutual()`.
 */
export interface ClientTlsIstioMutualOptions {
  /**
   * SNI sent in the TLS handshake.
   *
   * @default - chosen by Istio
   */
  readonly sni?: string;

  /**
   * Accepted subject alternative names of the server certificate.
   *
   * @default - the destination service's identities
   */
  readonly subjectAltNames?: string[];
}

/**
 * Options of `ClientTls.simple()`: how the server certificate is verified.
 */
export interface ClientTlsSimpleOptions extends ClientTlsIstioMutualOptions {
  /**
   * Name of a Secret holding the CA certificate (key `ca.crt` or `cacert`). Cannot be
   * combined with certificate file paths.
   *
   * @default - no Secret
   */
  readonly credentialName?: string;

  /**
   * Path (in the proxy) of the CA bundle used to verify the server certificate.
   *
   * @default - the proxy's system root certificates
   */
  readonly caCertificates?: string;

  /**
   * Path (in the proxy) of a certificate revocation list.
   *
   * @default - no CRL
   */
  readonly caCrl?: string;

  /**
   * Skip verifying the server certificate's CA and SAN. Insecure: for tests only.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * Options of `ClientTls.mutual()`: give either `credentialName` or both
 * `clientCertificate` and `privateKey`.
 */
export interface ClientTlsMutualOptions extends ClientTlsSimpleOptions {
  /**
   * Path (in the proxy) of the client certificate. Requires `privateKey`.
   *
   * @default - taken from `credentialName`
   */
  readonly clientCertificate?: string;

  /**
   * Path (in the proxy) of the client certificate's private key. Requires
   * `clientCertificate`.
   *
   * @default - taken from `credentialName`
   */
  readonly privateKey?: string;
}

/**
 * Every client TLS setting, for `ClientTls.of()`.
 */
export interface ClientTlsProps extends ClientTlsMutualOptions {
  /** The TLS mode. */
  readonly mode: ClientTlsMode;
}

/**
 * TLS settings for connections to a destination (`trafficPolicy.tls`).
 *
 * @example
 * ClientTls.istioMutual();
 * ClientTls.simple({ sni: 'api.example.com' });
 * ClientTls.mutual({ credentialName: 'client-credential' });
 */
export class ClientTls {
  /**
   * Plain text: do not originate TLS.
   */
  public static disable(): ClientTls {
    return new ClientTls({ mode: ClientTlsMode.DISABLE });
  }

  /**
   * Mutual TLS with Istio's own workload certificates (the in-mesh default).
   */
  public static istioMutual(options: ClientTlsIstioMutualOptions = {}): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.ISTIO_MUTUAL });
  }

  /**
   * One-way TLS origination, verifying the server certificate.
   */
  public static simple(options: ClientTlsSimpleOptions = {}): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.SIMPLE });
  }

  /**
   * Mutual TLS with a client certificate from a Secret (`credentialName`) or from files
   * (`clientCertificate` + `privateKey`).
   */
  public static mutual(options: ClientTlsMutualOptions): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.MUTUAL });
  }

  /**
   * Any mode with any settings, e.g. when the mode comes from configuration. The
   * combination is validated when the policy is used.
   */
  public static of(props: ClientTlsProps): ClientTls {
    return new ClientTls({ ...props });
  }

  /** The TLS mode. */
  public readonly mode: ClientTlsMode;

  private constructor(private readonly props: ClientTlsProps) {
    this.mode = props.mode;
  }

  /**
   * Renders `tls`, validating the combination in the context of `scope`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: unknown } {
    const p = this.props;
    const files = compact({ clientCertificate: p.clientCertificate, privateKey: p.privateKey, caCertificates: p.caCertificates, caCrl: p.caCrl });
    const fileNames = Object.keys(files);
    checkNonEmptyString(scope, `${field}.credentialName`, p.credentialName, 'name the Secret, e.g. "client-credential"');
    checkNonEmptyString(scope, `${field}.sni`, p.sni, 'give the server name, e.g. "api.example.com"');
    // a Secret name is a DNS-1123 subdomain (a "<namespace>/<name>" or "file-..." form is istiod's own)
    if (p.credentialName !== undefined && !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(p.credentialName)) {
      invalid(scope, `${field}.credentialName`, p.credentialName, 'it names a Secret, and Secret names are lower-case DNS subdomains', `write "${p.credentialName.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}"`);
    }
    if (p.sni !== undefined && p.sni.length > 0) checkHost(scope, `${field}.sni`, p.sni);
    for (const [k, v] of Object.entries(files)) {
      checkNonEmptyString(scope, `${field}.${k}`, v as string, 'give an absolute path, e.g. "/etc/certs/client.pem"');
    }
    switch (p.mode) {
      case ClientTlsMode.DISABLE: {
        const others = {
          ...files,
          credentialName: p.credentialName,
          sni: p.sni,
          subjectAltNames: p.subjectAltNames,
          insecureSkipVerify: p.insecureSkipVerify,
        };
        const extra = Object.keys(compact(others));
        if (extra.length > 0) {
          invalid(scope, `${field}.${extra[0]}`, (p as unknown as { [k: string]: unknown })[extra[0]], 'TLS mode DISABLE takes no other TLS settings', 'remove the TLS settings or choose SIMPLE, MUTUAL or ISTIO_MUTUAL');
        }
        break;
      }
      case ClientTlsMode.ISTIO_MUTUAL: {
        const extra = Object.keys(compact({ ...files, credentialName: p.credentialName, insecureSkipVerify: p.insecureSkipVerify }));
        if (extra.length > 0) {
          invalid(scope, `${field}.${extra[0]}`, (p as unknown as { [k: string]: unknown })[extra[0]], 'ISTIO_MUTUAL uses Istio\'s own workload certificates and must not carry certificate files, a credentialName or insecureSkipVerify', 'remove them, or use ClientTls.mutual(...) to present your own certificate');
        }
        break;
      }
      case ClientTlsMode.SIMPLE:
      case ClientTlsMode.MUTUAL: {
        if (p.credentialName !== undefined && fileNames.length > 0) {
          invalid(scope, `${field}.${fileNames[0]}`, (files as { [k: string]: unknown })[fileNames[0]], 'certificate files cannot be combined with credentialName (the Secret provides them)', 'use either credentialName or the certificate file paths');
        }
        if (p.mode === ClientTlsMode.SIMPLE && (p.clientCertificate !== undefined || p.privateKey !== undefined)) {
          invalid(scope, `${field}.clientCertificate`, p.clientCertificate ?? p.privateKey, 'SIMPLE TLS does not present a client certificate', 'use ClientTls.mutual(...) for mutual TLS, or remove clientCertificate/privateKey');
        }
        if (p.mode === ClientTlsMode.MUTUAL && p.credentialName === undefined && (p.clientCertificate === undefined || p.privateKey === undefined)) {
          invalid(scope, `${field}`, compact({ clientCertificate: p.clientCertificate, privateKey: p.privateKey }), 'MUTUAL TLS needs a client certificate: credentialName, or both clientCertificate and privateKey', 'set credentialName: "<secret>" or clientCertificate and privateKey');
        }
        const verification = p.caCertificates !== undefined || p.subjectAltNames !== undefined
          || (p.mode === ClientTlsMode.SIMPLE && p.credentialName !== undefined);
        if (p.insecureSkipVerify && verification) {
          invalid(scope, `${field}.insecureSkipVerify`, true, 'it disables the very verification that caCertificates, subjectAltNames (or, for SIMPLE, credentialName) configure', 'drop insecureSkipVerify (preferred) or the verification settings');
        }
        break;
      }
      default:
        invalid(scope, `${field}.mode`, p.mode, 'unknown TLS mode', 'use a ClientTlsMode value');
    }
    return compact({
      mode: p.mode,
      credentialName: p.credentialName,
      clientCertificate: p.clientCertificate,
      privateKey: p.privateKey,
      caCertificates: p.caCertificates,
      caCrl: p.caCrl,
      sni: p.sni,
      subjectAltNames: renderStrings(scope, `${field}.subjectAltNames`, p.subjectAltNames, 'give a SAN such as "spiffe://cluster.local/ns/default/sa/reviews"'),
      insecureSkipVerify: p.insecureSkipVerify,
    });
  }
}
