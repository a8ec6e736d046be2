// A rendered document as JSON text, for handing it to the synthesis worker (./synthesis-job):
// the worker parses its copy from the text instead of deserializing a structured clone (for the
// benchmark mesh's 35,300 documents: the text costs the app's thread about what the clone's
// serialization did, and parsing it costs the worker about a third of the deserialization), and
// the text is the one the worker's validation fingerprints the object by
// (../analysis/schema/result-cache hashes JSON.stringify(obj)), so it is not written twice.
// Only a document JSON carries exactly is handed over so: its copy must write the same YAML
// and get the same findings as the original.

import { MANIFEST_MAX_DEPTH } from './plain-copy';

/**
 * True when `value` comes back from `JSON.parse(JSON.stringify(value))` as it is: null,
 * booleans, strings, finite numbers other than -0, arrays without holes and plain objects
 * (prototype Object.prototype or null, no `toJSON`) of those. Not: undefined (a key holding it
 * is dropped, an element becomes null), NaN and the infinities (null), -0 (0), Dates and other
 * class instances, BigInts, functions, symbols.
 */
function exact(value: unknown, depth: number): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
  if (typeof value !== 'object') return false;
  if (value === null) return true;
  // deeper than any manifest (or a cycle): left to the structured clone, no stack overflow here
  if (depth > MANIFEST_MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !exact(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  if (record.toJSON !== undefined) return false;
  // JSON and the structured clone both take the own enumerable string keys
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) if (!exact(record[keys[i]], depth + 1)) return false;
  return true;
}

/**
 * The JSON text of a document when JSON carries it exactly (see exact), else undefined (the
 * document is then handed over as a structured clone, which keeps such values).
 * @internal
 */
export function exactJsonText(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || !exact(doc, 0)) return undefined;
  return JSON.stringify(doc);
}
