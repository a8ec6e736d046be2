// Parity with Istio 1.30.3's rate-limit samples (vendored in fixtures/): each sample is rebuilt
// with LocalRateLimit, RateLimitService and GlobalRateLimit using the sample's values, and the
// objects are compared semantically (parsed YAML, field by field). The EnvoyFilter specs must be
// equal; every other difference is listed below with its reason, and the test asserts that the
// differences found are exactly the listed ones.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { WorkloadSelector } from '../../../src/core/workload-selector';
import { GlobalRateLimit } from '../../../src/patterns/rate-limit/global-rate-limit';
import { LocalRateLimit } from '../../../src/patterns/rate-limit/local-rate-limit';
import { RateLimitAction, RateLimitUnit } from '../../../src/patterns/rate-limit/rate-limit-descriptor';
import { RateLimitService } from '../../../src/patterns/rate-limit/rate-limit-service';
import { RateLimitTarget } from '../../../src/patterns/rate-limit/rate-limit-target';

type Obj = { [key: string]: any };

const FIXTURES = path.join(__dirname, 'fixtures');
const text = (file: string) => fs.readFileSync(path.join(FIXTURES, file), 'utf8');
const load = (file: string): Obj[] => YAML.parseAllDocuments(text(file)).map((d) => d.toJS()).filter((o) => o !== null && o !== undefined);

/** Every leaf path where `a` and `b` differ: `-path` only in a, `+path` only in b, `~path` different values. */
function diff(a: unknown, b: unknown, at = ''): string[] {
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => {
      const p = `${at}/${k}`;
      if (!(k in b)) return [`-${p}`];
      if (!(k in a)) return [`+${p}`];
      return diff(a[k], b[k], p);
    });
  }
  return a === b ? [] : [`~${at}`];
}

describe('vendored samples', () => {
  test('are the verbatim Istio 1.30.3 files listed in fixtures/README.md', () => {
    const readme = text('README.md');
    const listed = [...readme.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2], m[1]]);
    expect(listed.map(([f]) => f).sort()).toEqual(['local-rate-limit-service.yaml', 'productpage_envoy_ratelimit.yaml', 'rate-limit-service.yaml']);
    for (const [file, sha] of listed) {
      expect(`${file} ${createHash('sha256').update(fs.readFileSync(path.join(FIXTURES, file))).digest('hex')}`).toBe(`${file} ${sha}`);
    }
    expect(readme).toContain('istio/istio');
    expect(readme).toContain('tag 1.30.3');
  });
});

describe('parity with samples/ratelimit/local-rate-limit-service.yaml', () => {
  test('LocalRateLimit renders the sample\'s EnvoyFilter spec', () => {
    const [ref] = load('local-rate-limit-service.yaml');
    const chart = Testing.chart();
    new LocalRateLimit(chart, 'filter-local-ratelimit-svc', {
      target: RateLimitTarget.pods(WorkloadSelector.fromLabels({ app: 'productpage' }), 8000),
      tokenBucket: { maxTokens: 100, tokensPerFill: 100, fillInterval: Duration.seconds(60) },
      paths: [{ path: '/productpage', ignoreCase: true, tokenBucket: { maxTokens: 10, tokensPerFill: 10, fillInterval: Duration.seconds(60) } }],
      remoteAddressDescriptor: true,
      rateLimitHeaders: true,
      responseHeaders: { 'x-local-rate-limit': 'true' },
      statPrefix: 'test_enabled',
      runtimeKey: 'test_enabled',
      namespace: 'istio-system',
    });
    const out = Testing.synth(chart);
    expect(out).toHaveLength(1);
    expect(out[0].apiVersion).toBe(ref.apiVersion);
    expect(out[0].kind).toBe(ref.kind);
    // Justified: a priority orders the relative patch (the sample's 0 is istioctl's IST0151 warning).
    const { priority, ...spec } = out[0].spec;
    expect(priority).toBe(10);
    expect(spec).toEqual(ref.spec);
    // Justified: the construct names its object after its construct path (unique per chart).
    expect(diff(ref.metadata, out[0].metadata)).toEqual(['~/name']);
  });
});

