import { Duration, Testing } from 'cdk8s';
import { CorsPolicy, CorsUnmatchedPreflights } from '../../src/networking/route-cors';
import { StringMatch } from '../../src/networking/route-string-match';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderCors(corsPolicy: CorsPolicy): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['ratings'], http: [{ route: [{ host: 'ratings' }], corsPolicy }] });
  return Testing.synth(chart)[0].spec.http[0].corsPolicy;
}

describe('CorsPolicy', () => {
  test('every field', () => {
    expect(renderCors({
      allowOrigins: [StringMatch.exact('https://example.com'), StringMatch.regex('https://.*\\.example\\.com')],
      allowMethods: ['POST', 'GET'],
      allowHeaders: ['x-foo-bar'],
      exposeHeaders: ['x-request-id'],
      maxAge: Duration.days(1),
      allowCredentials: false,
      unmatchedPreflights: CorsUnmatchedPreflights.IGNORE,
    })).toEqual({
      allowOrigins: [{ exact: 'https://example.com' }, { regex: 'https://.*\\.example\\.com' }],
      allowMethods: ['POST', 'GET'],
      allowHeaders: ['x-foo-bar'],
      exposeHeaders: ['x-request-id'],
      maxAge: '24h',
      allowCredentials: false,
      unmatchedPreflights: 'IGNORE',
    });
  });

  describe('bad input', () => {
    test('unknown method', () => {
      expect(() => renderCors({ allowMethods: ['FETCH'] })).toThrow(/\[test\/vs\] http\[0\].corsPolicy.allowMethods\[0\] "FETCH" is invalid: it is not an upper-case HTTP method/);
    });

    test('maxAge with sub-second precision', () => {
      expect(() => renderCors({ maxAge: Duration.millis(1500) })).toThrow(/corsPolicy.maxAge "1500ms" is invalid: Istio applies maxAge with whole-second precision only/);
    });

    test('header name with a colon', () => {
      expect(() => renderCors({ allowHeaders: ['x:foo'] })).toThrow(/corsPolicy.allowHeaders\[0\] "x:foo" is invalid/);
    });

    test('empty origin', () => {
      expect(() => renderCors({ allowOrigins: [StringMatch.exact('')] })).toThrow(/corsPolicy.allowOrigins\[0\].exact "" is invalid/);
    });
  });
});
