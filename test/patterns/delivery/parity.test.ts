// Parity with the controllers' own examples: Flagger's Istio canary and A/B test, Argo
// Rollouts' Istio subset split and mirror, rebuilt with FlaggerCanary and ArgoRollout using
// the references' values. Each reference object is compared with the library's object of the
// same kind, field by field; every difference that remains is listed below with its reason,
// and the test asserts that the differences found are exactly the listed ones.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import {
  ArgoRollout,
  DeliveryMetric,
  DeploymentNaming,
  FlaggerCanary,
  FlaggerWebhook,
  Gateway,
  MeshService,
  RequestMatch,
  RolloutStep,
  Server,
  StringMatch,
} from '../../../src';

type Obj = { [key: string]: any };

const FIXTURES = path.join(__dirname, 'fixtures');
const load = (file: string): Obj[] =>
  (yaml.loadAll(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Obj[]).filter((o) => o !== null && o !== undefined);

// ---------------------------------------------------------------------------------------------
// The comparison.

/**
 * Values the Kubernetes API server fills in when a field is left out, filled in on both sides
 * before the comparison (a left-out default and the explicit default mean the same).
 */
function withApiDefaults(o: Obj, namespace: string): Obj {
  const out: Obj = JSON.parse(JSON.stringify(o));
  // The references are namespace-less (applied with `kubectl apply -n`): compared as applied to
  // the namespace the library's objects are in.
  out.metadata.namespace ??= namespace;
  const ports = (list: Obj[] | undefined) => list?.forEach((p) => { p.protocol ??= 'TCP'; });
  const podSpec = (spec: Obj | undefined) => {
    if (spec === undefined) return;
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.restartPolicy ??= 'Always';
    spec.terminationGracePeriodSeconds ??= 30;
    if (spec.hostNetwork === false) delete spec.hostNetwork;
    if (spec.setHostnameAsFQDN === false) delete spec.setHostnameAsFQDN;
    for (const c of spec.containers ?? []) ports(c.ports);
  };
  if (out.kind === 'Service') {
    out.spec.type ??= 'ClusterIP';
    ports(out.spec.ports);
    if (Array.isArray(out.spec.externalIPs) && out.spec.externalIPs.length === 0) delete out.spec.externalIPs;
  }
  if (out.kind === 'Rollout' || out.kind === 'Deployment') {
    out.spec.replicas ??= 1;
    out.spec.progressDeadlineSeconds ??= 600;
    podSpec(out.spec.template?.spec);
  }
  return out;
}

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Lists of objects with distinct names are compared by name (`webhooks[load-test]`), other lists by index. */
function keyedByName(list: unknown[]): Map<string, unknown> | undefined {
  if (!list.every((e) => isObject(e) && typeof e.name === 'string')) return undefined;
  const map = new Map(list.map((e) => [(e as Obj).name as string, e]));
  return map.size === list.length ? map : undefined;
}

/**
 * The paths where `lib` differs from `ref`: a value that differs, or a subtree present on one
 * side only (reported at its root).
 */
function differingPaths(ref: unknown, lib: unknown, at = ''): string[] {
  if (isObject(ref) && isObject(lib)) {
    const keys = [...new Set([...Object.keys(ref), ...Object.keys(lib)])];
    return keys.flatMap((k) => differingPaths(ref[k], lib[k], at === '' ? k : `${at}.${k}`));
  }
  if (Array.isArray(ref) && Array.isArray(lib)) {
    const r = keyedByName(ref);
    const l = keyedByName(lib);
    if (r !== undefined && l !== undefined) {
      const names = [...new Set([...r.keys(), ...l.keys()])];
      return names.flatMap((n) => differingPaths(r.get(n), l.get(n), `${at}[${n}]`));
    }
    return Array.from({ length: Math.max(ref.length, lib.length) }, (_, i) => differingPaths(ref[i], lib[i], `${at}[${i}]`)).flat();
  }
  return JSON.stringify(ref) === JSON.stringify(lib) ? [] : [at];
}

/**
 * Compares every reference object with the library's object of the same kind (the one of the
 * same name, else the only one of that kind): `Kind/name path` per difference,
 * `Kind/name (not emitted)` for a reference object the library has no counterpart of, and
 * `+Kind/name` for a library object no reference object corresponds to.
 */
function compare(reference: Obj[], library: Obj[], namespace: string): string[] {
  const out: string[] = [];
  const matched = new Set<Obj>();
  for (const ref of reference) {
    const sameKind = library.filter((o) => o.kind === ref.kind);
    const lib = sameKind.find((o) => o.metadata.name === ref.metadata.name) ?? (sameKind.length === 1 ? sameKind[0] : undefined);
    const id = `${ref.kind}/${ref.metadata.name}`;
    if (lib === undefined) {
      out.push(`${id} (not emitted)`);
      continue;
    }
    matched.add(lib);
    out.push(...differingPaths(withApiDefaults(ref, namespace), withApiDefaults(lib, namespace)).map((p) => `${id} ${p}`));
  }
  for (const lib of library) if (!matched.has(lib)) out.push(`+${lib.kind}/${lib.metadata.name}`);
  return out.sort();
}

/** The reasons, keyed by the difference (as `compare` writes it). */
type Justification = { [difference: string]: string };

function expectOnlyJustified(reference: Obj[], library: Obj[], namespace: string, justified: Justification): void {
  for (const reason of Object.values(justified)) expect(reason.length).toBeGreaterThan(20);
  expect(compare(reference, library, namespace)).toEqual(Object.keys(justified).sort());
}

// Reasons shared by several differences.
const SECURE_CONTAINER = 'the library\'s secure container defaults: non-root, read-only root filesystem, no privilege escalation, capabilities dropped, seccomp';
const TMP_VOLUME = 'an emptyDir on /tmp: the root filesystem is read-only by default';
const READINESS = 'the library adds a readiness probe on the main port by default';
const PULL_POLICY = 'the library pulls images Always by default (a tag may be moved)';
const SERVICE_ACCOUNT = 'the library gives each service its own ServiceAccount (its mTLS identity) and does not mount the token';
const POD_SECURITY = 'the library\'s pod security context: runAsNonRoot, fsGroupChangePolicy';
const VERSION_LABEL = 'the library labels pods with their version (Istio\'s canonical revision, telemetry)';
const ADDR_LABEL = 'cdk8s-plus labels the pods of each workload with the address of its construct';
const API_VERSION = 'the library writes networking.istio.io/v1 (the references use v1alpha3, the same schema for these fields)';
const FQDN = 'the library writes hosts as FQDNs (<name>.<namespace>.svc.cluster.local); the references use short names, resolved in the same namespace';
const MTLS = 'secure by default: the library\'s DestinationRule requires Istio mutual TLS (ISTIO_MUTUAL)';
const NAMES = 'the library names the VirtualService and DestinationRule after the service (the reference adds -vsvc / -destrule)';
const APP_PROTOCOL = 'the library declares the port\'s protocol (appProtocol), so Istio does not guess it';
const TARGET_PORT = 'the library writes the container port by number (the reference names it: http, the same port)';
const ROLLOUT_LABELS = 'the library labels the Rollout like its pods (app)';
const TARGET_WORKLOAD = 'the target workload: Flagger\'s tutorial applies it from its own kustomization, next to the Canary';

/** The pod-template differences of a library workload from a reference one (container `name`). */
function podTemplateDifferences(prefix: string, container: string): Justification {
  return {
    [`${prefix} spec.template.metadata.labels.version`]: VERSION_LABEL,
    [`${prefix} spec.template.metadata.labels.cdk8s.io/metadata.addr`]: ADDR_LABEL,
    [`${prefix} spec.template.spec.automountServiceAccountToken`]: SERVICE_ACCOUNT,
    [`${prefix} spec.template.spec.serviceAccountName`]: SERVICE_ACCOUNT,
    [`${prefix} spec.template.spec.securityContext`]: POD_SECURITY,
    [`${prefix} spec.template.spec.volumes`]: TMP_VOLUME,
    [`${prefix} spec.template.spec.containers[${container}].volumeMounts`]: TMP_VOLUME,
    [`${prefix} spec.template.spec.containers[${container}].securityContext`]: SECURE_CONTAINER,
    [`${prefix} spec.template.spec.containers[${container}].readinessProbe`]: READINESS,
    [`${prefix} spec.template.spec.containers[${container}].imagePullPolicy`]: PULL_POLICY,
  };
}

// ---------------------------------------------------------------------------------------------
// The rebuilds, with the references' values.

const REQUESTS = { cpu: { request: Cpu.millis(5) }, memory: { request: Size.mebibytes(16) } };

/** Flagger's podinfo (tutorial): Service port 80 to container port 9898, an autoscaler. */
function podinfoCanary(variant: 'canary' | 'abtest'): Obj[] {
  const chart = new Chart(Testing.app(), 'podinfo', { namespace: 'test' });
  const target = new MeshService(chart, 'podinfo', {
    port: 80,
    containerPort: 9898,
    portName: 'http',
    image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
    deploymentNaming: DeploymentNaming.PLAIN,
    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 99 },
  });
  const strategy = variant === 'canary'
    ? { progressDeadline: Duration.seconds(600), skipAnalysis: false, maxWeight: 50, stepWeight: 5 }
    : { iterations: 10, match: [RequestMatch.cookieRegex('^(.*?;)?(type=insider)(;.*)?$'), RequestMatch.userAgent('.*Firefox.*')] };
  const loadTest = variant === 'canary' ? 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test/' : 'hey -z 1m -q 10 -c 2 -H \'Cookie: type=insider\' http://podinfo.test/';
  new FlaggerCanary(chart, 'canary', {
    target,
    gateways: [Gateway.fromGatewayName('public-gateway', 'istio-system'), Gateway.MESH],
    hosts: ['app.example.com'],
    requireMutualTls: false,
    routeMatch: [RequestMatch.of({ uri: StringMatch.prefix('/') })],
    rewrite: { uri: '/' },
    timeout: Duration.seconds(30),
    interval: Duration.seconds(15),
    threshold: 10,
    ...strategy,
    metrics: [
      DeliveryMetric.requestSuccessRate({ minPercent: 99, interval: Duration.minutes(1) }),
      DeliveryMetric.requestDuration({ max: Duration.millis(500), interval: Duration.seconds(30) }),
    ],
    webhooks: [
      FlaggerWebhook.preRollout({
        name: 'conformance-test',
        url: 'http://flagger-loadtester.test/',
        timeout: Duration.seconds(15),
        metadata: { type: 'bash', cmd: 'curl -sd \'test\' http://podinfo-canary.test/token | grep token' },
      }),
      FlaggerWebhook.rollout({ name: 'load-test', url: 'http://flagger-loadtester.test/', timeout: Duration.seconds(5), metadata: { type: 'cmd', cmd: loadTest } }),
    ],
  });
  return Testing.synth(chart);
}

