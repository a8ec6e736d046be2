import { Duration, Testing } from 'cdk8s';
import { JwtRule } from '../../src/security/jwt-rule';
import { RequestAuthentication } from '../../src/security/request-authentication';

const issuer = 'https://accounts.example.com';
const jwks = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xyz' }] });

function render(rule: JwtRule): any {
  const chart = Testing.chart();
  new RequestAuthentication(chart, 'ra', { jwtRules: [rule] });
  return Testing.synth(chart)[0].spec.jwtRules[0];
}

function add(rule: JwtRule): () => void {
  return () => new RequestAuthentication(Testing.chart(), 'ra', { jwtRules: [rule] });
}

describe('JwtRule', () => {
  test('every field renders', () => {
    const rule = render({
      issuer,
      audiences: ['bookinfo', 'reviews'],
      jwks,
      forwardOriginalToken: true,
      fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
      fromParams: ['my_token'],
      fromCookies: ['session'],
      outputPayloadToHeader: 'x-jwt-payload',
      outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }, { header: 'x-jwt-group', claim: 'nested.key.group' }],
      spaceDelimitedClaims: ['scope', 'roles'],
      timeout: Duration.millis(1500),
    });
    expect(rule).toEqual({
      issuer,
      audiences: ['bookinfo', 'reviews'],
      jwks,
      forwardOriginalToken: true,
      fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'Authorization', prefix: 'Bearer ' }],
      fromParams: ['my_token'],
      fromCookies: ['session'],
      outputPayloadToHeader: 'x-jwt-payload',
      outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }, { header: 'x-jwt-group', claim: 'nested.key.group' }],
      spaceDelimitedClaims: ['scope', 'roles'],
      timeout: '1500ms',
    });
  });

  test('issuer alone renders just the issuer (OpenID discovery)', () => {
    expect(render({ issuer })).toEqual({ issuer });
  });

  test('forwardOriginalToken false is kept', () => {
    expect(render({ issuer, forwardOriginalToken: false })).toEqual({ issuer, forwardOriginalToken: false });
  });

  describe('bad input', () => {
    test('missing issuer', () => {
      expect(add({ jwksUri: 'https://a.example.com/jwks' } as JwtRule)).toThrow(/\[test\/ra\] jwtRules\[0\]\.issuer undefined is invalid: every JWT rule needs the issuer/);
    });

    test('blank issuer', () => {
      expect(add({ issuer: ' ' })).toThrow(/jwtRules\[0\]\.issuer " " is invalid/);
    });

    test('both jwks and jwksUri (CRD CEL rule)', () => {
      expect(add({ issuer, jwks, jwksUri: 'https://a.example.com/jwks' }))
        .toThrow(/\[test\/ra\] jwtRules\[0\]\.jwks and jwtRules\[0\]\.jwksUri .* mutually exclusive\. Fix: give the key set either inline \(jwks\) or by URL \(jwksUri\), not both/);
    });

    test('jwksUri that is not a URL', () => {
      expect(add({ issuer, jwksUri: 'accounts.example.com/jwks.json' })).toThrow(/jwtRules\[0\]\.jwksUri "accounts\.example\.com\/jwks\.json" is invalid: it is not an absolute URL/);
    });

    test('jwksUri over plain HTTP', () => {
      expect(add({ issuer, jwksUri: 'http://keycloak.auth:8080/certs' }))
        .toThrow(/jwtRules\[0\]\.jwksUri "http:\/\/keycloak\.auth:8080\/certs" is invalid: the key set must be fetched over HTTPS.*Fix: use "https:\/\/keycloak\.auth:8080\/certs"/);
    });

    test('jwksUri with another scheme (CRD CEL rule)', () => {
      expect(add({ issuer, jwksUri: 'file:///etc/jwks.json' })).toThrow(/jwksUri "file:\/\/\/etc\/jwks\.json" is invalid/);
    });

    test('jwks that is not JSON', () => {
      expect(add({ issuer, jwks: '{keys: []' })).toThrow(/jwtRules\[0\]\.jwks "\{keys: \[\]" is invalid: it is not valid JSON/);
    });

    test('jwks without keys', () => {
      expect(add({ issuer, jwks: '{"keys": []}' })).toThrow(/jwtRules\[0\]\.jwks .* is invalid: a JSON Web Key Set must be an object with a non-empty "keys" list/);
    });

    test('header location without a name', () => {
      expect(add({ issuer, fromHeaders: [{ name: '', prefix: 'Bearer ' }] })).toThrow(/jwtRules\[0\]\.fromHeaders\[0\]\.name "" is invalid: a header location needs the header name/);
    });

    test('empty fromHeaders list', () => {
      expect(add({ issuer, fromHeaders: [] })).toThrow(/jwtRules\[0\]\.fromHeaders \[\] is invalid: the list must not be empty/);
    });

    test('empty audience (CRD minLength)', () => {
      expect(add({ issuer, audiences: [''] })).toThrow(/jwtRules\[0\]\.audiences\[0\] "" is invalid: the value must be a non-empty string/);
    });

    test('claim-to-header with an invalid header name (CRD pattern)', () => {
      expect(add({ issuer, outputClaimToHeaders: [{ header: 'x jwt sub', claim: 'sub' }] }))
        .toThrow(/jwtRules\[0\]\.outputClaimToHeaders\[0\]\.header "x jwt sub" is invalid: a header name may only hold letters, digits, "-" and "_"/);
    });

    test('claim-to-header without a claim (CRD minLength)', () => {
      expect(add({ issuer, outputClaimToHeaders: [{ header: 'x-sub', claim: '' }] })).toThrow(/outputClaimToHeaders\[0\]\.claim "" is invalid: the claim to copy must be named/);
    });

    test('invalid outputPayloadToHeader', () => {
      expect(add({ issuer, outputPayloadToHeader: 'x-payload:' })).toThrow(/jwtRules\[0\]\.outputPayloadToHeader "x-payload:" is invalid/);
    });

    test('timeout below 1ms (CRD CEL rule)', () => {
      expect(add({ issuer, timeout: Duration.millis(0) })).toThrow(/jwtRules\[0\]\.timeout "0ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('more than 64 space-delimited claims (CRD maxItems)', () => {
      const claims = Array.from({ length: 65 }, (_, i) => `c${i}`);
      expect(add({ issuer, spaceDelimitedClaims: claims })).toThrow(/spaceDelimitedClaims 65 is invalid: at most 64/);
    });

    test('a rule that is not an object (JavaScript caller)', () => {
      expect(add('https://issuer' as any)).toThrow(/jwtRules\[0\] "https:\/\/issuer" is invalid: a JWT rule must be an object/);
    });
  });
});
