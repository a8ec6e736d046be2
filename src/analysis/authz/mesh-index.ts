// The objects of a mesh indexed for questions about it: Services and the workloads behind them
// (identity, version, dataplane mode, container ports), AuthorizationPolicies by namespace,
// PeerAuthentications, and the waypoint serving each Service. Built once, linear in the
// objects (lookups by namespace), with each workload's applicable policies grouped once.
// Argo Rollouts' Rollouts are workloads; the objects Flagger generates for a Canary are part of
// the mesh.
import { AuthzPolicy } from './authz-types';
import { PolicySet } from './evaluate';
import { controllerObjects, isArgoRollout } from '../controllers';
import { selectorMatches, waypointFromLabels } from '../model';

type Obj = { [key: string]: any };
type Labels = { [key: string]: string };

/** How a workload's traffic is intercepted, if at all. */
export enum MeshDataplane {
  /** An Envoy sidecar (namespace `istio-injection=enabled`, `istio.io/rev`, or the pod asks for it). */
  SIDECAR = 'SIDECAR',
  /** ztunnel, and a waypoint when one serves the Service (`istio.io/dataplane-mode=ambient`). */
  AMBIENT = 'AMBIENT',
  /** Outside the mesh: its Namespace is in the manifests and enrols it in neither mode. */
  NONE = 'NONE',
}

/** A Service port as declared. */
export interface ServicePortInfo {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly name?: string;
  readonly appProtocol?: string;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
const L4_PROTOCOLS = /^(tcp|tls|mongo|mysql|redis|udp)(-|$)/i;

/** A workload: a pod template (or Pod) and what the mesh knows of it. */
export class MeshWorkloadInfo {
  public readonly identity: string;
  public readonly origin: string;
  constructor(
    public readonly namespace: string,
    public readonly name: string,
    public readonly kind: string,
    public readonly labels: Labels,
    public readonly serviceAccount: string,
    public readonly dataplane: MeshDataplane,
    private readonly ports: Map<string, number>,
  ) {
    this.identity = `${namespace}/${serviceAccount}`;
    this.origin = `${kind} ${namespace}/${name}`;
  }

  /** The container port a Service port sends to (a named target port resolved by name). */
  public targetPort(p: ServicePortInfo): number | undefined {
    const t = p.targetPort ?? p.port;
    return typeof t === 'number' ? t : /^\d+$/.test(t) ? Number(t) : this.ports.get(t);
  }

  /** The `version` label, if any. */
  public get version(): string | undefined {
    return this.labels.version;
  }
}

/** A Service and the workloads behind it. */
export class MeshServiceInfo {
  public readonly id: string;
  /** Whether Istio treats its traffic as HTTP (named or declared so, or sniffed: not declared L4). */
  public readonly http: boolean;
  constructor(
    public readonly namespace: string,
    public readonly name: string,
    public readonly labels: Labels,
    public readonly ports: ServicePortInfo[],
    public readonly backends: MeshWorkloadInfo[],
    public readonly waypoint: string | undefined,
  ) {
    this.id = `${namespace}/${name}`;
    this.http = ports.length === 0 || ports.some((p) => !L4_PROTOCOLS.test(p.appProtocol ?? p.name ?? ''));
  }

  /** The versions of the workloads behind it, sorted. */
  public get versions(): string[] {
    return [...new Set(this.backends.map((w) => w.version).filter((v): v is string => v !== undefined))].sort();
  }
}

type IndexedPolicy = AuthzPolicy & { selector?: Labels; targetRefs: Obj[] };

/** The API group of an object (`''` for the core group). */
export const groupOf = (o: Obj): string => (String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '');
/** Code-unit order of strings (what sorted output is sorted by). */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: { id: string }, b: { id: string }) => byString(a.id, b.id);

/** The indexed mesh. */
export class MeshIndex {
  /** Every object, as given, then those controllers generate from them (Flagger's for each Canary). */
  public readonly objects: Obj[] = [];
  public readonly namespaces = new Map<string, Obj>();
  public readonly services: MeshServiceInfo[] = [];
  public readonly workloads: MeshWorkloadInfo[] = [];
  private readonly serviceById = new Map<string, MeshServiceInfo>();
  private readonly policiesByNs = new Map<string, IndexedPolicy[]>();
  private readonly attached: IndexedPolicy[] = [];
  private readonly peerAuthentications: Obj[] = [];
  private readonly workloadSets = new Map<MeshWorkloadInfo, PolicySet>();
  private readonly waypointSets = new Map<MeshServiceInfo, PolicySet>();

