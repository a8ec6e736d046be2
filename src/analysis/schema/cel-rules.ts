// Evaluates the `x-kubernetes-validations` CEL rules of a CRD schema against an
// (already defaulted) object, with Kubernetes semantics:
//  - a rule on a field runs only when the field is present (and not null);
//  - `self` is the value at the rule's schema location; objects with
//    `properties` are bound with escaped field names (`namespace` ->
//    `__namespace__`, `a-b` -> `a__dash__b`, ...), maps keep their keys;
//  - `type: integer` values are CEL ints (bigint), `type: number` doubles;
//  - transition rules (referencing `oldSelf`) are skipped: there is no old object;
//  - a failing rule reports `messageExpression` (evaluated) or `message`, and a
//    rule that errors at runtime is reported as a failure too.
// Also enforces `x-kubernetes-list-type: set|map` uniqueness, as the API server does.
//
// @bufbuild/cel takes ~0.2 s to load inside jest, so it is required lazily: objects
// whose present fields carry no rules never load it.
import type { CelEnv, CelResult } from '@bufbuild/cel';
import { RE2JS } from 're2js';

type CelModule = typeof import('@bufbuild/cel');
let celModule: CelModule | undefined;
function cel(): CelModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!celModule) celModule = require('@bufbuild/cel') as CelModule;
  return celModule;
}

/** One problem found while checking rules: JSON-ish path + message. */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
  /** The value the failing rule looked at (`self`), when the rule has no `fieldPath`. */
  readonly value?: unknown;
}

type Evaluator = (bindings: { self: unknown }) => CelResult;

/** A rule after compilation. */
export interface CompiledRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
  /** Set when the rule references `oldSelf` (not evaluated). */
  readonly transition: boolean;
  readonly evaluate?: Evaluator;
  readonly messageExpression?: Evaluator;
  /** Compilation problem, if any. */
  readonly compileError?: string;
}

let envSingleton: CelEnv | undefined;

/** The CEL environment: standard library + Kubernetes libraries, RE2 regexes. */
export function kubernetesCelEnv(): CelEnv {
  if (!envSingleton) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { kubernetesCelFunctions } = require('./k8s-cel-library') as typeof import('./k8s-cel-library');
    envSingleton = cel().celEnv({
      funcs: kubernetesCelFunctions(),
      variables: { self: cel().CelScalar.DYN },
      re2: {
        compile: (pattern: string) => {
          const re = RE2JS.compile(pattern);
          return { test: (text: string) => re.test(text) };
        },
      },
    });
  }
  return envSingleton;
}

/** Operators and macros the planner implements itself (not in the function resolver). */
const BUILTIN_OPERATORS = new Set([
  '_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false', '_?._', '_[?_]', 'or', 'orValue', '@in',
]);

/** Variables plus CEL's type identifiers (`type(x) == int`). */
const KNOWN_IDENTIFIERS = new Set([
  'self', 'oldSelf', 'int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn',
]);

/**
 * Checks a parsed expression: every called function must exist in the environment and
 * every free identifier must be `self`/`oldSelf`. Returns problems (empty when fine).
 */
function checkExpr(env: CelEnv, expr: any, bound: Set<string>, problems: string[]): void {
  if (!expr || !expr.exprKind) return;
  const { case: kind, value } = expr.exprKind;
  switch (kind) {
    case 'identExpr':
      if (!bound.has(value.name) && !KNOWN_IDENTIFIERS.has(value.name)) {
        problems.push(`undeclared reference to '${value.name}'`);
      }
      return;
    case 'selectExpr':
      checkExpr(env, value.operand, bound, problems);
      return;
    case 'callExpr':
      if (!BUILTIN_OPERATORS.has(value.function) && !env.funcs.find(value.function)) {
        problems.push(`found no matching overload for '${value.function}'`);
      }
      if (value.target) checkExpr(env, value.target, bound, problems);
      for (const a of value.args) checkExpr(env, a, bound, problems);
      return;
    case 'listExpr':
      for (const e of value.elements) checkExpr(env, e, bound, problems);
      return;
    case 'structExpr':
      for (const e of value.entries) {
        if (e.keyKind?.case === 'mapKey') checkExpr(env, e.keyKind.value, bound, problems);
        checkExpr(env, e.value, bound, problems);
      }
      return;
    case 'comprehensionExpr': {
      checkExpr(env, value.iterRange, bound, problems);
      const inner = new Set(bound);
      for (const v of [value.iterVar, value.iterVar2, value.accuVar]) if (v) inner.add(v);
      checkExpr(env, value.accuInit, inner, problems);
      checkExpr(env, value.loopCondition, inner, problems);
      checkExpr(env, value.loopStep, inner, problems);
      checkExpr(env, value.result, inner, problems);
      return;
    }
    default:
      return;
  }
}

