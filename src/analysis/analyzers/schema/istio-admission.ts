// IST0106 for what istiod's validating webhook (Istio 1.30 pkg/config/validation) refuses and
// the CRD schema lets through, checked on the objects as they are, so objects written by hand,
// through escape hatches (addJsonPatch, raw ApiObjects) or read by the CLI are covered too.
// The typed constructs refuse the same mistakes earlier, with their own field names.
import { RE2JS } from 're2js';
import { AnalysisContext, AnalyzerDef, Obj, Resource, arr, isObj, num, str } from '../../model';

const ISTIO_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const MAX_REGEX_LENGTH = 1024;

type Report = (path: string, message: string) => void;

function hostProblem(host: string): string | undefined {
  if (host === '*' || host === '') return undefined;
  const dns = host.endsWith('.') ? host.slice(0, -1) : host;
  const [first, ...rest] = dns.split('.');
  const firstOk = first === '*' || /^(\*-?)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(first);
  if (!firstOk || rest.some((l) => !ISTIO_LABEL.test(l) || l.length > 63)) {
    return `domain name ${JSON.stringify(host)} invalid: labels are letters, digits and "-" (no "_")`;
  }
  return undefined;
}

function port(v: unknown, path: string, report: Report): void {
  if (v === undefined) return;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) report(path, `port number ${JSON.stringify(v)} must be in the range 1..65535`);
}

function percentage(v: unknown, path: string, report: Report): void {
  const x = isObj(v) ? v.value : v;
  if (typeof x === 'number' && x > 0 && x < 0.0001) report(path, `percentage ${x} is below 0.0001, which Envoy rounds to 0: nothing would be affected`);
}

function stringMatch(m: unknown, path: string, report: Report): void {
  if (!isObj(m) || typeof m.regex !== 'string') return;
  if (m.regex.length > MAX_REGEX_LENGTH) report(`${path}.regex`, `regex is ${m.regex.length} characters, over istiod's limit of ${MAX_REGEX_LENGTH}`);
  try {
    RE2JS.compile(m.regex);
  } catch (e) {
    report(`${path}.regex`, `${JSON.stringify(m.regex)} is not an RE2 regular expression: ${String((e as Error).message).split('\n')[0]}`);
  }
}

function headerOperations(ops: unknown, path: string, report: Report): void {
  if (!isObj(ops)) return;
  for (const section of ['set', 'add']) {
    for (const [name, value] of Object.entries(isObj(ops[section]) ? ops[section] : {})) {
      if (name.toLowerCase() === 'host' || name.startsWith(':')) report(`${path}.${section}`, `header ${JSON.stringify(name)} cannot be modified`);
      if (typeof value === 'string' && /[\r\n\0]/.test(value)) {report(`${path}.${section}[${JSON.stringify(name)}]`, `header value ${JSON.stringify(value)} contains a line break or NUL`);} else if (typeof value === 'string' && ((value.replace(/%%/g, '').match(/%/g) ?? []).length % 2 === 1)) {
        report(`${path}.${section}[${JSON.stringify(name)}]`, `header value ${JSON.stringify(value)} has an unescaped "%" (write "%%" for a literal percent sign)`);
      }
    }
  }
}

