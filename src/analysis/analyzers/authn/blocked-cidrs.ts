import { AnalyzerDef, arr, obj, str } from '../../model';

export const blockedCidrsAnalyzer: AnalyzerDef = {
  name: 'authn.BlockedCIDRsAnalyzer',
  description: 'Checks that BLOCKED_CIDRS_IN_JWKS_URIS is configured on istiod when RequestAuthentication resources exist',
  inputs: ['RequestAuthentication', 'Deployment'],
  analyze(ctx) {
    const names = ctx.all('RequestAuthentication').map((r) => r.fullName);
    if (names.length === 0) return;
    const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
    for (const d of ctx.all('Deployment')) {
      if (d.labels.app !== 'istiod') continue;
      const containers = arr(obj(obj(d.spec.template).spec).containers);
      const configured = containers.some((c) => arr(c?.env).some((e) => str(e?.name) === 'BLOCKED_CIDRS_IN_JWKS_URIS' && str(e?.value) !== ''));
      if (!configured) ctx.report(d, 'JwksUriFetchUnrestricted', names.length, shown);
    }
  },
};
