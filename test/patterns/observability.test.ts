import { Chart, Testing } from 'cdk8s';
import { Protocol } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';
import { MetricsReporter, MonitoredService } from '../../src/patterns/observability';

describe('MonitoredService', () => {
  test('fromName defaults to HTTP', () => {
    const s = MonitoredService.fromName('ratings', 'bookinfo');
    expect(s.serviceName).toBe('ratings');
    expect(s.serviceNamespace).toBe('bookinfo');
    expect(s.protocol).toBe(Protocol.HTTP);
    expect(MonitoredService.fromName('catalog', 'shop', Protocol.GRPC).protocol).toBe(Protocol.GRPC);
  });

  test('fromMeshService takes the service name, namespace and protocol of the MeshService', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
    const svc = new MeshService(chart, 'reviews', { serviceName: 'reviews-api', port: 9080, protocol: Protocol.HTTP2, image: 'r:1' });
    const s = MonitoredService.fromMeshService(svc);
    expect(s.serviceName).toBe(svc.serviceName);
    expect(s.serviceNamespace).toBe(svc.namespace);
    expect(s.protocol).toBe(svc.protocol);
    const explicit = new MeshService(chart, 'details', { namespace: 'other', port: 9080, image: 'd:1' });
    expect(MonitoredService.fromMeshService(explicit).serviceNamespace).toBe('other');
  });

  test('_resolve returns the checked name, namespace and protocol', () => {
    const chart = new Chart(Testing.app(), 'c');
    for (const protocol of [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC]) {
      expect(MonitoredService.fromName('a', 'b', protocol)._resolve(chart, 'services[0]')).toEqual({ name: 'a', namespace: 'b', protocol });
    }
  });

  describe('bad input', () => {
    test.each([Protocol.TCP, Protocol.TLS, Protocol.HTTPS, Protocol.MONGO])('%s has no request metrics', (protocol) => {
      const chart = new Chart(Testing.app(), 'c');
      expect(() => MonitoredService.fromName('a', 'b', protocol)._resolve(chart, 'svc'))
        .toThrow(new RegExp(`\\[c\\] svc.protocol "${protocol}" is invalid: .*only for HTTP, HTTP2 and GRPC.*Fix: monitor only HTTP/HTTP2/GRPC services`));
    });
    test('an empty namespace', () => {
      const chart = new Chart(Testing.app(), 'c');
      expect(() => MonitoredService.fromName('a', '')._resolve(chart, 'svc')).toThrow(/svc.serviceNamespace "" is invalid: the service "a" has no namespace.*Fix:/);
    });
    test('a name with a PromQL quote', () => {
      const chart = new Chart(Testing.app(), 'c');
      expect(() => MonitoredService.fromName('a",x="', 'b')._resolve(chart, 'svc')).toThrow(/svc.serviceName .* is invalid: it must be a DNS-1123 label/);
    });
  });
});

test('MetricsReporter values are Istio reporter label values', () => {
  expect(Object.values(MetricsReporter).sort()).toEqual(['destination', 'source', 'waypoint']);
});
