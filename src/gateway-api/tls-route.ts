import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { addRouteHostname, addRouteParent, checkBackendRefs, GatewayApiHttpBackendRef, parentProblems, renderBackendRefs } from './backend-ref';
import { GatewayApiParentRef } from './parent-ref';
import * as l1 from '../../imports/gateway.networking.k8s.io';
import { checkDns1123Subdomain, isIpAddress } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';

/**
 * Properties of a `GatewayApiTlsRoute`.
 */
export interface GatewayApiTlsRouteProps extends IstioResourceProps {
  /**
   * Gateways (TLS listeners, usually `Passthrough`) the route attaches to (at most 32).
   *
   * @default - none yet (add with `addParent`; one is required)
   */
  readonly parentRefs?: GatewayApiParentRef[];

  /**
   * The SNI host names the route serves (1 to 16), e.g. `db.example.com` or `*.example.com`.
   */
  readonly hostnames: string[];

  /** Where the connections go: one or more Services (at most 16), split by weight. */
  readonly backendRefs: GatewayApiHttpBackendRef[];

  /**
   * Name of the route's single rule (a DNS-1123 subdomain).
   *
   * @default - unnamed
   */
  readonly ruleName?: string;
}

/**
 * `gateway.networking.k8s.io/v1` TLSRoute: TLS connections routed by SNI host name, without
 * terminating them (a `Passthrough` TLS listener), to one or more Services.
 *
 * @example
 * new GatewayApiTlsRoute(chart, 'db', {
 *   parentRefs: [GatewayApiParentRef.fromGateway(gateway, { sectionName: 'tls-passthrough' })],
 *   hostnames: ['db.example.com'],
 *   backendRefs: [{ name: 'postgres', port: 5432 }],
 * });
 */
export class GatewayApiTlsRoute extends IstioResource {
  public readonly apiObject: l1.TlsRoute;

  private readonly _parents: GatewayApiParentRef[] = [];
  private readonly _hostnames: string[] = [];
  private readonly backends: GatewayApiHttpBackendRef[];
  private readonly ruleName?: string;

  public constructor(scope: Construct, id: string, props: GatewayApiTlsRouteProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object') invalid(this, 'props', props, 'a TLSRoute needs its hostnames and backends', "pass e.g. { hostnames: ['db.example.com'], backendRefs: [{ name: 'postgres', port: 5432 }] }");
    if (!Array.isArray(props.hostnames) || props.hostnames.length === 0) {
      invalid(this, 'hostnames', props.hostnames, 'a TLSRoute routes by SNI host name, so it needs at least one', "list e.g. ['db.example.com']");
    }
    if (!Array.isArray(props.backendRefs) || props.backendRefs.length === 0) {
      invalid(this, 'backendRefs', props.backendRefs, 'a TLSRoute needs at least one backend to send the connections to', "pass e.g. [{ name: 'postgres', port: 5432 }]");
    }
    checkBackendRefs(this, 'backendRefs', props.backendRefs);
    if (props.ruleName !== undefined) checkDns1123Subdomain(this, 'ruleName', props.ruleName);
    this.backends = props.backendRefs.map((b) => ({ ...b }));
    this.ruleName = props.ruleName;
    this.apiObject = new l1.TlsRoute(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const p of props.parentRefs ?? []) this.addParent(p);
    for (const h of props.hostnames) this.addHostname(h);
    this.node.addValidation({ validate: () => parentProblems(this, this._parents, this.namespace, { kind: 'TLSRoute', protocols: ['TLS'] }) });
  }

  /** The SNI host names the route serves. */
  public get hostnames(): string[] {
    return [...this._hostnames];
  }

  /** Attaches the route to a Gateway (a TLS listener). */
  public addParent(parent: GatewayApiParentRef): GatewayApiTlsRoute {
    addRouteParent(this, this._parents, parent);
    return this;
  }

  /** Adds an SNI host name the route serves. */
  public addHostname(hostname: string): GatewayApiTlsRoute {
    const field = `hostnames[${this._hostnames.length}]`;
    if (typeof hostname === 'string' && isIpAddress(hostname)) {
      invalid(this, field, hostname, 'SNI carries host names, never IP addresses', 'route by the DNS name the clients connect to');
    }
    addRouteHostname(this, this._hostnames, hostname, 'TLSRoute');
    return this;
  }

  private renderSpec(): l1.TlsRouteSpec {
    const ns = this.namespace;
    return {
      parentRefs: this._parents.length ? this._parents.map((p) => p._render(ns) as l1.TlsRouteSpecParentRefs) : undefined,
      hostnames: [...this._hostnames],
      rules: [{ name: this.ruleName, backendRefs: renderBackendRefs(this.backends)! }],
    };
  }
}
