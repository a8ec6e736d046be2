// istiod's rules for HTTP header names and values (Istio 1.30 pkg/config/validation:
// ValidateHTTPHeader*Name, ValidateHTTPHeaderValue and the Envoy header-value format parser).
import { Report } from './shared';
import { Obj, arr, isObj } from '../../../model';

/** RFC 7230 token characters: what a header name may consist of. */
export const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/;

const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

/** Whether a match header key is a JWT claim (`@request.auth.claims.<name>` or `[a][b]` forms). */
export function isJwtClaimKey(name: string): boolean {
  const prefix = '@request.auth.claims';
  if (!name.toLowerCase().startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** `ValidateHTTPHeaderNameOrJwtClaimRoute`: a token, a pseudo header or a JWT claim. */
export function matchHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isJwtClaimKey(name) || PSEUDO_HEADERS.has(name) || HEADER_TOKEN.test(name)) return undefined;
  return `header name ${JSON.stringify(name)} is not a valid header name`;
}

const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * Why Envoy would refuse a header value (control characters; a `%` that is neither `%%` nor
 * a `%VARIABLE%` / `%VARIABLE(args)%` expression), or `undefined`.
 */
export function headerValueProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return `header value ${JSON.stringify(value)} contains a control character (e.g. a line break)`;
  let state: 'literal' | 'name' | 'array' | 'string-start' | 'string' | 'delimiter' | 'args-end' | 'var-end' = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const next = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!next) return `header value ${JSON.stringify(value)} has an unescaped "%" (write "%%" for a literal percent sign)`;
        if (value[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'string-start';
        else if (ch !== ' ') state = 'string';
        break;
      case 'delimiter':
        if (ch === ',') state = 'string-start';
        else if (ch === ']') state = 'args-end';
        else if (ch !== ' ') return `header value ${JSON.stringify(value)}: expecting ",", "]" or a space in a %VARIABLE(...)% argument list`;
        break;
      case 'string-start':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return `header value ${JSON.stringify(value)}: expecting '"' in a %VARIABLE(...)% argument list`;
        break;
      case 'string':
        if (ch === '\\') {
          if (!next) return `header value ${JSON.stringify(value)}: unterminated backslash in a %VARIABLE(...)% argument`;
          pos++;
        } else if (ch === ')') {state = 'var-end';} else if (ch === '"') {state = 'delimiter';}
        break;
      case 'args-end':
        if (ch === ')') state = 'var-end';
        else if (ch !== ' ') return `header value ${JSON.stringify(value)}: expecting ")" after a %VARIABLE(...)% argument list`;
        break;
      case 'var-end':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return `header value ${JSON.stringify(value)}: expecting "%" after a %VARIABLE(...)% expression`;
        break;
    }
  }
  if (state !== 'literal') return `header value ${JSON.stringify(value)} has an unescaped "%" or an unterminated %VARIABLE% expression (write "%%" for a literal percent sign)`;
  return undefined;
}

function isAuthority(name: string): boolean {
  return name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';
}

/**
 * Header operations of a route or destination (`headers.request` / `headers.response`):
 * names and values. Request `set`/`add` may name the authority (`host`, `:authority`), which
 * rewrites it; nothing else with a `:` prefix; `remove` and every response operation may not
 * touch `host` either. Returns the authority values set, for the single-rewrite rule.
 */
export function headerOperations(headers: unknown, path: string, report: Report): string[] {
  const authorities: string[] = [];
  if (!isObj(headers)) return authorities;
  for (const side of ['request', 'response'] as const) {
    const ops: Obj = isObj(headers[side]) ? headers[side] : {};
    for (const op of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(isObj(ops[op]) ? (ops[op] as Obj) : {})) {
        const at = `${path}.${side}.${op}[${JSON.stringify(name)}]`;
        if (name === '') report(at, 'header name cannot be empty');
        else if (side === 'request' && isAuthority(name)) authorities.push(String(value));
        else if (side === 'response' && name.toLowerCase() === 'host') report(at, 'the Host header cannot be set on a response');
        else if (name.startsWith(':') || name.toLowerCase() === 'host') report(at, `header ${JSON.stringify(name)} cannot be modified (no ":" pseudo headers)`);
        if (typeof value === 'string') {
          const p = headerValueProblem(value);
          if (p) report(at, p);
        }
      }
    }
    arr(ops.remove).forEach((name, i) => {
      const n = String(name);
      const at = `${path}.${side}.remove[${i}]`;
      if (n === '') report(at, 'header name cannot be empty');
      else if (n.toLowerCase() === 'host') report(at, 'the Host header cannot be removed');
      else if (n.startsWith(':')) report(at, `header ${JSON.stringify(n)} cannot be removed (no ":" pseudo headers)`);
    });
  }
  return authorities;
}
