// Manifest validator used by every test (installed by test/support/setup.ts).
//
// The checks themselves are the library's shipped validator (src/analysis/schema: CRD
// schema + CEL rules, strict built-in kinds, metadata). Tests are stricter than the
// library in one way: an object of a kind no schema knows is an error here (every object
// the library emits must be validated), while users' own CRDs are skipped at synth.
import * as fs from 'fs';
import * as path from 'path';
import { describeManifest as describeObject, validateManifest } from '../../src/analysis/schema/manifest-validator';
export { pointerToPath } from '../../src/analysis/schema/manifest-validator';

/**
 * Validates one manifest object. Returns the problems as `<path>: <message>` strings
 * (empty when the object is valid).
 */
export function validateObject(obj: unknown): string[] {
  const { problems, unknownKind } = validateManifest(obj);
  const out = problems.map((p) => `${p.path}: ${p.message}`);
  if (unknownKind) {
    const o = obj as any;
    out.unshift(`kind: unknown kind: no CRD under imports/crds and no built-in Kubernetes type defines apiVersion "${o.apiVersion}" kind "${o.kind}"`);
  }
  return out;
}

/**
 * Validates many objects and throws one readable Error listing every problem of every
 * object (with kind, name, apiVersion and path).
 */
export function assertValidManifests(objs: readonly unknown[], context?: string): void {
  const sections: string[] = [];
  let count = 0;
  objs.forEach((obj, i) => {
    const problems = validateObject(obj);
    if (problems.length === 0) return;
    count += problems.length;
    sections.push(`  ${describeObject(obj)} [object #${i + 1}]:\n${problems.map((p) => `    - ${p}`).join('\n')}`);
  });
  if (count > 0) {
    const where = context ? ` (${context})` : '';
    throw new Error(`Manifest validation failed${where}: ${count} problem(s) in ${sections.length} object(s)\n${sections.join('\n')}`);
  }
}

// ---------------------------------------------------------------- YAML files

/** One document of a YAML file. */
export interface YamlManifest {
  /** `file#index` (index is 0-based among the file's documents). */
  readonly source: string;
  readonly object: unknown;
}

function yamlFilesUnder(p: string): string[] {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

/**
 * Loads every document of a YAML file, or of every `.yaml`/`.yml` file under a
 * directory (recursively, sorted). Empty documents are skipped; YAML syntax errors throw.
 */
export function loadYamlManifests(fileOrDir: string): YamlManifest[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  const out: YamlManifest[] = [];
  for (const file of yamlFilesUnder(fileOrDir)) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    docs.forEach((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${file}#${i}: YAML error: ${doc.errors[0].message}`);
      const object = doc.toJS();
      if (object !== null && object !== undefined) out.push({ source: `${file}#${i}`, object });
    });
  }
  return out;
}

/** Validates every YAML document under a file or directory; returns `source: path: message` strings. */
export function validateYamlPath(fileOrDir: string): string[] {
  const out: string[] = [];
  for (const m of loadYamlManifests(fileOrDir)) {
    for (const p of validateObject(m.object)) out.push(`${m.source} ${describeObject(m.object)}: ${p}`);
  }
  return out;
}

/** Throws one Error listing every problem in every YAML document under a file or directory. */
export function assertValidYamlPath(fileOrDir: string, context?: string): void {
  const problems = validateYamlPath(fileOrDir);
  if (problems.length > 0) {
    const where = context ? ` (${context})` : '';
    throw new Error(`Manifest validation failed${where}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// ---------------------------------------------------------------- opt-out

let disabledDepth = 0;

/** True unless inside {@link withManifestValidationDisabled}. */
export function isManifestValidationEnabled(): boolean {
  return disabledDepth === 0;
}

/**
 * Runs `fn` with the automatic validation of `Testing.synth` / `App.synthYaml` turned
 * off — for the rare test that must synthesize an invalid object on purpose (e.g. to
 * test an escape hatch). Validate explicitly with {@link validateObject} instead.
 */
export function withManifestValidationDisabled<T>(fn: () => T): T {
  disabledDepth++;
  try {
    return fn();
  } finally {
    disabledDepth--;
  }
}
