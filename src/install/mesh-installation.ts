import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkComponents } from './component-checks';
import { GitOpsInstall, GitOpsTool } from './gitops-install';
import { helmReleases, HelmRelease, installReadme } from './helm-values';
import { checkHub, checkTag, overlay, valueAt } from './install-internal';
import { renderIstioOperator } from './istio-operator';
import { GatewayComponent, MeshComponents, MeshPlatform } from './mesh-components';
import { MeshConfig } from './mesh-config';
import { MeshProfile } from './mesh-profile';
import { checkDns1123Label } from '../core/checks';
import { invalid } from '../core/errors';
import { declareMeshConfig } from '../core/mesh-config-source';
import { afterAppSynth } from '../core/synthesis';
import { stringifyYamlDocument, stringifyYamlSafely } from '../core/yaml-writer';

/**
 * Properties of a `MeshInstallation`.
 */
export interface MeshInstallationProps {
  /**
   * The installation profile; the settings below are overlaid on it.
   *
   * @default MeshProfile.DEFAULT
   */
  readonly profile?: MeshProfile;

  /**
   * The control-plane revision (a DNS-1123 label), for canary upgrades: istiod, the
   * webhooks and the gateways carry it, and namespaces opt in with `istio.io/rev=<revision>`.
   *
   * @default - no revision (the default control plane)
   */
  readonly revision?: string;

  /**
   * The image hub, e.g. "docker.io/istio".
   *
   * @default - the hub of the istioctl or chart release used
   */
  readonly hub?: string;

  /**
   * The image tag, e.g. "1.30.3".
   *
   * @default - the tag of the istioctl or chart release used
   */
  readonly tag?: string;

  /**
   * The namespace of istiod.
   *
   * @default "istio-system"
   */
  readonly namespace?: string;

  /**
   * The platform, for the charts' platform adjustments. The OpenShift profiles set it already.
   *
   * @default - the profile's (none, except OpenShift)
   */
  readonly platform?: MeshPlatform;

  /**
   * Component settings, overlaid on the profile's (gateway lists replace the profile's lists).
   *
   * @default - the profile's components
   */
  readonly components?: MeshComponents;

  /**
   * The mesh's configuration. It is also declared to the synth-time analysis, which checks the
   * app against it (e.g. Telemetry resources naming its extension providers).
   *
   * @default - Istio's default MeshConfig
   */
  readonly meshConfig?: MeshConfig;

  /**
   * Helm values not typed by this library (the IstioOperator's `spec.values`, and the istiod
   * chart's values). Keys this construct sets from typed properties are refused: `meshConfig`,
   * `profile`, `revision`, `global.hub`, `global.tag`, `global.istioNamespace`,
   * `global.platform`, `pilot.replicaCount`, `pilot.autoscaleEnabled`, `pilot.autoscaleMin`,
   * `pilot.autoscaleMax`, `pilot.resources`, `pilot.cni.enabled`.
   *
   * @default - none
   */
  readonly values?: { [key: string]: any };

  /**
   * The directory the installation files are written to after each `app.synth()`. A relative
   * path is relative to the working directory.
   *
   * The default keeps the files out of the app's output directory: `kubectl apply -f dist/`, and
   * GitOps tools that read dist/, must never see the IstioOperator, which is an input file of
   * istioctl, not a resource (Istio has no operator and no IstioOperator CRD any more).
   *
   * @default - a directory `istio-install` next to the app's output directory (`dist/` gives `istio-install/`)
   */
  readonly outdir?: string;

  /**
   * Also write the installation for a GitOps tool: Argo CD Applications
   * (`GitOpsInstall.argoCd`, to `gitops/argocd-applications.yaml`) or Flux HelmReleases
   * (`GitOpsInstall.flux`, to `gitops/flux-helmreleases.yaml`) installing Istio's Helm charts
   * with this installation's Helm values.
   *
   * @default - none
   */
  readonly gitOps?: GitOpsInstall;
}

/** Paths of `values` the construct sets from typed properties. */
const TYPED_VALUES: { [path: string]: string } = {
  'meshConfig': 'meshConfig',
  'profile': 'profile',
  'revision': 'revision',
  'global.hub': 'hub',
  'global.tag': 'tag',
  'global.istioNamespace': 'namespace',
  'global.platform': 'platform',
  'pilot.replicaCount': 'components.pilot.replicas',
  'pilot.autoscaleEnabled': 'components.pilot.autoscaling',
  'pilot.autoscaleMin': 'components.pilot.autoscaling',
  'pilot.autoscaleMax': 'components.pilot.autoscaling',
  'pilot.resources': 'components.pilot.resources',
  'pilot.cni.enabled': 'components.cni',
};

