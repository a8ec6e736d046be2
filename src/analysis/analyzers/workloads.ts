// Analyzers over Kubernetes workloads and core objects: annotations, deployments, services,
// injection, webhooks, application UID, conditions.
import { ANNOTATION_TABLE } from '../annotation-table';
import {
  AnalysisContext, AnalyzerDef, Obj, Resource, arr, inMesh, isObj, labelSelectorMatches, num, obj, podSpecOf, selectorMatches,
  str, strMap, templateMeta, pushTo,
} from '../model';

// ---------------------------------------------------------------- annotations

interface AnnotationDef {
  readonly status: string;
  readonly deprecated: boolean;
  readonly resources: string[];
}

let annotationRegistry: Map<string, AnnotationDef> | undefined;
function annotations(): Map<string, AnnotationDef> {
  if (!annotationRegistry) {
    annotationRegistry = new Map(ANNOTATION_TABLE.map(([name, status, deprecated, res]) => [
      name, { status, deprecated, resources: res ? res.split(',') : [] },
    ]));
  }
  return annotationRegistry;
}

const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);
const CNI_DEFAULTED = new Set([
  'sidecar.istio.io/interceptionMode', 'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

function isIstioAnnotation(a: string): boolean {
  if (a === 'kubernetes.io/ingress.class') return true;
  return a.split('/')[0].endsWith('istio.io');
}

const U32 = (v: string): string | undefined => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? undefined : `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
const PORTS = (v: string): string | undefined => {
  if (v.trim() === '' || v.trim() === '*') return undefined;
  for (const p of v.split(',')) {
    const n = p.trim();
    if (!/^\d+$/.test(n) || Number(n) > 65535) return `portList: ${JSON.stringify(n)} is not a valid port`;
  }
  return undefined;
};
const CIDRS = (v: string): string | undefined => {
  if (v.trim() === '' || v.trim() === '*') return undefined;
  for (const c of v.split(',')) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())) return `${JSON.stringify(c.trim())} is not a valid CIDR`;
  }
  return undefined;
};
const QUANTITY = (v: string): string | undefined => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i?|[munkMGTPE])?$/.test(v) ? undefined : 'quantities must match the regular expression');
const ANNOTATION_VALIDATION: { [name: string]: (v: string) => string | undefined } = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid: ${v}`),
  'status.sidecar.istio.io/port': (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : `invalid port: ${v}`),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': U32,
  'readiness.status.sidecar.istio.io/periodSeconds': U32,
  'readiness.status.sidecar.istio.io/failureThreshold': U32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/includeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeOutboundPorts': PORTS,
  'prometheus.istio.io/merge-metrics': (v) => (['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(v) ? undefined : `invalid bool: ${v}`),
  'sidecar.istio.io/proxyCPU': QUANTITY,
  'sidecar.istio.io/proxyMemory': QUANTITY,
  'sidecar.istio.io/proxyCPULimit': QUANTITY,
  'sidecar.istio.io/proxyMemoryLimit': QUANTITY,
};

const ANNOTATED_KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'];

export const k8sAnnotationsAnalyzer: AnalyzerDef = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: ANNOTATED_KINDS,
  analyze(ctx) {
    const reg = annotations();
    for (const kind of ANNOTATED_KINDS) {
      for (const r of ctx.all(kind)) {
        for (const [ann, value] of Object.entries(r.annotations)) {
          if (!isIstioAnnotation(ann) || ALWAYS_IGNORED.has(ann)) continue;
          const def = reg.get(ann);
          if (!def) {
            ctx.report(r, 'UnknownAnnotation', ann);
            continue;
          }
          if (def.deprecated && !(ann === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in r.labels)) {
            ctx.report(r, 'DeprecatedAnnotation', ann, ann === 'sidecar.istio.io/inject' ? ' in favor of the "sidecar.istio.io/inject" label' : '');
          }
          if (def.resources.includes('Any')) continue;
          if (!def.resources.includes(kind)) {
            ctx.report(r, 'MisplacedAnnotation', ann, def.resources.join(', '));
            continue;
          }
          const err = ANNOTATION_VALIDATION[ann]?.(value);
          if (err) ctx.report(r, 'InvalidAnnotation', ann, err);
        }
      }
    }
  },
};

export const alphaAnnotationsAnalyzer: AnalyzerDef = {
  name: 'annotations.AlphaAnalyzer',
  description: 'Checks for alpha Istio annotations in Kubernetes resources',
  inputs: ANNOTATED_KINDS,
  inAll: false,
  analyze(ctx) {
    const reg = annotations();
    for (const kind of ANNOTATED_KINDS) {
      for (const r of ctx.all(kind)) {
        const cni = kind === 'Pod' && !arr(r.spec.initContainers).some((c) => str(c?.name) === 'istio-init');
        for (const ann of Object.keys(r.annotations)) {
          if (!isIstioAnnotation(ann)) continue;
          const def = reg.get(ann);
          if (!def || def.status !== 'A' || ALWAYS_IGNORED.has(ann)) continue;
          if (cni && CNI_DEFAULTED.has(ann)) continue;
          ctx.report(r, 'AlphaAnnotation', ann);
        }
      }
    }
  },
};

// ---------------------------------------------------------------- deployments

function findNamespace(ctx: AnalysisContext): (name: string) => Resource | undefined {
  return (name) => ctx.find('Namespace', '', name);
}

function servicesByNamespace(ctx: AnalysisContext): Map<string, Resource[]> {
  return ctx.cached('services-by-ns', () => {
    const m = new Map<string, Resource[]>();
    for (const s of ctx.all('Service')) {
      const l = m.get(s.namespace) ?? [];
      l.push(s);
      m.set(s.namespace, l);
    }
    return m;
  });
}

export const serviceAssociationAnalyzer: AnalyzerDef = {
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks association between services and pods',
  inputs: ['Service', 'Deployment', 'Namespace'],
  analyze(ctx) {
    const byNs = servicesByNamespace(ctx);
    for (const d of ctx.all('Deployment')) {
      if (d.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const tm = templateMeta(d);
      const spec = podSpecOf(d);
      if (!inMesh(tm.annotations, tm.labels, d.namespace, arr(spec.containers), findNamespace(ctx))) continue;
      const svcs = (byNs.get(d.namespace) ?? []).filter((s) => {
        const sel = strMap(s.spec.selector);
        return Object.keys(sel).length > 0 && selectorMatches(sel, tm.labels);
      });
      // port -> protocol -> service names
      const portMap = new Map<number, Map<string, string[]>>();
      // targetPort -> port -> service name
      const targetMap = new Map<string, Map<number, string>>();
      for (const s of svcs) {
        for (const p of arr(s.spec.ports)) {
          const port = num(p?.port);
          const proto = str(p?.protocol) || 'TCP';
          const pm = portMap.get(port) ?? new Map<string, string[]>();
          pushTo(pm, proto, s.fullName);
          portMap.set(port, pm);
          let tp = p?.targetPort === undefined || p?.targetPort === null ? '' : String(p.targetPort);
          if (tp === '0' || tp === '') tp = String(port);
          const tm2 = targetMap.get(tp) ?? new Map<number, string>();
          tm2.set(port, s.fullName);
          targetMap.set(tp, tm2);
        }
      }
      for (const [port, protos] of portMap) {
        if (protos.size > 1) {
          const names = [...protos.values()].flat().sort();
          ctx.report(d, 'DeploymentAssociatedToMultipleServices', d.name, port, names);
        }
      }
      for (const [tp, ports] of targetMap) {
        if (ports.size > 1) {
          const names = [...ports.values()].sort();
          const nums = [...ports.keys()].sort((a, b) => a - b);
          ctx.report(d, 'DeploymentConflictingPorts', d.name, names, tp, nums);
        }
      }
    }
  },
};

function isControlPlane(r: Resource): boolean {
  return 'istio' in r.labels || r.labels.release === 'istio';
}

export const applicationUidAnalyzer: AnalyzerDef = {
  name: 'applicationUID.Analyzer',
  description: 'Checks invalid application UID',
  inputs: ['Pod', 'Deployment'],
  analyze(ctx) {
    for (const kind of ['Pod', 'Deployment']) {
      for (const r of ctx.all(kind)) {
        if (isControlPlane(r)) continue;
        const spec = podSpecOf(r);
        if (isObj(spec.securityContext) && num(spec.securityContext.runAsUser) === 1337) ctx.report(r, 'InvalidApplicationUID');
        for (const c of arr(spec.containers)) {
          const name = str(c?.name);
          if (name === 'istio-proxy' || name === 'istio-operator') continue;
          if (isObj(c?.securityContext) && num(c.securityContext.runAsUser) === 1337) ctx.report(r, 'InvalidApplicationUID');
        }
      }
    }
  },
};

// ---------------------------------------------------------------- services

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

// ---------------------------------------------------------------- injection

function injectorValues(cm: Resource): Obj | undefined {
  try {
    const v = JSON.parse(str(obj(cm.raw.data).values));
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function injectorConfigMapName(revision: string): string {
  return !revision || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

export const injectionAnalyzer: AnalyzerDef = {
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  inputs: ['Namespace', 'Pod', 'ConfigMap'],
  analyze(ctx) {
    const cmByName = new Map<string, Resource>();
    for (const cm of ctx.all('ConfigMap')) if (!cmByName.has(cm.name)) cmByName.set(cm.name, cm);
    let enabledByDefault = false;
    const injected = new Set<string>();
    for (const r of ctx.all('Namespace')) {
      if (r.name === 'istio-system') continue;
      const hasInj = 'istio-injection' in r.labels;
      const inj = r.labels['istio-injection'] ?? '';
      const hasRev = 'istio.io/rev' in r.labels;
      const rev = r.labels['istio.io/rev'] ?? '';
      const istioLabels: string[] = [];
      if (hasInj) istioLabels.push(`istio-injection=${inj}`);
      for (const l of ['istio.io/rev', 'istio.io/dataplane-mode']) {
        if (l in r.labels && (!hasInj || inj === 'enabled')) istioLabels.push(`${l}=${r.labels[l]}`);
      }
      if (istioLabels.length > 1) ctx.report(r, 'NamespaceMultipleInjectionLabels', istioLabels);
      if (r.labels['istio.io/dataplane-mode'] === 'ambient') continue;
      const cm = cmByName.get(injectorConfigMapName(rev));
      if (cm) enabledByDefault = injectorValues(cm)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
      if (inj === '' && !hasRev) {
        if (enabledByDefault) ctx.report(r, 'NamespaceInjectionEnabledByDefault');
        else ctx.report(r, 'NamespaceNotInjected', r.name, r.name);
        continue;
      }
      if (inj !== 'enabled') continue;
      injected.add(r.name);
    }
    for (const p of ctx.all('Pod')) {
      if (!injected.has(p.namespace)) continue;
      let inj = p.annotations['sidecar.istio.io/inject'] ?? '';
      if ('sidecar.istio.io/inject' in p.labels) inj = p.labels['sidecar.istio.io/inject'];
      if (inj.toLowerCase() === 'false') continue;
      if (p.spec.hostNetwork === true) continue;
      const containers = [...arr(p.spec.containers), ...arr(p.spec.initContainers)];
      const proxy = containers.find((c) => str(c?.name) === 'istio-proxy');
      if (!proxy || !str(proxy.image)) ctx.report(p, 'PodMissingProxy', p.fullName);
    }
  },
};

function proxyImageOf(cm: Resource): string {
  const v = injectorValues(cm);
  if (!v) return '';
  const g = obj(v.global);
  const image = str(obj(g.proxy).image);
  if (image.includes('/')) return image;
  return `${str(g.hub)}/${image}:${str(g.tag)}`;
}

interface ImageTypeResolver {
  readonly mesh: string;
  readonly root: string;
  readonly namespace: Map<string, string>;
  readonly workload: Map<string, { selector: { [key: string]: string }; type: string }[]>;
}

/** Istio's effective ProxyConfig image type: mesh default, root, namespace, workload, annotation. */
function imageTypeResolver(ctx: AnalysisContext): ImageTypeResolver {
  const mesh = ctx.meshConfig();
  const rootNs = str(mesh?.rootNamespace) || 'istio-system';
  let root = '';
  const namespace = new Map<string, string>();
  const workload = new Map<string, { selector: { [key: string]: string }; type: string }[]>();
  for (const pc of ctx.all('ProxyConfig')) {
    const t = str(obj(pc.spec.image).imageType);
    if (pc.namespace === rootNs) root = t;
    else if (!pc.spec.selector) namespace.set(pc.namespace, t);
    else pushTo(workload, pc.namespace, { selector: strMap(pc.spec.selector.matchLabels), type: t });
  }
  return { mesh: str(obj(obj(mesh?.defaultConfig).image).imageType), root, namespace, workload };
}

function imageType(res: ImageTypeResolver, pod: Resource): string {
  let variant = res.mesh;
  if (res.root) variant = res.root;
  const nsType = res.namespace.get(pod.namespace);
  if (nsType) variant = nsType;
  for (const w of res.workload.get(pod.namespace) ?? []) {
    if (w.type && selectorMatches(w.selector, pod.labels)) variant = w.type;
  }
  const anno = pod.annotations['proxy.istio.io/config'];
  if (anno) {
    const m = /imageType:\s*["']?([A-Za-z0-9_-]+)/.exec(anno);
    if (m) variant = m[1];
  }
  return variant === 'default' ? '' : variant;
}

export const imageAnalyzer: AnalyzerDef = {
  name: 'injection.ImageAnalyzer',
  description: 'Checks the image of auto-injection configured with the running proxies on pods',
  inputs: ['Namespace', 'Pod', 'ConfigMap', 'MeshConfig', 'ProxyConfig'],
  analyze(ctx) {
    const images = new Map<string, string>();
    for (const cm of ctx.all('ConfigMap')) {
      if (cm.name.startsWith('istio-sidecar-injector')) images.set(cm.name, proxyImageOf(cm));
    }
    if (images.size === 0) return;
    const injected = new Map<string, string>();
    const nsRes = new Map<string, Resource>();
    for (const r of ctx.all('Namespace')) {
      nsRes.set(r.fullName, r);
      if ('istio.io/rev' in r.labels) injected.set(r.fullName, r.labels['istio.io/rev']);
      else if (r.labels['istio-injection'] === 'enabled') injected.set(r.fullName, 'default');
    }
    const mismatched = new Map<string, string[]>();
    const resolver = imageTypeResolver(ctx);
    for (const p of ctx.all('Pod')) {
      const rev = injected.get(p.namespace);
      if (rev === undefined) continue;
      if (p.annotations['sidecar.istio.io/proxyImage']) continue;
      const variant = imageType(resolver, p);
      for (const c of [...arr(p.spec.containers), ...arr(p.spec.initContainers)]) {
        if (str(c?.name) !== 'istio-proxy') continue;
        const want = images.get(injectorConfigMapName(rev));
        if (want === undefined) break;
        const img = str(c.image);
        if (img !== want && img !== `${want}-${variant}`) {
          pushTo(mismatched, p.namespace, p.name);
        }
      }
    }
    for (const [ns, pods] of mismatched) ctx.report(nsRes.get(ns), 'PodsIstioProxyImageMismatchInNamespace', pods.sort());
  },
};

export const imageAutoAnalyzer: AnalyzerDef = {
  name: 'injection.ImageAutoAnalyzer',
  description: 'Makes sure that Pods and Deployments with `image: auto` are going to be injected',
  inputs: ['Namespace', 'Pod', 'Deployment', 'MutatingWebhookConfiguration'],
  analyze(ctx) {
    const hooks: Obj[] = [];
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      for (const wh of arr(r.raw.webhooks)) if (str(wh?.name).endsWith('istio.io')) hooks.push(wh);
    }
    const autoImage = (spec: Obj) => arr(spec.containers).some((c) => str(c?.name) === 'istio-proxy' && str(c?.image) === 'auto');
    for (const p of ctx.all('Pod')) {
      if (autoImage(p.spec)) ctx.report(p, 'ImageAutoWithoutInjectionError', 'Pod', p.name);
    }
    for (const d of ctx.all('Deployment')) {
      if (!autoImage(podSpecOf(d))) continue;
      const ns = ctx.find('Namespace', '', d.namespace || 'default');
      const nsLabels = ns ? ns.labels : {};
      const podLabels = templateMeta(d).labels;
      const ok = hooks.some((w) => labelSelectorMatches(w.namespaceSelector, nsLabels) && labelSelectorMatches(w.objectSelector, podLabels));
      if (!ok) ctx.report(d, 'ImageAutoWithoutInjectionWarning', 'Deployment', d.name);
    }
  },
};

// ---------------------------------------------------------------- webhooks

function webhookRevisions(r: Resource): string[] {
  const revs = new Set<string>();
  if ('istio.io/rev' in r.labels) revs.add(r.labels['istio.io/rev']);
  for (const wh of arr(r.raw.webhooks)) {
    for (const selName of ['namespaceSelector', 'objectSelector']) {
      const sel = wh?.[selName];
      if (!isObj(sel)) continue;
      const ml = strMap(sel.matchLabels);
      if ('istio.io/rev' in ml) revs.add(ml['istio.io/rev']);
      for (const e of arr(sel.matchExpressions)) if (str(e?.key) === 'istio.io/rev') for (const v of arr(e?.values)) revs.add(str(v));
    }
  }
  return [...revs];
}

export const webhookAnalyzer: AnalyzerDef = {
  name: 'webhook.Analyzer',
  description: 'Checks the validity of Istio webhooks',
  inputs: ['MutatingWebhookConfiguration', 'Service'],
  analyze(ctx) {
    const hooks: { key: string; res: Resource; wh: Obj }[] = [];
    const revisions = new Set<string>();
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      const revs = webhookRevisions(r);
      const whs = arr(r.raw.webhooks);
      if (revs.length === 0 && !whs.some((w) => str(w?.name).endsWith('istio.io'))) continue;
      for (const wh of whs) hooks.push({ key: `${r.fullName}/${str(wh?.name)}`, res: r, wh: obj(wh) });
      revs.forEach((x) => revisions.add(x));
    }
    const base = (key: string, on: string, off: string) => [{}, { [key]: on }, { [key]: off }] as { [key: string]: string }[];
    const nsLabels = base('istio-injection', 'enabled', 'disabled');
    const objLabels = base('sidecar.istio.io/inject', 'true', 'false');
    for (const rev of revisions) {
      for (const b of base('istio-injection', 'enabled', 'disabled')) nsLabels.push({ ...b, 'istio.io/rev': rev });
      for (const b of base('sidecar.istio.io/inject', 'true', 'false')) objLabels.push({ ...b, 'istio.io/rev': rev });
    }
    for (const nl of nsLabels) {
      for (const ol of objLabels) {
        const matches = new Map<string, Resource>();
        for (const h of hooks) {
          if (labelSelectorMatches(h.wh.namespaceSelector, nl) && labelSelectorMatches(h.wh.objectSelector, ol)) matches.set(h.key, h.res);
        }
        if (matches.size <= 1) continue;
        for (const [key, res] of matches) {
          const others = [...matches.keys()].filter((k) => k !== key).sort();
          ctx.report(res, 'InvalidWebhook', `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`);
        }
      }
    }
    for (const h of hooks) {
      const svc = obj(h.wh.clientConfig).service;
      if (!isObj(svc)) continue;
      const ns = str(svc.namespace);
      const name = str(svc.name);
      if (!ctx.find('Service', ns, name)) {
        ctx.report(h.res, 'InvalidWebhook', `Injector refers to a control plane service that does not exist: ${ns ? `${ns}/${name}` : name}.`);
      }
    }
  },
};

export const externalControlPlaneAnalyzer: AnalyzerDef = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  description: 'Checks that the remote IstioOperator resources reference an external control plane',
  inputs: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  analyze(ctx) {
    const check = (r: Resource, hook: Obj) => {
      const name = str(hook.name);
      const cc = obj(hook.clientConfig);
      if (cc.url !== undefined && cc.url !== null) {
        const url = str(cc.url);
        let hostname: string;
        try {
          hostname = new URL(url).hostname;
        } catch {
          ctx.report(r, 'InvalidExternalControlPlaneConfig', url, name, 'was provided in an invalid format');
          return;
        }
        const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || (bare.includes(':') && /^[0-9a-fA-F:.]+$/.test(bare))) {
          ctx.report(r, 'ExternalControlPlaneAddressIsNotAHostname', url, name);
        }
      } else if (!isObj(cc.service)) {
        ctx.report(r, 'InvalidExternalControlPlaneConfig', '', name, 'is blank');
      }
    };
    for (const r of ctx.all('ValidatingWebhookConfiguration')) {
      if (r.name && (r.name === 'istiod-default-validator' || r.name.startsWith('istio-validator'))) {
        for (const h of arr(r.raw.webhooks)) check(r, obj(h));
      }
    }
    for (const r of ctx.all('MutatingWebhookConfiguration')) {
      if (r.name.startsWith('istio-sidecar-injector')) for (const h of arr(r.raw.webhooks)) check(r, obj(h));
    }
  },
};

// ---------------------------------------------------------------- conditions

const NEGATIVE_CONDITIONS: { [collection: string]: { [type: string]: string } } = {
  Service: { 'istio.io/WaypointBound': 'False' },
  ServiceEntry: { 'istio.io/WaypointBound': 'False' },
  WorkloadEntry: { 'istio.io/WaypointBound': 'False' },
  AuthorizationPolicy: { ZtunnelAccepted: 'False', WaypointAccepted: 'False' },
  KubernetesGateway: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
  HTTPRoute: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
  GRPCRoute: { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' },
};

export const conditionAnalyzer: AnalyzerDef = {
  name: 'conditions.ConditionAnalyzer',
  description: 'Checks for negative status conditions on resources',
  inputs: Object.keys(NEGATIVE_CONDITIONS),
  analyze(ctx) {
    for (const collection of Object.keys(NEGATIVE_CONDITIONS)) {
      for (const r of ctx.all(collection)) {
        const status = obj(r.status);
        const conds = collection === 'HTTPRoute' || collection === 'GRPCRoute'
          ? arr(status.parents).flatMap((p) => arr(p?.conditions)) : arr(status.conditions);
        for (const c of conds) {
          const type = str(c?.type);
          const reason = str(c?.reason);
          const message = str(c?.message);
          if (type in NEGATIVE_CONDITIONS[collection] && NEGATIVE_CONDITIONS[collection][type] === str(c?.status)) {
            ctx.report(r, 'NegativeConditionStatus', type, reason, message);
          }
          if (collection === 'AuthorizationPolicy' && type === 'WaypointAccepted' && reason === 'PartiallyInvalid') {
            ctx.report(r, 'NegativeConditionStatus', type, reason, message);
          }
        }
      }
    }
  },
};
