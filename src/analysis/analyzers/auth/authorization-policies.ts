import { LabelIndex } from '../../label-index';
import { AnalyzerDef, arr, inMesh, isObj, obj, podInAmbientMode, pushTo, Resource, selectorString, str, strMap } from '../../model';

function namespaceMatch(ns: string, exp: string): boolean {
  if (exp === '*') return true;
  if (exp.startsWith('*')) return ns.endsWith(exp.slice(1));
  if (exp.endsWith('*')) return ns.startsWith(exp.slice(0, -1));
  return ns.toLowerCase() === exp.toLowerCase();
}

/** The gateway classes whose Gateways Istio deploys as pods of the mesh. */
const MANAGED_CLASSES = new Set(['istio', 'istio-waypoint', 'istio-east-west']);

export const authorizationPoliciesAnalyzer: AnalyzerDef = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  inputs: ['MeshConfig', 'AuthorizationPolicy', 'Namespace', 'Pod', 'KubernetesGateway'],
  analyze(ctx) {
    const findNs = (n: string) => ctx.find('Namespace', '', n);
    // namespace -> label index of the mesh workloads (in-mesh or ambient) running there
    const meshPods = new Map<string, Resource[]>();
    const allMesh: Resource[] = [];
    for (const p of ctx.all('Pod')) {
      const containers = [...arr(p.spec.containers), ...arr(p.spec.initContainers)];
      let n = 0;
      if (inMesh(p.annotations, p.labels, p.namespace, containers, findNs)) n++;
      if (podInAmbientMode(p)) n++;
      for (let i = 0; i < n; i++) {
        pushTo(meshPods, p.namespace, p);
        allMesh.push(p);
      }
    }
    // Library addition: a Gateway API Gateway of a class Istio deploys (an ingress gateway, a
    // waypoint) runs a mesh pod that the manifests do not contain, with the gateway-name labels.
    for (const gw of ctx.all('KubernetesGateway')) {
      if (!MANAGED_CLASSES.has(str(gw.spec.gatewayClassName))) continue;
      const labels = { 'gateway.networking.k8s.io/gateway-name': gw.name, 'istio.io/gateway-name': gw.name };
      const pod = new Resource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: gw.name, namespace: gw.namespace, labels } }, -1);
      pushTo(meshPods, gw.namespace, pod);
      allMesh.push(pod);
    }
    const byNs = new Map([...meshPods].map(([ns, l]) => [ns, new LabelIndex(l)]));
    let everywhere: LabelIndex | undefined; // (for policies in the root namespace only)
    const root = str(ctx.meshConfig()?.rootNamespace);
    const namespaces = ctx.all('Namespace').map((n) => n.fullName);
    const exactNs = new Set(namespaces.map((n) => n.toLowerCase()));
    const nsExists = (exp: string): boolean => {
      if (!exp.includes('*')) return exactNs.has(exp.toLowerCase());
      return namespaces.some((n) => namespaceMatch(n, exp));
    };
    for (const r of ctx.all('AuthorizationPolicy')) {
      const sel = isObj(r.spec.selector) ? strMap(r.spec.selector.matchLabels) : undefined;
      if (root && r.namespace === root) {
        if (isObj(r.spec.selector) && !(everywhere ??= new LabelIndex(allMesh)).any(sel)) ctx.report(r, 'NoMatchingWorkloadsFound', selectorString(sel));
      } else if (!isObj(r.spec.selector)) {
        if ((meshPods.get(r.namespace) ?? []).length === 0) ctx.report(r, 'NoMatchingWorkloadsFound', '');
      } else if (!(byNs.get(r.namespace)?.any(sel) ?? false)) {
        ctx.report(r, 'NoMatchingWorkloadsFound', selectorString(sel));
      }
      for (const rule of arr(r.spec.rules)) {
        for (const from of arr(rule?.from)) {
          const src = obj(from?.source);
          for (const ns of [...arr(src.namespaces), ...arr(src.notNamespaces)].map(str)) {
            if (!nsExists(ns)) ctx.report(r, 'ReferencedResourceNotFound', 'namespace', ns);
          }
        }
      }
    }
  },
};
