import { Construct } from 'constructs';
import { ArgoRollout } from './delivery/argo-rollout';
import { FlaggerCanary } from './delivery/flagger-canary';
import { ProgressiveDelivery } from './delivery/progressive-delivery';
import { RequestMatch } from './fault-injection';
import { liveRoute } from './live-route';
import { MeshService } from './mesh-service';
import { MeshServiceObjectOptions, meshServiceObjectOptionsOf } from './mesh-service-options';
import { DeploymentNaming } from './mesh-service-props';
import { MeshServiceVersion } from './mesh-service-version';
import { ResilienceOptions, checkResilienceOptions, destinationTrafficPolicy, resilienceRoutes } from './resilience';
import { ADD_WAYPOINT_FIX, checkHttpRouteResilience } from './resilience-ambient';
import { WorkloadOptions, workloadOptionsOf } from './workload-options';
import { namespaceDataplaneOf } from '../ambient/ambient-namespace';
import { toGatewayApiMatch } from '../ambient/route-translation';
import { checkNonEmpty, checkPercentage } from '../core/checks';
import { invalid, validationMessage } from '../core/errors';
import { MeshAnalysis } from '../core/mesh-analysis';
import { isHttpFamily, Protocol } from '../core/protocol';
import { GatewayApiHttpRoute, GatewayApiHttpRouteRule } from '../gateway-api/http-route';
import { GatewayApiHttpRouteFilter } from '../gateway-api/http-route-filter';
import { GatewayApiParentRef } from '../gateway-api/parent-ref';
import { DestinationRule } from '../networking/destination-rule';
import { HttpMirror, HttpRouteDestination, RouteDestination } from '../networking/route-destination';
import { HttpMatch } from '../networking/route-http-match';
import { VirtualService } from '../networking/virtual-service';

/**
 * Where a `CanaryService` is in its rollout.
 */
export enum CanaryPhase {
  /** Traffic is split by weight between stable and canary (plus overrides and mirroring). */
  SPLIT = 'SPLIT',
  /** `promote()` was called: every request goes to the canary. */
  PROMOTED = 'PROMOTED',
  /** `rollback()` was called: every request goes to the stable version. */
  ROLLED_BACK = 'ROLLED_BACK',
}

/**
 * Properties of a `CanaryService`.
 */
export interface CanaryServiceProps extends ResilienceOptions, WorkloadOptions, MeshServiceObjectOptions {
  /**
   * The service name: Service name, `app` label, and the name of the DestinationRule and
   * VirtualService.
   *
   * @default - the construct id
   */
  readonly serviceName?: string;

  /**
   * The namespace of every object.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /** The port the Service listens on, e.g. 9080. */
  readonly port: number;


  /**
   * The application protocol of the port. HTTP, HTTP2 and GRPC canaries split requests and
   * can use overrides, mirroring, retries, timeouts and faults; any other protocol (TCP, TLS,
   * databases) gets a weighted `tcp` route that splits connections, and those request-level
   * options are refused.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;


  /** The version serving production traffic today, e.g. `{ version: 'v1', image: 'reviews:1.0' }`. */
  readonly stable: MeshServiceVersion;

  /** The new version being rolled out; its `version` label must differ from the stable one. */
  readonly canary: MeshServiceVersion;

  /**
   * Percentage of requests (integer, 0-100) sent to the canary; the stable version gets
   * the rest. Change it later with `updateCanaryWeight()`.
   *
   * @default 0 - the canary is deployed but gets no traffic except overrides and mirroring
   */
  readonly canaryWeight?: number;

  /**
   * A/B override: requests matching any of these conditions always go to the canary,
   * whatever the weight (e.g. `RequestMatch.user('jason')` for a test user,
   * `RequestMatch.cookie('beta', 'yes')` for opted-in users).
   *
   * @default - no override
   */
  readonly canaryFor?: RequestMatch[];

