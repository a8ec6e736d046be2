// What a workload's Deployment gets besides its container: pod security context and grace
// period, init containers, probes rendered as written, image pull secrets, and the warning
// about images whose user is unknown.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { WorkloadOptions } from './workload-options';
import { workloadInitContainers } from './workload-pod';
import { WorkloadProbe } from './workload-probe';
import { workloadScheduling } from './workload-scheduling';
import { addFinalPatches } from '../core/final-patch';
import { printOnce } from '../core/mesh-analysis';

/** Context key (or environment variable `CDK8S_ISTIO_IMAGE_USER_WARNING`) that turns the root-image warning off. */
export const IMAGE_USER_WARNING_CONTEXT = 'cdk8s-istio/image-user-warning';

/**
 * The pod-level Deployment props of the options: security context and grace period.
 * @internal
 */
export function workloadPodProps(options: WorkloadOptions): Pick<kplus.DeploymentProps, 'securityContext' | 'terminationGracePeriod'> {
  return {
    securityContext: { ensureNonRoot: true, ...options.podSecurityContext },
    terminationGracePeriod: options.terminationGracePeriod,
  };
}

/** What the Deployment's main container listens on. */
export interface WorkloadPorts {
  /** The main container port (probed by default), if the container listens on any. */
  readonly main: number | undefined;
  /** Every container port. */
  readonly all: readonly number[];
  /** Whether the main port speaks gRPC (the default readiness probe is then a gRPC check). */
  readonly grpc: boolean;
  /** The labels the Deployment selects its pods by. */
  readonly selector: { [key: string]: string };
}

/**
 * Adds to a workload's Deployment what its container props cannot carry: init containers,
 * probes (as written: gRPC, headers, numeric ports), image pull secrets; warns when the
 * image's user is unknown.
 * @internal
 */
export function finishWorkloadDeployment(scope: IConstruct, deployment: kplus.Deployment, options: WorkloadOptions, ports: WorkloadPorts): void {
  for (const init of workloadInitContainers(options)) deployment.addInitContainer(init);
  const patches: JsonPatch[] = [];
  const probe = (field: 'readiness' | 'liveness' | 'startup', p: WorkloadProbe | undefined) => {
    if (p === undefined || p._kplus !== undefined) return;
    patches.push(JsonPatch.add(`/spec/template/spec/containers/0/${field}Probe`, p._render(scope, field, ports.main, ports.all)));
  };
  const readiness = options.readiness ?? (ports.grpc && options.healthCheckPath === undefined ? WorkloadProbe.grpc() : undefined);
  probe('readiness', readiness);
  probe('liveness', options.liveness);
  probe('startup', options.startup);
  for (const [field, value] of Object.entries(workloadScheduling(scope, options, ports.selector))) {
    patches.push(JsonPatch.add(`/spec/template/spec/${field}`, value));
  }
  if (options.imagePullSecrets !== undefined && options.imagePullSecrets.length > 0) {
    patches.push(JsonPatch.add('/spec/template/spec/imagePullSecrets', options.imagePullSecrets.map((name) => ({ name }))));
  }
  if (patches.length > 0) addFinalPatches(ApiObject.of(deployment), patches);
  warnAboutImageUser(scope, options);
}

function imageUserWarningOff(scope: IConstruct): boolean {
  const ctx = scope.node.tryGetContext(IMAGE_USER_WARNING_CONTEXT);
  const env = process.env.CDK8S_ISTIO_IMAGE_USER_WARNING;
  return String(ctx).toLowerCase() === 'off' || String(env).toLowerCase() === 'off';
}

/**
 * Warns when the container must run as non-root but no user is set: the library cannot know
 * the image's user, and an image whose user is root then fails to start.
 */
function warnAboutImageUser(scope: IConstruct, options: WorkloadOptions): void {
  const pod = options.podSecurityContext ?? {};
  const container = options.securityContext ?? {};
  const nonRoot = (container.ensureNonRoot ?? pod.ensureNonRoot ?? true) === true;
  if (!nonRoot || pod.user !== undefined || container.user !== undefined) return;
  scope.node.addValidation({
    validate: () => {
      if (!imageUserWarningOff(scope)) printOnce(scope.node.root, imageUserWarning(scope));
      return [];
    },
  });
}

/**
 * The warning about an image whose user is unknown.
 * @internal
 */
export function imageUserWarning(scope: IConstruct): string {
  return `[${scope.node.path}] Warning: `
    + 'the container must run as non-root (runAsNonRoot), but no user is set and the library cannot know the image\'s user: '
    + 'an image whose user is root (e.g. redis:alpine) fails to start with CreateContainerConfigError. '
    + 'Set the user the image runs as, e.g. podSecurityContext: { user: 1000, group: 1000 }, '
    + `or turn this warning off with the context key ${IMAGE_USER_WARNING_CONTEXT}: off.`;
}
