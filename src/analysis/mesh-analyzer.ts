import { AnalysisInput } from './analysis-input';
import { controllerObjects } from './controllers';
import { builtInExtensionProviders } from './extension-provider-kinds';
import { readManifestText } from './manifest-reader';
import {
  AnalysisContext, ISTIO_SYSTEM, ObjectIndex, Obj, RawDiagnostic, Resource, isObj, runWhenDone,
} from './model';
import { ANALYZERS, ANALYZERS_BY_NAME } from './registry';

/**
 * Severity of a diagnostic, as Istio names it.
 */
export enum AnalysisLevel {
  /** The configuration is broken (e.g. a route to a subset no DestinationRule defines). */
  ERROR = 'Error',
  /** The configuration is likely wrong or fragile. */
  WARNING = 'Warning',
  /** Worth knowing; usually harmless. */
  INFO = 'Info',
}

/**
 * One finding of the mesh analyzer, with Istio's own code, level and wording.
 */
export interface AnalysisDiagnostic {
  /** Istio message code, e.g. `IST0101`. */
  readonly code: string;
  /** Istio message name, e.g. `ReferencedResourceNotFound`. */
  readonly messageName: string;
  /** Severity. */
  readonly level: AnalysisLevel;
  /** Kind of the object the message is about, e.g. `VirtualService`. */
  readonly kind: string;
  /** Namespace of that object (empty when it has none). */
  readonly namespace: string;
  /** Name of that object. */
  readonly name: string;
  /** The message text (Istio's template, filled in). */
  readonly message: string;
  /** `Kind ns/name`, or `Kind name` for objects without a namespace (istioctl's origin). */
  readonly origin: string;
  /** Registered name of the analyzer that produced it, e.g. `virtualservice.DestinationRuleAnalyzer`. */
  readonly analyzer: string;
  /**
   * Position of the object in the input list, when the object was an input (undefined for
   * implicit objects such as the default ingress gateway; a workload's template Pod has the
   * workload's position).
   * @default - implicit object
   */
  readonly inputIndex?: number;
}

/**
 * Deliberately silences a message code, optionally only for some objects.
 */
export interface AnalysisSuppression {
  /** Message code to suppress (`IST0101`), or `*` for every code. */
  readonly code: string;
  /**
   * The object(s) it applies to, as `Kind ns/name`, `Kind name` or `Kind/ns/name`; `*` globs are
   * allowed in each part (e.g. `VirtualService bookinfo/*`).
   * @default - every object
   */
  readonly resource?: string;
}

/**
 * Options of one analysis run.
 */
export interface AnalysisOptions {
  /**
   * MeshConfig values merged over Istio's defaults (rootNamespace `istio-system`, ingressService
   * `istio-ingressgateway`, ingressControllerMode `STRICT`, ...), as in `--meshConfigFile`.
   * @default - Istio's default MeshConfig
   */
  readonly meshConfig?: { [key: string]: any };
  /**
   * `meshConfig` is the mesh's whole configuration (as when a `MeshInstallation` or
   * `MeshAnalysis.useMeshConfig` declares it), not a fragment merged over defaults the
   * analysis cannot see: an extension provider it does not define (nor Istio's built-in
   * `prometheus`, `stackdriver` and `envoy`) is then known not to exist, and a Telemetry or
   * CUSTOM AuthorizationPolicy naming one is an error (CKI0007).
   * @default false
   */
  readonly meshConfigComplete?: boolean;
  /**
   * MeshNetworks configuration (`networks: {...}`), as in `--meshNetworksFile`.
   * @default - no mesh networks
   */
  readonly meshNetworks?: { [key: string]: any };
  /**
   * Run only these analyzers (Istio's registered names, e.g. `virtualservice.GatewayAnalyzer`).
   * Each analyzer only sees the kinds of objects it declares as inputs.
   * @default - every analyzer istioctl runs by default
   */
  readonly analyzers?: string[];
  /**
   * Suppressed codes (in addition to `galley.istio.io/analyze-suppress` annotations on objects).
   * @default - none
   */
  readonly suppressions?: AnalysisSuppression[];
  /**
   * Add the implicit default ingress gateway Pod and Service (`istio-system/istio-ingressgateway`)
   * that istioctl assumes, unless MeshConfig `ingressControllerMode` is `OFF`.
   * @default true
   */
  readonly defaultIngress?: boolean;
  /**
   * Treat the pod template of each Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob
   * and Argo Rollouts `Rollout` (and of the workloads Flagger generates for a Canary) as a
   * running Pod (named `<workload>-pod-template`). Manifests rarely contain Pods, so without
   * this, analyzers that look at pods (DestinationRule subsets, Gateway selectors, Sidecar and
   * policy selectors) find none. istioctl analyzes files without it.
   * @default false
   */
  readonly workloadPods?: boolean;
  /**
   * Secrets are managed outside the analyzed manifests (cert-manager, a secret store): a
   * Gateway `credentialName` naming a Secret that is not among the objects is not reported.
   * Secrets that are present are still checked.
   * @default false
   */
  readonly externalSecrets?: boolean;
  /**
   * Check every object against its API schema and the API server's metadata rules
   * (`schema.ManifestSchemaAnalyzer`, IST0106): the vendored CRDs' OpenAPI schemas and CEL
   * rules (Istio, Gateway API, PrometheusRule), the built-in kinds' schemas (unknown fields
   * rejected), names, namespaces, labels and annotations. Objects of other kinds (your own
   * CRDs) get their metadata checked only.
   * @default true
   */
  readonly schemaValidation?: boolean;
  /**
   * Namespaces that objects are placed in but that no Namespace object declares exist (as
   * when a cdk8s app deploys into a namespace created elsewhere): no "namespace not found"
   * messages for them. Synth-time analysis assumes this; istioctl does not.
   * @default false
   */
  readonly impliedNamespaces?: boolean;
}

