// Analyzers for security, telemetry, sidecar, destination rule, service entry, envoy filter,
// Gateway API, deprecation and mesh networks configuration.
import {
  AnalysisContext, AnalyzerDef, LabelIndex, Obj, Resource, arr, inMesh, isObj, obj, podInAmbientMode, namespaceInAmbientMode,
  selectorMatches, selectorString, str, strMap, pushTo,
} from '../model';
import { ServiceRegistry } from './service-registry';

/** Pods grouped by namespace, each group label-indexed. */
function podsByNamespace(ctx: AnalysisContext): Map<string, LabelIndex> {
  return ctx.cached('pods-by-ns', () => {
    const groups = new Map<string, Resource[]>();
    for (const p of ctx.all('Pod')) {
      const l = groups.get(p.namespace) ?? [];
      l.push(p);
      groups.set(p.namespace, l);
    }
    return new Map([...groups].map(([ns, l]) => [ns, new LabelIndex(l)]));
  });
}

// ---------------------------------------------------------------- authz / authn

function namespaceMatch(ns: string, exp: string): boolean {
  if (exp === '*') return true;
  if (exp.startsWith('*')) return ns.endsWith(exp.slice(1));
  if (exp.endsWith('*')) return ns.startsWith(exp.slice(0, -1));
  return ns.toLowerCase() === exp.toLowerCase();
}

export const authorizationPoliciesAnalyzer: AnalyzerDef = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  inputs: ['MeshConfig', 'AuthorizationPolicy', 'Namespace', 'Pod'],
  analyze(ctx) {
    const findNs = (n: string) => ctx.find('Namespace', '', n);
    // namespace -> label index of the mesh workloads (in-mesh or ambient) running there
    const meshPods = new Map<string, Resource[]>();
    const allMesh: Resource[] = [];
    const podNamespaces = new Set<string>();
    for (const p of ctx.all('Pod')) {
      podNamespaces.add(p.namespace);
      const containers = [...arr(p.spec.containers), ...arr(p.spec.initContainers)];
      let n = 0;
      if (inMesh(p.annotations, p.labels, p.namespace, containers, findNs)) n++;
      if (podInAmbientMode(p)) n++;
      for (let i = 0; i < n; i++) {
        const list = meshPods.get(p.namespace);
        if (list) list.push(p);
        else meshPods.set(p.namespace, [p]);
        allMesh.push(p);
      }
    }
    const byNs = new Map([...meshPods].map(([ns, l]) => [ns, new LabelIndex(l)]));
    const everywhere = new LabelIndex(allMesh);
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
        if (isObj(r.spec.selector) && !everywhere.any(sel)) ctx.report(r, 'NoMatchingWorkloadsFound', selectorString(sel));
      } else if (!isObj(r.spec.selector)) {
        if ((meshPods.get(r.namespace) ?? []).length === 0) ctx.report(r, 'NoMatchingWorkloadsFound', '');
      } else if (!(byNs.get(r.namespace)?.any(sel) ?? false)) {
        ctx.report(r, 'NoMatchingWorkloadsFound', selectorString(sel));
      }
      void podNamespaces;
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

export const blockedCidrsAnalyzer: AnalyzerDef = {
  name: 'authn.BlockedCIDRsAnalyzer',
  description: 'Checks that BLOCKED_CIDRS_IN_JWKS_URIS is configured on istiod when RequestAuthentication resources exist',
  inputs: ['RequestAuthentication', 'Deployment'],
  analyze(ctx) {
    const names = ctx.all('RequestAuthentication').map((r) => r.fullName);
    if (names.length === 0) return;
    const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
    for (const d of ctx.all('Deployment')) {
      if (d.labels.app !== 'istiod') continue;
      const containers = arr(obj(obj(d.spec.template).spec).containers);
      const configured = containers.some((c) => arr(c?.env).some((e) => str(e?.name) === 'BLOCKED_CIDRS_IN_JWKS_URIS' && str(e?.value) !== ''));
      if (!configured) ctx.report(d, 'JwksUriFetchUnrestricted', names.length, shown);
    }
  },
};

// ---------------------------------------------------------------- destination rules

