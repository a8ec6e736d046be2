// Pod-level options of a workload (security context, termination grace period, init
// containers, image pull secrets) and its mesh enrolment (sidecar injection, ambient
// opt-out, proxy resources, holdApplicationUntilProxyStarts).
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { SECURE_CONTAINER_CONTEXT, envVariables } from './container-defaults';
import { checkDns1123Label, checkDns1123Subdomain, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';

/** An init container: runs to completion before the workload's containers start. */
export interface WorkloadInitContainer {
  /** The container name, a DNS-1123 label distinct from the main container's. */
  readonly name: string;

  /** The container image, pulled with the workload's `imagePullPolicy`. */
  readonly image: string;

  /**
   * The entrypoint (the image's `ENTRYPOINT` is replaced).
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments (the image's `CMD` is replaced).
   *
   * @default - the image's arguments
   */
  readonly args?: string[];

  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * Resource requests and limits.
   *
   * @default - requests cpu 10m / memory 16Mi, limits cpu 100m / memory 64Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * The container security context, merged over the same secure default as the main
   * container's (non-root, no privilege escalation, read-only root filesystem).
   *
   * @default - non-root, no privilege escalation, read-only root filesystem
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;
}

/** Resources of the Istio sidecar of a workload's pods (Istio's `sidecar.istio.io/proxy*` annotations). */
export interface ProxyResources {
  /**
   * CPU request of the proxy, e.g. `kplus.Cpu.millis(100)`.
   *
   * @default - the mesh default (100m)
   */
  readonly cpuRequest?: kplus.Cpu;

  /**
   * CPU limit of the proxy.
   *
   * @default - the mesh default (2000m)
   */
  readonly cpuLimit?: kplus.Cpu;

  /**
   * Memory request of the proxy, e.g. `Size.mebibytes(128)`.
   *
   * @default - the mesh default (128Mi)
   */
  readonly memoryRequest?: Size;

  /**
   * Memory limit of the proxy.
   *
   * @default - the mesh default (1Gi)
   */
  readonly memoryLimit?: Size;
}

/** The pod-level options of a workload. */
export interface WorkloadPodOptions {
  /**
   * The pod security context (user, group, fsGroup, ...). Non-root is always required
   * unless loosened explicitly with `ensureNonRoot: false`. Set the user the image runs as
   * (e.g. `{ user: 1000, group: 1000, fsGroup: 1000 }`): with only `runAsNonRoot`, an image
   * whose default user is root fails to start (CreateContainerConfigError).
   *
   * @default - { ensureNonRoot: true }
   */
  readonly podSecurityContext?: kplus.PodSecurityContextProps;

  /**
   * Time the pods get to shut down after SIGTERM, e.g. `Duration.seconds(5)`.
   *
   * @default Duration.seconds(30) (Kubernetes' default)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * The name of the main container, e.g. `server`.
   *
   * @default - the service name
   */
  readonly containerName?: string;

  /**
   * Init containers run before the main container, in order.
   *
   * @default - none
   */
  readonly initContainers?: WorkloadInitContainer[];

  /**
   * Names of Secrets (of type `kubernetes.io/dockerconfigjson`) holding the credentials to
   * pull the images.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Sidecar injection for these pods (the `sidecar.istio.io/inject` label), overriding the
   * namespace's setting: `false` keeps the pods out of the sidecar mesh.
   *
   * @default - the namespace decides
   */
  readonly sidecarInjection?: boolean;

  /**
   * Keeps these pods out of ambient mode (the `istio.io/dataplane-mode: none` label) in an
   * ambient namespace.
   *
   * @default false
   */
  readonly ambientOptOut?: boolean;

  /**
   * Resources of the injected Istio sidecar.
   *
   * @default - the mesh defaults
   */
  readonly proxyResources?: ProxyResources;

  /**
   * Starts the application container only once the sidecar is ready (Istio's
   * `holdApplicationUntilProxyStarts` proxy config), for applications that call out at
   * start-up.
   *
   * @default - the mesh default (false)
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
}

const INIT_DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
};

/**
 * The pod-level options among `props`.
 * @internal
 */
export function workloadPodOptionsOf(props: WorkloadPodOptions): WorkloadPodOptions {
  return {
    podSecurityContext: props.podSecurityContext,
    terminationGracePeriod: props.terminationGracePeriod,
    containerName: props.containerName,
    initContainers: props.initContainers,
    imagePullSecrets: props.imagePullSecrets,
    sidecarInjection: props.sidecarInjection,
    ambientOptOut: props.ambientOptOut,
    proxyResources: props.proxyResources,
    holdApplicationUntilProxyStarts: props.holdApplicationUntilProxyStarts,
  };
}

/**
 * Checks the pod-level options.
 * @internal
 */
export function checkWorkloadPod(scope: IConstruct, options: WorkloadPodOptions, mainContainer: string): void {
  checkDns1123Label(scope, 'containerName', options.containerName);
  if (options.terminationGracePeriod !== undefined) {
    const d = options.terminationGracePeriod;
    if (d === null || typeof (d as Partial<Duration>).toMilliseconds !== 'function') {
      invalid(scope, 'terminationGracePeriod', d, 'a duration must be a cdk8s Duration', 'use e.g. Duration.seconds(5)');
    }
    if (d.toMilliseconds() % 1000 !== 0) {
      invalid(scope, 'terminationGracePeriod', `${d.toMilliseconds()}ms`, 'Kubernetes counts the grace period in whole seconds', 'use e.g. Duration.seconds(5)');
    }
  }
  const inits = options.initContainers ?? [];
  if (!Array.isArray(inits)) invalid(scope, 'initContainers', inits, 'the init containers must be a list', "pass e.g. [{ name: 'migrate', image: 'app:1', command: ['./migrate'] }]");
  inits.forEach((c, i) => {
    if (c === null || typeof c !== 'object') invalid(scope, `initContainers[${i}]`, c, 'an init container must be an object', "pass e.g. { name: 'migrate', image: 'app:1' }");
    if (c.name === undefined) invalid(scope, `initContainers[${i}].name`, undefined, 'an init container needs a name', "pass e.g. name: 'migrate'");
    checkDns1123Label(scope, `initContainers[${i}].name`, c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '' || /\s/.test(c.image)) {
      invalid(scope, `initContainers[${i}].image`, c.image, 'an init container needs an image reference without whitespace', "give e.g. 'busybox:1.36'");
    }
    for (const k of ['command', 'args'] as const) {
      const v = c[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((a) => typeof a !== 'string'))) {
        invalid(scope, `initContainers[${i}].${k}`, v, `the ${k} must be a list of strings`, "write e.g. ['sh', '-c', 'echo ready']");
      }
    }
  });
  checkUnique(scope, 'container names', [mainContainer, ...inits.map((c) => c.name)], 'give every container of the pod its own name');
  (options.imagePullSecrets ?? []).forEach((n, i) => checkDns1123Subdomain(scope, `imagePullSecrets[${i}]`, n));
  if (options.ambientOptOut === true && options.sidecarInjection === true) {
    invalid(scope, 'ambientOptOut', true, 'the pods cannot be injected with a sidecar and opted out of ambient mode at once: with sidecarInjection true they are in the sidecar mesh already', 'keep one of the two');
  }
}

/**
 * The Kubernetes quantity of a CPU or memory amount.
 */
function quantity(v: kplus.Cpu | Size): string {
  return v instanceof Size ? `${v.toMebibytes()}Mi` : v.amount;
}

/**
 * Labels and annotations the options add to the pod template.
 * @internal
 */
export function workloadPodMetadata(options: WorkloadPodOptions): { labels: { [k: string]: string }; annotations: { [k: string]: string } } {
  const labels: { [k: string]: string } = {};
  const annotations: { [k: string]: string } = {};
  if (options.sidecarInjection !== undefined) labels['sidecar.istio.io/inject'] = String(options.sidecarInjection);
  if (options.ambientOptOut === true) labels['istio.io/dataplane-mode'] = 'none';
  const r = options.proxyResources;
  if (r?.cpuRequest) annotations['sidecar.istio.io/proxyCPU'] = quantity(r.cpuRequest);
  if (r?.cpuLimit) annotations['sidecar.istio.io/proxyCPULimit'] = quantity(r.cpuLimit);
  if (r?.memoryRequest) annotations['sidecar.istio.io/proxyMemory'] = quantity(r.memoryRequest);
  if (r?.memoryLimit) annotations['sidecar.istio.io/proxyMemoryLimit'] = quantity(r.memoryLimit);
  if (options.holdApplicationUntilProxyStarts !== undefined) {
    annotations['proxy.istio.io/config'] = JSON.stringify({ holdApplicationUntilProxyStarts: options.holdApplicationUntilProxyStarts });
  }
  return { labels, annotations };
}

/**
 * The init containers as cdk8s-plus container props, secure by default.
 * @internal
 */
export function workloadInitContainers(options: WorkloadPodOptions & { readonly imagePullPolicy?: kplus.ImagePullPolicy }): kplus.ContainerProps[] {
  return (options.initContainers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    imagePullPolicy: options.imagePullPolicy,
    command: c.command,
    args: c.args,
    envVariables: envVariables(c.env),
    resources: c.resources ?? INIT_DEFAULT_RESOURCES,
    securityContext: { ...SECURE_CONTAINER_CONTEXT, ...c.securityContext },
  }));
}