  constructor(objects: unknown[], public readonly rootNamespace: string) {
    const services: Obj[] = [];
    const templates: { o: Obj; template: Obj }[] = [];
    for (const o of objects as Obj[]) {
      if (o !== null && typeof o === 'object' && !Array.isArray(o)) this.objects.push(o);
    }
    this.objects.push(...controllerObjects(this.objects));
    for (const o of this.objects) {
      const group = groupOf(o);
      if (group === '' && o.kind === 'Namespace') this.namespaces.set(String(o.metadata?.name), o);
      else if (group === '' && o.kind === 'Service') services.push(o);
      else if (group === '' && o.kind === 'Pod') templates.push({ o, template: o });
      else if ((WORKLOAD_KINDS.has(o.kind) || isArgoRollout(o)) && o.spec?.template !== undefined) templates.push({ o, template: o.spec.template });
      else if (group === 'security.istio.io' && o.kind === 'AuthorizationPolicy') this.addPolicy(o);
      else if (group === 'security.istio.io' && o.kind === 'PeerAuthentication') this.peerAuthentications.push(o);
    }
    const workloadsByNs = new Map<string, MeshWorkloadInfo[]>();
    for (const { o, template } of templates) {
      const ns = String(o.metadata?.namespace ?? 'default');
      const ports = new Map<string, number>();
      for (const c of template.spec?.containers ?? []) {
        for (const p of c.ports ?? []) if (p?.name) ports.set(String(p.name), Number(p.containerPort));
      }
      const labels: Labels = { ...(template.metadata?.labels ?? {}) };
      const w = new MeshWorkloadInfo(ns, String(o.metadata?.name), String(o.kind), labels,
        String(template.spec?.serviceAccountName ?? template.spec?.serviceAccount ?? 'default'),
        this.dataplaneOf(ns, labels, template.metadata?.annotations ?? {}), ports);
      this.workloads.push(w);
      const list = workloadsByNs.get(ns);
      if (list === undefined) workloadsByNs.set(ns, [w]);
      else list.push(w);
    }
    for (const o of services) {
      const ns = String(o.metadata?.namespace ?? 'default');
      const name = String(o.metadata?.name);
      const selector: Labels = o.spec?.selector ?? {};
      const backends = Object.keys(selector).length === 0 ? [] : (workloadsByNs.get(ns) ?? []).filter((w) => selectorMatches(selector, w.labels));
      const ports: ServicePortInfo[] = (o.spec?.ports ?? []).map((p: Obj) => ({
        port: Number(p.port), targetPort: p.targetPort, name: p.name, appProtocol: p.appProtocol,
      }));
      const own = waypointFromLabels(o.metadata?.labels, ns);
      const w = own !== undefined ? own : waypointFromLabels(this.namespaces.get(ns)?.metadata?.labels, ns);
      const s = new MeshServiceInfo(ns, name, { ...(o.metadata?.labels ?? {}) }, ports, backends, w === undefined || w === 'none' ? undefined : `${w.namespace}/${w.name}`);
      this.serviceById.set(s.id, s);
      this.services.push(s);
    }
    this.services.sort(byId);
  }

  private addPolicy(o: Obj): void {
    const spec = o.spec ?? {};
    const p: IndexedPolicy = {
      namespace: String(o.metadata?.namespace ?? 'default'),
      name: String(o.metadata?.name),
      spec,
      selector: spec.selector?.matchLabels,
      targetRefs: [...(spec.targetRef ? [spec.targetRef] : []), ...(spec.targetRefs ?? [])],
    };
    if (p.targetRefs.length > 0) this.attached.push(p);
    else if (this.policiesByNs.has(p.namespace)) this.policiesByNs.get(p.namespace)!.push(p);
    else this.policiesByNs.set(p.namespace, [p]);
  }

