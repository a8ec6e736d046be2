import { ApiObject, ApiObjectMetadata, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceExternalTrafficPolicy } from './mesh-service-options';
import { ResolvedPort } from './mesh-service-port';
import { ServiceIpFamily, ServiceIpFamilyPolicy } from './service-ip-family';

/**
 * What a Service of a mesh service is made of.
 * @internal
 */
export interface PortsServiceOptions {
  readonly ports: ResolvedPort[];
  readonly metadata: ApiObjectMetadata;
  readonly selector: { [key: string]: string };
  readonly type?: kplus.ServiceType;
  readonly external?: ServiceExternalTrafficPolicy;
  readonly ipFamilyPolicy?: ServiceIpFamilyPolicy;
  readonly ipFamilies?: ServiceIpFamily[];
}

/**
 * A Service with every port of a mesh service (named after its protocol, with `appProtocol`).
 * @internal
 */
export function createPortsService(scope: Construct, id: string, options: PortsServiceOptions): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: options.metadata,
    type: options.type,
    ports: options.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.containerPort })),
  });
  for (const [key, value] of Object.entries(options.selector)) service.selectLabel(key, value);
  const api = ApiObject.of(service);
  // cdk8s-plus has no appProtocol; it tells Istio (and Kubernetes) the protocol explicitly.
  options.ports.forEach((p, i) => {
    api.addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.protocol.toLowerCase()));
  });
  // Nor IP families.
  if (options.ipFamilyPolicy !== undefined) api.addJsonPatch(JsonPatch.add('/spec/ipFamilyPolicy', options.ipFamilyPolicy));
  if (options.ipFamilies !== undefined) api.addJsonPatch(JsonPatch.add('/spec/ipFamilies', [...options.ipFamilies]));
  // Nor the external traffic policy (only on NodePort/LoadBalancer Services).
  if (options.external !== undefined) api.addJsonPatch(JsonPatch.add('/spec/externalTrafficPolicy', options.external));
  return service;
}