  /**
   * Dark launch: additionally copy this percentage (0-100, fractions allowed) of the
   * requests of the weighted route to the canary; its responses are discarded. Usually
   * combined with `canaryWeight: 0`: with a weight, the canary's share of live requests
   * is mirrored to it as well. Mirroring stops on `promote()` and `rollback()`.
   *
   * @default - no mirroring
   */
  readonly mirrorPercentage?: number;

  /**
   * Hands the rollout to a controller (`ProgressiveDelivery.flagger()` or `.argoRollouts()`)
   * that shifts the weight step by step and rolls back on failing metric gates. The service
   * then deploys the `canary` version only, as the controller's target.
   *
   * @default - no controller: the weight is `canaryWeight`, fixed at synth
   */
  readonly delivery?: ProgressiveDelivery;
}

/**
 * A canary release of one service: stable and canary versions (Deployments of a
 * `MeshService`, available as `service`), a DestinationRule with one subset per version
 * (plus the traffic policy: client mTLS by default, optional circuit breaker and load
 * balancing), and a VirtualService that splits the traffic by weight, with optional A/B
 * overrides (`canaryFor`), mirroring (dark launch), retries, timeout and fault injection.
 *
 * Route/subset/label consistency holds by construction (subset = version label = the
 * `version` label of the version's pods) and is checked again at synthesis, so escape
 * hatch changes cannot leave a route pointing at a subset without pods.
 *
 * Promotion is one line: `updateCanaryWeight(50)`, then `promote()` (every request to the
 * canary) - or `rollback()`.
 *
 * In an ambient namespace the waypoint serving the service routes: instead of the
 * VirtualService, one Service per version (`<name>-<version>`) and a Gateway API HTTPRoute
 * attached to the Service (`httpRoute`) with the weights, the overrides (as HTTPRoute
 * matches), the mirror (a RequestMirror filter) and the timeout; the traffic policy goes on a
 * DestinationRule per version Service. Retries and fault injection have no standard-channel
 * HTTPRoute equivalent and are refused there; synthesis fails if no waypoint serves the service.
 *
 * @example
 * const reviews = new CanaryService(chart, 'reviews', {
 *   port: 9080,
 *   stable: { version: 'v1', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' },
 *   canary: { version: 'v2', image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3' },
 *   canaryWeight: 5,
 *   canaryFor: [RequestMatch.user('jason')],
 *   retries: RetryPolicy.standard(),
 *   timeout: Duration.seconds(10),
 * });
 * reviews.service.allowFrom(productpage, { methods: ['GET'] });
 * reviews.updateCanaryWeight(50); // later: reviews.promote();
 */
export class CanaryService extends Construct {
  /** The mesh service: ServiceAccount, Service and one Deployment per version. */
  public readonly service: MeshService;

  /**
   * The DestinationRule: one subset per version, and the traffic policy (with Argo Rollouts:
   * the `stable` and `canary` subsets; none with Flagger, which generates its own).
   */
  public readonly destinationRule?: DestinationRule;

  /** The controller running the rollout, if any. */
  public readonly delivery?: ProgressiveDelivery;

  /** The Flagger canary, with `ProgressiveDelivery.flagger()`. */
  public readonly flaggerCanary?: FlaggerCanary;

  /** The Argo rollout, with `ProgressiveDelivery.argoRollouts()`. */
  public readonly argoRollout?: ArgoRollout;

  /** The VirtualService routing between the versions (sidecar mode). */
  public readonly virtualService?: VirtualService;

  /**
   * The HTTPRoute routing between the versions in ambient mode: its parent is the Service
   * (applied by the waypoint serving it), its backends the per-version Services.
   */
  public readonly httpRoute?: GatewayApiHttpRoute;

  /**
   * Ambient mode: one DestinationRule per version Service (`<name>-<version>`, the route's
   * backends) with the traffic policy, as the waypoint connects to those hosts.
   */
  public readonly versionDestinationRules: DestinationRule[] = [];

  /** The version label of the stable version (also its subset name). */
  public readonly stableVersion: string;

  /** The version label of the canary version (also its subset name). */
  public readonly canaryVersion: string;

