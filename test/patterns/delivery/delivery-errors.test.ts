// Bad inputs of the delivery constructs: each is refused with a message that names the field,
// shows the bad value and says how to fix it.
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import {
  ArgoRollout,
  ArgoRolloutProps,
  DeliveryMetric,
  DeploymentNaming,
  FaultInjection,
  FlaggerCanary,
  FlaggerCanaryProps,
  FlaggerWebhook,
  MeshService,
  MeshServiceProps,
  RequestMatch,
  RolloutStep,
  StringMatch,
  VirtualService,
} from '../../../src';

const NS = 'test';
const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const URL = 'http://flagger-loadtester.test/';

function newChart(): Chart {
  return new Chart(Testing.app(), 'app', { namespace: NS });
}

function podinfo(chart: Chart, props: Partial<MeshServiceProps> = {}, id = 'podinfo'): MeshService {
  return new MeshService(chart, id, { port: 80, containerPort: 9898, image: IMAGE, deploymentNaming: DeploymentNaming.PLAIN, ...props });
}

const flagger = (props: Partial<FlaggerCanaryProps>, target: Partial<MeshServiceProps> = {}) => () => {
  const chart = newChart();
  new FlaggerCanary(chart, 'canary', { target: podinfo(chart, target), ...props });
  return Testing.synth(chart);
};

const argo = (props: Partial<ArgoRolloutProps>, target: Partial<MeshServiceProps> = {}) => () => {
  const chart = newChart();
  new ArgoRollout(chart, 'rollout', { target: podinfo(chart, target), ...props });
  return Testing.synth(chart);
};

