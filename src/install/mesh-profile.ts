import { overlay, prune } from './install-internal';
import { renderIstioOperator } from './istio-operator';
import { MeshComponents, MeshPlatform } from './mesh-components';

// Istio 1.30's installation profiles (manifests/profiles/*.yaml of istio/istio 1.30.3), written
// with the library's typed settings. istioctl overlays a profile on the default profile, and the
// user's file on that; the library does the same to know the effective components of an
// installation (./mesh-installation). test/install/profiles.test.ts proves that each
// definition, rendered like an installation, equals Istio's reference file.

/**
 * The `spec.values` a profile sets (Helm values of Istio's charts).
 */
export interface MeshProfileValues {
  /**
   * The charts' own profile (`values.profile`): the preset of Helm values the profile selects.
   *
   * @default - the charts' defaults
   */
  readonly chartProfile?: string;

  /**
   * The revision the default tag points to (`values.defaultRevision`).
   *
   * @default - not set
   */
  readonly defaultRevision?: string;

  /**
   * The namespace of istiod (`values.global.istioNamespace`).
   *
   * @default - not set (istio-system)
   */
  readonly istioNamespace?: string;

  /**
   * Install the validating webhook (`values.global.configValidation`).
   *
   * @default - not set (true)
   */
  readonly configValidation?: boolean;

  /**
   * The platform (`values.global.platform`).
   *
   * @default - not set
   */
  readonly platform?: MeshPlatform;

  /**
   * Gateways whose per-gateway value section (`values.gateways.<name>`) the profile declares,
   * empty.
   *
   * @default - none
   */
  readonly gatewayValueSections?: string[];

  /**
   * The name of ztunnel's resources (`values.ztunnel.resourceName`).
   *
   * @default - not set
   */
  readonly ztunnelResourceName?: string;
}

/**
 * What an installation profile sets.
 */
export interface MeshProfileDefinition {
  /**
   * The namespace of the installation (`metadata.namespace`).
   *
   * @default - not set
   */
  readonly namespace?: string;

  /**
   * The image hub (`spec.hub`).
   *
   * @default - not set
   */
  readonly hub?: string;

  /**
   * The image tag (`spec.tag`).
   *
   * @default - not set
   */
  readonly tag?: string;

  /**
   * Component settings (`spec.components`).
   *
   * @default - none
   */
  readonly components?: MeshComponents;

  /**
   * Helm values (`spec.values`).
   *
   * @default - none
   */
  readonly values?: MeshProfileValues;
}

/**
 * Renders profile values as `spec.values`.
 * @internal
 */
export function renderProfileValues(v: MeshProfileValues | undefined): { [key: string]: any } | undefined {
  if (v === undefined) return undefined;
  return prune({
    profile: v.chartProfile,
    defaultRevision: v.defaultRevision,
    global: { istioNamespace: v.istioNamespace, configValidation: v.configValidation, platform: v.platform },
    gateways: v.gatewayValueSections && Object.fromEntries(v.gatewayValueSections.map((g) => [g, {}])),
    ztunnel: { resourceName: v.ztunnelResourceName },
  }) as { [key: string]: any };
}

const INGRESS = 'istio-ingressgateway';
const EGRESS = 'istio-egressgateway';
const NO_INGRESS = [{ name: INGRESS, enabled: false }];

/**
 * An Istio installation profile: a named preset of components and values that istioctl
 * overlays on the `default` profile before the user's settings.
 *
 * The ten profiles of Istio 1.30 are static members; `MeshProfile.of(name)` finds one by name.
 */
export class MeshProfile {
  /**
   * The base of every profile: istiod and an ingress gateway (recommended for production).
   *
   * Its hub and tag are the placeholders of Istio's source tree
   * (`registry.istio.io/testing`, `latest`); istioctl and the charts use their own release's
   * instead, and a `MeshInstallation` never takes them from the profile.
   */
  public static readonly DEFAULT = new MeshProfile('default', {
    namespace: 'istio-system',
    hub: 'registry.istio.io/testing',
    tag: 'latest',
    components: {
      base: { enabled: true },
      pilot: { enabled: true },
      ingressGateways: [{ name: INGRESS, enabled: true }],
      egressGateways: [{ name: EGRESS, enabled: false }],
    },
    values: {
      defaultRevision: '',
      istioNamespace: 'istio-system',
      configValidation: true,
      gatewayValueSections: [INGRESS, EGRESS],
      ztunnelResourceName: 'ztunnel',
    },
  });

