import { Duration, Testing } from 'cdk8s';
import { Gateway } from '../../src/networking/gateway';
import { FaultAbort } from '../../src/networking/route-fault';
import { HttpRoute } from '../../src/networking/route-http';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderRule(rule: HttpRoute): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [rule] });
  return Testing.synth(chart)[0].spec.http[0];
}

describe('HttpRoute', () => {
  test('a rule with every forwarding feature (snapshot)', () => {
    const rule = renderRule({
      name: 'reviews-canary',
      match: [{ uri: StringMatch.prefix('/reviews'), headers: { 'end-user': StringMatch.exact('alice') } }],
      route: [{ host: 'reviews', subset: 'v3', weight: 100 }],
      rewrite: { uri: '/api/v1' },
      timeout: Duration.seconds(5),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2) },
      fault: { delay: { fixedDelay: Duration.millis(100), percentage: 1 } },
      mirror: { host: 'reviews', subset: 'v4', port: 9080 },
      mirrorPercentage: 25,
      requestHeaders: { add: { 'x-canary': 'true' } },
      responseHeaders: { remove: ['server'] },
    });
    expect(rule).toMatchSnapshot();
    expect(rule.mirror).toEqual({ host: 'reviews', subset: 'v4', port: { number: 9080 } });
    expect(rule.mirrorPercentage).toEqual({ value: 25 });
    expect(rule.headers).toEqual({ request: { add: { 'x-canary': 'true' } }, response: { remove: ['server'] } });
  });

  test('an empty match list (match everything) is kept as written; no match is left out', () => {
    expect(renderRule({ match: [], route: [{ host: 'reviews' }] })).toEqual({ match: [], route: [{ destination: { host: 'reviews' } }] });
    expect(renderRule({ route: [{ host: 'reviews' }] })).toEqual({ route: [{ destination: { host: 'reviews' } }] });
  });

  test('routes keep their order', () => {
    const chart = fragmentChart();
    const vs = new VirtualService(chart, 'vs', { hosts: ['reviews'] });
    vs.addHttpRoute({ name: 'first', match: [{ uri: StringMatch.prefix('/a') }], route: [{ host: 'reviews' }] });
    vs.addHttpRoute({ name: 'second', route: [{ host: 'reviews' }] });
    expect(Testing.synth(chart)[0].spec.http.map((r: any) => r.name)).toEqual(['first', 'second']);
  });

  describe('bad input', () => {
    test('a rule that neither forwards, redirects, answers nor delegates', () => {
      expect(() => renderRule({ name: 'nothing', timeout: Duration.seconds(1) }))
        .toThrow(/\[test\/vs\] http\[0\] "nothing" is invalid: an HTTP route must forward \(route\), redirect, answer directly \(directResponse\) or delegate/);
    });

    test('mirrorPercentage without mirror', () => {
      expect(() => renderRule({ route: [{ host: 'reviews' }], mirrorPercentage: 50 })).toThrow(/http\[0\].mirrorPercentage 50 is invalid: it has no effect without a mirror/);
    });

    test('mirrorPercentage above 100', () => {
      expect(() => renderRule({ route: [{ host: 'reviews' }], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: 101 })).toThrow(/http\[0\].mirrorPercentage 101 is invalid: a percentage must be a number from 0 to 100/);
    });

    test('timeout below 1ms', () => {
      expect(() => renderRule({ route: [{ host: 'reviews' }], timeout: Duration.millis(0) })).toThrow(/http\[0\].timeout "0ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('fault injection on a direct response', () => {
      expect(() => renderRule({ directResponse: { status: 200 }, fault: { abort: FaultAbort.http(500) } }))
        .toThrow(/http\[0\].fault .* is invalid: a rule with a directResponse does not forward, so it cannot inject faults/);
    });

    test('empty route name', () => {
      expect(() => renderRule({ name: '', route: [{ host: 'reviews' }] })).toThrow(/http\[0\].name "" is invalid: a route name must not be empty/);
    });

    test('a root that is itself a delegate cannot delegate', () => {
      const chart = fragmentChart();
      const leaf = new VirtualService(chart, 'leaf', { http: [{ route: [{ host: 'reviews' }] }] });
      const middle = new VirtualService(chart, 'middle', { http: [{ delegateTo: leaf }] });
      new VirtualService(chart, 'root', { hosts: ['bookinfo.example.com'], gateways: [Gateway.fromGatewayName('gw')], http: [{ delegateTo: middle }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/middle\] http\[0\].delegateTo "test\/leaf" is invalid: only a root VirtualService \(with hosts\) can delegate/);
    });
  });
});
