/// <reference types="node" />
/**
 * Bookinfo on Istio, written with cdk8s-istio: Istio's sample application (productpage,
 * details, ratings and three versions of reviews), deployed the way a production mesh
 * should run it.
 *
 * Read `BookinfoChart` top to bottom: each numbered step is one decision about the mesh.
 * Two options select what is synthesized (see `bookinfoOptions()` and README.md):
 *
 * - the **traffic scenario** of reviews (`BOOKINFO_SCENARIO`), one per official
 *   `virtual-service-reviews-*.yaml` of Istio's samples, e.g. `90-10` or `jason-v2-v3`;
 * - the **ingress API** (`BOOKINFO_INGRESS`): `istio` (sidecars, Istio Gateway +
 *   VirtualService) or `gateway-api` (ambient mode, Kubernetes Gateway + HTTPRoute);
 * - the **delivery controller** of reviews (`BOOKINFO_DELIVERY`): none (the scenario's weight
 *   is fixed at synth), `flagger` or `argo` (the controller moves the weight step by step and
 *   rolls back on the same error-rate and latency PromQL as the alerts).
 */
import { App, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AlertSeverity,
  AccessLogFilter,
  CanaryService,
  DataplaneMode,
  DeliveryMetric,
  EgressLockdown,
  ExtensionProvider,
  GrafanaDashboard,
  IngressApi,
  IngressGateway,
  IngressBackend,
  IMAGE_USER_WARNING_CONTEXT,
  IngressPath,
  JwtProtectedApp,
  MeshConfig,
  MeshIngress,
  MeshInstallation,
  MeshProfile,
  MeshService,
  MeshServiceVersion,
  MeshTelemetry,
  MonitoredService,
  MtlsNamespace,
  OutboundTrafficPolicyMode,
  ProgressiveDelivery,
  RequestMatch,
  ServiceAlerts,
  WorkloadProbe,
} from 'cdk8s-istio';

// ---------------------------------------------------------------------------------------
// The application
// ---------------------------------------------------------------------------------------

const NAMESPACE = 'bookinfo';
/** Ambient mode: where the egress waypoint runs (as in Istio's ambient egress guide). */
const EGRESS_NAMESPACE = 'istio-egress';
const PORT = 9080;
const IMAGE = (name: string, version = 'v1') => `docker.io/istio/examples-bookinfo-${name}-${version}:1.20.3`;
const REVIEWS_VERSIONS = ['v1', 'v2', 'v3'];

/**
 * Who issues the users' tokens. This is Istio's demo issuer, so the stack can be tried at
 * once: its token is published next to the key set (see README.md). Use your identity
 * provider's issuer and key set URL in a real deployment.
 */
const JWT_ISSUER = 'testing@secure.istio.io';
const JWKS_URI = 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json';

/**
 * The tracing provider of the mesh: an OpenTelemetry collector in istio-system (where the
 * Sidecars of the egress lockdown let the workloads send spans), e.g. the one of Istio's
 * `samples/open-telemetry` deployed there.
 */
const TRACING_PROVIDER = 'otel';
const TRACING_COLLECTOR = 'opentelemetry-collector.istio-system.svc.cluster.local';

/** productpage's public paths: the browser UI, its assets, login/logout and the JSON API. */
const PUBLIC_PATHS = [
  IngressPath.exact('/productpage'),
  IngressPath.prefix('/static'),
  IngressPath.exact('/login'),
  IngressPath.exact('/logout'),
  IngressPath.prefix('/api/v1/products'),
];

/** Paths reachable without a token: the page assets and the health check. */
const JWT_EXEMPT_PATHS = ['/static/*', '/health'];

/**
 * The whole Bookinfo stack in one namespace. The chart *is* the namespace: an
 * `MtlsNamespace` (STRICT mutual TLS, default deny), so every object created in it lands
 * in namespace `bookinfo` and nothing is reachable until a policy below allows it.
 */
