// A mesh workload without a Service: a client, bot, load generator, job runner or worker,
// with its own identity, so services can allow it and its egress can be locked down.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMeshWorkload } from './mesh-workload-ref';
import { workloadContainer } from './workload-container';
import { checkContainerPorts, WorkloadContainerPort } from './workload-container-port';
import { finishWorkloadDeployment, workloadPodProps } from './workload-deployment';
import { checkWorkloadContainer, checkWorkloadProbes, WorkloadOptions } from './workload-options';
import { checkWorkloadPod, workloadPodMetadata } from './workload-pod';
import { checkWorkloadScaling, scaleDeployment } from './workload-scaling';
import { checkDns1123Label, checkDns1123Subdomain, checkPositiveInteger, checkRequiredProps, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { WorkloadSelector } from '../core/workload-selector';
import { Principal } from '../security/principal';

/** Properties of a `MeshWorkload`. */
export interface MeshWorkloadProps extends WorkloadOptions {
  /**
   * The workload's name: the Deployment's name and the `app` label of its pods.
   *
   * @default - the construct id
   */
  readonly workloadName?: string;

  /**
   * The namespace of the workload's objects.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /** The container image. */
  readonly image: string;

  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * The ServiceAccount name, the workload's mesh identity.
   *
   * @default - the workload name
   */
  readonly serviceAccountName?: string;

  /**
   * Ports the container listens on (none for a pure client), e.g. for its probes or metrics.
   *
   * @default - none
   */
  readonly containerPorts?: WorkloadContainerPort[];
}

/**
 * A mesh workload without a Service: a ServiceAccount (its identity) and a Deployment whose
 * pods carry `app=<name>`, locked down like a MeshService's (non-root, no privilege
 * escalation, read-only root filesystem with a writable `/tmp`, requests and limits). Pass it
 * to `allowFrom()` of the services it calls and as the `workload` of an `EgressLockdown`.
 *
 * @example
 * const loadgen = new MeshWorkload(shop, 'loadgenerator', { image: 'loadgenerator:v0.10.6', env: { FRONTEND_ADDR: 'frontend:80' } });
 * frontend.allowFrom(loadgen, { methods: ['GET', 'POST'] });
 */
export class MeshWorkload extends Construct implements IMeshWorkload {
  /** The workload's name (Deployment name and `app` label). */
  public readonly workloadName: string;

  /** The ServiceAccount whose identity the pods carry. */
  public readonly serviceAccount: kplus.ServiceAccount;

  /** The Deployment. */
  public readonly deployment: kplus.Deployment;

  private readonly explicitNamespace?: string;

  public constructor(scope: Construct, id: string, props: MeshWorkloadProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this);
    checkRequiredProps(this, 'a MeshWorkload', props, { image: "'my-client:1.0'" });
    this.workloadName = props.workloadName ?? id;
    this.explicitNamespace = props.namespace;
    checkDns1123Label(this, 'workloadName', this.workloadName);
    checkDns1123Label(this, 'namespace', props.namespace);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
    checkPositiveInteger(this, 'replicas', props.replicas, 0);
    if (typeof props.image !== 'string' || props.image.trim() === '' || /\s/.test(props.image)) {
      invalid(this, 'image', props.image, 'a workload needs a container image reference without whitespace', "give e.g. 'us-docker.pkg.dev/project/loadgenerator:v1'");
    }
    checkWorkloadProbes(this, props);
    checkWorkloadContainer(this, props);
    checkWorkloadPod(this, props, props.containerName ?? this.workloadName);
    checkContainerPorts(this, props.containerPorts);
    checkWorkloadScaling(this, props);
    if (props.replicas !== undefined && props.autoscaling !== undefined) {
      invalid(this, 'replicas', props.replicas, 'the workload is autoscaled: its HorizontalPodAutoscaler sets the replicas', 'leave replicas out, or set autoscaling.minReplicas');
    }
    const ports = props.containerPorts ?? [];
    checkUnique(this, 'containerPorts[].number', ports.map((p) => String(p.number)), 'give each container port its own number');
    checkUnique(this, 'containerPorts[].name', ports.flatMap((p) => (p.name === undefined ? [] : [p.name])), 'give each container port its own name');
    if (props.healthCheckPath !== undefined && ports.length === 0) {
      invalid(this, 'healthCheckPath', props.healthCheckPath, 'the workload listens on no port, so there is nothing to send the health check to', 'declare the port in `containerPorts`, or leave healthCheckPath out');
    }

    const labels = { app: this.workloadName };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.serviceAccountName ?? this.workloadName, namespace: this.explicitNamespace, labels: { account: this.workloadName } },
      automountToken: false,
    });
    const pod = workloadPodMetadata(props);
    const annotations = { ...pod.annotations, ...props.podAnnotations };
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: this.workloadName, namespace: this.explicitNamespace, labels },
      replicas: props.autoscaling !== undefined ? undefined : props.replicas ?? 1,
      select: false,
      serviceAccount: this.serviceAccount,
      podMetadata: { labels: { ...pod.labels, ...labels }, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      ...workloadPodProps(props),
      containers: [workloadContainer(this, props, {
        name: this.workloadName,
        image: props.image,
        ports: ports.map((p) => ({ number: p.number, name: p.name })),
        env: { ...props.env },
        tmpVolumeId: 'tmp',
      }, false)],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    scaleDeployment(this, 'workload', this.deployment, labels, props);
    finishWorkloadDeployment(this, this.deployment, props, {
      main: ports[0]?.number, all: ports.map((p) => p.number), grpc: false, selector: labels,
    });
  }

  /** The namespace of the workload's objects, if known (its own or its chart's). */
  public get namespace(): string | undefined {
    return this.explicitNamespace ?? Chart.of(this).namespace;
  }

  /** Selects the workload's pods: `app=<workloadName>`. */
  public get selector(): WorkloadSelector {
    return WorkloadSelector.fromLabels({ app: this.workloadName });
  }

  /** The mesh identity of the pods: `cluster.local/ns/<namespace>/sa/<serviceAccountName>`. */
  public get principal(): Principal {
    return Principal.fromServiceAccount(this.serviceAccount);
  }
}
