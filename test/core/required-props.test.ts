// From plain JavaScript nothing enforces required props: a missing one fails with the
// construct path and what to pass, never with a TypeError.
import { Testing } from 'cdk8s';
import { DestinationRule } from '../../src/networking/destination-rule';
import { ServiceEntry } from '../../src/networking/service-entry';
import { GrafanaDashboard } from '../../src/patterns/grafana-dashboard';
import { MeshService } from '../../src/patterns/mesh-service';
import { ServiceResilience } from '../../src/patterns/resilience';
import { ServiceAlerts } from '../../src/patterns/service-alerts';

const js = (v: unknown): any => v;

describe('bad input: missing required props (from JavaScript)', () => {
  test.each([
    ['DestinationRule without props', () => new DestinationRule(Testing.chart(), 'x', js(undefined)), '[test/x] props undefined is invalid: a DestinationRule needs its properties. Fix: pass { host: "reviews" }'],
    ['DestinationRule without host', () => new DestinationRule(Testing.chart(), 'x', js({})), '[test/x] host undefined is invalid: a DestinationRule needs `host`. Fix: pass host: "reviews"'],
    ['ServiceEntry without hosts', () => new ServiceEntry(Testing.chart(), 'x', js({})), '[test/x] hosts undefined is invalid: a ServiceEntry needs `hosts`. Fix: pass hosts: ["api.example.com"]'],
    ['MeshService without port', () => new MeshService(Testing.chart(), 'x', js({ image: 'web:1' })), '[test/x] port undefined is invalid: a MeshService needs `port`. Fix: pass port: 9080'],
    ['ServiceResilience without service', () => new ServiceResilience(Testing.chart(), 'x', js({})), '[test/x] service undefined is invalid: a ServiceResilience needs `service`'],
    ['GrafanaDashboard without services', () => new GrafanaDashboard(Testing.chart(), 'x', js({})), '[test/x] services undefined is invalid: a GrafanaDashboard needs `services`'],
    ['ServiceAlerts without services', () => new ServiceAlerts(Testing.chart(), 'x', js({})), '[test/x] services undefined is invalid: a ServiceAlerts needs `services`'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
    expect(make).not.toThrow(TypeError);
  });

  test('legal: the same constructs with their required props', () => {
    expect(() => new DestinationRule(Testing.chart(), 'x', { host: 'reviews' })).not.toThrow();
    expect(() => new MeshService(Testing.chart(), 'x', { port: 9080, image: 'web:1' })).not.toThrow();
  });
});