const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

function defaultMesh(): Obj {
  return {
    rootNamespace: ISTIO_SYSTEM,
    ingressService: 'istio-ingressgateway',
    ingressControllerMode: 'STRICT',
    ingressClass: 'istio',
    trustDomain: 'cluster.local',
    enableTracing: true,
    defaultProviders: {},
    extensionProviders: builtInExtensionProviders(),
    defaultConfig: { proxyMetadata: {} },
  };
}

/**
 * The MeshConfig istiod runs with: `over` merged over Istio's defaults, where (as in istiod)
 * the built-in extension providers stay defined unless a provider of the same name replaces them.
 */
function effectiveMesh(over: Obj): Obj {
  const base = defaultMesh();
  const mesh = deepMerge(base, over);
  if (Array.isArray(over.extensionProviders)) {
    const names = new Set(over.extensionProviders.map((p: Obj) => (isObj(p) ? p.name : undefined)));
    mesh.extensionProviders = [...base.extensionProviders.filter((p: Obj) => !names.has(p.name)), ...over.extensionProviders];
  }
  return mesh;
}

function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out;
}

function defaultIngressObjects(namespace: string, service: string): Obj[] {
  const port = (name: string, nodePort: number, p: number) => ({ name, nodePort, port: p, protocol: 'TCP', targetPort: p });
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { labels: { istio: 'ingressgateway' }, name: `${service}-dummypod`, namespace },
      spec: { containers: [{ args: null, name: 'istio-proxy' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace },
      spec: {
        ports: [port('http2', 31380, 80), port('https', 31390, 443), port('tcp', 31400, 31400), port('tls', 31447, 15443)],
        selector: { istio: 'ingressgateway' },
      },
    },
  ];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
}

/** `Kind ns/name`, `Kind name`, `Kind/ns/name` or `Kind/name` -> matcher on a diagnostic. */
function resourceMatcher(spec: string | undefined): (d: RawDiagnostic) => boolean {
  if (!spec || spec.trim() === '' || spec.trim() === '*') return () => true;
  let kind: string;
  let rest: string;
  const s = spec.trim();
  const sp = s.indexOf(' ');
  if (sp >= 0) {
    kind = s.slice(0, sp);
    rest = s.slice(sp + 1).trim();
  } else {
    const i = s.indexOf('/');
    kind = i >= 0 ? s.slice(0, i) : s;
    rest = i >= 0 ? s.slice(i + 1) : '*';
  }
  const parts = rest.split('/');
  const ns = parts.length > 1 ? parts[0] : undefined;
  const name = parts.length > 1 ? parts.slice(1).join('/') : parts[0];
  const k = globToRegExp(kind);
  const n = globToRegExp(name);
  const nsRe = ns === undefined ? undefined : globToRegExp(ns);
  return (d) => k.test(d.resource.kind) && n.test(d.resource.name)
    && (nsRe ? nsRe.test(d.resource.namespace) : (ns === undefined && (name === '*' || d.resource.namespace === '')));
}