export const caCertificateAnalyzer: AnalyzerDef = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: ['DestinationRule'],
  analyze(ctx) {
    for (const r of ctx.all('DestinationRule')) {
      const hasSelector = isObj(r.spec.workloadSelector);
      const tp = obj(r.spec.trafficPolicy);
      const check = (tls: Obj): string | undefined => {
        const mode = str(tls.mode);
        if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
        if (str(tls.caCertificates)) return undefined;
        if (str(tls.credentialName) && hasSelector) return undefined;
        return mode;
      };
      const mode = check(obj(tp.tls));
      if (mode) ctx.report(r, 'NoServerCertificateVerificationDestinationLevel', r.fullName, r.namespace, mode, str(r.spec.host));
      for (const p of arr(tp.portLevelSettings)) {
        const m = check(obj(p?.tls));
        if (!m) continue;
        const port = isObj(p?.port) && p.port.number !== undefined ? `number:${p.port.number}` : '';
        ctx.report(r, 'NoServerCertificateVerificationPortLevel', r.fullName, r.namespace, m, str(r.spec.host), port);
      }
    }
  },
};

function localityOf(node: Resource | undefined): string {
  if (!node) return '';
  const region = node.labels['topology.kubernetes.io/region'] ?? '';
  const zone = node.labels['topology.kubernetes.io/zone'] ?? '';
  const subzone = node.labels['topology.istio.io/subzone'] ?? '';
  if (!zone) return region;
  return subzone ? `${region}/${zone}/${subzone}` : `${region}/${zone}`;
}

export const subsetSelectPodAnalyzer: AnalyzerDef = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  inputs: ['DestinationRule', 'Pod', 'Service', 'ServiceEntry', 'Node'],
  analyze(ctx) {
    const registry = ServiceRegistry.of(ctx);
    const nodes = new Map(ctx.all('Node').map((n) => [n.name, n]));
    // pods with the topology labels Istio adds from their node
    const augmented = new Map<Resource, { [key: string]: string }>();
    for (const p of ctx.all('Pod')) {
      const nodeName = str(p.spec.nodeName);
      const node = nodes.get(nodeName);
      const parts = localityOf(node).split('/');
      const l = { ...p.labels };
      if (parts[0]) l['topology.kubernetes.io/region'] = parts[0];
      if (parts[1]) l['topology.kubernetes.io/zone'] = parts[1];
      if (parts[2]) l['topology.istio.io/subzone'] = parts[2];
      if (nodeName) l['kubernetes.io/hostname'] = nodeName;
      augmented.set(p, l);
    }
    const index = new LabelIndex(ctx.all('Pod'), (p) => augmented.get(p)!);
    for (const r of ctx.all('DestinationRule')) {
      const host = str(r.spec.host);
      const se = registry.lookup(r.namespace, arr(r.spec.exportTo).map(str), host);
      if (!se) {
        ctx.report(r, 'UnknownDestinationRuleHost', host);
        continue;
      }
      for (const ss of arr(r.spec.subsets)) {
        const sel = { ...(se.workloadSelector ?? {}), ...strMap(ss?.labels) };
        if (!index.any(sel)) ctx.report(r, 'DestinationRuleSubsetNotSelectPods', str(ss?.name));
      }
    }
  },
};

// ---------------------------------------------------------------- service entries

