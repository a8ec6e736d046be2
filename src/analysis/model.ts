// Internal model of the analyzer: resources, the object index, label selectors, host helpers and
// the per-analyzer context. Nothing here is part of the jsii public API.
import { LIBRARY_MESSAGES, LibraryMessageName } from './library-messages';
import { MESSAGES, MessageName } from './messages.generated';

/** A plain JSON-like object. */
export type Obj = { [key: string]: any };

/** Namespaces whose objects are dropped on load (as Istio's local analysis harness does). */
export const DROPPED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The namespace Istio's control plane runs in. */
export const ISTIO_SYSTEM = 'istio-system';

/**
 * Collection key of an object: its kind, except for the Kubernetes Gateway API `Gateway`
 * (`KubernetesGateway`) so it does not collide with Istio's `Gateway`.
 */
export function collectionOf(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (kind === 'Gateway' && group === 'gateway.networking.k8s.io') return 'KubernetesGateway';
  if (kind === 'GatewayClass' && group === 'gateway.networking.k8s.io') return 'GatewayClass';
  return kind;
}

/** One Kubernetes / Istio object under analysis. */
export class Resource {
  public readonly collection: string;
  public readonly kind: string;
  public readonly apiVersion: string;
  public readonly namespace: string;
  public readonly name: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly annotations: { readonly [key: string]: string };
  public readonly spec: Obj;
  public readonly status: Obj | undefined;
  /** Full name: `ns/name`, or `name` when there is no namespace. */
  public readonly fullName: string;
  /**
   * Position in the analysis's input of the object this resource stands for (a template Pod's
   * is its workload's); undefined for the objects the analysis assumes.
   */
  public inputAt: number | undefined;
  private pairs?: string[];

  constructor(public readonly raw: Obj, public readonly seq: number, public readonly source?: string) {
    const md: Obj = isObj(raw.metadata) ? raw.metadata : {};
    this.apiVersion = str(raw.apiVersion);
    this.kind = str(raw.kind);
    this.collection = collectionOf(this.apiVersion, this.kind);
    this.namespace = str(md.namespace);
    this.name = str(md.name);
    this.labels = strMapView(md.labels);
    this.annotations = strMapView(md.annotations);
    // core objects keep their payload at the top level (ConfigMap data, Secret data, webhooks, ...)
    this.spec = isObj(raw.spec) ? raw.spec : {};
    this.status = isObj(raw.status) ? raw.status : undefined;
    this.fullName = this.namespace ? `${this.namespace}/${this.name}` : this.name;
    this.inputAt = undefined;
  }

  /** `Kind ns/name` or `Kind name` (made when asked: only findings name it). */
  public get origin(): string {
    return `${this.kind} ${this.fullName}`;
  }

  /** The labels as `key=value` strings (made once: every label index of the run shares them). */
  public labelPairs(): string[] {
    return this.pairs ??= labelPairsOf(this.labels);
  }
}

/** Labels as `key=value` strings. */
export function labelPairsOf(labels: { [key: string]: string }): string[] {
  return Object.keys(labels).map((k) => `${k}=${labels[k]}`);
}

/** `store`'s value for `key`, made (once) by `make`. */
function memoIn<T>(store: Map<string, unknown>, key: string, make: () => T): T {
  if (store.has(key)) return store.get(key) as T;
  const v = make();
  store.set(key, v);
  return v;
}

/** The prefix of the keys of `AnalysisContext.whenDone`'s tasks in a run's shared cache. */
export const WHEN_DONE = 'when-done::';

/** Runs the tasks the analyzers of a run left for its end (see `AnalysisContext.whenDone`). */
export function runWhenDone(shared: ReadonlyMap<string, unknown>): void {
  for (const [key, task] of shared) if (key.startsWith(WHEN_DONE)) (task as () => void)();
}

/** Objects indexed once by collection and by namespace/name, for linear-time analysis. */
export class ObjectIndex {
  private readonly byCollection = new Map<string, Resource[]>();
  /**
   * Collection → namespace → name → object: lookups with the strings the objects and the
   * analyzers already hold (a joined key would be a new string to build and hash per lookup).
   */
  private readonly byName = new Map<string, Map<string, Map<string, Resource>>>();

  constructor(resources: readonly Resource[] = []) {
    for (const r of resources) this.add(r);
  }

