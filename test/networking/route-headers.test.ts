import { Testing } from 'cdk8s';
import { HeaderOperations } from '../../src/networking/route-headers';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderHeaders(requestHeaders?: HeaderOperations, responseHeaders?: HeaderOperations): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }], requestHeaders, responseHeaders }] });
  return Testing.synth(chart)[0].spec.http[0].headers;
}

describe('HeaderOperations', () => {
  test('set, add and remove on requests and responses', () => {
    expect(renderHeaders(
      { set: { 'x-custom-header': '%REQ(:PATH)%' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] },
      { set: { 'cache-control': 'no-store' } },
    )).toEqual({
      request: { set: { 'x-custom-header': '%REQ(:PATH)%' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] },
      response: { set: { 'cache-control': 'no-store' } },
    });
  });

  test('empty operations render nothing', () => {
    expect(renderHeaders({ set: {}, remove: [] }, {})).toBeUndefined();
  });

  describe('bad input', () => {
    test('istiod admission: a single "%" and line breaks in a header value are refused; "%%" and %VARIABLE% accepted', () => {
      expect(() => renderHeaders({ set: { 'x-share': '100%' } }))
        .toThrow('http[0].requestHeaders.set.x-share "100%" is invalid: istiod refuses a single "%": Envoy reads %NAME% as a variable. Fix: write a literal percent sign as "%%"');
      expect(() => renderHeaders(undefined, { add: { 'x-evil': 'a\r\nset-cookie: x' } }))
        .toThrow('http[0].responseHeaders.add.x-evil "a\\r\\nset-cookie: x" is invalid: a header value cannot contain line breaks or NUL characters');
      expect(renderHeaders({ set: { 'x-share': '100%%', 'x-host': '%HOSTNAME%' } })).toEqual({ request: { set: { 'x-share': '100%%', 'x-host': '%HOSTNAME%' } } });
    });

    test('header name with a space', () => {
      expect(() => renderHeaders({ set: { 'x custom': 'a' } })).toThrow(/\[test\/vs\] http\[0\].requestHeaders.set key "x custom" is invalid: a header name must be a non-empty HTTP token/);
    });

    test('pseudo-header', () => {
      expect(() => renderHeaders(undefined, { remove: [':status'] })).toThrow(/http\[0\].responseHeaders.remove\[0\] ":status" is invalid/);
    });

    test('changing Host through header operations', () => {
      expect(() => renderHeaders({ set: { Host: 'other' } })).toThrow(/requestHeaders.set key "Host" is invalid: the Host header cannot be changed.*rewrite: \{ authority/);
    });
  });
});