export class BookinfoChart extends MtlsNamespace {
  /** The traffic scenario of reviews. */
  public readonly scenario: ReviewsScenario;
  /** The controller rolling reviews out, if any (`flagger` or `argo`). */
  public readonly delivery?: string;
  /** Which ingress API (and so which dataplane mode) is used. */
  public readonly ingressApi: IngressApi;

  public readonly productpage: MeshService;
  public readonly details: MeshService;
  public readonly ratings: MeshService;
  /** reviews: a canary release (a VirtualService with sidecars, an HTTPRoute in ambient mode). */
  public readonly reviewsCanary: CanaryService;
  /** The reviews service (every version). */
  public readonly reviews: MeshService;
  public readonly ingress: MeshIngress;
  /** Ambient mode: the namespace of the egress waypoint (its own chart, next to this one). */
  public readonly egressNamespace?: MtlsNamespace;
  /** The mesh Bookinfo runs on: the istioctl and Helm install files written next to dist/. */
  public readonly installation: MeshInstallation;

  public constructor(scope: Construct, id: string, options: BookinfoOptions = {}) {
    const ingressApi = resolveIngress(options.ingress);
    const ambient = ingressApi === IngressApi.GATEWAY_API;

    // 1. The namespace: enrolled in the mesh (sidecar injection, or ambient mode with the
    //    Gateway API), STRICT mTLS and an allow-nothing policy (default deny).
    super(scope, id, {
      namespaceName: NAMESPACE,
      dataplaneMode: ambient ? DataplaneMode.AMBIENT : DataplaneMode.SIDECAR,
    });
    this.ingressApi = ingressApi;
    this.scenario = resolveScenario(options.scenario);
    this.delivery = resolveDelivery(options.delivery, ambient, this.scenario);

    // 0. The mesh itself (seeds 002 and 004): Istio's demo profile (the ambient profile for
    //    ambient mode), outbound traffic limited to the service registry (REGISTRY_ONLY: only
    //    hosts a ServiceEntry declares are reachable, such as the ones the egress lockdown
    //    below allows), access logs on stdout, and the OpenTelemetry collector the Telemetry
    //    below sends spans to. No object of the app: after `cdk8s synth` the files for
    //    `istioctl install -f` and for Helm are in istio-install/, next to dist/. The
    //    synth-time analysis checks the app against this mesh (e.g. a Telemetry naming a
    //    provider it does not define fails the synth).
    this.installation = new MeshInstallation(this, 'istio', {
      profile: ambient ? MeshProfile.AMBIENT : MeshProfile.DEMO,
      meshConfig: new MeshConfig({
        outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
        accessLogFile: '/dev/stdout',
        extensionProviders: [ExtensionProvider.opentelemetry(TRACING_PROVIDER, { service: TRACING_COLLECTOR, port: 4317 })],
      }),
      outdir: options.installOutdir,
    });

    // 2. The services. Each gets a ServiceAccount (its mesh identity, named like Istio's
    //    sample: bookinfo-<name>), a Service with a named HTTP port, and locked-down pods:
    //    non-root, read-only root filesystem (with a writable /tmp), no privilege
    //    escalation, no capabilities, resource limits and an HTTP readiness check.
    this.details = new MeshService(this, 'details', {
      port: PORT,
      serviceAccountName: 'bookinfo-details',
      image: IMAGE('details'),
      healthCheckPath: '/health',
    });
    this.ratings = new MeshService(this, 'ratings', {
      port: PORT,
      serviceAccountName: 'bookinfo-ratings',
      image: IMAGE('ratings'),
      healthCheckPath: '/health',
    });
    this.productpage = new MeshService(this, 'productpage', {
      port: PORT,
      serviceAccountName: 'bookinfo-productpage',
      image: IMAGE('productpage'),
      healthCheckPath: '/health',
    });

    // 3. Ambient mode: no sidecars, so L7 policy and routing need a waypoint proxy. One
    //    waypoint serves every Service of the namespace; the policies and routes below then
    //    attach to their Services (targetRefs, HTTPRoute) instead of selecting pods.
    if (ambient) this.addWaypoint('waypoint');

    // 4. reviews has three versions (v1: no stars, v2: black stars, v3: red stars), as a
    //    canary release: with sidecars a DestinationRule with one subset per version and a
    //    VirtualService splitting the traffic as the scenario says; in ambient mode one
    //    Service per version and an HTTPRoute the waypoint applies.
    this.reviewsCanary = this.reviewsAsCanary(ambient);
    this.reviews = this.reviewsCanary.service;
    // In ambient mode every version gets its own Service, as Istio's bookinfo-versions.yaml.
    if (ambient) [this.productpage, this.details, this.ratings].forEach((svc) => svc.addVersionService('v1'));
    // reviews is a Java (Open Liberty) server that writes its logs and work files.
    this.reviews.versions.forEach((v) => allowReviewsToWrite(this.reviews.deployment(v)));

    // 5. Least privilege: who may call whom, by mesh identity (mTLS), method and path.
    //    Everything else is denied by the namespace's allow-nothing policy (and, in ambient
    //    mode, the waypoint's).
    this.details.allowFrom(this.productpage, { methods: ['GET'], paths: ['/details/*'] });
    this.reviews.allowFrom(this.productpage, { methods: ['GET'], paths: ['/reviews/*'] });
    this.ratings.allowFrom(this.reviews, { methods: ['GET'], paths: ['/ratings/*'] });

    // 6. Ingress: productpage's public paths, served over HTTPS (plain HTTP redirects).
    //    The ingress also allows the gateway's identity to call productpage on those paths.
    this.ingress = new MeshIngress(this, 'bookinfo-gateway', {
      gateway: ambient ? IngressGateway.gatewayApi() : IngressGateway.istio(),
      hosts: [options.host ?? 'bookinfo.example.com'],
      credentialName: 'bookinfo-tls', // a kubernetes.io/tls Secret, e.g. from cert-manager
      routes: [{ paths: PUBLIC_PATHS, backend: IngressBackend.fromMeshService(this.productpage) }],
    });

    // 7. Users must bring a valid JWT (401 if it is invalid, 403 if it is missing), except
    //    for the page assets and the health check: checked by productpage's sidecar, or in
    //    ambient mode by the waypoint serving productpage.
    new JwtProtectedApp(this, 'productpage-jwt', {
      service: this.productpage,
      issuer: JWT_ISSUER,
      jwksUri: JWKS_URI,
      exemptPaths: JWT_EXEMPT_PATHS,
    });

    // 8. Egress lockdown (seed 004): productpage may only reach a-cup-of.coffee, reviews only
    //    une-tasse-de.cafe. With sidecars, each workload's Sidecar resource lists the hosts it
    //    may reach (every other workload none; in the mesh, its namespace and istio-system,
    //    where the tracing collector the Telemetry below sends spans to runs). In ambient
    //    mode the hosts are reached through an egress waypoint in its own namespace, whose
    //    policies admit only the allowed workloads, host by host.
    if (!ambient) {
      const mesh = { meshNamespaces: ['istio-system'] };
      new EgressLockdown(this, 'productpage-egress', { ...mesh, workload: this.productpage, allow: [{ host: 'a-cup-of.coffee' }] });
      new EgressLockdown(this, 'reviews-egress', { ...mesh, workload: this.reviews, allow: [{ host: 'une-tasse-de.cafe' }] });
      new EgressLockdown(this, 'default-egress', { ...mesh, blockAllExternal: true });
    } else {
      this.egressNamespace = new MtlsNamespace(scope, EGRESS_NAMESPACE, { dataplaneMode: DataplaneMode.AMBIENT });
      const egressWaypoint = this.egressNamespace.addWaypoint('waypoint');
      new EgressLockdown(this, 'productpage-egress', { workload: this.productpage, egressWaypoint, allow: [{ host: 'a-cup-of.coffee' }] });
      new EgressLockdown(this, 'reviews-egress', { workload: this.reviews, egressWaypoint, allow: [{ host: 'une-tasse-de.cafe' }] });
    }

    // 9. Observability: access logs of failed requests and 10% of requests traced for the
    //    namespace, alerts on error rate and latency, and a Grafana dashboard.
    new MeshTelemetry(this, 'telemetry', {
      namespace: NAMESPACE,
      accessLogging: { filter: AccessLogFilter.errorsOnly() },
      tracing: { samplingPercentage: 10, provider: TRACING_PROVIDER },
    });
    const monitored = [this.productpage, this.details, this.reviews, this.ratings].map((s) => MonitoredService.fromMeshService(s));
    new ServiceAlerts(this, 'alerts', {
      services: monitored,
      errorRate: { threshold: 0.05, severity: AlertSeverity.CRITICAL },
      latency: { threshold: Duration.seconds(1), percentile: 99 },
      labels: { team: 'bookinfo' },
      metadata: { name: 'bookinfo-alerts' },
    });
    new GrafanaDashboard(this, 'dashboard', {
      services: monitored,
      title: 'Bookinfo',
      folder: 'Istio',
      metadata: { name: 'bookinfo-dashboard' },
    });
  }

