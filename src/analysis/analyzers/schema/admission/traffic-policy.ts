// istiod's admission rules for a DestinationRule's traffic policy (Istio 1.30
// pkg/config/validation: validateTrafficPolicy, validateOutlierDetection,
// validateConnectionPool, validateLoadBalancer, agent.ValidateLocalityLbSetting,
// agent.ValidateTLS, validatePortTrafficPolicies, validateTunnelSettings, validateProxyProtocol).
import { Report, duration, durationMs, isGoIpAddress, port } from './shared';
import { Obj, arr, isObj, num, str } from '../../../model';

const FIELDS = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'];
const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

function nonNegative(v: unknown, path: string, what: string, report: Report): void {
  if (typeof v === 'number' && v < 0) report(path, `${what} must be non-negative`);
}

function outlierDetection(o: unknown, at: string, report: Report): void {
  if (!isObj(o)) return;
  duration(o.baseEjectionTime, `${at}.baseEjectionTime`, report);
  duration(o.interval, `${at}.interval`, report);
  if (o.splitExternalLocalOriginErrors !== true && num(o.consecutiveLocalOriginFailures) > 0) {
    report(`${at}.consecutiveLocalOriginFailures`, 'consecutive local origin failures need splitExternalLocalOriginErrors: true');
  }
  for (const k of ['maxEjectionPercent', 'minHealthPercent']) {
    const v = o[k];
    if (typeof v === 'number' && (v < 0 || v > 100)) report(`${at}.${k}`, `percentage ${v} is not in range 0..100`);
  }
}

function connectionPool(c: unknown, at: string, report: Report): void {
  if (!isObj(c)) return;
  if (c.http === undefined && c.tcp === undefined) { report(at, 'a connection pool must have at least one field (http or tcp)'); return; }
  if (isObj(c.http)) {
    const h = c.http;
    nonNegative(h.http1MaxPendingRequests, `${at}.http.http1MaxPendingRequests`, 'http1MaxPendingRequests', report);
    nonNegative(h.http2MaxRequests, `${at}.http.http2MaxRequests`, 'http2MaxRequests', report);
    nonNegative(h.maxRequestsPerConnection, `${at}.http.maxRequestsPerConnection`, 'maxRequestsPerConnection', report);
    nonNegative(h.maxRetries, `${at}.http.maxRetries`, 'maxRetries', report);
    nonNegative(h.maxConcurrentStreams, `${at}.http.maxConcurrentStreams`, 'maxConcurrentStreams', report);
    duration(h.idleTimeout, `${at}.http.idleTimeout`, report);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol === true) report(`${at}.http.useClientProtocol`, 'useClientProtocol must not be true when h2UpgradePolicy is UPGRADE');
  }
  if (isObj(c.tcp)) {
    const t = c.tcp;
    nonNegative(t.maxConnections, `${at}.tcp.maxConnections`, 'maxConnections', report);
    duration(t.connectTimeout, `${at}.tcp.connectTimeout`, report);
    duration(t.maxConnectionDuration, `${at}.tcp.maxConnectionDuration`, report);
    // 0s turns the idle timeout off
    if (durationMs(t.idleTimeout) !== 0) duration(t.idleTimeout, `${at}.tcp.idleTimeout`, report);
    if (isObj(t.tcpKeepalive)) {
      duration(t.tcpKeepalive.time, `${at}.tcp.tcpKeepalive.time`, report);
      duration(t.tcpKeepalive.interval, `${at}.tcp.tcpKeepalive.interval`, report);
    }
  }
}

function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

function localities(list: string[], at: string, report: Report): void {
  const seen: string[] = [];
  for (const l of list) {
    const stars = (l.match(/\*/g) ?? []).length;
    if (stars > 1 || (stars === 1 && !l.endsWith('*'))) { report(at, `locality ${l}: a wildcard "*" may only come once, at the end`); return; }
    const parts = l.split('/');
    if (parts.length > 3 || parts.some((p) => p === '')) { report(at, `locality ${l} must not contain an empty region/zone/subzone`); return; }
    const covers = (a: string, b: string) => {
      const pa = a.split('/');
      const pb = b.split('/');
      return pa.every((p, i) => p === '*' || p === pb[i]) && (pa.length <= pb.length || pa[pa.length - 1] === '*');
    };
    if (seen.some((s) => s === '*' || covers(s, l) || covers(l, s))) { report(at, `locality ${l} overlaps with one listed before`); return; }
    seen.push(l);
  }
}

