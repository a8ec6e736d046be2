import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshAnalysis } from './mesh-analysis';

/**
 * Options common to every resource construct of this library.
 */
export interface IstioResourceProps {
  /**
   * Kubernetes metadata of the resource (name, namespace, labels, annotations).
   *
   * @default - a unique name derived from the construct path, in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * Base of every resource construct (L2): wraps exactly one generated L1 `ApiObject`,
 * reachable through `apiObject` as an escape hatch (e.g. `addJsonPatch`).
 */
export abstract class IstioResource extends Construct {

  /**
   * The underlying L1 API object. Use it to reach fields this construct does not model,
   * e.g. `resource.apiObject.addJsonPatch(JsonPatch.add('/spec/foo', 1))`.
   */
  public abstract readonly apiObject: ApiObject;

  private readonly jsonPatches: JsonPatch[] = [];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // Charts that use the library are analyzed (istioctl analyze rules) when synthesized.
    MeshAnalysis.enableFor(this);
  }

  /** Kubernetes metadata of the resource. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The resource's `metadata.name`. */
  public get name(): string {
    return this.apiObject.name;
  }

  /**
   * The resource's `metadata.namespace`, if it has one (explicit or from the chart).
   */
  public get namespace(): string | undefined {
    return this.apiObject.metadata.namespace;
  }

  /** The `apiVersion` of the rendered object. */
  public get apiVersion(): string {
    return this.apiObject.apiVersion;
  }

  /** The `kind` of the rendered object. */
  public get kind(): string {
    return this.apiObject.kind;
  }

  /**
   * Applies RFC 6902 JSON patches to this resource's final manifest, after the typed
   * rendering: the escape hatch for fields this construct does not model.
   *
   * Prefer this to `apiObject.addJsonPatch`: the generated L1 binding re-maps its spec
   * after patches are applied and so drops fields its CRD version does not know, while
   * patches added here are applied last and kept as written.
   *
   * @example
   * vs.addJsonPatch(JsonPatch.add('/spec/http/0/mirrorPercentage', { value: 5 }));
   */
  public addJsonPatch(...ops: JsonPatch[]): void {
    if (this.jsonPatches.length === 0) {
      const obj = this.apiObject;
      const render = obj.toJson.bind(obj);
      obj.toJson = () => JsonPatch.apply(render(), ...this.jsonPatches);
    }
    this.jsonPatches.push(...ops);
  }
}
