// Public API of the mesh analyzer (istioctl-analyze parity).
export * from './mesh-analyzer';
export * from './validation-plugin';
