import { Construct } from 'constructs';

/**
 * A VirtualService that a root VirtualService's HTTP route can delegate to: a
 * `VirtualService` construct of the app (a delegate has no hosts), or one defined elsewhere
 * (`VirtualService.fromVirtualServiceName(...)`).
 */
export interface IVirtualService {
  /** The VirtualService's `metadata.name`. */
  readonly virtualServiceName: string;

  /**
   * The VirtualService's namespace.
   *
   * @default - not known: Istio looks the delegate up in the root VirtualService's namespace
   */
  readonly virtualServiceNamespace?: string;
}

/**
 * A VirtualService known by name.
 * @internal
 */
export class VirtualServiceReference implements IVirtualService {
  public constructor(public readonly virtualServiceName: string, public readonly virtualServiceNamespace?: string) {}
}

/**
 * How a delegate is shown in messages: the construct path of a construct, else
 * `namespace/name`.
 * @internal
 */
export function describeVirtualService(vs: IVirtualService): string {
  if (Construct.isConstruct(vs)) return vs.node.path;
  return vs.virtualServiceNamespace ? `${vs.virtualServiceNamespace}/${vs.virtualServiceName}` : vs.virtualServiceName;
}
