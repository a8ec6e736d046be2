// istiod's admission rules for security.istio.io AuthorizationPolicy.
import { Report, port } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Checks an AuthorizationPolicy. */
export function authorizationPolicy(r: Resource, report: Report): void {
  const spec = r.spec;
  arr(spec.rules).forEach((rule: Obj, i) => {
    if (!isObj(rule)) return;
    arr(rule.from).forEach((f: Obj, j) => {
      if (spec.action === 'CUSTOM') {
        for (const k of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']) {
          if (f?.source?.[k] !== undefined) report(`spec.rules[${i}].from[${j}].source.${k}`, `${JSON.stringify(f.source[k])}: a CUSTOM policy cannot match on ${k}`);
        }
      }
      for (const k of ['principals', 'notPrincipals']) {
        arr(f?.source?.[k]).forEach((v, n) => {
          if (/^spiffe:\/\//.test(str(v))) report(`spec.rules[${i}].from[${j}].source.${k}[${n}]`, `${JSON.stringify(v)}: istiod adds "spiffe://" itself, so this principal never matches; drop the prefix`);
        });
      }
    });
    arr(rule.to).forEach((t: Obj, j) => {
      const op = isObj(t?.operation) ? t.operation : {};
      for (const k of ['ports', 'notPorts']) arr(op[k]).forEach((v, n) => port(v, `spec.rules[${i}].to[${j}].operation.${k}[${n}]`, report));
      for (const k of ['paths', 'notPaths']) {
        arr(op[k]).forEach((v, n) => {
          if (/[?#]/.test(str(v))) report(`spec.rules[${i}].to[${j}].operation.${k}[${n}]`, `${JSON.stringify(v)}: paths are matched without the query or fragment, so this never matches`);
        });
      }
    });
  });
}
