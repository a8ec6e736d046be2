import { Chart, Testing } from 'cdk8s';
import { IngressBackend, IngressPath, IngressPathType } from '../../src/patterns/ingress-route';
import { MeshService } from '../../src/patterns/mesh-service';

function chartIn(namespace?: string): Chart {
  return new Chart(Testing.app(), 'c', { namespace });
}

describe('IngressPath', () => {
  test('factories record the match type and value', () => {
    expect([IngressPath.exact('/login'), IngressPath.prefix('/static'), IngressPath.regex('/v[0-9]+/.*')].map((p) => [p.matchType, p.value]))
      .toEqual([[IngressPathType.EXACT, '/login'], [IngressPathType.PREFIX, '/static'], [IngressPathType.REGEX, '/v[0-9]+/.*']]);
  });

  test('only prefix "/" is the catch-all', () => {
    expect(IngressPath.prefix('/')._isCatchAll).toBe(true);
    expect(IngressPath.exact('/')._isCatchAll).toBe(false);
    expect(IngressPath.prefix('/a')._isCatchAll).toBe(false);
  });

  test('the same value with another match type is a different condition', () => {
    expect(IngressPath.exact('/a')._key).not.toBe(IngressPath.prefix('/a')._key);
    expect(IngressPath.exact('/a')._key).toBe(IngressPath.exact('/a')._key);
  });

  test('valid paths pass; regex patterns are not held to literal path rules', () => {
    const chart = chartIn();
    expect(() => IngressPath.prefix('/api/v1/products')._validate(chart, 'p')).not.toThrow();
    expect(() => IngressPath.regex('.*\\.css')._validate(chart, 'p')).not.toThrow();
  });

  describe('bad input', () => {
    test('an empty path', () => {
      expect(() => IngressPath.exact('')._validate(chartIn(), 'paths[0]'))
        .toThrow(/\[c\] paths\[0\] "" is invalid: the path must not be empty\. Fix: give a path such as "\/productpage"/);
    });

    test('a query string in a path', () => {
      expect(() => IngressPath.exact('/search?q=1')._validate(chartIn(), 'paths[0]'))
        .toThrow(/\[c\] paths\[0\] "\/search\?q=1" is invalid: a path cannot contain a query \("\?"\) or fragment \("#"\)\. Fix: write a path such as/);
    });

    test('whitespace in a path', () => {
      expect(() => IngressPath.prefix('/my path')._validate(chartIn(), 'paths[0]'))
        .toThrow(/\[c\] paths\[0\] "\/my path" is invalid: a path cannot contain whitespace\. Fix: .*IngressPath\.prefix/);
    });
  });
});

describe('IngressBackend', () => {
  test('a MeshService: its name, main port and namespace (its chart\'s), and its FQDN', () => {
    const svc = new MeshService(chartIn('bookinfo'), 'productpage', { port: 9080, image: 'pp:1' });
    const b = IngressBackend.fromMeshService(svc);
    expect([b.serviceName, b.port, b.namespace, b._host()]).toEqual([svc.serviceName, svc.port, 'bookinfo', svc.host]);
    expect(b.meshService).toBe(svc);
  });

  test('a MeshService on another of its ports', () => {
    const svc = new MeshService(chartIn('bookinfo'), 'web', { port: 8080, image: 'web:1', additionalPorts: [{ port: 9090 }] });
    expect(IngressBackend.fromMeshService(svc, { port: 9090 }).port).toBe(9090);
  });

  test('a Service by name: FQDN with a namespace, short name (the route\'s namespace) without', () => {
    const withNs = IngressBackend.fromServiceName('docs', 80, { namespace: 'docs' });
    expect([withNs.serviceName, withNs.port, withNs.namespace, withNs._host()]).toEqual(['docs', 80, 'docs', 'docs.docs.svc.cluster.local']);
    const bare = IngressBackend.fromServiceName('web', 8080);
    expect([bare.namespace, bare._host(), bare.meshService]).toEqual([undefined, 'web', undefined]);
  });

  describe('bad input', () => {
    test('a port out of range', () => {
      expect(() => IngressBackend.fromServiceName('web', 70000)._validate(chartIn(), 'backend', undefined))
        .toThrow(/\[c\] backend\.port 70000 is invalid: a port number must be an integer from 1 to 65535\. Fix:/);
    });

    test('a namespace that is not a DNS label', () => {
      expect(() => IngressBackend.fromServiceName('web', 80, { namespace: 'My_NS' })._validate(chartIn(), 'backend', undefined))
        .toThrow(/\[c\] backend\.namespace "My_NS" is invalid: it must be a DNS-1123 label.*Fix:/);
    });

    test('an empty Service name', () => {
      expect(() => IngressBackend.fromServiceName('', 80)._validate(chartIn(), 'backend', undefined))
        .toThrow(/\[c\] backend\.serviceName "" is invalid: a backend needs a Service name\. Fix: pass the name of a Service/);
    });
  });
});
