// What every container a pattern runs starts from: the locked-down security context and the
// environment as cdk8s-plus values.
import * as kplus from 'cdk8s-plus-28';

/**
 * Non-root, not privileged, no privilege escalation, all capabilities dropped, the runtime's
 * default seccomp profile, a read-only root filesystem (Pod Security "restricted").
 * @internal
 */
export const SECURE_CONTAINER_CONTEXT: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/**
 * Plain environment variables as cdk8s-plus values, in the order given.
 * @internal
 */
export function envVariables(env: { [name: string]: string } | undefined): { [name: string]: kplus.EnvValue } {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]));
}