  private weight: number;
  private currentPhase = CanaryPhase.SPLIT;
  private readonly mirrorShare?: number;

  public constructor(scope: Construct, id: string, props: CanaryServiceProps) {
    super(scope, id);
    MeshAnalysis.enableFor(this); // the chart is analyzed at synth even if it has no Istio resource
    for (const [name, v] of [['stable', props.stable], ['canary', props.canary]] as const) {
      if (v === undefined || v === null || typeof v !== 'object') {
        invalid(this, name, v, `a canary release needs a ${name} version`, `give ${name}: { version: '${name === 'stable' ? 'v1' : 'v2'}', image: 'my-image:${name === 'stable' ? '1.0' : '1.1'}' }`);
      }
    }
    if (props.canary.version === props.stable.version) {
      invalid(this, 'canary.version', props.canary.version, 'the canary has the same version label as the stable version, so their pods and subsets could not be told apart', `give the canary its own version label, e.g. '${nextVersion(props.stable.version)}'`);
    }
    if (props.delivery !== undefined && props.canaryWeight !== undefined) {
      invalid(this, 'canaryWeight', props.canaryWeight, `${props.delivery.controller} sets the weight step by step, so a fixed weight would fight it`, 'leave canaryWeight out, and give the controller its steps');
    }
    this.weight = this.checkCanaryWeight('canaryWeight', props.canaryWeight ?? 0);
    if (props.mirrorPercentage !== undefined) {
      checkPercentage(this, 'mirrorPercentage', props.mirrorPercentage);
    }
    this.mirrorShare = props.mirrorPercentage;
    const protocol = props.protocol ?? Protocol.HTTP;
    const http = isHttpFamily(protocol);
    if (!http) {
      // A TCP canary splits connections by weight; everything that acts on requests is HTTP-only.
      if (props.canaryFor !== undefined) {
        invalid(this, 'canaryFor', props.canaryFor.length, `overrides match HTTP requests (headers, cookies), and the service's protocol is ${protocol}`, 'leave canaryFor out: a TCP canary splits connections by canaryWeight only');
      }
      if (props.mirrorPercentage !== undefined) {
        invalid(this, 'mirrorPercentage', props.mirrorPercentage, `Istio mirrors HTTP requests only, and the service's protocol is ${protocol}`, 'leave mirrorPercentage out for a TCP canary');
      }
    }
    checkNonEmpty(this, 'canaryFor', props.canaryFor, 'list at least one condition, e.g. [RequestMatch.user(\'jason\')], or leave canaryFor out');
    checkResilienceOptions(this, props, protocol);
    const overrides = (props.canaryFor ?? []).map((m, i) => m._render(this, `canaryFor[${i}]`));

    this.stableVersion = props.stable.version;
    this.canaryVersion = props.canary.version;
    const serviceName = props.serviceName ?? id;
    this.service = new MeshService(this, 'MeshService', {
      serviceName,
      namespace: props.namespace,
      port: props.port,
      protocol,
      ...meshServiceObjectOptionsOf(props),
      ...workloadOptionsOf(props),
      ...(props.delivery === undefined
        ? { versions: [props.stable, props.canary] }
        : { versions: [props.canary], deploymentNaming: DeploymentNaming.PLAIN }),
    });
    if (props.delivery !== undefined) {
      this.delivery = props.delivery;
      const bound = props.delivery._bind(this, this.service, props);
      ({ flaggerCanary: this.flaggerCanary, argoRollout: this.argoRollout } = bound);
      ({ destinationRule: this.destinationRule, virtualService: this.virtualService } = bound);
      return;
    }

    const host = this.service.host;
    const metadata = { name: serviceName, namespace: props.namespace };
    this.destinationRule = new DestinationRule(this, 'DestinationRule', {
      metadata,
      host,
      trafficPolicy: destinationTrafficPolicy(props),
      subsets: [this.stableVersion, this.canaryVersion].map((v) => ({ name: v, labels: { version: v } })),
    });

    // The split follows the phase at synth (updateCanaryWeight, promote and rollback may come later).
    const split = (): RouteDestination[] => {
      switch (this.currentPhase) {
        case CanaryPhase.PROMOTED: return [{ host, subset: this.canaryVersion }];
        case CanaryPhase.ROLLED_BACK: return [{ host, subset: this.stableVersion }];
        default: return [{ host, subset: this.stableVersion, weight: 100 - this.weight }, { host, subset: this.canaryVersion, weight: this.weight }];
      }
    };
    const dataplane = namespaceDataplaneOf(this, this.service.namespace);
    if (dataplane?.ambient === true) {
      this.httpRoute = this.ambientRoute(serviceName, props, protocol, overrides);
      this.node.addValidation({ validate: () => this.checkAmbient(dataplane.namespaceName) });
      return;
    }
    this.virtualService = http ? this.httpRoutes(metadata, host, props, overrides) : new VirtualService(this, 'VirtualService', {
      metadata,
      hosts: [host],
      tcp: [liveRoute({}, split)],
    });

    this.node.addValidation({ validate: () => this.checkConsistency() });
  }

