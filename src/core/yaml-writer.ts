// YAML that kubectl reads back as written. cdk8s writes YAML 1.1 with the `yaml` library,
// which quotes what *its* 1.1 schema would misread, but kubectl parses with go-yaml, which
// resolves more plain scalars to numbers (`0o17`, `0X1F`, `0B101`, `+_0`: Go's strconv with
// underscores dropped, hexadecimal floats, `+Inf`), PyYAML-style 1.1 readers take `1:20` as a
// base-60 integer and `2001-12-14` as a date, `<<` is a merge key and `=` the 1.1 value key,
// and in YAML 1.1 U+0085, U+2028 and U+2029 are line breaks and U+FEFF a byte-order mark.
// The writer double-quotes every string (keys included) that some reader could take for
// something else, and escapes those characters inside the quotes.
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';

const NUMBER_FORMS = [
  /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/, // integers (1.1 octal 0777, Go 0o17)
  /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/, // decimal floats
  /^[-+]?0[xX]([0-9a-fA-F]+(\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)([pP][-+]?[0-9]+)?$/, // hexadecimal floats
  /^[-+]?\.?(inf|infinity|nan)$/i, // Go's ParseFloat and YAML's .inf/.nan
  /^[-+]?[0-9][0-9]*(:[0-5]?[0-9])+(\.[0-9]*)?$/, // YAML 1.1 base 60
];
const KEYWORDS = /^(y|yes|n|no|true|false|on|off|null|~|<<|=|)$/i;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt\s]|$)/;
/** Characters a YAML 1.1 reader does not keep as they are in a plain or block scalar (tabs: PyYAML). */
const SPECIAL_CHARS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;
/** What the `yaml` library leaves unescaped inside double quotes but YAML 1.1 readers refuse or fold. */
const RAW_IN_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
/**
 * The first characters of KEYWORDS (y n t f o ~ < =), TIMESTAMP and NUMBER_FORMS (digits, sign,
 * dot), the inf/nan forms (i n) and the 1.1 exponent form (e).
 */
const FORM_START = /[-+.0-9~<=eEiInNyYtTfFoO]/;

/**
 * The plain-scalar forms the `yaml` library's own YAML 1.1 schema reads as something other than
 * a string (its int, float and timestamp forms accept more than the spec's, e.g. `.` or `0x_`).
 * Each starts with a sign, a dot, a digit or an `e`; its bool, null and merge forms are in KEYWORDS.
 */
const YAML11_FORMS: readonly RegExp[] = new YAML.Document(null, { version: '1.1' }).schema.tags
  .filter((t): t is YAML.ScalarTag => 'test' in t && t.test instanceof RegExp && t.tag !== 'tag:yaml.org,2002:str')
  .map((t) => t.test!);

/** True when a string written plain could be read back as something else by some reader. */
export function needsQuoting(s: string): boolean {
  // Every keyword, timestamp, number and 1.1 form starts with one of these characters (or is
  // empty): any other string needs quotes only for a special character. Most strings of a
  // manifest (names, labels, images) take this short way.
  if (s.length > 0 && !FORM_START.test(s.charAt(0))) return SPECIAL_CHARS.test(s);
  if (SPECIAL_CHARS.test(s) || KEYWORDS.test(s) || TIMESTAMP.test(s)) return true;
  const first = s.charAt(0);
  // the 1.1 schema's exponent form needs no digit before the `e` (`e0`)
  if (/[eE]/.test(first)) return YAML11_FORMS.some((re) => re.test(s));
  if (!/[-+.0-9]/.test(first) && !/^[-+]?\.?(inf|infinity|nan)$/i.test(s)) return false;
  const compact = s.replace(/_/g, '');
  return NUMBER_FORMS.some((re) => re.test(s) || re.test(compact)) || YAML11_FORMS.some((re) => re.test(s));
}

/** YAML's escape for a character inside double quotes (`\N`, `\L`, `\P`, `\x7F`, `\uFEFF`). */
function escape(c: string): string {
  const named: { [ch: string]: string } = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };
  const code = c.charCodeAt(0);
  return named[c] ?? (code <= 0xff ? `\\x${code.toString(16).toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`);
}

/**
 * A string js-yaml writes byte for byte as the `yaml` library does: printable ASCII on one line,
 * no leading or trailing space, none of the sequences that make either library quote (`: `,
 * ` #`, a final `:`), a first character that is not a YAML indicator, and no leading `...`.
 * (Asserted over generated documents in test/core/yaml-writer.test.ts.)
 */