/**
 * The result of one analysis run with its internal index (used by the CLI and synth-time hook).
 * @internal
 */
export interface _AnalysisRun {
  readonly diagnostics: AnalysisDiagnostic[];
  readonly resources: Resource[];
}

/**
 * Analyzes Kubernetes and Istio objects (plain parsed YAML) like `istioctl analyze`: Istio's
 * analyzers, message codes, levels and wording, on the manifests themselves, before anything
 * is applied.
 *
 * @example
 * const diagnostics = MeshAnalyzer.analyze(objects, { suppressions: [{ code: 'IST0118' }] });
 * if (MeshAnalyzer.hasErrors(diagnostics)) { ... }
 */
export class MeshAnalyzer {
  /**
   * Analyzes the objects and returns the diagnostics, sorted (by level, code, origin, message) and
   * deduplicated like istioctl's output.
   *
   * Objects in kube-system, kube-public, kube-node-lease and local-path-storage are ignored;
   * objects whose `galley.istio.io/analyze-suppress` annotation lists a code (or `*`) never get
   * that message.
   *
   * The objects Flagger generates for each `Canary` (the primary workload, the Services
   * `<service>`, `<service>-primary` and `<service>-canary`, their DestinationRules and the
   * VirtualService) are assumed to exist: references to them resolve and findings on them are
   * not reported; the app declaring one of them itself is reported (CKI0006). An Argo Rollouts
   * `Rollout` is a workload like a Deployment.
   *
   * @param objects the manifests (each a Kubernetes object with apiVersion, kind and metadata)
   * @param options analysis options
   */
  public static analyze(objects: { [key: string]: any }[], options: AnalysisOptions = {}): AnalysisDiagnostic[] {
    return MeshAnalyzer._run(objects, options).diagnostics;
  }

  /**
   * The registered names of all analyzers (usable in `AnalysisOptions.analyzers`).
   */
  public static analyzerNames(): string[] {
    return ANALYZERS.map((a) => a.name);
  }

  /**
   * Whether any diagnostic is Error-level.
   */
  public static hasErrors(diagnostics: AnalysisDiagnostic[]): boolean {
    return diagnostics.some((d) => d.level === AnalysisLevel.ERROR);
  }

  /**
   * Formats a diagnostic like istioctl's text output:
   * `Error [IST0101] (VirtualService ns/name) Referenced host not found: "x"`.
   */
  public static format(diagnostic: AnalysisDiagnostic): string {
    return `${diagnostic.level} [${diagnostic.code}] (${diagnostic.origin}) ${diagnostic.message}`;
  }

  /**
   * Parses a (multi-document) YAML string into objects; empty documents are skipped, `List`s
   * unwrapped and merge keys (`<<`) applied. Throws on invalid YAML, on a document that is not
   * an object, and on excessive aliasing (an alias bomb).
   */
  public static parseYaml(text: string): { [key: string]: any }[] {
    try {
      return readManifestText(text);
    } catch (e) {
      // the reader names its input: keep only what went wrong
      throw new Error((e as Error).message.replace(/^cannot parse input: /, ''));
    }
  }

  /**
   * Istio's default MeshConfig, as the analyzer assumes it.
   */
  public static defaultMeshConfig(): { [key: string]: any } {
    return defaultMesh();
  }