  /**
   * Ambient mode: a waypoint routes, with a Gateway API HTTPRoute whose parent is the Service
   * (GAMMA) and whose backends are one Service per version (HTTPRoute names Services, not
   * DestinationRule subsets), as Istio's ambient Bookinfo does.
   */
  private ambientRoute(serviceName: string, props: CanaryServiceProps, protocol: Protocol, overrides: HttpMatch[]): GatewayApiHttpRoute {
    const fix = 'leave it out in ambient mode, or run the service with sidecars (DataplaneMode.SIDECAR), where a VirtualService routes';
    if (!isHttpFamily(protocol)) {
      invalid(this, 'protocol', protocol, 'in ambient mode a waypoint splits traffic with a Gateway API route, and the TCPRoute a TCP canary needs is not in the standard channel (v1.5.1)', 'use an HTTP, HTTP2 or GRPC port, or run the service with sidecars');
    }
    checkHttpRouteResilience(this, props, fix);
    if (props.mirrorPercentage !== undefined && !Number.isInteger(props.mirrorPercentage)) {
      invalid(this, 'mirrorPercentage', props.mirrorPercentage, 'an HTTPRoute mirrors a whole percentage of requests', `round it, e.g. ${Math.max(1, Math.round(props.mirrorPercentage))}`);
    }
    const matches = overrides.map((m, i) => toGatewayApiMatch(this, `canaryFor[${i}]`, m));
    for (const v of [this.stableVersion, this.canaryVersion]) this.service.addVersionService(v);
    const trafficPolicy = destinationTrafficPolicy(props);
    if (trafficPolicy !== undefined) {
      for (const v of [this.stableVersion, this.canaryVersion]) {
        const name = `${serviceName}-${v}`;
        this.versionDestinationRules.push(new DestinationRule(this, `DestinationRule-${v}`, {
          metadata: { name, namespace: props.namespace },
          host: this.service.namespace ? `${name}.${this.service.namespace}.svc.cluster.local` : name,
          trafficPolicy,
        }));
      }
    }
    const port = props.port;
    const backend = (version: string, weight?: number) => ({ name: `${serviceName}-${version}`, port, weight });
    const route = new GatewayApiHttpRoute(this, 'HTTPRoute', {
      metadata: { name: serviceName, namespace: props.namespace },
      parentRefs: [GatewayApiParentRef.fromServiceName(serviceName)],
    });
    route._produceRules(() => {
      const rules: GatewayApiHttpRouteRule[] = [];
      const overrideTo = this.currentPhase === CanaryPhase.ROLLED_BACK ? this.stableVersion : this.canaryVersion;
      if (matches.length > 0) rules.push({ matches, backendRefs: [backend(overrideTo)], timeout: props.timeout });
      const split = this.currentPhase === CanaryPhase.PROMOTED ? [backend(this.canaryVersion)]
        : this.currentPhase === CanaryPhase.ROLLED_BACK ? [backend(this.stableVersion)]
          : [backend(this.stableVersion, 100 - this.weight), backend(this.canaryVersion, this.weight)];
      const mirror = this.mirroring
        ? [GatewayApiHttpRouteFilter.requestMirror({ serviceName: `${serviceName}-${this.canaryVersion}`, port, percent: this.mirrorShare })]
        : undefined;
      rules.push({ backendRefs: split, filters: mirror, timeout: props.timeout });
      return rules;
    });
    return route;
  }

