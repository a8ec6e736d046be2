import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvoyConfigPatch, renderConfigPatch } from './envoy-filter-patch';
import * as l1 from '../../imports/networking.istio.io';
import { checkDns1123Subdomain, checkExclusive, checkInt32, checkMaxItems, checkNonEmpty } from '../core/checks';
import { invalid, validationMessage } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * A resource an `EnvoyFilter` attaches to through `targetRefs` instead of a workload
 * selector: a Gateway API `Gateway` (e.g. a waypoint, in the EnvoyFilter's namespace) or a
 * `GatewayClass` (from the root namespace).
 */
export class EnvoyFilterTarget {
  /** A Gateway API `Gateway` (`gateway.networking.k8s.io`) in the EnvoyFilter's namespace. */
  public static gateway(name: string): EnvoyFilterTarget {
    return new EnvoyFilterTarget('Gateway', name);
  }

  /** A Gateway API `GatewayClass` (`gateway.networking.k8s.io`); only from the root namespace. */
  public static gatewayClass(name: string): EnvoyFilterTarget {
    return new EnvoyFilterTarget('GatewayClass', name);
  }

  /** API group of the target. */
  public readonly group = 'gateway.networking.k8s.io';

  private constructor(
    /** Kind of the target. */
    public readonly kind: string,
    /** Name of the target. */
    public readonly name: string,
  ) {}
}

/** Properties of an `EnvoyFilter`. */
export interface EnvoyFilterProps extends IstioResourceProps {
  /**
   * The workloads (pods) whose proxies are patched. Exclusive with `targetRefs`.
   *
   * @default - every proxy in the namespace (all proxies of the mesh in the root namespace)
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Gateways or gateway classes whose proxies are patched. Exclusive with `workloadSelector`.
   *
   * @default - selected by workloadSelector (or namespace-wide)
   */
  readonly targetRefs?: EnvoyFilterTarget[];

  /**
   * Order among EnvoyFilters in the same context: lower first; the root namespace's filters
   * come before a namespace's own at the same priority.
   *
   * @default 0
   */
  readonly priority?: number;

  /**
   * The patches. More can be added with `addPatch`.
   *
   * @default - none (at least one is required by synth)
   */
  readonly configPatches?: EnvoyConfigPatch[];
}

/**
 * `networking.istio.io/v1alpha3` EnvoyFilter: patches the Envoy configuration istiod
 * generates for the selected proxies (sidecars, gateways).
 *
 * The patch values are Envoy configuration (protobuf JSON), which this construct cannot
 * check field by field: it checks what istiod's admission webhook checks (an operation,
 * a value for every operation but REMOVE, a match that fits `applyTo`, a sub-filter match
 * only under the HTTP connection manager, v3 type URLs) and refuses a selector together
 * with `targetRefs`. EnvoyFilters do not apply to ztunnel; in ambient mode only
 * waypoints (context WAYPOINT, via targetRefs) and gateways run Envoy.
 *
 * @example
 * new EnvoyFilter(chart, 'lua', {
 *   workloadSelector: WorkloadSelector.fromLabels({ app: 'reviews' }),
 *   configPatches: [{
 *     applyTo: EnvoyPatchApplyTo.HTTP_FILTER,
 *     operation: EnvoyPatchOperation.INSERT_BEFORE,
 *     match: { context: EnvoyPatchContext.SIDECAR_INBOUND, listener: { filter: 'envoy.filters.network.http_connection_manager', subFilter: 'envoy.filters.http.router' } },
 *     value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_string: '...' } } },
 *   }],
 * });
 */
export class EnvoyFilter extends IstioResource {
  public readonly apiObject: l1.EnvoyFilter;

  private readonly workloadSelector?: WorkloadSelector;
  private readonly targetRefs?: { group: string; kind: string; name: string }[];
  private readonly priority?: number;
  private readonly patches: { [key: string]: unknown }[] = [];

  public constructor(scope: Construct, id: string, props: EnvoyFilterProps = {}) {
    super(scope, id);
    checkExclusive(this, { workloadSelector: props.workloadSelector, targetRefs: props.targetRefs }, 'select proxies with workloadSelector or attach to gateways with targetRefs, not both');
    this.workloadSelector = props.workloadSelector;
    if (props.targetRefs !== undefined) {
      checkNonEmpty(this, 'targetRefs', props.targetRefs, 'list at least one Gateway, or leave targetRefs out');
      checkMaxItems(this, 'targetRefs', props.targetRefs.length, 16, 'split the targets over several EnvoyFilters');
      this.targetRefs = props.targetRefs.map((t, i) => {
        if (!(t instanceof EnvoyFilterTarget)) {
          invalid(this, `targetRefs[${i}]`, t, 'a target must be an EnvoyFilterTarget', 'use EnvoyFilterTarget.gateway(name) or EnvoyFilterTarget.gatewayClass(name)');
        }
        checkDns1123Subdomain(this, `targetRefs[${i}].name`, t.name);
        return { group: t.group, kind: t.kind, name: t.name };
      });
    }
    checkInt32(this, 'priority', props.priority, -2147483648);
    this.priority = props.priority;
    for (const p of props.configPatches ?? []) this.addPatch(p);
    this.apiObject = new l1.EnvoyFilter(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => (this.patches.length === 0
        ? [validationMessage('configPatches', [], 'an EnvoyFilter without patches changes nothing', 'add a patch with addPatch(), or remove the EnvoyFilter')]
        : []),
    });
  }

  /** Adds a config patch (applied in order). */
  public addPatch(patch: EnvoyConfigPatch): EnvoyFilter {
    this.patches.push(renderConfigPatch(this, `configPatches[${this.patches.length}]`, patch));
    return this;
  }

  private renderSpec(): l1.EnvoyFilterSpec {
    const spec = {
      workloadSelector: this.workloadSelector ? { labels: this.workloadSelector._render(this, 'workloadSelector') } : undefined,
      targetRefs: this.targetRefs,
      priority: this.priority,
      configPatches: this.patches,
    };
    return spec as unknown as l1.EnvoyFilterSpec;
  }
}
