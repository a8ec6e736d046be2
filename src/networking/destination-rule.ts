import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { TrafficPolicy, renderTrafficPolicy } from './traffic-policy';
import * as l1 from '../../imports/networking.istio.io';
import { checkIstioLabelName, checkExportTo, checkHost, checkLabels, checkRequiredProps } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * A named subset of a service's endpoints (usually one version), selected by pod labels.
 * VirtualService routes refer to it by name.
 */
export interface Subset {
  /** Name of the subset, a DNS-1123 label such as `v1`. */
  readonly name: string;

  /**
   * Labels the endpoints of the subset carry, e.g. `{ version: 'v1' }`.
   *
   * @default - every endpoint of the service
   */
  readonly labels?: { [key: string]: string };

  /**
   * Traffic policy of this subset; it replaces the destination-level policy for the
   * subset's traffic.
   *
   * @default - the destination-level policy
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/**
 * Properties of a `DestinationRule`.
 */
export interface DestinationRuleProps extends IstioResourceProps {
  /**
   * The service the rule applies to: a short name (`reviews`, resolved in the rule's
   * namespace), a FQDN (`reviews.prod.svc.cluster.local`) or a ServiceEntry host.
   * Prefer FQDNs when the rule and the service live in different namespaces.
   */
  readonly host: string;

  /**
   * Traffic policy for all traffic to the host.
   *
   * @default - Istio's defaults
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Named subsets (versions) of the host. More can be added with `addSubset`.
   *
   * @default - no subsets
   */
  readonly subsets?: Subset[];

  /**
   * Namespaces the rule is visible to: `.` (own namespace), `*` (all) or namespace names.
   *
   * @default - all namespaces (or the mesh's defaultDestinationRuleExportTo)
   */
  readonly exportTo?: string[];

  /**
   * Apply the rule only to the sidecars of these workloads (in the rule's namespace).
   * Such a rule can only be exported to its own namespace (`.`).
   *
   * @default - all workloads that see the rule
   */
  readonly workloadSelector?: WorkloadSelector;
}

/**
 * `networking.istio.io/v1` DestinationRule: the policies applied to traffic for a service
 * after routing — subsets (versions), load balancing, connection pool (circuit breaking),
 * outlier detection and client TLS.
 *
 * @example
 * const dr = new DestinationRule(chart, 'reviews', {
 *   host: 'reviews',
 *   trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST) },
 * });
 * dr.addSubset('v1', { version: 'v1' }).addSubset('v2', { version: 'v2' });
 */
export class DestinationRule extends IstioResource {
  public readonly apiObject: l1.DestinationRule;

  /** The service host the rule applies to. */
  public readonly host: string;

  private readonly trafficPolicy?: { [key: string]: unknown };
  private readonly subsets = new Map<string, { [key: string]: unknown }>();
  private readonly exportTo?: string[];
  private readonly workloadSelector?: WorkloadSelector;

  public constructor(scope: Construct, id: string, props: DestinationRuleProps) {
    super(scope, id);
    checkRequiredProps(this, 'a DestinationRule', props, { host: '"reviews"' });
    if (props.host.includes('/')) {
      invalid(this, 'host', props.host, 'a DestinationRule host cannot carry a namespace prefix or a path', 'use the FQDN, e.g. "reviews.prod.svc.cluster.local"');
    }
    checkHost(this, 'host', props.host);
    this.host = props.host;
    this.trafficPolicy = props.trafficPolicy ? renderTrafficPolicy(this, 'trafficPolicy', props.trafficPolicy) : undefined;
    checkExportTo(this, 'exportTo', props.exportTo);
    if (props.workloadSelector && props.exportTo && props.exportTo.some((e) => e !== '.')) {
      invalid(this, 'exportTo', props.exportTo, 'a DestinationRule with a workloadSelector cannot be exported beyond its own namespace', 'use exportTo: ["."] or omit exportTo');
    }
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;
    this.workloadSelector = props.workloadSelector;
    for (const s of props.subsets ?? []) {
      this.addSubset(s.name, s.labels, s.trafficPolicy);
    }
    this.apiObject = new l1.DestinationRule(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /**
   * Adds a named subset of the host's endpoints.
   *
   * @param name the subset name (DNS-1123 label), unique in this rule
   * @param labels the labels the subset's endpoints carry, e.g. `{ version: 'v2' }`
   * @param trafficPolicy a traffic policy for this subset only
   */
  public addSubset(name: string, labels?: { [key: string]: string }, trafficPolicy?: TrafficPolicy): DestinationRule {
    const field = `subsets[${name}]`;
    checkIstioLabelName(this, 'subset name', name);
    if (this.subsets.has(name)) {
      invalid(this, 'subset name', name, 'the rule already has a subset with this name', 'give each subset a unique name, e.g. "v1", "v2"');
    }
    checkLabels(this, `${field}.labels`, labels);
    this.subsets.set(name, {
      name,
      labels: labels ? { ...labels } : undefined,
      trafficPolicy: trafficPolicy ? renderTrafficPolicy(this, `${field}.trafficPolicy`, trafficPolicy) : undefined,
    });
    return this;
  }

  /** Names of the subsets defined so far, in order. */
  public get subsetNames(): string[] {
    return [...this.subsets.keys()];
  }

  /**
   * Whether the rule defines a subset with this name (e.g. to check a route's subset).
   */
  public hasSubset(name: string): boolean {
    return this.subsets.has(name);
  }

  private renderSpec(): l1.DestinationRuleSpec {
    const subsets = [...this.subsets.values()];
    const spec = {
      host: this.host,
      trafficPolicy: this.trafficPolicy,
      subsets: subsets.length > 0 ? subsets : undefined,
      exportTo: this.exportTo,
      workloadSelector: this.workloadSelector ? { matchLabels: this.workloadSelector._render(this, 'workloadSelector') } : undefined,
    };
    return spec as unknown as l1.DestinationRuleSpec;
  }

}