  private dataplaneOf(ns: string, labels: Labels, annotations: Labels): MeshDataplane {
    const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
    if (inject === 'true') return MeshDataplane.SIDECAR;
    if (labels['istio.io/dataplane-mode'] === 'ambient') return MeshDataplane.AMBIENT;
    const namespace = this.namespaces.get(ns);
    const nsLabels: Labels = namespace?.metadata?.labels ?? {};
    if (labels['istio.io/dataplane-mode'] !== 'none' && nsLabels['istio.io/dataplane-mode'] === 'ambient') return MeshDataplane.AMBIENT;
    if (inject === 'false' || labels['istio.io/dataplane-mode'] === 'none') return MeshDataplane.NONE;
    if (namespace === undefined) return MeshDataplane.SIDECAR; // not in the manifests: assumed enrolled
    if (nsLabels['istio-injection'] === 'enabled' || (nsLabels['istio.io/rev'] ?? '') !== '') return MeshDataplane.SIDECAR;
    return MeshDataplane.NONE;
  }

  /** A Service by namespace and name. */
  public service(namespace: string, name: string): MeshServiceInfo | undefined {
    return this.serviceById.get(`${namespace}/${name}`);
  }

  /** The policies a sidecar or ztunnel applies to a workload, grouped once. */
  public workloadPolicies(w: MeshWorkloadInfo): PolicySet {
    let set = this.workloadSets.get(w);
    if (set === undefined) {
      const meshWide = w.namespace !== this.rootNamespace ? this.policiesByNs.get(this.rootNamespace) ?? [] : [];
      const candidates = [...(this.policiesByNs.get(w.namespace) ?? []), ...meshWide];
      set = new PolicySet(candidates.filter((p) => p.selector === undefined || selectorMatches(p.selector, w.labels)));
      this.workloadSets.set(w, set);
    }
    return set;
  }

  /** The policies a waypoint applies to calls to a Service it serves: those attached to the Service or to the waypoint. */
  public waypointPolicies(s: MeshServiceInfo): PolicySet {
    let set = this.waypointSets.get(s);
    if (set === undefined) {
      set = this.attachedPolicies('', 'Service', s.namespace, s.name, s.waypoint);
      this.waypointSets.set(s, set);
    }
    return set;
  }

  /**
   * The policies a waypoint (`<ns>/<name>`) applies to traffic for one target: those attached
   * (`targetRefs`) to the target (a Service, a ServiceEntry) or to the waypoint itself.
   */
  public attachedPolicies(group: string, kind: string, namespace: string, name: string, waypoint: string | undefined): PolicySet {
    const [wpNs, wpName] = (waypoint ?? '/').split('/');
    return new PolicySet(this.attached.filter((p) => p.targetRefs.some((t) =>
      (t.kind === kind && (t.group ?? '') === group && t.name === name && p.namespace === namespace)
      || (waypoint !== undefined && t.kind === 'Gateway' && t.group === 'gateway.networking.k8s.io' && t.name === wpName && p.namespace === wpNs))));
  }

  /**
   * The mTLS mode PeerAuthentications give a workload on a container port: the workload's own
   * (by selector; port-level first), else its namespace's, else the mesh-wide one in the root
   * namespace; UNSET inherits; Istio's default is PERMISSIVE.
   */
  public mtlsMode(w: MeshWorkloadInfo, port?: number): string {
    const inNs = (ns: string) => this.peerAuthentications.filter((p) => String(p.metadata?.namespace ?? 'default') === ns);
    const own = inNs(w.namespace).find((p) => p.spec?.selector?.matchLabels !== undefined && selectorMatches(p.spec.selector.matchLabels, w.labels));
    const nsWide = inNs(w.namespace).find((p) => p.spec?.selector === undefined);
    const meshWide = inNs(this.rootNamespace).find((p) => p.spec?.selector === undefined);
    const portMode = port !== undefined ? own?.spec?.portLevelMtls?.[String(port)]?.mode : undefined;
    for (const m of [portMode, own?.spec?.mtls?.mode, nsWide?.spec?.mtls?.mode, meshWide?.spec?.mtls?.mode]) {
      if (m !== undefined && m !== 'UNSET') return String(m);
    }
    return 'PERMISSIVE';
  }
}
