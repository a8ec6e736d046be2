// Reading the CLI's inputs: files, directories (recursively) and stdin, with usage errors that
// name the input. Shared by `cdk8s-istio analyze` and `cdk8s-istio authz check`.
import * as fs from 'fs';
import * as path from 'path';

/**
 * A mistake in the command line or its inputs (exit status 1, no stack trace).
 * @internal
 */
export class UsageError extends Error {}

/** @internal */
export function firstLine(e: unknown): string {
  return String((e as Error).message).split('\n')[0].trim();
}

/** @internal */
export function readText(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * The files to read for one input: the file itself, or the *.yaml, *.yml and *.json files of a
 * directory (recursively). Anything that is not a regular file (a FIFO, a socket, a device)
 * is skipped with a warning: reading it could block forever.
 * @internal
 */
export function collectFiles(input: string, out: string[], warn: (s: string) => void): void {
  if (input === '-') {
    out.push(input);
    return;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    throw new UsageError(`cannot read ${input}: ${(e as Error).message}`);
  }
  if (st.isFile()) {
    out.push(input);
    return;
  }
  if (!st.isDirectory()) {
    warn(`cdk8s-istio: skipping ${input}: not a regular file\n`);
    return;
  }
  const entries = fs.readdirSync(input, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = path.join(input, e.name);
    if (e.isDirectory()) collectFiles(p, out, warn);
    else if (/\.(ya?ml|json)$/i.test(e.name)) collectFiles(p, out, warn);
  }
}