const ARGO_NS = 'default';

function subsetSplit(): Obj[] {
  const chart = new Chart(Testing.app(), 'istio-subset-split', { namespace: ARGO_NS });
  const target = new MeshService(chart, 'istio-subset-split', {
    port: 80, containerPort: 80, portName: 'http', image: 'nginx:1.19-alpine', deploymentNaming: DeploymentNaming.PLAIN, resources: REQUESTS,
  });
  new ArgoRollout(chart, 'rollout', { target, steps: [RolloutStep.weight(10), RolloutStep.pause()] });
  return Testing.synth(chart);
}

function mirror(): Obj[] {
  const chart = new Chart(Testing.app(), 'istio-host-split', { namespace: ARGO_NS });
  const target = new MeshService(chart, 'istio-host-split', {
    port: 80,
    containerPort: 8080,
    portName: 'http',
    versions: [{ version: 'v1', image: 'argoproj/rollouts-demo:green', replicas: 4 }],
    deploymentNaming: DeploymentNaming.PLAIN,
    resources: REQUESTS,
  });
  const gateway = new Gateway(chart, 'gateway', { metadata: { name: 'istio-host-split-gateway' }, servers: [Server.http({ hosts: ['istio-host-split.com'] })] });
  new ArgoRollout(chart, 'rollout', {
    target,
    gateways: [gateway],
    hosts: ['istio-host-split.com'],
    steps: [
      RolloutStep.canaryScale(50),
      RolloutStep.mirrorRoute({ name: 'mirror-route', percentage: 50, match: [RequestMatch.of({ method: StringMatch.exact('POST'), uri: StringMatch.prefix('/color') })] }),
      RolloutStep.pause(),
    ],
  });
  return Testing.synth(chart);
}

