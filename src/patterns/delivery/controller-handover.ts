// What changes when a delivery controller (Flagger, Argo Rollouts) takes over a MeshService's
// workload. Shared by FlaggerCanary and ArgoRollout.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { namespaceDataplaneOf } from '../../ambient/ambient-namespace';
import { invalid } from '../../core/errors';
import { MeshService } from '../mesh-service';

/**
 * The pod label a controller leaves unchanged on every copy of the pods: Istio's canonical
 * service name (the injector keeps a value that is already set, so telemetry also names the
 * service the same for every copy).
 * @internal
 */
export const CANONICAL_NAME_LABEL = 'service.istio.io/canonical-name';

/**
 * The single Deployment of a service a controller takes over.
 * @internal
 */
export interface HandedOverWorkload {
  readonly deployment: kplus.Deployment;
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The namespace the objects are in (the service's own or its chart's). */
  readonly namespace: string;
}

/**
 * Checks that `target` is a service a controller can take over: one Deployment named after
 * the service (`DeploymentNaming.PLAIN`), a namespace, sidecar mode; and that no other
 * controller has it.
 * @internal
 */
export function takeOver(scope: IConstruct, field: string, target: MeshService, controller: string): HandedOverWorkload {
  if (!(target instanceof MeshService)) {
    invalid(scope, field, target === undefined ? undefined : String(target), `${controller} takes over the workload of a MeshService`, 'pass the MeshService whose Deployment the controller rolls out');
  }
  const versions = target.versions;
  const deployment = target.deployment(versions[0]);
  if (versions.length !== 1 || deployment.name !== target.serviceName) {
    invalid(scope, `${field} ${target.node.path}`, versions, `${controller} rolls out ONE workload named after the service ("${target.serviceName}") and runs the previous version itself, and this service has ${versions.length === 1 ? `the Deployment "${deployment.name}"` : `${versions.length} versions`}`, 'create the MeshService with deploymentNaming: DeploymentNaming.PLAIN and one version (the one to roll out), e.g. image: \'my-image:2.0\'');
  }
  const owner = OWNERS.get(target);
  if (owner !== undefined) {
    invalid(scope, `${field} ${target.node.path}`, target.serviceName, `the service's workload is already rolled out by ${owner}`, 'give each service one delivery controller');
  }
  OWNERS.set(target, controller);
  const namespace = target.namespace;
  if (namespace === undefined) {
    invalid(scope, `${field} ${target.node.path}`, undefined, `${controller}'s objects name the service's namespace, and the service has none`, 'give the MeshService a `namespace`, or create it in a Chart (or MtlsNamespace) with a namespace');
  }
  if (namespaceDataplaneOf(target, namespace)?.ambient === true) {
    invalid(scope, `${field} ${target.node.path}`, namespace, `the namespace is in ambient mode, and ${controller}'s Istio integration routes with sidecar VirtualServices and DestinationRule subsets`, 'run the service with sidecars (DataplaneMode.SIDECAR), or use a CanaryService without a controller (it routes ambient services with an HTTPRoute)');
  }
  const autoscaler = target.node.tryFindChild(`Autoscaler-${versions[0]}`);
  return { deployment, autoscaler: autoscaler instanceof kplus.HorizontalPodAutoscaler ? autoscaler : undefined, namespace };
}

const OWNERS = new WeakMap<MeshService, string>();

/**
 * Makes the service's policies and its PodDisruptionBudget select its pods by the
 * canonical-name label, which every copy of the pods keeps (Flagger renames the `app` label of
 * its primary pods to `<name>-primary`, so an `app` selector would miss the pods serving).
 * @internal
 */
export function selectByCanonicalName(target: MeshService, deployment: kplus.Deployment): void {
  if (deployment.podMetadata.getLabel(CANONICAL_NAME_LABEL) === undefined) deployment.podMetadata.addLabel(CANONICAL_NAME_LABEL, target.serviceName);
  const labels = { [CANONICAL_NAME_LABEL]: deployment.podMetadata.getLabel(CANONICAL_NAME_LABEL)! };
  target._selectPodsBy(labels);
  const budget = target.node.tryFindChild(`DisruptionBudget-${target.versions[0]}`);
  if (budget instanceof ApiObject) budget.addJsonPatch(JsonPatch.replace('/spec/selector', { matchLabels: labels }));
}

/**
 * Leaves an object out of the synthesized manifests (the controller creates it).
 * @internal
 */
export function leaveToController(construct: IConstruct): void {
  construct.node.scope?.node.tryRemoveChild(construct.node.id);
}

/**
 * Points an autoscaler at another workload kind (e.g. the Rollout that replaces a Deployment).
 * @internal
 */
export function retargetAutoscaler(autoscaler: kplus.HorizontalPodAutoscaler, ref: { apiVersion: string; kind: string; name: string }): void {
  ApiObject.of(autoscaler).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef', { ...ref }));
}
