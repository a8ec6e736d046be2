// Reads Kubernetes manifests from YAML (or JSON) as a stream of documents: the text is read in
// chunks and each document is turned into a plain object and dropped before the next one is
// composed, so memory stays proportional to the objects, not to the YAML syntax trees, and a
// file of a million documents is read in linear time. Merge keys (`<<`) are applied, as
// kubectl applies them; aliases are limited (an alias bomb fails fast); `List` objects are
// flattened; empty documents are skipped.
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { Composer, Document, Parser } from 'yaml';

/** Aliases one document may expand (the yaml package's own default). */
const MAX_ALIAS_COUNT = 100;
const CHUNK_BYTES = 1024 * 1024;

/** Limits of one read. */
export interface ManifestReadLimits {
  /** Most documents read (over all sources sharing the counter). */
  readonly maxDocuments: number;
  /** Most bytes read (over all sources sharing the counter). */
  readonly maxBytes: number;
}

/** Default limits: far above any real app, well below what exhausts memory. */
export const DEFAULT_READ_LIMITS: ManifestReadLimits = { maxDocuments: 5_000_000, maxBytes: 4 * 1024 ** 3 };

/** Counts shared by the sources of one read, checked against the limits. */
export class ReadBudget {
  public documents = 0;
  public bytes = 0;
  constructor(public readonly limits: ManifestReadLimits = DEFAULT_READ_LIMITS) {}
}

/** A problem with the input (bad YAML, a binary file, a limit reached): one line, no stack. */
export class ManifestReadError extends Error {}

function* documentsOf(chunks: Iterable<string>): Generator<Document.Parsed> {
  const parser = new Parser();
  const composer = new Composer({ merge: true });
  let pending: string | undefined;
  // Each chunk is parsed as incomplete except the last one (a chunk may end mid-line).
  for (const chunk of chunks) {
    if (pending !== undefined) for (const token of parser.parse(pending, true)) yield* composer.next(token);
    pending = chunk;
  }
  for (const token of parser.parse(pending ?? '', false)) yield* composer.next(token);
  yield* composer.end();
}

/**
 * The text of a file in chunks of whole lines (the yaml parser's incremental mode misreads a
 * chunk that ends inside a line's indentation, so the rest of a line waits for the next chunk).
 */
function* fileChunks(fd: number, name: string, budget: ReadBudget): Generator<string> {
  const buf = Buffer.alloc(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // non-blocking stdin: wait for input
        continue;
      }
      throw new ManifestReadError(`cannot read ${name}: ${(e as Error).message}`);
    }
    if (n === 0) break;
    budget.bytes += n;
    if (budget.bytes > budget.limits.maxBytes) {
      throw new ManifestReadError(`cannot read ${name}: the input is larger than ${budget.limits.maxBytes} bytes (--max-bytes); split it or raise the limit`);
    }
    if (buf.subarray(0, n).includes(0)) throw new ManifestReadError(`cannot parse ${name}: it is a binary file, not YAML or JSON`);
    const text = carry + decoder.write(buf.subarray(0, n));
    const end = text.lastIndexOf('\n') + 1;
    carry = text.slice(end);
    if (end > 0) yield text.slice(0, end);
  }
  const rest = carry + decoder.end();
  if (rest) yield rest;
}

/** Plain objects of a stream of YAML documents (see the module comment). */
function* objectsOf(docs: Iterable<Document.Parsed>, name: string, budget: ReadBudget): Generator<{ [key: string]: any }> {
  let index = 0;
  for (const doc of docs) {
    index++;
    budget.documents++;
    if (budget.documents > budget.limits.maxDocuments) {
      throw new ManifestReadError(`cannot read ${name}: more than ${budget.limits.maxDocuments} documents (--max-documents); split the input or raise the limit`);
    }
    if (doc.errors.length > 0) throw new ManifestReadError(`cannot parse ${name}: document ${index}: ${firstLine(doc.errors[0].message)}`);
    let v: unknown;
    try {
      v = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new ManifestReadError(`cannot parse ${name}: document ${index}: ${firstLine((e as Error).message)}`);
    }
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new ManifestReadError(`cannot parse ${name}: document ${index} is a ${Array.isArray(v) ? 'list' : typeof v}, not a Kubernetes object`);
    }
    const o = v as { [key: string]: any };
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) if (item !== null && typeof item === 'object' && !Array.isArray(item)) yield item;
    } else {
      yield o;
    }
  }
}

function firstLine(s: string): string {
  return String(s).split('\n')[0].trim();
}

/** The objects of a YAML/JSON file (`-`: standard input), read as a stream. */
export function* readManifestFile(file: string, budget: ReadBudget = new ReadBudget()): Generator<{ [key: string]: any }> {
  let fd: number;
  try {
    fd = file === '-' ? 0 : fs.openSync(file, 'r');
  } catch (e) {
    throw new ManifestReadError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    yield* objectsOf(documentsOf(fileChunks(fd, file, budget)), file, budget);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}

/** The objects of YAML/JSON text. */
export function readManifestText(text: string, name = 'input', budget: ReadBudget = new ReadBudget()): { [key: string]: any }[] {
  const out: { [key: string]: any }[] = [];
  for (const o of objectsOf(documentsOf([text]), name, budget)) out.push(o);
  return out;
}
