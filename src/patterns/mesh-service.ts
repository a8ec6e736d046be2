import { ApiObject, ApiObjectMetadata, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkUseWaypoint, servingWaypoint } from './mesh-service-ambient';
import { createPortsService } from './mesh-service-objects';
import { checkExternalTrafficPolicy, ServiceExternalTrafficPolicy } from './mesh-service-options';
import { checkProtocol, MeshServicePort, ResolvedPort, resolvePorts } from './mesh-service-port';
import { DeploymentNaming, MeshServiceAllowOptions, MeshServiceExtraServiceOptions, MeshServiceProps } from './mesh-service-props';
import { MeshServiceVersion } from './mesh-service-version';
import { IMeshWorkload } from './mesh-workload-ref';
import { checkIpFamilies } from './service-ip-family';
import { workloadContainer } from './workload-container';
import { finishWorkloadDeployment, workloadPodProps } from './workload-deployment';
import { checkStringList, checkWorkloadContainer, checkWorkloadProbes } from './workload-options';
import { checkWorkloadPod, workloadPodMetadata } from './workload-pod';
import { checkWorkloadScaling, scaleDeployment } from './workload-scaling';
import { WaypointBinding } from '../ambient/ambient-namespace';
import type { Waypoint } from '../ambient/waypoint';
import { checkDns1123Label, checkDns1123Subdomain, checkIstioLabelName, checkNonEmpty, checkPort, checkPositiveInteger, checkRequiredProps, checkServiceName, checkUnique } from '../core/checks';
import { invalid } from '../core/errors';
import { addFinalPatches } from '../core/final-patch';
import { MeshAnalysis } from '../core/mesh-analysis';
import { isHttpFamily, Protocol } from '../core/protocol';
import { WorkloadSelector } from '../core/workload-selector';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { RuleOperation } from '../security/authorization-rule';
import { SecurityPolicyTarget } from '../security/authorization-target';
import { Principal } from '../security/principal';


/** The identity of Istio's default ingress gateway deployment. */
const INGRESS_GATEWAY_PRINCIPAL = Principal.serviceAccount('istio-system', 'istio-ingressgateway-service-account');

/**
 * A Bookinfo-style mesh service: a ServiceAccount (its mesh identity), a Service with a
 * protocol-named port (name and `appProtocol` `http`, `grpc`, ..., so Istio never has to
 * guess the protocol), and one cdk8s-plus Deployment per version, whose pods carry `app`
 * and `version` labels. Every version is behind the one Service, whose selector is the
 * shared `app=<name>` label (cdk8s-plus would otherwise select each Deployment's pods by
 * a per-construct label); each Deployment selects its own pods by `app` + `version`.
 *
 * Containers are secure by default: non-root, no privilege escalation, not privileged,
 * all capabilities dropped, the runtime's default seccomp profile, a read-only root
 * filesystem (with a writable `/tmp`), resource requests and limits, a readiness probe and
 * no mounted API token. Each of these can be overridden (`securityContext`, `resources`,
 * `readiness`).
 *
 * Who may call the service is declared with `allowFrom(otherService)`,
 * `allowFromPrincipal(principal)`, `allowFromNamespace(ns)` and `allowFromIngressGateway()`,
 * which add rules to one ALLOW AuthorizationPolicy selecting the service's pods. Once that
 * policy exists, Istio rejects (403) every request it does not match. Until the first
 * `allowFrom...` call the service has no policy of its own and relies on its namespace's
 * default-deny policy (see `MtlsNamespace`). Peer identities need mutual TLS, so the
 * service should run in a STRICT mTLS namespace.
 *
 * @example
 * const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'examples-bookinfo-productpage-v1:1.20.3' });
 * const reviews = new MeshService(chart, 'reviews', {
 *   port: 9080,
 *   versions: [
 *     { version: 'v1', image: 'examples-bookinfo-reviews-v1:1.20.3' },
 *     { version: 'v2', image: 'examples-bookinfo-reviews-v2:1.20.3' },
 *   ],
 * });
 * reviews.allowFrom(productpage, { methods: ['GET'], paths: ['/reviews/*'] });
 * productpage.allowFromIngressGateway();
 */
