/**
 * Reads the CustomResourceDefinitions vendored in `imports/crds/`.
 *
 * The files are verbatim upstream artifacts, parsed the way the API server's YAML reader
 * (go-yaml) parses them. Some upstream files rely on go-yaml's leniency: Flagger's
 * `crd.yaml` continues multi-line quoted descriptions at the indentation of their key, which
 * a strict YAML 1.2 parser (the `yaml` package) reads as extra keys made of prose. `js-yaml`
 * accepts that form as go-yaml does, so both generators (`import-crds.ts`, `crd-schemas.ts`)
 * read CRDs through this module.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { loadAll } from 'js-yaml';

/** Every `.yaml`/`.yml` file under `dir`, depth first, sorted by name. */
export function crdFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...crdFiles(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

/** The CustomResourceDefinition documents of one vendored file (other documents are skipped). */
export function readCrds(file: string): any[] {
  return loadAll(readFileSync(file, 'utf8')).filter((d: any) => d && d.kind === 'CustomResourceDefinition');
}
