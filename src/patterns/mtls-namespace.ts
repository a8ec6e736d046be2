import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { registerNamespaceDataplane } from '../ambient/ambient-namespace';
import { servesServices, Waypoint, WaypointProps } from '../ambient/waypoint';
import { checkDns1123Label, checkLabel } from '../core/checks';
import { invalid } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { checkRootNamespace, meshRootNamespace } from '../core/mesh-config-source';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { SecurityPolicyTarget } from '../security/authorization-target';
import { MtlsMode, PeerAuthentication } from '../security/peer-authentication';

/**
 * How the workloads of a namespace join the mesh.
 */
export enum DataplaneMode {
  /**
   * An Envoy sidecar is injected into every pod (`istio-injection: enabled`, or
   * `istio.io/rev: <revision>` for a revisioned control plane). Pods must be
   * (re)started after the label is set.
   */
  SIDECAR = 'SIDECAR',
  /**
   * Ambient mode (`istio.io/dataplane-mode: ambient`): the node's ztunnel handles mTLS
   * and L4 authorization without sidecars; L7 features (HTTP routes, method/path
   * rules) need a waypoint proxy.
   */
  AMBIENT = 'AMBIENT',
}

/**
 * Properties of an `MtlsNamespace`.
 */
export interface MtlsNamespaceProps {
  /**
   * The namespace name. It becomes the chart's namespace, so every object created inside
   * the `MtlsNamespace` lands in it.
   *
   * @default - the construct id
   */
  readonly namespaceName?: string;

  /**
   * How workloads join the mesh: sidecar injection or ambient.
   *
   * @default DataplaneMode.SIDECAR
   */
  readonly dataplaneMode?: DataplaneMode;

  /**
   * The mTLS mode of the namespace's PeerAuthentication `default`: `STRICT` (only
   * mTLS accepted) or `PERMISSIVE` (plain text accepted too, while clients outside the
   * mesh are migrated). Identity-based authorization (`allowFrom`) only works for mTLS
   * requests, so PERMISSIVE is a migration step, not a destination.
   *
   * @default MtlsMode.STRICT
   */
  readonly mtlsMode?: MtlsMode;

  /**
   * Whether to add the namespace-wide allow-nothing AuthorizationPolicy (`allow-nothing`,
   * `spec: {}`), so that only requests some ALLOW policy admits (e.g. a MeshService's
   * `allowFrom`) get through. Set to `false` only for namespaces that must stay open.
   *
   * @default true
   */
  readonly defaultDeny?: boolean;

  /**
   * Sidecar mode only: the control plane revision whose injector serves the namespace,
   * rendered as `istio.io/rev: <revision>` instead of `istio-injection: enabled`
   * (canary upgrades of Istio).
   *
   * @default - no revision: `istio-injection: enabled`
   */
  readonly revision?: string;

  /**
   * Ambient mode only: the name of a waypoint proxy managed elsewhere (in this namespace)
   * that enforces L7 policy for the namespace's Services, rendered as
   * `istio.io/use-waypoint: <name>`. To create the waypoint too, use `addWaypoint()`.
   *
   * @default - no waypoint (L4 policy only)
   */
  readonly waypoint?: string;

  /**
   * Further labels of the Namespace object. The mesh enrolment labels are managed by
   * this construct and cannot be set here.
   *
   * @default - only the enrolment label
   */
  readonly namespaceLabels?: { [key: string]: string };

  /**
   * Whether to create the Namespace object. Set to `false` for a namespace managed
   * elsewhere: the PeerAuthentication and AuthorizationPolicy are still created in it,
   * but the enrolment label must then be set by whoever manages the namespace.
   *
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * Options of `MtlsNamespace.addWaypoint`.
 */
export interface MtlsNamespaceWaypointOptions extends WaypointProps {
  /**
   * Whether every Service of the namespace uses the waypoint (the Namespace's
   * `istio.io/use-waypoint` label). With `false`, enrol services with `useWaypoint()`.
   *
   * @default true
   */
  readonly useForNamespace?: boolean;
}

/** Labels this construct manages on the Namespace object. */
const MESH_LABELS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode', 'istio.io/use-waypoint'];

/** Namespaces that must not be enrolled as application namespaces. */
const RESERVED_NAMESPACES: { [name: string]: string } = {
  'istio-system': 'use MeshMtls for mesh-wide policy in the root namespace',
  'kube-system': 'keep Kubernetes system components out of the mesh; enroll your application namespaces instead',
};

/** Kinds without a namespace (not checked for namespace consistency). */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'GatewayClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'CertificateSigningRequest', 'ClusterIssuer', 'VolumeSnapshotClass',
]);

