// istiod's RequestAuthentication admission rules on objects: a refused object and a nearby admitted one.
import { expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const ra = (spec: Obj) => istioObject('security.istio.io/v1', 'RequestAuthentication', spec);
const rule = (r: Obj) => ra({ selector: { matchLabels: { app: 'web' } }, jwtRules: [{ issuer: 'https://issuer.example.com', ...r }] });
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('RequestAuthentication admission', () => {
  test('one of selector and targetRefs; targetRefs to supported kinds in the own namespace', () => {
    pair(ra({ selector: { matchLabels: { app: 'web' } }, targetRefs: [{ kind: 'Service', group: '', name: 'web' }] }), ra({ targetRefs: [{ kind: 'Service', group: '', name: 'web' }] }), 'only one of selector, targetRef and targetRefs');
    pair(ra({ targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'web' }] }), ra({ targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'web' }] }), 'a targetRef must be a Service, ServiceEntry, Gateway');
  });
  test('JWT rules: issuer or jwksUri, http(s) jwksUri, parseable jwks, non-empty locations, strict output header names', () => {
    pair(ra({ jwtRules: [{ audiences: ['a'] }] }), ra({ jwtRules: [{ jwksUri: 'https://issuer.example.com/jwks' }] }), 'issuer or jwksUri must be a non-empty string');
    pair(rule({ jwksUri: 'ftp://issuer.example.com/jwks' }), rule({ jwksUri: 'https://issuer.example.com/jwks' }), 'is not an http or https URL');
    pair(rule({ jwks: '{"keys":[{}]}' }), rule({ jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}' }), 'jwks key 0 has no "kty"');
    pair(rule({ fromParams: [''] }), rule({ fromParams: ['token'] }), 'a query parameter location must be a non-empty string');
    pair(rule({ outputClaimToHeaders: [{ header: 'x user', claim: 'sub' }] }), rule({ outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }] }), 'is not a valid header name');
    pair(rule({ audiences: [''] }), rule({ audiences: ['web'] }), 'an audience must be a non-empty string');
  });
});
