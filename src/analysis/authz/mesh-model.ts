// The mesh as its manifests declare it, for authorization questions: which workloads serve a
// Service, which AuthorizationPolicies apply to them (namespace-wide, by selector, mesh-wide
// from the root namespace, or through the waypoint serving the Service in ambient mode), and
// the decision for one call.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AuthzDecision, AuthzPolicy, AuthzRequest, evaluateAuthorization } from './evaluate';
import { selectorMatches, waypointFromLabels } from '../model';

type Obj = { [key: string]: any };

/** Who calls. */
export interface MeshCaller {
  /** The caller's namespace (with `serviceAccount`). @default - no mesh identity */
  readonly namespace?: string;
  /** The caller's ServiceAccount (with `namespace`). @default - no mesh identity */
  readonly serviceAccount?: string;
  /** The caller's IP address. @default - unknown */
  readonly ip?: string;
}

/** One call: who calls which Service, and with what. */
export interface MeshCall {
  /** The caller; no identity means a caller outside the mesh (or plain text). */
  readonly from: MeshCaller;
  /** The called Service's name. */
  readonly service: string;
  /** The called Service's namespace. */
  readonly namespace: string;
  /** The Service port. @default - the Service's only port, else unknown */
  readonly port?: number;
  /** HTTP method; no method and no path make it a TCP connection. @default - none */
  readonly method?: string;
  /** HTTP path. @default - none */
  readonly path?: string;
  /** HTTP headers. @default - none */
  readonly headers?: { readonly [name: string]: string };
  /** Claims of a validated JWT. @default - no token */
  readonly jwtClaims?: { readonly [claim: string]: unknown };
}

/** Options of a `MeshModel`. */
export interface MeshModelOptions {
  /** Istio's root namespace (mesh-wide policies). @default "istio-system" */
  readonly rootNamespace?: string;
  /** The trust domain of identities. @default "cluster.local" */
  readonly trustDomain?: string;
}

/** A workload: a pod template's labels, its namespace and its container ports by name. */
interface Workload {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly ports: Map<string, number>;
  readonly origin: string;
}


/**
 * The mesh of a set of manifests (an app's synthesized objects, or any YAML), answering "may
 * this caller make this call?" as Istio would decide it.
 *
 * @example
 * const mesh = MeshModel.fromApp(app);
 * mesh.canCall({ from: { namespace: 'bookinfo', serviceAccount: 'bookinfo-productpage' },
 *   service: 'reviews', namespace: 'bookinfo', method: 'GET', path: '/reviews/0' }).verdict; // 'ALLOW'
 */
export class MeshModel {
  /** The model of every object of a cdk8s app (or any scope), rendered as at synth. */
  public static fromApp(scope: IConstruct, options: MeshModelOptions = {}): MeshModel {
    const objects = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
    return new MeshModel(objects, options);
  }

  /** The model of plain manifests. */
  public static fromManifests(objects: unknown[], options: MeshModelOptions = {}): MeshModel {
    return new MeshModel(objects, options);
  }

  private readonly rootNamespace: string;
  private readonly trustDomain: string;
  private readonly services = new Map<string, Obj>();
  private readonly namespaces = new Map<string, Obj>();
  private readonly workloads: Workload[] = [];
  private readonly policies: (AuthzPolicy & { selector?: { [key: string]: string }; targetRefs: Obj[] })[] = [];