  /** Adds an object; a later definition of the same collection, namespace and name replaces the earlier. */
  public add(r: Resource): void {
    let list = this.byCollection.get(r.collection);
    if (!list) this.byCollection.set(r.collection, list = []);
    list.push(r);
    const names = this.names(r.collection, r.namespace);
    // last definition wins, as when applying a stream of manifests
    const prev = names.get(r.name);
    if (prev) list.splice(list.indexOf(prev), 1);
    names.set(r.name, r);
  }

  /** Puts `next` (same collection, namespace and name) where `prev` is. */
  public replace(prev: Resource, next: Resource): void {
    const list = this.byCollection.get(prev.collection) ?? [];
    const at = list.indexOf(prev);
    if (at >= 0) list[at] = next;
    const names = this.names(prev.collection, prev.namespace);
    if (names.get(prev.name) === prev) names.set(prev.name, next);
  }

  public all(collection: string): Resource[] {
    return this.byCollection.get(collection) ?? [];
  }

  public find(collection: string, namespace: string, name: string): Resource | undefined {
    return this.byName.get(collection)?.get(namespace)?.get(name);
  }

  public collections(): string[] {
    return [...this.byCollection.keys()];
  }

  /** The objects of a collection in a namespace, by name (made on first use). */
  private names(collection: string, namespace: string): Map<string, Resource> {
    let byNamespace = this.byName.get(collection);
    if (!byNamespace) this.byName.set(collection, byNamespace = new Map());
    let names = byNamespace.get(namespace);
    if (!names) byNamespace.set(namespace, names = new Map());
    return names;
  }
}

/** A diagnostic before suppression and public shaping. */
export interface RawDiagnostic {
  readonly messageName: string;
  readonly code: string;
  readonly level: string;
  readonly resource: Resource;
  readonly message: string;
  readonly analyzer: string;
}

/** Per-analyzer view of the index: only the analyzer's input collections are visible. */
export class AnalysisContext {
  public readonly out: RawDiagnostic[] = [];
  private readonly memo = new Map<string, unknown>();

  constructor(
    private readonly index: ObjectIndex,
    private readonly inputs: ReadonlySet<string>,
    public readonly analyzerName: string,
    private readonly mesh: Obj | undefined,
    public readonly meshNetworks: Obj | undefined,
    private readonly shared: Map<string, unknown>,
    /** Secrets live outside the analyzed objects: a missing referenced Secret is not reported. */
    public readonly externalSecrets: boolean = false,
    private readonly inputs_: readonly Resource[] = [],
    /** The MeshConfig is the mesh's whole configuration (see `AnalysisOptions.meshConfigComplete`). */
    public readonly meshConfigComplete: boolean = false,
  ) {}

  /**
   * Every object the analysis was given (in input order, none of the implied ones: no
   * template pods, default ingress or mesh config); empty unless the analyzer is `allKinds`.
   */
  public inputObjects(): readonly Resource[] {
    return this.inputs_;
  }

  /** Objects of a collection (empty when the collection is not one of the analyzer's inputs). */
  public all(collection: string): Resource[] {
    return this.inputs.has(collection) ? this.index.all(collection) : [];
  }

  public find(collection: string, namespace: string, name: string): Resource | undefined {
    return this.inputs.has(collection) ? this.index.find(collection, namespace, name) : undefined;
  }

  /** The effective MeshConfig, when the analyzer declares it as an input. */
  public meshConfig(): Obj | undefined {
    return this.inputs.has('MeshConfig') ? this.mesh : undefined;
  }

  /** Caches a derived index for this analyzer run (or across analyzers when `shared`). */
  public cached<T>(key: string, make: () => T, shared = false): T {
    return shared ? memoIn(this.shared, `${[...this.inputs].sort().join(',')}::${key}`, make) : memoIn(this.memo, key, make);
  }

  /**
   * Runs `done` once when every analyzer of the run has run (once per `key`, whichever analyzers
   * ask for it).
   */
  public whenDone(key: string, done: () => void): void {
    memoIn(this.shared, `${WHEN_DONE}${key}`, () => done);
  }