function compileExpression(source: string): { evaluate?: Evaluator; error?: string } {
  const env = kubernetesCelEnv();
  try {
    const parsed = cel().parse(source);
    const problems: string[] = [];
    checkExpr(env, parsed.expr, new Set(), problems);
    if (problems.length > 0) return { error: problems.join('; ') };
    return { evaluate: cel().plan(env, parsed) as Evaluator };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const ruleCache = new Map<string, CompiledRule>();

/** Compiles one `x-kubernetes-validations` entry (cached by its JSON). */
export function compileRule(rule: any): CompiledRule {
  const key = JSON.stringify(rule);
  const hit = ruleCache.get(key);
  if (hit) return hit;
  const text: string = rule.rule ?? '';
  const transition = /\boldSelf\b/.test(text);
  const compiled = compileExpression(text);
  let messageExpression: Evaluator | undefined;
  let compileError = compiled.error;
  if (rule.messageExpression) {
    const m = compileExpression(rule.messageExpression);
    if (m.error) compileError = `${compileError ? compileError + '; ' : ''}messageExpression: ${m.error}`;
    messageExpression = m.evaluate;
  }
  const out: CompiledRule = {
    rule: text,
    message: rule.message,
    fieldPath: rule.fieldPath,
    transition,
    evaluate: compiled.evaluate,
    messageExpression,
    compileError,
  };
  ruleCache.set(key, out);
  return out;
}

/** Every rule in a raw schema (walks properties, items, additionalProperties, junctors). */
export function collectRules(schema: any, out: any[] = []): any[] {
  if (!schema || typeof schema !== 'object') return out;
  for (const r of schema['x-kubernetes-validations'] ?? []) out.push(r);
  for (const p of Object.values(schema.properties ?? {})) collectRules(p, out);
  if (schema.items) collectRules(schema.items, out);
  if (typeof schema.additionalProperties === 'object') collectRules(schema.additionalProperties, out);
  for (const j of ['allOf', 'anyOf', 'oneOf']) for (const s of schema[j] ?? []) collectRules(s, out);
  if (schema.not) collectRules(schema.not, out);
  return out;
}

// ---------------------------------------------------------------- value binding

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** Kubernetes' CEL property-name escaping; undefined when the name is not accessible. */
export function escapeCelName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name
    .replace(/__/g, '__underscores__')
    .replace(/\./g, '__dot__')
    .replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Untyped JSON -> CEL input (integral numbers become ints). */
function rawToCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(rawToCel);
  if (isPlainObject(v)) {
    const m = new Map<string, unknown>();
    for (const [k, x] of Object.entries(v)) m.set(k, rawToCel(x));
    return m;
  }
  return v;
}

/**
 * Checks that passed before (e.g. a CEL rule on the same value in an earlier synthesis), so
 * that they are not run again and their engine is not even loaded. A key names the check and
 * the exact input it looked at.
 */
export interface PassedChecks {
  /** The key of a check on an input: `undefined` when nothing is remembered (no hashing then). */
  keyOf(check: string, input: unknown): string | undefined;
  /** True when the check with this key passed before. */
  passed(key: string): boolean;
  /** Remembers that the check with this key passed. */
  remember(key: string): void;
}

/** Walks one object against one raw schema, evaluating rules. */
export class RuleChecker {
  private readonly celValues = new WeakMap<object, unknown>();
  private readonly workMemo: WeakMap<object, boolean>;

  constructor(private readonly problems: RuleProblem[], workMemo: WeakMap<object, boolean>, private readonly passedChecks?: PassedChecks) {
    this.workMemo = workMemo;
  }

  /** Checks `value` (present) at `path` against `schema`. */
  public check(schema: any, value: unknown, path: string): void {
    if (value === undefined || value === null || !schema || !this.hasWork(schema)) return;
    if (schema.type === 'object' && isPlainObject(value)) {
      const props = schema.properties ?? {};
      for (const [k, v] of Object.entries(value)) {
        const ps = props[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (ps) this.check(ps, v, childPath(path, k));
      }
    } else if (schema.type === 'array' && Array.isArray(value)) {
      value.forEach((v, i) => this.check(schema.items, v, `${path}[${i}]`));
      this.checkListType(schema, value, path);
    } else if (schema.type && !typeMatches(schema, value)) {
      return; // the schema validator reports the type error
    }
    const rules = schema['x-kubernetes-validations'] as any[] | undefined;
    if (!rules) return;
    let self: unknown;
    for (const raw of rules) {
      if (/\boldSelf\b/.test(raw.rule ?? '')) continue; // transition rule: no old object
      const passedKey = this.passedChecks?.keyOf(`cel\0${schemaLocation(path)}\0${raw.rule}\0${raw.fieldPath ?? ''}`, value);
      if (passedKey !== undefined && this.passedChecks!.passed(passedKey)) continue;
      const rule = compileRule(raw);
      const where = rule.fieldPath ? path + rule.fieldPath : path;
      if (!rule.evaluate) {
        this.problems.push({ path: where, message: `CEL rule does not compile (${rule.compileError}): ${rule.rule}` });
        continue;
      }
      if (self === undefined) self = this.toCel(schema, value);
      const result = rule.evaluate({ self });
      if (result === true) {
        if (passedKey !== undefined) this.passedChecks!.remember(passedKey);
        continue;
      }
      if (cel().isCelError(result)) {
        this.problems.push({ path: where, message: `CEL rule evaluation error (${result.message}): ${rule.rule}`, ...(rule.fieldPath || value === undefined ? {} : { value }) });
        continue;
      }
      this.problems.push({ path: where, message: `${this.messageFor(rule, self)} (CEL rule: ${rule.rule})`, ...(rule.fieldPath || value === undefined ? {} : { value }) });
    }
  }

  private messageFor(rule: CompiledRule, self: unknown): string {
    if (rule.messageExpression) {
      const m = rule.messageExpression({ self });
      if (typeof m === 'string' && m !== '') return m;
    }
    return rule.message ?? `failed rule: ${rule.rule}`;
  }

  private checkListType(schema: any, list: unknown[], path: string): void {
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set') {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) this.problems.push({ path: `${path}[${i}]`, message: `Duplicate value: ${key}` });
        seen.add(key);
      });
    } else if (listType === 'map') {
      const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (!isPlainObject(item)) return;
        const tuple = keys.map((k) => {
          const v = item[k] ?? schema.items?.properties?.[k]?.default;
          return v;
        });
        const key = JSON.stringify(tuple);
        if (seen.has(key)) {
          const desc = keys.map((k, j) => `"${k}":${JSON.stringify(tuple[j])}`).join(',');
          this.problems.push({ path: `${path}[${i}]`, message: `Duplicate value: map[${desc}]` });
        }
        seen.add(key);
      });
    }
  }

  private hasWork(schema: any): boolean {
    if (!schema || typeof schema !== 'object') return false;
    const memo = this.workMemo.get(schema);
    if (memo !== undefined) return memo;
    this.workMemo.set(schema, false); // guards against cycles
    let work = Boolean(schema['x-kubernetes-validations']) ||
      schema['x-kubernetes-list-type'] === 'set' || schema['x-kubernetes-list-type'] === 'map';
    if (!work) {
      for (const p of Object.values(schema.properties ?? {})) if (this.hasWork(p)) { work = true; break; }
    }
    if (!work && schema.items) work = this.hasWork(schema.items);
    if (!work && typeof schema.additionalProperties === 'object') work = this.hasWork(schema.additionalProperties);
    this.workMemo.set(schema, work);
    return work;
  }

  /** Schema-typed JSON -> CEL input, memoised per object so nested rules stay linear. */
  private toCel(schema: any, v: unknown): unknown {
    if (v === null || v === undefined) return null;
    if (schema?.['x-kubernetes-int-or-string']) {
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
    }
    switch (schema?.type) {
      case 'integer':
        return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
      case 'number':
      case 'string':
      case 'boolean':
        return v;
      case 'array': {
        if (!Array.isArray(v)) return rawToCel(v);
        const memo = this.celValues.get(v);
        if (memo !== undefined) return memo;
        const out = v.map((x) => this.toCel(schema.items, x));
        this.celValues.set(v, out);
        return out;
      }
      case 'object': {
        if (!isPlainObject(v)) return rawToCel(v);
        const memo = this.celValues.get(v);
        if (memo !== undefined) return memo;
        const out = new Map<string, unknown>();
        const props = schema.properties;
        const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
        const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
        for (const [k, x] of Object.entries(v)) {
          if (x === undefined) continue;
          if (props && props[k]) {
            const name = escapeCelName(k);
            if (name !== undefined) out.set(name, this.toCel(props[k], x));
          } else if (additional) {
            out.set(k, this.toCel(additional, x));
          } else if (preserve || !props) {
            const name = props ? escapeCelName(k) : k;
            if (name !== undefined) out.set(name, rawToCel(x));
          }
        }
        this.celValues.set(v, out);
        return out;
      }
      default:
        return rawToCel(v);
    }
  }
}

function typeMatches(schema: any, v: unknown): boolean {
  switch (schema.type) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'object': return isPlainObject(v);
    case 'array': return Array.isArray(v);
    default: return true;
  }
}

/** A value path without list indices and map keys: where in the schema the value is. */
function schemaLocation(path: string): string {
  return path.replace(/\[(\d+|"(?:[^"\\]|\\.)*")\]/g, '[]');
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
