// L4 routes of a MeshIngress: TCP connections by gateway port, and TLS passed through to the
// backend by SNI host name (the backend terminates TLS itself).
import { Construct } from 'constructs';
import { checkIngressHosts } from './ingress-checks';
import { IngressApi } from './ingress-gateway';
import { IngressTcpRoute, IngressTlsPassthroughRoute } from './ingress-props';
import { IngressBackend } from './ingress-route';
import * as gwapi from '../../imports/gateway.networking.k8s.io';
import { checkPort } from '../core/checks';
import { invalid } from '../core/errors';
import { GatewayApiGateway } from '../gateway-api/gateway';
import { GatewayApiListener } from '../gateway-api/listener';
import { Gateway } from '../networking/gateway';
import { Server } from '../networking/gateway-server';
import { VirtualService } from '../networking/virtual-service';
import { AuthorizationPolicy } from '../security/authorization-policy';

/**
 * What the L4 routes need of their MeshIngress.
 * @internal
 */
export interface IngressL4Context {
  readonly scope: Construct;
  readonly api: IngressApi;
  readonly namespace?: string;
  readonly explicitNamespace?: string;
  readonly routeName: string;
  readonly gatewayName: string;
  readonly gateway?: Gateway;
  readonly gatewayApiGateway?: GatewayApiGateway;
  readonly gatewayPolicy?: AuthorizationPolicy;
  /** Gateway ports already in use, by protocol (`HTTP`, `TCP`, `TLS`). */
  readonly ports: Map<number, string>;
  /** Lets the gateway reach the backend on its port (identity and port only). */
  allow(backend: IngressBackend): void;
}

function checkBackend(ctx: IngressL4Context, field: string, backend: IngressBackend): void {
  if (!(backend instanceof IngressBackend)) {
    invalid(ctx.scope, field, backend === undefined ? undefined : String(backend), 'a backend must be an IngressBackend', 'use IngressBackend.fromMeshService(service) or IngressBackend.fromServiceName(name, port)');
  }
  backend._validate(ctx.scope, field, ctx.namespace, true);
  if (ctx.api === IngressApi.GATEWAY_API && backend.namespace !== undefined && backend.namespace !== ctx.namespace) {
    invalid(ctx.scope, field, backend.serviceName, 'a Gateway API L4 route reaches Services of its own namespace only here', 'put the backend in the ingress\'s namespace, or use IngressGateway.istio()');
  }
}

function claimPort(ctx: IngressL4Context, field: string, port: number, protocol: string): void {
  checkPort(ctx.scope, field, port);
  const used = ctx.ports.get(port);
  if (used !== undefined && used !== protocol) {
    invalid(ctx.scope, field, port, `the gateway already serves ${used} on this port`, 'use another gateway port');
  }
  ctx.ports.set(port, protocol);
}

/**
 * Adds a TCP route (Istio API: a TCP server on the Gateway and a VirtualService `tcp` rule).
 * @internal
 */
export function addTcpRoute(ctx: IngressL4Context, index: number, route: IngressTcpRoute): void {
  const field = `tcpRoutes[${index}]`;
  if (route === null || typeof route !== 'object') invalid(ctx.scope, field, route, 'a TCP route must be an object', 'pass e.g. { port: 5432, backend: IngressBackend.fromMeshService(db) }');
  if (ctx.api === IngressApi.GATEWAY_API) {
    invalid(ctx.scope, field, route.port, 'TCP routes are TCPRoute objects of the Gateway API\'s experimental channel, which this library does not vendor', 'use IngressGateway.istio() for TCP ingress, or a TLS passthrough route');
  }
  claimPort(ctx, `${field}.port`, route.port, 'TCP');
  checkBackend(ctx, `${field}.backend`, route.backend);
  ctx.gateway!.addServer(Server.tcp({ port: route.port, hosts: ['*'], portName: `tcp-${route.port}` }));
  new VirtualService(ctx.scope, `TcpRoute-${route.port}`, {
    metadata: { name: `${ctx.routeName}-tcp-${route.port}`, namespace: ctx.explicitNamespace },
    hosts: ['*'],
    gateways: [ctx.gateway!],
    tcp: [{ match: [{ port: route.port }], route: [{ host: route.backend._host(), port: route.backend.port }] }],
  });
  ctx.allow(route.backend);
}

/**
 * Adds a TLS passthrough route (Istio: a PASSTHROUGH server and a VirtualService `tls` rule
 * matching the SNI hosts; Gateway API: a TLS listener in Passthrough mode and a TLSRoute).
 * @internal
 */
export function addTlsPassthroughRoute(ctx: IngressL4Context, index: number, route: IngressTlsPassthroughRoute): void {
  const field = `tlsPassthroughRoutes[${index}]`;
  if (route === null || typeof route !== 'object') invalid(ctx.scope, field, route, 'a TLS passthrough route must be an object', "pass e.g. { hosts: ['db.example.com'], backend: IngressBackend.fromMeshService(db) }");
  const hosts = checkIngressHosts(ctx.scope, route.hosts, `${field}.hosts`);
  if (hosts.includes('*')) invalid(ctx.scope, `${field}.hosts`, '*', 'TLS passthrough routes by SNI host name, and "*" names none', 'list the host names clients connect to, e.g. ["db.example.com"]');
  const port = route.port ?? 443;
  claimPort(ctx, `${field}.port`, port, 'TLS');
  checkBackend(ctx, `${field}.backend`, route.backend);
  const name = `${ctx.routeName}-tls-${index}`;
  if (ctx.api === IngressApi.ISTIO) {
    ctx.gateway!.addServer(Server.tlsPassthrough({ port, hosts: hosts.map((h) => `./${h}`), portName: `tls-${port}-${index}` }));
    new VirtualService(ctx.scope, `TlsRoute-${index}`, {
      metadata: { name, namespace: ctx.explicitNamespace },
      hosts,
      gateways: [ctx.gateway!],
      tls: [{ match: [{ sniHosts: hosts, port }], route: [{ host: route.backend._host(), port: route.backend.port }] }],
    });
  } else {
    const sectionName = `tls-${index}`;
    ctx.gatewayApiGateway!.addListener(GatewayApiListener.tlsPassthrough({ name: sectionName, port }));
    ctx.gatewayPolicy?.addRule({ operations: [{ ports: [port] }] });
    new gwapi.TlsRoute(ctx.scope, `TlsRoute-${index}`, {
      metadata: { name, namespace: ctx.explicitNamespace },
      spec: {
        parentRefs: [{ name: ctx.gatewayName, sectionName }],
        hostnames: hosts,
        rules: [{ backendRefs: [{ name: route.backend.serviceName, port: route.backend.port }] }],
      },
    });
  }
  ctx.allow(route.backend);
}
