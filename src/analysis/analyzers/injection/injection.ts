import { injectorConfigMapName, injectorValues } from './shared';
import { AnalyzerDef, arr, Resource, str } from '../../model';

export const injectionAnalyzer: AnalyzerDef = {
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  inputs: ['Namespace', 'Pod', 'ConfigMap'],
  analyze(ctx) {
    const cmByName = new Map<string, Resource>();
    for (const cm of ctx.all('ConfigMap')) if (!cmByName.has(cm.name)) cmByName.set(cm.name, cm);
    let enabledByDefault = false;
    const injected = new Set<string>();
    for (const r of ctx.all('Namespace')) {
      if (r.name === 'istio-system') continue;
      const hasInj = 'istio-injection' in r.labels;
      const inj = r.labels['istio-injection'] ?? '';
      const hasRev = 'istio.io/rev' in r.labels;
      const rev = r.labels['istio.io/rev'] ?? '';
      const istioLabels: string[] = [];
      if (hasInj) istioLabels.push(`istio-injection=${inj}`);
      for (const l of ['istio.io/rev', 'istio.io/dataplane-mode']) {
        if (l in r.labels && (!hasInj || inj === 'enabled')) istioLabels.push(`${l}=${r.labels[l]}`);
      }
      if (istioLabels.length > 1) ctx.report(r, 'NamespaceMultipleInjectionLabels', istioLabels);
      if (r.labels['istio.io/dataplane-mode'] === 'ambient') continue;
      const cm = cmByName.get(injectorConfigMapName(rev));
      if (cm) enabledByDefault = injectorValues(cm)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
      if (inj === '' && !hasRev) {
        if (enabledByDefault) ctx.report(r, 'NamespaceInjectionEnabledByDefault');
        else ctx.report(r, 'NamespaceNotInjected', r.name, r.name);
        continue;
      }
      if (inj !== 'enabled') continue;
      injected.add(r.name);
    }
    for (const p of ctx.all('Pod')) {
      if (!injected.has(p.namespace)) continue;
      let inj = p.annotations['sidecar.istio.io/inject'] ?? '';
      if ('sidecar.istio.io/inject' in p.labels) inj = p.labels['sidecar.istio.io/inject'];
      if (inj.toLowerCase() === 'false') continue;
      if (p.spec.hostNetwork === true) continue;
      const containers = [...arr(p.spec.containers), ...arr(p.spec.initContainers)];
      const proxy = containers.find((c) => str(c?.name) === 'istio-proxy');
      if (!proxy || !str(proxy.image)) ctx.report(p, 'PodMissingProxy', p.fullName);
    }
  },
};
