// Runtime pieces the compiled CRD validators reference: the RE2 regex engine for
// schema `pattern`s and the format implementations. Kept in their own module so the
// ajv *standalone* code shipped and cached on disk (see ./compiled-schemas) can `require` them.
import { RE2JS } from 're2js';
import { k8sIsCIDR, parseIPv4, parseIPv6 } from './net-parsing';

/** Compiled matcher handed to ajv. */
export interface Re2Matcher {
  test(s: string): boolean;
  toString(): string;
}

/** ajv `code.regExp` engine: Go RE2 semantics, like the API server. */
export function re2Engine(pattern: string): Re2Matcher {
  const re = RE2JS.compile(pattern);
  // ajv caches compiled patterns by `toString()`: it must be unique per pattern.
  return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Format implementations (the subset of the API server's formats the CRDs use, and a few more). */
export const formats = {
  'int32': { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  'int64': { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
  'float': { type: 'number' as const, validate: () => true },
  'double': { type: 'number' as const, validate: () => true },
  'byte': { type: 'string' as const, validate: (s: string) => BASE64.test(s) },
  'date-time': { type: 'string' as const, validate: (s: string) => RFC3339.test(s) && !isNaN(Date.parse(s)) },
  'date': { type: 'string' as const, validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !isNaN(Date.parse(s)) },
  'ipv4': { type: 'string' as const, validate: (s: string) => parseIPv4(s) !== undefined },
  'ipv6': { type: 'string' as const, validate: (s: string) => parseIPv6(s) !== undefined },
  'cidr': { type: 'string' as const, validate: (s: string) => k8sIsCIDR(s) },
  'uuid': { type: 'string' as const, validate: (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) },
};

/** How standalone code cached on disk imports this module (by absolute path). */
export const RUNTIME_REQUIRE = `require(${JSON.stringify(__filename)})`;