  /** @internal */
  public static _run(objects: { [key: string]: any }[] | AnalysisInput, options: AnalysisOptions = {}): _AnalysisRun {
    const selected = options.analyzers && options.analyzers.length > 0 ? options.analyzers : undefined;
    if (selected) {
      const unknown = selected.filter((n) => !ANALYZERS_BY_NAME.has(n));
      if (unknown.length > 0) {
        throw new Error(`unknown analyzer ${JSON.stringify(unknown[0])}: use one of ${MeshAnalyzer.analyzerNames().join(', ')}`);
      }
    }
    const mesh = effectiveMesh(options.meshConfig ?? {});
    // objects added to an input ahead of the run (the synthesis worker's), or all of them now
    const input = objects instanceof AnalysisInput ? objects : new AnalysisInput(options.workloadPods === true).add(objects);
    if (input.workloadPods !== (options.workloadPods === true)) throw new Error('cdk8s-istio: an analysis input built for other options');
    input.finish();
    const { inputResources } = input;
    const resources = [...input.resources];
    // the input's index (built as its objects came) the first time it is run
    const index = input.takeIndex() ?? new ObjectIndex(resources);
    // Objects the analysis assumes exist but the app does not declare: findings on them are dropped.
    const implied = new Set<Resource>();
    const add = (o: Obj, assumed: boolean) => {
      const r = new Resource(o, resources.length);
      resources.push(r);
      index.add(r);
      if (assumed) implied.add(r);
    };
    // What progressive-delivery controllers create at runtime (Flagger's primary workload,
    // Services, DestinationRules and VirtualService for each Canary), with their pods.
    for (const o of controllerObjects(inputResources.map((r) => r.raw))) {
      add(o, true);
      const p = input.podOf(o);
      if (p) add(p, true);
    }
    if (options.impliedNamespaces) {
      for (const o of input.impliedNamespaceObjects()) add(o, true);
    }
    if (options.defaultIngress !== false && mesh.ingressControllerMode !== 'OFF') {
      for (const o of defaultIngressObjects(ISTIO_SYSTEM, String(mesh.ingressService || 'istio-ingressgateway'))) add(o, false);
    }
    add({ apiVersion: 'v1alpha1', kind: 'MeshConfig', metadata: { name: 'meshconfig', namespace: ISTIO_SYSTEM } }, false);
    if (options.meshNetworks) {
      add({
        apiVersion: 'v1alpha1',
        kind: 'MeshNetworks',
        metadata: { name: 'meshnetworks', namespace: ISTIO_SYSTEM },
        networks: isObj(options.meshNetworks.networks) ? options.meshNetworks.networks : {},
      }, false);
    }
    const analyzers = (selected ? selected.map((n) => ANALYZERS_BY_NAME.get(n)!) : ANALYZERS.filter((a) => a.inAll !== false))
      .filter((a) => !(a.allKinds && options.schemaValidation === false));
    const shared = new Map<string, unknown>();
    const raw: RawDiagnostic[] = [];
    for (const a of analyzers) {
      const ctx = new AnalysisContext(index, new Set(a.inputs), a.name, mesh, options.meshNetworks, shared,
        options.externalSecrets === true, a.allKinds ? inputResources : [], options.meshConfigComplete === true);
      a.analyze(ctx);
      for (const d of ctx.out) raw.push(d);
    }
    runWhenDone(shared);
    const suppressions = (options.suppressions ?? []).map((s) => ({ code: s.code.trim().toUpperCase(), match: resourceMatcher(s.resource) }));
    const kept = raw.filter((d) => {
      if (implied.has(d.resource)) return false;
      const anno = d.resource.annotations[SUPPRESS_ANNOTATION];
      if (anno !== undefined) {
        const codes = anno.split(',').map((c) => c.trim().toUpperCase());
        if (codes.includes('*') || codes.includes(d.code)) return false;
      }
      return !suppressions.some((s) => (s.code === '*' || s.code === d.code) && s.match(d));
    });
    const all = kept.map((d): AnalysisDiagnostic => ({
      code: d.code,
      messageName: d.messageName,
      level: d.level as AnalysisLevel,
      kind: d.resource.kind,
      namespace: d.resource.namespace,
      name: d.resource.name,
      message: d.message,
      origin: d.resource.origin,
      analyzer: d.analyzer,
      inputIndex: d.resource.inputAt,
    }));
    // istioctl's SortedDedupedCopy: by level, code, origin, text; identical messages collapse
    const rank = (l: string) => (l === 'Error' ? 0 : l === 'Warning' ? 1 : 2);
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    all.sort((a, b) => rank(a.level) - rank(b.level) || cmp(a.code, b.code) || cmp(a.origin, b.origin) || cmp(a.message, b.message));
    const diagnostics: AnalysisDiagnostic[] = [];
    for (const d of all) {
      const prev = diagnostics[diagnostics.length - 1];
      if (prev && prev.code === d.code && prev.origin === d.origin && prev.message === d.message && prev.level === d.level) continue;
      diagnostics.push(d);
    }
    return { diagnostics, resources };
  }
}