  /** Default plus an egress gateway and settings for trying Istio out (tracing, access logs). */
  public static readonly DEMO = new MeshProfile('demo', {
    components: { egressGateways: [{ name: EGRESS, enabled: true }] },
    values: { chartProfile: 'demo' },
  });

  /** istiod only, no gateways. */
  public static readonly MINIMAL = new MeshProfile('minimal', {
    components: { ingressGateways: NO_INGRESS },
  });

  /** Ambient mode: istiod, the CNI node agent and ztunnel, no gateways. */
  public static readonly AMBIENT = new MeshProfile('ambient', {
    components: { cni: { enabled: true }, ztunnel: { enabled: true }, ingressGateways: NO_INGRESS },
    values: { chartProfile: 'ambient' },
  });

  /** Nothing installed: a base for fully custom settings. */
  public static readonly EMPTY = new MeshProfile('empty', {
    components: { base: { enabled: false }, pilot: { enabled: false }, ingressGateways: NO_INGRESS },
  });

  /** Default plus experimental features. */
  public static readonly PREVIEW = new MeshProfile('preview', { values: { chartProfile: 'preview' } });

  /**
   * A remote cluster of a multi-cluster mesh: the istiod chart installs only the injection
   * webhook, served by the primary (or external) control plane, which holds the MeshConfig.
   */
  public static readonly REMOTE = new MeshProfile('remote', {
    components: { base: { enabled: true }, pilot: { enabled: true }, ingressGateways: NO_INGRESS },
    values: { chartProfile: 'remote' },
  });

  /** Default with only features of stable maturity. */
  public static readonly STABLE = new MeshProfile('stable', { values: { chartProfile: 'stable' } });

  /** Default on OpenShift: the CNI node agent in kube-system. */
  public static readonly OPENSHIFT = new MeshProfile('openshift', {
    components: { cni: { enabled: true, namespace: 'kube-system' } },
    values: { platform: MeshPlatform.OPENSHIFT },
  });

  /** Ambient mode on OpenShift: the CNI node agent and ztunnel in kube-system. */
  public static readonly OPENSHIFT_AMBIENT = new MeshProfile('openshift-ambient', {
    components: {
      cni: { enabled: true, namespace: 'kube-system' },
      ztunnel: { enabled: true, namespace: 'kube-system' },
      ingressGateways: NO_INGRESS,
    },
    values: { chartProfile: 'ambient', platform: MeshPlatform.OPENSHIFT },
  });

  /** Every profile, in the order `istioctl profile list` prints them. */
  public static all(): MeshProfile[] {
    return [MeshProfile.AMBIENT, MeshProfile.DEFAULT, MeshProfile.DEMO, MeshProfile.EMPTY, MeshProfile.MINIMAL,
      MeshProfile.OPENSHIFT_AMBIENT, MeshProfile.OPENSHIFT, MeshProfile.PREVIEW, MeshProfile.REMOTE, MeshProfile.STABLE];
  }

  /**
   * The profile named `name` (as `istioctl install --set profile=<name>` takes it).
   *
   * @throws when Istio 1.30 has no profile of that name
   */
  public static of(name: string): MeshProfile {
    const found = MeshProfile.all().find((p) => p.name === name);
    if (!found) {
      const names = MeshProfile.all().map((p) => p.name);
      throw new Error(`profile ${JSON.stringify(name)} is invalid: Istio 1.30 has no profile of this name. Fix: use one of ${names.join(', ')}`);
    }
    return found;
  }

  /** The profile's name. */
  public readonly name: string;

  /** What the profile sets (on top of the default profile, except for `default` itself). */
  public readonly definition: MeshProfileDefinition;

  private constructor(name: string, definition: MeshProfileDefinition) {
    this.name = name;
    this.definition = definition;
  }

  /** Whether the profile installs the mesh in ambient mode (ztunnel and the CNI node agent). */
  public get ambient(): boolean {
    return this.effectiveDefinition().components?.ztunnel?.enabled === true;
  }

  /**
   * The profile overlaid on the default profile (as istioctl applies it): maps merged, lists
   * replaced.
   */
  public effectiveDefinition(): MeshProfileDefinition {
    return this === MeshProfile.DEFAULT ? this.definition : overlay(MeshProfile.DEFAULT.definition, this.definition);
  }

  /**
   * The profile's own definition as an IstioOperator document, rendered like a
   * `MeshInstallation`'s (equal to Istio's `manifests/profiles/<name>.yaml`).
   */
  public toIstioOperator(): { [key: string]: any } {
    const d = this.definition;
    return renderIstioOperator({
      namespace: d.namespace,
      hub: d.hub,
      tag: d.tag,
      components: d.components,
      values: renderProfileValues(d.values),
    });
  }
}
