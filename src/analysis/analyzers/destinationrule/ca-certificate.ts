import { AnalyzerDef, arr, isObj, obj, Obj, str } from '../../model';

export const caCertificateAnalyzer: AnalyzerDef = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: ['DestinationRule'],
  analyze(ctx) {
    for (const r of ctx.all('DestinationRule')) {
      const hasSelector = isObj(r.spec.workloadSelector);
      const tp = obj(r.spec.trafficPolicy);
      const check = (tls: Obj): string | undefined => {
        const mode = str(tls.mode);
        if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
        if (str(tls.caCertificates)) return undefined;
        if (str(tls.credentialName) && hasSelector) return undefined;
        return mode;
      };
      const mode = check(obj(tp.tls));
      if (mode) ctx.report(r, 'NoServerCertificateVerificationDestinationLevel', r.fullName, r.namespace, mode, str(r.spec.host));
      for (const p of arr(tp.portLevelSettings)) {
        const m = check(obj(p?.tls));
        if (!m) continue;
        const port = isObj(p?.port) && p.port.number !== undefined ? `number:${p.port.number}` : '';
        ctx.report(r, 'NoServerCertificateVerificationPortLevel', r.fullName, r.namespace, m, str(r.spec.host), port);
      }
    }
  },
};