  /**
   * reviews as a canary release: the scenario's stable and canary versions, plus the
   * remaining version deployed as its own subset (sidecar mode) or Service (ambient mode),
   * so a scenario change is one line.
   */
  private reviewsAsCanary(ambient: boolean): CanaryService {
    const s = this.scenario;
    const reviews = new CanaryService(this, 'reviews', {
      port: PORT,
      serviceAccountName: 'bookinfo-reviews',
      readiness: WorkloadProbe.fromKplus(kplus.Probe.fromHttpGet('/health', { port: PORT })),
      stable: reviewsVersion(s.stable),
      canary: reviewsVersion(s.canary),
      canaryWeight: this.delivery === undefined ? s.canaryWeight : undefined,
      canaryFor: s.jasonSeesCanary ? [RequestMatch.user('jason')] : undefined,
      delivery: this.deliveryOf(s),
    });
    // With a controller, it keeps the running version: only the canary is deployed.
    if (this.delivery !== undefined) return reviews;
    for (const v of REVIEWS_VERSIONS.filter((x) => x !== s.stable && x !== s.canary)) {
      reviews.service.addVersion(reviewsVersion(v));
      reviews.destinationRule!.addSubset(v, { version: v });
      if (ambient) reviews.service.addVersionService(v);
    }
    if (s.promoted) reviews.promote();
    return reviews;
  }

