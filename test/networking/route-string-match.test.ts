import { Testing } from 'cdk8s';
import { StringMatch, StringMatchType } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function uriMatch(uri: StringMatch): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['productpage'], http: [{ match: [{ uri }], route: [{ host: 'productpage' }] }] });
  return Testing.synth(chart)[0].spec.http[0].match[0].uri;
}

describe('StringMatch', () => {
  test('exact, prefix and regex render as Istio StringMatch', () => {
    expect(uriMatch(StringMatch.exact('/login'))).toEqual({ exact: '/login' });
    expect(uriMatch(StringMatch.prefix('/api/v1'))).toEqual({ prefix: '/api/v1' });
    expect(uriMatch(StringMatch.regex('^/v[0-9]+/.*'))).toEqual({ regex: '^/v[0-9]+/.*' });
  });

  test('exposes its type and value', () => {
    const m = StringMatch.prefix('/static');
    expect(m.matchType).toBe(StringMatchType.PREFIX);
    expect(m.value).toBe('/static');
  });

  test('RE2-only syntax (named groups, inline flags) is accepted', () => {
    expect(uriMatch(StringMatch.regex('(?i)^/(?P<ver>v[0-9]+)/.*'))).toEqual({ regex: '(?i)^/(?P<ver>v[0-9]+)/.*' });
  });

  describe('bad input', () => {
    test('empty value', () => {
      expect(() => uriMatch(StringMatch.prefix(''))).toThrow(/\[test\/vs\] http\[0\].match\[0\].uri.prefix "" is invalid: the match string must not be empty/);
    });

    test('look-ahead is not RE2', () => {
      expect(() => uriMatch(StringMatch.regex('^/(?!admin).*'))).toThrow(/uri.regex "\^\/\(\?!admin\)\.\*" is invalid: RE2 .* does not support look-ahead/);
    });

    test('back-reference is not RE2', () => {
      expect(() => uriMatch(StringMatch.regex('^/(a+)/\\1$'))).toThrow(/uri.regex .* is invalid: RE2 .* does not support back-references/);
    });

    test('unparseable regex', () => {
      expect(() => uriMatch(StringMatch.regex('^/v[0-9+'))).toThrow(/uri.regex "\^\/v\[0-9\+" is invalid: the regular expression does not parse/);
    });
  });
});
