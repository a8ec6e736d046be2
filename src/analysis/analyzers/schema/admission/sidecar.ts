// istiod's admission rules for networking.istio.io Sidecar (Istio 1.30 pkg/config/validation:
// ValidateSidecar — selector, not empty, ingress listeners (port and bind, unique ports,
// defaultEndpoint forms, TLS limits, connection pools), egress listeners (one catch-all, last;
// port/bind/captureMode, unique ports and sockets; hosts as namespace/FQDN), the outbound
// traffic policy's egress proxy; validateSidecarIngressPortAndBind,
// validateSidecarEgressPortBindAndCaptureMode, validateSidecarOutboundTrafficPolicy).
import { hostnamePartProblem } from './gateway';
import { isDns1123Label, isGoIpAddress, port, PROTOCOLS, Report, selectorLabels } from './shared';
import { trafficPolicy } from './traffic-policy';
import { destination } from './virtual-service-http';
import { isFqdn } from './workload-entry';
import { Obj, Resource, arr, isObj, str } from '../../../model';


function sidecarPort(p: Obj, at: string, report: Report, numberRequired: boolean): void {
  if (p.name && !isDns1123Label(str(p.name))) report(`${at}.name`, `invalid port name ${JSON.stringify(p.name)}`);
  if (p.protocol !== undefined && p.protocol !== '' && !PROTOCOLS.has(str(p.protocol).toLowerCase())) report(`${at}.protocol`, `unsupported protocol ${JSON.stringify(p.protocol)}`);
  if (numberRequired || p.number !== 0) port(p.number ?? 0, `${at}.number`, report);
  if (p.targetPort > 0) report(`${at}.targetPort`, 'targetPort has no effect on Sidecars: leave it out');
}

function connectionPool(c: unknown, at: string, report: Report): void {
  if (c !== undefined) trafficPolicy({ connectionPool: c }, '', at.replace(/\.connectionPool$/, ''), report, true);
}

