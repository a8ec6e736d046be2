import { AnalysisContext, LabelIndex } from '../../model';

export function podIndex(ctx: AnalysisContext): LabelIndex {
  return ctx.cached('pods', () => new LabelIndex(ctx.all('Pod')));
}
