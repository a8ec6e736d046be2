import { AnalyzerDef, arr, isObj, labelSelectorMatches, obj, Obj, Resource, str, strMap } from '../../model';

function webhookRevisions(r: Resource): string[] {
  const revs = new Set<string>();
  if ('istio.io/rev' in r.labels) revs.add(r.labels['istio.io/rev']);
  for (const wh of arr(r.raw.webhooks)) {
    for (const selName of ['namespaceSelector', 'objectSelector']) {
      const sel = wh?.[selName];
      if (!isObj(sel)) continue;
      const ml = strMap(sel.matchLabels);
      if ('istio.io/rev' in ml) revs.add(ml['istio.io/rev']);
      for (const e of arr(sel.matchExpressions)) if (str(e?.key) === 'istio.io/rev') for (const v of arr(e?.values)) revs.add(str(v));
    }
  }
  return [...revs];
}

export const webhookAnalyzer: AnalyzerDef = {
  name: 'webhook.Analyzer',
  description: 'Checks the validity of Istio webhooks',
  inputs: ['MutatingWebhookConfiguration', 'Service'],
  analyze(ctx) {
    const hooks: { key: string; res: Resource; wh: Obj }[] = [];
    const revisions = new Set<string>();
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      const revs = webhookRevisions(r);
      const whs = arr(r.raw.webhooks);
      if (revs.length === 0 && !whs.some((w) => str(w?.name).endsWith('istio.io'))) continue;
      for (const wh of whs) hooks.push({ key: `${r.fullName}/${str(wh?.name)}`, res: r, wh: obj(wh) });
      revs.forEach((x) => revisions.add(x));
    }
    const base = (key: string, on: string, off: string) => [{}, { [key]: on }, { [key]: off }] as { [key: string]: string }[];
    const nsLabels = base('istio-injection', 'enabled', 'disabled');
    const objLabels = base('sidecar.istio.io/inject', 'true', 'false');
    for (const rev of revisions) {
      for (const b of base('istio-injection', 'enabled', 'disabled')) nsLabels.push({ ...b, 'istio.io/rev': rev });
      for (const b of base('sidecar.istio.io/inject', 'true', 'false')) objLabels.push({ ...b, 'istio.io/rev': rev });
    }
    for (const nl of nsLabels) {
      for (const ol of objLabels) {
        const matches = new Map<string, Resource>();
        for (const h of hooks) {
          if (labelSelectorMatches(h.wh.namespaceSelector, nl) && labelSelectorMatches(h.wh.objectSelector, ol)) matches.set(h.key, h.res);
        }
        if (matches.size <= 1) continue;
        for (const [key, res] of matches) {
          const others = [...matches.keys()].filter((k) => k !== key).sort();
          ctx.report(res, 'InvalidWebhook', `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`);
        }
      }
    }
    for (const h of hooks) {
      const svc = obj(h.wh.clientConfig).service;
      if (!isObj(svc)) continue;
      const ns = str(svc.namespace);
      const name = str(svc.name);
      if (!ctx.find('Service', ns, name)) {
        ctx.report(h.res, 'InvalidWebhook', `Injector refers to a control plane service that does not exist: ${ns ? `${ns}/${name}` : name}.`);
      }
    }
  },
};