/** Output directories claimed by the installations of an app. */
const OUTDIRS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * An Istio installation: the files that install the mesh the app runs on, written after each
 * `app.synth()` next to the app's output directory (not into it):
 *
 * - `istio-operator.yaml`, an IstioOperator for `istioctl install -f istio-operator.yaml`;
 * - `helm/<chart>-values.yaml` for Istio's Helm charts (base, istiod, cni, ztunnel, and
 *   `gateway-<name>-values.yaml` per gateway), and a README.md with the commands;
 * - with `gitOps`, `gitops/argocd-applications.yaml` or `gitops/flux-helmreleases.yaml`.
 *
 * The construct emits no Kubernetes object into the app's charts. It may be placed in a Chart
 * or directly under the App. Its MeshConfig is declared to the synth-time analysis.
 *
 * @example
 * new MeshInstallation(app, 'istio', {
 *   profile: MeshProfile.DEMO,
 *   meshConfig: new MeshConfig({ outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY }),
 * });
 */
export class MeshInstallation extends Construct {
  /** The installation profile. */
  public readonly profile: MeshProfile;

  /** The namespace of istiod. */
  public readonly namespace: string;

  /** The directory the installation files are written to (absolute). */
  public readonly outdir: string;

  /** The mesh's configuration, if given. */
  public readonly meshConfig?: MeshConfig;

  private readonly props: MeshInstallationProps;

  public constructor(scope: Construct, id: string, props: MeshInstallationProps = {}) {
    super(scope, id);
    this.props = props;
    this.profile = this.checkProfile(props.profile);
    this.namespace = props.namespace ?? 'istio-system';
    this.meshConfig = props.meshConfig;
    this.check();
    this.outdir = this.claimOutdir(props.outdir);
    if (props.meshConfig) declareMeshConfig(this, props.meshConfig);
    afterAppSynth(this, `cdk8s-istio/install:${this.node.path}`, () => this.writeFiles());
  }

  /**
   * The effective components: the default profile, overlaid with this installation's profile,
   * overlaid with its component settings (maps merged, lists replaced), as istioctl computes
   * them.
   */
  public effectiveComponents(): MeshComponents {
    return overlay(this.profile.effectiveDefinition().components ?? {}, this.userComponents()) ?? {};
  }

  /**
   * The IstioOperator document for `istioctl install -f` (only what was set: istioctl adds the
   * profile itself).
   */
  public toIstioOperator(): { [key: string]: any } {
    const p = this.props;
    return renderIstioOperator({
      namespace: this.namespace,
      profile: p.profile?.name,
      hub: p.hub,
      tag: p.tag,
      revision: p.revision,
      components: this.userComponents(),
      meshConfig: p.meshConfig?.renderMeshConfig(),
      values: this.operatorValues(),
    });
  }

  /**
   * The Helm values of each chart to install, by file key: `base`, `istiod`, `cni`, `ztunnel`
   * and `gateway-<name>` (only the charts of enabled components).
   */
  public helmValues(): { [chart: string]: { [key: string]: any } } {
    return Object.fromEntries(this.releases().map((r) => [r.key, r.values]));
  }

  /**
   * The GitOps objects installing the mesh (Argo CD Applications, or a Flux HelmRepository and
   * HelmReleases), in install order; empty without `gitOps`.
   */
  public gitOpsManifests(): { [key: string]: any }[] {
    return this.props.gitOps?._render(this, this.releases()) ?? [];
  }

  private releases(): HelmRelease[] {
    const p = this.props;
    const profileValues = this.profile.effectiveDefinition().values;
    return helmReleases({
      components: this.effectiveComponents(),
      namespace: this.namespace,
      chartProfile: profileValues?.chartProfile,
      ambient: this.profile.ambient,
      platform: p.platform ?? profileValues?.platform,
      revision: p.revision,
      hub: p.hub,
      tag: p.tag,
      meshConfig: p.meshConfig?.renderMeshConfig(),
      values: p.values,
    });
  }

  /** The component settings given, gateways enabled unless they say otherwise. */
  private userComponents(): MeshComponents | undefined {
    const c = this.props.components;
    if (c === undefined) return undefined;
    const gateways = (list: GatewayComponent[] | undefined) => list?.map((g) => ({ ...g, enabled: g.enabled ?? true }));
    return { ...c, ingressGateways: gateways(c.ingressGateways), egressGateways: gateways(c.egressGateways) };
  }