/**
 * A namespace enrolled in the mesh, as a cdk8s `Chart` whose namespace every object
 * created inside inherits (a `MeshService` created in it runs in it):
 *
 * - the `Namespace` object, labelled for sidecar injection (`istio-injection: enabled`)
 *   or ambient mode (`istio.io/dataplane-mode: ambient`);
 * - PeerAuthentication `default`: STRICT mTLS (PERMISSIVE for migration);
 * - AuthorizationPolicy `allow-nothing` (default-deny): nothing is allowed until a
 *   service declares its callers (opt out with `defaultDeny: false`).
 *
 * It may be created at the top of the app or inside another chart; in both cases its
 * objects are synthesized as their own chart (a separate file with `app.synth()`, and
 * `Testing.synth(mtlsNamespace)` in tests). cdk8s charts do not inherit a namespace, so a
 * `Chart` nested inside must be given `namespace: ns.namespaceName`; synthesis fails for
 * objects inside that are not in the namespace.
 *
 * In ambient mode, policies that select workloads are enforced by ztunnel at L4 only:
 * rules with HTTP attributes (methods, paths, JWT request principals) need a waypoint and
 * policies attached to it with `targetRefs`, and synthesis fails for selector-bound policies
 * inside the namespace that use them.
 *
 * For the mesh-wide equivalent in the root namespace see `MeshMtls`.
 *
 * @example
 * const bookinfo = new MtlsNamespace(app, 'bookinfo');
 * const productpage = new MeshService(bookinfo, 'productpage', { port: 9080, image: 'productpage:1.20.3' });
 * productpage.allowFromIngressGateway();
 */
export class MtlsNamespace extends Chart {
  /** The namespace name. */
  public readonly namespaceName: string;

  /** How the namespace's workloads join the mesh. */
  public readonly dataplaneMode: DataplaneMode;

  /** The namespace's mTLS mode. */
  public readonly mtlsMode: MtlsMode;

  /** The Namespace object (undefined with `createNamespace: false`). */
  public readonly namespaceResource?: kplus.Namespace;

  /** The namespace-wide PeerAuthentication `default`. */
  public readonly peerAuthentication: PeerAuthentication;

  /** The namespace-wide allow-nothing AuthorizationPolicy (undefined with `defaultDeny: false`). */
  public readonly defaultDenyPolicy?: AuthorizationPolicy;

  private readonly waypointList: Waypoint[] = [];
  private namespaceWaypointValue?: Waypoint;