/** The error `fn` throws: the field, then the value as the library shows it, then the problem and the fix. */
function expectInvalid(fn: () => unknown, field: string, shownValue: string, problem?: RegExp): string {
  let message: string | undefined;
  try {
    fn();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBeDefined();
  expect(message).toContain(`${field} ${shownValue} is invalid: `);
  expect(message).toMatch(/ is invalid: .+\. Fix: \S.+/);
  if (problem !== undefined) expect(message).toMatch(problem);
  return message!;
}

describe('FlaggerCanary: bad analysis options', () => {
  test('stepWeight above maxWeight', () => {
    expectInvalid(flagger({ stepWeight: 60, maxWeight: 50 }), 'stepWeight', '60', /above maxWeight \(50\).*Fix: make stepWeight at most 50/);
  });

  test('maxWeight over 100', () => {
    expectInvalid(flagger({ maxWeight: 120 }), 'maxWeight', '120', /whole percentage from 1 to 100/);
  });

  test('threshold below 1 or not whole: 0 and 1.5', () => {
    expectInvalid(flagger({ threshold: 0 }), 'threshold', '0', /at least 1.*Fix: give e\.g\. threshold: 5/);
    expectInvalid(flagger({ threshold: 1.5 }), 'threshold', '1.5', /whole number/);
  });

  test('a metric interval shorter than the analysis interval', () => {
    expectInvalid(
      flagger({ interval: Duration.minutes(1), metrics: [DeliveryMetric.errorRate({ interval: Duration.seconds(30) })] }),
      'metrics[0].interval', '"30s"', /shorter than the analysis interval \(1m\).*Fix: make the metric interval at least 1m/,
    );
    // The same interval is fine.
    expect(flagger({ interval: Duration.seconds(30), metrics: [DeliveryMetric.errorRate({ interval: Duration.seconds(30) })] })).not.toThrow();
  });

  test('an A/B match without iterations', () => {
    expectInvalid(flagger({ match: [RequestMatch.user('jason')] }), 'iterations', 'undefined', /Fix: give e\.g\. iterations: 10/);
  });

  test('iterations together with stepWeight', () => {
    expectInvalid(flagger({ iterations: 10, stepWeight: 5 }), 'stepWeight', '5', /different strategies.*Fix: leave stepWeight out/);
  });

  test('mirrorPercentage without iterations (with a weight split)', () => {
    expectInvalid(flagger({ mirrorPercentage: 50, stepWeight: 10 }), 'mirrorPercentage', '50', /never together with a weight split.*Fix: give iterations/);
  });

  test('mirrorPercentage not a whole percentage', () => {
    expectInvalid(flagger({ mirrorPercentage: 12.5, iterations: 10 }), 'mirrorPercentage', '12.5', /whole percentage from 1 to 100/);
  });

  test('stepWeights not strictly increasing', () => {
    expectInvalid(flagger({ stepWeights: [5, 10, 10, 50] }), 'stepWeights[2]', '10', /not above the previous weight \(10\).*Fix: list strictly increasing weights/);
    expectInvalid(flagger({ stepWeights: [20, 10] }), 'stepWeights[1]', '10');
  });

  test('sessionAffinity with iterations', () => {
    expectInvalid(flagger({ iterations: 10, sessionAffinity: { cookieName: 'flagger-cookie' } }), 'sessionAffinity', '"flagger-cookie"', /Fix: leave sessionAffinity out/);
  });

  test('a progress deadline that is not whole seconds', () => {
    expectInvalid(flagger({ progressDeadline: Duration.millis(1500) }), 'progressDeadline', '"1500ms"', /whole seconds/);
  });

  test('fault injection, which the Canary cannot carry', () => {
    expectInvalid(flagger({ faultInjection: FaultInjection.abort(503) }), 'faultInjection', '"set"', /no fault injection/);
  });

  test('a webhook without URL', () => {
    expectInvalid(flagger({ webhooks: [FlaggerWebhook.rollout({ name: 'load-test', url: '' })] }), 'webhooks[0].url', '""', /no URL.*Fix: give the URL/);
  });

  test('a webhook with a non-HTTP URL, or a relative one', () => {
    expectInvalid(flagger({ webhooks: [FlaggerWebhook.preRollout({ name: 'conformance', url: 'ftp://flagger-loadtester.test/' })] }),
      'webhooks[0].url', '"ftp://flagger-loadtester.test/"', /http:\/\/ or https:\/\//);
    expectInvalid(flagger({ webhooks: [FlaggerWebhook.rollout({ name: 'a', url: URL }), FlaggerWebhook.rollout({ name: 'b', url: 'flagger-loadtester.test' })] }),
      'webhooks[1].url', '"flagger-loadtester.test"');
  });

  test('two webhooks of one name', () => {
    expectInvalid(flagger({ webhooks: [FlaggerWebhook.preRollout({ name: 'hook', url: URL }), FlaggerWebhook.rollout({ name: 'hook', url: URL })] }),
      'webhooks[].name', '"hook"', /more than once/);
  });

  test('duplicate metric names', () => {
    expectInvalid(flagger({ metrics: [DeliveryMetric.errorRate(), DeliveryMetric.errorRate({ maxErrorRate: 0.05 })] }), 'metrics[].name', '"error-rate"', /more than once/);
    expectInvalid(flagger({
      metrics: [DeliveryMetric.prometheus({ name: 'q', query: 'up', min: 1 }), DeliveryMetric.prometheus({ name: 'q', query: 'down', max: 1 })],
    }), 'metrics[].name', '"q"');
  });
});

describe('the target of a controller', () => {
  test('a target with two versions', () => {
    const message = expectInvalid(
      flagger({}, { image: undefined, deploymentNaming: DeploymentNaming.VERSIONED, versions: [{ version: 'v1', image: IMAGE }, { version: 'v2', image: IMAGE }] }),
      'target app/podinfo', '["v1","v2"]', /ONE workload.*2 versions.*Fix: create the MeshService with deploymentNaming: DeploymentNaming\.PLAIN and one version/,
    );
    expect(message).toMatch(/^\[app\/canary\] /);
  });

  test('a target with VERSIONED naming', () => {
    expectInvalid(flagger({}, { deploymentNaming: DeploymentNaming.VERSIONED }), 'target app/podinfo', '["v1"]', /the Deployment "podinfo-v1".*Fix: .*DeploymentNaming\.PLAIN/);
    expectInvalid(argo({}, { deploymentNaming: DeploymentNaming.VERSIONED }), 'target app/podinfo', '["v1"]', /Argo Rollouts rolls out ONE workload/);
  });

  test('the same MeshService taken by two controllers', () => {
    const chart = newChart();
    const target = podinfo(chart);
    new FlaggerCanary(chart, 'flagger', { target });
    expectInvalid(() => new ArgoRollout(chart, 'argo', { target }), 'target app/podinfo', '"podinfo"', /already rolled out by Flagger.*Fix: give each service one delivery controller/);
    expectInvalid(() => new FlaggerCanary(chart, 'flagger-2', { target }), 'target app/podinfo', '"podinfo"', /already rolled out by Flagger/);
  });

  test('a Flagger canary whose name collides with another service\'s Service <name>-primary: refused at synth', () => {
    const chart = newChart();
    const target = podinfo(chart);
    const other = new MeshService(chart, 'podinfo-primary', { port: 80, image: 'nginx:1.27' });
    new FlaggerCanary(chart, 'canary', { target });
    const message = expectInvalid(() => Testing.synth(chart), `Service ${NS}/podinfo-primary`, `"${ApiObject.of(other.service).node.path}"`, /Flagger generates this Service.*Fix: rename the other service/);
    // Flagger's other generated names are free.
    expect(message).not.toContain(`Service ${NS}/podinfo-canary`);
    // Without the other service the same canary synthesizes.
    const fine = newChart();
    new FlaggerCanary(fine, 'canary', { target: podinfo(fine) });
    expect(() => Testing.synth(fine)).not.toThrow();
  });

  test('an ArgoRollout next to a hand-written VirtualService of the service\'s name: refused at synth', () => {
    const chart = newChart();
    new ArgoRollout(chart, 'rollout', { target: podinfo(chart) });
    const vs = new VirtualService(chart, 'own', { metadata: { name: 'podinfo' }, hosts: ['podinfo'], http: [{ route: [{ host: 'podinfo' }] }] });
    expectInvalid(() => Testing.synth(chart), `VirtualService ${NS}/podinfo`, `"${vs.apiObject.node.path}"`, /emits its own VirtualService.*Fix: remove the other object/);
  });
});

describe('ArgoRollout: bad steps and gates', () => {
  test('an empty list of steps', () => {
    expectInvalid(argo({ steps: [] }), 'steps', '[]', /must not be empty.*Fix: list the steps/);
  });

  test('setWeight 101', () => {
    expectInvalid(argo({ steps: [RolloutStep.weight(101)] }), 'steps[0].setWeight', '101', /whole percentage from 0 to 100/);
  });

  test('a decreasing setWeight, accepted with allowDecrease', () => {
    expectInvalid(argo({ steps: [RolloutStep.weight(50), RolloutStep.pause(), RolloutStep.weight(20)] }), 'steps[2].setWeight', '20',
      /lower than the previous step's weight \(50\).*Fix: .*allowDecrease: true/);
    const out = argo({ steps: [RolloutStep.weight(50), RolloutStep.pause(), RolloutStep.weight(20, { allowDecrease: true })] })();
    expect(out.find((o) => o.kind === 'Rollout').spec.strategy.canary.steps.map((s: any) => s.setWeight)).toEqual([50, undefined, 20]);
  });

  test('a pause given as a string, or of 1.5 s', () => {
    expectInvalid(argo({ steps: [RolloutStep.pause('5m' as unknown as Duration)] }), 'steps[0].pause.duration', '"5m"', /not a string or a number.*Fix: use e\.g\. RolloutStep\.pause\(Duration\.minutes\(5\)\)/);
    expectInvalid(argo({ steps: [RolloutStep.weight(10), RolloutStep.pause(Duration.millis(1500))] }), 'steps[1].pause.duration', '"1500ms"', /whole seconds/);
  });

  test('an analysis step without metrics', () => {
    expectInvalid(argo({ steps: [RolloutStep.weight(10), RolloutStep.analysis()] }), 'steps[1].analysis', '"no metrics"', /Fix: give the rollout `metrics`/);
  });

  test('analysisStartingStep beyond the last step', () => {
    expectInvalid(argo({ steps: [RolloutStep.weight(10), RolloutStep.pause()], metrics: [DeliveryMetric.errorRate()], analysisStartingStep: 2 }),
      'analysisStartingStep', '2', /has 2 steps \(0-1\)/);
  });

  test('setMirrorRoute with percentage 0', () => {
    expectInvalid(argo({ steps: [RolloutStep.mirrorRoute({ name: 'mirror', percentage: 0 })] }), 'steps[0].setMirrorRoute.percentage', '0', /from 1 to 100/);
  });

  test('setHeaderRoute with a path condition', () => {
    expectInvalid(argo({ steps: [RolloutStep.headerRoute('api', [RequestMatch.of({ uri: StringMatch.prefix('/api') })])] }),
      'steps[0].setHeaderRoute.match[0]', '"uri"', /by request headers only.*Fix: use header conditions/);
  });

  test('requestSuccessRate (built into Flagger) with Argo Rollouts', () => {
    expectInvalid(argo({ metrics: [DeliveryMetric.requestSuccessRate({ minPercent: 99 })] }), 'metrics[0]', '"request-success-rate"',
      /driven by Argo Rollouts.*Fix: use DeliveryMetric\.errorRate/);
    expectInvalid(argo({ metrics: [DeliveryMetric.errorRate(), DeliveryMetric.requestDuration({ max: Duration.millis(500) })] }), 'metrics[1]', '"request-duration"');
  });

  test('a prometheus gate without bounds', () => {
    expectInvalid(argo({ metrics: [DeliveryMetric.prometheus({ name: 'queue', query: 'max(queue_depth)' })] }), 'metrics[0].min/max', 'undefined', /can never fail.*Fix: give min, max or both/);
    expectInvalid(flagger({ metrics: [DeliveryMetric.prometheus({ name: 'queue', query: 'max(queue_depth)' })] }), 'metrics[0].min/max', 'undefined');
  });

  test('an error-rate bound given as a percentage', () => {
    expectInvalid(argo({ metrics: [DeliveryMetric.errorRate({ maxErrorRate: 5 })] }), 'metrics[0].maxErrorRate', '5', /fraction.*Fix: write e\.g\. 0\.01 for 1 %/);
  });
});