  private operatorValues(): { [key: string]: any } | undefined {
    const p = this.props;
    const typed: { [key: string]: any } = {};
    const global = { istioNamespace: p.namespace, platform: p.platform };
    if (Object.values(global).some((v) => v !== undefined)) typed.global = global;
    if (p.components?.pilot?.replicas !== undefined) typed.pilot = { autoscaleEnabled: false };
    const merged = overlay(typed, p.values);
    return Object.keys(merged).length === 0 ? undefined : merged;
  }

  private checkProfile(profile: MeshProfile | undefined): MeshProfile {
    if (profile === undefined) return MeshProfile.DEFAULT;
    if (!(profile instanceof MeshProfile)) {
      const names = MeshProfile.all().map((x) => x.name).join(', ');
      invalid(this, 'profile', profile, `unknown profile (Istio 1.30 has: ${names})`, typeof profile === 'string' ? `use MeshProfile.of(${JSON.stringify(profile)}) or a MeshProfile static member` : 'use a MeshProfile static member, e.g. MeshProfile.DEMO');
    }
    return profile;
  }

  private check(): void {
    const p = this.props;
    checkDns1123Label(this, 'revision', p.revision);
    checkHub(this, 'hub', p.hub);
    checkTag(this, 'tag', p.tag);
    checkDns1123Label(this, 'namespace', p.namespace);
    const platforms: readonly string[] = Object.values(MeshPlatform);
    if (p.platform !== undefined && !platforms.includes(p.platform)) {
      invalid(this, 'platform', p.platform, `unknown platform (known: ${platforms.join(', ')})`, 'use a MeshPlatform member');
    }
    const profilePlatform = this.profile.effectiveDefinition().values?.platform;
    if (p.platform !== undefined && profilePlatform !== undefined && p.platform !== profilePlatform) {
      invalid(this, 'platform', p.platform, `the ${this.profile.name} profile is for ${profilePlatform}`, `drop platform, or use a profile that is not made for ${profilePlatform}`);
    }
    if (p.meshConfig !== undefined && !(p.meshConfig instanceof MeshConfig)) {
      invalid(this, 'meshConfig', p.meshConfig, 'the mesh configuration must be a MeshConfig', 'pass new MeshConfig({ ... })');
    }
    if (p.gitOps !== undefined && !(p.gitOps instanceof GitOpsInstall)) {
      invalid(this, 'gitOps', p.gitOps, 'gitOps must be a GitOpsInstall', 'pass GitOpsInstall.argoCd({ chartVersion: "1.30.3" }) or GitOpsInstall.flux({ chartVersion: "1.30.3" })');
    }
    checkComponents(this, p.components);
    this.checkValues(p.values);
    this.checkCoherence();
    // the GitOps objects' names (their releases') must be unique: refuse now, not after synth
    this.gitOpsManifests();
  }