// ---------------------------------------------------------------------------------------------
// The justified differences.

/** Both Flagger Canaries (the same service block). */
const FLAGGER_SHARED: Justification = {
  'Canary/podinfo spec.service.portDiscovery': 'Flagger\'s example discovers further ports of the pods; the library sets portDiscovery only when the MeshService has '
    + 'further ports (podinfo here has one)',
  'Canary/podinfo spec.service.trafficPolicy': 'the example disables TLS towards podinfo (tls: DISABLE); the library never writes DISABLE: with requireMutualTls: '
    + 'false it leaves the policy out, and Istio\'s auto mTLS decides',
  'Canary/podinfo spec.service.appProtocol': APP_PROTOCOL,
  '+Deployment/podinfo': TARGET_WORKLOAD,
  '+HorizontalPodAutoscaler/podinfo': TARGET_WORKLOAD,
  '+ServiceAccount/podinfo': SERVICE_ACCOUNT,
};

const JUSTIFIED: { [reference: string]: Justification } = {
  'istio-canary.yaml': { ...FLAGGER_SHARED },
  'istio-abtest.yaml': { ...FLAGGER_SHARED },
  'istio-subset-split.yaml': {
    'Service/istio-subset-split metadata.labels': 'the library labels the Service with app and service (Istio\'s and Kiali\'s conventions)',
    'Service/istio-subset-split spec.ports[http].targetPort': TARGET_PORT,
    'Service/istio-subset-split spec.ports[http].appProtocol': APP_PROTOCOL,
    'VirtualService/istio-subset-split-vsvc apiVersion': API_VERSION,
    'VirtualService/istio-subset-split-vsvc metadata.name': NAMES,
    'VirtualService/istio-subset-split-vsvc spec.hosts[0]': FQDN,
    'VirtualService/istio-subset-split-vsvc spec.http[primary].route[0].destination.host': FQDN,
    'VirtualService/istio-subset-split-vsvc spec.http[primary].route[1].destination.host': FQDN,
    'DestinationRule/istio-subset-split-destrule apiVersion': API_VERSION,
    'DestinationRule/istio-subset-split-destrule metadata.name': NAMES,
    'DestinationRule/istio-subset-split-destrule spec.host': FQDN,
    'DestinationRule/istio-subset-split-destrule spec.trafficPolicy': MTLS,
    'Rollout/istio-subset-split metadata.labels': ROLLOUT_LABELS,
    'Rollout/istio-subset-split spec.strategy.canary.trafficRouting.istio.virtualService.name': NAMES,
    'Rollout/istio-subset-split spec.strategy.canary.trafficRouting.istio.destinationRule.name': NAMES,
    ...podTemplateDifferences('Rollout/istio-subset-split', 'istio-subset-split'),
    '+ServiceAccount/istio-subset-split': SERVICE_ACCOUNT,
  },
  'istio-mirror.yaml': {
    // Argo's mirror example splits by host (a stable and a canary Service); ArgoRollout splits by
    // subset of one Service, so the host-level parts have no counterpart.
    'Service/istio-host-split-canary metadata.name': 'host-level splitting: ArgoRollout emits one Service (subset-level splitting), no -canary/-stable Services',
    'Service/istio-host-split-stable metadata.name': 'host-level splitting: ArgoRollout emits one Service (subset-level splitting), no -canary/-stable Services',
    'Service/istio-host-split-canary metadata.labels': 'the library labels the Service with app and service (Istio\'s and Kiali\'s conventions)',
    'Service/istio-host-split-stable metadata.labels': 'the library labels the Service with app and service (Istio\'s and Kiali\'s conventions)',
    'Service/istio-host-split-canary spec.ports[http].targetPort': TARGET_PORT,
    'Service/istio-host-split-stable spec.ports[http].targetPort': TARGET_PORT,
    'Service/istio-host-split-canary spec.ports[http].appProtocol': APP_PROTOCOL,
    'Service/istio-host-split-stable spec.ports[http].appProtocol': APP_PROTOCOL,
    'VirtualService/istio-host-split-vsvc apiVersion': API_VERSION,
    'VirtualService/istio-host-split-vsvc metadata.name': NAMES,
    'VirtualService/istio-host-split-vsvc spec.hosts[0]': 'the rollout\'s VirtualService routes the service\'s mesh host first (the sidecars\' '
      + 'traffic is split too); the example\'s public host follows (hosts)',
    'VirtualService/istio-host-split-vsvc spec.hosts[1]': 'the example\'s public host istio-host-split.com, after the mesh host (hosts)',
    'VirtualService/istio-host-split-vsvc spec.gateways[1]': 'ArgoRollout keeps mesh next to the given gateways, so the sidecars\' traffic is '
      + 'split as well as the gateway\'s',
    'VirtualService/istio-host-split-vsvc spec.http[primary].route[0].destination.host': 'subset-level splitting: the service\'s FQDN (subset stable) '
      + 'instead of the -stable Service',
    'VirtualService/istio-host-split-vsvc spec.http[primary].route[1].destination.host': 'subset-level splitting: the service\'s FQDN (subset canary) '
      + 'instead of the -canary Service',
    'VirtualService/istio-host-split-vsvc spec.http[primary].route[0].destination.subset': 'subset-level splitting: the stable subset',
    'VirtualService/istio-host-split-vsvc spec.http[primary].route[1].destination.subset': 'subset-level splitting: the canary subset',
    'Rollout/istio-host-split metadata.labels': ROLLOUT_LABELS,
    'Rollout/istio-host-split spec.strategy.canary.canaryService': 'host-level splitting only: ArgoRollout splits by DestinationRule subset',
    'Rollout/istio-host-split spec.strategy.canary.stableService': 'host-level splitting only: ArgoRollout splits by DestinationRule subset',
    'Rollout/istio-host-split spec.strategy.canary.trafficRouting.istio.destinationRule': 'subset-level splitting: the DestinationRule with the subsets',
    'Rollout/istio-host-split spec.strategy.canary.trafficRouting.istio.virtualService.name': NAMES,
    ...podTemplateDifferences('Rollout/istio-host-split', 'istio-host-split'),
    'Gateway/istio-host-split-gateway apiVersion': API_VERSION,
    '+DestinationRule/istio-host-split': 'subset-level splitting: the subsets stable and canary (with ISTIO_MUTUAL, secure by default)',
    '+ServiceAccount/istio-host-split': SERVICE_ACCOUNT,
  },
};

