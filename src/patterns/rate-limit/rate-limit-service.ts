// RateLimitService: Envoy's reference rate-limit service (envoyproxy/ratelimit) with its
// redis, as Istio's sample samples/ratelimit/rate-limit-service.yaml deploys them, secure by
// default; its descriptor configuration is a ConfigMap with one YAML file per domain.
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { RateLimitDescriptor, renderDescriptors } from './rate-limit-descriptor';
import { checkDns1123Label, checkPositiveInteger } from '../../core/checks';
import { invalid } from '../../core/errors';
import { MeshAnalysis } from '../../core/mesh-analysis';
import { WorkloadSelector } from '../../core/workload-selector';
import { AuthorizationPolicy } from '../../security/authorization-policy';
import { Principal } from '../../security/principal';
import { SECURE_CONTAINER_CONTEXT, envVariables } from '../container-defaults';

/** The rate-limit service image of Istio 1.30's sample. */
export const DEFAULT_RATELIMIT_IMAGE = 'docker.io/envoyproxy/ratelimit:30a4ce1a';
/** The redis image of Istio 1.30's sample. */
export const DEFAULT_REDIS_IMAGE = 'docker.io/redis:alpine';

/** The ports of the rate-limit service. */
const HTTP_PORT = 8080;
const GRPC_PORT = 8081;
const DEBUG_PORT = 6070;
const REDIS_PORT = 6379;

/** Properties of a `RateLimitService`. */
export interface RateLimitServiceProps {
  /**
   * Name of the rate-limit Deployment and Service; redis is `<name>-redis`.
   * @default "ratelimit"
   */
  readonly name?: string;
  /**
   * The namespace.
   * @default - the chart's namespace (`default` is assumed for the host and the identities when the chart has none)
   */
  readonly namespace?: string;
  /**
   * The rate-limit service image.
   * @default DEFAULT_RATELIMIT_IMAGE
   */
  readonly image?: string;
  /**
   * The redis image (it must run as uid 999, gid 1000, as the official image's `redis` user).
   * @default DEFAULT_REDIS_IMAGE
   */
  readonly redisImage?: string;
  /**
   * Replicas of the rate-limit service (they share the counters in redis).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The service's log level.
   * @default "info"
   */
  readonly logLevel?: string;
}

/**
 * Envoy's rate-limit service (`envoyproxy/ratelimit`, gRPC on 8081) backed by one redis,
 * with the descriptor configuration of every domain registered with `addDomain` (a
 * `GlobalRateLimit` registers its own) in the ConfigMap `<name>-config`.
 *
 * The containers run as non-root users (ratelimit as 65534, redis as its image's 999:1000),
 * without privilege escalation or capabilities, on read-only root filesystems (redis writes
 * to an emptyDir at `/data`: counters do not survive a restart), with resource requests
 * and limits. Redis has no password: keep it inside the mesh (STRICT mTLS).
 *
 * Each of the two runs under a ServiceAccount of its own (`<name>`, `<name>-redis`; no API
 * token mounted), and ALLOW AuthorizationPolicies admit only what the setup needs, so it
 * works in a default-deny namespace (`MtlsNamespace`) and nothing else can reach it:
 * redis (`<name>-redis`) admits the rate-limit service's identity on port 6379, and the
 * rate-limit service (`<name>`) admits on its gRPC port the callers registered with
 * `allowCaller` (a `GlobalRateLimit` registers its target's proxies).
 */
export class RateLimitService extends Construct {
  /** The rate-limit Service. */
  public readonly service: kplus.Service;
  /** The rate-limit Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The ConfigMap with the descriptor configuration. */
  public readonly configMap: kplus.ConfigMap;
  /** The redis Deployment. */
  public readonly redisDeployment: kplus.Deployment;
  /** The redis Service. */
  public readonly redisService: kplus.Service;
  /** The ServiceAccount of the rate-limit pods (`<name>`). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ServiceAccount of the redis pods (`<name>-redis`). */
  public readonly redisServiceAccount: kplus.ServiceAccount;
  /** The ALLOW AuthorizationPolicy admitting the rate-limit service's identity to redis on port 6379. */
  public readonly redisAuthorizationPolicy: AuthorizationPolicy;

