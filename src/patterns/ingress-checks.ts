// Input checks of MeshIngress: hosts, TLS, and how Gateway API prefixes cover paths.
import { IConstruct } from 'constructs';
import { checkDns1123Subdomain, checkNonEmpty } from '../core/checks';
import { invalid } from '../core/errors';
import { checkGatewayApiHostname } from '../gateway-api/internal';

/** The TLS settings of an ingress. */
interface MeshIngressTlsProps {
  readonly credentialName?: string;
  readonly httpsRedirect?: boolean;
  readonly plainHttp?: boolean;
}

/**
 * The host names an ingress serves, checked.
 * @internal
 */
export function checkIngressHosts(scope: IConstruct, hosts: string[] | undefined, field = 'hosts'): string[] {
  if (hosts === undefined || !Array.isArray(hosts)) {
    invalid(scope, field, hosts, 'an ingress routes requests by their Host header and needs the host names clients use', 'pass e.g. hosts: ["bookinfo.example.com"] ("*" for any host in development)');
  }
  checkNonEmpty(scope, field, hosts, 'list the host names clients use, e.g. ["bookinfo.example.com"] ("*" for any host in development)');
  const seen = new Set<string>();
  hosts.forEach((h, i) => {
    if (h !== '*') checkGatewayApiHostname(scope, `${field}[${i}]`, h);
    if (seen.has(h)) invalid(scope, `${field}[${i}]`, h, 'the host is listed twice', 'list each host once');
    seen.add(h);
  });
  if (seen.has('*') && hosts.length > 1) {
    invalid(scope, field, hosts, '"*" already covers every host', 'use ["*"] alone, or list the host names');
  }
  return [...hosts];
}

/**
 * The TLS settings of an ingress: HTTPS with a certificate (and a redirect), or plain HTTP explicitly.
 * @internal
 */
export function checkIngressTls(scope: IConstruct, props: MeshIngressTlsProps): { credentialName?: string; redirect: boolean } {
  if (props.plainHttp === true && props.credentialName !== undefined) {
    invalid(scope, 'plainHttp and credentialName', { plainHttp: true, credentialName: props.credentialName }, 'plain HTTP turns TLS off, while credentialName turns it on', 'keep credentialName for HTTPS (recommended), or drop it and keep plainHttp: true');
  }
  if (props.plainHttp !== true) {
    if (props.credentialName === undefined) {
      invalid(scope, 'credentialName', undefined, 'the ingress serves HTTPS by default and needs the certificate to terminate TLS with', 'pass credentialName: "<kubernetes.io/tls Secret>", or set plainHttp: true to serve unencrypted HTTP explicitly');
    }
    checkDns1123Subdomain(scope, 'credentialName', props.credentialName);
    return { credentialName: props.credentialName, redirect: props.httpsRedirect ?? true };
  }
  if (props.httpsRedirect !== undefined) {
    invalid(scope, 'httpsRedirect', props.httpsRedirect, 'a plain-HTTP ingress has no HTTPS to redirect to', 'drop httpsRedirect, or serve HTTPS with credentialName instead of plainHttp');
  }
  return { redirect: false };
}

/**
 * The Gateway API path prefixes that cover `path`: "/", and each leading run of whole segments.
 * @internal
 */
export function segmentPrefixes(path: string): string[] {
  const out = ['/'];
  for (let i = 1; i < path.length; i++) {
    if (path[i] === '/') out.push(path.slice(0, i), path.slice(0, i + 1));
  }
  out.push(path);
  if (!path.endsWith('/')) out.push(`${path}/`);
  return out;
}
