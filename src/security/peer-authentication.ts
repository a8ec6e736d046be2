import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/security.istio.io';
import { checkPort } from '../core/checks';
import { invalid } from '../core/errors';
import { renderMetadata } from '../core/metadata';
import { IstioResource, IstioResourceProps } from '../core/resource';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Mutual TLS mode accepted by a workload's sidecar or ztunnel.
 */
export enum MtlsMode {
  /** Inherit from the parent (namespace or mesh-wide) policy. */
  UNSET = 'UNSET',
  /** Plain text only: mTLS is not accepted. */
  DISABLE = 'DISABLE',
  /** Both mTLS and plain text are accepted (migration mode). */
  PERMISSIVE = 'PERMISSIVE',
  /** Only mTLS is accepted. */
  STRICT = 'STRICT',
}

/**
 * The mTLS mode of one workload port.
 */
export interface PortMtls {
  /** The workload (container) port, 1-65535. */
  readonly port: number;
  /** The mTLS mode on that port. */
  readonly mode: MtlsMode;
}

/**
 * Properties of a `PeerAuthentication`.
 */
export interface PeerAuthenticationProps extends IstioResourceProps {
  /**
   * The workloads this policy applies to.
   *
   * @default - every workload in the namespace (or the whole mesh in the root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * The mTLS mode for all ports of the selected workloads.
   *
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * Per-port overrides of `mode`. Requires `selector`.
   *
   * @default - no per-port overrides
   */
  readonly portLevelMtls?: PortMtls[];
}

/**
 * `security.istio.io/v1` PeerAuthentication: which mTLS mode workloads accept.
 *
 * Secure by default: without a `mode` the policy is `STRICT`.
 *
 * @example
 * new PeerAuthentication(chart, 'strict', { metadata: { name: 'default' } });
 */
export class PeerAuthentication extends IstioResource {
  public readonly apiObject: l1.PeerAuthentication;

  /** The mTLS mode of the selected workloads. */
  public readonly mode: MtlsMode;

  private readonly selector?: WorkloadSelector;
  private readonly portLevel = new Map<number, MtlsMode>();

  public constructor(scope: Construct, id: string, props: PeerAuthenticationProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? MtlsMode.STRICT;
    this.selector = props.selector;
    for (const p of props.portLevelMtls ?? []) {
      this.addPortMtls(p.port, p.mode);
    }
    this.apiObject = new l1.PeerAuthentication(this, 'Resource', {
      metadata: renderMetadata(this, props.metadata),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => (this.portLevel.size > 0 && !this.selector
        ? [`portLevelMtls ${JSON.stringify([...this.portLevel.keys()])} is invalid: Istio applies port-level mTLS only to selected workloads. Fix: add a \`selector\` (e.g. WorkloadSelector.fromLabels({ app: 'reviews' })) or remove the port-level settings`]
        : []),
    });
  }

  /**
   * Sets the mTLS mode of one workload port, overriding `mode` there.
   */
  public addPortMtls(port: number, mode: MtlsMode): PeerAuthentication {
    checkPort(this, 'portLevelMtls port', port);
    if (this.portLevel.has(port)) {
      invalid(this, 'portLevelMtls port', port, 'the port already has a mode', 'set each port once');
    }
    this.portLevel.set(port, mode);
    return this;
  }

  private renderSpec(): l1.PeerAuthenticationSpec {
    const portLevelMtls = this.portLevel.size === 0 ? undefined : Object.fromEntries(
      [...this.portLevel.entries()].sort(([a], [b]) => a - b)
        .map(([port, mode]) => [String(port), { mode: mode as string as l1.PeerAuthenticationSpecPortLevelMtlsMode }]),
    );
    return {
      selector: this.selector ? { matchLabels: this.selector._render(this, 'selector') } : undefined,
      mtls: { mode: this.mode as string as l1.PeerAuthenticationSpecMtlsMode },
      portLevelMtls,
    };
  }
}
