// Istio Gateway analyzers: ports vs. the gateway Service, credentials, duplicate certificates,
// conflicting gateways.
import { X509Certificate } from 'crypto';
import {
  AnalysisContext, AnalyzerDef, LabelIndex, Obj, Resource, arr, num, obj, selectorMatches, selectorString,
  shortOrFullName, str, strMap,
} from '../model';

function podIndex(ctx: AnalysisContext): LabelIndex {
  return ctx.cached('pods', () => new LabelIndex(ctx.all('Pod')));
}

/** Target port as an integer (`IntOrString.IntValue()`: 0 for names). */
function intValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

export const ingressGatewayPortAnalyzer: AnalyzerDef = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  inputs: ['Gateway', 'Pod', 'Service'],
  analyze(ctx) {
    const pods = podIndex(ctx);
    const servicesByNs = new Map<string, Resource[]>();
    for (const s of ctx.all('Service')) {
      const l = servicesByNs.get(s.namespace) ?? [];
      l.push(s);
      servicesByNs.set(s.namespace, l);
    }
    for (const gw of ctx.all('Gateway')) {
      const sel = strMap(gw.spec.selector);
      const matched = pods.matching(sel);
      const servicePorts = new Set<number>();
      const mapped = new Set<number>();
      for (const pod of matched) {
        for (const svc of servicesByNs.get(pod.namespace) ?? []) {
          if (!selectorMatches(strMap(svc.spec.selector), pod.labels)) continue;
          for (const p of arr(svc.spec.ports)) {
            if ((str(p?.protocol) || 'TCP') !== 'TCP') continue;
            const tp = intValue(p?.targetPort);
            if (tp !== 0) {
              servicePorts.add(tp);
              mapped.add(num(p?.port));
            } else {servicePorts.add(num(p?.port));}
          }
        }
      }
      if (matched.length === 0) {
        ctx.report(gw, 'ReferencedResourceNotFound', 'selector', selectorString(sel));
        continue;
      }
      for (const server of arr(gw.spec.servers)) {
        if (!server?.port) continue;
        const n = num(server.port.number);
        if (!servicePorts.has(n) && !mapped.has(n)) ctx.report(gw, 'GatewayPortNotDefinedOnService', n, selectorString(sel));
      }
    }
  },
};

function secretCert(secret: Resource): string | undefined {
  const data = obj(secret.raw.data);
  const stringData = obj(secret.raw.stringData);
  const get = (k: string): string => {
    if (str(stringData[k])) return str(stringData[k]);
    const b = str(data[k]);
    return b ? Buffer.from(b, 'base64').toString('utf8') : '';
  };
  if (get('cert') && get('key')) return get('cert');
  if (get('tls.crt') && get('tls.key')) return get('tls.crt');
  return undefined;
}

function validCertificate(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/);
  if (!blocks) return false;
  try {
    const cert = new X509Certificate(blocks[0]);
    const now = Date.now();
    return now <= Date.parse(cert.validTo) && now >= Date.parse(cert.validFrom);
  } catch {
    return false;
  }
}

export const secretAnalyzer: AnalyzerDef = {
  name: 'gateway.SecretAnalyzer',
  description: "Checks a gateway's referenced secrets for correctness",
  inputs: ['Gateway', 'Pod', 'Secret'],
  analyze(ctx) {
    const pods = podIndex(ctx);
    for (const gw of ctx.all('Gateway')) {
      const sel = strMap(gw.spec.selector);
      const first = pods.matching(sel)[0];
      // the first matching pod's namespace (Istio: a pod in the empty namespace counts as not found)
      const gwNs = first ? first.namespace : '';
      if (!gwNs) {
        ctx.report(gw, 'ReferencedResourceNotFound', 'selector', selectorString(sel));
        continue;
      }
      for (const server of arr(gw.spec.servers)) {
        const cn = str(obj(server?.tls).credentialName);
        if (!cn) continue;
        const n = shortOrFullName(gwNs, cn);
        const secret = ctx.find('Secret', n.namespace, n.name);
        if (!secret) {
          if (!ctx.externalSecrets) ctx.report(gw, 'ReferencedResourceNotFound', 'credentialName', cn);
          continue;
        }
        const cert = secretCert(secret);
        if (!cert || !validCertificate(cert)) ctx.report(gw, 'InvalidGatewayCredential', gw.name, gwNs);
      }
    }
  },
};

function sameCertificate(a: Obj, b: Obj): boolean {
  const ac = str(a.credentialName);
  const bc = str(b.credentialName);
  if (ac && bc) return ac === bc;
  if (!ac && !bc) {
    const as = str(a.serverCertificate);
    const bs = str(b.serverCertificate);
    if (as && bs && as === bs) {
      const ak = str(a.privateKey);
      const bk = str(b.privateKey);
      return !!ak && !!bk && ak === bk;
    }
  }
  return false;
}

/** Every key of `x` is in `y` with the same value. */
function selectorSubset(x: { [key: string]: string }, y: { [key: string]: string }): boolean {
  return Object.keys(x).every((k) => k in y && x[k] === y[k]);
}

