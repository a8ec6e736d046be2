import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { declaredMeshConfig } from '../../src/core/mesh-config-source';
import { ExtensionProvider } from '../../src/install/extension-provider';
import { GatewayServiceType, MeshComponents, MeshPlatform } from '../../src/install/mesh-components';
import { MeshConfig } from '../../src/install/mesh-config';
import { MeshInstallation, MeshInstallationProps } from '../../src/install/mesh-installation';
import { MeshProfile } from '../../src/install/mesh-profile';
import { OutboundTrafficPolicyMode } from '../../src/networking/sidecar';

const OTEL = 'observability/otel-collector.observability.svc.cluster.local';

/** What the Bookinfo example installs: demo profile, REGISTRY_ONLY, an OpenTelemetry tracer. */
function bookinfoMesh(): MeshConfig {
  return new MeshConfig({
    outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    accessLogFile: '/dev/stdout',
    extensionProviders: [ExtensionProvider.opentelemetry('otel', { service: OTEL, port: 4317 })],
    defaultProviders: { tracing: ['otel'] },
  });
}

function install(props: MeshInstallationProps = {}): MeshInstallation {
  return new MeshInstallation(new App({ outdir: path.join(os.tmpdir(), 'unused-dist') }), 'istio', { outdir: path.join(os.tmpdir(), `unused-${Math.random()}`), ...props });
}

describe('MeshInstallation: the IstioOperator', () => {
  test('with nothing set: only the namespace (istioctl applies the default profile)', () => {
    expect(install().toIstioOperator()).toEqual({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { namespace: 'istio-system' } });
  });

  test('profile, hub, tag, revision, components, meshConfig and values', () => {
    const mi = install({
      profile: MeshProfile.DEMO,
      hub: 'docker.io/istio',
      tag: '1.30.3',
      revision: 'canary',
      namespace: 'mesh',
      components: {
        pilot: { replicas: 2, resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } } },
        ingressGateways: [{ name: 'public', serviceType: GatewayServiceType.NODE_PORT, ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 }], labels: { istio: 'public' } }],
      },
      meshConfig: bookinfoMesh(),
      values: { pilot: { env: { PILOT_TRACE_SAMPLING: '10' } } },
    });
    expect(mi.toIstioOperator()).toEqual({
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { namespace: 'mesh' },
      spec: {
        profile: 'demo',
        hub: 'docker.io/istio',
        tag: '1.30.3',
        revision: 'canary',
        components: {
          pilot: { k8s: { replicaCount: 2, resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } } } },
          ingressGateways: [{
            name: 'public',
            enabled: true,
            label: { istio: 'public' },
            k8s: { service: { type: 'NodePort', ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 }] } },
          }],
        },
        meshConfig: bookinfoMesh().renderMeshConfig(),
        values: { global: { istioNamespace: 'mesh' }, pilot: { autoscaleEnabled: false, env: { PILOT_TRACE_SAMPLING: '10' } } },
      },
    });
  });

  test('autoscaling bounds become an hpaSpec', () => {
    const mi = install({ components: { pilot: { autoscaling: { minReplicas: 2, maxReplicas: 4 } } } });
    expect(mi.toIstioOperator().spec).toEqual({ components: { pilot: { k8s: { hpaSpec: { minReplicas: 2, maxReplicas: 4 } } } } });
    expect(mi.helmValues().istiod.pilot).toEqual({ autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 4 });
  });

  test('effective components: default <- profile <- settings (gateway lists replaced)', () => {
    const mi = install({ profile: MeshProfile.DEMO, components: { ingressGateways: [{ name: 'public' }] } });
    const c = mi.effectiveComponents();
    expect(c.ingressGateways).toEqual([{ name: 'public', enabled: true }]);
    expect(c.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
    expect(c.pilot?.enabled).toBe(true);
    expect(install({ profile: MeshProfile.AMBIENT }).effectiveComponents().ztunnel).toEqual({ enabled: true });
  });
});

