// The mesh as its manifests declare it, for authorization questions: which workloads serve a
// Service, under which identity and dataplane, which AuthorizationPolicies apply to them
// (namespace-wide, by selector, mesh-wide from the root namespace, or through the waypoint
// serving the Service in ambient mode), the mTLS mode PeerAuthentications give them, and the
// decision for one call or for everything one caller may send.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AccessLevel, AuthzAccess, AuthzDecision, AuthzRequest, AuthzVerdict } from './authz-types';
import { AccessCaller } from './evaluate';
import { MeshIndex, MeshServiceInfo, MeshWorkloadInfo, MeshDataplane } from './mesh-index';

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
  readonly jwtClaims?: { readonly [claim: string]: any };
}

/** Options of a `MeshModel`. */
export interface MeshModelOptions {
  /** Istio's root namespace (mesh-wide policies). @default "istio-system" */
  readonly rootNamespace?: string;
  /** The trust domain of identities. @default "cluster.local" */
  readonly trustDomain?: string;
}

/** One cell of the access matrix: what a caller identity may send to a Service. */
export interface MeshAccess {
  /** The caller identity, `<namespace>/<serviceaccount>`. */
  readonly from: string;
  /** The Service, `<namespace>/<name>`. */
  readonly to: string;
  /** What the caller may send, and why. */
  readonly access: AuthzAccess;
}

/**
 * The mesh of a set of manifests (an app's synthesized objects, or any YAML), answering "may
 * this caller make this call?" as Istio would decide it, and "what may each workload send to
 * each Service?" for the whole mesh.
 *
 * @example
 * const mesh = MeshModel.fromApp(app);
 * mesh.canCall({ from: { namespace: 'bookinfo', serviceAccount: 'bookinfo-productpage' },
 *   service: 'reviews', namespace: 'bookinfo', method: 'GET', path: '/reviews/0' }).verdict; // ALLOW
 */
export class MeshModel {
  /** The model of every object of a cdk8s app (or any scope), rendered as at synth. */
  public static fromApp(scope: IConstruct, options: MeshModelOptions = {}): MeshModel {
    const objects = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
    return new MeshModel(objects, options);
  }

  /** The model of plain manifests (parsed YAML or JSON objects). */
  public static fromManifests(objects: any[], options: MeshModelOptions = {}): MeshModel {
    return new MeshModel(objects, options);
  }

  /** @internal */
  public readonly _index: MeshIndex;
  private readonly trustDomain: string;

  private constructor(objects: any[], options: MeshModelOptions) {
    this.trustDomain = options.trustDomain ?? 'cluster.local';
    this._index = new MeshIndex(objects, options.rootNamespace ?? 'istio-system');
  }

  /** The Services of the mesh, `<namespace>/<name>`, sorted. */
  public get services(): string[] {
    return this._index.services.map((s) => s.id);
  }

  /** The identities workloads run as, `<namespace>/<serviceaccount>`, sorted. */
  public get identities(): string[] {
    return [...new Set(this._index.workloads.map((w) => w.identity))].sort();
  }

  /** @internal The principal of an identity `<namespace>/<serviceaccount>`. */
  public _principal(identity: string): string {
    const [ns, sa] = identity.split('/');
    return `${this.trustDomain}/ns/${ns}/sa/${sa}`;
  }

  /** @internal The caller an identity `<namespace>/<serviceaccount>` is, for access questions. */
  public _caller(identity: string): AccessCaller {
    return { principal: this._principal(identity), namespace: identity.split('/')[0] };
  }

  private principalOf(from: MeshCaller): string | undefined {
    return from.namespace !== undefined && from.serviceAccount !== undefined ? this._principal(`${from.namespace}/${from.serviceAccount}`) : undefined;
  }