export const serviceEntryAnalyzer: AnalyzerDef = {
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: ['ServiceEntry', 'MeshConfig'],
  analyze(ctx) {
    const md = strMap(obj(ctx.meshConfig()?.defaultConfig).proxyMetadata);
    const auto = md.ISTIO_META_DNS_CAPTURE === 'true'
      && (md.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || md.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
    for (const r of ctx.all('ServiceEntry')) {
      if (r.spec.addresses !== undefined && r.spec.addresses !== null) continue;
      if (arr(r.status?.addresses).length > 0 || auto) continue;
      for (const p of arr(r.spec.ports)) {
        const proto = str(p?.protocol);
        if (proto === '' || proto.toUpperCase() === 'TCP') ctx.report(r, 'ServiceEntryAddressesRequired');
      }
    }
  },
};

// ---------------------------------------------------------------- sidecars

export const sidecarSelectorAnalyzer: AnalyzerDef = {
  name: 'sidecar.SelectorAnalyzer',
  description: 'Validates that sidecars that define a workload selector match at least one pod, and that there ' +
    "aren't multiple sidecar resources that select overlapping pods",
  inputs: ['Sidecar', 'Pod', 'Namespace'],
  analyze(ctx) {
    const byNs = podsByNamespace(ctx);
    const podToSidecars = new Map<Resource, Resource[]>();
    const nsToSidecars = new Map<string, Resource[]>();
    for (const s of ctx.all('Sidecar')) {
      const labels = strMap(obj(s.spec.workloadSelector).labels);
      if (Object.keys(labels).length === 0) {
        pushTo(nsToSidecars, s.namespace, s);
        continue;
      }
      const matched = byNs.get(s.namespace)?.matching(labels) ?? [];
      for (const p of matched) pushTo(podToSidecars, p, s);
      if (matched.length === 0) ctx.report(s, 'ReferencedResourceNotFound', 'selector', selectorString(labels));
    }
    const reported = new Set<Resource>();
    for (const [pod, list] of podToSidecars) {
      const ambient = podInAmbientMode(pod);
      if (list.length === 1 && !ambient) continue;
      const names = list.map((s) => s.name).sort();
      for (const s of list) {
        if (ambient) {
          if (!reported.has(s)) {
            ctx.report(s, 'IneffectivePolicy', 'selected workload is in ambient mode, the policy has no impact');
            reported.add(s);
          }
          continue;
        }
        ctx.report(s, 'ConflictingSidecarWorkloadSelectors', names, pod.namespace, pod.name);
      }
    }
    for (const [ns, list] of nsToSidecars) {
      if (namespaceInAmbientMode(ctx.find('Namespace', '', ns))) {
        for (const s of list) {
          if (!reported.has(s)) {
            ctx.report(s, 'IneffectivePolicy', 'namespace is in ambient mode, the policy has no impact');
            reported.add(s);
          }
        }
        continue;
      }
      if (list.length > 1) {
        const names = list.map((s) => s.name).sort();
        for (const s of list) ctx.report(s, 'MultipleSidecarsWithoutWorkloadSelectors', names, ns);
      }
    }
  },
};

// ---------------------------------------------------------------- telemetry

export const telemetryDefaultSelectorAnalyzer: AnalyzerDef = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  description: "Validates that there aren't multiple telemetry resources that have no selector",
  inputs: ['Telemetry'],
  analyze(ctx) {
    const byNs = new Map<string, Resource[]>();
    for (const t of ctx.all('Telemetry')) {
      if (t.spec.selector !== undefined && t.spec.selector !== null) continue;
      pushTo(byNs, t.namespace, t);
    }
    for (const [ns, list] of byNs) {
      if (list.length <= 1) continue;
      const names = list.map((t) => t.name).sort();
      for (const t of list) ctx.report(t, 'MultipleTelemetriesWithoutWorkloadSelectors', names, ns);
    }
  },
};

export const telemetrySelectorAnalyzer: AnalyzerDef = {
  name: 'telemetry.SelectorAnalyzer',
  description: 'Validates that telemetries that define a selector match at least one pod, and that there ' +
    "aren't multiple telemetry resources that select overlapping pods",
  inputs: ['Telemetry', 'Pod'],
  analyze(ctx) {
    const byNs = podsByNamespace(ctx);
    const podTo = new Map<Resource, Resource[]>();
    for (const t of ctx.all('Telemetry')) {
      const sel = strMap(obj(t.spec.selector).matchLabels);
      if (Object.keys(sel).length === 0) continue;
      const matched = byNs.get(t.namespace)?.matching(sel) ?? [];
      for (const p of matched) pushTo(podTo, p, t);
      if (matched.length === 0) ctx.report(t, 'ReferencedResourceNotFound', 'selector', selectorString(sel));
    }
    for (const [pod, list] of podTo) {
      if (list.length === 1) continue;
      const names = list.map((t) => t.name).sort();
      for (const t of list) ctx.report(t, 'ConflictingTelemetryWorkloadSelectors', names, pod.namespace, pod.name);
    }
  },
};

