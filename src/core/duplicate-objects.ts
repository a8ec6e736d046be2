// Two objects with the same identity (API group, kind, namespace, name) in one app: the API
// server keeps only the one applied last, silently. Refused at synth, naming both constructs.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ownerPath } from './rendering';
import { appApiObjects, synthesisMemo } from './synthesis';

/** `group/kind/namespace/name`: versions of one group are the same object to the API server. */
function identity(obj: ApiObject): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return JSON.stringify([group, obj.kind, obj.metadata.namespace ?? '', obj.name]);
}

function findDuplicates(root: IConstruct): Map<IConstruct, string[]> {
  const first = new Map<string, ApiObject>();
  const byChart = new Map<IConstruct, string[]>();
  for (const c of appApiObjects(root)) {
    const key = identity(c);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, c);
      continue;
    }
    const ns = c.metadata.namespace;
    const shown = `${c.kind} ${ns ? `${ns}/` : ''}${c.name}`;
    const chart = Chart.of(c);
    const list = byChart.get(chart) ?? [];
    list.push(`[${ownerPath(c)}] ${shown} is emitted twice, also by ${ownerPath(earlier)}: the API server would keep only the one applied last, silently. `
      + `Fix: merge the two into one construct (one ${c.kind} per name and namespace), or give one of them another name or namespace`);
    byChart.set(chart, list);
  }
  return byChart;
}

/**
 * The errors about objects of `chart` that repeat an object emitted earlier in the app (found
 * once per synthesis of the app).
 * @internal
 */
export function duplicateObjectErrors(chart: IConstruct): string[] {
  const root = chart.node.root;
  return synthesisMemo(root, 'duplicate-objects', () => findDuplicates(root)).get(chart) ?? [];
}
