// Progressive-delivery controllers as the analyzer sees them. Argo Rollouts' `Rollout` is a
// workload like a Deployment (its pod template at spec.template, or the pods of the Deployment its
// spec.workloadRef names). Flagger's `Canary` makes Flagger create objects at runtime (the primary
// workload, its Services, DestinationRules and VirtualService): they are added to the analyzed
// mesh as implied objects, so references to them resolve, and findings on them are dropped (the
// app cannot change what Flagger writes). What Flagger writes is modelled on Flagger v1.44.0.
import { AnalysisContext, Obj, Resource, arr, collectionOf, isObj, num, obj, str, strMap } from './model';

/** Objects with an apiVersion and a kind (a raw manifest or a `Resource`). */
interface Typed {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
}

/** Whether an object is Argo Rollouts' `Rollout` (argoproj.io). */
export function isArgoRollout(o: Typed): boolean {
  return o.kind === 'Rollout' && str(o.apiVersion).startsWith('argoproj.io/');
}

/** Whether an object is Flagger's `Canary` (flagger.app). */
export function isFlaggerCanary(o: Typed): boolean {
  return o.kind === 'Canary' && str(o.apiVersion).startsWith('flagger.app/');
}

/**
 * The Deployments and the Argo Rollouts that carry their own pod template: the workloads Istio's
 * Deployment analyzers look at (the analyzer must declare `Deployment` and `Rollout` as inputs).
 * A Rollout with `spec.workloadRef` runs the referenced Deployment's template, which that
 * Deployment already stands for.
 */
export function deploymentsAndRollouts(ctx: AnalysisContext): Resource[] {
  return [...ctx.all('Deployment'), ...ctx.all('Rollout').filter((r) => isArgoRollout(r) && isObj(r.spec.template))];
}

/** The controller object each generated object was generated for (`Canary ns/name`). */
const GENERATED_FOR = new WeakMap<object, string>();

/** The controller object (`Canary ns/name`) an object was generated for; undefined for the app's own. */
export function generatedFor(raw: object): string | undefined {
  return GENERATED_FOR.get(raw);
}

/** Finds one of the app's objects by collection (see `collectionOf`), namespace and name. */
export type ObjectLookup = (collection: string, namespace: string, name: string) => Obj | undefined;

/** Flagger's default `-selector-labels`, in the order it looks for them in the target's selector. */
const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
/** Target kinds whose pods Flagger runs a primary copy of. */
const TARGET_KINDS = new Set(['Deployment', 'DaemonSet']);
/** Containers Flagger's port discovery leaves out. */
const PROXY_CONTAINERS = new Set(['istio-proxy', 'envoy']);

/** The labels with the selector label set to a value (Flagger's primary labels). */
function relabel(labels: { [key: string]: string }, label: string, value: string): { [key: string]: string } {
  return { ...labels, [label]: value };
}

/** `spec.service.<part>` custom metadata (apex, primary, canary): labels and annotations. */
function customMeta(part: unknown): { labels: { [key: string]: string }; annotations: { [key: string]: string } } {
  const m = obj(part);
  return { labels: strMap(m.labels), annotations: strMap(m.annotations) };
}

/** The Service ports Flagger writes: the canary's port, then the target's other container ports (port discovery). */
function servicePorts(svc: Obj, workload: Obj | undefined): Obj[] {
  const port = num(svc.port);
  const declared = svc.targetPort;
  const unset = declared === undefined || declared === null || declared === 0 || declared === '0' || declared === '';
  const first: Obj = { name: str(svc.portName) || 'http', protocol: 'TCP', port, targetPort: unset ? port : declared };
  if (str(svc.appProtocol) !== '') first.appProtocol = str(svc.appProtocol);
  const ports = [first];
  if (svc.portDiscovery !== true || !workload) return ports;
  const discovered = new Map<string, number>();
  for (const c of arr(obj(obj(obj(workload.spec).template).spec).containers)) {
    if (PROXY_CONTAINERS.has(str(c?.name))) continue;
    arr(c?.ports).forEach((p: Obj, i: number) => {
      const cp = num(p?.containerPort);
      const served = unset ? cp === port : typeof declared === 'number' ? cp === declared : str(p?.name) === str(declared);
      if (!served) discovered.set(str(p?.name) || `tcp-${str(c?.name)}-${i}`, cp);
    });
  }
  for (const name of [...discovered.keys()].sort()) {
    ports.push({ name, protocol: 'TCP', port: discovered.get(name), targetPort: discovered.get(name) });
  }
  return ports;
}

