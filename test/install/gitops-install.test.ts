import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { ArgoCdInstallOptions, FluxInstallOptions, GitOpsInstall, GitOpsTool } from '../../src/install/gitops-install';
import { MeshInstallation, MeshInstallationProps } from '../../src/install/mesh-installation';
import { MeshProfile } from '../../src/install/mesh-profile';

const REPO = 'https://istio-release.storage.googleapis.com/charts';

/**
 * Validates objects with the Argo CD and Flux models (@kubernetes-models/argo-cd and flux-cd,
 * generated from those projects' CRDs). The packages are ES modules only, which jest's
 * CommonJS runtime cannot load, so they run in a child Node process. Returns one entry per
 * object: null when valid, else the error.
 */
function validateWithModels(objects: readonly unknown[]): (string | null)[] {
  const script = `
import { readFileSync } from 'fs';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import { HelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
const models = {
  'argoproj.io/v1alpha1/Application': Application,
  'helm.toolkit.fluxcd.io/v2/HelmRelease': HelmRelease,
  'source.toolkit.fluxcd.io/v1/HelmRepository': HelmRepository,
};
const out = JSON.parse(readFileSync(0, 'utf8')).map((o) => {
  const Model = models[o.apiVersion + '/' + o.kind];
  if (!Model) return 'no model for ' + o.apiVersion + ' ' + o.kind;
  try { new Model(o).validate(); return null; } catch (e) { return String(e.message); }
});
process.stdout.write(JSON.stringify(out));
`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.resolve(__dirname, '..', '..'),
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

function expectValid(objects: readonly unknown[]): void {
  expect(objects.length).toBeGreaterThan(0);
  expect(validateWithModels(objects)).toEqual(objects.map(() => null));
}

function install(props: MeshInstallationProps): MeshInstallation {
  return new MeshInstallation(new App({ outdir: path.join(os.tmpdir(), 'unused-dist') }), 'istio', { outdir: path.join(os.tmpdir(), `unused-${Math.random()}`), ...props });
}

const WEBHOOK_DRIFT = [{ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jsonPointers: ['/webhooks/0/failurePolicy'] }];

describe('GitOpsInstall.argoCd', () => {
  test('demo profile: one Application per chart, in sync waves, with the Helm values', () => {
    const mi = install({ profile: MeshProfile.DEMO, gitOps: GitOpsInstall.argoCd({ chartVersion: '1.30.3' }) });
    const apps = mi.gitOpsManifests();
    const values = mi.helmValues();
    expect(apps.map((a) => a.metadata.name)).toEqual(['istio-base', 'istiod', 'istio-ingressgateway', 'istio-egressgateway']);
    expect(apps.map((a) => a.metadata.annotations['argocd.argoproj.io/sync-wave'])).toEqual(['0', '1', '4', '4']);
    expect(apps.map((a) => a.spec.source.chart)).toEqual(['base', 'istiod', 'gateway', 'gateway']);
    expect(apps.map((a) => a.spec.source.helm.valuesObject)).toEqual(Object.values(values));
    const [base, istiod, ingress] = apps;
    expect(base).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'istio-base', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: {
        project: 'default',
        source: { repoURL: REPO, chart: 'base', targetRevision: '1.30.3', helm: { releaseName: 'istio-base', valuesObject: values.base } },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        ignoreDifferences: WEBHOOK_DRIFT,
      },
    });
    // the webhook drift is only ignored where the validating webhook lives
    expect(istiod.spec.ignoreDifferences).toEqual(WEBHOOK_DRIFT);
    expect(ingress.spec.ignoreDifferences).toBeUndefined();
    expect(ingress.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true']);
    expectValid(apps);
  });

  test('ambient profile with every option: base, istiod, cni, ztunnel; manual sync', () => {
    const mi = install({
      profile: MeshProfile.AMBIENT,
      revision: 'canary',
      tag: '1.30.3',
      components: { cni: { namespace: 'kube-system' } },
      gitOps: GitOpsInstall.argoCd({
        chartVersion: '1.30.3',
        repository: 'https://charts.example.com/istio',
        namespace: 'gitops',
        project: 'platform',
        destinationServer: 'https://prod.example.com:6443',
        automated: false,
      }),
    });
    const apps = mi.gitOpsManifests();
    expect(apps.map((a) => [a.metadata.name, a.metadata.annotations['argocd.argoproj.io/sync-wave'], a.spec.destination.namespace])).toEqual([
      ['istio-base', '0', 'istio-system'],
      ['istiod-canary', '1', 'istio-system'],
      ['istio-cni', '2', 'kube-system'],
      ['ztunnel', '3', 'istio-system'],
    ]);
    expect(apps.map((a) => a.spec.source.helm.valuesObject)).toEqual(Object.values(mi.helmValues()));
    for (const a of apps) {
      expect(a.metadata.namespace).toBe('gitops');
      expect(a.spec.project).toBe('platform');
      expect(a.spec.source.repoURL).toBe('https://charts.example.com/istio');
      expect(a.spec.destination.server).toBe('https://prod.example.com:6443');
      expect(a.spec.syncPolicy.automated).toBeUndefined();
    }
    expect(apps[1].spec.source.helm.releaseName).toBe('istiod-canary');
    expectValid(apps);
  });
});