const SIMPLE_STRING = /^[A-Za-z0-9_./$^(][\x20-\x7e]*$/;
const SIMPLE_EXCLUDED = /: |:$| #| $|["'\\]/;
/** What js-yaml's writer quotes for YAML 1.1 readers besides its schema's forms (base 60). */
const JS_YAML_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;
/**
 * js-yaml's implicit types (its exported `types`, which @types/js-yaml does not declare): a string
 * one of them resolves is quoted by js-yaml. Without them, no such string is taken as simple.
 */
const JS_YAML_TYPES = (jsyaml as unknown as { types?: { [name: string]: jsyaml.Type | undefined } }).types ?? {};
const JS_YAML_IMPLICIT: readonly jsyaml.Type[] | undefined = (() => {
  const types = ['null', 'bool', 'int', 'float', 'timestamp', 'merge'].map((t) => JS_YAML_TYPES[t]);
  return types.every((t): t is jsyaml.Type => typeof t?.resolve === 'function') ? types : undefined;
})();
/** The first characters of everything JS_YAML_BASE60 and JS_YAML_IMPLICIT match. */
const JS_YAML_FORM_START = /^[-+._0-9~<nNtTfF]/;

/** How a document is written, from the fastest way to the one that quotes. */
const enum Way {
  /** js-yaml (several times faster than the `yaml` library; the same text for these documents) */
  JS_YAML,
  /** the `yaml` library with the YAML 1.2 core schema */
  CORE,
  /** the `yaml` library with the 1.1 schema, quoting what some reader could misread */
  QUOTED,
}

function simpleString(s: string): boolean {
  // `...` opens the document-end marker: the `yaml` library quotes a key that starts with it, js-yaml does not
  if (!SIMPLE_STRING.test(s) || SIMPLE_EXCLUDED.test(s) || s.startsWith('...')) return false;
  if (!JS_YAML_FORM_START.test(s)) return true;
  return JS_YAML_IMPLICIT !== undefined && !JS_YAML_BASE60.test(s) && !JS_YAML_IMPLICIT.some((t) => t.resolve(s));
}

function simpleNumber(n: number): boolean {
  return Number.isFinite(n) && !Object.is(n, -0) && !/e/.test(String(n));
}

/** What a string asks of the writer: quotes, the `yaml` library, or nothing (js-yaml writes it as `yaml` does). */
const enum StringNeed { QUOTES, YAML_LIBRARY, NOTHING }

/**
 * What strings ask of the writer, remembered: the keys and many values of manifests repeat
 * (apiVersion, metadata, labels, names), and deciding costs several regular expressions.
 * Strings up to MEMO_LENGTH characters, MEMO_SIZE of them at most (then it starts over).
 */
const STRING_NEEDS = new Map<string, StringNeed>();
const MEMO_LENGTH = 128;
const MEMO_SIZE = 50_000;

function stringNeed(s: string): StringNeed {
  const known = STRING_NEEDS.get(s);
  if (known !== undefined) return known;
  const need = needsQuoting(s) ? StringNeed.QUOTES : simpleString(s) ? StringNeed.NOTHING : StringNeed.YAML_LIBRARY;
  if (s.length <= MEMO_LENGTH) {
    if (STRING_NEEDS.size >= MEMO_SIZE) STRING_NEEDS.clear();
    STRING_NEEDS.set(s, need);
  }
  return need;
}

/** How document `v` must be written: the least capable way any of its values needs. */
function wayOf(v: unknown): Way {
  // js-yaml writes plain objects (manifests); a document of any other shape goes to the yaml library
  let way = v !== null && typeof v === 'object' && !Array.isArray(v) ? Way.JS_YAML : Way.CORE;
  // an object or array met twice is written by the yaml library as an anchor and its aliases
  const seen = new Set<object>();
  const visit = (x: unknown): boolean => { // false: stop, it must be quoted
    if (typeof x === 'string') {
      const need = stringNeed(x);
      if (need === StringNeed.QUOTES) return false;
      if (need === StringNeed.YAML_LIBRARY && way === Way.JS_YAML) way = Way.CORE;
    } else if (Array.isArray(x)) {
      if (way === Way.JS_YAML && (seen.has(x) || !seen.add(x))) way = Way.CORE;
      for (let i = 0; i < x.length; i++) if (!visit(x[i])) return false;
    } else if (x !== null && typeof x === 'object') {
      if (way === Way.JS_YAML && (seen.has(x) || !seen.add(x) || Object.getPrototypeOf(x) !== Object.prototype)) way = Way.CORE;
      for (const k in x) {
        if (!Object.prototype.hasOwnProperty.call(x, k)) continue;
        const need = stringNeed(k);
        if (need === StringNeed.QUOTES) return false;
        if (need === StringNeed.YAML_LIBRARY && way === Way.JS_YAML) way = Way.CORE;
        if (!visit((x as { [key: string]: unknown })[k])) return false;
      }
    } else if (way === Way.JS_YAML && !(x === null || typeof x === 'boolean' || (typeof x === 'number' && simpleNumber(x)))) {
      way = Way.CORE; // undefined (written as null), -0, NaN, exponents, anything else
    }
    return true;
  };
  return visit(v) ? way : Way.QUOTED;
}

/**
 * Whether a document is written with js-yaml (for tests: most manifests should be).
 * @internal
 */
export function writtenWithJsYaml(doc: unknown): boolean {
  return wayOf(doc) === Way.JS_YAML;
}

/** js-yaml's options for the text the `yaml` library writes: no line wrapping, no anchors. */
const JS_YAML_OPTIONS: jsyaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** How the fast path writes: no line wrapping, undefined kept as null (as cdk8s does). */
const CORE_OPTIONS: YAML.DocumentOptions & YAML.SchemaOptions & YAML.CreateNodeOptions & YAML.ToStringOptions = { keepUndefined: true, lineWidth: 0, version: '1.2' };

/** The 1.1 schema without its merge-key tag (which would write a `<<` key bare, as a merge). */
function withoutMergeKeys(tags: YAML.Tags): YAML.Tags {
  return tags.filter((t) => typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:merge');
}

/**
 * `text` stored in one piece, for a text that is kept a while (a synthesis job's documents,
 * until the app's YAML takes them: ./synthesis-job). A text built by concatenation is held by
 * V8 as a tree of its pieces (32 bytes of bookkeeping per piece) until something reads it whole;
 * reading it as a number has V8 copy it into one flat string: about 30 % less memory. A text
 * joined right away (./synthesis writes chunks of documents) needs no copy of its own.
 * @internal
 */
export function flatText(text: string): string {
  Number(text); // eslint-disable-line @typescript-eslint/no-unused-expressions
  return text;
}

/**
 * One document as `stringifyYamlSafely` writes it (without the `---` separator).
 * @internal
 */
export function stringifyYamlDocument(doc: unknown): string {
  if (doc === undefined) return '\n';
  const way = wayOf(doc);
  // Plain objects of simple strings, numbers, booleans and nulls (most manifests): js-yaml.
  if (way === Way.JS_YAML) return jsyaml.dump(doc, JS_YAML_OPTIONS);
  return writeWithYamlLibrary(doc, way === Way.QUOTED);
}

/**
 * The same text written with the `yaml` library only (the reference the js-yaml way is tested
 * against).
 * @internal
 */
export function stringifyYamlDocumentWithYamlLibrary(doc: unknown): string {
  if (doc === undefined) return '\n';
  return writeWithYamlLibrary(doc, wayOf(doc) === Way.QUOTED);
}

function writeWithYamlLibrary(doc: unknown, quote: boolean): string {
  // Nothing to quote: the plain writer gives the text cdk8s writes. The YAML 1.2 core schema
  // writes it faster than the 1.1 schema cdk8s uses: the 1.1 forms it would not quote by itself
  // are all in needsQuoting, so they never reach this path.
  if (!quote) return YAML.stringify(doc, CORE_OPTIONS);
  const d = new YAML.Document(doc, { version: '1.1', keepUndefined: true, customTags: withoutMergeKeys });
  let special = false;
  YAML.visit(d, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !needsQuoting(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      if (RAW_IN_QUOTES.test(node.value)) special = true;
      RAW_IN_QUOTES.lastIndex = 0;
    },
  });
  const text = d.toString({ lineWidth: 0 });
  // Only double-quoted scalars can contain these characters now: escape them there.
  return special ? text.replace(RAW_IN_QUOTES, escape) : text;
}

/**
 * Stringifies documents like cdk8s's `Yaml.stringify` (no line wrapping, undefined kept as
 * null, `---` between documents), quoting every string a reader could misread.
 */
export function stringifyYamlSafely(...docs: unknown[]): string {
  return docs.map(stringifyYamlDocument).join('---\n');
}
