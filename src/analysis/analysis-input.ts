// The objects of one analysis as the analyzers see them: a Resource per input object, and for
// each workload the Pod its template will run. Built as the objects arrive, so that a caller
// receiving them in batches (the synthesis worker, src/core/synthesis-worker.ts, while the app
// is still rendering) has this part of the analysis done when the last one comes.
import { isArgoRollout } from './controllers';
import { DROPPED_NAMESPACES, Obj, ObjectIndex, Resource, isObj } from './model';

type Labels = { [key: string]: string };

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The Istio release whose analyzers these are (its proxy image stands for injected sidecars). */
const ISTIO_VERSION = '1.30.3';

/** The container Istio's injector adds (as the analyzers see it; shared by every injected pod, never changed). */
const SIDECAR = Object.freeze({ name: 'istio-proxy', image: `docker.io/istio/proxyv2:${ISTIO_VERSION}` });

/** The namespace an object is placed in ('' for none). */
function namespaceOf(o: Obj): string {
  return isObj(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
}

/** Labels of a Namespace object (undefined for any other object). */
function namespaceLabelsOf(o: Obj): Labels | undefined {
  if (o.kind !== 'Namespace' || !isObj(o.metadata) || typeof o.metadata.name !== 'string') return undefined;
  return isObj(o.metadata.labels) ? o.metadata.labels : {};
}

/**
 * The pod a workload's template will run, as admitted into the mesh: Istio's injector adds
 * the `istio-proxy` sidecar when the namespace has `istio-injection=enabled` (or an
 * `istio.io/rev` label) or the pod has `sidecar.istio.io/inject: "true"` — unless the pod
 * opts out — and in an ambient namespace (`istio.io/dataplane-mode=ambient`) the CNI marks
 * the pod as redirected. Manifests never contain these admission-time changes, so without
 * them every analyzer would see the workloads as outside the mesh.
 */
export function templatePod(o: Obj, nsLabels: Labels): Obj | undefined {
  if (!(WORKLOAD_KINDS.has(o.kind) || isArgoRollout(o)) || !isObj(o.spec)) return undefined;
  const template = o.kind === 'CronJob' ? o.spec.jobTemplate?.spec?.template : o.spec.template;
  if (!isObj(template)) return undefined;
  const md = isObj(template.metadata) ? template.metadata : {};
  const owner = isObj(o.metadata) ? o.metadata : {};
  const spec: Obj = isObj(template.spec) ? template.spec : {};
  const podLabels: Labels = isObj(md.labels) ? md.labels : {};
  const optIn = podLabels['sidecar.istio.io/inject'];
  const nsInjects = nsLabels['istio-injection'] === 'enabled' || typeof nsLabels['istio.io/rev'] === 'string';
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  const injected = optIn !== 'false' && (optIn === 'true' || nsInjects) && !containers.some((c) => c?.name === 'istio-proxy');
  const ambient = !injected && nsLabels['istio.io/dataplane-mode'] === 'ambient' && podLabels['istio.io/dataplane-mode'] !== 'none';
  const annotations: Labels = isObj(md.annotations) ? Object.assign({}, md.annotations) : {};
  if (ambient) annotations['ambient.istio.io/redirection'] = 'enabled';
  // Object.assign onto a new object, not a spread: V8 gives each object a spread builds its own
  // hidden class, and the analyzers read these pods as they read the rendered objects (../core/plain-copy)
  const metadata: Obj = Object.assign({}, md);
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  metadata.name = `${owner.name ?? 'workload'}-pod-template`;
  if (owner.namespace !== undefined) metadata.namespace = owner.namespace;
  let podSpec = spec;
  if (injected) {
    podSpec = Object.assign({}, spec);
    podSpec.containers = containers.concat([SIDECAR]);
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec };
}

/** A template Pod, with the namespace labels it was made with (a later Namespace object may change them). */
interface PendingPod {
  /** Its position in `resources`. */
  readonly at: number;
  readonly owner: Obj;
  readonly namespace: string;
  readonly nsLabels: Labels | undefined;
}

const NO_LABELS: Labels = {};

/**
 * The analysis's view of its input objects, added in input order (in one call or in batches).
 * The objects must not change once added.
 * @internal
 */
export class AnalysisInput {
  /** Resources of the input objects, each followed by its template Pod (with `workloadPods`). */
  public readonly resources: Resource[] = [];
  /** Resources of the input objects alone. */
  public readonly inputResources: Resource[] = [];
  /** Labels of each declared namespace (the last Namespace object of a name wins). */
  public readonly namespaceLabels = new Map<string, Labels>();
  private readonly pods: PendingPod[] = [];
  /** `resources` indexed (see takeIndex). */
  private index: ObjectIndex | undefined = new ObjectIndex();
  private readonly declaredNamespaces = new Set<string>();
  private readonly usedNamespaces = new Set<string>();
  private count = 0;
  private finished = false;

  /** @param workloadPods whether workloads' template Pods stand for pods (`AnalysisOptions.workloadPods`) */
  constructor(public readonly workloadPods: boolean) {}

  /** Adds the next input objects. */
  public add(objects: readonly Obj[]): this {
    if (this.finished) throw new Error('cdk8s-istio: objects added to an analysis input after it was used');
    for (const o of objects) {
      const i = this.count++;
      if (!isObj(o)) continue;
      const namespace = namespaceOf(o);
      if (namespace !== '') this.usedNamespaces.add(namespace);
      if (o.apiVersion === 'v1' && o.kind === 'Namespace' && isObj(o.metadata) && typeof o.metadata.name === 'string') this.declaredNamespaces.add(o.metadata.name);
      if (typeof o.kind !== 'string') continue;
      if (this.workloadPods) {
        const labels = namespaceLabelsOf(o);
        if (labels) this.namespaceLabels.set(o.metadata.name, labels);
      }
      const r = new Resource(o, this.resources.length);
      if (DROPPED_NAMESPACES.has(r.namespace)) continue;
      r.inputAt = i;
      this.resources.push(r);
      this.index?.add(r);
      this.inputResources.push(r);
      if (!this.workloadPods) continue;
      const nsLabels = this.namespaceLabels.get(namespace);
      const p = templatePod(o, nsLabels ?? NO_LABELS);
      if (!p) continue;
      const pr = new Resource(p, this.resources.length);
      this.pods.push({ at: this.resources.length, owner: o, namespace, nsLabels });
      pr.inputAt = i;
      this.resources.push(pr);
      this.index?.add(pr);
    }
    return this;
  }

  /**
   * Settles the template Pods made before their namespace's (last) Namespace object came; no
   * object can be added after.
   */
  public finish(): this {
    if (this.finished) return this;
    this.finished = true;
    for (const pod of this.pods) {
      const nsLabels = this.namespaceLabels.get(pod.namespace);
      if (nsLabels === pod.nsLabels) continue;
      const old = this.resources[pod.at];
      const pr = new Resource(templatePod(pod.owner, nsLabels ?? NO_LABELS)!, pod.at);
      pr.inputAt = old.inputAt;
      this.resources[pod.at] = pr;
      this.index?.replace(old, pr);
    }
    return this;
  }

  /**
   * The index of `resources`, built as they were added, for the analysis's first run to add its
   * own objects to; undefined after (a later run indexes the resources anew).
   */
  public takeIndex(): ObjectIndex | undefined {
    this.finish();
    const index = this.index;
    this.index = undefined;
    return index;
  }

  /** Namespace objects for the namespaces objects are placed in that no Namespace object declares. */
  public impliedNamespaceObjects(): Obj[] {
    return [...this.usedNamespaces].filter((ns) => !this.declaredNamespaces.has(ns)).map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  }

  /** The template Pod of a workload that is not an input object (one a controller creates). */
  public podOf(o: Obj): Obj | undefined {
    if (!this.workloadPods) return undefined;
    return templatePod(o, this.namespaceLabels.get(namespaceOf(o)) ?? NO_LABELS);
  }
}
