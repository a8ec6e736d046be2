import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { WorkloadPodOptions, workloadPodOptionsOf } from './workload-pod';
import { WorkloadProbe } from './workload-probe';
import { WorkloadScalingOptions } from './workload-scaling';
import { WorkloadSchedulingOptions } from './workload-scheduling';
import { checkExclusive, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * A further volume mounted into the container of every version (besides the writable
 * `/tmp` the service always mounts).
 */
export interface MeshServiceVolume {
  /**
   * The volume, e.g. `kplus.Volume.fromEmptyDir(chart, 'wlp-output', 'wlp-output')` for a
   * writable directory under a read-only root filesystem, or a ConfigMap / Secret volume.
   * Its name must not be `tmp` (the service's own `/tmp` volume).
   */
  readonly volume: kplus.Volume;

  /** The absolute path the volume is mounted at, e.g. `/opt/ibm/wlp/output`. Not `/tmp`. */
  readonly path: string;

  /**
   * Whether the container may only read the volume.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * What a workload's pods and containers take: resources, security context, probes,
 * environment, arguments, image pull policy, pod annotations and volumes. Every pattern that
 * runs a workload (`MeshService`, `CanaryService`) takes these options.
 */
export interface WorkloadOptions extends WorkloadPodOptions, WorkloadScalingOptions, WorkloadSchedulingOptions {
  /**
   * Resource requests and limits of each container.
   *
   * @default - requests cpu 100m / memory 128Mi, limits cpu 500m / memory 512Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * The container security context. The default runs as a non-root user, without
   * privilege escalation, with a read-only root filesystem (a writable `/tmp` emptyDir is
   * mounted). Loosen it explicitly, e.g. `{ readOnlyRootFilesystem: false }` for images that
   * write to their own directories.
   *
   * @default - non-root, no privilege escalation, read-only root filesystem
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;

  /**
   * The readiness probe of the container, e.g. `WorkloadProbe.grpc()` or
   * `WorkloadProbe.httpGet('/_healthz', { headers: { Cookie: 'session=probe' } })`; a
   * cdk8s-plus probe is wrapped with `WorkloadProbe.fromKplus(probe)`.
   *
   * @default - a gRPC health check of the main port for a GRPC service, else a TCP check of it
   */
  readonly readiness?: WorkloadProbe;

  /**
   * An HTTP path answering 200 when the service is ready, e.g. `/health`: the readiness
   * probe becomes an HTTP GET of this path on the container port (instead of a TCP
   * check). Mutually exclusive with `readiness`.
   *
   * @default - no HTTP check; see `readiness`
   */
  readonly healthCheckPath?: string;

  /**
   * The liveness probe of the container (the kubelet restarts a container that fails it).
   *
   * @default - no liveness probe (a failing readiness probe only takes the pod out of the Service)
   */
  readonly liveness?: WorkloadProbe;

  /**
   * The startup probe of the container: liveness and readiness checks wait until it
   * succeeds, for slow-starting applications.
   *
   * @default - no startup probe
   */
  readonly startup?: WorkloadProbe;

  /**
   * When the kubelet pulls the container image. Istio's Bookinfo manifests use
   * `IfNotPresent` (also Kubernetes' own default for an image with a tag other than
   * `latest`).
   *
   * @default kplus.ImagePullPolicy.ALWAYS (the cdk8s-plus default)
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Environment variables of the container of every version (a version's own `env` is
   * added after these and wins for a variable given in both).
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * Arguments of the container of every version (the image's `CMD` is replaced), e.g.
   * `['--bind_ip_all']`.
   *
   * @default - the image's own arguments
   */
  readonly args?: string[];

  /**
   * The entrypoint of the container of every version (the image's `ENTRYPOINT` is
   * replaced), e.g. `['/bin/server']`.
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Annotations of the pods of every version, e.g. Prometheus' `prometheus.io/scrape`.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Further volumes mounted into the container of every version, e.g. writable emptyDir
   * directories an image needs under the read-only root filesystem. They are mounted after
   * the service's own writable `/tmp`.
   *
   * @default - only the writable `/tmp`
   */
  readonly volumes?: MeshServiceVolume[];
}

/**
 * The workload options among `props` (to pass them on to another construct).
 * @internal
 */
export function workloadOptionsOf(props: WorkloadOptions): WorkloadOptions {
  return {
    resources: props.resources,
    securityContext: props.securityContext,
    readiness: props.readiness,
    healthCheckPath: props.healthCheckPath,
    liveness: props.liveness,
    startup: props.startup,
    command: props.command,
    imagePullPolicy: props.imagePullPolicy,
    env: props.env,
    args: props.args,
    podAnnotations: props.podAnnotations,
    volumes: props.volumes,
    ...workloadPodOptionsOf(props),
    autoscaling: props.autoscaling,
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations,
    topologySpread: props.topologySpread,
    disruptionBudget: props.disruptionBudget,
  };
}

/**
 * Validates the further volumes: distinct names and absolute paths, none taking `/tmp`.
 * @internal
 */
export function checkVolumes(scope: IConstruct, volumes: MeshServiceVolume[] | undefined): void {
  if (volumes === undefined) return;
  if (!Array.isArray(volumes)) {
    invalid(scope, 'volumes', volumes, 'the volumes must be a list', "pass e.g. [{ volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'), path: '/cache' }]");
  }
  volumes.forEach((v, i) => {
    const field = `volumes[${i}]`;
    if (v === null || typeof v !== 'object' || !(v.volume instanceof kplus.Volume)) {
      invalid(scope, `${field}.volume`, v?.volume === undefined ? undefined : String(v.volume), 'each entry needs a cdk8s-plus Volume', "pass e.g. { volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'), path: '/cache' }");
    }
    if (v.volume.name === 'tmp') {
      invalid(scope, `${field}.volume`, v.volume.name, 'the service already has a volume named "tmp" (its writable /tmp)', 'give the volume another name');
    }
    if (typeof v.path !== 'string' || !/^\/\S*$/.test(v.path)) {
      invalid(scope, `${field}.path`, v.path, 'a mount path must be an absolute path without spaces', 'write e.g. "/opt/ibm/wlp/output"');
    }
    if (v.path.replace(/\/+$/, '') === '/tmp') {
      invalid(scope, `${field}.path`, v.path, 'the service already mounts a writable emptyDir at /tmp', 'mount the volume elsewhere, e.g. under /var/lib/<name>');
    }
  });
  checkUnique(scope, 'volumes[].volume.name', volumes.map((v) => v.volume.name), 'give each volume a distinct name');
  checkUnique(scope, 'volumes[].path', volumes.map((v) => v.path.replace(/\/+$/, '')), 'mount each volume at its own path');
}


/**
 * Checks the probe options: a full readiness probe or a health check path, not both.
 * @internal
 */
export function checkWorkloadProbes(scope: IConstruct, options: WorkloadOptions): void {
  for (const k of ['readiness', 'liveness', 'startup'] as const) {
    const probe = options[k] as unknown;
    if (probe !== undefined && !(probe instanceof WorkloadProbe)) {
      const fix = probe instanceof kplus.Probe ? `wrap it: ${k}: WorkloadProbe.fromKplus(probe)` : `use e.g. ${k}: WorkloadProbe.httpGet('/health') or WorkloadProbe.grpc()`;
      invalid(scope, k, probe instanceof kplus.Probe ? 'a cdk8s-plus Probe' : probe, 'a probe must be a WorkloadProbe', fix);
    }
    if (k !== 'readiness' && probe instanceof WorkloadProbe && probe._successThreshold !== undefined && probe._successThreshold !== 1) {
      invalid(scope, `${k}.successThreshold`, probe._successThreshold, `a ${k} probe's success threshold must be 1 (the API server refuses other values)`, 'leave successThreshold out');
    }
  }
  checkExclusive(scope, { readiness: options.readiness, healthCheckPath: options.healthCheckPath }, 'give either a full readiness probe or a health check path, not both');
  if (options.healthCheckPath !== undefined && !/^\/\S*$/.test(options.healthCheckPath)) {
    invalid(scope, 'healthCheckPath', options.healthCheckPath, 'a health check path must be an absolute URL path without spaces', 'write e.g. "/health" or "/ready"');
  }
}

/**
 * Checks the container options: volumes and arguments.
 * @internal
 */
export function checkWorkloadContainer(scope: IConstruct, options: WorkloadOptions): void {
  checkVolumes(scope, options.volumes);
  checkStringList(scope, 'args', options.args, "write e.g. ['--bind_ip_all']");
  checkStringList(scope, 'command', options.command, "write e.g. ['/bin/server', '--port=8080']");
}

/**
 * Checks a container's args or command: a list of strings.
 * @internal
 */
export function checkStringList(scope: IConstruct, field: string, value: string[] | undefined, fix: string): void {
  if (value !== undefined && (!Array.isArray(value) || value.some((a) => typeof a !== 'string'))) {
    invalid(scope, field, value, `the container's ${field.split('.').pop()} must be a list of strings`, fix);
  }
}
