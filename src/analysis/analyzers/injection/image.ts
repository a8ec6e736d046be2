import { injectorConfigMapName, injectorValues } from './shared';
import { AnalysisContext, AnalyzerDef, arr, obj, pushTo, Resource, selectorMatches, str, strMap } from '../../model';

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
