import { LabelIndex } from '../../label-index';
import { AnalysisContext } from '../../model';

export function podIndex(ctx: AnalysisContext): LabelIndex {
  return ctx.cachedOf('Pod', 'label-index', () => new LabelIndex(ctx.all('Pod')));
}
