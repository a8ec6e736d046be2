// Public API of the mesh analyzer (istioctl-analyze parity).
export * from './mesh-analyzer';
export * from './validation-plugin';

// The mesh as its manifests declare it: authorization decisions and the picture (issue #13).
export * from './authz/authz-types';
export { MeshDataplane } from './authz/mesh-index';
export * from './authz/mesh-model';
export * from './graph/graph-model';
export * from './graph/mesh-graph';