  /**
   * Ambient mode: a waypoint must serve the service (without one nothing applies the route and
   * ztunnel balances over every version), and every version that receives traffic has pods.
   */
  private checkAmbient(namespace: string): string[] {
    const errors: string[] = [];
    if (this.service._servingWaypoint() === undefined) {
      errors.push(validationMessage('httpRoute', this.httpRoute!.name, `in the ambient namespace "${namespace}" no waypoint serves the service "${this.service.serviceName}", and only a waypoint applies an HTTPRoute: ztunnel would spread connections over every version, ignoring weights, overrides and mirroring`, ADD_WAYPOINT_FIX));
    }
    const prefix = `${this.service.serviceName}-`;
    this.httpRoute!.rules.forEach((rule, i) => (rule.backendRefs ?? []).forEach((b, j) => {
      const version = this.service.versions.find((v) => `${prefix}${v}` === b.name);
      if (version === undefined) return;
      const replicas = this.service.deployment(version).replicas ?? 1;
      if ((b.weight === undefined || b.weight > 0) && replicas < 1) {
        errors.push(validationMessage(`versions[${version}].replicas`, replicas, `the Service "${b.name}" receives traffic (httpRoute rules[${i}].backendRefs[${j}]) but its Deployment has no pods, so those requests would fail with 503`, 'give the version at least one replica, or set its weight to 0 / roll back first'));
      }
    }));
    return errors;
  }

  /** The VirtualService of an HTTP-family canary: overrides, mirroring, resilience, weighted default. */
  private httpRoutes(
    metadata: { name: string; namespace?: string }, host: string, props: CanaryServiceProps, overrides: HttpMatch[],
  ): VirtualService {
    const to = (subset: string, weight?: number): HttpRouteDestination => ({ host, subset, weight });
    return new VirtualService(this, 'VirtualService', {
      metadata,
      hosts: [host],
      http: resilienceRoutes(this, {
        options: props,
        overrides,
        defaultRoute: () => {
          switch (this.currentPhase) {
            case CanaryPhase.PROMOTED: return [to(this.canaryVersion)];
            case CanaryPhase.ROLLED_BACK: return [to(this.stableVersion)];
            default: return [to(this.stableVersion, 100 - this.weight), to(this.canaryVersion, this.weight)];
          }
        },
        overrideRoute: () => [to(this.currentPhase === CanaryPhase.ROLLED_BACK ? this.stableVersion : this.canaryVersion)],
        mirror: (): HttpMirror | undefined => this.mirroring ? { host, subset: this.canaryVersion } : undefined,
        mirrorPercentage: () => this.mirroring ? this.mirrorShare : undefined,
      }),
    });
  }

  /** The service's in-mesh host name, routed by the VirtualService. */
  public get host(): string {
    return this.service.host;
  }

  /** Where the rollout is: split by weight, promoted or rolled back. */
  public get phase(): CanaryPhase {
    return this.currentPhase;
  }

  /** Percentage of requests (outside overrides) the canary receives now. */
  public get canaryWeight(): number {
    switch (this.currentPhase) {
      case CanaryPhase.PROMOTED: return 100;
      case CanaryPhase.ROLLED_BACK: return 0;
      default: return this.weight;
    }
  }

  /** Percentage of requests (outside overrides) the stable version receives now. */
  public get stableWeight(): number {
    return 100 - this.canaryWeight;
  }

  /**
   * Sends `weight` percent of the requests to the canary and the rest to the stable
   * version (an integer, 0-100). Also resumes the split after `promote()` or `rollback()`.
   * (Not `setCanaryWeight`: jsii reserves `set...` names for Java property setters.)
   */
  public updateCanaryWeight(weight: number): CanaryService {
    this.checkNoController('updateCanaryWeight');
    this.weight = this.checkCanaryWeight('updateCanaryWeight weight', weight);
    this.currentPhase = CanaryPhase.SPLIT;
    return this;
  }

