// An independent oracle of istiod's admission rules (Istio 1.30 pkg/config/validation) for the
// kinds the property tests generate, written from the rules, not from the library's code: the
// property tests check that whatever the library synthesizes, istiod would admit.
import { RE2JS } from 're2js';

type Obj = { [key: string]: any };

const LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const FIRST_LABEL = /^(\*|(\*-?)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

function durationMs(d: unknown): number | undefined {
  if (typeof d !== 'string') return undefined;
  const m = /^([0-9.]+)(ms|s|m|h)$/.exec(d);
  if (!m) return NaN;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as { [u: string]: number })[m[2]];
}

function wildcardDomain(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host.length === 0 || host.length > 255) return `host ${JSON.stringify(host)}: length`;
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  const [first, ...rest] = h.split('.');
  if (!FIRST_LABEL.test(first) || first.length > 63) return `host ${JSON.stringify(host)}: first label`;
  for (const l of rest) if (!LABEL.test(l) || l.length > 63) return `host ${JSON.stringify(host)}: label ${JSON.stringify(l)}`;
  return undefined;
}

function stringMatchProblems(m: Obj | undefined, where: string, out: string[]): void {
  if (!m) return;
  const keys = Object.keys(m).filter((k) => m[k] !== undefined);
  if (keys.length !== 1) out.push(`${where}: a StringMatch needs exactly one of exact/prefix/regex`);
  if (typeof m.regex === 'string') {
    try {
      RE2JS.compile(m.regex);
    } catch (e) {
      out.push(`${where}: regex ${JSON.stringify(m.regex)} does not compile as RE2`);
    }
  }
}

function headerValueProblems(ops: Obj | undefined, where: string, out: string[]): void {
  if (!ops) return;
  for (const section of ['set', 'add']) {
    for (const [name, value] of Object.entries(ops[section] ?? {})) {
      if (name.toLowerCase() === 'host' || name.startsWith(':')) out.push(`${where}.${section}: header ${JSON.stringify(name)} may not be modified`);
      if (typeof value !== 'string' || /[\r\n\0]/.test(value)) out.push(`${where}.${section}[${name}]: invalid value`);
      else if ((value.replace(/%%/g, '').match(/%/g) ?? []).length % 2 === 1) out.push(`${where}.${section}[${name}]: unbalanced %`);
    }
  }
  for (const name of ops.remove ?? []) if (name.toLowerCase() === 'host' || name.startsWith(':')) out.push(`${where}.remove: ${name}`);
}

function percent(v: unknown, where: string, out: string[]): void {
  if (v === undefined) return;
  const x = typeof v === 'object' && v !== null ? (v as Obj).value : v;
  if (typeof x !== 'number' || x < 0 || x > 100) out.push(`${where}: percentage ${JSON.stringify(v)} outside 0-100`);
}