  public constructor(scope: Construct, id: string, props: MtlsNamespaceProps = {}) {
    const name = props.namespaceName ?? id;
    super(scope, id, { namespace: name });
    this.namespaceName = name;
    this.dataplaneMode = props.dataplaneMode ?? DataplaneMode.SIDECAR;
    this.mtlsMode = props.mtlsMode ?? MtlsMode.STRICT;

    checkDns1123Label(this, 'namespaceName', name);
    if (RESERVED_NAMESPACES[name] !== undefined) {
      invalid(this, 'namespaceName', name, 'this namespace is reserved for the platform', RESERVED_NAMESPACES[name]);
    }
    if (!Object.values(DataplaneMode).includes(this.dataplaneMode)) {
      invalid(this, 'dataplaneMode', this.dataplaneMode, 'unknown dataplane mode', 'use DataplaneMode.SIDECAR or DataplaneMode.AMBIENT');
    }
    checkMtlsMode(this, this.mtlsMode);
    if (props.revision !== undefined) {
      if (this.dataplaneMode !== DataplaneMode.SIDECAR) {
        invalid(this, 'revision', props.revision, 'a revision selects the sidecar injector, and this namespace is ambient', 'remove `revision`, or use DataplaneMode.SIDECAR');
      }
      checkDns1123Label(this, 'revision', props.revision);
    }
    if (props.waypoint !== undefined) {
      if (this.dataplaneMode !== DataplaneMode.AMBIENT) {
        invalid(this, 'waypoint', props.waypoint, 'waypoint proxies serve ambient workloads, and this namespace uses sidecars (which enforce L7 policy themselves)', 'remove `waypoint`, or use DataplaneMode.AMBIENT');
      }
      checkDns1123Label(this, 'waypoint', props.waypoint);
    }
    const extraLabels = props.namespaceLabels ?? {};
    for (const [key, value] of Object.entries(extraLabels)) {
      if (MESH_LABELS.includes(key)) {
        invalid(this, `namespaceLabels[${JSON.stringify(key)}]`, value, 'this mesh enrolment label is set by the MtlsNamespace itself', 'remove it and use `dataplaneMode`, `revision` or `waypoint`');
      }
      checkLabel(this, `namespaceLabels[${JSON.stringify(key)}]`, key, value);
    }
    if (props.createNamespace === false && (props.namespaceLabels !== undefined || props.revision !== undefined || props.waypoint !== undefined)) {
      invalid(this, 'createNamespace', false, 'labels, revision and waypoint are set on the Namespace object, which is not created', 'create the namespace (leave createNamespace out), or set these labels where the namespace is managed');
    }

    if (props.createNamespace !== false) {
      this.namespaceResource = new kplus.Namespace(this, 'Namespace', {
        metadata: { name, labels: { ...extraLabels, ...this.meshLabels(props) } },
      });
      // A Namespace is cluster-scoped: drop the chart namespace cdk8s puts on every object.
      ApiObject.of(this.namespaceResource).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      // `waypoint` names a waypoint managed elsewhere: its absence from the app is expected.
      if (props.waypoint !== undefined) MeshAnalysis.suppress(this.namespaceResource, 'CKI0003');
    }

    registerNamespaceDataplane(this, {
      namespaceName: name,
      ambient: this.dataplaneMode === DataplaneMode.AMBIENT,
      defaultDeny: props.defaultDeny !== false,
      namespaceWaypoint: () => {
        const own = this.namespaceWaypointValue;
        // A waypoint for workload traffic only (or none) does not see traffic addressed to Services.
        if (own !== undefined) return servesServices(own) ? { waypointName: own.waypointName, namespace: name } : undefined;
        return props.waypoint !== undefined ? { waypointName: props.waypoint, namespace: name } : undefined;
      },
    });

    this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: { name: 'default', namespace: name },
      mode: this.mtlsMode,
    });

    if (props.defaultDeny !== false) {
      this.defaultDenyPolicy = AuthorizationPolicy.allowNothing(this, 'AllowNothing', {
        metadata: { name: 'allow-nothing', namespace: name },
      });
      if (props.waypoint !== undefined && this.dataplaneMode === DataplaneMode.AMBIENT) {
        // ztunnel trusts what the waypoint forwards, so the waypoint needs its own default deny.
        AuthorizationPolicy.allowNothing(this, 'WaypointAllowNothing', {
          metadata: { name: `${props.waypoint}-allow-nothing`, namespace: name },
          targetRefs: [SecurityPolicyTarget.gateway(props.waypoint)],
        });
      }
    }

    this.node.addValidation({ validate: () => this.validateNamespaces() });
    if (this.dataplaneMode === DataplaneMode.AMBIENT) {
      this.node.addValidation({ validate: () => this.validateAmbientPolicies() });
    }
  }

  /**
   * Adds a waypoint proxy (`Waypoint`) to this ambient namespace and, unless
   * `useForNamespace: false`, makes every Service of the namespace use it (the Namespace's
   * `istio.io/use-waypoint` label). L7 policies of the namespace's services then attach to
   * their Service with `targetRefs` and are enforced by the waypoint.
   *
   * @param id the construct id, and the waypoint's name unless `waypointName` is given
   */
  public addWaypoint(id: string = 'waypoint', options: MtlsNamespaceWaypointOptions = {}): Waypoint {
    if (this.dataplaneMode !== DataplaneMode.AMBIENT) {
      invalid(this, 'addWaypoint', id, 'waypoint proxies serve ambient workloads, and this namespace uses sidecars (which enforce L7 policy themselves)', 'use DataplaneMode.AMBIENT for the namespace');
    }
    const { useForNamespace, ...props } = options;
    const waypoint = new Waypoint(this, id, props);
    this.waypointList.push(waypoint);
    if (useForNamespace !== false) {
      const current = this.namespaceResource?.metadata.getLabel('istio.io/use-waypoint');
      if (this.namespaceResource === undefined) {
        invalid(this, 'addWaypoint useForNamespace', true, 'the namespace-wide waypoint is a label on the Namespace object, which is not created', 'create the namespace (leave createNamespace out), or pass useForNamespace: false and call useWaypoint() on each service');
      }
      if (current !== undefined) {
        invalid(this, 'addWaypoint useForNamespace', true, `the namespace already uses waypoint "${current}"`, 'pass useForNamespace: false for further waypoints, and enrol services one by one with useWaypoint()');
      }
      this.namespaceResource.metadata.addLabel('istio.io/use-waypoint', waypoint.waypointName);
      this.namespaceWaypointValue = waypoint;
    }
    return waypoint;
  }

  /** The waypoints added with `addWaypoint`, in order. */
  public get waypoints(): Waypoint[] {
    return [...this.waypointList];
  }

  /** The waypoint the whole namespace uses, if it was added with `addWaypoint`. */
  public get namespaceWaypoint(): Waypoint | undefined {
    return this.namespaceWaypointValue;
  }

  private meshLabels(props: MtlsNamespaceProps): { [key: string]: string } {
    if (this.dataplaneMode === DataplaneMode.AMBIENT) {
      return props.waypoint !== undefined
        ? { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': props.waypoint }
        : { 'istio.io/dataplane-mode': 'ambient' };
    }
    return props.revision !== undefined ? { 'istio.io/rev': props.revision } : { 'istio-injection': 'enabled' };
  }

  /**
   * In ambient mode, policies bound with a workload selector are enforced by ztunnel, which
   * only sees L4: an ALLOW rule with HTTP attributes never matches and a DENY rule with them
   * denies everything. Such rules, CUSTOM and AUDIT policies, RequestAuthentications and
   * WasmPlugins must be attached to a waypoint (`targetRefs`).
   */
  private validateAmbientPolicies(): string[] {
    const errors: string[] = [];
    const fix = 'Fix: give the service a waypoint — `addWaypoint()` on the MtlsNamespace, or `useWaypoint(waypoint)` on the MeshService — and the policies of MeshService and JwtProtectedApp attach to its Service by targetRefs; attach a hand-made policy with targetRefs (SecurityPolicyTarget.service or .gateway) yourself';
    for (const c of this.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const group = c.apiVersion.split('/')[0];
      const known = (c.kind === 'AuthorizationPolicy' || c.kind === 'RequestAuthentication') && group === 'security.istio.io'
        || c.kind === 'WasmPlugin' && group === 'extensions.istio.io';
      if (!known) continue;
      const spec = c.toJson()?.spec ?? {};
      if (spec.targetRefs !== undefined || spec.targetRef !== undefined) continue;
      const path = c.node.scope?.node.path ?? c.node.path;
      if (c.kind !== 'AuthorizationPolicy') {
        errors.push(`[${path}] ${c.kind} ${c.name} is invalid: in the ambient namespace "${this.namespaceName}" there are no sidecars, and a ${c.kind} is applied only by a waypoint it is attached to with targetRefs; with ${spec.selector !== undefined ? 'a workload selector' : 'no targetRefs'} nothing applies it. ${fix}`);
        continue;
      }
      const action = spec.action ?? 'ALLOW';
      if (action === 'CUSTOM' || action === 'AUDIT') {
        errors.push(`[${path}] action ${JSON.stringify(action)} is invalid: in the ambient namespace "${this.namespaceName}" a ${action} policy needs a waypoint (ztunnel cannot apply it), attached with targetRefs. ${fix}`);
        continue;
      }
      const l7 = l7Fields(spec.rules ?? []);
      if (l7.length > 0) {
        errors.push(`[${path}] rules (${l7.join(', ')}) is invalid: in the ambient namespace "${this.namespaceName}" a policy with a workload selector is enforced by ztunnel, which sees only L4, so ${action === 'DENY' ? 'this DENY policy would deny every request' : 'these rules would never match and callers would be denied'}. ${fix}; or use only L4 attributes (principals, namespaces, ports, IP blocks)`);
      }
    }
    return errors;
  }

  /** Every namespaced object inside must be in this namespace. */
  private validateNamespaces(): string[] {
    const errors: string[] = [];
    for (const c of this.node.findAll()) {
      if (!ApiObject.isApiObject(c) || CLUSTER_SCOPED_KINDS.has(c.kind)) continue;
      const ns = c.metadata.namespace;
      if (ns !== this.namespaceName) {
        errors.push(`[${c.node.path}] metadata.namespace ${JSON.stringify(ns)} is invalid: the ${c.kind} is inside MtlsNamespace ${this.node.path} but not in its namespace "${this.namespaceName}", so the namespace's mTLS and default-deny policies do not protect it. Fix: ${ns === undefined
          ? `give the chart it is in \`namespace: ${JSON.stringify(this.namespaceName)}\` (nested cdk8s charts do not inherit a namespace)`
          : 'drop its explicit namespace, or create it outside the MtlsNamespace'}`);
      }
    }
    return errors;
  }
}

/** The HTTP-only attributes an authorization rule uses (rendered form). */
function l7Fields(rules: any[]): string[] {
  const found = new Set<string>();
  for (const rule of rules) {
    for (const f of rule?.from ?? []) {
      for (const k of ['requestPrincipals', 'notRequestPrincipals']) if (f?.source?.[k] !== undefined) found.add(k);
    }
    for (const t of rule?.to ?? []) {
      for (const k of ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths']) if (t?.operation?.[k] !== undefined) found.add(k);
    }
    for (const w of rule?.when ?? []) {
      if (typeof w?.key === 'string' && w.key.startsWith('request.')) found.add(w.key);
    }
  }
  return [...found];
}

/**
 * Properties of `MeshMtls`.
 */
export interface MeshMtlsProps {
  /**
   * The mesh-wide mTLS mode: `STRICT` or `PERMISSIVE`.
   *
   * @default MtlsMode.STRICT
   */
  readonly mtlsMode?: MtlsMode;

  /**
   * Istio's root namespace (the mesh config's `rootNamespace`), where policies apply to
   * the whole mesh. If the app declares its MeshConfig (a `MeshInstallation`,
   * `MeshAnalysis.useMeshConfig`), a different root namespace fails the synth.
   *
   * @default - the declared MeshConfig's `rootNamespace`, else "istio-system"
   */
  readonly rootNamespace?: string;

  /**
   * Whether to add a mesh-wide allow-nothing AuthorizationPolicy. It applies to every
   * workload of every namespace, gateways included, so enable it only once every
   * workload (and the ingress gateway) has the ALLOW policies it needs.
   *
   * @default false
   */
  readonly defaultDeny?: boolean;
}

/**
 * Mesh-wide mTLS: the PeerAuthentication `default` in Istio's root namespace
 * (STRICT by default, PERMISSIVE for migration), and optionally a mesh-wide
 * allow-nothing AuthorizationPolicy. It creates no Namespace object and sets no
 * injection label: namespaces are enrolled one by one with `MtlsNamespace`.
 *
 * A namespace or workload PeerAuthentication overrides the mesh-wide one.
 *
 * @example
 * new MeshMtls(chart, 'mesh-mtls'); // PeerAuthentication istio-system/default, STRICT
 */
export class MeshMtls extends Construct {
  /** The root namespace the policies are in. */
  public readonly rootNamespace: string;

  /** The mesh-wide mTLS mode. */
  public readonly mtlsMode: MtlsMode;

  /** The mesh-wide PeerAuthentication `default`. */
  public readonly peerAuthentication: PeerAuthentication;

  /** The mesh-wide allow-nothing AuthorizationPolicy (only with `defaultDeny: true`). */
  public readonly defaultDenyPolicy?: AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: MeshMtlsProps = {}) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    this.rootNamespace = props.rootNamespace ?? meshRootNamespace(this);
    this.mtlsMode = props.mtlsMode ?? MtlsMode.STRICT;
    checkDns1123Label(this, 'rootNamespace', this.rootNamespace);
    checkRootNamespace(this, 'rootNamespace', this.rootNamespace);
    checkMtlsMode(this, this.mtlsMode);
    this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: { name: 'default', namespace: this.rootNamespace },
      mode: this.mtlsMode,
    });
    if (props.defaultDeny === true) {
      this.defaultDenyPolicy = AuthorizationPolicy.allowNothing(this, 'AllowNothing', {
        metadata: { name: 'allow-nothing', namespace: this.rootNamespace },
      });
    }
  }
}

function checkMtlsMode(scope: IConstruct, mode: MtlsMode): void {
  if (mode !== MtlsMode.STRICT && mode !== MtlsMode.PERMISSIVE) {
    invalid(scope, 'mtlsMode', mode, 'an mTLS namespace accepts mTLS: STRICT, or PERMISSIVE while migrating (DISABLE turns mTLS off and UNSET leaves it to the parent policy)', 'use MtlsMode.STRICT, or MtlsMode.PERMISSIVE during migration');
  }
}
