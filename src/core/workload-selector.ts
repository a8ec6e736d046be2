import { Workload } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkLabel, checkNonEmpty } from './checks';

/**
 * Selects the workloads (pods) an Istio resource applies to.
 *
 * Build one from labels (`WorkloadSelector.fromLabels({ app: 'reviews' })`) or from a
 * cdk8s-plus workload (`WorkloadSelector.fromWorkload(deployment)`), whose pod labels are
 * read when the manifest is synthesized, so later `select()` calls are honoured.
 */
export class WorkloadSelector {
  /**
   * Selects pods carrying all of these labels.
   */
  public static fromLabels(labels: { [key: string]: string }): WorkloadSelector {
    const copy = { ...labels };
    return new WorkloadSelector(() => ({ ...copy }), `labels ${JSON.stringify(copy)}`);
  }

  /**
   * Selects the pods of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, ...)
   * by the labels its own selector matches.
   */
  public static fromWorkload(workload: Workload): WorkloadSelector {
    return new WorkloadSelector(() => ({ ...workload.matchLabels }), `workload ${workload.node.path}`);
  }

  /**
   * Selects pods by labels computed when the selector is rendered (they may change until synth).
   * @internal
   */
  public static _lazy(producer: () => { [key: string]: string }, description: string): WorkloadSelector {
    return new WorkloadSelector(() => ({ ...producer() }), description);
  }

  private constructor(private readonly producer: () => { [key: string]: string }, private readonly description: string) {}

  /**
   * The labels this selector matches, as rendered into `matchLabels`/`selector`.
   * For a workload selector they are read at the time of the call.
   */
  public get labels(): { [key: string]: string } {
    return this.producer();
  }

  /**
   * Renders the labels, failing clearly if the selector would match nothing specific.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: string } {
    const labels = this.producer();
    checkNonEmpty(scope, `${field} (${this.description})`, Object.keys(labels), 'select workloads by at least one label, or omit the selector to apply namespace-wide');
    for (const [key, value] of Object.entries(labels)) {
      checkLabel(scope, `${field} label ${JSON.stringify(key)}`, key, value);
    }
    return labels;
  }
}