export const telemetryProviderAnalyzer: AnalyzerDef = {
  name: 'telemetry.ProviderAnalyzer',
  description: 'Validates that providers in telemetry resource is valid',
  inputs: ['Telemetry', 'MeshConfig'],
  analyze(ctx) {
    const mesh = ctx.meshConfig();
    if (arr(obj(mesh?.defaultProviders).accessLogging).length > 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const l of arr(t.spec.accessLogging)) {
        if (l?.disabled === true) continue;
        if (arr(l?.providers).length === 0) ctx.report(t, 'InvalidTelemetryProvider', t.name, t.namespace);
      }
    }
  },
};

export const telemetryLightstepAnalyzer: AnalyzerDef = {
  name: 'telemetry.LightstepAnalyzer',
  description: 'Validates that lightstep provider is still used',
  inputs: ['Telemetry', 'MeshConfig'],
  analyze(ctx) {
    const names = new Set(arr(ctx.meshConfig()?.extensionProviders).filter((p) => isObj(p?.lightstep)).map((p) => str(p.name)));
    if (names.size === 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const tr of arr(t.spec.tracing)) {
        for (const p of arr(tr?.providers)) {
          if (names.has(str(p?.name))) {
            ctx.report(t, 'Deprecated', `The Lightstep provider ${str(p.name)} is deprecated, please migrate to OpenTelemetry provider.`);
          }
        }
      }
    }
  },
};

// ---------------------------------------------------------------- Kubernetes Gateway API

export const k8sGatewaySelectorAnalyzer: AnalyzerDef = {
  name: 'k8sgateway.SelectorAnalyzer',
  description: 'Check that selectors are effective for Kubernetes gateway',
  inputs: ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin', 'Pod'],
  analyze(ctx) {
    const gwPods = new Map<string, Resource[]>();
    for (const p of ctx.all('Pod')) {
      if (!('gateway.networking.k8s.io/gateway-name' in p.labels)) continue;
      pushTo(gwPods, p.namespace, p);
    }
    for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin']) {
      for (const r of ctx.all(kind)) {
        if (isObj(r.spec.targetRef)) continue;
        if (!isObj(r.spec.selector)) continue;
        const sel = strMap(r.spec.selector.matchLabels);
        for (const p of gwPods.get(r.namespace) ?? []) {
          if (selectorMatches(sel, p.labels)) ctx.report(r, 'IneffectiveSelector', p.labels['gateway.networking.k8s.io/gateway-name']);
        }
      }
    }
  },
};

const MINIMUM_GATEWAY_CRD_VERSIONS: { [crd: string]: [number, number, number] } = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

export const crdVersionAnalyzer: AnalyzerDef = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  description: 'Checks Gateway API CRDs are at the minimum version required by this Istio version',
  inputs: ['CustomResourceDefinition'],
  analyze(ctx) {
    for (const r of ctx.all('CustomResourceDefinition')) {
      const min = MINIMUM_GATEWAY_CRD_VERSIONS[r.name];
      const bv = r.annotations['gateway.networking.k8s.io/bundle-version'];
      if (!min || bv === undefined) continue;
      const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(bv.trim());
      if (!m) continue;
      const v = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
      const less = v[0] !== min[0] ? v[0] < min[0] : v[1] !== min[1] ? v[1] < min[1] : v[2] < min[2];
      if (less) {
        ctx.report(r, 'GatewayAPICRDVersionBelowMinimum', r.name, `${v.join('.')}${m[4] ?? ''}${m[5] ?? ''}`, min.join('.'));
      }
    }
  },
};

// ---------------------------------------------------------------- envoy filters

