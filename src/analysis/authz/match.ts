// How Istio matches the values of an AuthorizationPolicy against a request (Istio 1.30
// `pilot/pkg/security/authz/matcher`, written from its documented behaviour): strings are exact,
// prefix (`abc*`), suffix (`*abc`) or presence (`*`); paths also take the templates `{*}` (one
// segment) and `{**}` (any number of segments, last); IPs match addresses or CIDR blocks.
import { BlockList, isIP } from 'net';

/**
 * Three-valued truth: whether a condition holds, does not, or turns on something the request
 * did not say (a source IP, which endpoint answers, ...).
 */
export enum Truth {
  /** The condition holds. */
  TRUE = 'TRUE',
  /** The condition does not hold. */
  FALSE = 'FALSE',
  /** The request does not give what the condition needs. */
  UNKNOWN = 'UNKNOWN',
}

/** Kleene AND of truths (FALSE wins, then UNKNOWN). */
export function and(...values: Truth[]): Truth {
  if (values.includes(Truth.FALSE)) return Truth.FALSE;
  return values.includes(Truth.UNKNOWN) ? Truth.UNKNOWN : Truth.TRUE;
}

/** Kleene OR of truths (TRUE wins, then UNKNOWN). */
export function or(values: Truth[]): Truth {
  if (values.includes(Truth.TRUE)) return Truth.TRUE;
  return values.includes(Truth.UNKNOWN) ? Truth.UNKNOWN : Truth.FALSE;
}

/** Kleene NOT. */
export function not(value: Truth): Truth {
  return value === Truth.TRUE ? Truth.FALSE : value === Truth.FALSE ? Truth.TRUE : Truth.UNKNOWN;
}

/** A boolean as a truth. */
export function truth(value: boolean): Truth {
  return value ? Truth.TRUE : Truth.FALSE;
}

/**
 * Istio's string match of a policy value against a request value: `*` matches any non-empty
 * value, `abc*` a prefix, `*abc` a suffix, anything else exactly.
 */
export function stringMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** Host matching: as strings, case-insensitively, ignoring a port in the request's Host. */
export function hostMatches(pattern: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const bare = host.replace(/:\d+$/, '').toLowerCase();
  return stringMatches(pattern.toLowerCase(), bare);
}

/**
 * Path matching with Istio's templates: `{*}` matches exactly one path segment, `{**}` any
 * number of segments (at the end); otherwise the string rules (`/api/*` is a prefix).
 */
export function pathMatches(pattern: string, path: string | undefined): boolean {
  if (path === undefined) return false;
  const bare = path.split('?')[0];
  if (!pattern.includes('{*}') && !pattern.includes('{**}')) return stringMatches(pattern, bare);
  const want = pattern.split('/');
  const have = bare.split('/');
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === '{**}') return have.length > i && have.slice(i).join('/') !== '';
    if (i >= have.length) return false;
    if (w === '{*}') {
      if (have[i] === '') return false;
      continue;
    }
    if (w !== have[i]) return false;
  }
  return want.length === have.length;
}

/** Whether an IP address is `block` (an address) or inside it (a CIDR). */
export function ipMatches(block: string, ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  const slash = block.indexOf('/');
  try {
    if (slash < 0) {
      if (isIP(block) !== family) return false;
      list.addAddress(block, type);
    } else {
      const net = block.slice(0, slash);
      if (isIP(net) !== family) return false;
      list.addSubnet(net, Number(block.slice(slash + 1)), type);
    }
  } catch {
    return false;
  }
  return list.check(ip, type);
}