  /**
   * Promotes the canary: it becomes the only destination of every request, overrides
   * included, and mirroring stops. The stable Deployment and subset stay (for a quick
   * rollback) until you remove them from your code.
   */
  public promote(): CanaryService {
    this.checkNoController('promote');
    this.currentPhase = CanaryPhase.PROMOTED;
    return this;
  }

  /**
   * Rolls the canary back: every request, overrides included, goes to the stable
   * version, and mirroring stops. The canary Deployment keeps running.
   */
  public rollback(): CanaryService {
    this.checkNoController('rollback');
    this.currentPhase = CanaryPhase.ROLLED_BACK;
    return this;
  }

  private checkNoController(method: string): void {
    if (this.delivery !== undefined) {
      invalid(this, method, this.delivery.controller, `${this.delivery.controller} promotes and rolls back the canary from its metric gates`, 'let the controller decide (its CLI or UI promotes or aborts by hand)');
    }
  }

  private get mirroring(): boolean {
    return this.currentPhase === CanaryPhase.SPLIT && this.mirrorShare !== undefined;
  }

  private checkCanaryWeight(field: string, weight: number): number {
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      invalid(this, field, weight, 'the canary weight is the percentage of requests sent to the canary: an integer from 0 to 100', 'give e.g. 5 to send 5% to the canary and 95% to the stable version; call promote() to send everything');
    }
    return weight;
  }

  /**
   * Every subset a route or mirror of the VirtualService names for this host must exist
   * in the DestinationRule and select pods: a version of the service whose Deployment's
   * pods carry that `version` label, with at least one replica when it gets traffic.
   */
  private checkConsistency(): string[] {
    const errors: string[] = [];
    const host = this.host;
    const check = (field: string, subset: string | undefined, receives: boolean) => {
      if (subset === undefined) return;
      if (!this.destinationRule!.hasSubset(subset)) {
        errors.push(validationMessage(`virtualService ${field}.subset`, subset, `the DestinationRule has no such subset (it has ${this.destinationRule!.subsetNames.join(', ')}), so Istio would answer 503`, 'route to the stable or canary version, or add the subset with destinationRule.addSubset() and a matching version with service.addVersion()'));
        return;
      }
      if (!this.service.versions.includes(subset)) {
        errors.push(validationMessage(`virtualService ${field}.subset`, subset, `no Deployment of the service carries version=${subset} (versions: ${this.service.versions.join(', ')}), so the subset selects no pods`, `add the version with service.addVersion({ version: '${subset}', image: ... })`));
        return;
      }
      const deployment = this.service.deployment(subset);
      const label = deployment.podMetadata.getLabel('version');
      if (label !== subset) {
        errors.push(validationMessage(`deployment ${deployment.name} pod label version`, label, `the subset "${subset}" selects version=${subset}, so these pods are not part of it`, `keep the pod label version=${subset}`));
      } else if (receives && (deployment.replicas ?? 1) < 1) {
        errors.push(validationMessage(`versions[${subset}].replicas`, deployment.replicas, `the subset "${subset}" receives traffic (${field}) but its Deployment has no pods, so those requests would fail with 503`, 'give the version at least one replica, or set its weight to 0 / roll back first'));
      }
    };
    this.virtualService!.httpRoutes.forEach((rule, i) => {
      (rule.route ?? []).forEach((d, j) => {
        if (d.host === host) check(`http[${i}].route[${j}]`, d.subset, d.weight === undefined || d.weight > 0);
      });
      if (rule.mirror && rule.mirror.host === host) check(`http[${i}].mirror`, rule.mirror.subset, true);
    });
    return errors;
  }
}

/** A suggestion for a distinct version label: `v1` becomes `v2`, anything else gets `-canary`. */
function nextVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}-canary`;
}
