// Two objects with the same identity (API group, kind, namespace, name) in one app: the API
// server keeps only the one applied last, silently. Refused at synth, naming both constructs.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ownerPath } from './rendering';
import { appApiObjects, synthesisMemo } from './synthesis';

/** `group/kind/namespace/name`: versions of one group are the same object to the API server. */
function identity(group: string, kind: string, namespace: string, name: string): string {
  return JSON.stringify([group, kind, namespace, name]);
}

function identityOf(obj: ApiObject): string {
  const slash = obj.apiVersion.indexOf('/');
  return identity(slash < 0 ? '' : obj.apiVersion.slice(0, slash), obj.kind, obj.metadata.namespace ?? '', obj.name);
}

/** The app's objects by identity, in app order (once per synthesis). */
function objectsByIdentity(root: IConstruct): Map<string, ApiObject[]> {
  return synthesisMemo(root, 'objects-by-identity', () => {
    const byIdentity = new Map<string, ApiObject[]>();
    for (const c of appApiObjects(root)) {
      const key = identityOf(c);
      const list = byIdentity.get(key);
      if (list) list.push(c);
      else byIdentity.set(key, [c]);
    }
    return byIdentity;
  });
}

/**
 * The app's objects of this identity (more than one when the app emits it twice).
 * @internal
 */
export function appObjects(scope: IConstruct, group: string, kind: string, namespace: string, name: string): ApiObject[] {
  return objectsByIdentity(scope.node.root).get(identity(group, kind, namespace, name)) ?? [];
}

function findDuplicates(root: IConstruct): Map<IConstruct, string[]> {
  const byIdentity = objectsByIdentity(root);
  const byChart = new Map<IConstruct, string[]>();
  for (const c of appApiObjects(root)) {
    const earlier = byIdentity.get(identityOf(c))![0];
    if (earlier === c) continue;
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
