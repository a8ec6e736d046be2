import { Testing } from 'cdk8s';
import {
  GatewayApiHeaderMatch, GatewayApiHttpMethod, GatewayApiPathMatch, GatewayApiQueryParamMatch,
  renderHttpRouteMatch, validateHttpRouteMatch,
} from '../../src/gateway-api/http-route-match';

describe('GatewayApiHttpRouteMatch', () => {
  test('renders every condition', () => {
    expect(renderHttpRouteMatch({
      path: GatewayApiPathMatch.regularExpression('^/api/v[0-9]+/.*'),
      headers: [GatewayApiHeaderMatch.regularExpression('user-agent', '.*Mobile.*')],
      queryParams: [GatewayApiQueryParamMatch.exact('debug', '1')],
      method: GatewayApiHttpMethod.POST,
    })).toEqual({
      path: { type: 'RegularExpression', value: '^/api/v[0-9]+/.*' },
      headers: [{ name: 'user-agent', type: 'RegularExpression', value: '.*Mobile.*' }],
      queryParams: [{ name: 'debug', type: 'Exact', value: '1' }],
      method: 'POST',
    });
    expect(renderHttpRouteMatch({})).toEqual({});
  });

  test('accepts normalized and percent-encoded paths', () => {
    const chart = Testing.chart();
    for (const p of ['/', '/api/v1/products', '/a%20b', '/~user/@x']) {
      expect(() => validateHttpRouteMatch(chart, 'm', { path: GatewayApiPathMatch.exact(p) })).not.toThrow();
    }
  });

  describe('bad input', () => {
    const check = (path: GatewayApiPathMatch) => () => validateHttpRouteMatch(Testing.chart(), 'rules[0].matches[0]', { path });

    test('relative path', () => {
      expect(check(GatewayApiPathMatch.prefix('api'))).toThrow(/\[test\] rules\[0\]\.matches\[0\]\.path\.value "api" is invalid: it must be an absolute path starting with "\/" \(PathPrefix match\)/);
    });

    test('path with "//", "/../", "%2F", "#" or a space', () => {
      expect(check(GatewayApiPathMatch.exact('/a//b'))).toThrow(/must not contain "\/\/"/);
      expect(check(GatewayApiPathMatch.exact('/a/../b'))).toThrow(/must not contain "\.\." path segments/);
      expect(check(GatewayApiPathMatch.exact('/a/.'))).toThrow(/must not contain "\." path segments/);
      expect(check(GatewayApiPathMatch.exact('/a%2Fb'))).toThrow(/encoded slash/);
      expect(check(GatewayApiPathMatch.exact('/a#b'))).toThrow(/fragment/);
      expect(check(GatewayApiPathMatch.exact('/a b'))).toThrow(/characters that are not allowed/);
    });

    test('invalid regular expression', () => {
      expect(check(GatewayApiPathMatch.regularExpression('/api/(v1'))).toThrow(/path\.value "\/api\/\(v1" is invalid: the regular expression does not parse as RE2/);
    });

    test('a regex JavaScript accepts but RE2 refuses (Gateway API regexes get the RE2 check too)', () => {
      expect(check(GatewayApiPathMatch.regularExpression('/api/v1\\Z'))).toThrow(/path\.value "\/api\/v1\\\\Z" is invalid: the regular expression does not parse as RE2 \(error parsing regexp: invalid escape sequence/);
    });

    test('path longer than 1024 characters', () => {
      expect(check(GatewayApiPathMatch.prefix('/' + 'a'.repeat(1024)))).toThrow(/it must be 1 to 1024 characters long \(is 1025\)/);
    });

    test('header name with a colon, duplicate header names', () => {
      const chart = Testing.chart();
      expect(() => validateHttpRouteMatch(chart, 'm', { headers: [GatewayApiHeaderMatch.exact(':authority', 'x')] })).toThrow(/m\.headers\[0\]\.name ":authority" is invalid: a header or query parameter name/);
      expect(() => validateHttpRouteMatch(chart, 'm', { headers: [GatewayApiHeaderMatch.exact('End-User', 'a'), GatewayApiHeaderMatch.exact('end-user', 'b')] }))
        .toThrow(/m\.headers\[1\]\.name "end-user" is invalid: the header is already matched/);
    });

    test('empty header value, duplicate query parameters, unknown method', () => {
      const chart = Testing.chart();
      expect(() => validateHttpRouteMatch(chart, 'm', { headers: [GatewayApiHeaderMatch.exact('x', '')] })).toThrow(/m\.headers\[0\]\.value "" is invalid/);
      expect(() => validateHttpRouteMatch(chart, 'm', { queryParams: [GatewayApiQueryParamMatch.exact('v', '1'), GatewayApiQueryParamMatch.exact('v', '2')] }))
        .toThrow(/m\.queryParams\[1\]\.name "v" is invalid: the query parameter is already matched/);
      expect(() => validateHttpRouteMatch(chart, 'm', { method: 'FETCH' as GatewayApiHttpMethod })).toThrow(/m\.method "FETCH" is invalid/);
    });

    test('more than 16 headers', () => {
      const headers = Array.from({ length: 17 }, (_, i) => GatewayApiHeaderMatch.exact(`h${i}`, 'v'));
      expect(() => validateHttpRouteMatch(Testing.chart(), 'm', { headers })).toThrow(/m\.headers "17 entries" is invalid: the Gateway API allows at most 16/);
    });
  });
});
