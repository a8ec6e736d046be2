import { deploymentsAndRollouts } from '../../controllers';
import { AnalyzerDef, arr, labelSelectorMatches, Obj, podSpecOf, str, templateMeta } from '../../model';

export const imageAutoAnalyzer: AnalyzerDef = {
  name: 'injection.ImageAutoAnalyzer',
  description: 'Makes sure that Pods and Deployments with `image: auto` are going to be injected',
  inputs: ['Namespace', 'Pod', 'Deployment', 'Rollout', 'MutatingWebhookConfiguration'],
  analyze(ctx) {
    const hooks: Obj[] = [];
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      for (const wh of arr(r.raw.webhooks)) if (str(wh?.name).endsWith('istio.io')) hooks.push(wh);
    }
    const autoImage = (spec: Obj) => arr(spec.containers).some((c) => str(c?.name) === 'istio-proxy' && str(c?.image) === 'auto');
    for (const p of ctx.all('Pod')) {
      if (autoImage(p.spec)) ctx.report(p, 'ImageAutoWithoutInjectionError', 'Pod', p.name);
    }
    // Argo Rollouts' Rollout runs pods like a Deployment (Istio's analyzer knows Deployments only)
    for (const d of deploymentsAndRollouts(ctx)) {
      if (!autoImage(podSpecOf(d))) continue;
      const ns = ctx.find('Namespace', '', d.namespace || 'default');
      const nsLabels = ns ? ns.labels : {};
      const podLabels = templateMeta(d).labels;
      const ok = hooks.some((w) => labelSelectorMatches(w.namespaceSelector, nsLabels) && labelSelectorMatches(w.objectSelector, podLabels));
      if (!ok) ctx.report(d, 'ImageAutoWithoutInjectionWarning', d.kind, d.name);
    }
  },
};