function loadBalancer(lb: unknown, at: string, report: Report): void {
  if (!isObj(lb)) return;
  const ch = lb.consistentHash;
  if (isObj(ch)) {
    if (isObj(ch.httpCookie)) {
      if (!ch.httpCookie.name) report(`${at}.consistentHash.httpCookie.name`, 'name required for httpCookie');
      const names = new Set<string>();
      arr(ch.httpCookie.attributes).forEach((a: Obj, i) => {
        const n = str(a?.name);
        if (n === '') report(`${at}.consistentHash.httpCookie.attributes[${i}]`, 'cookie attribute name cannot be empty');
        else if (names.has(n)) report(`${at}.consistentHash.httpCookie.attributes[${i}]`, `duplicate cookie attribute name: ${n}`);
        names.add(n);
      });
    }
    if (num(ch.minimumRingSize) !== 0 && (ch.maglev !== undefined || ch.ringHash !== undefined)) report(`${at}.consistentHash`, 'only one of minimumRingSize or maglev/ringHash can be specified');
    if (isObj(ch.maglev)) {
      const size = num(ch.maglev.tableSize);
      if (size === 0) report(`${at}.consistentHash.maglev.tableSize`, 'tableSize must be set for maglev');
      else if (size >= 5000011) report(`${at}.consistentHash.maglev.tableSize`, 'tableSize must be less than 5000011 for maglev');
      else if (!isPrime(size)) report(`${at}.consistentHash.maglev.tableSize`, `tableSize ${size} must be a prime number for maglev (e.g. 65537)`);
    }
  }
  const loc = lb.localityLbSetting;
  if (isObj(loc)) {
    const lat = `${at}.localityLbSetting`;
    const distribute = arr(loc.distribute);
    const failover = arr(loc.failover);
    if (distribute.length > 0 && failover.length > 0) { report(lat, "'distribute' and 'failover' cannot be set together"); return; }
    if (failover.length > 0) {
      const topo = arr(loc.failoverPriority).map(str).find((p) => TOPOLOGY_LABELS.has(p));
      if (topo) { report(`${lat}.failoverPriority`, `'failover' and the topology label '${topo}' in 'failoverPriority' cannot be set together`); return; }
    }
    for (const [i, d] of distribute.entries()) {
      const to = Object.entries(isObj(d?.to) ? (d.to as Obj) : {});
      if (to.some(([, w]) => num(w) <= 0 || num(w) > 100)) { report(`${lat}.distribute[${i}].to`, 'locality weights must be in range [1, 100]'); return; }
      const total = to.reduce((s, [, w]) => s + num(w), 0);
      if (total !== 100) { report(`${lat}.distribute[${i}].to`, `total locality weight ${total} != 100`); return; }
      localities(to.map(([k]) => k), `${lat}.distribute[${i}].to`, report);
    }
    localities(distribute.map((d: Obj) => str(d?.from)), `${lat}.distribute`, report);
    failover.forEach((f: Obj, i) => {
      const from = str(f?.from);
      const to = str(f?.to);
      if (from === to) report(`${lat}.failover[${i}]`, 'a locality failover must name different regions');
      if (from.includes('/') || to.includes('/')) report(`${lat}.failover[${i}]`, 'a locality failover names regions only (no "/")');
      if (from.includes('*') || to.includes('*')) report(`${lat}.failover[${i}]`, 'a locality failover region cannot contain "*"');
    });
  }
  if (isObj(lb.warmup)) {
    const w = lb.warmup;
    if (w.duration === undefined) report(`${at}.warmup.duration`, 'duration is required');
    else duration(w.duration, `${at}.warmup.duration`, report);
    if (typeof w.minimumPercent === 'number' && w.minimumPercent > 100) report(`${at}.warmup.minimumPercent`, 'minimumPercent must be at most 100');
    if (typeof w.aggression === 'number' && w.aggression < 1) report(`${at}.warmup.aggression`, 'aggression must be at least 1');
  }
}