  /**
   * The controller of reviews' rollout: Flagger or Argo Rollouts, gated on reviews' error rate
   * and p99 latency (the PromQL of the alerts above). jason's override makes it an A/B test.
   */
  private deliveryOf(s: ReviewsScenario): ProgressiveDelivery | undefined {
    const metrics = [DeliveryMetric.errorRate({ maxErrorRate: 0.01 }), DeliveryMetric.latency({ max: Duration.seconds(1) })];
    switch (this.delivery) {
      case 'flagger': return ProgressiveDelivery.flagger(s.jasonSeesCanary ? { iterations: 10, metrics } : { stepWeight: 10, maxWeight: 50, metrics });
      case 'argo': return ProgressiveDelivery.argoRollouts({ metrics });
      default: return undefined;
    }
  }
}

/** One version of reviews: the official image, logging to the writable /tmp. */
function reviewsVersion(version: string): MeshServiceVersion {
  return { version, image: IMAGE('reviews', version), env: { LOG_DIR: '/tmp/logs' } };
}

/** reviews writes to /opt/ibm/wlp/output: a writable emptyDir, as in Istio's manifest. */
function allowReviewsToWrite(deployment: kplus.Deployment): void {
  const volume = kplus.Volume.fromEmptyDir(deployment, 'wlp-output', 'wlp-output');
  deployment.containers[0].mount('/opt/ibm/wlp/output', volume);
}

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

/** How reviews' traffic is split between its versions (one official Bookinfo scenario). */
export interface ReviewsScenario {
  /** What users see. */
  readonly description: string;
  /** The version serving everybody not matched by an override. */
  readonly stable: string;
  /** The version being rolled out. */
  readonly canary: string;
  /** Percentage of requests sent to the canary. */
  readonly canaryWeight: number;
  /** The signed-in user `jason` always gets the canary (A/B override). */
  readonly jasonSeesCanary?: boolean;
  /** Every request goes to the canary. */
  readonly promoted?: boolean;
  /** The official Istio file this scenario reproduces. */
  readonly officialFile: string;
}

