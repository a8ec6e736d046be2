// istiod's admission rules for security.istio.io RequestAuthentication (Istio 1.30
// pkg/config/validation: ValidateRequestAuthentication — one of selector, targetRef and
// targetRefs; validateWorkloadSelector; validatePolicyTargetReference(s); validateJwtRule).
import { Report, duration } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const TARGET_KINDS = new Set(['core/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass']);
const STRICT_HEADER = /^[-_A-Za-z0-9]+$/;

/** `validatePolicyTargetReference`: a name, no namespace, a Service, ServiceEntry, Gateway or GatewayClass. */
export function policyTarget(t: unknown, at: string, report: Report): void {
  if (!isObj(t)) return;
  if (!t.name) report(`${at}.name`, 'a targetRef needs a name');
  if (t.namespace) report(`${at}.namespace`, 'a targetRef cannot name a namespace: cross-namespace references are not supported');
  const key = `${str(t.group) || 'core'}/${str(t.kind)}`;
  if (!TARGET_KINDS.has(key)) report(at, `a targetRef must be a Service, ServiceEntry, Gateway (gateway.networking.k8s.io) or GatewayClass, not ${JSON.stringify(`${str(t.group)}/${str(t.kind)}`)}`);
}

/** `validateOneOfSelectorType` and `validateWorkloadSelector` of a security policy. */
export function policySelection(spec: Obj, report: Report): void {
  const set = [spec.selector !== undefined, spec.targetRef !== undefined, arr(spec.targetRefs).length > 0].filter(Boolean).length;
  if (set > 1) report('spec', 'only one of selector, targetRef and targetRefs can be set');
  const labels = isObj(spec.selector) && isObj(spec.selector.matchLabels) ? (spec.selector.matchLabels as Obj) : {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') report('spec.selector.matchLabels', `an empty key is not supported in a selector: "=${v}"`);
    if (k.includes('*') || str(v).includes('*')) report('spec.selector.matchLabels', `wildcards are not supported in a selector: "${k}=${v}"`);
  }
  policyTarget(spec.targetRef, 'spec.targetRef', report);
  arr(spec.targetRefs).forEach((t, i) => policyTarget(t, `spec.targetRefs[${i}]`, report));
}

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
