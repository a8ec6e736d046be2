// The mesh's configuration as the synth-time analysis sees it. A `MeshInstallation` (or the
// user, for a mesh installed elsewhere) declares the MeshConfig of the app's mesh once per app;
// the analysis then checks the app against it (extension providers, outbound traffic policy,
// root namespace) instead of assuming Istio's defaults.
import { IConstruct } from 'constructs';
import { invalid, validationMessage } from './errors';

/**
 * A mesh's configuration (Istio's `MeshConfig`), as the analyzer reads it.
 */
export interface IMeshConfig {
  /**
   * The MeshConfig as plain data (the `meshConfig` section of an IstioOperator, or istiod's
   * `mesh` ConfigMap entry), with only the fields that were set.
   */
  renderMeshConfig(): { [key: string]: any };
}

interface Declared {
  readonly config: IMeshConfig;
  readonly path: string;
}

const DECLARED = new WeakMap<IConstruct, Declared>();

/**
 * Declares the MeshConfig of the mesh the app of `scope` deploys to (one per app).
 * @internal
 */
export function declareMeshConfig(scope: IConstruct, config: IMeshConfig): void {
  const root = scope.node.root;
  const existing = DECLARED.get(root);
  if (existing && existing.config !== config) {
    invalid(scope, 'meshConfig', scope.node.path, `the app's mesh configuration is already declared by ${existing.path}; an app deploys to one mesh`, 'declare the MeshConfig once per app (one MeshInstallation, or one MeshAnalysis.useMeshConfig call)');
  }
  DECLARED.set(root, { config, path: scope.node.path || '<root>' });
}

/**
 * The MeshConfig declared for the app of `scope`, if any.
 * @internal
 */
export function declaredMeshConfig(scope: IConstruct): IMeshConfig | undefined {
  return DECLARED.get(scope.node.root)?.config;
}

/** Istio's default root namespace. */
const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/**
 * The mesh's root namespace for a mesh-wide construct of the app of `scope`: the one its
 * declared MeshConfig sets, else Istio's default `istio-system`.
 * @internal
 */
export function meshRootNamespace(scope: IConstruct): string {
  const declared = DECLARED.get(scope.node.root)?.config.renderMeshConfig().rootNamespace;
  return typeof declared === 'string' && declared !== '' ? declared : DEFAULT_ROOT_NAMESPACE;
}

/**
 * Adds a synth-time check that the root namespace a mesh-wide construct chose at construction
 * (`rootNamespace`, `field`) is the mesh's, once the app's MeshConfig is known (it may be
 * declared after the construct was created): in any other namespace the "mesh-wide" policy
 * would only apply to that namespace.
 * @internal
 */
export function checkRootNamespace(scope: IConstruct, field: string, rootNamespace: string): void {
  scope.node.addValidation({
    validate: () => {
      const declared = DECLARED.get(scope.node.root);
      if (!declared) return [];
      const mesh = meshRootNamespace(scope);
      if (mesh === rootNamespace) return [];
      return [validationMessage(field, rootNamespace, `the mesh's root namespace is "${mesh}" (the MeshConfig declared by ${declared.path}), so this mesh-wide configuration would only apply to namespace "${rootNamespace}"`,
        `pass ${field}: '${mesh}', or leave it out and create the MeshInstallation (or call MeshAnalysis.useMeshConfig) before this construct`)];
    },
  });
}