/**
 * The traffic scenarios, named after Istio's `samples/bookinfo/networking` files
 * (`virtual-service-reviews-<name>.yaml`; `all-v1` is `virtual-service-all-v1.yaml`).
 */
export const SCENARIOS: { readonly [name: string]: ReviewsScenario } = {
  'all-v1': { description: 'everybody sees reviews v1 (no stars); v2 is deployed but gets no traffic', stable: 'v1', canary: 'v2', canaryWeight: 0, officialFile: 'virtual-service-all-v1.yaml' },
  'test-v2': { description: 'jason sees v2 (black stars), everybody else v1', stable: 'v1', canary: 'v2', canaryWeight: 0, jasonSeesCanary: true, officialFile: 'virtual-service-reviews-test-v2.yaml' },
  '90-10': { description: '10% of requests see v2, 90% v1', stable: 'v1', canary: 'v2', canaryWeight: 10, officialFile: 'virtual-service-reviews-90-10.yaml' },
  '80-20': { description: '20% of requests see v2, 80% v1', stable: 'v1', canary: 'v2', canaryWeight: 20, officialFile: 'virtual-service-reviews-80-20.yaml' },
  '50-v3': { description: 'half of the requests see v3 (red stars), half v1', stable: 'v1', canary: 'v3', canaryWeight: 50, officialFile: 'virtual-service-reviews-50-v3.yaml' },
  'v2-v3': { description: 'half of the requests see v2, half v3 (v1 retired)', stable: 'v2', canary: 'v3', canaryWeight: 50, officialFile: 'virtual-service-reviews-v2-v3.yaml' },
  'jason-v2-v3': { description: 'jason sees v2, everybody else v3', stable: 'v3', canary: 'v2', canaryWeight: 0, jasonSeesCanary: true, officialFile: 'virtual-service-reviews-jason-v2-v3.yaml' },
  'v3': { description: 'everybody sees v3: the canary is promoted', stable: 'v1', canary: 'v3', canaryWeight: 0, promoted: true, officialFile: 'virtual-service-reviews-v3.yaml' },
};

/** The scenario used when none is given: Istio's starting point, every service at v1. */
export const DEFAULT_SCENARIO = 'all-v1';

/** The ingress APIs: `istio` (sidecar mode) and `gateway-api` (ambient mode). */
export const INGRESS_APIS: { readonly [name: string]: IngressApi } = {
  'istio': IngressApi.ISTIO,
  'gateway-api': IngressApi.GATEWAY_API,
};

/** The ingress API used when none is given. */
export const DEFAULT_INGRESS = 'istio';

/** Options of the Bookinfo chart. */
export interface BookinfoOptions {
  /** A key of `SCENARIOS`. @default DEFAULT_SCENARIO */
  readonly scenario?: string;
  /** A key of `INGRESS_APIS`. @default DEFAULT_INGRESS */
  readonly ingress?: string;
  /** The public host name. @default 'bookinfo.example.com' */
  readonly host?: string;
  /** The controller rolling reviews out: a key of `DELIVERY_CONTROLLERS`. @default - none */
  readonly delivery?: string;
  /** Where the mesh installation files go. @default - istio-install/ next to the app's output directory */
  readonly installOutdir?: string;
}

/** The delivery controllers reviews can be rolled out with (`BOOKINFO_DELIVERY`). */
export const DELIVERY_CONTROLLERS = ['flagger', 'argo'];

/**
 * Checks a delivery controller name. The controllers route with sidecar VirtualServices, and
 * run the rollout themselves (a promoted scenario is their job).
 */