describe('GitOpsInstall.flux', () => {
  test('demo profile: a HelmRepository, HelmReleases chained by dependsOn, the Helm values', () => {
    const mi = install({ profile: MeshProfile.DEMO, components: { ingressGateways: [{ name: 'public', namespace: 'edge' }] }, gitOps: GitOpsInstall.flux({ chartVersion: '1.30.3' }) });
    const [repo, ...releases] = mi.gitOpsManifests();
    expect(repo).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'istio', namespace: 'flux-system' },
      spec: { url: REPO, interval: '10m' },
    });
    expect(releases.map((r) => r.metadata.name)).toEqual(['istio-base', 'istiod', 'public', 'istio-egressgateway']);
    expect(releases.map((r) => r.spec.dependsOn)).toEqual([undefined, [{ name: 'istio-base' }], [{ name: 'istiod' }], [{ name: 'istiod' }]]);
    // the first release of each namespace creates it
    expect(releases.map((r) => r.spec.install?.createNamespace)).toEqual([true, undefined, true, undefined]);
    expect(releases.map((r) => r.spec.values)).toEqual(Object.values(mi.helmValues()));
    expect(releases[1]).toEqual({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'istiod', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        chart: { spec: { chart: 'istiod', version: '1.30.3', sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: 'flux-system' } } },
        releaseName: 'istiod',
        targetNamespace: 'istio-system',
        storageNamespace: 'istio-system',
        dependsOn: [{ name: 'istio-base' }],
        values: mi.helmValues().istiod,
      },
    });
    expect(releases[2].spec.targetNamespace).toBe('edge');
    expectValid([repo, ...releases]);
  });

  test('ambient profile: cni and ztunnel wait for istiod; interval and namespace', () => {
    const mi = install({ profile: MeshProfile.AMBIENT, gitOps: GitOpsInstall.flux({ chartVersion: '1.31.0-beta.1', namespace: 'flux', interval: Duration.minutes(5), repository: 'https://mirror.example.com/istio' }) });
    const objects = mi.gitOpsManifests();
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'HelmRepository/flux/istio', 'HelmRelease/flux/istio-base', 'HelmRelease/flux/istiod', 'HelmRelease/flux/istio-cni', 'HelmRelease/flux/ztunnel',
    ]);
    expect(objects.slice(1).map((o) => o.spec.dependsOn?.[0].name)).toEqual([undefined, 'istio-base', 'istiod', 'istiod']);
    expect(objects.slice(1).map((o) => o.spec.chart.spec.chart)).toEqual(['base', 'istiod', 'cni', 'ztunnel']);
    expect(objects.map((o) => o.spec.interval)).toEqual(['5m', '5m', '5m', '5m', '5m']);
    expect(objects[0].spec.url).toBe('https://mirror.example.com/istio');
    expect(objects.slice(1).map((o) => o.spec.values)).toEqual(Object.values(mi.helmValues()));
    expect(objects[1].spec.chart.spec.version).toBe('1.31.0-beta.1');
    expectValid(objects);
  });

  test('without istiod, the gateways wait for base', () => {
    const mi = install({ components: { pilot: { enabled: false } }, gitOps: GitOpsInstall.flux({ chartVersion: '1.30.3', interval: Duration.seconds(90) }) });
    const releases = mi.gitOpsManifests().slice(1);
    expect(releases.map((r) => [r.metadata.name, r.spec.dependsOn?.[0].name, r.spec.interval])).toEqual([['istio-base', undefined, '90s'], ['istio-ingressgateway', 'istio-base', '90s']]);
  });
});

describe('the model validation is live', () => {
  test('an Application without a project and a HelmRelease with a bad dependsOn are refused', () => {
    const [app] = install({ gitOps: GitOpsInstall.argoCd({ chartVersion: '1.30.3' }) }).gitOpsManifests();
    const release = install({ gitOps: GitOpsInstall.flux({ chartVersion: '1.30.3' }) }).gitOpsManifests()[2];
    const { project: _, ...noProject } = app.spec;
    const result = validateWithModels([{ ...app, spec: noProject }, { ...release, spec: { ...release.spec, dependsOn: 'istio-base' } }, { apiVersion: 'v1', kind: 'Thing' }]);
    expect(result[0]).toMatch(/project/);
    expect(result[1]).toMatch(/dependsOn/);
    expect(result[2]).toBe('no model for v1 Thing');
  });
});

