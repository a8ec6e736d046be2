import { Testing } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import { withManifestValidationDisabled } from './support/validator';
import { MeshAnalysis } from '../src/core/mesh-analysis';
import { Protocol } from '../src/core/protocol';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../src/networking/service-entry';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { Principal } from '../src/security/principal';
const tryIt = (name: string, f: (c: any) => void) => {
  const c = Testing.chart(); MeshAnalysis.suppress(c, 'IST0101');
  try { f(c); withManifestValidationDisabled(() => Testing.synth(c)); console.log(name, 'ACCEPTED'); } catch (e) { console.log(name, '=>', (e as Error).message.slice(0, 250)); }
};
test('x', () => {
  tryIt('custom+principals', (c) => new AuthorizationPolicy(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), action: AuthorizationAction.CUSTOM, provider: 'ext', rules: [{ sources: [{ principals: [Principal.of('cluster.local/ns/a/sa/b')] }] }] }));
  tryIt('custom+namespaces', (c) => new AuthorizationPolicy(c, 'x', { selector: WorkloadSelector.fromLabels({ app: 'a' }), action: AuthorizationAction.CUSTOM, provider: 'ext', rules: [{ sources: [{ namespaces: ['a'] }] }] }));
  tryIt('se dynamic dns', (c) => new ServiceEntry(c, 'x', { hosts: ['*.example.com'], location: ServiceEntryLocation.MESH_EXTERNAL, resolution: (ServiceEntryResolution as any).DYNAMIC_DNS ?? 'DYNAMIC_DNS', ports: [{ number: 443, protocol: Protocol.HTTPS }] }));
  tryIt('configmap long key', (c) => new ConfigMap(c, 'x', { data: { ['k'.repeat(254)]: 'v' } }));
  tryIt('configmap bad key', (c) => new ConfigMap(c, 'x', { data: { 'bad key': 'v' } }));
});
