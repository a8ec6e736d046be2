import { Testing } from 'cdk8s';
import { Gateway } from '../../src/networking/gateway';
import { HttpDirectResponse, HttpRedirect, HttpRedirectDerivePort } from '../../src/networking/route-redirect';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderRule(rule: { redirect?: HttpRedirect; directResponse?: HttpDirectResponse }): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['bookinfo.example.com'], gateways: [Gateway.fromGatewayName('gw')], http: [{ match: [{ uri: StringMatch.prefix('/old') }], ...rule }] });
  return Testing.synth(chart)[0].spec.http[0];
}

describe('HttpRedirect / HttpDirectResponse', () => {
  test('redirect with every field', () => {
    expect(renderRule({ redirect: { uri: '/new', authority: 'new.example.com', scheme: 'https', port: 8443, redirectCode: 308 } }).redirect)
      .toEqual({ uri: '/new', authority: 'new.example.com', scheme: 'https', port: 8443, redirectCode: 308 });
  });

  test('redirect deriving the port', () => {
    expect(renderRule({ redirect: { scheme: 'https', derivePort: HttpRedirectDerivePort.FROM_PROTOCOL_DEFAULT } }).redirect)
      .toEqual({ scheme: 'https', derivePort: 'FROM_PROTOCOL_DEFAULT' });
  });

  test('direct response with a body', () => {
    const rule = renderRule({ directResponse: { status: 503, body: 'maintenance' } });
    expect(rule.directResponse).toEqual({ status: 503, body: { string: 'maintenance' } });
    expect(rule.route).toBeUndefined();
  });

  describe('bad input', () => {
    test('istiod admission: 3xx codes Envoy cannot send are refused; the five it can are accepted', () => {
      for (const code of [300, 304, 305, 306]) {
        expect(() => renderRule({ redirect: { uri: '/b', redirectCode: code } }))
          .toThrow(`http[0].redirect.redirectCode ${code} is invalid: Envoy redirects only with 301, 302, 303, 307, 308`);
      }
      for (const code of [301, 302, 303, 307, 308]) {
        expect(renderRule({ redirect: { uri: '/b', redirectCode: code } }).redirect.redirectCode).toBe(code);
      }
    });

    test('redirect and route in one rule', () => {
      const chart = fragmentChart();
      expect(() => new VirtualService(chart, 'vs', { hosts: ['a'], http: [{ route: [{ host: 'a' }], redirect: { uri: '/b' } }] }))
        .toThrow(/\[test\/vs\] http\[0\].route and http\[0\].redirect .* is invalid: these fields are mutually exclusive. Fix: an HTTP route either forwards/);
    });

    test('redirect and direct response in one rule', () => {
      expect(() => renderRule({ redirect: { uri: '/b' }, directResponse: { status: 200 } })).toThrow(/http\[0\].redirect and http\[0\].directResponse .* mutually exclusive/);
    });

    test('fixed port and derived port', () => {
      expect(() => renderRule({ redirect: { port: 443, derivePort: HttpRedirectDerivePort.FROM_REQUEST_PORT } })).toThrow(/http\[0\].redirect.port and http\[0\].redirect.derivePort .* mutually exclusive/);
    });

    test('non-3xx redirect code', () => {
      expect(() => renderRule({ redirect: { uri: '/b', redirectCode: 200 } })).toThrow(/redirect.redirectCode 200 is invalid: a redirect code must be a 3xx status/);
    });

    test('redirect that changes nothing', () => {
      expect(() => renderRule({ redirect: { redirectCode: 301 } })).toThrow(/http\[0\].redirect \{"redirectCode":301\} is invalid: a redirect must change the URI, authority, scheme or port/);
    });

    test('relative redirect path', () => {
      expect(() => renderRule({ redirect: { uri: 'new' } })).toThrow(/redirect.uri "new" is invalid: the redirect path must start with "\/". Fix: write "\/new"/);
    });

    test('direct response status out of range', () => {
      expect(() => renderRule({ directResponse: { status: 700 } })).toThrow(/directResponse.status 700 is invalid: the status must be an integer from 200 to 599/);
    });
  });
});
