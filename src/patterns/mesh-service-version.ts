/**
 * One version of a mesh service: a Deployment whose pods carry `app` and `version` labels.
 */
export interface MeshServiceVersion {
  /**
   * The version label value (`version: v1`), used by DestinationRule subsets.
   * A DNS-1123 label such as `v1` or `v2-beta`.
   */
  readonly version: string;

  /** The container image, e.g. `docker.io/istio/examples-bookinfo-reviews-v1:1.20.3`. */
  readonly image: string;

  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Environment variables of the container. They are added after the service-wide `env`
   * (`MeshServiceProps.env`); a variable given in both takes this value.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * Arguments of this version's container (win over the service-wide `args`).
   *
   * @default - the service-wide `args`, else the image's
   */
  readonly args?: string[];

  /**
   * Entrypoint of this version's container (wins over the service-wide `command`).
   *
   * @default - the service-wide `command`, else the image's
   */
  readonly command?: string[];

  /**
   * Annotations of this version's pods, added to the service-wide `podAnnotations`
   * (a key given in both takes this value).
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Runs this version's pods under another, existing ServiceAccount (e.g. `default`, or one
   * created separately) instead of the service's own. Those pods then carry that identity,
   * not `principal`: rules built with `allowFrom(thisService)` do not admit them (they fail
   * closed), and policies of this service still select them by `app`.
   *
   * @default - the service's ServiceAccount (`serviceAccountName`)
   */
  readonly serviceAccountName?: string;
}
