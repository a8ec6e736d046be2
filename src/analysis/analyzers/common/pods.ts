import { LabelIndex } from '../../label-index';
import { AnalysisContext, Resource } from '../../model';

/** Every pod, label-indexed (built once per analysis, shared by the analyzers that read pods). */
export function podIndex(ctx: AnalysisContext): LabelIndex {
  return ctx.cachedOf('Pod', 'label-index', () => new LabelIndex(ctx.all('Pod')));
}

/** Pods grouped by namespace, each group label-indexed. */
export function podsByNamespace(ctx: AnalysisContext): Map<string, LabelIndex> {
  return ctx.cachedOf('Pod', 'by-namespace', () => {
    const groups = new Map<string, Resource[]>();
    for (const p of ctx.all('Pod')) {
      const l = groups.get(p.namespace) ?? [];
      l.push(p);
      groups.set(p.namespace, l);
    }
    return new Map([...groups].map(([ns, l]) => [ns, new LabelIndex(l)]));
  });
}
