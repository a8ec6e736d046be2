// istiod's admission rules for networking.istio.io Gateway (Istio 1.30 pkg/config/validation:
// ValidateGateway — the name a DNS-1123 label, at least one server, unique port names —
// validateServer (hosts as [namespace/]FQDN, TLS settings required on HTTPS/TLS ports and
// refused on plain ports), validateServerPort, validateServerBind, validateTLSOptions).
import { hostProblem, isDns1123Label, isGoIpAddress, port, PROTOCOLS, Report } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const HTTP_LIKE = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web']);

/**
 * istiod's rule for the DNS part of a Gateway server host or a Sidecar egress host: an FQDN
 * (no short names), a wildcard only as the whole first label (`*.example.com` or `*`).
 */
export function hostnamePartProblem(hostname: string, forGateway: boolean): string | undefined {
  if (hostname !== '*' && !hostname.includes('.')) return `short names (not FQDNs) are not allowed: ${JSON.stringify(hostname)}`;
  const p = hostProblem(hostname);
  if (p && !(forGateway && isGoIpAddress(hostname))) return p;
  if (hostname.includes('*') && hostname.length !== 1 && !hostname.startsWith('*.')) return `partial wildcard ${JSON.stringify(hostname)} not allowed`;
  return undefined;
}

function serverHost(h: string, at: string, report: Report): void {
  const slash = h.indexOf('/');
  if (slash < 0) {
    const p = hostnamePartProblem(h, true);
    if (p) report(at, p);
    return;
  }
  const [ns, dns] = [h.slice(0, slash), h.slice(slash + 1)];
  if (ns === '' || dns === '') { report(at, 'the namespace and the DNS name of a host cannot be empty'); return; }
  if (ns !== '*' && ns !== '.' && !isDns1123Label(ns)) report(at, `invalid namespace value ${JSON.stringify(ns)} in gateway`);
  const p = hostnamePartProblem(dns, true);
  if (p) report(at, p);
}

function tlsOptions(tls: Obj, at: string, report: Report): void {
  const mode = str(tls.mode) || 'PASSTHROUGH';
  const certs = arr(tls.tlsCertificates);
  const credNames = arr(tls.credentialNames);
  if (mode === 'ISTIO_MUTUAL') {
    for (const [k, what] of [['serverCertificate', 'server certificate'], ['privateKey', 'private key'], ['caCertificates', 'CA bundle'], ['credentialName', 'credentialName']]) {
      if (tls[k]) report(`${at}.${k}`, `ISTIO_MUTUAL TLS cannot have an associated ${what}`);
    }
    if (certs.length > 0) report(`${at}.tlsCertificates`, 'ISTIO_MUTUAL TLS cannot have associated tlsCertificates');
    if (credNames.length > 0) report(`${at}.credentialNames`, 'ISTIO_MUTUAL TLS cannot have associated credentialNames');
    return;
  }
  const sources = [Boolean(tls.serverCertificate && tls.privateKey), Boolean(tls.credentialName), credNames.length > 0, certs.length > 0]
    .filter(Boolean).length;
  if (sources > 1) report(at, 'only one of credentialName, credentialNames, serverCertificate/privateKey and tlsCertificates can be set');
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminating && (tls.credentialName || credNames.length > 0)) return;
  if (terminating) {
    const kind = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !tls.caCertificates) report(`${at}.caCertificates`, `${kind} requires a client CA bundle (or a credentialName)`);
    const list: Obj[] = certs.length > 0 ? certs : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
    for (const c of list) {
      if (!c?.serverCertificate) report(at, `${kind} requires a server certificate (or a credentialName)`);
      if (!c?.privateKey) report(at, `${kind} requires a private key (or a credentialName)`);
    }
  }
  if (tls.caCrl) {
    if (tls.credentialName) report(`${at}.caCrl`, 'a CRL is not supported with credentialName: put it in the credential');
    if (mode === 'SIMPLE') report(`${at}.caCrl`, 'a CRL is not supported with SIMPLE TLS');
  }
}

/** Checks an Istio Gateway. */
export function gateway(r: Resource, report: Report): void {
  if (!isDns1123Label(r.name)) report('metadata.name', `invalid gateway name ${JSON.stringify(r.name)}: a DNS-1123 label (no dots)`);
  const servers = arr(r.spec.servers);
  if (servers.length === 0) report('spec.servers', 'a Gateway must have at least one server');
  const portNames = new Set<string>();
  servers.forEach((s: Obj, i) => {
    const at = `spec.servers[${i}]`;
    if (!isObj(s)) { report(at, 'a server cannot be null'); return; }
    const hosts = arr(s.hosts).map(str);
    if (hosts.length === 0) report(`${at}.hosts`, 'a server must have at least one host');
    hosts.forEach((h, j) => serverHost(h, `${at}.hosts[${j}]`, report));
    const bind = str(s.bind);
    const p = isObj(s.port) ? s.port : undefined;
    if (!p) {report(`${at}.port`, 'port is required');} else {
      if (!PROTOCOLS.has(str(p.protocol).toLowerCase())) report(`${at}.port.protocol`, `invalid protocol ${JSON.stringify(p.protocol)}`);
      if (p.number > 0 || !bind.startsWith('unix://')) port(p.number, `${at}.port.number`, report);
      if (p.targetPort > 0) report(`${at}.port.targetPort`, 'targetPort has no effect on Gateways: leave it out');
      if (!p.name) report(`${at}.port.name`, 'a server port needs a name');
      if (portNames.has(str(p.name))) report(`${at}.port.name`, `port names in servers must be unique: duplicate name ${JSON.stringify(p.name)}`);
      portNames.add(str(p.name));
    }
    if (bind.startsWith('unix://')) {
      if (p && p.number !== 0 && p.number !== undefined) report(`${at}.port.number`, 'the port number must be 0 for a unix domain socket bind');
    } else if (bind !== '' && !isGoIpAddress(bind)) {report(`${at}.bind`, `${JSON.stringify(bind)} is not an IP address`);}
    const tls = isObj(s.tls) ? s.tls : undefined;
    if (tls) tlsOptions(tls, `${at}.tls`, report);
    if (p && PROTOCOLS.has(str(p.protocol).toLowerCase())) {
      const proto = str(p.protocol).toLowerCase();
      const isTls = proto === 'https' || proto === 'tls';
      if (isTls && !tls) {report(`${at}.tls`, 'a server on an HTTPS/TLS port needs TLS settings');} else if (!isTls && tls) {
        const passthrough = !tls.mode || tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH';
        if (HTTP_LIKE.has(proto)) {
          if (!passthrough || tls.caCertificates || tls.privateKey || tls.serverCertificate) report(`${at}.tls`, 'a plain HTTP server cannot have TLS settings (only httpsRedirect)');
        } else {report(`${at}.tls`, 'a server on a non-HTTPS/TLS port cannot have TLS settings');}
      }
    }
  });
}