  /**
   * Whether a caller may make a call, as Istio decides it: ALLOW, DENY, or DEPENDS when the
   * answer turns on something the call does not give (an external authorizer, a source IP,
   * which endpoint answers), with the deciding policy.
   */
  public canCall(call: MeshCall): AuthzDecision {
    const service = this._index.service(call.namespace, call.service);
    if (service === undefined) return { verdict: AuthzVerdict.DEPENDS, reason: `no Service ${call.namespace}/${call.service} in the manifests` };
    const ports = service.ports;
    const servicePort = call.port !== undefined ? ports.find((p) => p.port === call.port) : ports.length === 1 ? ports[0] : undefined;
    if (call.port !== undefined && servicePort === undefined) return { verdict: AuthzVerdict.DENY, reason: `Service ${service.id} has no port ${call.port}` };
    if (service.backends.length === 0) return { verdict: AuthzVerdict.DEPENDS, reason: `Service ${service.id} selects no workload in the manifests` };
    const request = (w: MeshWorkloadInfo, l4: boolean): AuthzRequest => ({
      principal: this.principalOf(call.from),
      sourceIp: call.from.ip,
      port: servicePort === undefined ? undefined : w.targetPort(servicePort),
      ...(l4 ? {} : {
        method: call.method,
        path: call.path,
        headers: call.headers,
        jwtClaims: call.jwtClaims,
        host: `${service.name}.${service.namespace}.svc.cluster.local`,
      }),
    });
    if (service.waypoint !== undefined) {
      // ztunnel lets through what the waypoint forwards: the waypoint's policies decide.
      return this._index.waypointPolicies(service).decide(request(service.backends[0], false));
    }
    const decisions = service.backends.map((w) => ({ w, d: this.decideAt(w, request(w, w.dataplane === MeshDataplane.AMBIENT)) }));
    const first = decisions[0].d;
    if (decisions.every(({ d }) => d.verdict === first.verdict)) return first;
    return {
      verdict: AuthzVerdict.DEPENDS,
      reason: `the workloads behind the Service decide differently (${decisions.map(({ w, d }) => `${w.origin}: ${d.verdict}`).join(', ')}): it depends on which endpoint answers`,
    };
  }

  private decideAt(w: MeshWorkloadInfo, request: AuthzRequest): AuthzDecision {
    if (w.dataplane === MeshDataplane.NONE) return { verdict: AuthzVerdict.ALLOW, reason: `${w.origin} is not in the mesh: no proxy enforces authorization` };
    return this._index.workloadPolicies(w).decide(request);
  }

  /**
   * Everything a caller may send to a Service, across every request it could make: ALL, SOME
   * (with the requests the deciding rules allow or deny), NONE, or DEPENDS (an external
   * authorizer, or which endpoint answers, decides).
   */
  public access(from: MeshCaller, namespace: string, service: string): AuthzAccess {
    const s = this._index.service(namespace, service);
    if (s === undefined) return { level: AccessLevel.DEPENDS, allowed: [], denied: [], policies: [], reason: `no Service ${namespace}/${service} in the manifests` };
    return this._serviceAccess({ principal: this.principalOf(from), sourceIp: from.ip }, s);
  }

  /** @internal */
  public _serviceAccess(caller: AccessCaller, s: MeshServiceInfo): AuthzAccess {
    if (s.backends.length === 0) return { level: AccessLevel.DEPENDS, allowed: [], denied: [], policies: [], reason: `Service ${s.id} selects no workload in the manifests` };
    const port = s.ports.length === 1 ? s.ports[0] : undefined;
    if (s.waypoint !== undefined) {
      return this._index.waypointPolicies(s).access(caller, port && s.backends[0].targetPort(port), s.http);
    }
    const at = (w: MeshWorkloadInfo): AuthzAccess => (w.dataplane === MeshDataplane.NONE
      ? { level: AccessLevel.ALL, allowed: [], denied: [], policies: [], reason: `${w.origin} is not in the mesh: no proxy enforces authorization` }
      : this._index.workloadPolicies(w).access(caller, port && w.targetPort(port), s.http && w.dataplane !== MeshDataplane.AMBIENT));
    const first = at(s.backends[0]);
    if (s.backends.length === 1) return first;
    const key = (a: AuthzAccess) => `${a.level}|${a.allowed.join('\n')}|${a.denied.join('\n')}`;
    const differing: string[] = [];
    for (const w of s.backends.slice(1)) {
      const a = at(w);
      if (a !== first && key(a) !== key(first)) differing.push(`${w.origin}: ${a.level}`);
    }
    if (differing.length === 0) return first;
    return {
      level: AccessLevel.DEPENDS,
      allowed: first.allowed,
      denied: first.denied,
      policies: first.policies,
      reason: `the workloads behind the Service decide differently (${s.backends[0].origin}: ${first.level}, ${differing.join(', ')}): it depends on which endpoint answers`,
    };
  }

  /**
   * The access matrix: for every identity workloads run as (rows) and every Service (columns),
   * sorted, what the identity may send to the Service.
   */
  public accessMatrix(): MeshAccess[] {
    const cells: MeshAccess[] = [];
    const services = this._index.services;
    for (const identity of this.identities) {
      const caller = this._caller(identity);
      for (const s of services) cells.push({ from: identity, to: s.id, access: this._serviceAccess(caller, s) });
    }
    return cells;
  }
}