  /**
   * Caches an index made from some collections alone (`make` reads nothing else), shared by
   * every analyzer of the run that has all of them as inputs; for another it is made anew (from
   * what it sees of them).
   */
  public cachedOf<T>(collections: string | readonly string[], key: string, make: () => T): T {
    const from = typeof collections === 'string' ? [collections] : collections;
    if (!from.every((c) => this.inputs.has(c))) return make();
    return memoIn(this.shared, `${from.join(',')}::${key}`, make);
  }

  public report(resource: Resource | undefined, messageName: MessageName | LibraryMessageName, ...args: unknown[]): void {
    if (!resource) return;
    const entry = messageName in MESSAGES ? MESSAGES[messageName as MessageName] : LIBRARY_MESSAGES[messageName as LibraryMessageName];
    this.out.push({
      messageName,
      code: entry[0],
      level: entry[1],
      resource,
      message: goFormat(entry[2], args),
      analyzer: this.analyzerName,
    });
  }
}

/** An analyzer: Istio's registered name, its input collections, and the rule. */
export interface AnalyzerDef {
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly string[];
  /** Istio registers it in `All()` (false: only runs when named explicitly). */
  readonly inAll?: boolean;
  /** Sees every input object, whatever its kind, through `AnalysisContext.inputObjects()`. */
  readonly allKinds?: boolean;
  analyze(ctx: AnalysisContext): void;
}

// ---------------------------------------------------------------- formatting

/** Go `%q` of a string. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function goValue(v: unknown, verb: string): string {
  if (Array.isArray(v)) return `[${v.map((x) => goValue(x, verb === 'q' ? 'q' : 'v')).join(' ')}]`;
  if (verb === 'q') return goQuote(String(v));
  if (v === undefined || v === null) return '<nil>';
  return String(v);
}

/** Formats a Go fmt template with `%s %d %v %q` verbs. */
export function goFormat(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([sdvq%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    return goValue(args[i++], verb);
  });
}

// ---------------------------------------------------------------- small helpers

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

const NO_STRINGS: { readonly [key: string]: string } = Object.freeze({});

/**
 * `strMap` for reading only: a plain object whose values are all strings (labels, annotations
 * as manifests hold them) is returned as it is, not copied.
 */
export function strMapView(v: unknown): { readonly [key: string]: string } {
  if (!isObj(v)) return NO_STRINGS; // most objects have no annotations: one shared empty map
  if (Object.getPrototypeOf(v) !== Object.prototype) return strMap(v);
  for (const k in v) if (typeof v[k] !== 'string') return strMap(v);
  return v;
}

export function strMap(v: unknown): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = str(val);
  return out;
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return 0;
}

// ---------------------------------------------------------------- label selectors

/** Kubernetes `SelectorFromSet(...).String()`: sorted `k=v` pairs joined by commas. */
export function selectorString(sel: { [key: string]: string } | undefined): string {
  if (!sel) return '';
  return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
}

/** Equality-based selector match (an empty selector matches everything). */
export function selectorMatches(sel: { [key: string]: string } | undefined, labels: { [key: string]: string }): boolean {
  if (!sel) return true;
  for (const k of Object.keys(sel)) {
    if (!(k in labels) || labels[k] !== sel[k]) return false;
  }
  return true;
}