function virtualServiceProblems(spec: Obj): string[] {
  const out: string[] = [];
  const hosts: string[] = spec.hosts ?? [];
  if (hosts.length === 0) out.push('hosts: at least one host');
  for (const h of hosts) { const p = wildcardDomain(h); if (p) out.push(p); }
  const exportTo: string[] = spec.exportTo ?? [];
  if (new Set(exportTo).size !== exportTo.length) out.push('exportTo: duplicate entries');
  const http: Obj[] = spec.http ?? [];
  if (http.length === 0 && (spec.tcp ?? []).length === 0 && (spec.tls ?? []).length === 0) out.push('no routes');
  http.forEach((r, i) => {
    const w = `http[${i}]`;
    const actions = ['route', 'redirect', 'directResponse', 'delegate'].filter((k) => r[k] !== undefined);
    if (actions.length !== 1 && !(actions.length === 2 && actions.includes('route') && actions.includes('redirect') === false)) {
      if (actions.length === 0 || actions.length > 1) out.push(`${w}: exactly one of route, redirect, directResponse, delegate`);
    }
    const dests: Obj[] = r.route ?? [];
    if (r.route !== undefined && dests.length === 0) out.push(`${w}.route: empty`);
    if (dests.length > 1 && dests.reduce((s, d) => s + (d.weight ?? 0), 0) === 0) out.push(`${w}.route: total destination weight = 0`);
    for (const d of dests) {
      if (!d.destination?.host) out.push(`${w}.route: destination host required`);
      if (d.weight !== undefined && (d.weight < 0 || !Number.isInteger(d.weight))) out.push(`${w}.route: weight ${d.weight}`);
      if (d.destination?.subset !== undefined && !LABEL.test(d.destination.subset)) out.push(`${w}: subset ${d.destination.subset}`);
    }
    for (const f of ['timeout']) { const ms = durationMs(r[f]); if (ms !== undefined && !(ms >= 1)) out.push(`${w}.${f}: ${r[f]}`); }
    if (r.retries) {
      const a = r.retries.attempts ?? 0;
      if (a < 0) out.push(`${w}.retries.attempts < 0`);
      if (a === 0 && (r.retries.perTryTimeout !== undefined || r.retries.retryOn !== undefined || r.retries.backoff !== undefined)) {
        out.push(`${w}.retries: http retry policy configured when attempts are set to 0`);
      }
      const ms = durationMs(r.retries.perTryTimeout);
      if (ms !== undefined && !(ms >= 1)) out.push(`${w}.retries.perTryTimeout: ${r.retries.perTryTimeout}`);
    }
    if (r.redirect?.redirectCode !== undefined && !REDIRECT_CODES.has(r.redirect.redirectCode)) out.push(`${w}.redirect.redirectCode: ${r.redirect.redirectCode}`);
    if (r.redirect?.scheme !== undefined && r.redirect.scheme !== r.redirect.scheme.toLowerCase()) out.push(`${w}.redirect.scheme: ${r.redirect.scheme}`);
    if (r.fault) {
      percent(r.fault.delay?.percentage, `${w}.fault.delay`, out);
      percent(r.fault.abort?.percentage, `${w}.fault.abort`, out);
      const st = r.fault.abort?.httpStatus;
      if (st !== undefined && (st < 200 || st > 599)) out.push(`${w}.fault.abort.httpStatus ${st}`);
      const ms = durationMs(r.fault.delay?.fixedDelay);
      if (ms !== undefined && !(ms >= 1)) out.push(`${w}.fault.delay.fixedDelay`);
      for (const p of [r.fault.delay?.percentage?.value, r.fault.abort?.percentage?.value]) if (typeof p === 'number' && p > 0 && p < 0.0001) out.push(`${w}.fault: percentage ${p} rounds to 0`);
    }
    percent(r.mirrorPercentage, `${w}.mirrorPercentage`, out);
    const mp = r.mirrorPercentage?.value;
    if (typeof mp === 'number' && mp > 0 && mp < 0.0001) out.push(`${w}.mirrorPercentage rounds to 0`);
    (r.match ?? []).forEach((m: Obj, j: number) => {
      for (const k of ['uri', 'scheme', 'method', 'authority']) stringMatchProblems(m[k], `${w}.match[${j}].${k}`, out);
      for (const k of ['headers', 'queryParams', 'withoutHeaders']) for (const [n, v] of Object.entries(m[k] ?? {})) stringMatchProblems(v as Obj, `${w}.match[${j}].${k}[${n}]`, out);
    });
    headerValueProblems(r.headers?.request, `${w}.headers.request`, out);
    headerValueProblems(r.headers?.response, `${w}.headers.response`, out);
  });
  return out;
}

function destinationRuleProblems(spec: Obj): string[] {
  const out: string[] = [];
  const p = typeof spec.host === 'string' ? wildcardDomain(spec.host) : 'host required';
  if (p) out.push(p);
  const names = (spec.subsets ?? []).map((s: Obj) => s.name);
  if (new Set(names).size !== names.length) out.push('subsets: duplicate names');
  for (const n of names) if (!LABEL.test(n) || n.length > 63) out.push(`subset name ${n}`);
  return out;
}

function authorizationPolicyProblems(spec: Obj): string[] {
  const out: string[] = [];
  if (spec.action === 'CUSTOM' && !spec.provider?.name) out.push('CUSTOM needs a provider');
  if (spec.action !== 'CUSTOM' && spec.provider !== undefined) out.push('provider only with CUSTOM');
  (spec.rules ?? []).forEach((r: Obj, i: number) => {
    for (const f of r.from ?? []) {
      const s = f.source ?? {};
      for (const k of ['principals', 'notPrincipals', 'requestPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks']) {
        for (const v of s[k] ?? []) if (typeof v !== 'string' || v === '') out.push(`rules[${i}].from.${k}: empty value`);
      }
      for (const v of [...(s.principals ?? []), ...(s.notPrincipals ?? [])]) if (/^spiffe:\/\//.test(v)) out.push(`rules[${i}]: principal ${v} with spiffe://`);
    }
    for (const t of r.to ?? []) {
      const o = t.operation ?? {};
      for (const v of [...(o.paths ?? []), ...(o.notPaths ?? [])]) if (/[?#]/.test(v)) out.push(`rules[${i}]: path ${v} with ? or #`);
      for (const k of ['hosts', 'methods', 'ports', 'paths']) for (const v of o[k] ?? []) if (v === '') out.push(`rules[${i}].to.${k}: empty value`);
    }
  });
  return out;
}

/** istiod's admission problems of one object (empty when it would be admitted). */
export function admissionProblems(obj: Obj): string[] {
  const spec = obj.spec ?? {};
  if (obj.apiVersion?.startsWith('networking.istio.io/')) {
    if (obj.kind === 'VirtualService') return virtualServiceProblems(spec);
    if (obj.kind === 'DestinationRule') return destinationRuleProblems(spec);
    if (obj.kind === 'Gateway') {
      return (spec.servers ?? []).flatMap((s: Obj) => (s.hosts ?? []).flatMap((h: string) => {
        const dns = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
        const p = wildcardDomain(dns);
        return p ? [p] : [];
      }));
    }
  }
  if (obj.apiVersion?.startsWith('security.istio.io/') && obj.kind === 'AuthorizationPolicy') return authorizationPolicyProblems(spec);
  return [];
}
