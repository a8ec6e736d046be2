// Helpers shared by the per-kind istiod admission checks (Istio 1.30 pkg/config/validation):
// how a problem is reported, and the rules several kinds apply (hosts, ports, percentages,
// string matches, header operations).
import { RE2JS } from 're2js';
import { Obj, Resource, isObj } from '../../../model';

/** Reports one problem at a JSON path of the object (e.g. `spec.http[0].route`). */
export type Report = (path: string, message: string) => void;

/** The admission check of one kind. */
export type AdmissionCheck = (r: Resource, report: Report) => void;

/** istiod's label rule for subset names, port names and similar (Go `labels.IsDNS1123Label` relaxed to mixed case). */
export const ISTIO_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** istiod's limit on the length of a regular expression. */
export const MAX_REGEX_LENGTH = 1024;

/** Why istiod refuses `host` as a (possibly wildcarded) domain name, or `undefined` when it admits it. */
export function hostProblem(host: string): string | undefined {
  if (host === '*' || host === '') return undefined;
  const dns = host.endsWith('.') ? host.slice(0, -1) : host;
  const [first, ...rest] = dns.split('.');
  const firstOk = first === '*' || /^(\*-?)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(first);
  if (!firstOk || rest.some((l) => !ISTIO_LABEL.test(l) || l.length > 63)) {
    return `domain name ${JSON.stringify(host)} invalid: labels are letters, digits and "-" (no "_")`;
  }
  return undefined;
}

/** A port number in 1..65535 (numbers written as strings included, as YAML may hold them). */
export function port(v: unknown, path: string, report: Report): void {
  if (v === undefined) return;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) report(path, `port number ${JSON.stringify(v)} must be in the range 1..65535`);
}

/** A percentage Envoy does not round to 0. */
export function percentage(v: unknown, path: string, report: Report): void {
  const x = isObj(v) ? v.value : v;
  if (typeof x === 'number' && x > 0 && x < 0.0001) report(path, `percentage ${x} is below 0.0001, which Envoy rounds to 0: nothing would be affected`);
}

/** A StringMatch whose regex compiles as RE2 within istiod's length limit. */
export function stringMatch(m: unknown, path: string, report: Report): void {
  if (!isObj(m) || typeof m.regex !== 'string') return;
  if (m.regex.length > MAX_REGEX_LENGTH) report(`${path}.regex`, `regex is ${m.regex.length} characters, over istiod's limit of ${MAX_REGEX_LENGTH}`);
  try {
    RE2JS.compile(m.regex);
  } catch (e) {
    report(`${path}.regex`, `${JSON.stringify(m.regex)} is not an RE2 regular expression: ${String((e as Error).message).split('\n')[0]}`);
  }
}

/** Header `set`/`add` operations: no `host` or pseudo-headers, values without line breaks or a lone `%`. */
export function headerOperations(ops: unknown, path: string, report: Report): void {
  if (!isObj(ops)) return;
  for (const section of ['set', 'add']) {
    for (const [name, value] of Object.entries(isObj(ops[section]) ? (ops[section] as Obj) : {})) {
      if (name.toLowerCase() === 'host' || name.startsWith(':')) report(`${path}.${section}`, `header ${JSON.stringify(name)} cannot be modified`);
      if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
        report(`${path}.${section}[${JSON.stringify(name)}]`, `header value ${JSON.stringify(value)} contains a line break or NUL`);
      } else if (typeof value === 'string' && ((value.replace(/%%/g, '').match(/%/g) ?? []).length % 2 === 1)) {
        report(`${path}.${section}[${JSON.stringify(name)}]`, `header value ${JSON.stringify(value)} has an unescaped "%" (write "%%" for a literal percent sign)`);
      }
    }
  }
}
