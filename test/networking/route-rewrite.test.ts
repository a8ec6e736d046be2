import { Testing } from 'cdk8s';
import { HttpRoute } from '../../src/networking/route-http';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderRule(rule: Partial<HttpRoute>): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['api'], http: [{ match: [{ uri: StringMatch.prefix('/service/api/') }], route: [{ host: 'api' }], ...rule }] });
  return Testing.synth(chart)[0].spec.http[0];
}

describe('HttpRewrite', () => {
  test('prefix and authority rewrite', () => {
    expect(renderRule({ rewrite: { uri: '/api/', authority: 'api.internal' } }).rewrite).toEqual({ uri: '/api/', authority: 'api.internal' });
  });

  test('regex rewrite', () => {
    expect(renderRule({ rewrite: { uriRegexRewrite: { match: '^/service/(.*)$', rewrite: '/\\1' } } }).rewrite)
      .toEqual({ uriRegexRewrite: { match: '^/service/(.*)$', rewrite: '/\\1' } });
  });

  describe('bad input', () => {
    test('uri and uriRegexRewrite together', () => {
      expect(() => renderRule({ rewrite: { uri: '/a', uriRegexRewrite: { match: '^/b', rewrite: '/c' } } }))
        .toThrow(/\[test\/vs\] http\[0\].rewrite.uri and http\[0\].rewrite.uriRegexRewrite .* mutually exclusive/);
    });

    test('rewrite that changes nothing', () => {
      expect(() => renderRule({ rewrite: {} })).toThrow(/http\[0\].rewrite \{\} is invalid: a rewrite must change the URI or the authority/);
    });

    test('rewrite with a redirect', () => {
      expect(() => renderRule({ route: undefined, redirect: { uri: '/x' }, rewrite: { uri: '/y' } }))
        .toThrow(/http\[0\].rewrite \{"uri":"\/y"\} is invalid: a rule with a redirect does not forward, so it cannot rewrite/);
    });

    test('regex rewrite with look-behind', () => {
      expect(() => renderRule({ rewrite: { uriRegexRewrite: { match: '(?<=/v1)/x', rewrite: '/y' } } })).toThrow(/rewrite.uriRegexRewrite.match.regex .* RE2/);
    });

    test('empty uri', () => {
      expect(() => renderRule({ rewrite: { uri: '' } })).toThrow(/http\[0\].rewrite.uri "" is invalid: the new path must not be empty. Fix: use "\/"/);
    });
  });
});