/** Each reference's rebuild, and the namespace of the rebuild. */
const BUILDS: { [reference: string]: [() => Obj[], string] } = {
  'istio-canary.yaml': [() => podinfoCanary('canary'), 'test'],
  'istio-abtest.yaml': [() => podinfoCanary('abtest'), 'test'],
  'istio-subset-split.yaml': [subsetSplit, ARGO_NS],
  'istio-mirror.yaml': [mirror, ARGO_NS],
};

// ---------------------------------------------------------------------------------------------

describe('parity with the controllers\' examples', () => {
  test('the references are vendored verbatim', () => {
    const listed = fs.readFileSync(path.join(FIXTURES, 'README.md'), 'utf8').matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm);
    const sums = [...listed].map(([, sha, file]) => [file, sha]);
    expect(sums.map(([f]) => f).sort()).toEqual(Object.keys(BUILDS).sort());
    for (const [file, sha] of sums) expect([file, createHash('sha256').update(fs.readFileSync(path.join(FIXTURES, file))).digest('hex')]).toEqual([file, sha]);
  });

  test('the comparison finds a changed, a missing and an added field, and compares named lists by name', () => {
    const ref = { a: 1, b: { c: [1, 2] }, d: [{ name: 'x', v: 1 }, { name: 'y', v: 2 }], e: 'gone' };
    const lib = { a: 1, b: { c: [1, 3] }, d: [{ name: 'y', v: 2 }, { name: 'x', v: 5 }], f: { g: 1 } };
    expect(differingPaths(ref, lib).sort()).toEqual(['b.c[1]', 'd[x].v', 'e', 'f']);
    expect(differingPaths(ref, JSON.parse(JSON.stringify(ref)))).toEqual([]);
    const svc = { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80 }] } };
    expect(compare([svc], [{ ...svc, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }], type: 'ClusterIP' } }], 'ns')).toEqual([]);
    expect(compare([svc], [], 'ns')).toEqual(['Service/s (not emitted)']);
  });

  test.each(Object.keys(BUILDS))('%s: the only differences are the justified ones', (file) => {
    const [build, namespace] = BUILDS[file];
    expectOnlyJustified(load(file), build(), namespace, JUSTIFIED[file]);
  });

  test('Flagger: the analysis of both examples is rebuilt exactly (steps, checks, webhooks, A/B matches)', () => {
    for (const [file, variant] of [['istio-canary.yaml', 'canary'], ['istio-abtest.yaml', 'abtest']] as const) {
      const ref = load(file).find((o) => o.kind === 'Canary')!;
      const lib = podinfoCanary(variant).find((o) => o.kind === 'Canary')!;
      expect(lib.spec.analysis).toEqual(ref.spec.analysis);
      expect(lib.spec.targetRef).toEqual(ref.spec.targetRef);
      expect(lib.spec.autoscalerRef).toEqual(ref.spec.autoscalerRef);
      for (const key of ['name', 'port', 'targetPort', 'portName', 'gateways', 'hosts', 'match', 'rewrite', 'timeout']) {
        expect([key, lib.spec.service[key]]).toEqual([key, ref.spec.service[key]]);
      }
    }
  });

  test('Argo mirror: steps, managed routes and the mirror route\'s match are rebuilt exactly', () => {
    const ref = load('istio-mirror.yaml').find((o) => o.kind === 'Rollout')!.spec;
    const lib = mirror().find((o) => o.kind === 'Rollout')!.spec;
    expect(lib.strategy.canary.steps).toEqual(ref.strategy.canary.steps);
    expect(lib.strategy.canary.trafficRouting.managedRoutes).toEqual(ref.strategy.canary.trafficRouting.managedRoutes);
    expect(lib.strategy.canary.trafficRouting.istio.virtualService.routes).toEqual(ref.strategy.canary.trafficRouting.istio.virtualService.routes);
    expect(lib.replicas).toBe(ref.replicas);
    expect(lib.template.spec.containers[0].image).toBe(ref.template.spec.containers[0].image);
  });

  test('Argo subset split: the routing objects are the ones the Rollout names, with the reference\'s route and subsets', () => {
    const out = subsetSplit();
    const ref = load('istio-subset-split.yaml');
    const rollout = out.find((o) => o.kind === 'Rollout')!;
    const istio = rollout.spec.strategy.canary.trafficRouting.istio;
    const refIstio = ref.find((o) => o.kind === 'Rollout')!.spec.strategy.canary.trafficRouting.istio;
    // The Rollout names the objects the library emits, as the reference's Rollout names its own.
    expect(out.find((o) => o.kind === 'VirtualService')!.metadata.name).toBe(istio.virtualService.name);
    expect(out.find((o) => o.kind === 'DestinationRule')!.metadata.name).toBe(istio.destinationRule.name);
    expect(ref.find((o) => o.kind === 'VirtualService')!.metadata.name).toBe(refIstio.virtualService.name);
    expect({ ...istio.destinationRule, name: undefined }).toEqual({ ...refIstio.destinationRule, name: undefined });
    expect(rollout.spec.strategy.canary.steps).toEqual(ref.find((o) => o.kind === 'Rollout')!.spec.strategy.canary.steps);
  });
});
