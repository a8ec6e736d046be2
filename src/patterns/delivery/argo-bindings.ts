import type * as argo from '../../../imports/argoproj.io';

let loaded: typeof argo | undefined;

/**
 * Argo Rollouts' generated bindings, loaded on first use: 1 MB of generated code (the pod
 * template, several times over) that costs ~70 ms to load, which an app without a rollout
 * should not pay at every `cdk8s synth`.
 * @internal
 */
export function argoBindings(): typeof argo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loaded ??= require('../../../imports/argoproj.io') as typeof argo;
}