describe('MeshInstallation: Helm values', () => {
  test('demo + REGISTRY_ONLY + OpenTelemetry (the Bookinfo installation)', () => {
    const values = install({ profile: MeshProfile.DEMO, meshConfig: bookinfoMesh() }).helmValues();
    expect(Object.keys(values)).toEqual(['base', 'istiod', 'gateway-istio-ingressgateway', 'gateway-istio-egressgateway']);
    expect(values.base).toEqual({ profile: 'demo', global: { istioNamespace: 'istio-system' } });
    expect(values.istiod).toEqual({
      profile: 'demo',
      global: { istioNamespace: 'istio-system' },
      meshConfig: {
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
        accessLogFile: '/dev/stdout',
        defaultProviders: { tracing: ['otel'] },
        extensionProviders: [{ name: 'otel', opentelemetry: { service: OTEL, port: 4317 } }],
      },
    });
    expect(values['gateway-istio-ingressgateway']).toEqual({ name: 'istio-ingressgateway' });
    expect(values['gateway-istio-egressgateway']).toEqual({ name: 'istio-egressgateway', service: { type: 'ClusterIP' } });
  });

  test('ambient: cni and ztunnel charts, no gateway', () => {
    const values = install({ profile: MeshProfile.AMBIENT, hub: 'docker.io/istio', tag: '1.30.3' }).helmValues();
    expect(Object.keys(values)).toEqual(['base', 'istiod', 'cni', 'ztunnel']);
    expect(values.istiod).toEqual({ profile: 'ambient', global: { hub: 'docker.io/istio', tag: '1.30.3', istioNamespace: 'istio-system' } });
    expect(values.cni).toEqual({ profile: 'ambient', global: { hub: 'docker.io/istio', tag: '1.30.3' } });
    expect(values.ztunnel).toEqual({ profile: 'ambient', hub: 'docker.io/istio', tag: '1.30.3', istioNamespace: 'istio-system' });
  });

  test('openshift: the platform everywhere, istiod told about the CNI agent (sidecar mode)', () => {
    const values = install({ profile: MeshProfile.OPENSHIFT }).helmValues();
    expect(values.istiod).toEqual({ global: { istioNamespace: 'istio-system', platform: 'openshift' }, pilot: { cni: { enabled: true } } });
    expect(values.cni).toEqual({ global: { platform: 'openshift' } });
    expect(values.ztunnel).toBeUndefined();
  });

  test('minimal: no gateway; empty + base only', () => {
    expect(Object.keys(install({ profile: MeshProfile.MINIMAL }).helmValues())).toEqual(['base', 'istiod']);
    expect(Object.keys(install({ profile: MeshProfile.EMPTY, components: { base: { enabled: true } } }).helmValues())).toEqual(['base']);
  });

  test('gateways: service, ports, labels, replicas; revision on istiod and gateways', () => {
    const values = install({
      revision: 'canary',
      components: {
        pilot: { replicas: 3 },
        ingressGateways: [{ name: 'public', namespace: 'edge', serviceType: GatewayServiceType.LOAD_BALANCER, ports: [{ name: 'https', port: 443 }], labels: { istio: 'public' }, replicas: 2, resources: { requests: { cpu: '100m' } } }],
        egressGateways: [{ name: 'egress', autoscaling: { minReplicas: 1, maxReplicas: 3 } }],
      },
    }).helmValues();
    expect(values.istiod).toEqual({ revision: 'canary', global: { istioNamespace: 'istio-system' }, pilot: { replicaCount: 3, autoscaleEnabled: false } });
    expect(values['gateway-public']).toEqual({
      name: 'public',
      revision: 'canary',
      service: { type: 'LoadBalancer', ports: [{ name: 'https', port: 443 }] },
      labels: { istio: 'public' },
      replicaCount: 2,
      resources: { requests: { cpu: '100m' } },
      autoscaling: { enabled: false },
    });
    expect(values['gateway-egress']).toEqual({ name: 'egress', revision: 'canary', service: { type: 'ClusterIP' }, autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 3 } });
  });

  test('a disabled gateway has no chart', () => {
    const values = install({ components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] } }).helmValues();
    expect(Object.keys(values)).toEqual(['base', 'istiod']);
  });

  test('the values escape hatch goes to istiod', () => {
    const values = install({ values: { pilot: { env: { A: 'b' } }, global: { logAsJson: true } } }).helmValues();
    expect(values.istiod).toEqual({ global: { istioNamespace: 'istio-system', logAsJson: true }, pilot: { env: { A: 'b' } } });
  });
});

