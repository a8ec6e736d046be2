// Helpers shared by the per-kind istiod admission checks (Istio 1.30 pkg/config/validation):
// how a problem is reported, and the rules several kinds apply (hosts, ports, percentages,
// string matches, labels, exportTo, durations, IP subnets).
import { RE2JS } from 're2js';
import { Resource, isObj } from '../../../model';

/** Reports one problem at a JSON path of the object (e.g. `spec.http[0].route`). */
export type Report = (path: string, message: string) => void;

/** The admission check of one kind. */
export type AdmissionCheck = (r: Resource, report: Report) => void;

/** istiod's label rule for subset names, port names and similar (Go `labels.IsDNS1123Label` relaxed to mixed case). */
export const ISTIO_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** The port protocols istiod knows (`protocol.Parse`, lower case: the names are matched case-insensitively). */
export const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

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

const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** Istio's `labels.IsDNS1123Label` (mixed case allowed, at most 63 characters). */
export function isDns1123Label(v: string): boolean {
  return v.length <= 63 && DNS1123_LABEL.test(v);
}

const GO_UNITS: { [unit: string]: number } = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One `<number><unit>` part of a Go duration (sticky: matched at `lastIndex`, set before each use). */
const DURATION_PART = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Milliseconds of a duration written as Kubernetes/Istio accept it (Go `time.ParseDuration`
 * syntax such as `1.5s`, `1m30s`, `250ms`), or `undefined` when it is not one.
 */
export function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (v === '0') return 0;
  let total = 0;
  let pos = 0;
  while (pos < v.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(v);
    if (!m) return undefined;
    total += Number(m[1]) * GO_UNITS[m[2]];
    pos = DURATION_PART.lastIndex;
  }
  return total;
}

/** istiod's `agent.ValidateDuration`: at least 1ms, in whole milliseconds. */
export function duration(v: unknown, path: string, report: Report): void {
  if (v === undefined) return;
  const ms = durationMs(v);
  if (ms === undefined) return; // the CRD schema reports durations it cannot parse
  if (ms < 1) report(path, `duration ${JSON.stringify(v)} must be at least 1ms`);
  else if (Math.abs(ms - Math.round(ms)) > 1e-9) report(path, `duration ${JSON.stringify(v)} is not in whole milliseconds (istiod accepts ms precision only)`);
}

const QUALIFIED_NAME = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY = new RegExp(`^((?:[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*)/)?(${QUALIFIED_NAME})$`);
const LABEL_VALUE = new RegExp(`^(${QUALIFIED_NAME})?$`);

/** istiod's `labels.Instance.Validate`: keys `[prefix/]name`, values qualified names (or empty). */
export function istioLabels(v: unknown, path: string, report: Report): void {
  if (!isObj(v)) return;
  for (const [k, val] of Object.entries(v)) {
    const m = LABEL_KEY.exec(k);
    if (!m || (m[1] !== undefined && m[1].length - 1 > 253) || m[2].length > 63) report(path, `invalid label key ${JSON.stringify(k)}`);
    if (typeof val === 'string' && !LABEL_VALUE.test(val)) report(`${path}[${JSON.stringify(k)}]`, `invalid label value ${JSON.stringify(val)}`);
  }
}

/** istiod's `validateExportTo`: no duplicates (`.` counts as the namespace), `.`/`*`/DNS labels, `*` alone. */
export function exportTo(namespace: string, list: unknown, path: string, report: Report, opts: { serviceEntry?: boolean } = {}): void {
  const entries = Array.isArray(list) ? list.map((e) => String(e)) : [];
  if (entries.length === 0) return;
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e === '.' ? namespace || '.' : e;
    if (seen.has(key)) {
      report(path, key !== e ? `duplicate entries in exportTo: . and the current namespace ${namespace}` : `duplicate entries in exportTo for entry ${JSON.stringify(e)}`);
      continue;
    }
    if (e === '~' && opts.serviceEntry) seen.add(key);
    else if (e === '~') report(path, 'exportTo ~ (none) is not allowed for Istio configuration objects other than ServiceEntries');
    else if (e !== '.' && e !== '*' && !isDns1123Label(e)) report(path, `exportTo entry ${JSON.stringify(e)} is invalid: only ".", "*" or a namespace name (DNS-1123 label)`);
    else seen.add(key);
  }
  if (seen.has('*') && entries.length > 1) report(path, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (seen.has('~') && entries.length > 1) report(path, 'cannot export a service entry to no one (~) and someone');
}

/** Istio's `host.Name.Matches`: the two (possibly wildcarded) hosts overlap. */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's `host.Name.SubsetOf`: every host `a` matches is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Whether `v` is an IP address (Go `netip.ParseAddr`: no zones in brackets, no leading zeros in IPv4). */
export function isGoIpAddress(v: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return v.split('.').every((p) => Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
  if (!v.includes(':') || /[^0-9a-fA-F:.%]/.test(v.split('%')[0])) return false;
  const addr = v.split('%')[0];
  const parts = addr.split('::');
  if (parts.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = [...groups(parts[0]), ...(parts[1] !== undefined ? groups(parts[1]) : [])];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!isGoIpAddress(g) || g.includes(':')) return false;
      count += 2;
    } else if (!/^[0-9a-fA-F]{1,4}$/.test(g)) {return false;} else {count++;}
  }
  return parts.length === 2 ? count < 8 : count === 8;
}

/** istiod's `agent.ValidateIPSubnet`: a CIDR block or an IP address. */
export function ipSubnetProblem(v: string): string | undefined {
  if ((v.match(/\//g) ?? []).length === 1) {
    const [ip, bits] = v.split('/');
    const max = ip.includes(':') ? 128 : 32;
    if (!isGoIpAddress(ip) || !/^\d+$/.test(bits) || Number(bits) > max || (bits.length > 1 && bits.startsWith('0'))) return `${JSON.stringify(v)} is not a valid CIDR block`;
    return undefined;
  }
  return isGoIpAddress(v) ? undefined : `${JSON.stringify(v)} is not a valid IP address`;
}

/** istiod's `validateWorkloadSelector`: no empty keys and no wildcards in a selector's labels. */
export function selectorLabels(labels: unknown, path: string, report: Report): void {
  if (!isObj(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') report(path, `an empty key is not supported in a selector: "=${String(v)}"`);
    if (k.includes('*') || String(v ?? '').includes('*')) report(path, `wildcards are not supported in a selector: "${k}=${String(v)}"`);
  }
}