/** `metav1.LabelSelector` (matchLabels + matchExpressions) match; nil selector matches all. */
export function labelSelectorMatches(sel: unknown, labels: { [key: string]: string }): boolean {
  if (sel === undefined || sel === null) return true;
  if (!isObj(sel)) return false;
  if (!selectorMatches(strMap(sel.matchLabels), labels)) return false;
  for (const e of arr(sel.matchExpressions)) {
    const key = str(e?.key);
    const values = arr(e?.values).map(str);
    const has = key in labels;
    switch (str(e?.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- hosts

const FQDN_RE = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** `name.ns.svc.cluster.local` -> {ns, name}; anything else -> empty. */
export function fullNameFromFqdn(fqdn: string): { namespace: string; name: string } {
  const m = FQDN_RE.exec(fqdn);
  if (!m) return { namespace: '', name: '' };
  // Go's regexp is leftmost-first greedy like JS: `(.+)` takes as much as possible
  return { namespace: m[2], name: m[1] };
}

/** Resolves a (short or FQDN) host to the namespace/name of the Service it names. */
export function resourceNameFromHost(defaultNs: string, host: string): { namespace: string; name: string } {
  const n = fullNameFromFqdn(host);
  if (!n.namespace) return { namespace: defaultNs, name: host };
  return n;
}

/** Short names become `name.ns.svc.cluster.local`; wildcards and dotted names are kept. */
export function hostToFqdn(namespace: string, host: string): string {
  if (!host.startsWith('*') && !host.includes('.')) return `${host}.${namespace}.svc.cluster.local`;
  return host;
}

/** Istio `host.Name.Matches`: wildcard-aware, symmetric overlap. */
export function hostMatches(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw) {
    if (bw) {
      return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
    }
    return b.endsWith(a.slice(1));
  }
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Parses `ns/name` or `name` (defaulting the namespace). */
export function shortOrFullName(defaultNs: string, name: string): { namespace: string; name: string } {
  const i = name.indexOf('/');
  if (i < 0) return { namespace: defaultNs, name };
  return { namespace: name.slice(0, i), name: name.slice(i + 1) };
}

export function fullNameString(n: { namespace: string; name: string }): string {
  return n.namespace ? `${n.namespace}/${n.name}` : n.name;
}

/** Whether a pod (or pod template) has an `istio-proxy` container with an image. */
export function hasIstioProxy(containers: any[]): boolean {
  for (const c of containers) {
    if (str(c?.name) === 'istio-proxy') return str(c?.image) !== '';
  }
  return false;
}

/** Istio's `util.inMesh`: proxy container, then pod label/annotation, then namespace label. */
export function inMesh(
  annotations: { [key: string]: string },
  labels: { [key: string]: string },
  namespace: string,
  containers: any[],
  findNamespace: (name: string) => Resource | undefined,
): boolean {
  if (hasIstioProxy(containers)) return true;
  if ('sidecar.istio.io/inject' in labels) return labels['sidecar.istio.io/inject'] === 'true';
  if ('sidecar.istio.io/inject' in annotations) return annotations['sidecar.istio.io/inject'] === 'true';
  const ns = findNamespace(namespace);
  if (ns) return ns.labels['istio-injection'] === 'enabled';
  return false;
}

export function podInAmbientMode(r: Resource | undefined): boolean {
  return !!r && r.annotations['ambient.istio.io/redirection'] === 'enabled';
}

export function namespaceInAmbientMode(r: Resource | undefined): boolean {
  if (!r) return false;
  if (r.labels['istio-injection'] === 'enabled') return false;
  if (r.labels['istio.io/rev']) return false;
  return r.labels['istio.io/dataplane-mode'] === 'ambient';
}

/**
 * The waypoint an object's `istio.io/use-waypoint` labels name (with
 * `istio.io/use-waypoint-namespace`, else `ownNamespace`): `none` when they opt out, undefined
 * without the label.
 */
export function waypointFromLabels(labels: { [key: string]: string } | undefined, ownNamespace: string): { name: string; namespace: string } | 'none' | undefined {
  const name = labels?.['istio.io/use-waypoint'];
  if (name === undefined || name === '') return undefined;
  if (name === 'none') return 'none';
  return { name, namespace: labels?.['istio.io/use-waypoint-namespace'] || ownNamespace };
}

/** Pod spec of a Pod, or the pod template spec of a Deployment or an Argo Rollouts `Rollout`. */
export function podSpecOf(r: Resource): Obj {
  if (r.collection === 'Deployment' || r.collection === 'Rollout') return obj(obj(r.spec.template).spec);
  return r.spec;
}

/** Pod template metadata of a Deployment or an Argo Rollouts `Rollout`. */
export function templateMeta(r: Resource): { labels: { [key: string]: string }; annotations: { [key: string]: string } } {
  const md = obj(obj(r.spec.template).metadata);
  return { labels: strMap(md.labels), annotations: strMap(md.annotations) };
}

/** Stable JSON with sorted keys and empty values dropped (Go `omitempty` semantics). */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (isObj(x)) {
      const out: Obj = {};
      for (const k of Object.keys(x).sort()) {
        const n = norm(x[k]);
        if (n === undefined || n === null || n === '' || n === false || n === 0) continue;
        if (Array.isArray(n) && n.length === 0) continue;
        if (isObj(n) && Object.keys(n).length === 0) continue;
        out[k] = n;
      }
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v));
}

/** Appends to a list kept in a map (linear, unlike re-spreading the list on every append). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