export class MeshService extends Construct implements IMeshWorkload {
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
  private readonly versionServices = new Map<string, kplus.Service>();
  private readonly extraServices = new Map<string, kplus.Service>();
  private readonly props: MeshServiceProps;
  private readonly resolvedPorts: ResolvedPort[];
  private allowPolicy?: AuthorizationPolicy;
  private readonly allowedRules = new Set<string>();
  private readonly principalIds = new Map<Principal, number>();
  private waypointValue?: Waypoint;
  private ingressUsesWaypoint = false;
  private podSelectorLabels?: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    checkRequiredProps(this, 'a MeshService', props, { port: '9080' });
    this.props = props;
    this.serviceName = props.serviceName ?? id;
    this.explicitNamespace = props.namespace;
    this.port = props.port;
    this.protocol = props.protocol ?? Protocol.HTTP;
    checkServiceName(this, 'serviceName', this.serviceName);
    checkDns1123Label(this, 'namespace', props.namespace);
    checkPort(this, 'port', props.port);
    checkPort(this, 'containerPort', props.containerPort);
    checkProtocol(this, 'protocol', this.protocol);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
    checkWorkloadProbes(this, props);
    if (props.versions !== undefined && props.image !== undefined) {
      invalid(this, 'versions and image', { versions: props.versions.map((v) => v.version), image: props.image }, 'these fields are mutually exclusive', 'give `image` for a single v1 deployment, or list every version in `versions`');
    }
    const versions = props.versions ?? (props.image !== undefined ? [{ version: 'v1', image: props.image }] : undefined);
    if (versions === undefined) {
      invalid(this, 'versions', undefined, 'a mesh service needs at least one version to run', "give `image: 'my-image:1.0'` or `versions: [{ version: 'v1', image: 'my-image:1.0' }]`");
    }
    checkNonEmpty(this, 'versions', versions, "list at least one version, e.g. [{ version: 'v1', image: 'my-image:1.0' }]");
    checkUnique(this, 'versions[].version', versions.map((v) => v.version), 'give each version a distinct label value');
    if (props.deploymentNaming !== undefined && !Object.values(DeploymentNaming).includes(props.deploymentNaming)) {
      invalid(this, 'deploymentNaming', props.deploymentNaming, 'unknown deployment naming', 'use DeploymentNaming.VERSIONED or DeploymentNaming.PLAIN');
    }
    this.resolvedPorts = resolvePorts(this, props);
    checkWorkloadContainer(this, props);
    checkWorkloadPod(this, props, props.containerName ?? this.serviceName);
    checkWorkloadScaling(this, props);