describe('parity with samples/bookinfo/policy/productpage_envoy_ratelimit.yaml', () => {
  test('GlobalRateLimit renders the sample\'s two EnvoyFilter specs', () => {
    const [refFilter, refActions] = load('productpage_envoy_ratelimit.yaml');
    const chart = Testing.chart();
    new GlobalRateLimit(chart, 'filter-ratelimit', {
      target: RateLimitTarget.ingressGateway(),
      endpoint: { host: 'ratelimit.default.svc.cluster.local', port: 8081 },
      domain: 'productpage-ratelimit',
      failureModeDeny: true,
      timeout: Duration.seconds(10),
      connectTimeout: Duration.seconds(10),
      rateLimits: [{ actions: [RateLimitAction.requestHeader(':path', 'PATH')] }],
    });
    const out = Testing.synth(chart);
    expect(out.map((o) => o.kind)).toEqual(['EnvoyFilter', 'EnvoyFilter']);
    // Justified: a priority orders the relative patches (the sample's 0 is istioctl's IST0151 warning).
    const [filter, actions] = out.map(({ spec: { priority, ...spec } }) => ({ priority, spec }));
    expect([filter.priority, actions.priority]).toEqual([10, 10]);
    expect(filter.spec).toEqual(refFilter.spec);
    expect(actions.spec).toEqual(refActions.spec);
    // Justified: names follow the construct path; the namespace (istio-system, the gateway's) is the same.
    expect(diff(refFilter.metadata, out[0].metadata)).toEqual(['~/name']);
    expect(diff(refActions.metadata, out[1].metadata)).toEqual(['~/name']);
  });
});

