import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain, checkNonEmpty, checkPort, checkPositiveInteger, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { RuleOperation } from '../security/authorization-rule';
import { Principal } from '../security/principal';

/**
 * One version of a mesh service: a Deployment whose pods carry `app` and `version` labels.
 */
export interface MeshServiceVersion {
  /**
   * The version label value (`version: v1`), used by DestinationRule subsets.
   * A DNS-1123 label such as `v1` or `v2-beta`.
   */
  readonly version: string;

  /** The container image, e.g. `docker.io/istio/examples-bookinfo-reviews-v1:1.20.3`. */
  readonly image: string;

  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Environment variables of the container.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };
}

/**
 * Properties of a `MeshService`.
 */
export interface MeshServiceProps {
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
   * The port the container listens on.
   *
   * @default - the same as `port`
   */
  readonly containerPort?: number;

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
   * Shorthand for a single version `v1` running this image.
   *
   * @default - none; `versions` must be given
   */
  readonly image?: string;

  /**
   * The ServiceAccount name, which becomes the workload's mesh identity
   * (`cluster.local/ns/<namespace>/sa/<name>`).
   *
   * @default - the service name
   */
  readonly serviceAccountName?: string;

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
   * The readiness probe of each container.
   *
   * @default - a TCP check of the container port
   */
  readonly readiness?: kplus.Probe;
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
}

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};

/** The identity of Istio's default ingress gateway deployment. */
const INGRESS_GATEWAY_PRINCIPAL = Principal.serviceAccount('istio-system', 'istio-ingressgateway-service-account');

/**
 * A Bookinfo-style mesh service: a ServiceAccount (its mesh identity), a Service with a
 * protocol-named port, and one Deployment per version, whose pods carry `app` and `version`
 * labels behind one shared Service selector.
 *
 * Who may call it is declared with `allowFrom(otherService)`, `allowFromNamespace(ns)` and
 * `allowFromIngressGateway()`, which add rules to the service's ALLOW AuthorizationPolicy;
 * paired with a default-deny namespace (see `MtlsNamespace`) only those callers get through.
 *
 * @example
 * const reviews = new MeshService(chart, 'reviews', {
 *   port: 9080,
 *   versions: [{ version: 'v1', image: 'reviews-v1:1.20.3' }, { version: 'v2', image: 'reviews-v2:1.20.3' }],
 * });
 * reviews.allowFrom(productpage, { methods: ['GET'] });
 */
export class MeshService extends Construct {
  /** The service name (Service name and `app` label). */
  public readonly serviceName: string;

  /** The port the Service listens on. */
  public readonly port: number;

  /** The application protocol of the port. */
  public readonly protocol: Protocol;

  /** The Kubernetes Service. */
  public readonly service: kplus.Service;

  /** The ServiceAccount whose identity the pods carry. */
  public readonly serviceAccount: kplus.ServiceAccount;

  private readonly explicitNamespace?: string;
  private readonly deployments = new Map<string, kplus.Deployment>();
  private readonly props: MeshServiceProps;
  private allowPolicy?: AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    this.props = props;
    this.serviceName = props.serviceName ?? id;
    this.explicitNamespace = props.namespace;
    this.port = props.port;
    this.protocol = props.protocol ?? Protocol.HTTP;
    checkDns1123Label(this, 'serviceName', this.serviceName);
    checkDns1123Label(this, 'namespace', props.namespace);
    checkPort(this, 'port', props.port);
    checkPort(this, 'containerPort', props.containerPort);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
    if (props.versions !== undefined && props.image !== undefined) {
      invalid(this, 'versions and image', { versions: props.versions.map((v) => v.version), image: props.image }, 'these fields are mutually exclusive', 'give `image` for a single v1 deployment, or list every version in `versions`');
    }
    const versions = props.versions ?? (props.image !== undefined ? [{ version: 'v1', image: props.image }] : undefined);
    if (versions === undefined) {
      invalid(this, 'versions', undefined, 'a mesh service needs at least one version to run', "give `image: 'my-image:1.0'` or `versions: [{ version: 'v1', image: 'my-image:1.0' }]`");
    }
    checkNonEmpty(this, 'versions', versions, "list at least one version, e.g. [{ version: 'v1', image: 'my-image:1.0' }]");
    checkUnique(this, 'versions[].version', versions.map((v) => v.version), 'give each version a distinct label value');

