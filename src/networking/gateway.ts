import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayReference, IGateway } from './gateway-ref';
import { Server } from './gateway-server';
import * as l1 from '../../imports/networking.istio.io';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { Protocol } from '../core/protocol';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Properties of an Istio `Gateway`.
 */
export interface GatewayProps extends IstioResourceProps {
  /**
   * The gateway pods that serve this configuration, by their labels. With the Helm
   * `istio/gateway` chart the label is usually `istio: ingress`
   * (`WorkloadSelector.fromLabels({ istio: 'ingress' })`).
   *
   * @default - the default ingress gateway: `{ istio: 'ingressgateway' }`
   */
  readonly selector?: WorkloadSelector;

  /**
   * The servers (listeners) of the gateway. More can be added with `addServer()`.
   *
   * @default - none; add at least one with `addServer()` before synthesis
   */
  readonly servers?: Server[];
}

// HTTPS and TLS servers may share a port (both are TLS listeners, split by SNI).
function protocolFamily(protocol: Protocol): string {
  return protocol === Protocol.HTTPS || protocol === Protocol.TLS ? 'TLS' : protocol;
}

/**
 * `networking.istio.io/v1` Gateway: the ports, hosts and TLS settings an ingress or egress
 * gateway exposes. Bind routes to it from a VirtualService with `gateway.gatewayRef`.
 *
 * @example
 * const gw = new Gateway(chart, 'bookinfo-gateway', {
 *   servers: [
 *     Server.http({ hosts: ['bookinfo.example.com'], httpsRedirect: true }),
 *     Server.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-cert' }),
 *   ],
 * });
 */
export class Gateway extends IstioResource implements IGateway {
  /**
   * Every sidecar of the mesh: routes bound to it apply to traffic between workloads (the
   * reserved gateway name `mesh`). A VirtualService without gateways applies to the mesh only;
   * list `Gateway.MESH` next to a gateway to apply the routes to both.
   */
  public static readonly MESH: IGateway = new GatewayReference('mesh');

  /**
   * A gateway defined outside this app, by name.
   *
   * @param name the gateway's `metadata.name`
   * @param namespace the gateway's namespace; leave it out for a gateway in the namespace
   *   of the referring VirtualService
   */
  public static fromGatewayName(name: string, namespace?: string): IGateway {
    return new GatewayReference(name, namespace);
  }

  public readonly apiObject: l1.Gateway;

  private readonly selector: WorkloadSelector;
  private readonly _servers: Server[] = [];

  public constructor(scope: Construct, id: string, props: GatewayProps = {}) {
    super(scope, id);
    this.selector = props.selector ?? WorkloadSelector.fromLabels({ istio: 'ingressgateway' });
    this.apiObject = new l1.Gateway(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    // istiod refuses Gateway names with dots: a VirtualService names its gateways
    // `<namespace>/<name>` and older `<name>.<namespace>` forms, so a dot would be ambiguous
    if (props.metadata?.name !== undefined && props.metadata.name.includes('.')) {
      invalid(this, 'metadata.name', props.metadata.name, 'istiod refuses Gateway names with dots (a gateway reference would be ambiguous)', `name it "${props.metadata.name.replace(/\./g, '-')}"`);
    }
    for (const server of props.servers ?? []) this.addServer(server);
    this.node.addValidation({
      validate: () => (this._servers.length === 0
        ? ['servers [] is invalid: a Gateway without servers exposes nothing. Fix: add one, e.g. gateway.addServer(Server.http({ hosts: [\'*\'] }))']
        : []),
    });
  }

  /** The gateway's name (`IGateway`). */
  public get gatewayName(): string {
    return this.name;
  }

  /** The gateway's namespace, if it has one (`IGateway`). */
  public get gatewayNamespace(): string | undefined {
    return this.namespace;
  }

  /** The servers of the gateway, in order. */
  public get servers(): Server[] {
    return [...this._servers];
  }

  /**
   * The reference a VirtualService's `gateways` list uses for this gateway:
   * `<namespace>/<name>` when the namespace is known, else `<name>` (same namespace).
   */
  public get gatewayRef(): string {
    return this.namespace ? `${this.namespace}/${this.name}` : this.name;
  }

  /**
   * The reference to this gateway as written in a resource of `namespace`: the bare name
   * when both are in the same namespace (or either namespace is unknown), else `<namespace>/<name>`.
   *
   * @param namespace the namespace of the referring VirtualService
   */
  public refFrom(namespace?: string): string {
    if (!this.namespace || !namespace || namespace === this.namespace) return this.name;
    return `${this.namespace}/${this.name}`;
  }

  /**
   * Adds a server (listener). Checks it at once, together with the servers already present.
   */
  public addServer(server: Server): Gateway {
    const field = `servers[${this._servers.length}]`;
    server._validate(this, field);
    for (const other of this._servers) {
      if (server.name !== undefined && other.name === server.name) {
        invalid(this, `${field}.name`, server.name, 'another server of this Gateway has the same name', 'give each server a unique `name`, or omit it');
      }
      if (other.portName === server.portName) {
        invalid(this, `${field}.port.name`, server.portName, `server port names must be unique within a Gateway (port ${other.port} already uses it)`, `pass a distinct \`portName\`, e.g. "${server.portName}-${this._servers.length}"`);
      }
      const samePort = other.port === server.port && (other.bind ?? '') === (server.bind ?? '');
      if (samePort && protocolFamily(other.protocol) !== protocolFamily(server.protocol)) {
        invalid(this, `${field}.port.protocol`, server.protocol, `port ${server.port} is already served as ${other.protocol}; one port carries one protocol`, `use another port number for ${server.protocol}, or the same protocol on port ${server.port}`);
      }
      if (samePort && protocolFamily(server.protocol) === 'TLS') {
        const clash = server.hosts.find((h) => other.hosts.includes(h));
        if (clash !== undefined) {
          invalid(this, `${field}.hosts`, clash, `another TLS server on port ${server.port} already serves this host, and TLS servers on one port are told apart by SNI host only`, 'serve each host from one server per port (list several hosts in one server), or use another port');
        }
      }
    }
    this._servers.push(server);
    return this;
  }

  private renderSpec(): l1.GatewaySpec {
    return {
      selector: this.selector._render(this, 'selector'),
      servers: this._servers.map((s) => s._render()),
    };
  }
}
