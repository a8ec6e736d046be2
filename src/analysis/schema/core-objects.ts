// Built-in Kubernetes kinds (Deployment, Service, ConfigMap, ...) validated with the
// precompiled validators of kubernetes-models 4.x, made strict by strict-tracking.ts.
import * as path from 'path';
import type { AjvValidateFn } from './strict-tracking';

const cache = new Map<string, AjvValidateFn | null>();
let modelsRoot: string | undefined;

function kubernetesModelsRoot(): string {
  if (!modelsRoot) modelsRoot = path.dirname(require.resolve('kubernetes-models'));
  return modelsRoot;
}

/**
 * The raw validate function of a built-in kind, or undefined when kubernetes-models
 * has no such apiVersion + kind.
 */
export function coreValidator(apiVersion: string, kind: string): AjvValidateFn | undefined {
  const key = `${apiVersion}/${kind}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  let fn: AjvValidateFn | null = null;
  if (/^[A-Za-z0-9.-]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(`kubernetes-models/${apiVersion}/${kind}`);
      const cls = mod[kind];
      if (cls && cls.apiVersion === apiVersion && cls.kind === kind) {
        const alias = Object.keys(mod).find((k) => k.startsWith('IoK8s') && mod[k] === cls);
        if (alias) {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          fn = require(path.join(kubernetesModelsRoot(), '_schemas', `${alias}.js`)).validate as AjvValidateFn;
        }
      }
    } catch {
      fn = null;
    }
  }
  cache.set(key, fn);
  return fn ?? undefined;
}

let objectMeta: AjvValidateFn | undefined;

/** Validator for ObjectMeta (used for custom resources' metadata). */
export function objectMetaValidator(): AjvValidateFn {
  if (!objectMeta) {
    // @kubernetes-models/apimachinery is a dependency of kubernetes-models: resolve it from there.
    const file = require.resolve('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta', {
      paths: [kubernetesModelsRoot()],
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    objectMeta = require(file).validate as AjvValidateFn;
  }
  return objectMeta;
}
