/**
 * Writes every ```ts block of README.md as a module under `test/docs/readme-snippets/`
 * (gitignored), so that the test task's one type check (projenrc/check.ts) checks the README's
 * examples against the library's source together with everything else, instead of a second
 * TypeScript program built inside a test. `test/docs/readme.test.ts` runs the same blocks.
 *
 * Run by projenrc/check.ts before its type check (`npx projen check`, `npx projen typecheck`).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');

/** Where the modules are written. */
export const SNIPPETS_DIR = join(ROOT, 'test', 'docs', 'readme-snippets');

/** The ```ts blocks of a Markdown text, in order, with the line of each block's first line of code. */
export function readmeBlocks(markdown: string): { readonly code: string; readonly line: number }[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => ({ code: m[1], line: markdown.slice(0, m.index).split('\n').length + 1 }));
}

/** The ```ts blocks of a Markdown text, in order. */
export function readmeSnippets(markdown: string): string[] {
  return readmeBlocks(markdown).map((b) => b.code);
}

/**
 * A README block as a module of `test/docs/readme-snippets/`: the `chart` the examples build
 * in is declared, and the package's own name resolves to the library's source.
 */
export function snippetModule(code: string, index: number, readmeLine?: number): string {
  const body = code.replace(/(from\s+)'cdk8s-istio'/g, "$1'../../../src'");
  const where = readmeLine === undefined ? '' : `, from line ${readmeLine}`;
  return [
    `// README.md, TypeScript example #${index}${where} (written by projenrc/readme-snippets.ts; do not edit)`,
    "import { Chart as __Chart } from 'cdk8s';",
    'declare const chart: __Chart;',
    'export {};',
    body,
  ].join('\n');
}

/** Writes the README's ```ts blocks as modules under SNIPPETS_DIR (its old content removed). */
export function writeReadmeSnippets(): void {
  const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  rmSync(SNIPPETS_DIR, { recursive: true, force: true });
  mkdirSync(SNIPPETS_DIR, { recursive: true });
  blocks.forEach((b, i) => writeFileSync(join(SNIPPETS_DIR, `example-${i}.ts`), snippetModule(b.code, i, b.line)));
}

if (require.main === module) writeReadmeSnippets();