    const metadata = (name: string) => ({ name, namespace: this.explicitNamespace, labels: { app: this.serviceName } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata(props.serviceAccountName ?? this.serviceName), labels: { account: this.serviceName } },
      automountToken: false,
    });

    const portName = this.protocol.toLowerCase();
    this.service = new kplus.Service(this, 'Service', {
      metadata: { ...metadata(this.serviceName), labels: { app: this.serviceName, service: this.serviceName } },
      ports: [{ name: portName, port: this.port, targetPort: props.containerPort ?? this.port }],
    });
    this.service.selectLabel('app', this.serviceName);
    // cdk8s-plus has no appProtocol; it tells Istio (and Kubernetes) the protocol explicitly.
    ApiObject.of(this.service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', portName));

    versions.forEach((v) => this.addVersion(v));
  }

  /** The namespace of the service's objects, if known (its own or its chart's). */
  public get namespace(): string | undefined {
    return this.explicitNamespace ?? Chart.of(this).namespace;
  }

  /** The version labels, in the order they were added. */
  public get versions(): string[] {
    return [...this.deployments.keys()];
  }

  /** Selects every pod of the service (all versions): `app=<serviceName>`. */
  public get selector(): WorkloadSelector {
    return WorkloadSelector.fromLabels({ app: this.serviceName });
  }

  /**
   * The service's in-mesh host name: `<name>.<namespace>.svc.cluster.local`, or the short
   * name when the namespace is not known.
   */
  public get host(): string {
    const ns = this.namespace;
    return ns ? `${this.serviceName}.${ns}.svc.cluster.local` : this.serviceName;
  }

  /**
   * The mesh identity of the service's pods: the principal of its ServiceAccount,
   * `cluster.local/ns/<namespace>/sa/<serviceAccountName>`.
   */
  public get principal(): Principal {
    return Principal.fromServiceAccount(this.serviceAccount);
  }

  /** The Deployment of one version. */
  public deployment(version: string): kplus.Deployment {
    const d = this.deployments.get(version);
    if (!d) {
      invalid(this, 'version', version, `the service has no such version (it has ${this.versions.join(', ')})`, 'use one of its versions, or add it with addVersion()');
    }
    return d;
  }

  /**
   * Adds a version: a Deployment `<serviceName>-<version>` whose pods carry
   * `app=<serviceName>` and `version=<version>`.
   */
  public addVersion(version: MeshServiceVersion): kplus.Deployment {
    checkDns1123Label(this, 'version', version.version);
    if (this.deployments.has(version.version)) {
      invalid(this, 'version', version.version, 'the service already has this version', 'give each version a distinct label value');
    }
    if (!version.image) {
      invalid(this, `versions[${version.version}].image`, version.image, 'a version needs a container image', "give an image such as 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'");
    }
    checkPositiveInteger(this, `versions[${version.version}].replicas`, version.replicas, 0);
    const labels = { app: this.serviceName, version: version.version };
    const containerPort = this.props.containerPort ?? this.port;
    const deployment = new kplus.Deployment(this, `Deployment-${version.version}`, {
      metadata: { name: `${this.serviceName}-${version.version}`, namespace: this.explicitNamespace, labels },
      replicas: version.replicas ?? 1,
      select: false,
      serviceAccount: this.serviceAccount,
      podMetadata: { labels },
      securityContext: { ensureNonRoot: true },
      containers: [{
        name: this.serviceName,
        image: version.image,
        portNumber: containerPort,
        envVariables: Object.fromEntries(Object.entries(version.env ?? {}).map(([k, val]) => [k, kplus.EnvValue.fromValue(val)])),
        resources: this.props.resources ?? DEFAULT_RESOURCES,
        securityContext: {
          ensureNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          ...this.props.securityContext,
        },
        readiness: this.props.readiness ?? kplus.Probe.fromTcpSocket({ port: containerPort }),
        volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, `tmp-${version.version}`, 'tmp') }],
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    this.deployments.set(version.version, deployment);
    return deployment;
  }

  /**
   * Allows another mesh service to call this one: a rule in this service's ALLOW policy
   * whose principal is the caller's real ServiceAccount identity.
   */
  public allowFrom(caller: MeshService, options: MeshServiceAllowOptions = {}): MeshService {
    return this.allow({ principals: [caller.principal] }, options);
  }

  /** Allows every workload of a namespace to call this service. */
  public allowFromNamespace(namespace: string, options: MeshServiceAllowOptions = {}): MeshService {
    checkDns1123Label(this, 'allowFromNamespace namespace', namespace);
    return this.allow({ namespaces: [namespace] }, options);
  }

  /**
   * Allows Istio's ingress gateway (`istio-system/istio-ingressgateway-service-account`)
   * to call this service, i.e. traffic from outside the mesh routed by a Gateway.
   */
  public allowFromIngressGateway(options: MeshServiceAllowOptions = {}): MeshService {
    return this.allow({ principals: [INGRESS_GATEWAY_PRINCIPAL] }, options);
  }

  /** The ALLOW AuthorizationPolicy built by the `allowFrom...` methods, if any. */
  public get authorizationPolicy(): AuthorizationPolicy | undefined {
    return this.allowPolicy;
  }

  private allow(source: { principals?: Principal[]; namespaces?: string[] }, options: MeshServiceAllowOptions): MeshService {
    if (this.namespace === undefined) {
      invalid(this, 'namespace', undefined, 'an authorization policy protects the service in its namespace, and this service has none', 'give the MeshService a `namespace`, or create it in a Chart with a namespace');
    }
    const operation: RuleOperation | undefined = options.methods || options.paths
      ? { methods: options.methods, paths: options.paths }
      : undefined;
    if (!this.allowPolicy) {
      this.allowPolicy = new AuthorizationPolicy(this, 'Allow', {
        metadata: { name: this.serviceName, namespace: this.explicitNamespace },
        selector: this.selector,
      });
    }
    this.allowPolicy.addRule({ sources: [source], operations: operation ? [operation] : undefined });
    return this;
  }
}