  private readonly serviceName: string;
  private readonly explicitNamespace?: string;
  private readonly domains = new Set<string>();
  private readonly callers = new Set<Principal>();
  private callerPolicy?: AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: RateLimitServiceProps = {}) {
    super(scope, id);
    MeshAnalysis.enableFor(this);
    this.serviceName = props.name ?? 'ratelimit';
    checkDns1123Label(this, 'name', this.serviceName);
    if (this.serviceName.length > 57) invalid(this, 'name', this.serviceName, 'the redis objects are named <name>-redis, which must stay within 63 characters', 'use a name of at most 57 characters');
    this.explicitNamespace = props.namespace;
    if (props.namespace !== undefined) checkDns1123Label(this, 'namespace', props.namespace);
    checkPositiveInteger(this, 'replicas', props.replicas);
    const ns = props.namespace;
    const redisName = `${this.serviceName}-redis`;

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceName, namespace: ns, labels: { app: this.serviceName } },
      automountToken: false,
    });
    this.redisServiceAccount = new kplus.ServiceAccount(this, 'RedisServiceAccount', {
      metadata: { name: redisName, namespace: ns, labels: { app: redisName } },
      automountToken: false,
    });

    this.redisDeployment = secureDeployment(this, 'RedisDeployment', {
      name: redisName,
      serviceAccount: this.redisServiceAccount,
      containerName: 'redis',
      namespace: ns,
      replicas: 1,
      image: props.redisImage ?? DEFAULT_REDIS_IMAGE,
      user: 999,
      group: 1000,
      ports: [{ number: REDIS_PORT, name: 'redis' }],
      writable: ['/data', '/tmp'],
      readiness: kplus.Probe.fromTcpSocket({ port: REDIS_PORT }),
    });
    this.redisService = new kplus.Service(this, 'RedisService', {
      metadata: { name: redisName, namespace: ns, labels: { app: redisName } },
      ports: [{ name: 'redis', port: REDIS_PORT }],
    });
    this.redisService.selectLabel('app', redisName);

    this.configMap = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${this.serviceName}-config`, namespace: ns } });
    this.deployment = secureDeployment(this, 'Deployment', {
      name: this.serviceName,
      serviceAccount: this.serviceAccount,
      containerName: 'ratelimit',
      namespace: ns,
      replicas: props.replicas ?? 1,
      image: props.image ?? DEFAULT_RATELIMIT_IMAGE,
      user: 65534,
      group: 65534,
      recreate: true,
      command: ['/bin/ratelimit'],
      env: {
        LOG_LEVEL: props.logLevel ?? 'info',
        REDIS_SOCKET_TYPE: 'tcp',
        REDIS_URL: `${redisName}:${REDIS_PORT}`,
        USE_STATSD: 'false',
        RUNTIME_ROOT: '/data',
        RUNTIME_SUBDIRECTORY: 'ratelimit',
        RUNTIME_WATCH_ROOT: 'false',
        RUNTIME_IGNOREDOTFILES: 'true',
        HOST: '::',
        GRPC_HOST: '::',
      },
      ports: [{ number: HTTP_PORT }, { number: GRPC_PORT }, { number: DEBUG_PORT }],
      writable: ['/tmp'],
      config: kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config-volume' }),
      readiness: kplus.Probe.fromHttpGet('/healthcheck', { port: HTTP_PORT }),
    });
    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.serviceName, namespace: ns, labels: { app: this.serviceName } },
      ports: [
        { name: 'http-port', port: HTTP_PORT, targetPort: HTTP_PORT, protocol: kplus.Protocol.TCP },
        { name: 'grpc-port', port: GRPC_PORT, targetPort: GRPC_PORT, protocol: kplus.Protocol.TCP },
        { name: 'http-debug', port: DEBUG_PORT, targetPort: DEBUG_PORT, protocol: kplus.Protocol.TCP },
      ],
    });
    this.service.selectLabel('app', this.serviceName);

    this.redisAuthorizationPolicy = new AuthorizationPolicy(this, 'RedisAllow', {
      metadata: { name: redisName, namespace: ns },
      selector: podsOf(redisName),
      rules: [{ sources: [{ principals: [this.principal] }], operations: [{ ports: [REDIS_PORT] }] }],
    });
  }

  /** The namespace the service runs in (its own or its chart's, else `default`). */
  public get namespace(): string {
    return this.explicitNamespace ?? Chart.of(this).namespace ?? 'default';
  }

  /** The mesh identity of the rate-limit pods: `cluster.local/ns/<namespace>/sa/<name>`. */
  public get principal(): Principal {
    return Principal.serviceAccount(this.namespace, this.serviceName);
  }

  /**
   * The ALLOW AuthorizationPolicy admitting the callers on the gRPC port (created by the
   * first `allowCaller`; until then the namespace's own policies apply).
   */
  public get authorizationPolicy(): AuthorizationPolicy | undefined {
    return this.callerPolicy;
  }

  /**
   * Allows a proxy identity to call the service on its gRPC port: one rule of the service's
   * ALLOW AuthorizationPolicy (`<name>`), created by the first call. A `GlobalRateLimit` using
   * this service calls it with its target's identity; call it for proxies configured
   * elsewhere that use the service. Allowing the same `Principal` object again adds nothing.
   *
   * @param principal the caller's identity, e.g. `Principal.serviceAccount('istio-system', 'istio-ingressgateway-service-account')`
   */
  public allowCaller(principal: Principal): RateLimitService {
    if (!(principal instanceof Principal)) {
      invalid(this, 'allowCaller principal', principal, 'the caller must be a Principal', 'use e.g. Principal.serviceAccount("istio-system", "istio-ingressgateway-service-account") or a MeshService\'s principal');
    }
    if (this.callers.has(principal)) return this;
    this.callers.add(principal);
    if (this.callerPolicy === undefined) {
      this.callerPolicy = new AuthorizationPolicy(this, 'Allow', {
        metadata: { name: this.serviceName, namespace: this.explicitNamespace },
        selector: podsOf(this.serviceName),
      });
    }
    this.callerPolicy.addRule({ sources: [{ principals: [principal] }], operations: [{ ports: [GRPC_PORT] }] });
    return this;
  }

  /** The gRPC port Envoy's rate limit filter calls. */
  public get grpcPort(): number {
    return GRPC_PORT;
  }

  /** The service's in-cluster host name (`<name>.<namespace>.svc.cluster.local`; namespace `default` when neither given nor the chart's). */
  public get host(): string {
    return `${this.serviceName}.${this.namespace}.svc.cluster.local`;
  }

  /**
   * Adds the descriptor configuration of a domain (the file `<domain>.yaml` of the ConfigMap).
   * Each domain can be added once.
   */
  public addDomain(domain: string, descriptors: RateLimitDescriptor[]): RateLimitService {
    checkDomain(this, 'domain', domain);
    if (this.domains.has(domain)) {
      invalid(this, 'domain', domain, 'the rate-limit service already has a configuration for this domain', 'use one GlobalRateLimit per domain, or give each a distinct domain');
    }
    const rendered = renderDescriptors(this, `domain ${domain} descriptors`, descriptors);
    this.domains.add(domain);
    this.configMap.addData(`${domain}.yaml`, stringify({ domain, descriptors: rendered }));
    return this;
  }
}

/**
 * A rate-limit domain: the name shared by the Envoy filter and the service's configuration.
 * @internal
 */
export function checkDomain(scope: Construct, field: string, domain: string): void {
  if (typeof domain !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,250}$/.test(domain)) {
    invalid(scope, field, domain, 'a domain must be non-empty, of letters, digits, ".", "_" and "-" (it also names a ConfigMap key)', 'use e.g. "productpage-ratelimit"');
  }
}

/** The pods of one of the service's Deployments (their `app` label). */
function podsOf(name: string): WorkloadSelector {
  return WorkloadSelector.fromLabels({ app: name });
}

interface SecureDeploymentOptions {
  readonly name: string;
  readonly serviceAccount: kplus.IServiceAccount;
  readonly containerName: string;
  readonly namespace?: string;
  readonly replicas: number;
  readonly image: string;
  readonly user: number;
  readonly group: number;
  readonly ports: kplus.ContainerPort[];
  readonly writable: string[];
  readonly readiness: kplus.Probe;
  readonly recreate?: boolean;
  readonly command?: string[];
  readonly env?: { [name: string]: string };
  readonly config?: kplus.Volume;
}

function secureDeployment(scope: Construct, id: string, o: SecureDeploymentOptions): kplus.Deployment {
  const labels = { app: o.name };
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: o.name, namespace: o.namespace, labels },
    replicas: o.replicas,
    select: false,
    podMetadata: { labels },
    strategy: o.recreate ? kplus.DeploymentStrategy.recreate() : undefined,
    securityContext: { ensureNonRoot: true, user: o.user, group: o.group },
    serviceAccount: o.serviceAccount,
    automountServiceAccountToken: false,
    containers: [{
      name: o.containerName,
      image: o.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: o.command,
      envVariables: envVariables(o.env),
      ports: o.ports,
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
      securityContext: { ...SECURE_CONTAINER_CONTEXT, user: o.user, group: o.group },
      readiness: o.readiness,
      volumeMounts: [
        ...(o.config ? [{ path: '/data/ratelimit/config', volume: o.config, readOnly: true }] : []),
        ...o.writable.map((path, i) => ({ path, volume: kplus.Volume.fromEmptyDir(scope, `${id}Writable${i}`, `writable-${i}`) })),
      ],
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels }));
  return deployment;
}