describe('parity with samples/ratelimit/rate-limit-service.yaml', () => {
  // The ConfigMap the sample's header comment asks for, as the sample writes it.
  function commentConfigMap(): Obj {
    const lines = text('rate-limit-service.yaml').split('\n');
    const start = lines.findIndex((l) => l === '#  apiVersion: v1');
    const end = lines.findIndex((l, i) => i > start && l.startsWith('####'));
    return YAML.parse(lines.slice(start, end).map((l) => l.replace(/^# {0,2}/, '')).join('\n'));
  }

  function build(): Obj[] {
    const chart = Testing.chart();
    const service = new RateLimitService(chart, 'ratelimit', { namespace: 'default', logLevel: 'debug' });
    new GlobalRateLimit(chart, 'echo', {
      target: RateLimitTarget.ingressGateway(),
      service,
      domain: 'echo-ratelimit',
      rateLimits: [{ actions: [RateLimitAction.requestHeader(':path', 'PATH')] }],
      descriptors: [
        { key: 'PATH', value: '/', requestsPerUnit: 1, unit: RateLimitUnit.MINUTE },
        { key: 'PATH', requestsPerUnit: 100, unit: RateLimitUnit.MINUTE },
      ],
    });
    return Testing.synth(chart);
  }

  const find = (objs: Obj[], kind: string, name: string) => {
    const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
    if (o === undefined) throw new Error(`no ${kind} ${name}`);
    return o;
  };

  // Additions of the library's secure defaults (cdk8s-plus and the construct): allowed as
  // extra fields only, never as a changed sample value.
  const SECURE_ADDITIONS = [
    /^\+\/spec\/template\/spec\/securityContext$/, // pod runs as a non-root user
    /^\+\/spec\/template\/spec\/containers\/0\/(securityContext|resources|readinessProbe)$/, // locked-down container, requests/limits, readiness
    /^\+\/spec\/template\/spec\/containers\/0\/volumeMounts\/0\/readOnly$/, // the configuration is mounted read-only
    /^\+\/spec\/template\/spec\/(containers\/0\/volumeMounts|volumes)\/\d+$/, // writable emptyDirs (/tmp; redis /data) under a read-only root
    /^\+\/spec\/template\/spec\/(containers\/0\/volumeMounts|volumes)$/, // redis had none
    /^\+\/spec\/template\/spec\/automountServiceAccountToken$/, // no API token in pods that never call the API
    /^\+\/spec\/template\/metadata\/labels\/cdk8s\.io\/metadata\.addr$/, // cdk8s-plus bookkeeping label
    // API-server defaults written out by cdk8s-plus (same meaning as left out):
    /^\+\/spec\/(minReadySeconds|progressDeadlineSeconds|strategy)$/,
    /^\+\/spec\/template\/spec\/(dnsPolicy|hostNetwork|restartPolicy|setHostnameAsFQDN|terminationGracePeriodSeconds)$/,
    /^\+\/spec\/(type|externalIPs)$/,
    /^\+\/spec\/ports\/\d+\/protocol$/,
    /^\+\/metadata\/(namespace|labels)$/,
  ];
  const unexplained = (diffs: string[]) => diffs.filter((d) => !SECURE_ADDITIONS.some((r) => r.test(d)));

  test('the rate-limit Deployment and Service match the sample\'s', () => {
    const ref = load('rate-limit-service.yaml');
    const out = build();
    expect(unexplained(diff(find(ref, 'Service', 'ratelimit'), find(out, 'Service', 'ratelimit')))).toEqual([]);
    expect(unexplained(diff(find(ref, 'Deployment', 'ratelimit'), find(out, 'Deployment', 'ratelimit')))).toEqual([
      // Justified: redis is `<name>-redis` (the sample's bare "redis" would clash with any other redis of the namespace).
      '~/spec/template/spec/containers/0/env/2/value',
      // Justified: the service runs as its own ServiceAccount `<name>`, the identity redis's AuthorizationPolicy admits.
      '+/spec/template/spec/serviceAccountName',
    ]);
    expect(find(out, 'Deployment', 'ratelimit').spec.template.spec.serviceAccountName).toBe('ratelimit');
    expect(find(out, 'Deployment', 'ratelimit').spec.template.spec.containers[0].env[2]).toEqual({ name: 'REDIS_URL', value: 'ratelimit-redis:6379' });
  });

  test('the redis Deployment and Service match the sample\'s, named <name>-redis', () => {
    const ref = load('rate-limit-service.yaml');
    const out = build();
    // Justified: the name `ratelimit-redis` instead of `redis` (see above), in the name, the app label and the selectors.
    const renamed = ['~/metadata/name', '~/metadata/labels/app', '~/spec/selector/app'];
    expect(unexplained(diff(find(ref, 'Service', 'redis'), find(out, 'Service', 'ratelimit-redis')))).toEqual(renamed);
    expect(unexplained(diff(find(ref, 'Deployment', 'redis'), find(out, 'Deployment', 'ratelimit-redis')))).toEqual([
      '~/metadata/name',
      '~/spec/selector/matchLabels/app',
      '~/spec/template/metadata/labels/app',
      // Justified: redis runs as its own ServiceAccount `<name>-redis` instead of the sample's
      // `serviceAccountName: ""` (the namespace's default account, shared with every other pod).
      '~/spec/template/spec/serviceAccountName',
    ]);
    expect(find(out, 'Deployment', 'ratelimit-redis').spec.template.spec.serviceAccountName).toBe('ratelimit-redis');
  });

  test('the library\'s additions to the sample: two ServiceAccounts and the AuthorizationPolicies of a default-deny namespace', () => {
    const ref = load('rate-limit-service.yaml');
    const out = build();
    const key = (o: Obj) => `${o.kind} ${o.metadata.name}`;
    // The sample's objects, with redis named `<name>-redis` and the ConfigMap of its header comment.
    const refKeys = new Set([...ref.map((o) => key(o).replace(/ redis$/, ' ratelimit-redis')), 'ConfigMap ratelimit-config']);
    // Justified: the sample runs both pods as the namespace's default account and relies on an
    // open namespace; the library gives each its identity and admits only the needed calls
    // (ratelimit -> redis:6379, the ingress gateway -> ratelimit:8081).
    expect(out.map(key).filter((k) => !refKeys.has(k) && !k.startsWith('EnvoyFilter ')).sort()).toEqual([
      'AuthorizationPolicy ratelimit', 'AuthorizationPolicy ratelimit-redis', 'ServiceAccount ratelimit', 'ServiceAccount ratelimit-redis',
    ]);
    for (const name of ['ratelimit', 'ratelimit-redis']) {
      expect(find(out, 'ServiceAccount', name)).toMatchObject({ metadata: { namespace: 'default' }, automountServiceAccountToken: false });
    }
  });

  test('the descriptor ConfigMap holds the configuration of the sample\'s comment', () => {
    const ref = commentConfigMap();
    const config = find(build(), 'ConfigMap', 'ratelimit-config');
    // Justified: one file per domain (`<domain>.yaml` instead of `config.yaml`), so several
    // GlobalRateLimits can share the service; the service loads every file of the directory.
    expect(Object.keys(config.data)).toEqual(['echo-ratelimit.yaml']);
    expect(YAML.parse(config.data['echo-ratelimit.yaml'])).toEqual(YAML.parse(ref.data['config.yaml']));
  });
});
