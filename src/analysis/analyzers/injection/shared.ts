import { isObj, obj, Obj, Resource, str } from '../../model';

export function injectorValues(cm: Resource): Obj | undefined {
  try {
    const v = JSON.parse(str(obj(cm.raw.data).values));
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function injectorConfigMapName(revision: string): string {
  return !revision || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}
