/**
 * Extracts the validation schemas of the CRDs vendored in `imports/crds/` into
 * `imports/schemas/`: one JSON file per CRD version (its `openAPIV3Schema` without
 * descriptions) and an `index.json` listing group, version, kind, scope and served flag.
 *
 * The library's shipped schema validator (src/analysis/schema) reads these files at synth
 * time, so it never parses the 2 MB of CRD YAML. Run with `npx projen schemas` after
 * changing imports/crds; the output is deterministic (a test regenerates it in memory and
 * compares it with the committed files).
 */
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join, relative } from 'path';
import { crdFiles, readCrds } from './read-crds';
import type { SchemaIndexRow } from '../src/analysis/schema/schema-catalog';

const ROOT = join(__dirname, '..');
const CRD_DIR = join(ROOT, 'imports', 'crds');
const OUT_DIR = join(ROOT, 'imports', 'schemas');


/** Drops documentation: `description` keys of schema nodes (never of `properties` maps). */
function strip(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => strip(n));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (!inProperties && (k === 'description' || k === 'example' || k === 'externalDocs')) continue;
    out[k] = strip(v, !inProperties && k === 'properties');
  }
  return out;
}

/** The files to write: path relative to imports/schemas -> content. */
export function generateSchemaFiles(crdDir = CRD_DIR): Map<string, string> {
  const files = new Map<string, string>();
  const rows: SchemaIndexRow[] = [];
  for (const file of crdFiles(crdDir)) {
    for (const crd of readCrds(file)) {
      const { group, names, scope } = crd.spec;
      for (const v of crd.spec.versions ?? []) {
        const schemaFile = `${group}/${names.kind}.${v.name}.json`;
        const schema = v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true };
        files.set(schemaFile, `${JSON.stringify(strip(schema))}\n`);
        rows.push({
          group,
          version: v.name,
          kind: names.kind,
          crdName: crd.metadata.name,
          scope,
          served: v.served !== false,
          crdFile: relative(crdDir, file),
          schemaFile,
        });
      }
    }
  }
  rows.sort((a, b) => a.schemaFile.localeCompare(b.schemaFile));
  files.set('index.json', `${JSON.stringify(rows, undefined, 1)}\n`);
  return files;
}

if (require.main === module) {
  const files = generateSchemaFiles();
  rmSync(OUT_DIR, { recursive: true, force: true });
  for (const [name, content] of files) {
    mkdirSync(join(OUT_DIR, name, '..'), { recursive: true });
    writeFileSync(join(OUT_DIR, name), content);
  }
  process.stdout.write(`imports/schemas: ${files.size - 1} CRD versions\n`);
}
