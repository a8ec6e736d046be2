// The mesh's configuration as the synth-time analysis sees it. A `MeshInstallation` (or the
// user, for a mesh installed elsewhere) declares the MeshConfig of the app's mesh once per app;
// the analysis then checks the app against it (extension providers, outbound traffic policy,
// root namespace) instead of assuming Istio's defaults.
import { IConstruct } from 'constructs';
import { invalid } from './errors';

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