function clientTls(t: unknown, namespace: string, at: string, report: Report): void {
  if (!isObj(t)) return;
  const cred = str(t.credentialName);
  if (cred.startsWith('configmap://')) {
    const rest = cred.slice('configmap://'.length).split('/');
    const ns = rest.length === 2 ? rest[0] : namespace;
    if (rest.some((p) => p === '') || rest.length > 2) report(`${at}.credentialName`, `invalid configmap:// credentialName ${JSON.stringify(cred)}`);
    else if (ns !== namespace || namespace === '') report(`${at}.credentialName`, `invalid configmap:// credentialName: the namespace must be the configuration's namespace ${JSON.stringify(namespace)}`);
  }
  const skip = t.insecureSkipVerify === true;
  if (skip && t.mode === 'SIMPLE' && (t.caCertificates || t.credentialName || t.subjectAltNames !== undefined)) {
    report(at, 'caCertificates, credentialName and subjectAltNames cannot be set with insecureSkipVerify: true');
  }
  if (skip && t.mode === 'MUTUAL' && (t.caCertificates || t.subjectAltNames !== undefined)) {
    report(at, 'caCertificates and subjectAltNames cannot be set with insecureSkipVerify: true');
  }
  if ((t.mode === 'SIMPLE' || t.mode === 'MUTUAL') && t.credentialName) {
    if (t.clientCertificate || t.caCertificates || t.privateKey || t.caCrl) report(at, 'client certificates, CA certificates or a CA CRL cannot be set together with credentialName');
    return;
  }
  if (t.mode === 'MUTUAL') {
    if (!t.clientCertificate) report(`${at}.clientCertificate`, 'a client certificate is required for MUTUAL TLS (or a credentialName)');
    if (!t.privateKey) report(`${at}.privateKey`, 'a private key is required for MUTUAL TLS (or a credentialName)');
  }
}

/** Checks a traffic policy (of the rule, a subset or a port), `namespace` being the rule's. */
export function trafficPolicy(p: unknown, namespace: string, at: string, report: Report, portLevel = false): void {
  if (!isObj(p)) return;
  if (!portLevel && FIELDS.every((f) => p[f] === undefined)) { report(at, 'a traffic policy must have at least one field'); return; }
  if (!portLevel && p.tunnel !== undefined && p.proxyProtocol !== undefined) { report(at, 'tunnel and proxyProtocol cannot be set together'); return; }
  outlierDetection(p.outlierDetection, `${at}.outlierDetection`, report);
  connectionPool(p.connectionPool, `${at}.connectionPool`, report);
  loadBalancer(p.loadBalancer, `${at}.loadBalancer`, report);
  clientTls(p.tls, namespace, `${at}.tls`, report);
  if (portLevel) return;
  arr(p.portLevelSettings).forEach((pl: Obj, i) => {
    const pat = `${at}.portLevelSettings[${i}]`;
    if (!isObj(pl)) { report(pat, 'a port traffic policy cannot be null'); return; }
    if (!isObj(pl.port)) report(`${pat}.port`, 'a port traffic policy needs a port');
    else port(pl.port.number, `${pat}.port.number`, report);
    if (['outlierDetection', 'connectionPool', 'loadBalancer', 'tls'].every((f) => pl[f] === undefined)) report(pat, 'a port traffic policy must have at least one field');
    else trafficPolicy(pl, namespace, pat, report, true);
  });
  if (isObj(p.tunnel)) {
    const t = p.tunnel;
    if (t.protocol !== undefined && t.protocol !== '' && t.protocol !== 'CONNECT' && t.protocol !== 'POST') report(`${at}.tunnel.protocol`, 'the tunnel protocol must be "CONNECT" or "POST"');
    const host = str(t.targetHost);
    const fqdn = host.length > 0 && host.length <= 255 && host.split('.').every((l) => /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(l) && l.length <= 63) && !/^[0-9]+$/.test(host.split('.').pop()!);
    if (!fqdn && !isGoIpAddress(host)) report(`${at}.tunnel.targetHost`, `the tunnel target host ${JSON.stringify(host)} must be an FQDN or an IP address`);
    port(t.targetPort ?? 0, `${at}.tunnel.targetPort`, report);
  }
  if (isObj(p.proxyProtocol) && p.proxyProtocol.version !== undefined && !['V1', 'V2', 0, 1].includes(p.proxyProtocol.version)) {
    report(`${at}.proxyProtocol.version`, `proxy protocol version ${JSON.stringify(p.proxyProtocol.version)} is invalid`);
  }
}