export const envoyPatchAnalyzer: AnalyzerDef = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks an envoyFilters ',
  inputs: ['EnvoyFilter'],
  analyze(ctx) {
    // names of patches that pinned a proxy version, accumulated across filters like Istio does
    const versioned = new Set<string>();
    for (const r of ctx.all('EnvoyFilter')) {
      const priority = typeof r.spec.priority === 'number' ? r.spec.priority : 0;
      const relative = (name: string) => {
        if (priority !== 0) return;
        ctx.report(r, versioned.has(name) ? 'EnvoyFilterUsesRelativeOperationWithProxyVersion' : 'EnvoyFilterUsesRelativeOperation');
      };
      for (const cp of arr(r.spec.configPatches)) {
        if (!isObj(cp?.patch)) break;
        let name = '';
        const value = cp.patch.value;
        if (isObj(value)) {
          if (value.name !== undefined && value.name !== null) name = goStructValueString(value.name);
          else name = str(obj(obj(obj(cp.match).listener).filterChain).filter?.name);
        }
        const op = str(cp.patch.operation);
        const applyTo = str(cp.applyTo);
        const routeLevel = applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE';
        if (op === 'ADD') {
          if (routeLevel) ctx.report(r, 'EnvoyFilterUsesAddOperationIncorrectly');
        } else if (op === 'REMOVE') {
          if (routeLevel) ctx.report(r, 'EnvoyFilterUsesRemoveOperationIncorrectly');
          else relative(name);
        } else if (op === 'REPLACE') {
          if (applyTo !== 'NETWORK_FILTER' && applyTo !== 'HTTP_FILTER' && applyTo !== 'VIRTUAL_HOST') {
            ctx.report(r, 'EnvoyFilterUsesReplaceOperationIncorrectly');
          } else {relative(name);}
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
          relative(name);
        }
        if (str(obj(obj(cp.match).proxy).proxyVersion)) versioned.add(name);
      }
    }
  },
};

/** Go's `structpb.Value.String()` rendering of a scalar (only used as an identity key). */
function goStructValueString(v: unknown): string {
  if (typeof v === 'string') return `string_value:${JSON.stringify(v)}`;
  return `value:${JSON.stringify(v)}`;
}

// ---------------------------------------------------------------- deprecation

const REMOVED_CRDS = new Set(['rbac.istio.io|ClusterRbacConfig', 'rbac.istio.io|RbacConfig', 'rbac.istio.io|ServiceRole', 'rbac.istio.io|ServiceRoleBinding']);

export const deprecationAnalyzer: AnalyzerDef = {
  name: 'deprecation.DeprecationAnalyzer',
  description: 'Checks for deprecated Istio types and fields',
  inputs: ['VirtualService', 'Sidecar', 'CustomResourceDefinition'],
  analyze(ctx) {
    for (const r of ctx.all('VirtualService')) {
      for (const http of arr(r.spec.http)) {
        const pct = obj(obj(http?.fault).delay).percent;
        if (typeof pct === 'number' && pct > 0) {
          ctx.report(r, 'Deprecated', 'HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage');
        }
      }
    }
    for (const r of ctx.all('Sidecar')) {
      if (isObj(obj(r.spec.outboundTrafficPolicy).egressProxy)) ctx.report(r, 'Deprecated', 'OutboundTrafficPolicy.EgressProxy ignored');
    }
    for (const r of ctx.all('CustomResourceDefinition')) {
      const group = str(r.spec.group);
      const kind = str(obj(r.spec.names).kind);
      if (REMOVED_CRDS.has(`${group}|${kind}`)) ctx.report(r, 'Deprecated', `Custom resource type ${group} ${kind} is removed`);
    }
  },
};

// ---------------------------------------------------------------- mesh networks

export const meshNetworksAnalyzer: AnalyzerDef = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  description: 'Check the validity of MeshNetworks in the cluster',
  inputs: ['MeshNetworks', 'Secret'],
  analyze(ctx) {
    const registries = new Set(['Mock', 'Kubernetes', 'External']);
    for (const s of ctx.all('Secret')) {
      if (s.labels['istio/multiCluster'] !== 'true') continue;
      for (const k of Object.keys(obj(s.raw.data))) registries.add(k);
      for (const k of Object.keys(obj(s.raw.stringData))) registries.add(k);
    }
    for (const r of ctx.all('MeshNetworks')) {
      for (const [netName, net] of Object.entries(obj(r.raw.networks))) {
        for (const e of arr(obj(net).endpoints)) {
          if (e?.fromRegistry === undefined) continue;
          const reg = str(e.fromRegistry);
          if (!registries.has(reg)) ctx.report(r, 'UnknownMeshNetworksServiceRegistry', reg, netName);
        }
      }
    }
  },
};
