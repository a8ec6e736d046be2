// istiod's admission rules for security.istio.io RequestAuthentication (Istio 1.30
// pkg/config/validation: ValidateRequestAuthentication — one of selector, targetRef and
// targetRefs; validateWorkloadSelector; validatePolicyTargetReference(s); validateJwtRule).
import { policySelection } from './policy-selection';
import { duration, Report } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const STRICT_HEADER = /^[-_A-Za-z0-9]+$/;

function jwksProblem(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch (e) {
    return `jwks is not JSON: ${(e as Error).message}`;
  }
  const keys = isObj(parsed) && Array.isArray(parsed.keys) ? parsed.keys : isObj(parsed) && parsed.kty !== undefined ? [parsed] : undefined;
  if (keys === undefined) return 'jwks must be a JSON Web Key Set ({"keys": [...]}) or a single key';
  const bad = keys.findIndex((k: unknown) => !isObj(k) || typeof k.kty !== 'string' || k.kty === '');
  return bad >= 0 ? `jwks key ${bad} has no "kty"` : undefined;
}

/** Checks a RequestAuthentication. */
export function requestAuthentication(r: Resource, report: Report): void {
  const spec = r.spec;
  policySelection(spec, report);
  arr(spec.jwtRules).forEach((rule: Obj, i) => {
    const at = `spec.jwtRules[${i}]`;
    if (!isObj(rule)) return;
    arr(rule.audiences).forEach((a, j) => { if (str(a) === '') report(`${at}.audiences[${j}]`, 'an audience must be a non-empty string'); });
    if (!rule.issuer && !rule.jwksUri) report(at, 'issuer or jwksUri must be a non-empty string');
    if (rule.jwksUri) {
      let scheme = '';
      try { scheme = new URL(str(rule.jwksUri)).protocol; } catch { scheme = ''; }
      if (scheme !== 'http:' && scheme !== 'https:') report(`${at}.jwksUri`, `${JSON.stringify(rule.jwksUri)} is not an http or https URL`);
    }
    if (rule.jwks) { const p = jwksProblem(str(rule.jwks)); if (p) report(`${at}.jwks`, p); }
    arr(rule.fromHeaders).forEach((h: Obj, j) => { if (!isObj(h) || !h.name) report(`${at}.fromHeaders[${j}].name`, 'a header location needs a name'); });
    arr(rule.fromParams).forEach((p, j) => { if (str(p) === '') report(`${at}.fromParams[${j}]`, 'a query parameter location must be a non-empty string'); });
    arr(rule.fromCookies).forEach((c, j) => { if (str(c) === '') report(`${at}.fromCookies[${j}]`, 'a cookie name must be a non-empty string'); });
    arr(rule.outputClaimToHeaders).forEach((o: Obj, j) => {
      const oat = `${at}.outputClaimToHeaders[${j}]`;
      if (!isObj(o) || !o.claim || !o.header) report(oat, 'outputClaimToHeaders needs a non-empty header and claim');
      else if (!STRICT_HEADER.test(str(o.header))) report(`${oat}.header`, `header name ${JSON.stringify(o.header)} is not a valid header name (letters, digits, "-" and "_")`);
    });
    duration(rule.timeout, `${at}.timeout`, report);
  });
}
