// Routing one external host through an egress gateway: a Gateway for the host, a subset of
// the gateway's DestinationRule (shared by the namespace), and a VirtualService sending the
// sidecars' traffic to the gateway and the gateway's to the host.
import { Construct } from 'constructs';
import { EgressGatewayTarget, TLS_LIKE } from './egress-checks';
import { hostSlug, resourceName, shortHash, subsetName } from './egress-naming';
import { NamespaceRecord } from './egress-registry';
import { MeshAnalysis } from '../core/mesh-analysis';
import { DestinationRule } from '../networking/destination-rule';
import { Gateway } from '../networking/gateway';
import { Server, ServerTlsMode } from '../networking/gateway-server';
import { ServiceEntryPort } from '../networking/service-entry';
import { ClientTls } from '../networking/traffic-policy-client-tls';
import { VirtualService } from '../networking/virtual-service';

/**
 * The objects that route one host through the egress gateway.
 * @internal
 */
export interface EgressGatewayRoute {
  readonly gateway: Gateway;
  readonly rule: DestinationRule;
  readonly virtualService: VirtualService;
}

/**
 * Routes `host` through the egress gateway `gw`.
 * @internal
 */
export function routeThroughGateway(
  scope: Construct, record: NamespaceRecord, gw: EgressGatewayTarget, namespace: string,
  host: string, slug: string, port: ServiceEntryPort, exportTo: string[],
): EgressGatewayRoute {
  const name = resourceName('egress-', slug);
  const tls = TLS_LIKE.has(port.protocol);
  // istiod refuses Gateway names with dots: the Gateway is named with a DNS label
  const gateway = new Gateway(scope, `Gateway-${slug}`, {
    metadata: { name: subsetName(`egress-${slug}`), namespace },
    selector: gw.selector,
    servers: [tls
      ? Server.tlsPassthrough({ hosts: [`./${host}`], port: gw.port, portName: 'tls' })
      // Plain HTTP from the application travels to the gateway over Istio mutual TLS.
      : Server.https({ hosts: [`./${host}`], port: gw.port, portName: 'https', mode: ServerTlsMode.ISTIO_MUTUAL })],
  });
  // The egress gateway is installed with Istio, outside this app: the analyzer cannot see
  // its pods (IST0101 "selector not found") nor its Service (IST0101 / IST0174 "host not found").
  MeshAnalysis.suppress(gateway, 'IST0101');

  let rule = record.gatewayRules.get(gw.serviceHost);
  if (!rule) {
    rule = new DestinationRule(scope, 'EgressGatewayRule', {
      metadata: { name: resourceName('egress-gateway-', hostSlug(gw.serviceHost.split('.').slice(0, 2).join('.'))), namespace },
      host: gw.serviceHost,
      exportTo: ['.'],
    });
    record.gatewayRules.set(gw.serviceHost, rule);
    MeshAnalysis.suppress(rule, 'IST0174');
  }
  // Different hosts can give the same subset name ("a-b.c", "a.b-c"): disambiguate.
  const subset = rule.hasSubset(subsetName(slug)) ? `${subsetName(slug).slice(0, 54).replace(/-+$/, '')}-${shortHash(slug)}` : subsetName(slug);
  rule.addSubset(subset, undefined, tls ? undefined : {
    portLevelSettings: [{ port: gw.port, tls: ClientTls.istioMutual({ sni: host }) }],
  });

  const vs = new VirtualService(scope, `Route-${slug}`, {
    metadata: { name, namespace },
    hosts: [host],
    gateways: [Gateway.MESH, gateway],
    exportTo,
  });
  MeshAnalysis.suppress(vs, 'IST0101');
  const toGateway = { host: gw.serviceHost, subset, port: gw.port };
  const toHost = { host, port: port.number };
  if (tls) {
    vs.addTlsRoute({ match: [{ gateways: [Gateway.MESH], port: port.number, sniHosts: [host] }], route: [toGateway] });
    vs.addTlsRoute({ match: [{ gateways: [gateway], port: gw.port, sniHosts: [host] }], route: [toHost] });
  } else {
    vs.addHttpRoute({ match: [{ gateways: [Gateway.MESH], port: port.number }], route: [toGateway] });
    vs.addHttpRoute({ match: [{ gateways: [gateway], port: gw.port }], route: [toHost] });
  }
  return { gateway, rule, virtualService: vs };
}