  private checkValues(values: { [key: string]: any } | undefined): void {
    if (values === undefined) return;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      invalid(this, 'values', values, 'values must be a map of Helm values', 'pass e.g. { pilot: { env: { PILOT_TRACE_SAMPLING: "10" } } }');
    }
    for (const [at, prop] of Object.entries(TYPED_VALUES)) {
      if (valueAt(values, at) !== undefined) {
        invalid(this, `values.${at}`, valueAt(values, at), `the construct sets this value from its typed property \`${prop}\``, `set \`${prop}\` instead of values.${at}`);
      }
    }
  }

  /** Checks that need the effective settings (profile and component settings together). */
  private checkCoherence(): void {
    const c = this.effectiveComponents();
    const given = this.props.components;
    const ztunnel = c.ztunnel?.enabled === true;
    const cni = c.cni?.enabled === true;
    if (ztunnel && !this.profile.ambient) {
      invalid(this, 'components.ztunnel.enabled', true, `ztunnel is the node proxy of ambient mode, and the ${this.profile.name} profile configures istiod and the CNI agent for sidecars`, 'use MeshProfile.AMBIENT (or MeshProfile.OPENSHIFT_AMBIENT), which enables ztunnel and the CNI agent');
    }
    if (ztunnel && !cni) {
      invalid(this, 'components.cni.enabled', false, 'ambient mode needs the Istio CNI node agent: it redirects the pods\' traffic to ztunnel', 'leave components.cni enabled (the ambient profiles enable it)');
    }
    if (given?.ztunnel !== undefined && !ztunnel) {
      invalid(this, 'components.ztunnel', given.ztunnel, `ztunnel is not enabled in the ${this.profile.name} profile, so its settings would do nothing`, 'drop components.ztunnel, or use an ambient profile');
    }
    if (given?.cni?.namespace !== undefined && !cni) {
      invalid(this, 'components.cni.namespace', given.cni.namespace, `the CNI agent is not enabled (profile ${this.profile.name}), so its namespace would do nothing`, 'set components.cni.enabled to true, or drop the namespace');
    }
    if (this.props.meshConfig !== undefined && this.profile.effectiveDefinition().values?.chartProfile === 'remote') {
      invalid(this, 'meshConfig', this.props.meshConfig.renderMeshConfig(), 'the remote profile runs no istiod of its own (only the injection webhook, served by the primary cluster\'s istiod), so the mesh configuration is the primary\'s', 'give the meshConfig to the installation of the primary cluster (or of the external control plane)');
    }
    if (this.props.meshConfig !== undefined && c.pilot?.enabled !== true) {
      invalid(this, 'meshConfig', this.props.meshConfig.renderMeshConfig(), `istiod is not installed (profile ${this.profile.name}${given?.pilot?.enabled === false ? ', components.pilot.enabled false' : ''}), and the mesh configuration is istiod's`, 'enable components.pilot, or configure the mesh where its istiod is installed');
    }
  }

  private claimOutdir(given: string | undefined): string {
    const root = this.node.root;
    const appOutdir = root instanceof App ? root.outdir : 'dist';
    const dir = given !== undefined ? path.resolve(given) : path.join(path.dirname(path.resolve(appOutdir)), 'istio-install');
    if (given !== undefined && given.trim() === '') {
      invalid(this, 'outdir', given, 'the output directory must not be empty', 'leave outdir out, or give a directory such as "istio-install"');
    }
    if (root instanceof App && (dir === path.resolve(appOutdir) || dir.startsWith(path.resolve(appOutdir) + path.sep))) {
      invalid(this, 'outdir', given, `the directory is in the app's output directory (${appOutdir}), so \`kubectl apply -f ${appOutdir}/\` would apply the IstioOperator and the Helm values`, 'leave outdir out (istio-install/ next to the app\'s output), or pick a directory outside it');
    }
    let claimed = OUTDIRS.get(root);
    if (!claimed) OUTDIRS.set(root, claimed = new Map());
    const other = claimed.get(dir);
    if (other !== undefined) {
      invalid(this, 'outdir', dir, `${other} writes its installation files there too`, 'give each MeshInstallation its own outdir (e.g. one per revision)');
    }
    claimed.set(dir, this.node.path);
    return dir;
  }

  private writeFiles(): void {
    const helmDir = path.join(this.outdir, 'helm');
    fs.mkdirSync(helmDir, { recursive: true });
    // drop the values of charts an earlier synthesis wrote and this one does not
    for (const f of fs.readdirSync(helmDir)) if (f.endsWith('-values.yaml')) fs.rmSync(path.join(helmDir, f));
    const header = '# Generated by cdk8s-istio. Install with `istioctl install -f istio-operator.yaml`;\n# an IstioOperator is istioctl\'s input, not a resource: do not kubectl apply it.\n';
    fs.writeFileSync(path.join(this.outdir, 'istio-operator.yaml'), header + stringifyYamlDocument(this.toIstioOperator()));
    const releases = this.releases();
    for (const r of releases) fs.writeFileSync(path.join(helmDir, `${r.key}-values.yaml`), stringifyYamlDocument(r.values));
    this.writeGitOps();
    const gitOps = this.props.gitOps?._readme();
    fs.writeFileSync(path.join(this.outdir, 'README.md'), installReadme(releases) + (gitOps ? `\n${gitOps}` : ''));
  }

  private writeGitOps(): void {
    const dir = path.join(this.outdir, 'gitops');
    // drop what an earlier synthesis wrote (another tool, or no GitOps output any more)
    for (const f of ['argocd-applications.yaml', 'flux-helmreleases.yaml']) fs.rmSync(path.join(dir, f), { force: true });
    const gitOps = this.props.gitOps;
    if (gitOps === undefined) return;
    fs.mkdirSync(dir, { recursive: true });
    const header = `# Generated by cdk8s-istio: ${gitOps.tool === GitOpsTool.ARGO_CD ? 'Argo CD Applications' : 'Flux HelmRepository and HelmReleases'} installing Istio ${gitOps.chartVersion}.\n`;
    fs.writeFileSync(path.join(this.outdir, gitOps.fileName), header + stringifyYamlSafely(...this.gitOpsManifests()));
  }
}
