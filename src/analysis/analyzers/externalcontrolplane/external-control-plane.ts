import { AnalyzerDef, arr, isObj, obj, Obj, Resource, str } from '../../model';

export const externalControlPlaneAnalyzer: AnalyzerDef = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  description: 'Checks that the remote IstioOperator resources reference an external control plane',
  inputs: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  analyze(ctx) {
    const check = (r: Resource, hook: Obj) => {
      const name = str(hook.name);
      const cc = obj(hook.clientConfig);
      if (cc.url !== undefined && cc.url !== null) {
        const url = str(cc.url);
        let hostname: string;
        try {
          hostname = new URL(url).hostname;
        } catch {
          ctx.report(r, 'InvalidExternalControlPlaneConfig', url, name, 'was provided in an invalid format');
          return;
        }
        const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || (bare.includes(':') && /^[0-9a-fA-F:.]+$/.test(bare))) {
          ctx.report(r, 'ExternalControlPlaneAddressIsNotAHostname', url, name);
        }
      } else if (!isObj(cc.service)) {
        ctx.report(r, 'InvalidExternalControlPlaneConfig', '', name, 'is blank');
      }
    };
    for (const r of ctx.all('ValidatingWebhookConfiguration')) {
      if (r.name && (r.name === 'istiod-default-validator' || r.name.startsWith('istio-validator'))) {
        for (const h of arr(r.raw.webhooks)) check(r, obj(h));
      }
    }
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      if (r.name.startsWith('istio-sidecar-injector')) for (const h of arr(r.raw.webhooks)) check(r, obj(h));
    }
  },
};
