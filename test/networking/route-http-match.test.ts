import { Testing } from 'cdk8s';
import { Gateway } from '../../src/networking/gateway';
import { HttpMatch } from '../../src/networking/route-http-match';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderMatch(...match: HttpMatch[]): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ match, route: [{ host: 'reviews' }] }] });
  return Testing.synth(chart)[0].spec.http[0].match;
}

describe('HttpMatch', () => {
  test('every condition renders with Istio field names', () => {
    expect(renderMatch({
      name: 'v2-api',
      uri: StringMatch.prefix('/api'),
      ignoreUriCase: true,
      scheme: StringMatch.exact('https'),
      method: StringMatch.exact('GET'),
      authority: StringMatch.regex('.*\\.example\\.com'),
      headers: { 'end-user': StringMatch.exact('jason') },
      withoutHeaders: { 'x-canary': StringMatch.exact('false') },
      queryParams: { version: StringMatch.regex('v[23]') },
      port: 9080,
      sourceLabels: { app: 'productpage' },
      sourceNamespace: 'bookinfo',
      gateways: [Gateway.MESH],
      statPrefix: 'api',
    })).toEqual([{
      name: 'v2-api',
      uri: { prefix: '/api' },
      ignoreUriCase: true,
      scheme: { exact: 'https' },
      method: { exact: 'GET' },
      authority: { regex: '.*\\.example\\.com' },
      headers: { 'end-user': { exact: 'jason' } },
      withoutHeaders: { 'x-canary': { exact: 'false' } },
      queryParams: { version: { regex: 'v[23]' } },
      port: 9080,
      sourceLabels: { app: 'productpage' },
      sourceNamespace: 'bookinfo',
      gateways: ['mesh'],
      statPrefix: 'api',
    }]);
  });

  test('several matches are OR-ed, in order', () => {
    expect(renderMatch({ uri: StringMatch.exact('/login') }, { uri: StringMatch.exact('/logout') }))
      .toEqual([{ uri: { exact: '/login' } }, { uri: { exact: '/logout' } }]);
  });

  test('extension methods such as PURGE are legal', () => {
    expect(renderMatch({ method: StringMatch.exact('PURGE') })[0].method).toEqual({ exact: 'PURGE' });
  });

  describe('bad input', () => {
    test('upper-case header name', () => {
      expect(() => renderMatch({ headers: { 'End-User': StringMatch.exact('jason') } }))
        .toThrow(/\[test\/vs\] http\[0\].match\[0\].headers key "End-User" is invalid: header names in matches must be lower-case. Fix: write "end-user"/);
    });

    test('prefix match on a query parameter', () => {
      expect(() => renderMatch({ queryParams: { v: StringMatch.prefix('2') } }))
        .toThrow(/match\[0\].queryParams.v "2" is invalid: Istio matches query parameters only exactly or by regex/);
    });

    test('port out of range', () => {
      expect(() => renderMatch({ port: 0 })).toThrow(/match\[0\].port 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('invalid source namespace', () => {
      expect(() => renderMatch({ sourceNamespace: 'Book_Info' })).toThrow(/match\[0\].sourceNamespace "Book_Info" is invalid: it must be a DNS-1123 label/);
    });

    test('lower-case method', () => {
      expect(() => renderMatch({ method: StringMatch.exact('get') })).toThrow(/match\[0\].method.exact "get" is invalid: it is not an upper-case HTTP method/);
    });

    test('ignoreUriCase without a uri condition', () => {
      expect(() => renderMatch({ ignoreUriCase: true, headers: { a: StringMatch.exact('b') } })).toThrow(/match\[0\].ignoreUriCase true is invalid: it has no effect without a `uri` condition/);
    });

    test('empty source labels', () => {
      expect(() => renderMatch({ sourceLabels: {} })).toThrow(/match\[0\].sourceLabels \{\} is invalid: the label selector must not be empty/);
    });

    test('empty per-match gateways', () => {
      expect(() => renderMatch({ gateways: [] })).toThrow(/match\[0\].gateways \[\] is invalid: the list must not be empty/);
    });
  });
});