  private constructor(objects: unknown[], options: MeshModelOptions) {
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    this.trustDomain = options.trustDomain ?? 'cluster.local';
    for (const o of objects as Obj[]) {
      if (o === null || typeof o !== 'object') continue;
      const md = o.metadata ?? {};
      const ns = String(md.namespace ?? 'default');
      const group = String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '';
      if (o.kind === 'Namespace' && group === '') this.namespaces.set(String(md.name), o);
      if (o.kind === 'Service' && group === '') this.services.set(`${ns}/${md.name}`, o);
      const template = o.kind === 'Pod' ? o : ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind) ? o.spec?.template : undefined;
      if (template !== undefined) {
        const ports = new Map<string, number>();
        for (const c of template.spec?.containers ?? []) {
          for (const p of c.ports ?? []) if (p.name) ports.set(String(p.name), Number(p.containerPort));
        }
        this.workloads.push({ namespace: ns, labels: { ...(template.metadata?.labels ?? {}) }, ports, origin: `${o.kind} ${ns}/${md.name}` });
      }
      if (o.kind === 'AuthorizationPolicy' && group === 'security.istio.io') {
        const spec = o.spec ?? {};
        this.policies.push({
          namespace: ns,
          name: String(md.name),
          spec,
          selector: spec.selector?.matchLabels,
          targetRefs: [...(spec.targetRef ? [spec.targetRef] : []), ...(spec.targetRefs ?? [])],
        });
      }
    }
  }

  /** The waypoint serving a Service (`ns/name`), from its labels or its namespace's. */
  private waypointOf(service: Obj, namespace: string): string | undefined {
    const own = waypointFromLabels(service.metadata?.labels, namespace);
    const w = own !== undefined ? own : waypointFromLabels(this.namespaces.get(namespace)?.metadata?.labels, namespace);
    return w === undefined || w === 'none' ? undefined : `${w.namespace}/${w.name}`;
  }

  /** The policies a sidecar or ztunnel applies to a workload. */
  private workloadPolicies(w: Workload): AuthzPolicy[] {
    return this.policies.filter((p) => {
      if (p.targetRefs.length > 0) return false;
      const mine = p.namespace === w.namespace || p.namespace === this.rootNamespace;
      return mine && (p.selector === undefined || selectorMatches(p.selector, w.labels));
    });
  }

  /** The policies a waypoint applies to calls to a Service: those attached to it or to the waypoint. */
  private waypointPolicies(serviceNs: string, serviceName: string, waypoint: string): AuthzPolicy[] {
    const [wpNs, wpName] = waypoint.split('/');
    return this.policies.filter((p) => p.targetRefs.some((t) =>
      (t.kind === 'Service' && (t.group ?? '') === '' && t.name === serviceName && p.namespace === serviceNs)
      || (t.kind === 'Gateway' && t.group === 'gateway.networking.k8s.io' && t.name === wpName && p.namespace === wpNs)));
  }

  /**
   * Whether a caller may make a call, as Istio decides it: ALLOW, DENY, or DEPENDS when the
   * answer turns on something the call does not give (an external authorizer, a source IP,
   * which endpoint answers), with the deciding policy.
   */
  public canCall(call: MeshCall): AuthzDecision {
    const service = this.services.get(`${call.namespace}/${call.service}`);
    if (service === undefined) return { verdict: 'DEPENDS', reason: `no Service ${call.namespace}/${call.service} in the manifests` };
    const principal = call.from.namespace !== undefined && call.from.serviceAccount !== undefined
      ? `${this.trustDomain}/ns/${call.from.namespace}/sa/${call.from.serviceAccount}` : undefined;
    const ports: Obj[] = service.spec?.ports ?? [];
    const servicePort = call.port !== undefined ? ports.find((p) => p.port === call.port) : ports.length === 1 ? ports[0] : undefined;
    if (call.port !== undefined && servicePort === undefined) return { verdict: 'DENY', reason: `Service ${call.namespace}/${call.service} has no port ${call.port}` };
    const selector: { [key: string]: string } = service.spec?.selector ?? {};
    const selects = Object.keys(selector).length > 0;
    const backends = this.workloads.filter((w) => w.namespace === call.namespace && selects && selectorMatches(selector, w.labels));
    if (backends.length === 0) return { verdict: 'DEPENDS', reason: `Service ${call.namespace}/${call.service} selects no workload in the manifests` };
    const request = (w: Workload | undefined): AuthzRequest => {
      const target = servicePort?.targetPort ?? servicePort?.port;
      const port = typeof target === 'string' ? w?.ports.get(target) : target;
      return {
        principal,
        sourceIp: call.from.ip,
        port,
        method: call.method,
        path: call.path,
        headers: call.headers,
        jwtClaims: call.jwtClaims,
        host: `${call.service}.${call.namespace}.svc.cluster.local`,
      };
    };
    const waypoint = this.waypointOf(service, call.namespace);
    if (waypoint !== undefined) {
      // ztunnel lets through what the waypoint forwards: the waypoint's policies decide.
      return evaluateAuthorization(this.waypointPolicies(call.namespace, call.service, waypoint), request(backends[0]));
    }
    const decisions = backends.map((w) => ({ w, d: evaluateAuthorization(this.workloadPolicies(w), request(w)) }));
    const first = decisions[0].d;
    if (decisions.every(({ d }) => d.verdict === first.verdict)) return first;
    return {
      verdict: 'DEPENDS',
      reason: `the workloads behind the Service decide differently (${decisions.map(({ w, d }) => `${w.origin}: ${d.verdict}`).join(', ')}): it depends on which endpoint answers`,
    };
  }
}
