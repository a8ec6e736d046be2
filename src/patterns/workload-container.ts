// The container of a workload, secure by default, built from the shared workload options.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SECURE_CONTAINER_CONTEXT, envVariables } from './container-defaults';
import { WorkloadOptions } from './workload-options';

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};

/**
 * What identifies one container of a workload.
 * @internal
 */
export interface WorkloadContainerSpec {
  /** The container name (unless the options name it). */
  readonly name: string;
  /** The container image. */
  readonly image: string;
  /** The container ports (none for a pure client); the first one is probed for readiness by default. */
  readonly ports: kplus.ContainerPort[];
  /** Environment variables (the options' own, merged with per-version ones). */
  readonly env: { [name: string]: string };
  /** Construct id of the writable `/tmp` emptyDir volume. */
  readonly tmpVolumeId: string;
  /** Arguments of this version (win over the options'). */
  readonly args?: string[];
  /** Entrypoint of this version (wins over the options'). */
  readonly command?: string[];
}

/**
 * The container of a workload: non-root, no privilege escalation, not privileged, all
 * capabilities dropped, the runtime's default seccomp profile, a read-only root filesystem
 * with a writable `/tmp`, resource requests and limits — each overridable through the
 * workload options. Probes other than cdk8s-plus ones are rendered into the final manifest
 * (see `workloadProbePatches`); the default readiness check of a non-gRPC service is a
 * cdk8s-plus TCP or HTTP probe.
 * @internal
 */
export function workloadContainer(scope: Construct, options: WorkloadOptions, spec: WorkloadContainerSpec, grpc: boolean): kplus.ContainerProps {
  const probePort = spec.ports[0]?.number;
  const defaultReadiness = probePort !== undefined && options.readiness === undefined && (options.healthCheckPath !== undefined || !grpc)
    ? (options.healthCheckPath !== undefined
      ? kplus.Probe.fromHttpGet(options.healthCheckPath, { port: probePort })
      : kplus.Probe.fromTcpSocket({ port: probePort }))
    : undefined;
  return {
    name: options.containerName ?? spec.name,
    image: spec.image,
    imagePullPolicy: options.imagePullPolicy,
    command: spec.command ?? options.command,
    args: spec.args ?? options.args,
    ports: spec.ports,
    envVariables: envVariables(spec.env),
    resources: options.resources ?? DEFAULT_RESOURCES,
    securityContext: { ...SECURE_CONTAINER_CONTEXT, ...options.securityContext },
    readiness: options.readiness?._kplus ?? defaultReadiness,
    liveness: options.liveness?._kplus,
    startup: options.startup?._kplus,
    volumeMounts: [
      { path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, spec.tmpVolumeId, 'tmp') },
      ...(options.volumes ?? []).map((v) => ({ path: v.path, volume: v.volume, readOnly: v.readOnly })),
    ],
  };
}
