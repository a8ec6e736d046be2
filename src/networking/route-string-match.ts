import { IConstruct } from 'constructs';
import { HTTP_TOKEN, checkRe2Regex } from '../core/checks';
import { invalid } from '../core/errors';

/**
 * How a `StringMatch` compares a value.
 */
export enum StringMatchType {
  /** The value must equal the string. */
  EXACT = 'exact',
  /** The value must start with the string. */
  PREFIX = 'prefix',
  /** The value must match an RE2 regular expression (whole-string match). */
  REGEX = 'regex',
}

/**
 * A string condition of a route match (URI, header, query parameter, method,
 * authority, scheme) or of a CORS allowed origin: exact, prefix or RE2 regex.
 *
 * @example
 * StringMatch.exact('/login');
 * StringMatch.prefix('/api/v1');
 * StringMatch.regex('^/v[0-9]+/.*');
 */
export class StringMatch {
  /**
   * Matches a value equal to `value`.
   */
  public static exact(value: string): StringMatch {
    return new StringMatch(StringMatchType.EXACT, value);
  }

  /**
   * Matches a value starting with `value`.
   */
  public static prefix(value: string): StringMatch {
    return new StringMatch(StringMatchType.PREFIX, value);
  }

  /**
   * Matches a value against an RE2 regular expression (https://github.com/google/re2/wiki/Syntax).
   * Envoy matches the whole value, so `.*Firefox.*` matches any value containing `Firefox`.
   */
  public static regex(pattern: string): StringMatch {
    return new StringMatch(StringMatchType.REGEX, pattern);
  }

  /**
   * @param matchType how the value is compared
   * @param value the string (or RE2 pattern) compared with
   */
  private constructor(
    /** How the value is compared. */
    public readonly matchType: StringMatchType,
    /** The string or RE2 pattern compared with. */
    public readonly value: string,
  ) {}

  /**
   * Checks and renders the match as `{ exact | prefix | regex: value }`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: string } {
    if (typeof this.value !== 'string' || this.value.length === 0) {
      invalid(scope, `${field}.${this.matchType}`, this.value, 'the match string must not be empty', 'give a non-empty value, or leave the condition out to match everything');
    }
    if (this.matchType === StringMatchType.REGEX) {
      checkRe2Regex(scope, `${field}.regex`, this.value);
    }
    return { [this.matchType]: this.value };
  }
}

/**
 * Renders a StringMatch given by the user, refusing what is not one (a plain object from
 * JavaScript, e.g. `{ exact: 'x' }`) with the library's message instead of a TypeError.
 * @internal
 */
export function renderStringMatch(scope: IConstruct, field: string, m: StringMatch | undefined): { [key: string]: string } | undefined {
  if (m === undefined) return undefined;
  if (!(m instanceof StringMatch)) {
    invalid(scope, field, m, 'a match must be a StringMatch made with its factories', "write StringMatch.exact('...'), StringMatch.prefix('...') or StringMatch.regex('...')");
  }
  return m._render(scope, field);
}

/** @internal */
export function renderStringMatchMap(scope: IConstruct, field: string, m: { [name: string]: StringMatch } | undefined, kind: 'header' | 'query'): { [name: string]: any } | undefined {
  if (m === undefined) return undefined;
  const out: { [name: string]: any } = {};
  for (const [name, match] of Object.entries(m)) {
    if (name.length === 0) {
      invalid(scope, `${field} key`, name, 'the name must not be empty', 'give the header or query parameter name');
    }
    if (kind === 'header' && !HTTP_TOKEN.test(name.replace(/^:/, ''))) {
      invalid(scope, `${field} key`, name, 'a header name is an HTTP token (letters, digits and !#$%&\'*+-.^_`|~, no spaces)', 'write the header name as sent, e.g. "x-user"');
    }
    if (kind === 'header' && name !== name.toLowerCase()) {
      invalid(scope, `${field} key`, name, 'header names in matches must be lower-case', `write "${name.toLowerCase()}"`);
    }
    if (kind === 'query' && match.matchType === StringMatchType.PREFIX) {
      invalid(scope, `${field}.${name}`, match.value, 'Istio matches query parameters only exactly or by regex', 'use StringMatch.exact(...) or StringMatch.regex(...)');
    }
    out[name] = renderStringMatch(scope, `${field}.${name}`, match)!;
  }
  return Object.keys(out).length ? out : undefined;
}