describe('MeshInstallation: files', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-install-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('app.synth() writes the files next to the app\'s outdir, none into it', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'bookinfo');
    const mi = new MeshInstallation(chart, 'istio', { profile: MeshProfile.DEMO, meshConfig: bookinfoMesh() });
    expect(mi.outdir).toBe(path.join(tmp, 'istio-install'));
    fs.mkdirSync(path.join(tmp, 'istio-install', 'helm'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'istio-install', 'helm', 'gateway-old-values.yaml'), 'stale: true\n');
    app.synth();
    const dir = path.join(tmp, 'istio-install');
    const operator = fs.readFileSync(path.join(dir, 'istio-operator.yaml'), 'utf8');
    expect(operator).toMatch(/^# Generated by cdk8s-istio/);
    expect(YAML.parse(operator)).toEqual(mi.toIstioOperator());
    expect(fs.readdirSync(path.join(dir, 'helm')).sort()).toEqual(['base-values.yaml', 'gateway-istio-egressgateway-values.yaml', 'gateway-istio-ingressgateway-values.yaml', 'istiod-values.yaml']);
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'helm', 'istiod-values.yaml'), 'utf8'))).toEqual(mi.helmValues().istiod);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('istioctl install -f istio-operator.yaml');
    expect(readme).toContain('helm install istiod istio/istiod -n istio-system -f helm/istiod-values.yaml --wait');
    expect(readme).toContain('helm install istio-egressgateway istio/gateway -n istio-system --create-namespace -f helm/gateway-istio-egressgateway-values.yaml');
    // the app's manifests hold no IstioOperator and no object of the installation
    const dist = fs.readdirSync(path.join(tmp, 'dist')).map((f) => fs.readFileSync(path.join(tmp, 'dist', f), 'utf8')).join('\n');
    expect(dist).not.toContain('IstioOperator');
  });

  test('placed directly under the App, with an explicit outdir; YAML 1.1 booleans are quoted', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    new Chart(app, 'empty');
    new MeshInstallation(app, 'istio', { outdir: path.join(tmp, 'out'), values: { global: { meshID: 'on', network: 'y' } } });
    app.synth();
    const text = fs.readFileSync(path.join(tmp, 'out', 'istio-operator.yaml'), 'utf8');
    expect(text).toContain('meshID: "on"');
    expect(text).toContain('network: "y"');
    expect(YAML.parse(text, { version: '1.1' }).spec.values.global).toEqual({ meshID: 'on', network: 'y' });
  });

  test('the construct emits no Kubernetes object and declares its MeshConfig', () => {
    const chart = Testing.chart();
    const config = bookinfoMesh();
    new MeshInstallation(chart, 'istio', { meshConfig: config, outdir: path.join(tmp, 'x') });
    expect(Testing.synth(chart)).toEqual([]);
    expect(declaredMeshConfig(chart)).toBe(config);
  });

  test('synthYaml() writes nothing', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    new Chart(app, 'c');
    new MeshInstallation(app, 'istio');
    app.synthYaml();
    expect(fs.existsSync(path.join(tmp, 'istio-install'))).toBe(false);
  });
});

