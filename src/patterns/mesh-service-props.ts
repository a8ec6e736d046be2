// The properties of a MeshService and of its allowFrom rules.
import * as kplus from 'cdk8s-plus-28';
import { MeshServiceObjectOptions, ServiceExternalTrafficPolicy } from './mesh-service-options';
import { MeshServiceVersion } from './mesh-service-version';
import { WorkloadOptions } from './workload-options';
import { Protocol } from '../core/protocol';

/**
 * Properties of a `MeshService`.
 */
export interface MeshServiceProps extends WorkloadOptions, MeshServiceObjectOptions {
  /**
   * The service name: the Kubernetes Service's name, the `app` label of its pods and the
   * host other services call (`<name>.<namespace>.svc.cluster.local`).
   *
   * @default - the construct id
   */
  readonly serviceName?: string;

  /**
   * The namespace of every object of the service.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /** The port the Service listens on, e.g. 9080. */
  readonly port: number;


  /**
   * The application protocol of the port. It becomes the port's name (`http`, `grpc`, ...)
   * and its `appProtocol`, so Istio does not have to guess the protocol.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The versions of the service, one Deployment each. Give either `versions` or `image`.
   *
   * @default - one version `v1` running `image`
   */
  readonly versions?: MeshServiceVersion[];

  /**
   * How the Deployments are named and select their pods. `VERSIONED`: one Deployment
   * `<service>-<version>` per version, selecting `app` and `version`. `PLAIN`: a single
   * Deployment named `<service>` selecting `app` only (its pods still carry the `version`
   * label), e.g. to adopt a running app without renaming its Deployment: a Deployment's
   * selector is immutable, so a renamed or re-selected Deployment must be deleted and
   * created anew. `PLAIN` allows one version only.
   *
   * @default DeploymentNaming.VERSIONED
   */
  readonly deploymentNaming?: DeploymentNaming;

  /**
   * Shorthand for a single version `v1` running this image.
   *
   * @default - none; `versions` must be given
   */
  readonly image?: string;


}

/**
 * Options of an `allowFrom...` rule: which requests the caller may make.
 */
export interface MeshServiceAllowOptions {
  /**
   * HTTP methods the caller may use, e.g. `['GET']`.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Request paths the caller may use, e.g. `['/reviews/*']`.
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Service ports the caller may use, each one of the service's ports (`port` or an
   * `additionalPorts` entry). Rendered as the matching container ports, which is what
   * Istio's authorization matches.
   *
   * @default - every port of the service
   */
  readonly ports?: number[];
}

/** How a MeshService names its Deployments (see `MeshServiceProps.deploymentNaming`). */
export enum DeploymentNaming {
  /** One Deployment `<service>-<version>` per version, selecting `app` and `version`. */
  VERSIONED = 'VERSIONED',
  /** One Deployment `<service>` selecting `app` only (a single version). */
  PLAIN = 'PLAIN',
}

/** Options of a further Service of a MeshService (`addService`). */
export interface MeshServiceExtraServiceOptions {
  /**
   * The Service type, e.g. `kplus.ServiceType.LOAD_BALANCER`.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * How the Service routes traffic from outside the cluster (NodePort and LoadBalancer only).
   *
   * @default - Kubernetes' default (`Cluster`)
   */
  readonly externalTrafficPolicy?: ServiceExternalTrafficPolicy;
}