describe('MeshInstallation writes the GitOps file', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-gitops-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function synth(gitOps: GitOpsInstall | undefined, profile = MeshProfile.DEMO): MeshInstallation {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'apps');
    const mi = new MeshInstallation(chart, 'istio', { profile, gitOps });
    app.synth();
    return mi;
  }

  function readDocs(file: string): unknown[] {
    return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON());
  }

  test('Argo CD: gitops/argocd-applications.yaml after app.synth(), and the README says how to apply it', () => {
    const mi = synth(GitOpsInstall.argoCd({ chartVersion: '1.30.3' }), MeshProfile.AMBIENT);
    const file = path.join(tmp, 'istio-install', 'gitops', 'argocd-applications.yaml');
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^# Generated by cdk8s-istio: Argo CD Applications installing Istio 1\.30\.3/);
    const docs = readDocs(file);
    expect(docs).toEqual(mi.gitOpsManifests());
    expect(docs).toHaveLength(4);
    expectValid(docs);
    const readme = fs.readFileSync(path.join(tmp, 'istio-install', 'README.md'), 'utf8');
    expect(readme).toContain('istioctl install -f istio-operator.yaml');
    expect(readme).toContain('## Install with Argo CD');
    expect(readme).toContain('kubectl apply -n argocd -f gitops/argocd-applications.yaml');
    // the app's own output holds no Application
    const dist = fs.readdirSync(path.join(tmp, 'dist')).map((f) => fs.readFileSync(path.join(tmp, 'dist', f), 'utf8')).join('\n');
    expect(dist).not.toContain('argoproj.io');
  });

  test('Flux: gitops/flux-helmreleases.yaml replaces the Argo CD file of an earlier synthesis', () => {
    synth(GitOpsInstall.argoCd({ chartVersion: '1.30.3' }));
    const mi = synth(GitOpsInstall.flux({ chartVersion: '1.30.3', namespace: 'flux' }));
    const dir = path.join(tmp, 'istio-install', 'gitops');
    expect(fs.readdirSync(dir)).toEqual(['flux-helmreleases.yaml']);
    const docs = readDocs(path.join(dir, 'flux-helmreleases.yaml'));
    expect(docs).toEqual(mi.gitOpsManifests());
    expect(docs.map((d: any) => d.kind)).toEqual(['HelmRepository', 'HelmRelease', 'HelmRelease', 'HelmRelease', 'HelmRelease']);
    expectValid(docs);
    const readme = fs.readFileSync(path.join(tmp, 'istio-install', 'README.md'), 'utf8');
    expect(readme).toContain('## Install with Flux');
    expect(readme).toContain('kubectl apply -n flux -f gitops/flux-helmreleases.yaml');
  });

  test('without gitOps: no objects, no file (an earlier one is removed), no README section', () => {
    synth(GitOpsInstall.flux({ chartVersion: '1.30.3' }));
    const mi = synth(undefined);
    expect(mi.gitOpsManifests()).toEqual([]);
    expect(fs.readdirSync(path.join(tmp, 'istio-install', 'gitops'))).toEqual([]);
    expect(fs.readFileSync(path.join(tmp, 'istio-install', 'README.md'), 'utf8')).not.toContain('gitops/');
  });

  test('the factories expose the tool, version, repository, namespace and file', () => {
    const argo = GitOpsInstall.argoCd({ chartVersion: '1.30.3' });
    expect([argo.tool, argo.chartVersion, argo.repository, argo.namespace, argo.fileName]).toEqual([GitOpsTool.ARGO_CD, '1.30.3', REPO, 'argocd', 'gitops/argocd-applications.yaml']);
    const flux = GitOpsInstall.flux({ chartVersion: '1.30.3' });
    expect([flux.tool, flux.namespace, flux.fileName]).toEqual([GitOpsTool.FLUX, 'flux-system', 'gitops/flux-helmreleases.yaml']);
  });
});

