// Messages for mistakes made from plain JavaScript or through generated objects: a library
// error with the construct path, the value as JSON and the fix, in terms of what the user wrote.
import { Duration, Testing } from 'cdk8s';
import { VirtualService } from '../../src/networking/virtual-service';
import { EgressLockdown } from '../../src/patterns/egress-lockdown';

test('a string or a number where a cdk8s Duration is expected', () => {
  for (const bad of ['10s', 10, null]) {
    const c = Testing.chart();
    expect(() => {
      new VirtualService(c, 'vs', { hosts: ['r'], http: [{ timeout: bad as unknown as Duration, route: [{ host: 'r' }] }] });
      Testing.synth(c);
    }).toThrow(`[test/vs] http[0].timeout ${JSON.stringify(bad)} is invalid: a duration must be a cdk8s Duration, not a string or a number. Fix: use e.g. Duration.seconds(10)`);
  }
});

test('a Duration Istio cannot express names the field and the value in milliseconds', () => {
  const c = Testing.chart();
  expect(() => {
    new VirtualService(c, 'vs', { hosts: ['r'], http: [{ timeout: Duration.millis(0.5), route: [{ host: 'r' }] }] });
    Testing.synth(c);
  }).toThrow('[test/vs] http[0].timeout "0.5ms" is invalid: Istio requires a duration of at least 1ms');
});

test('an EgressLockdown host with "_" is blamed on the host the user wrote, not on a generated object', () => {
  const c = Testing.chart();
  let message = '';
  try {
    new EgressLockdown(c, 'egress', { namespace: 'shop', allow: [{ host: 'my_api.example.com' }] });
    Testing.synth(c);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain('[test/egress] allow["my_api.example.com"] "my_api.example.com" is invalid: a host must be a DNS name of letters, digits and "-"');
  expect(message).toContain('Fix: istiod refuses "_" in host names: write e.g. "my-api.example.com"');
  expect(message).not.toContain('Entry-');
  expect(message).not.toContain('metadata.name');
});