/** Flagger's A/B match: each analysis match merged into each `spec.service.match` (its headers and sourceLabels win). */
function mergeMatches(analysis: Obj[], service: Obj[]): Obj[] {
  if (service.length === 0) return analysis;
  return analysis.flatMap((a) => service.map((s) => ({
    ...s,
    ...(a.headers !== undefined ? { headers: a.headers } : {}),
    ...(a.sourceLabels !== undefined ? { sourceLabels: a.sourceLabels } : {}),
  })));
}

/** The VirtualService spec Flagger writes for a Canary at rest (primary weight 100, canary 0). */
function virtualServiceSpec(spec: Obj, apex: string, primary: string, canary: string): Obj {
  const svc = obj(spec.service);
  const delegation = svc.delegation === true;
  const hosts = arr(svc.hosts).map(str);
  if (!hosts.some((h) => h === apex || h === '*')) hosts.push(apex);
  const declaredGateways = arr(svc.gateways).map(str);
  const gateways = declaredGateways.length > 0 ? declaredGateways : ['mesh'];
  const withPort = svc.portDiscovery === true && ((declaredGateways.length > 0 && declaredGateways[0] !== 'mesh') || delegation);
  const dest = (host: string, weight: number): Obj => ({
    destination: { host, ...(withPort ? { port: { number: num(svc.port) } } : {}) },
    weight,
  });
  const route = [dest(primary, 100), dest(canary, 0)];
  const out: Obj = delegation ? {} : { hosts, gateways };
  const match = arr(svc.match).filter(isObj);
  if (str(svc.appProtocol).toLowerCase() === 'tcp') {
    const ports = match.filter((m) => m.port !== undefined).map((m) => ({ port: num(m.port) }));
    out.tcp = [{ ...(ports.length > 0 ? { match: ports } : {}), route }];
    return out;
  }
  const common: Obj = {};
  if (match.length > 0) common.match = match;
  // Flagger's rewrite also has a `type` (for Gateway API routes); Istio's takes uri and authority
  const rewrite: Obj = {};
  for (const k of ['uri', 'authority']) if (obj(svc.rewrite)[k] !== undefined) rewrite[k] = svc.rewrite[k];
  if (Object.keys(rewrite).length > 0) common.rewrite = rewrite;
  for (const k of ['timeout', 'retries', 'corsPolicy', 'headers']) if (svc[k] !== undefined) common[k] = svc[k];
  const abMatch = arr(obj(spec.analysis ?? spec.canaryAnalysis).match).filter(isObj);
  out.http = abMatch.length > 0
    ? [{ ...common, match: mergeMatches(abMatch, match), route }, { ...common, route: [dest(primary, 100)] }]
    : [{ ...common, route }];
  return out;
}

/**
 * The objects Flagger creates for a Canary (Flagger v1.44.0, Istio provider): the primary copy
 * `<target>-primary` of the target Deployment or DaemonSet (its pods relabelled with the selector
 * label `<value>-primary`), the primary HPA, the Services `<service>`, `<service>-primary`
 * (primary pods) and `<service>-canary` (the target's pods), and with Istio the DestinationRules
 * `<service>-canary` and `<service>-primary` and the VirtualService `<service>` routing all
 * traffic to the primary. A target that is not among the app's objects is assumed to select
 * `app: <target>`; one whose selector has none of Flagger's selector labels gets nothing (Flagger
 * fails to initialize it). Other providers get the workload and Services only.
 */