describe('GitOpsInstall refuses bad input', () => {
  const argo = (o: Partial<ArgoCdInstallOptions>) => () => GitOpsInstall.argoCd({ chartVersion: '1.30.3', ...o } as ArgoCdInstallOptions);
  const flux = (o: Partial<FluxInstallOptions>) => () => GitOpsInstall.flux({ chartVersion: '1.30.3', ...o } as FluxInstallOptions);
  const bad: [string, () => unknown, RegExp][] = [
    ['a missing chartVersion', argo({ chartVersion: undefined }), /^\[GitOpsInstall\.argoCd\] chartVersion undefined is invalid: the chart version is required.*Fix: pass the Istio version to install/],
    ['a chartVersion without a patch number', flux({ chartVersion: '1.30' }), /^\[GitOpsInstall\.flux\] chartVersion "1\.30" is invalid: a chart version is an exact semantic version.*Fix: use an exact Istio release, e\.g\. "1\.30\.3"/],
    ['a chartVersion with a "v"', argo({ chartVersion: 'v1.30.3' }), /chartVersion "v1\.30\.3" is invalid: .*Fix: drop the "v": "1\.30\.3"/],
    ['a chartVersion range', argo({ chartVersion: '^1.30.0' }), /chartVersion "\^1\.30\.0" is invalid/],
    ['a chartVersion that is a number', flux({ chartVersion: 1.3 as unknown as string }), /chartVersion 1\.3 is invalid/],
    ['a repository over http', argo({ repository: 'http://charts.example.com' }), /\[GitOpsInstall\.argoCd\] repository "http:\/\/charts\.example\.com" is invalid: it must be an https URL.*Fix: leave repository out/],
    ['a repository that is not a URL', flux({ repository: 'istio-release.storage.googleapis.com/charts' }), /\[GitOpsInstall\.flux\] repository "istio-release\.storage\.googleapis\.com\/charts" is invalid: it must be an https URL/],
    ['an Argo CD namespace that is not a DNS label', argo({ namespace: 'Argo_CD' }), /\[GitOpsInstall\.argoCd\] namespace "Argo_CD" is invalid: it must be a DNS-1123 label/],
    ['a Flux namespace that is not a DNS label', flux({ namespace: 'flux.system' }), /\[GitOpsInstall\.flux\] namespace "flux\.system" is invalid/],
    ['an empty project', argo({ project: '' }), /\[GitOpsInstall\.argoCd\] project "" is invalid: it must not be empty\. Fix: leave project out/],
    ['a project with spaces', argo({ project: 'My Project' }), /project "My Project" is invalid: it must be a DNS-1123 subdomain/],
    ['a destination server without a scheme', argo({ destinationServer: 'kubernetes.default.svc' }), /destinationServer "kubernetes\.default\.svc" is invalid: it must be an https URL.*Fix: leave destinationServer out/],
    ['automated given as a string', argo({ automated: 'yes' as unknown as boolean }), /automated "yes" is invalid: automated must be true or false/],
    ['a zero interval', flux({ interval: Duration.seconds(0) }), /\[GitOpsInstall\.flux\] interval "0ms" is invalid: Flux needs a positive reconciliation interval.*Fix: use e\.g\. Duration\.minutes\(10\)/],
    ['an interval below a second', flux({ interval: Duration.millis(500) }), /interval "500ms" is invalid/],
    ['an interval given as a string', flux({ interval: '10m' as unknown as Duration }), /interval "10m" is invalid: the interval must be a cdk8s Duration/],
    ['no options at all', () => GitOpsInstall.flux(undefined as unknown as FluxInstallOptions), /\[GitOpsInstall\.flux\] options undefined is invalid: the options are required/],
  ];

  test.each(bad)('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('every message names the fix', () => {
    for (const [, make] of bad) expect(make).toThrow(/ Fix: \S/);
  });

  test('gitOps that is not a GitOpsInstall', () => {
    expect(() => install({ gitOps: { tool: 'argocd', chartVersion: '1.30.3' } as unknown as GitOpsInstall })).toThrow(/\[istio\] gitOps \{"tool":"argocd","chartVersion":"1\.30\.3"\} is invalid: gitOps must be a GitOpsInstall\. Fix: pass GitOpsInstall\.argoCd/);
  });

  test('two charts with one release name (a gateway named istiod)', () => {
    const props: MeshInstallationProps = { components: { ingressGateways: [{ name: 'istiod', namespace: 'edge' }] } };
    expect(() => install(props)).not.toThrow();
    expect(() => install({ ...props, gitOps: GitOpsInstall.argoCd({ chartVersion: '1.30.3' }) })).toThrow(/\[istio\] gitOps "istiod" is invalid: the charts istiod and gateway-istiod have the same release name.*Fix: rename the gateway/);
  });
});

test('snapshot: Argo CD Applications and Flux HelmReleases of the demo profile', () => {
  const manifests = (gitOps: GitOpsInstall) => new MeshInstallation(new App(), 'istio', {
    profile: MeshProfile.DEMO, gitOps, outdir: path.join(os.tmpdir(), 'never-written-gitops'),
  }).gitOpsManifests();
  expect({
    argoCd: manifests(GitOpsInstall.argoCd({ chartVersion: '1.30.3' })),
    flux: manifests(GitOpsInstall.flux({ chartVersion: '1.30.3', interval: Duration.minutes(10) })),
  }).toMatchSnapshot();
});
