import { X509Certificate } from 'crypto';
import { AnalyzerDef, arr, obj, Resource, selectorString, shortOrFullName, str, strMap } from '../../model';
import { podIndex } from '../common/pods';

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
