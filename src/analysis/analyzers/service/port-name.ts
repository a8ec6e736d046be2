import { AnalyzerDef, arr, num, str } from '../../model';
import { isControlPlane } from '../common/control-plane';

const KNOWN_PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/** Istio's `kube.ConvertProtocol(...).IsUnsupported()`. */
function portProtocolUnsupported(port: number, portName: string, protocol: string, appProtocol: string | undefined): boolean {
  if (protocol === 'UDP') return false;
  let name = portName;
  if (appProtocol !== undefined) {
    name = appProtocol;
    if (['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(name)) return false;
  }
  if (name.length >= 8 && name.slice(0, 8).toLowerCase() === 'grpc-web') return false;
  const i = name.indexOf('-');
  if (i >= 0) name = name.slice(0, i);
  if (KNOWN_PROTOCOLS.has(name.toLowerCase())) return false;
  return !WELL_KNOWN_PORTS.has(port);
}

export const portNameAnalyzer: AnalyzerDef = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  inputs: ['Service'],
  analyze(ctx) {
    for (const r of ctx.all('Service')) {
      if (isControlPlane(r)) continue;
      const managed = r.labels['gateway.istio.io/managed'];
      if (managed === 'istio.io-gateway-controller' || managed === 'istio.io-mesh-controller' || managed === 'istio.io-eastwest-controller') continue;
      const external = str(r.spec.type) === 'ExternalName';
      for (const p of arr(r.spec.ports)) {
        const name = str(p?.name);
        if (portProtocolUnsupported(num(p?.port), name, str(p?.protocol) || 'TCP', p?.appProtocol === undefined || p?.appProtocol === null ? undefined : str(p.appProtocol)) || (name === 'tcp' && external)) {
          if (external) ctx.report(r, 'ExternalNameServiceTypeInvalidPortName');
          else ctx.report(r, 'PortNameIsNotUnderNamingConvention', name, num(p?.port), p?.targetPort === undefined ? '0' : String(p.targetPort));
        }
      }
    }
  },
};