/** Checks a Sidecar. */
export function sidecar(r: Resource, report: Report): void {
  const spec = r.spec;
  const sel = isObj(spec.workloadSelector) ? spec.workloadSelector : undefined;
  selectorLabels(sel?.labels, 'spec.workloadSelector.labels', report);
  const empty = arr(spec.egress).length === 0 && arr(spec.ingress).length === 0;
  if (empty && spec.outboundTrafficPolicy === undefined && spec.inboundConnectionPool === undefined) {
    report('spec', 'empty configuration: give ingress or egress listeners, an outbound traffic policy or an inbound connection pool');
    return;
  }
  const ingressPorts = new Set<number>();
  arr(spec.ingress).forEach((l: Obj, i) => {
    const at = `spec.ingress[${i}]`;
    if (!isObj(l)) { report(at, 'an ingress listener cannot be null'); return; }
    if (!isObj(l.port)) { report(`${at}.port`, 'a port is required for ingress listeners'); return; }
    sidecarPort(l.port, `${at}.port`, report, true);
    if (l.bind && !isGoIpAddress(str(l.bind))) report(`${at}.bind`, `${JSON.stringify(l.bind)} is not an IP address`);
    if (ingressPorts.has(l.port.number)) report(`${at}.port.number`, 'ports of IP-bound listeners must be unique');
    ingressPorts.add(l.port.number);
    const ep = str(l.defaultEndpoint);
    if (ep !== '') {
      if (ep.startsWith('unix://')) {
        if (ep.length === 'unix://'.length) report(`${at}.defaultEndpoint`, 'a unix address must not be empty');
      } else {
        const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(ep);
        const host = m ? (m[1] ?? m[2]) : undefined;
        if (!m) {report(`${at}.defaultEndpoint`, `${JSON.stringify(ep)} is not host:port`);} else {
          if (host !== '' && !['127.0.0.1', '0.0.0.0', '::1', '::'].includes(host!)) report(`${at}.defaultEndpoint`, 'defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>');
          if (!/^[0-9]+$/.test(m[3])) report(`${at}.defaultEndpoint`, `the port ${JSON.stringify(m[3])} is not a number`);
          else port(Number(m[3]), `${at}.defaultEndpoint`, report);
        }
      }
    }
    if (isObj(l.tls)) {
      const t = l.tls;
      if (arr(t.subjectAltNames).length > 0) report(`${at}.tls.subjectAltNames`, 'subjectAltNames is not supported in ingress TLS');
      if (t.httpsRedirect) report(`${at}.tls.httpsRedirect`, 'httpsRedirect is not supported');
      if (t.credentialName) report(`${at}.tls.credentialName`, 'credentialName is not supported in a Sidecar');
      if (arr(t.credentialNames).length > 0) report(`${at}.tls.credentialNames`, 'credentialNames is not supported in a Sidecar');
      if (arr(t.tlsCertificates).length > 0) report(`${at}.tls.tlsCertificates`, 'tlsCertificates is not supported in a Sidecar');
      if (t.mode === 'ISTIO_MUTUAL' || t.mode === 'AUTO_PASSTHROUGH') report(`${at}.tls.mode`, `mode ${t.mode} cannot be set in Sidecar ingress TLS`);
      const proto = str(l.port.protocol).toLowerCase();
      if (proto !== 'https' && proto !== 'tls') report(`${at}.tls`, 'a listener on a non-HTTPS/TLS port cannot have TLS settings');
    }
    connectionPool(l.connectionPool, `${at}.connectionPool`, report);
  });
  connectionPool(spec.inboundConnectionPool, 'spec.inboundConnectionPool', report);
  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  const egress = arr(spec.egress);
  egress.forEach((l: Obj, i) => {
    const at = `spec.egress[${i}]`;
    if (!isObj(l)) { report(at, 'an egress listener cannot be null'); return; }
    if (!isObj(l.port)) {
      if (catchAll) { report(at, 'egress can have only one listener without a port'); return; }
      if (i === egress.length - 1) catchAll = true;
      else report(at, 'the egress listener without a port must be the last one');
    } else {
      const bind = str(l.bind);
      sidecarPort(l.port, `${at}.port`, report, false);
      if (!l.port.number) {
        if (!bind.startsWith('unix://')) report(`${at}.bind`, 'a listener with port 0 needs a unix domain socket bind address');
        if (l.captureMode !== undefined && l.captureMode !== 'DEFAULT' && l.captureMode !== 'NONE') report(`${at}.captureMode`, 'captureMode must be DEFAULT or NONE for unix domain socket listeners');
        if (sockets.has(bind)) report(`${at}.bind`, 'unix domain socket binds of listeners must be unique');
        sockets.add(bind);
      } else {
        if (bind !== '' && !isGoIpAddress(bind)) report(`${at}.bind`, `${JSON.stringify(bind)} is not an IP address`);
        if (egressPorts.has(l.port.number)) report(`${at}.port.number`, 'ports of IP-bound listeners must be unique');
        egressPorts.add(l.port.number);
      }
    }
    const hosts = arr(l.hosts).map(str);
    if (hosts.length === 0) report(`${at}.hosts`, 'an egress listener must contain at least one host');
    hosts.forEach((h, j) => {
      const hat = `${at}.hosts[${j}]`;
      const slash = h.indexOf('/');
      if (slash < 0) { report(hat, `host ${JSON.stringify(h)} must be of the form namespace/dnsName (e.g. "./reviews.default.svc.cluster.local" or "istio-system/*")`); return; }
      const [ns, dns] = [h.slice(0, slash), h.slice(slash + 1)];
      if (ns === '' || dns === '') { report(hat, 'the namespace and the DNS name of a host cannot be empty'); return; }
      if (!['*', '.', '~'].includes(ns) && !isDns1123Label(ns)) report(hat, `invalid namespace value ${JSON.stringify(ns)} in sidecar`);
      const p = hostnamePartProblem(dns, false);
      if (p) report(hat, p);
    });
  });
  const tp = isObj(spec.outboundTrafficPolicy) ? spec.outboundTrafficPolicy : undefined;
  if (tp && isObj(tp.egressProxy)) {
    if (tp.mode !== 'ALLOW_ANY') {report('spec.outboundTrafficPolicy.egressProxy', 'egressProxy can be set only with the ALLOW_ANY mode');} else {
      if (!isFqdn(str(tp.egressProxy.host))) report('spec.outboundTrafficPolicy.egressProxy.host', `${JSON.stringify(tp.egressProxy.host)} is not an FQDN`);
      if (!isObj(tp.egressProxy.port)) report('spec.outboundTrafficPolicy.egressProxy.port', 'the egress proxy needs a port');
      else destination(tp.egressProxy, 'spec.outboundTrafficPolicy.egressProxy', report);
    }
  }
}
