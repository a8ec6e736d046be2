/**
 * Google's Online Boutique (seed 002): 11 gRPC/HTTP microservices, Redis and a load
 * generator, written with cdk8s-istio's patterns only (no JSON patch, no ApiObject, no L1
 * class). The workloads reproduce the official `kubernetes-manifests.yaml` (images, env, ports,
 * probes, resources, security context), the mesh follows `istio-manifests.yaml`, and the
 * library adds what production needs: STRICT mTLS, default deny, least privilege along the
 * real call graph (gRPC method paths), per-workload egress lockdowns and a productcatalog
 * canary (v2 with EXTRA_LATENCY, as seed 002 does it) with a timeout and outlier detection.
 */
import { App, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CanaryService, CircuitBreaker, DeploymentNaming, EgressHostGroup, EgressLockdown, IMeshWorkload, IngressBackend,
  IngressGateway, IngressPath, MeshIngress, MeshService, MeshServiceProps, MeshWorkload, MtlsNamespace, Protocol,
  RetryPolicy, VirtualService, WorkloadProbe,
} from 'cdk8s-istio';

/** The namespace Online Boutique runs in (its manifests are applied to `default`). */
export const NAMESPACE = 'default';
const IMAGE = (name: string) => `us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/${name}:v0.10.6`;
const res = (cpu: [number, number], memory: [number, number]): kplus.ContainerResources => ({
  cpu: { request: kplus.Cpu.millis(cpu[0]), limit: kplus.Cpu.millis(cpu[1]) },
  memory: { request: Size.mebibytes(memory[0]), limit: Size.mebibytes(memory[1]) },
});
const seconds = (n: number | undefined) => (n === undefined ? undefined : Duration.seconds(n));
/** A gRPC health check as the official manifests write it. */
const grpc = (delay?: number, period?: number) => WorkloadProbe.grpc({ initialDelay: seconds(delay), period: seconds(period) });

/** What every Online Boutique workload shares: user 1000, the image's own pull policy, a 5 s grace period. */
const COMMON: Partial<MeshServiceProps> = {
  podSecurityContext: { user: 1000, group: 1000, fsGroup: 1000 },
  imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
  containerName: 'server',
};

/** The egress of istio-manifests.yaml: Google APIs and the GCE metadata server. */
const GOOGLE_EGRESS: EgressHostGroup[] = [
  { name: 'allow-egress-googleapis', hosts: ['accounts.google.com', '*.googleapis.com'], ports: webPorts() },
  { name: 'allow-egress-google-metadata', hosts: ['metadata.google.internal'], addresses: ['169.254.169.254'], ports: webPorts() },
];
function webPorts() {
  return [{ number: 80, protocol: Protocol.HTTP, name: 'http' }, { number: 443, protocol: Protocol.HTTPS, name: 'https' }];
}

export class OnlineBoutique extends MtlsNamespace {
  public readonly services: { [name: string]: MeshService } = {};
  public readonly productCatalog: CanaryService;
  public readonly loadGenerator: MeshWorkload;
  public readonly ingress: MeshIngress;

