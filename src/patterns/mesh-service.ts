import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain, checkExclusive, checkNonEmpty, checkPort, checkPositiveInteger, checkUnique } from '../core/checks';
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
 * A further port of a mesh service (besides its main `port`), e.g. a gRPC or metrics port.
 */
export interface MeshServicePort {
  /** The port the Service listens on, 1-65535. */
  readonly port: number;

  /**
   * The port the container listens on.
   *
   * @default - the same as `port`
   */
  readonly containerPort?: number;

  /**
   * The application protocol of the port, rendered as its `appProtocol` and as the
   * prefix of its name.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port name. Istio reads the protocol from a `<protocol>[-<suffix>]` name, so the
   * name must start with the protocol (`grpc`, `grpc-api`, ...).
   *
   * @default - `<protocol>-<port>`, e.g. `grpc-9090`
   */
  readonly name?: string;
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

  /**
   * An HTTP path answering 200 when the service is ready, e.g. `/health`: the readiness
   * probe becomes an HTTP GET of this path on the container port (instead of a TCP
   * check). Mutually exclusive with `readiness`.
   *
   * @default - no HTTP check; see `readiness`
   */
  readonly healthCheckPath?: string;

  /**
   * The liveness probe of each container.
   *
   * @default - no liveness probe (a failing readiness probe only takes the pod out of the Service)
   */
  readonly liveness?: kplus.Probe;

  /**
   * Further ports of the service (the main one is `port`), each with its own
   * protocol-named Service port, `appProtocol` and container port.
   *
   * @default - only the main port
   */
  readonly additionalPorts?: MeshServicePort[];
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

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};

/** Protocols whose requests Istio sees at L7, so methods and paths can be matched. */
const L7_PROTOCOLS: readonly Protocol[] = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC];

/** The identity of Istio's default ingress gateway deployment. */
const INGRESS_GATEWAY_PRINCIPAL = Principal.serviceAccount('istio-system', 'istio-ingressgateway-service-account');

