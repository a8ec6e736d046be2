/**
 * Application protocol of a port, in Istio's vocabulary (Gateway servers, ServiceEntry
 * ports, Sidecar listeners). Istio also infers it from a Service port's name prefix
 * (`http-`, `grpc-`, ...) or `appProtocol`.
 */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge). */
  HTTP = 'HTTP',
  /** HTTPS: TLS with HTTP inside. */
  HTTPS = 'HTTPS',
  /** gRPC. */
  GRPC = 'GRPC',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** MongoDB. */
  MONGO = 'MONGO',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS, routed by SNI without terminating. */
  TLS = 'TLS',
}

const HTTP_FAMILY: ReadonlySet<string> = new Set([Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC]);

/**
 * True for the protocols Istio routes and authorizes at L7 as HTTP requests: HTTP, HTTP2
 * and gRPC (HTTPS is TLS to a sidecar that does not terminate it).
 * @internal
 */
export function isHttpFamily(protocol: Protocol | string): boolean {
  return HTTP_FAMILY.has(protocol);
}