export function flaggerObjects(canary: Obj, lookup: ObjectLookup): Obj[] {
  const md = obj(canary.metadata);
  const ns = str(md.namespace);
  const spec = obj(canary.spec);
  const ref = obj(spec.targetRef);
  const svc = obj(spec.service);
  const target = str(ref.name);
  if (target === '' || !TARGET_KINDS.has(str(ref.kind))) return [];
  const workload = lookup(str(ref.kind), ns, target);
  const selector = strMap(obj(obj(workload?.spec).selector).matchLabels);
  const label = workload ? SELECTOR_LABELS.find((l) => l in selector) : 'app';
  if (label === undefined) return [];
  const value = workload ? selector[label] : target;
  const primaryValue = `${value}-primary`;
  const apex = str(svc.name) || target;
  const meta = (name: string, extra: Obj = {}): Obj => ({ name, ...(md.namespace !== undefined ? { namespace: md.namespace } : {}), ...extra });
  const out: Obj[] = [];

  if (workload) {
    const wspec = obj(workload.spec);
    const template = obj(wspec.template);
    const tmd = obj(template.metadata);
    out.push({
      apiVersion: str(workload.apiVersion) || 'apps/v1',
      kind: str(ref.kind),
      metadata: meta(`${target}-primary`, { labels: relabel(strMap(obj(workload.metadata).labels), label, primaryValue) }),
      spec: {
        ...wspec,
        selector: { matchLabels: { [label]: primaryValue } },
        template: { ...template, metadata: { ...tmd, labels: relabel(strMap(tmd.labels), label, primaryValue) } },
      },
    });
    const scaler = obj(spec.autoscalerRef);
    const hpa = scaler.kind === 'HorizontalPodAutoscaler' ? lookup('HorizontalPodAutoscaler', ns, str(scaler.name)) : undefined;
    if (hpa) {
      const hspec = obj(hpa.spec);
      out.push({
        apiVersion: str(hpa.apiVersion) || 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(`${str(scaler.name)}-primary`),
        spec: { ...hspec, scaleTargetRef: { ...obj(hspec.scaleTargetRef), name: `${target}-primary` } },
      });
    }
  }

  const ports = servicePorts(svc, workload);
  const service = (name: string, podValue: string, part: unknown): Obj => {
    const custom = customMeta(part);
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, {
        labels: { ...custom.labels, [label]: name },
        ...(Object.keys(custom.annotations).length > 0 ? { annotations: custom.annotations } : {}),
      }),
      spec: { type: 'ClusterIP', selector: { [label]: podValue }, ports: ports.map((p) => ({ ...p })) },
    };
  };
  const primary = `${apex}-primary`;
  const canaryName = `${apex}-canary`;
  out.push(service(apex, primaryValue, svc.apex), service(primary, primaryValue, svc.primary), service(canaryName, value, svc.canary));

  const provider = str(spec.provider);
  if (provider === '' || provider === 'istio') {
    const trafficPolicy = isObj(svc.trafficPolicy) ? { trafficPolicy: svc.trafficPolicy } : {};
    for (const host of [canaryName, primary]) {
      out.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: meta(host), spec: { host, ...trafficPolicy } });
    }
    const custom = customMeta(svc.apex);
    out.push({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: meta(apex, {
        ...(Object.keys(custom.labels).length > 0 ? { labels: custom.labels } : {}),
        ...(Object.keys(custom.annotations).length > 0 ? { annotations: custom.annotations } : {}),
      }),
      spec: virtualServiceSpec(spec, apex, primary, canaryName),
    });
  }
  const owner = `Canary ${ns ? `${ns}/` : ''}${str(md.name)}`;
  for (const o of out) GENERATED_FOR.set(o, owner);
  return out;
}

/** `collection|namespace|name` of an object, as the object index keys it. */
export function objectKey(o: Obj): string {
  const md = obj(o.metadata);
  return `${collectionOf(str(o.apiVersion), str(o.kind))}|${str(md.namespace)}|${str(md.name)}`;
}

/**
 * The objects the app's controllers would create at runtime (today: Flagger's, for each
 * Canary), except those the app declares itself (same kind, namespace and name): the app's
 * object stands, and `controllers.FlaggerAnalyzer` reports it. When two Canaries would
 * generate the same object, the first one's is kept.
 */
export function controllerObjects(objects: readonly Obj[]): Obj[] {
  if (!objects.some((o) => isObj(o) && isFlaggerCanary(o))) return []; // (no index of the objects to build)
  const own = new Map<string, Obj>();
  for (const o of objects) if (isObj(o) && typeof o.kind === 'string') own.set(objectKey(o), o);
  const lookup: ObjectLookup = (collection, namespace, name) => own.get(`${collection}|${namespace}|${name}`);
  const taken = new Set<string>();
  const out: Obj[] = [];
  for (const o of objects) {
    if (!isObj(o) || !isFlaggerCanary(o)) continue;
    for (const g of flaggerObjects(o, lookup)) {
      const key = objectKey(g);
      if (own.has(key) || taken.has(key)) continue;
      taken.add(key);
      out.push(g);
    }
  }
  return out;
}