export function resolveDelivery(name: string | undefined, ambient: boolean, scenario: ReviewsScenario): string | undefined {
  if (name === undefined) return undefined;
  const key = name.trim().toLowerCase();
  if (!DELIVERY_CONTROLLERS.includes(key)) {
    throw new Error(`BOOKINFO_DELIVERY "${name}" is invalid: it is not a delivery controller of this example. Valid values: ${DELIVERY_CONTROLLERS.join(', ')} (default: none)`);
  }
  if (ambient) {
    throw new Error(`BOOKINFO_DELIVERY "${name}" is invalid with BOOKINFO_INGRESS gateway-api: the controllers route reviews with sidecar VirtualServices. Fix: use BOOKINFO_INGRESS=istio, or leave BOOKINFO_DELIVERY out`);
  }
  if (scenario.promoted === true) {
    throw new Error(`BOOKINFO_DELIVERY "${name}" is invalid with the promoted scenario "${scenario.officialFile}": the controller promotes the canary itself. Fix: pick a scenario with a canary (e.g. 90-10), or leave BOOKINFO_DELIVERY out`);
  }
  return key;
}

/**
 * Reads the options from the environment variables `BOOKINFO_SCENARIO`, `BOOKINFO_INGRESS`,
 * `BOOKINFO_HOST` and `BOOKINFO_DELIVERY`. The cdk8s context keys `bookinfo/scenario`,
 * `bookinfo/ingress`, `bookinfo/host` and `bookinfo/delivery` of `app` (set with
 * `app.node.setContext()`) take precedence.
 */
export function bookinfoOptions(app?: Construct, env: { readonly [name: string]: string | undefined } = process.env): BookinfoOptions {
  const read = (key: string, variable: string): string | undefined => {
    const fromContext = app?.node.tryGetContext(`bookinfo/${key}`);
    const value = fromContext ?? env[variable];
    return value === undefined || value === '' ? undefined : String(value);
  };
  return {
    scenario: read('scenario', 'BOOKINFO_SCENARIO'),
    ingress: read('ingress', 'BOOKINFO_INGRESS'),
    host: read('host', 'BOOKINFO_HOST'),
    delivery: read('delivery', 'BOOKINFO_DELIVERY'),
  };
}

/** Checks a scenario name; the `reviews-` prefix of the official file names may be included. */
export function resolveScenario(name: string = DEFAULT_SCENARIO): ReviewsScenario {
  const key = name.trim().toLowerCase().replace(/^reviews-/, '');
  const scenario = Object.prototype.hasOwnProperty.call(SCENARIOS, key) ? SCENARIOS[key] : undefined;
  if (scenario === undefined) {
    throw new Error(`BOOKINFO_SCENARIO "${name}" is invalid: it is not a Bookinfo traffic scenario. Valid values: ${Object.keys(SCENARIOS).join(', ')} (default ${DEFAULT_SCENARIO}; the "reviews-" prefix is optional)`);
  }
  return scenario;
}

/** Checks an ingress API name. */
export function resolveIngress(name: string = DEFAULT_INGRESS): IngressApi {
  const key = name.trim().toLowerCase();
  const api = Object.prototype.hasOwnProperty.call(INGRESS_APIS, key) ? INGRESS_APIS[key] : undefined;
  if (api === undefined) {
    throw new Error(`BOOKINFO_INGRESS "${name}" is invalid: it is not an ingress API of this example. Valid values: ${Object.keys(INGRESS_APIS).join(', ')} (default ${DEFAULT_INGRESS})`);
  }
  return api;
}

/** Synthesizes the app with the options from context and environment. */
export function synthBookinfo(app: App = new App()): App {
  // The Bookinfo images run as a numeric non-root user (Istio's own bookinfo-psa.yaml runs
  // them with runAsNonRoot and no runAsUser), so the warning about images whose user the
  // library cannot know does not apply to them.
  if (app.node.tryGetContext(IMAGE_USER_WARNING_CONTEXT) === undefined && app.node.children.length === 0) {
    app.node.setContext(IMAGE_USER_WARNING_CONTEXT, 'off');
  }
  new BookinfoChart(app, NAMESPACE, bookinfoOptions(app));
  app.synth();
  return app;
}