/** Ports the Istio sidecar listens on in every pod: an application container cannot use them. */
const SIDECAR_PORTS = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/** Container port names are IANA service names: at most 15 characters. */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A port of the service with every default filled in. */
interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

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
  private readonly resolvedPorts: ResolvedPort[];
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
    checkProtocol(this, 'protocol', this.protocol);
    checkDns1123Subdomain(this, 'serviceAccountName', props.serviceAccountName);
    checkExclusive(this, { readiness: props.readiness, healthCheckPath: props.healthCheckPath }, 'give either a full readiness probe or a health check path, not both');
    if (props.healthCheckPath !== undefined && !/^\/\S*$/.test(props.healthCheckPath)) {
      invalid(this, 'healthCheckPath', props.healthCheckPath, 'a health check path must be an absolute URL path without spaces', 'write e.g. "/health" or "/ready"');
    }
    if (props.versions !== undefined && props.image !== undefined) {
      invalid(this, 'versions and image', { versions: props.versions.map((v) => v.version), image: props.image }, 'these fields are mutually exclusive', 'give `image` for a single v1 deployment, or list every version in `versions`');
    }
    const versions = props.versions ?? (props.image !== undefined ? [{ version: 'v1', image: props.image }] : undefined);
    if (versions === undefined) {
      invalid(this, 'versions', undefined, 'a mesh service needs at least one version to run', "give `image: 'my-image:1.0'` or `versions: [{ version: 'v1', image: 'my-image:1.0' }]`");
    }
    checkNonEmpty(this, 'versions', versions, "list at least one version, e.g. [{ version: 'v1', image: 'my-image:1.0' }]");
    checkUnique(this, 'versions[].version', versions.map((v) => v.version), 'give each version a distinct label value');
    this.resolvedPorts = this.resolvePorts(props);

    const metadata = (name: string) => ({ name, namespace: this.explicitNamespace, labels: { app: this.serviceName } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata(props.serviceAccountName ?? this.serviceName), labels: { account: this.serviceName } },
      automountToken: false,
    });

    this.service = new kplus.Service(this, 'Service', {
      metadata: { ...metadata(this.serviceName), labels: { app: this.serviceName, service: this.serviceName } },
      ports: this.resolvedPorts.map((p) => ({ name: p.name, port: p.port, targetPort: p.containerPort })),
    });
    this.service.selectLabel('app', this.serviceName);
    // cdk8s-plus has no appProtocol; it tells Istio (and Kubernetes) the protocol explicitly.
    this.resolvedPorts.forEach((p, i) => {
      ApiObject.of(this.service).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.protocol.toLowerCase()));
    });

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

  /**
   * Every port of the service (the main `port` first), with defaults filled in: the
   * Service port, its name, container port and protocol.
   */
  public get ports(): MeshServicePort[] {
    return this.resolvedPorts.map((p) => ({ ...p }));
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
   * `app=<serviceName>` and `version=<version>`, behind the service's Service.
   */
  public addVersion(version: MeshServiceVersion): kplus.Deployment {
    if (version === null || typeof version !== 'object') {
      invalid(this, 'version', version, 'a version must be an object', "pass e.g. { version: 'v2', image: 'my-image:2.0' }");
    }
    if (typeof version.version !== 'string' || version.version === '') {
      invalid(this, 'version', version.version, 'every version needs its label value', "set e.g. version: 'v2'");
    }
    checkDns1123Label(this, 'version', version.version);
    if (this.deployments.has(version.version)) {
      invalid(this, 'version', version.version, 'the service already has this version', 'give each version a distinct label value');
    }
    if (typeof version.image !== 'string' || version.image.trim() === '') {
      invalid(this, `versions[${version.version}].image`, version.image, 'a version needs a container image', "give an image such as 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'");
    }
    if (/\s/.test(version.image)) {
      invalid(this, `versions[${version.version}].image`, version.image, 'an image reference cannot contain whitespace', "write e.g. 'docker.io/istio/examples-bookinfo-details-v1:1.20.3'");
    }
    checkPositiveInteger(this, `versions[${version.version}].replicas`, version.replicas, 0);
    const labels = { app: this.serviceName, version: version.version };
    const main = this.resolvedPorts[0];
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
        ports: this.resolvedPorts.map((p) => ({ number: p.containerPort, name: p.name })),
        envVariables: Object.fromEntries(Object.entries(version.env ?? {}).map(([k, val]) => [k, kplus.EnvValue.fromValue(val)])),
        resources: this.props.resources ?? DEFAULT_RESOURCES,
        securityContext: {
          ensureNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
          ...this.props.securityContext,
        },
        readiness: this.props.readiness ?? (this.props.healthCheckPath !== undefined
          ? kplus.Probe.fromHttpGet(this.props.healthCheckPath, { port: main.containerPort })
          : kplus.Probe.fromTcpSocket({ port: main.containerPort })),
        liveness: this.props.liveness,
        volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, `tmp-${version.version}`, 'tmp') }],
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    this.deployments.set(version.version, deployment);
    return deployment;
  }

  /**
   * Allows another mesh service to call this one: a rule in this service's ALLOW policy
   * whose principal is the caller's real ServiceAccount identity
   * (`cluster.local/ns/<caller namespace>/sa/<caller service account>`).
   *
   * @param caller the calling service; it must have a namespace (its own or its chart's)
   * @param options the methods, paths and ports the caller may use (default: any)
   */
  public allowFrom(caller: MeshService, options: MeshServiceAllowOptions = {}): MeshService {
    if (!(caller instanceof MeshService)) {
      invalid(this, 'allowFrom caller', caller === undefined ? undefined : String(caller), 'the caller must be a MeshService', 'pass the calling MeshService, or use allowFromPrincipal(Principal.fromServiceAccount(sa)) for another workload');
    }
    if (caller.namespace === undefined) {
      invalid(this, `allowFrom caller ${caller.node.path}`, caller.serviceName, 'the caller has no namespace, so its identity cluster.local/ns/<namespace>/sa/<name> is unknown', 'give the calling MeshService a `namespace`, or create it in a Chart (or MtlsNamespace) with a namespace');
    }
    return this.allow({ principals: [caller.principal] }, options);
  }

  /**
   * Allows a workload identity to call this service, e.g. a plain Deployment's service
   * account (`Principal.fromServiceAccount(sa)`) or a dedicated gateway
   * (`Principal.serviceAccount('ingress', 'my-gateway-istio')`).
   */
  public allowFromPrincipal(principal: Principal, options: MeshServiceAllowOptions = {}): MeshService {
    return this.allow({ principals: [principal] }, options);
  }

  /** Allows every workload of a namespace to call this service. */
  public allowFromNamespace(namespaceName: string, options: MeshServiceAllowOptions = {}): MeshService {
    if (typeof namespaceName !== 'string' || namespaceName === '') {
      invalid(this, 'allowFromNamespace namespace', namespaceName, 'the namespace must be named', "pass the callers' namespace, e.g. 'frontend'");
    }
    checkDns1123Label(this, 'allowFromNamespace namespace', namespaceName);
    return this.allow({ namespaces: [namespaceName] }, options);
  }

  /**
   * Allows Istio's ingress gateway (`istio-system/istio-ingressgateway-service-account`)
   * to call this service, i.e. traffic from outside the mesh routed by a Gateway. For
   * another gateway deployment use `allowFromPrincipal()` with its service account.
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
      invalid(this, 'namespace', undefined, 'an authorization policy protects the service in its namespace, and this service has none', 'give the MeshService a `namespace`, or create it in a Chart (or MtlsNamespace) with a namespace');
    }
    const opts = options ?? {};
    const ports = this.allowedPorts(opts.ports);
    if ((opts.methods !== undefined || opts.paths !== undefined) && ports.every((p) => !L7_PROTOCOLS.includes(p.protocol))) {
      invalid(this, 'allow options methods/paths', { methods: opts.methods, paths: opts.paths }, `Istio matches methods and paths only on HTTP, HTTP2 and gRPC ports, and the ports allowed here are ${ports.map((p) => `${p.port} (${p.protocol})`).join(', ')}, so the rule would never match`, 'leave methods and paths out for TCP/TLS ports, or declare the port with an HTTP protocol');
    }
    const operation: RuleOperation | undefined = opts.methods || opts.paths || opts.ports
      ? { methods: opts.methods, paths: opts.paths, ports: opts.ports ? ports.map((p) => p.containerPort) : undefined }
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

  private resolvePorts(props: MeshServiceProps): ResolvedPort[] {
    const main: ResolvedPort = {
      name: this.protocol.toLowerCase(),
      port: props.port,
      containerPort: props.containerPort ?? props.port,
      protocol: this.protocol,
    };
    const extra = (props.additionalPorts ?? []).map((p, i): ResolvedPort => {
      const field = `additionalPorts[${i}]`;
      if (p === null || typeof p !== 'object') {
        invalid(this, field, p, 'a port must be an object', 'pass e.g. { port: 9090, protocol: Protocol.GRPC }');
      }
      checkPort(this, `${field}.port`, p.port);
      checkPort(this, `${field}.containerPort`, p.containerPort);
      const protocol = p.protocol ?? Protocol.HTTP;
      checkProtocol(this, `${field}.protocol`, protocol);
      const prefix = protocol.toLowerCase();
      const name = p.name ?? `${prefix}-${p.port}`;
      if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
        invalid(this, `${field}.name`, name, 'a port name must be at most 15 lower-case letters, digits and "-" (an IANA service name), starting and ending with a letter or digit', `use e.g. "${prefix}-admin"`);
      }
      if (name !== prefix && !name.startsWith(`${prefix}-`)) {
        invalid(this, `${field}.name`, name, `Istio reads the protocol from the name's prefix, and this port's protocol is ${protocol}`, `name it "${prefix}" or "${prefix}-<suffix>", or change its protocol`);
      }
      return { name, port: p.port, containerPort: p.containerPort ?? p.port, protocol };
    });
    const all = [main, ...extra];
    all.forEach((p, i) => {
      if (SIDECAR_PORTS.includes(p.containerPort)) {
        invalid(this, i === 0 ? 'containerPort' : `additionalPorts[${i - 1}].containerPort`, p.containerPort, `the Istio sidecar listens on this port in every pod (reserved: ${SIDECAR_PORTS.join(', ')})`, 'let the container listen on another port; the Service port can stay the same (set `port` and `containerPort` separately)');
      }
    });
    checkUnique(this, 'ports (port numbers)', all.map((p) => String(p.port)), 'give each Service port a distinct number');
    checkUnique(this, 'ports (container ports)', all.map((p) => String(p.containerPort)), 'give each port a distinct container port');
    checkUnique(this, 'ports (names)', all.map((p) => p.name), 'give each port a distinct name, e.g. "http" and "http-admin"');
    return all;
  }
}

function checkProtocol(scope: Construct, field: string, protocol: Protocol): void {
  if (!Object.values(Protocol).includes(protocol)) {
    invalid(scope, field, protocol, 'unknown protocol', `use one of Protocol.${Object.values(Protocol).join(', Protocol.')}`);
  }
}
