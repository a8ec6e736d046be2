import { Testing } from 'cdk8s';
import { HttpRouteDestination } from '../../src/networking/route-destination';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderRoute(...route: HttpRouteDestination[]): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ route }] });
  return Testing.synth(chart)[0].spec.http[0].route;
}

describe('RouteDestination / HttpRouteDestination', () => {
  test('host, subset, port, weight and per-destination headers', () => {
    expect(renderRoute(
      { host: 'reviews', subset: 'v1', port: 9080, weight: 75, requestHeaders: { set: { 'x-version': 'v1' } } },
      { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2', weight: 25, responseHeaders: { remove: ['x-internal'] } },
    )).toEqual([
      { destination: { host: 'reviews', subset: 'v1', port: { number: 9080 } }, weight: 75, headers: { request: { set: { 'x-version': 'v1' } } } },
      { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 25, headers: { response: { remove: ['x-internal'] } } },
    ]);
  });

  test('a weight of 0 keeps a destination in the route without traffic', () => {
    expect(renderRoute({ host: 'reviews', subset: 'v1', weight: 100 }, { host: 'reviews', subset: 'v2', weight: 0 })[1])
      .toEqual({ destination: { host: 'reviews', subset: 'v2' }, weight: 0 });
  });

  describe('bad input', () => {
    test('weight above 100', () => {
      expect(() => renderRoute({ host: 'reviews', weight: 120 })).toThrow(/\[test\/vs\] http\[0\].route\[0\].weight 120 is invalid: a route weight must be an integer from 0 to 100/);
    });

    test('fractional weight', () => {
      expect(() => renderRoute({ host: 'reviews', weight: 12.5 })).toThrow(/http\[0\].route\[0\].weight 12.5 is invalid/);
    });

    test('wildcard destination host', () => {
      expect(() => renderRoute({ host: '*.example.com' })).toThrow(/http\[0\].route\[0\].host "\*.example.com" is invalid: a destination host cannot be a wildcard/);
    });

    test('subset that is not a DNS-1123 label', () => {
      expect(() => renderRoute({ host: 'reviews', subset: 'v_1' })).toThrow(/http\[0\].route\[0\].subset "v_1" is invalid: it must be a DNS-1123 label/);
    });

    test('port 0', () => {
      expect(() => renderRoute({ host: 'reviews', port: 0 })).toThrow(/http\[0\].route\[0\].port 0 is invalid/);
    });

    test('empty route list', () => {
      expect(() => renderRoute()).toThrow(/http\[0\].route \[\] is invalid: the list must not be empty/);
    });
  });
});