describe('MeshInstallation refuses bad input', () => {
  const ambientNoCni: MeshComponents = { cni: { enabled: false } };
  const bad: [string, MeshInstallationProps, RegExp][] = [
    ['an unknown profile', { profile: 'production' as unknown as MeshProfile }, /\[istio\] profile "production" is invalid: unknown profile \(Istio 1.30 has: ambient, default, .*\)\. Fix: use MeshProfile.of\("production"\)/],
    ['ztunnel outside an ambient profile', { components: { ztunnel: { enabled: true }, cni: { enabled: true } } }, /components\.ztunnel\.enabled true is invalid: ztunnel is the node proxy of ambient mode.*Fix: use MeshProfile\.AMBIENT/],
    ['the CNI agent disabled in the ambient profile', { profile: MeshProfile.AMBIENT, components: ambientNoCni }, /components\.cni\.enabled false is invalid: ambient mode needs the Istio CNI node agent/],
    ['ztunnel settings when ztunnel is not enabled', { profile: MeshProfile.DEMO, components: { ztunnel: { namespace: 'kube-system' } } }, /components\.ztunnel .* is invalid: ztunnel is not enabled in the demo profile/],
    ['a CNI namespace when the CNI agent is not enabled', { components: { cni: { namespace: 'kube-system' } } }, /components\.cni\.namespace "kube-system" is invalid: the CNI agent is not enabled/],
    ['a revision that is not a DNS label', { revision: '1.30.3' }, /revision "1.30.3" is invalid: it must be a DNS-1123 label/],
    ['a revision with upper case', { revision: 'Canary' }, /revision "Canary" is invalid/],
    ['two gateways with the same name', { components: { ingressGateways: [{ name: 'gw' }], egressGateways: [{ name: 'gw' }] } }, /components\.egressGateways\[0\]\.name "gw" is invalid: components\.ingressGateways\[0\] has the same name/],
    ['a node port on a ClusterIP gateway', { components: { egressGateways: [{ name: 'egress', ports: [{ name: 'tls', port: 443, nodePort: 30443 }] }] } }, /ports\[0\]\.nodePort 30443 is invalid: a ClusterIP Service has no node ports/],
    ['a node port out of range', { components: { ingressGateways: [{ name: 'gw', serviceType: GatewayServiceType.NODE_PORT, ports: [{ name: 'http', port: 80, nodePort: 80 }] }] } }, /nodePort 80 is invalid: a node port must be in Kubernetes' default range 30000-32767/],
    ['ports on a disabled gateway', { components: { ingressGateways: [{ name: 'gw', enabled: false, ports: [{ name: 'http', port: 80 }] }] } }, /components\.ingressGateways\[0\]\.ports .* is invalid: the component is disabled, so its settings would do nothing/],
    ['two ports with one name', { components: { ingressGateways: [{ name: 'gw', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }] } }, /ports\[1\]\.name "http" is invalid: two ports of the gateway have this name/],
    ['a gateway port 0', { components: { ingressGateways: [{ name: 'gw', ports: [{ name: 'http', port: 0 }] }] } }, /ports\[0\]\.port 0 is invalid/],
    ['an unknown service type', { components: { ingressGateways: [{ name: 'gw', serviceType: 'External' as GatewayServiceType }] } }, /serviceType "External" is invalid: unknown Service type/],
    ['autoscaling min above max', { components: { pilot: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } } }, /components\.pilot\.autoscaling .* is invalid: minReplicas is greater than maxReplicas/],
    ['negative replicas', { components: { pilot: { replicas: -1 } } }, /components\.pilot\.replicas -1 is invalid: the number of replicas must be an integer of at least 1/],
    ['zero gateway replicas', { components: { ingressGateways: [{ name: 'gw', replicas: 0 }] } }, /components\.ingressGateways\[0\]\.replicas 0 is invalid/],
    ['replicas and autoscaling together', { components: { pilot: { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } } } }, /replicas 2 is invalid: a fixed number of replicas and autoscaling are exclusive/],
    ['a bad resource quantity', { components: { pilot: { resources: { requests: { memory: '2 GB' } } } } }, /components\.pilot\.resources\.requests\.memory "2 GB" is invalid: a resource quantity/],
    ['a hub with a scheme', { hub: 'https://docker.io/istio' }, /hub "https:\/\/docker.io\/istio" is invalid: an image hub is a registry host/],
    ['a hub with a trailing slash', { hub: 'docker.io/istio/' }, /hub "docker.io\/istio\/" is invalid/],
    ['a tag with ":"', { tag: 'proxyv2:1.30.3' }, /tag "proxyv2:1.30.3" is invalid: an image tag is 1-128 letters/],
    ['a tag with a space', { tag: '1.30 3' }, /tag "1.30 3" is invalid/],
    ['a namespace that is not a DNS label', { namespace: 'Istio_System' }, /namespace "Istio_System" is invalid/],
    ['a meshConfig with the empty profile', { profile: MeshProfile.EMPTY, meshConfig: new MeshConfig() }, /meshConfig \{\} is invalid: istiod is not installed \(profile empty\), and the mesh configuration is istiod's/],
    ['a meshConfig with istiod disabled', { components: { pilot: { enabled: false } }, meshConfig: new MeshConfig() }, /istiod is not installed \(profile default, components\.pilot\.enabled false\)/],
    ['a meshConfig with the remote profile (no local istiod)', { profile: MeshProfile.REMOTE, meshConfig: new MeshConfig() }, /meshConfig \{\} is invalid: the remote profile runs no istiod of its own.*Fix: give the meshConfig to the installation of the primary cluster/],
    ['pilot settings with istiod disabled', { components: { pilot: { enabled: false, replicas: 2 } } }, /components\.pilot\.replicas 2 is invalid: the component is disabled/],
    ['values.meshConfig', { values: { meshConfig: { accessLogFile: '/dev/stdout' } } }, /values\.meshConfig .* is invalid: the construct sets this value from its typed property `meshConfig`/],
    ['values.global.hub', { values: { global: { hub: 'docker.io/istio' } } }, /values\.global\.hub "docker.io\/istio" is invalid: .*Fix: set `hub` instead of values\.global\.hub/],
    ['values.pilot.replicaCount', { values: { pilot: { replicaCount: 2 } } }, /values\.pilot\.replicaCount 2 is invalid: .*`components\.pilot\.replicas`/],
    ['values.profile', { values: { profile: 'demo' } }, /values\.profile "demo" is invalid/],
    ['values that are not a map', { values: ['a'] as unknown as { [key: string]: any } }, /values \["a"\] is invalid: values must be a map of Helm values/],
    ['a platform other than the profile\'s', { profile: MeshProfile.OPENSHIFT, platform: MeshPlatform.GKE }, /platform "gke" is invalid: the openshift profile is for openshift/],
    ['a gateway name that is not a DNS label', { components: { ingressGateways: [{ name: 'Public_GW' }] } }, /ingressGateways\[0\]\.name "Public_GW" is invalid/],
    ['a gateway label with a wildcard', { components: { ingressGateways: [{ name: 'gw', labels: { istio: '*' } }] } }, /labels label "istio" "\*" is invalid/],
  ];

  test.each(bad)('%s', (_name, props, message) => {
    expect(() => new MeshInstallation(new App(), 'istio', { outdir: path.join(os.tmpdir(), 'never-written'), ...props })).toThrow(message);
  });

  test('every message names the fix', () => {
    for (const [, props] of bad) {
      expect(() => new MeshInstallation(new App(), 'istio', { outdir: path.join(os.tmpdir(), 'never-written'), ...props })).toThrow(/ Fix: /);
    }
  });

  test('an outdir inside the app\'s output directory', () => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'some-dist') });
    expect(() => new MeshInstallation(app, 'istio', { outdir: path.join(os.tmpdir(), 'some-dist', 'istio') })).toThrow(/outdir .* is invalid: the directory is in the app's output directory/);
  });

  test('two installations writing to one directory', () => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'some-dist') });
    new MeshInstallation(app, 'a');
    expect(() => new MeshInstallation(app, 'b')).toThrow(/\[b\] outdir .* is invalid: a writes its installation files there too.*Fix: give each MeshInstallation its own outdir/);
    // one per revision is fine
    expect(() => new MeshInstallation(app, 'c', { revision: 'canary', outdir: path.join(os.tmpdir(), 'istio-canary') })).not.toThrow();
  });

  test('two installations with different MeshConfigs in one app', () => {
    const app = new App({ outdir: path.join(os.tmpdir(), 'some-dist') });
    new MeshInstallation(app, 'a', { meshConfig: new MeshConfig(), outdir: path.join(os.tmpdir(), 'a') });
    expect(() => new MeshInstallation(app, 'b', { meshConfig: new MeshConfig(), outdir: path.join(os.tmpdir(), 'b') })).toThrow(/the app's mesh configuration is already declared by a/);
  });
});

test('snapshot: the IstioOperator and the Helm values of a full installation', () => {
  const installation = install({
    profile: MeshProfile.DEMO,
    revision: 'canary',
    hub: 'docker.io/istio',
    tag: '1.30.3',
    meshConfig: bookinfoMesh(),
    components: {
      pilot: { autoscaling: { minReplicas: 2, maxReplicas: 5 }, resources: { requests: { cpu: '500m', memory: '2Gi' } } },
      ingressGateways: [{ name: 'istio-ingressgateway', serviceType: GatewayServiceType.NODE_PORT, ports: [{ name: 'https', port: 443, nodePort: 30443 }] }],
    },
  });
  expect({ istioOperator: installation.toIstioOperator(), helmValues: installation.helmValues() }).toMatchSnapshot();
});
