import { IConstruct } from 'constructs';
import { MeshService } from './mesh-service';
import { ResolvedService } from './observability-internal';
import { checkDns1123Label } from '../core/checks';
import { invalid } from '../core/errors';
import { isHttpFamily, Protocol } from '../core/protocol';

/**
 * Which proxy's view of a request Istio's standard metrics are read from (the `reporter`
 * label of `istio_requests_total` and `istio_request_duration_milliseconds`).
 */
export enum MetricsReporter {
  /**
   * The server-side sidecar of the service (`reporter="destination"`): what the service
   * itself answered. The usual view for a service's own error rate and latency.
   */
  DESTINATION = 'destination',

  /**
   * The client-side sidecars of the callers (`reporter="source"`): also counts failures
   * that never reached the service (no healthy endpoint, circuit breaker open, ...).
   */
  SOURCE = 'source',

  /**
   * The waypoint proxy serving the service (`reporter="waypoint"`), for ambient-mode
   * services (ztunnel alone reports only TCP metrics).
   */
  WAYPOINT = 'waypoint',
}

/**
 * A service whose Istio request metrics an alert or a dashboard reads: a `MeshService`,
 * or any in-mesh Kubernetes Service given by name and namespace.
 *
 * Request metrics (`istio_requests_total`, `istio_request_duration_milliseconds`) exist
 * only for HTTP, HTTP/2 and gRPC traffic; opaque TCP/TLS services are rejected.
 *
 * @example
 * MonitoredService.fromMeshService(reviews)
 * MonitoredService.fromName('ratings', 'bookinfo')
 * MonitoredService.fromName('catalog', 'shop', Protocol.GRPC)
 */
export class MonitoredService {
  /**
   * The service of a `MeshService` (its name, namespace and port protocol). The
   * MeshService must have a namespace (its own or its chart's).
   */
  public static fromMeshService(service: MeshService): MonitoredService {
    return new MonitoredService(service.serviceName, () => service.namespace, service.protocol, service.node.path);
  }

  /**
   * A Kubernetes Service by name and namespace.
   *
   * @param serviceName the Service's name (`destination_service_name`)
   * @param serviceNamespace the Service's namespace (`destination_service_namespace`)
   * @param protocol the protocol of its port; decides how failures are recognised
   * (HTTP 5xx, or gRPC server-error status codes). Default: Protocol.HTTP
   */
  public static fromName(serviceName: string, serviceNamespace: string, protocol?: Protocol): MonitoredService {
    return new MonitoredService(serviceName, () => serviceNamespace, protocol ?? Protocol.HTTP, undefined);
  }

  private constructor(
    /** The service name (`destination_service_name`). */
    public readonly serviceName: string,
    private readonly namespaceProducer: () => string | undefined,
    /** The protocol of the service's port. */
    public readonly protocol: Protocol,
    private readonly meshServicePath: string | undefined,
  ) {}

  /** The service's namespace (`destination_service_namespace`), if known. */
  public get serviceNamespace(): string | undefined {
    return this.namespaceProducer();
  }

  /**
   * Checks the name, namespace and protocol and returns them.
   * @internal
   */
  public _resolve(scope: IConstruct, field: string): ResolvedService {
    const namespace = this.namespaceProducer();
    if (namespace === undefined || namespace === '') {
      invalid(scope, `${field}.serviceNamespace`, namespace,
        `the service ${JSON.stringify(this.serviceName)}${this.meshServicePath ? ` (${this.meshServicePath})` : ''} has no namespace, so its metrics cannot be selected unambiguously`,
        'give the MeshService a `namespace` (or create it in a Chart with a namespace), or use MonitoredService.fromName(name, namespace)');
    }
    checkDns1123Label(scope, `${field}.serviceName`, this.serviceName);
    checkDns1123Label(scope, `${field}.serviceNamespace`, namespace);
    if (!isHttpFamily(this.protocol)) {
      invalid(scope, `${field}.protocol`, this.protocol,
        `Istio records request metrics (istio_requests_total, istio_request_duration_milliseconds) only for HTTP, HTTP2 and GRPC; the ${this.protocol} service ${this.serviceName}.${namespace} has only TCP metrics`,
        'monitor only HTTP/HTTP2/GRPC services here (name the port\'s protocol correctly), and watch TCP services through istio_tcp_* metrics');
    }
    return { name: this.serviceName, namespace, protocol: this.protocol };
  }
}


