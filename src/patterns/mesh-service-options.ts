// The Service-side options every pattern that runs a service takes (MeshService, CanaryService):
// ports, Service type and IP families, the ServiceAccount. One interface, so the patterns
// cannot drift apart.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { MeshServicePort } from './mesh-service-port';
import { ServiceIpFamily, ServiceIpFamilyPolicy } from './service-ip-family';
import { WorkloadContainerPort } from './workload-container-port';
import { invalid } from '../core/errors';

/**
 * How a Service routes traffic arriving from outside the cluster (NodePort and LoadBalancer
 * Services only).
 */
export enum ServiceExternalTrafficPolicy {
  /** Any node forwards to any ready pod (the client's source address is lost). */
  CLUSTER = 'Cluster',
  /** Only nodes running a pod of the service accept the traffic; the client's address is kept. */
  LOCAL = 'Local',
}

/**
 * The Service, port and identity options of a pattern that runs a mesh service.
 */
export interface MeshServiceObjectOptions {
  /**
   * The port the container listens on.
   *
   * @default - the same as `port`
   */
  readonly containerPort?: number;

  /**
   * The name of the main port (Service port and container port), an IANA service name such
   * as `tcp-redis` or `grpc`. Any such name works: the library also sets the port's
   * `appProtocol`, which Istio reads before the name.
   *
   * @default - the protocol in lower case (`http`, `grpc`, `tcp`, ...)
   */
  readonly portName?: string;

  /**
   * Further ports of the service (the main one is `port`), each with its own Service port,
   * `appProtocol` and container port.
   *
   * @default - only the main port
   */
  readonly additionalPorts?: MeshServicePort[];

  /**
   * Ports the container listens on that the Service does not expose, e.g. a metrics port
   * scraped directly from the pods.
   *
   * @default - none
   */
  readonly containerPorts?: WorkloadContainerPort[];

  /**
   * The ServiceAccount name, which becomes the workload's mesh identity
   * (`cluster.local/ns/<namespace>/sa/<name>`).
   *
   * @default - the service name
   */
  readonly serviceAccountName?: string;

  /**
   * The type of the service's Service, e.g. `kplus.ServiceType.NODE_PORT` to reach it on
   * every node (the per-version Services of `addVersionService()` stay `ClusterIP`).
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * How the Service routes traffic from outside the cluster; only for NodePort and
   * LoadBalancer Services.
   *
   * @default - Kubernetes' default (`Cluster`)
   */
  readonly externalTrafficPolicy?: ServiceExternalTrafficPolicy;

  /**
   * The IP family policy of the service's Services (its own and those of
   * `addVersionService()`), e.g. `ServiceIpFamilyPolicy.REQUIRE_DUAL_STACK`.
   *
   * @default - the cluster's default (SingleStack)
   */
  readonly ipFamilyPolicy?: ServiceIpFamilyPolicy;

  /**
   * The IP families of the service's Services, in order of preference (one or two), e.g.
   * `[ServiceIpFamily.IPV6, ServiceIpFamily.IPV4]`.
   *
   * @default - the cluster's default
   */
  readonly ipFamilies?: ServiceIpFamily[];
}

/**
 * The Service options among `props` (to pass them on to another construct).
 * @internal
 */
export function meshServiceObjectOptionsOf(props: MeshServiceObjectOptions): MeshServiceObjectOptions {
  return {
    containerPort: props.containerPort,
    portName: props.portName,
    additionalPorts: props.additionalPorts,
    containerPorts: props.containerPorts,
    serviceAccountName: props.serviceAccountName,
    serviceType: props.serviceType,
    externalTrafficPolicy: props.externalTrafficPolicy,
    ipFamilyPolicy: props.ipFamilyPolicy,
    ipFamilies: props.ipFamilies,
  };
}

/**
 * Checks the external traffic policy: a known value, on a NodePort or LoadBalancer Service.
 * @internal
 */
export function checkExternalTrafficPolicy(scope: IConstruct, props: MeshServiceObjectOptions, prefix?: string): void {
  const policy = props.externalTrafficPolicy;
  if (policy === undefined) return;
  const field = prefix ? `${prefix} externalTrafficPolicy` : 'externalTrafficPolicy';
  if (!Object.values(ServiceExternalTrafficPolicy).includes(policy)) {
    invalid(scope, field, policy, 'unknown external traffic policy', 'use ServiceExternalTrafficPolicy.CLUSTER or ServiceExternalTrafficPolicy.LOCAL');
  }
  const type = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
  if (type !== kplus.ServiceType.NODE_PORT && type !== kplus.ServiceType.LOAD_BALANCER) {
    invalid(scope, field, policy, `only NodePort and LoadBalancer Services take traffic from outside the cluster, and this Service is ${type} (the API server refuses the field)`, 'set serviceType: kplus.ServiceType.LOAD_BALANCER (or NODE_PORT), or leave externalTrafficPolicy out');
  }
}
