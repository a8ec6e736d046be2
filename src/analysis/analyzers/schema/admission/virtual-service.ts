// istiod's admission rules for networking.istio.io VirtualService.
import { Report, headerOperations, hostProblem, percentage, port, stringMatch } from './shared';
import { Obj, Resource, arr, isObj, num, str } from '../../../model';

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Checks a VirtualService. */
export function virtualService(r: Resource, report: Report): void {
  const spec = r.spec;
  arr(spec.hosts).forEach((h, i) => { const p = hostProblem(str(h)); if (p) report(`spec.hosts[${i}]`, p); });
  const exportTo = arr(spec.exportTo).map(str);
  if (new Set(exportTo).size !== exportTo.length) report('spec.exportTo', `duplicate entries in ${JSON.stringify(exportTo)}`);
  arr(spec.http).forEach((rt: Obj, i) => {
    if (!isObj(rt)) return;
    const at = `spec.http[${i}]`;
    const dests = arr(rt.route).filter(isObj);
    if (dests.length > 1 && dests.reduce((s, d) => s + num(d.weight), 0) === 0) report(`${at}.route`, 'total destination weight = 0');
    dests.forEach((d, j) => port(d.destination?.port?.number, `${at}.route[${j}].destination.port.number`, report));
    if (isObj(rt.retries) && num(rt.retries.attempts) === 0 && (rt.retries.perTryTimeout !== undefined || rt.retries.retryOn !== undefined)) {
      report(`${at}.retries`, 'http retry policy configured when attempts are set to 0 (disabled)');
    }
    if (isObj(rt.redirect) && rt.redirect.redirectCode !== undefined && !REDIRECT_CODES.has(rt.redirect.redirectCode)) {
      report(`${at}.redirect.redirectCode`, `${JSON.stringify(rt.redirect.redirectCode)} is not a redirect code Envoy sends (301, 302, 303, 307, 308)`);
    }
    if (isObj(rt.fault)) {
      percentage(rt.fault.delay?.percentage, `${at}.fault.delay.percentage`, report);
      percentage(rt.fault.abort?.percentage, `${at}.fault.abort.percentage`, report);
    }
    percentage(rt.mirrorPercentage, `${at}.mirrorPercentage`, report);
    arr(rt.match).forEach((m: Obj, j) => {
      if (!isObj(m)) return;
      for (const k of ['uri', 'scheme', 'method', 'authority']) stringMatch(m[k], `${at}.match[${j}].${k}`, report);
      for (const k of ['headers', 'queryParams', 'withoutHeaders']) {
        for (const [n, v] of Object.entries(isObj(m[k]) ? (m[k] as Obj) : {})) stringMatch(v, `${at}.match[${j}].${k}[${JSON.stringify(n)}]`, report);
      }
    });
    headerOperations(rt.headers?.request, `${at}.headers.request`, report);
    headerOperations(rt.headers?.response, `${at}.headers.response`, report);
  });
}