    const metadata = (name: string) => ({ name, namespace: this.explicitNamespace, labels: { app: this.serviceName } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata(props.serviceAccountName ?? this.serviceName), labels: { account: this.serviceName } },
      automountToken: false,
    });

    checkIpFamilies(this, props);
    checkExternalTrafficPolicy(this, props);
    this.service = this.createService('Service', { ...metadata(this.serviceName), labels: { app: this.serviceName, service: this.serviceName } }, { app: this.serviceName }, props.serviceType, props.externalTrafficPolicy);

    versions.forEach((v) => this.addVersion(v));
  }

  /** The workload's name: the service name (for `IMeshWorkload`). */
  public get workloadName(): string {
    return this.serviceName;
  }

  /** The namespace of the service's objects, if known (its own or its chart's). */
  public get namespace(): string | undefined {
    return this.explicitNamespace ?? Chart.of(this).namespace;
  }

  /** The version labels, in the order they were added. */
  public get versions(): string[] {
    return [...this.deployments.keys()];
  }

  /**
   * Every port of the service (the main `port` first), with defaults filled in: the
   * Service port, its name, container port and protocol.
   */
  public get ports(): MeshServicePort[] {
    return this.resolvedPorts.map((p) => ({ ...p }));
  }

  /**
   * Selects every pod of the service (all versions): `app=<serviceName>`, or the labels a
   * delivery controller leaves unchanged on the pods it copies (see `FlaggerCanary`).
   */
  public get selector(): WorkloadSelector {
    return WorkloadSelector._lazy(() => this.podSelectorLabels ?? { app: this.serviceName }, `pods of ${this.serviceName}`);
  }

  /**
   * Selects the service's pods by other labels from now on (policies created earlier follow).
   * @internal
   */
  public _selectPodsBy(labels: { [key: string]: string }): void {
    this.podSelectorLabels = { ...labels };
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
   * `app=<serviceName>` and `version=<version>`, behind the service's Service.
   */
  public addVersion(version: MeshServiceVersion): kplus.Deployment {
    if (version === null || typeof version !== 'object') {
      invalid(this, 'version', version, 'a version must be an object', "pass e.g. { version: 'v2', image: 'my-image:2.0' }");
    }
    if (typeof version.version !== 'string' || version.version === '') {
      invalid(this, 'version', version.version, 'every version needs its label value', "set e.g. version: 'v2'");
    }
    // The version is a label value and istiod's subset name (upper case allowed, e.g. "V2");
    // object names use it in lower case.
    checkIstioLabelName(this, 'version', version.version);
    if (this.props.deploymentNaming === DeploymentNaming.PLAIN && this.deployments.size > 0) {
      invalid(this, 'version', version.version, `with DeploymentNaming.PLAIN the service has one Deployment, "${this.serviceName}", already running version ${JSON.stringify([...this.deployments.keys()][0])}`, 'use DeploymentNaming.VERSIONED (one Deployment per version) for several versions, e.g. for a canary');
    }
    if (this.deployments.has(version.version)) {
      invalid(this, 'version', version.version, 'the service already has this version', 'give each version a distinct label value');
    }
    const suffix = version.version.toLowerCase();
    const sameName = [...this.deployments.keys()].find((v) => v.toLowerCase() === suffix);
    if (sameName !== undefined) {
      invalid(this, 'version', version.version, `it differs from version ${JSON.stringify(sameName)} only in case, and both Deployments would be named "${this.serviceName}-${suffix}"`, 'give each version a distinct label value');
    }
    if (typeof version.image !== 'string' || version.image.trim() === '') {
      invalid(this, `versions[${version.version}].image`, version.image, 'a version needs a container image', "give an image such as 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'");
    }
    if (/\s/.test(version.image)) {
      invalid(this, `versions[${version.version}].image`, version.image, 'an image reference cannot contain whitespace', "write e.g. 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'");
    }
    checkPositiveInteger(this, `versions[${version.version}].replicas`, version.replicas, 0);
    if (version.replicas !== undefined && this.props.autoscaling !== undefined) {
      invalid(this, `versions[${version.version}].replicas`, version.replicas, 'the service is autoscaled: its HorizontalPodAutoscaler sets the replicas', 'leave replicas out, or set autoscaling.minReplicas');
    }
    checkDns1123Subdomain(this, `versions[${version.version}].serviceAccountName`, version.serviceAccountName);
    checkStringList(this, `versions[${version.version}].args`, version.args, "write e.g. ['--port=9080']");
    checkStringList(this, `versions[${version.version}].command`, version.command, "write e.g. ['/bin/server']");
    const labels = { app: this.serviceName, version: version.version };
    const plain = this.props.deploymentNaming === DeploymentNaming.PLAIN;
    const selected = plain ? { app: this.serviceName } : labels;
    const env = { ...this.props.env, ...version.env };
    const pod = workloadPodMetadata(this.props);
    const annotations = { ...pod.annotations, ...this.props.podAnnotations, ...version.podAnnotations };
    const deployment = new kplus.Deployment(this, `Deployment-${version.version}`, {
      metadata: { name: plain ? this.serviceName : `${this.serviceName}-${suffix}`, namespace: this.explicitNamespace, labels },
      replicas: this.props.autoscaling !== undefined ? undefined : version.replicas ?? 1,
      select: false,
      serviceAccount: version.serviceAccountName === undefined
        ? this.serviceAccount
        : kplus.ServiceAccount.fromServiceAccountName(this, `ServiceAccount-${version.version}`, version.serviceAccountName),
      podMetadata: { labels: { ...pod.labels, ...labels }, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      ...workloadPodProps(this.props),
      containers: [workloadContainer(this, this.props, {
        name: this.serviceName,
        image: version.image,
        ports: this.containerPorts(),
        env,
        tmpVolumeId: `tmp-${suffix}`,
        args: version.args,
        command: version.command,
      }, this.protocol === Protocol.GRPC)],
    });
    scaleDeployment(this, version.version, deployment, selected, this.props);
    finishWorkloadDeployment(this, deployment, this.props, {
      main: this.resolvedPorts[0].containerPort,
      all: this.containerPorts().map((p) => p.number),
      grpc: this.protocol === Protocol.GRPC,
      selector: selected,
    });
    deployment.select(kplus.LabelSelector.of({ labels: selected }));
    this.deployments.set(version.version, deployment);
    return deployment;
  }

  /** Every port the container listens on: the Service ports' container ports, then `containerPorts`. */
  private containerPorts(): kplus.ContainerPort[] {
    return [
      ...this.resolvedPorts.map((p) => ({ number: p.containerPort, name: p.name })),
      ...(this.props.containerPorts ?? []).map((p) => ({ number: p.number, name: p.name })),
    ];
  }

  /**
   * Applies JSON patches to the final manifest of one version's Deployment, after
   * cdk8s-plus has rendered it: the escape hatch for Deployment fields the options do not
   * model. Unlike `ApiObject.of(deployment).addJsonPatch()`, whose patches pass through the
   * generated binding's mapping (which drops a plain number where it expects an
   * IntOrString, such as a probe's `port`), these keep exactly what they say. The patched
   * manifest is still validated at synth.
   *
   * @param version an existing version of the service, e.g. `v1`
   * @param patches the JSON patches, applied in order
   */
  public patchDeployment(version: string, ...patches: JsonPatch[]): MeshService {
    addFinalPatches(ApiObject.of(this.deployment(version)), patches);
    return this;
  }

  /**
   * Sends the traffic addressed to this service through `waypoint` (ambient mode), which then
   * applies its L7 policy and routes: labels the Service `istio.io/use-waypoint` (and
   * `istio.io/use-waypoint-namespace` when the waypoint is in another namespace). Not needed
   * when the whole namespace uses the waypoint (`MtlsNamespace.addWaypoint`).
   */
  public useWaypoint(waypoint: Waypoint): MeshService {
    checkUseWaypoint(this, waypoint);
    waypoint._enrol(this, this.service);
    this.waypointValue = waypoint;
    return this;
  }

  /**
   * The waypoint that serves this service, if any: its own (`useWaypoint`), or the one its
   * ambient `MtlsNamespace` uses for every Service. Read at synth, as waypoints may be added
   * after the service's policies.
   * @internal
   */
  public _servingWaypoint(): WaypointBinding | undefined {
    return servingWaypoint(this, this.waypointValue);
  }

  /**
   * Where a policy for the pods attaches: the Service when a waypoint serves it, else the pods.
   * @internal
   */
  public _policyScope(): { targetRefs: SecurityPolicyTarget[] } | undefined {
    return this._servingWaypoint() !== undefined ? { targetRefs: [SecurityPolicyTarget.service(this.serviceName)] } : undefined;
  }

  /**
   * Adds a Service `<serviceName>-<version>` that selects only the pods of one version
   * (`app` and `version` labels), with the same ports as the service's own Service. This is
   * how Istio's `bookinfo-versions.yaml` lets Gateway API routes (which name Services, not
   * DestinationRule subsets) send traffic to one version. The Service carries no labels.
   *
   * @param version an existing version of the service, e.g. `v1`
   */
  public addVersionService(version: string): kplus.Service {
    this.deployment(version);
    if (this.versionServices.has(version)) {
      invalid(this, 'addVersionService version', version, 'the version already has its Service', 'call addVersionService() once per version, and keep the returned Service');
    }
    const service = this.createService(`Service-${version}`, { name: `${this.serviceName}-${version}`, namespace: this.explicitNamespace }, { app: this.serviceName, version });
    this.versionServices.set(version, service);
    return service;
  }

  /** A Service with every port of the service (named after its protocol, with `appProtocol`). */
  private createService(
    id: string, metadata: ApiObjectMetadata, selector: { [key: string]: string }, type?: kplus.ServiceType, external?: ServiceExternalTrafficPolicy,
  ): kplus.Service {
    const { ipFamilyPolicy, ipFamilies } = this.props;
    return createPortsService(this, id, { ports: this.resolvedPorts, metadata, selector, type, external, ipFamilyPolicy, ipFamilies });
  }

  /**
   * Adds another Service for every pod of the service, with the same ports, e.g. Online
   * Boutique's `frontend-external` LoadBalancer next to the `frontend` ClusterIP Service.
   * It carries the `app` label.
   *
   * @param name the Service name (DNS-1035 label)
   * @param options its type and external traffic policy
   */
  public addService(name: string, options: MeshServiceExtraServiceOptions = {}): kplus.Service {
    checkServiceName(this, 'addService name', name);
    if (name === this.serviceName || this.extraServices.has(name) || [...this.versionServices.keys()].some((v) => `${this.serviceName}-${v}` === name)) {
      invalid(this, 'addService name', name, 'the service already has a Service with this name', 'give the Service another name');
    }
    checkExternalTrafficPolicy(this, { serviceType: options.serviceType, externalTrafficPolicy: options.externalTrafficPolicy }, 'addService');
    const service = this.createService(`Service-${name}`, { name, namespace: this.explicitNamespace, labels: { app: this.serviceName } }, { app: this.serviceName }, options.serviceType, options.externalTrafficPolicy);
    this.extraServices.set(name, service);
    return service;
  }


  /**
   * Allows another mesh workload — a `MeshService`, or a `MeshWorkload` without a Service —
   * to call this one: a rule in this service's ALLOW policy whose principal is the caller's
   * real ServiceAccount identity (`cluster.local/ns/<caller namespace>/sa/<caller service
   * account>`). Allowing the same caller with the same options again adds nothing.
   *
   * @param caller the calling workload; it must have a namespace (its own or its chart's)
   * @param options the methods, paths and ports the caller may use (default: any)
   */
  public allowFrom(caller: IMeshWorkload, options: MeshServiceAllowOptions = {}): MeshService {
    if (caller === null || typeof caller !== 'object' || !(caller.principal instanceof Principal) || caller.node === undefined) {
      invalid(this, 'allowFrom caller', caller === undefined ? undefined : String(caller), 'the caller must be a mesh workload (a MeshService or a MeshWorkload)', 'pass the calling MeshService or MeshWorkload, or use allowFromPrincipal(Principal.fromServiceAccount(sa)) for another workload');
    }
    if (caller.namespace === undefined) {
      invalid(this, `allowFrom caller ${caller.node.path}`, caller.workloadName, 'the caller has no namespace, so its identity cluster.local/ns/<namespace>/sa/<name> is unknown', 'give the calling workload a `namespace`, or create it in a Chart (or MtlsNamespace) with a namespace');
    }
    return this.allow({ principals: [caller.principal] }, options, `caller ${caller.node.path}`);
  }

  /**
   * Allows a workload identity to call this service, e.g. a plain Deployment's service
   * account (`Principal.fromServiceAccount(sa)`) or a dedicated gateway
   * (`Principal.serviceAccount('ingress', 'my-gateway-istio')`).
   */
  public allowFromPrincipal(principal: Principal, options: MeshServiceAllowOptions = {}): MeshService {
    return this.allow({ principals: [principal] }, options, `principal #${this.principalId(principal)}`);
  }

  /** Allows every workload of a namespace to call this service. */
  public allowFromNamespace(namespaceName: string, options: MeshServiceAllowOptions = {}): MeshService {
    if (typeof namespaceName !== 'string' || namespaceName === '') {
      invalid(this, 'allowFromNamespace namespace', namespaceName, 'the namespace must be named', "pass the callers' namespace, e.g. 'frontend'");
    }
    checkDns1123Label(this, 'allowFromNamespace namespace', namespaceName);
    return this.allow({ namespaces: [namespaceName] }, options, `namespace ${namespaceName}`);
  }

  /**
   * Allows Istio's ingress gateway (`istio-system/istio-ingressgateway-service-account`)
   * to call this service, i.e. traffic from outside the mesh routed by a Gateway. For
   * another gateway deployment use `allowFromPrincipal()` with its service account.
   */
  public allowFromIngressGateway(options: MeshServiceAllowOptions = {}): MeshService {
    return this._allowFromIngress(INGRESS_GATEWAY_PRINCIPAL, options, 'ingress gateway');
  }

  /**
   * Allows an ingress gateway, which bypasses a waypoint unless `istio.io/ingress-use-waypoint`.
   * @internal
   */
  public _allowFromIngress(principal: Principal, options: MeshServiceAllowOptions, who?: string): MeshService {
    if (!this.ingressUsesWaypoint) {
      this.ingressUsesWaypoint = true;
      this.service.metadata.addLabel('istio.io/ingress-use-waypoint', Lazy.any({ produce: () => (this._servingWaypoint() !== undefined ? 'true' : undefined) }) as unknown as string);
    }
    return this.allow({ principals: [principal] }, options, who ?? `principal #${this.principalId(principal)}`);
  }

  /** The ALLOW AuthorizationPolicy built by the `allowFrom...` methods, if any. */
  public get authorizationPolicy(): AuthorizationPolicy | undefined {
    return this.allowPolicy;
  }

  /** A number standing for a Principal object (principals render only at synth). */
  private principalId(principal: Principal): number {
    let id = this.principalIds.get(principal);
    if (id === undefined) this.principalIds.set(principal, id = this.principalIds.size);
    return id;
  }

  /**
   * Adds an allow rule for `source`; a rule identical to one already added (the same caller,
   * `who`, with the same methods, paths and ports) is not added twice.
   */
  private allow(source: { principals?: Principal[]; namespaces?: string[] }, options: MeshServiceAllowOptions, who: string): MeshService {
    if (this.namespace === undefined) {
      invalid(this, 'namespace', undefined, 'an authorization policy protects the service in its namespace, and this service has none', 'give the MeshService a `namespace`, or create it in a Chart (or MtlsNamespace) with a namespace');
    }
    const opts = options ?? {};
    const ports = this.allowedPorts(opts.ports);
    if ((opts.methods !== undefined || opts.paths !== undefined) && ports.every((p) => !isHttpFamily(p.protocol))) {
      invalid(this, 'allow options methods/paths', { methods: opts.methods, paths: opts.paths }, `Istio matches methods and paths only on HTTP, HTTP2 and gRPC ports, and the ports allowed here are ${ports.map((p) => `${p.port} (${p.protocol})`).join(', ')}, so the rule would never match`, 'leave methods and paths out for TCP/TLS ports, or declare the port with an HTTP protocol');
    }
    const operation: RuleOperation | undefined = opts.methods || opts.paths || opts.ports
      ? { methods: opts.methods, paths: opts.paths, ports: opts.ports ? ports.map((p) => p.containerPort) : undefined }
      : undefined;
    const key = JSON.stringify([who, operation?.methods, operation?.paths, operation?.ports]);
    if (this.allowedRules.has(key)) return this;
    this.allowedRules.add(key);
    if (!this.allowPolicy) {
      this.allowPolicy = new AuthorizationPolicy(this, 'Allow', {
        metadata: { name: this.serviceName, namespace: this.explicitNamespace },
        selector: this.selector,
      });
      this.allowPolicy._bindScope(() => this._policyScope());
    }
    this.allowPolicy.addRule({ sources: [source], operations: operation ? [operation] : undefined });
    return this;
  }

  /** The service's ports that an allow rule names (all of them when not restricted). */
  private allowedPorts(ports: number[] | undefined): ResolvedPort[] {
    if (ports === undefined) return this.resolvedPorts;
    checkNonEmpty(this, 'allow options ports', ports, 'list at least one port of the service, or leave `ports` out to allow every port');
    return ports.map((n) => {
      const found = this.resolvedPorts.find((p) => p.port === n);
      if (!found) {
        invalid(this, 'allow options ports', n, `it is not a port of the service (its ports are ${this.resolvedPorts.map((p) => p.port).join(', ')})`, 'name one of the Service ports, or add the port with `additionalPorts`');
      }
      return found;
    });
  }

}