  constructor(scope: App, id = 'online-boutique') {
    // 1. The namespace: sidecar injection, STRICT mTLS, allow-nothing (default deny).
    super(scope, id, { namespaceName: NAMESPACE });

    // 2. The gRPC services, as in kubernetes-manifests.yaml.
    const svc = (name: string, port: number, props: Partial<MeshServiceProps>) => {
      this.services[name] = new MeshService(this, name, {
        ...COMMON, port, protocol: Protocol.GRPC, terminationGracePeriod: Duration.seconds(5), deploymentNaming: DeploymentNaming.PLAIN, ...props,
      } as MeshServiceProps);
      return this.services[name];
    };
    const env = (port: number, more: { [k: string]: string } = {}) => ({ PORT: String(port), ...more, DISABLE_PROFILER: '1' });
    svc('emailservice', 5000, { containerPort: 8080, image: IMAGE('emailservice'), env: env(8080), readiness: grpc(undefined, 5), liveness: grpc(undefined, 5), resources: res([100, 200], [64, 128]) });
    svc('paymentservice', 50051, { image: IMAGE('paymentservice'), env: env(50051), readiness: grpc(), liveness: grpc(), resources: res([100, 200], [64, 128]) });
    svc('shippingservice', 50051, { image: IMAGE('shippingservice'), env: env(50051), readiness: grpc(undefined, 5), liveness: grpc(), resources: res([100, 200], [64, 128]), terminationGracePeriod: undefined });
    svc('currencyservice', 7000, { image: IMAGE('currencyservice'), env: env(7000), readiness: grpc(), liveness: grpc(), resources: res([100, 200], [64, 128]) });
    svc('adservice', 9555, { image: IMAGE('adservice'), env: { PORT: '9555' }, readiness: grpc(20, 15), liveness: grpc(20, 15), resources: res([200, 300], [180, 300]) });
    svc('recommendationservice', 8080, {
      image: IMAGE('recommendationservice'), env: env(8080, { PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550' }),
      readiness: grpc(undefined, 5), liveness: grpc(undefined, 5), resources: res([100, 200], [220, 450]),
    });
    svc('redis-cart', 6379, {
      protocol: Protocol.TCP, portName: 'tcp-redis', image: 'redis:alpine', containerName: 'redis', terminationGracePeriod: undefined,
      readiness: WorkloadProbe.tcp({ period: Duration.seconds(5) }), liveness: WorkloadProbe.tcp({ period: Duration.seconds(5) }),
      volumes: [{ volume: kplus.Volume.fromEmptyDir(this, 'redis-data', 'redis-data'), path: '/data' }], resources: res([70, 125], [200, 256]),
    });
    svc('cartservice', 7070, { image: IMAGE('cartservice'), env: { REDIS_ADDR: 'redis-cart:6379' }, readiness: grpc(15), liveness: grpc(15, 10), resources: res([200, 300], [64, 128]) });
    svc('checkoutservice', 5050, {
      image: IMAGE('checkoutservice'), terminationGracePeriod: undefined, readiness: grpc(), liveness: grpc(), resources: res([100, 200], [64, 128]),
      env: {
        PORT: '5050', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550', SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
        PAYMENT_SERVICE_ADDR: 'paymentservice:50051', EMAIL_SERVICE_ADDR: 'emailservice:5000', CURRENCY_SERVICE_ADDR: 'currencyservice:7000', CART_SERVICE_ADDR: 'cartservice:7070',
      },
    });

    // 3. productcatalog as a canary: v2 adds latency (seed 002); 10 % of the calls, a 3 s
    //    timeout, and outlier detection ejects a slow or failing pod.
    const catalog = { ...COMMON, terminationGracePeriod: Duration.seconds(5), readiness: grpc(), liveness: grpc(), resources: res([100, 200], [64, 128]) };
    this.productCatalog = new CanaryService(this, 'productcatalogservice', {
      ...catalog, port: 3550, protocol: Protocol.GRPC, containerName: 'server',
      env: { PORT: '3550', DISABLE_PROFILER: '1' },
      stable: { version: 'v1', image: IMAGE('productcatalogservice') },
      canary: { version: 'v2', image: IMAGE('productcatalogservice'), env: { EXTRA_LATENCY: '5.5s' } },
      canaryWeight: 10,
      timeout: Duration.seconds(3),
      retries: RetryPolicy.none(),
      circuitBreaker: CircuitBreaker.standard(),
    });
    this.services.productcatalogservice = this.productCatalog.service;

    // 4. The frontend (HTTP), exposed through the Gateway API ingress of istio-manifests.yaml
    //    and, as in the official manifests, through a LoadBalancer Service.
    const frontend = svc('frontend', 80, {
      protocol: Protocol.HTTP, containerPort: 8080, image: IMAGE('frontend'), terminationGracePeriod: undefined,
      podAnnotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
      readiness: WorkloadProbe.httpGet('/_healthz', { initialDelay: Duration.seconds(10), headers: { Cookie: 'shop_session-id=x-readiness-probe' } }),
      liveness: WorkloadProbe.httpGet('/_healthz', { initialDelay: Duration.seconds(10), headers: { Cookie: 'shop_session-id=x-liveness-probe' } }),
      resources: res([100, 200], [64, 128]),
      env: {
        PORT: '8080', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550', CURRENCY_SERVICE_ADDR: 'currencyservice:7000',
        CART_SERVICE_ADDR: 'cartservice:7070', RECOMMENDATION_SERVICE_ADDR: 'recommendationservice:8080', SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
        CHECKOUT_SERVICE_ADDR: 'checkoutservice:5050', AD_SERVICE_ADDR: 'adservice:9555', SHOPPING_ASSISTANT_SERVICE_ADDR: 'shoppingassistantservice:80', ENABLE_PROFILER: '0',
      },
    });
    frontend.addService('frontend-external', { serviceType: kplus.ServiceType.LOAD_BALANCER });
    this.ingress = new MeshIngress(this, 'ingress', {
      gateway: IngressGateway.gatewayApi(), gatewayName: 'istio-gateway', routeName: 'frontend-route', hosts: ['*'], plainHttp: true,
      routes: [{ paths: [IngressPath.prefix('/')], backend: IngressBackend.fromMeshService(frontend) }],
    });
    new VirtualService(this, 'frontend-vs', {
      metadata: { name: 'frontend' }, hosts: [`frontend.${NAMESPACE}.svc.cluster.local`],
      http: [{ route: [{ host: 'frontend', port: 80 }] }],
    });

    // 5. The load generator: a workload without a Service that waits for the frontend.
    this.loadGenerator = new MeshWorkload(this, 'loadgenerator', {
      ...COMMON, containerName: 'main', image: IMAGE('loadgenerator'), terminationGracePeriod: Duration.seconds(5),
      podAnnotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
      env: { FRONTEND_ADDR: 'frontend:80', USERS: '10', RATE: '1' }, resources: res([300, 500], [256, 512]),
      initContainers: [{ name: 'frontend-check', image: 'busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d', command: ['/bin/sh', '-exc', FRONTEND_CHECK], env: { FRONTEND_ADDR: 'frontend:80' } }],
    });

    // 6. Least privilege along the real call graph, by gRPC service.
    const s = this.services;
    const rpc = (service: MeshService, proto: string, ...callers: IMeshWorkload[]) => callers.forEach((c) => service.allowFrom(c, { paths: [`/hipstershop.${proto}/*`] }));
    rpc(s.adservice, 'AdService', frontend);
    rpc(s.cartservice, 'CartService', frontend, s.checkoutservice);
    rpc(s.checkoutservice, 'CheckoutService', frontend);
    rpc(s.currencyservice, 'CurrencyService', frontend, s.checkoutservice);
    rpc(s.productcatalogservice, 'ProductCatalogService', frontend, s.checkoutservice, s.recommendationservice);
    rpc(s.recommendationservice, 'RecommendationService', frontend);
    rpc(s.shippingservice, 'ShippingService', frontend, s.checkoutservice);
    rpc(s.emailservice, 'EmailService', s.checkoutservice);
    rpc(s.paymentservice, 'PaymentService', s.checkoutservice);
    s['redis-cart'].allowFrom(s.cartservice);
    frontend.allowFrom(this.loadGenerator, { methods: ['GET', 'POST'] }); // the ingress gateway is allowed by MeshIngress

    // 7. Egress: each workload may reach its own namespace and Google's APIs, nothing else.
    for (const w of [...Object.values(s), this.loadGenerator]) {
      new EgressLockdown(this, `${w.workloadName}-egress`, { workload: w, allowGroups: GOOGLE_EGRESS });
    }
  }
}

/** The official load generator's init container script: wait until the frontend answers. */
const FRONTEND_CHECK = `MAX_RETRIES=12
RETRY_INTERVAL=10
for i in $(seq 1 $MAX_RETRIES); do
  echo "Attempt $i: Pinging frontend: \${FRONTEND_ADDR}..."
  STATUSCODE=$(wget --server-response http://\${FRONTEND_ADDR} 2>&1 | awk '/^  HTTP/{print $2}')
  if [ $STATUSCODE -eq 200 ]; then
      echo "Frontend is reachable."
      exit 0
  fi
  echo "Error: Could not reach frontend - Status code: \${STATUSCODE}"
  sleep $RETRY_INTERVAL
done
echo "Failed to reach frontend after $MAX_RETRIES attempts."
exit 1
`;

/** Synthesizes Online Boutique into the app's output directory. */
export function synthOnlineBoutique(app: App = new App()): App {
  new OnlineBoutique(app);
  app.synth();
  return app;
}
