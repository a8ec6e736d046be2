/**
 * A field a delivery controller changes at run time, in the form of an entry of an Argo CD
 * `Application`'s `spec.ignoreDifferences`, so Argo CD does not report (or revert) it as drift.
 *
 * @example
 * // in the Application: ignoreDifferences: rollout.ignoreDifferences
 */
export interface ArgoCdIgnoreDifference {
  /** The API group (`''` for the core group). */
  readonly group: string;

  /** The kind, e.g. `VirtualService`. */
  readonly kind: string;

  /** The object's name. */
  readonly name: string;

  /** The object's namespace. */
  readonly namespace: string;

  /**
   * JSON pointers of the fields the controller owns.
   *
   * @default - none
   */
  readonly jsonPointers?: string[];

  /**
   * jq path expressions of the fields the controller owns (for fields inside lists).
   *
   * @default - none
   */
  readonly jqPathExpressions?: string[];
}

/**
 * The annotation that makes Flux's kustomize-controller create an object once and leave it to
 * the controller afterwards (server-side apply `IfNotPresent`).
 */
export const FLUX_SSA_IF_NOT_PRESENT = { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' };