export const certificateAnalyzer: AnalyzerDef = {
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks a gateway certificate',
  inputs: ['Gateway'],
  analyze(ctx) {
    // Only gateways with TLS servers can conflict; index their certificate identities.
    const tlsGateways = ctx.all('Gateway').filter((g) => arr(g.spec.servers).some((s) => s?.tls));
    const byIdentity = new Map<string, Resource[]>();
    const identities = (g: Resource): string[] => {
      const out = new Set<string>();
      for (const s of arr(g.spec.servers)) {
        if (!s?.tls) continue;
        const t = obj(s.tls);
        if (str(t.credentialName)) out.add(`cn:${str(t.credentialName)}`);
        else if (str(t.serverCertificate) && str(t.privateKey)) out.add(`file:${str(t.serverCertificate)}|${str(t.privateKey)}`);
      }
      return [...out];
    };
    for (const g of tlsGateways) {
      for (const id of identities(g)) {
        const l = byIdentity.get(id) ?? [];
        l.push(g);
        byIdentity.set(id, l);
      }
    }
    for (const cur of tlsGateways) {
      const curSel = strMap(cur.spec.selector);
      const candidates = new Set<Resource>();
      for (const id of identities(cur)) for (const g of byIdentity.get(id) ?? []) candidates.add(g);
      for (const other of candidates) {
        if (other === cur) continue;
        if (Object.keys(curSel).length > 0 && !selectorSubset(curSel, strMap(other.spec.selector))) continue;
        for (const cs of arr(cur.spec.servers)) {
          for (const os of arr(other.spec.servers)) {
            if (!cs?.tls || !os?.tls) continue;
            if (sameCertificate(obj(cs.tls), obj(os.tls))) {
              ctx.report(cur, 'GatewayDuplicateCertificate', [cur.fullName, other.fullName]);
            }
          }
        }
      }
    }
  },
};

// ---------------------------------------------------------------- conflicting gateways

/**
 * Istio `model.CheckDuplicates`: whether hosts of a server clash with an existing host->bind map.
 * Like Istio, a server without clashes is recorded in the map (later gateways see its hosts).
 */
function hostsConflict(hosts: string[], bind: string, known: Map<string, string>): boolean {
  let dup = false;
  for (const h of hosts) {
    if (known.has(h) && known.get(h) === bind) dup = true;
  }
  if (!dup) for (const h of hosts) known.set(h, bind);
  return dup;
}

export const conflictingGatewayAnalyzer: AnalyzerDef = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: ['Gateway', 'Pod'],
  analyze(ctx) {
    const pods = podIndex(ctx);
    // selector string -> port -> gateway full name -> host -> bind
    const map = new Map<string, Map<string, Map<string, Map<string, string>>>>();
    for (const gw of ctx.all('Gateway')) {
      const sel = selectorString(strMap(gw.spec.selector));
      let ports = map.get(sel);
      if (!ports) {
        ports = new Map();
        map.set(sel, ports);
      }
      for (const server of arr(gw.spec.servers)) {
        const port = String(num(server?.port?.number));
        let gws = ports.get(port);
        if (!gws) {
          gws = new Map();
          ports.set(port, gws);
        }
        const hb = new Map<string, string>();
        for (const h of arr(server?.hosts).map(str)) hb.set(h, str(server?.bind));
        gws.set(gw.fullName, hb);
      }
    }
    const parseSel = (s: string): { [key: string]: string } => {
      const out: { [key: string]: string } = {};
      for (const pair of s.split(',')) {
        const kv = pair.split('=');
        if (kv.length === 2) out[kv[0]] = kv[1];
      }
      return out;
    };
    for (const gw of ctx.all('Gateway')) {
      const selMap = strMap(gw.spec.selector);
      const sel = selectorString(selMap);
      const hit: Map<string, Map<string, Map<string, string>>>[] = [];
      for (const [xSel, ports] of map) {
        let matched = false;
        if (xSel === sel) {matched = true;} else if (xSel.includes(sel) || sel.includes(xSel)) {
          const x = parseSel(xSel);
          matched = pods.any(selMap, (p) => selectorMatches(x, p.labels));
        }
        if (matched) hit.push(ports);
      }
      if (sel !== '' && hit.length === 0) {
        ctx.report(gw, 'ReferencedResourceNotFound', 'selector', sel);
        continue;
      }
      for (const server of arr(gw.spec.servers)) {
        const port = String(num(server?.port?.number));
        const names: string[] = [];
        for (const ports of hit) {
          for (const [name, hb] of ports.get(port) ?? []) {
            if (name !== gw.fullName && hostsConflict(arr(server?.hosts).map(str), str(server?.bind), hb)) names.push(name);
          }
        }
        if (names.length > 0) {
          names.sort();
          ctx.report(gw, 'ConflictingGateways', names.join(','), sel, port, arr(server?.hosts).map(str).join(','));
        }
      }
    }
  },
};
