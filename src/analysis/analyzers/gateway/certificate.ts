import { AnalyzerDef, arr, obj, Obj, Resource, str, strMap } from '../../model';

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