function virtualService(spec: Obj, report: Report): void {
  arr(spec.hosts).forEach((h, i) => { const p = hostProblem(str(h)); if (p) report(`spec.hosts[${i}]`, p); });
  const exportTo = arr(spec.exportTo).map(str);
  if (new Set(exportTo).size !== exportTo.length) report('spec.exportTo', `duplicate entries in ${JSON.stringify(exportTo)}`);
  arr(spec.http).forEach((r: Obj, i) => {
    if (!isObj(r)) return;
    const at = `spec.http[${i}]`;
    const dests = arr(r.route).filter(isObj);
    if (dests.length > 1 && dests.reduce((s, d) => s + num(d.weight), 0) === 0) report(`${at}.route`, 'total destination weight = 0');
    dests.forEach((d, j) => port(d.destination?.port?.number, `${at}.route[${j}].destination.port.number`, report));
    if (isObj(r.retries) && num(r.retries.attempts) === 0 && (r.retries.perTryTimeout !== undefined || r.retries.retryOn !== undefined)) {
      report(`${at}.retries`, 'http retry policy configured when attempts are set to 0 (disabled)');
    }
    if (isObj(r.redirect) && r.redirect.redirectCode !== undefined && !REDIRECT_CODES.has(r.redirect.redirectCode)) {
      report(`${at}.redirect.redirectCode`, `${JSON.stringify(r.redirect.redirectCode)} is not a redirect code Envoy sends (301, 302, 303, 307, 308)`);
    }
    if (isObj(r.fault)) {
      percentage(r.fault.delay?.percentage, `${at}.fault.delay.percentage`, report);
      percentage(r.fault.abort?.percentage, `${at}.fault.abort.percentage`, report);
    }
    percentage(r.mirrorPercentage, `${at}.mirrorPercentage`, report);
    arr(r.match).forEach((m: Obj, j) => {
      if (!isObj(m)) return;
      for (const k of ['uri', 'scheme', 'method', 'authority']) stringMatch(m[k], `${at}.match[${j}].${k}`, report);
      for (const k of ['headers', 'queryParams', 'withoutHeaders']) {
        for (const [n, v] of Object.entries(isObj(m[k]) ? m[k] : {})) stringMatch(v, `${at}.match[${j}].${k}[${JSON.stringify(n)}]`, report);
      }
    });
    headerOperations(r.headers?.request, `${at}.headers.request`, report);
    headerOperations(r.headers?.response, `${at}.headers.response`, report);
  });
}

function destinationRule(spec: Obj, report: Report): void {
  const p = hostProblem(str(spec.host));
  if (p) report('spec.host', p);
  arr(spec.subsets).forEach((s: Obj, i) => {
    if (isObj(s) && typeof s.name === 'string' && !ISTIO_LABEL.test(s.name)) report(`spec.subsets[${i}].name`, `invalid subset name ${JSON.stringify(s.name)}`);
  });
  const policies = [spec.trafficPolicy, ...arr(spec.subsets).map((s: Obj) => s?.trafficPolicy)].filter(isObj);
  for (const tp of policies) {
    const pct = tp.outlierDetection?.maxEjectionPercent;
    if (typeof pct === 'number' && (pct < 0 || pct > 100)) report('spec.trafficPolicy.outlierDetection.maxEjectionPercent', `${pct} must be between 0 and 100`);
  }
}

function authorizationPolicy(spec: Obj, report: Report): void {
  arr(spec.rules).forEach((r: Obj, i) => {
    if (!isObj(r)) return;
    arr(r.from).forEach((f: Obj, j) => {
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
    arr(r.to).forEach((t: Obj, j) => {
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

function gateway(r: Resource, report: Report): void {
  if (r.name.includes('.')) report('metadata.name', `invalid gateway name ${JSON.stringify(r.name)}: it cannot contain dots`);
  arr(r.spec.servers).forEach((s: Obj, i) => {
    if (!isObj(s)) return;
    port(s.port?.number, `spec.servers[${i}].port.number`, report);
    arr(s.hosts).forEach((h, j) => {
      const host = str(h);
      const p = hostProblem(host.includes('/') ? host.slice(host.indexOf('/') + 1) : host);
      if (p) report(`spec.servers[${i}].hosts[${j}]`, p);
    });
  });
}

function serviceEntry(spec: Obj, report: Report): void {
  arr(spec.hosts).forEach((h, i) => { const p = hostProblem(str(h)); if (p) report(`spec.hosts[${i}]`, p); });
  arr(spec.ports).forEach((p: Obj, i) => port(p?.number, `spec.ports[${i}].number`, report));
}

export const istioAdmissionAnalyzer: AnalyzerDef = {
  name: 'schema.IstioAdmissionAnalyzer',
  description: 'Checks Istio objects against the rules of istiod\'s validating webhook that their CRD schemas do not express',
  inputs: [],
  allKinds: true,
  analyze(ctx: AnalysisContext): void {
    for (const r of ctx.inputObjects()) {
      if (!/^(networking|security)\.istio\.io\//.test(r.apiVersion)) continue;
      const report: Report = (path, message) => ctx.report(r, 'SchemaValidationError', `${path}: ${message} (istiod admission)`);
      switch (r.kind) {
        case 'VirtualService': virtualService(r.spec, report); break;
        case 'DestinationRule': destinationRule(r.spec, report); break;
        case 'AuthorizationPolicy': authorizationPolicy(r.spec, report); break;
        case 'Gateway': gateway(r, report); break;
        case 'ServiceEntry': serviceEntry(r.spec, report); break;
        default: break;
      }
    }
  },
};
