// Helm values of Istio 1.30's charts (https://istio-release.storage.googleapis.com/charts) for
// an installation. The subset written (the charts' `values.yaml`, Istio 1.30):
//   base     profile, global.istioNamespace
//   istiod   profile, revision, global.{hub,tag,istioNamespace,platform}, meshConfig,
//            pilot.{replicaCount,autoscaleEnabled,autoscaleMin,autoscaleMax,resources,cni.enabled},
//            and the installation's `values` escape hatch
//   cni      profile, revision, global.{hub,tag,platform}
//   ztunnel  profile, revision, hub, tag, istioNamespace, global.platform
//   gateway  name, revision, service.{type,ports}, labels, replicaCount, resources,
//            autoscaling.{enabled,minReplicas,maxReplicas}
// Charts are only listed for the components the effective settings enable.
import { overlay, prune } from './install-internal';
import { renderServicePorts } from './istio-operator';
import { ComponentResources, GatewayComponent, GatewayServiceType, MeshComponents, MeshPlatform } from './mesh-components';

/**
 * What the Helm values are rendered from.
 * @internal
 */
export interface HelmSettings {
  readonly components: MeshComponents;
  readonly namespace: string;
  readonly chartProfile?: string;
  readonly ambient: boolean;
  readonly platform?: MeshPlatform;
  readonly revision?: string;
  readonly hub?: string;
  readonly tag?: string;
  readonly meshConfig?: { [key: string]: any };
  readonly values?: { [key: string]: any };
}

/**
 * One chart to install: its Helm release, chart, namespace and values.
 * @internal
 */
export interface HelmRelease {
  readonly key: string;
  readonly release: string;
  readonly chart: string;
  readonly namespace: string;
  readonly values: { [key: string]: any };
}

function resources(r: ComponentResources | undefined): unknown {
  return r && {
    requests: r.requests && { ...r.requests },
    limits: r.limits && { ...r.limits },
  };
}

function gatewayValues(s: HelmSettings, g: GatewayComponent, egress: boolean): { [key: string]: any } {
  const type = g.serviceType ?? (egress ? GatewayServiceType.CLUSTER_IP : undefined);
  return prune({
    name: g.name,
    revision: s.revision,
    service: { type, ports: renderServicePorts(g.ports) },
    labels: g.labels && { ...g.labels },
    replicaCount: g.replicas,
    resources: resources(g.resources),
    autoscaling: g.autoscaling
      ? { enabled: true, minReplicas: g.autoscaling.minReplicas, maxReplicas: g.autoscaling.maxReplicas }
      : g.replicas !== undefined ? { enabled: false } : undefined,
  }) as { [key: string]: any };
}

/**
 * The charts an installation needs, in install order (base, istiod, cni, ztunnel, gateways).
 * @internal
 */
export function helmReleases(s: HelmSettings): HelmRelease[] {
  const c = s.components;
  const suffix = s.revision ? `-${s.revision}` : '';
  const out: HelmRelease[] = [];
  if (c.base?.enabled) {
    out.push({ key: 'base', release: 'istio-base', chart: 'istio/base', namespace: s.namespace, values: prune({ profile: s.chartProfile, global: { istioNamespace: s.namespace } }) as any });
  }
  if (c.pilot?.enabled) {
    const p = c.pilot;
    const cniEnabled = c.cni?.enabled === true;
    const istiod = prune({
      profile: s.chartProfile,
      revision: s.revision,
      global: { hub: s.hub, tag: s.tag, istioNamespace: s.namespace, platform: s.platform },
      meshConfig: s.meshConfig,
      pilot: {
        replicaCount: p.replicas,
        autoscaleEnabled: p.autoscaling ? true : p.replicas !== undefined ? false : undefined,
        autoscaleMin: p.autoscaling?.minReplicas,
        autoscaleMax: p.autoscaling?.maxReplicas,
        resources: resources(p.resources),
        // in sidecar mode istiod must know the CNI agent sets up the redirection (the ambient
        // chart profile says so itself)
        cni: cniEnabled && !s.ambient ? { enabled: true } : undefined,
      },
    }) as { [key: string]: any };
    out.push({ key: 'istiod', release: `istiod${suffix}`, chart: 'istio/istiod', namespace: s.namespace, values: overlay(istiod, s.values) });
  }
  if (c.cni?.enabled) {
    out.push({
      key: 'cni',
      release: 'istio-cni',
      chart: 'istio/cni',
      namespace: c.cni.namespace ?? s.namespace,
      values: prune({ profile: s.chartProfile, revision: s.revision, global: { hub: s.hub, tag: s.tag, platform: s.platform } }) as any,
    });
  }
  if (c.ztunnel?.enabled) {
    out.push({
      key: 'ztunnel',
      release: 'ztunnel',
      chart: 'istio/ztunnel',
      namespace: c.ztunnel.namespace ?? s.namespace,
      values: prune({
        profile: s.chartProfile, revision: s.revision, hub: s.hub, tag: s.tag, istioNamespace: s.namespace, global: { platform: s.platform },
      }) as any,
    });
  }
  for (const [list, egress] of [[c.ingressGateways, false], [c.egressGateways, true]] as const) {
    for (const g of list ?? []) {
      if (!g.enabled) continue;
      out.push({ key: `gateway-${g.name}`, release: g.name, chart: 'istio/gateway', namespace: g.namespace ?? s.namespace, values: gatewayValues(s, g, egress) });
    }
  }
  return out;
}

/**
 * A README for the install directory: what the files are and the commands that use them.
 * @internal
 */
export function installReadme(releases: readonly HelmRelease[]): string {
  const helm = releases.map((r) => `helm install ${r.release} ${r.chart} -n ${r.namespace}${r.key === 'base' || r.key.startsWith('gateway-') ? ' --create-namespace' : ''} -f helm/${r.key}-values.yaml${r.key === 'istiod' ? ' --wait' : ''}`);
  return [
    '# Istio installation (generated by cdk8s-istio)',
    '',
    'These files install the mesh the app runs on. They are written outside the app\'s output directory',
    'on purpose: `kubectl apply -f dist/` and GitOps tools reading dist/ must never apply them (an',
    'IstioOperator is an input file of istioctl, not a Kubernetes resource).',
    '',
    'Install with istioctl:',
    '',
    '```sh',
    'istioctl install -f istio-operator.yaml',
    '```',
    '',
    'or with Helm, in this order:',
    '',
    '```sh',
    'helm repo add istio https://istio-release.storage.googleapis.com/charts',
    'helm repo update',
    ...helm,
    '```',
    '',
  ].join('\n');
}
