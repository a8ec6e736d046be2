// Loads the vendored CRDs (imports/crds/**.yaml) into a catalogue keyed by
// (group, version, kind). Parsing ~2 MB of YAML costs ~0.3 s, and jest runs the
// setup once per test file, so the extracted schemas are cached on disk as JSON
// (one file per served version) keyed by a hash of the CRD files' contents.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The parts of one CRD version the validator needs. */
export interface CrdVersionEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** `metadata.name` of the CRD, e.g. `virtualservices.networking.istio.io`. */
  readonly crdName: string;
  readonly scope: string;
  readonly served: boolean;
  /** CRD file relative to the repository root. */
  readonly file: string;
  /** Raw `openAPIV3Schema` of this version (with `x-kubernetes-*` keywords). */
  readonly schema: any;
}

/** Lightweight index row; the schema itself is loaded on demand. */
interface IndexRow {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly crdName: string;
  readonly scope: string;
  readonly served: boolean;
  readonly file: string;
  readonly cacheFile: string;
}

/** Repository root (this file lives in `<root>/test/support`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the vendored CRDs live. */
export const CRD_DIR = path.join(REPO_ROOT, 'imports', 'crds');
/** Disk cache shared by the validator's modules. */
export const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'cdk8s-istio-validator');
/** Bump when the cache layout changes. */
const CACHE_FORMAT = 'v1';

function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Key of one CRD version in the catalogue. */
export function crdKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** Writes a file via a temporary name + rename (safe with parallel jest workers). */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Catalogue of every CRD version found under a directory. */
export class CrdCatalog {
  /** The catalogue for `imports/crds` (created once per module registry). */
  public static default(): CrdCatalog {
    if (!CrdCatalog.instance) CrdCatalog.instance = new CrdCatalog(CRD_DIR);
    return CrdCatalog.instance;
  }

  private static instance: CrdCatalog | undefined;

  private readonly index = new Map<string, IndexRow>();
  private readonly byGroupKind = new Map<string, IndexRow[]>();
  private readonly loaded = new Map<string, CrdVersionEntry>();
  /** Parsed entries when the cache could not be written (read-only FS). */
  private readonly inMemory = new Map<string, any>();

  constructor(private readonly dir: string) {
    this.load();
  }

  /** Every (group, version, kind) in the catalogue. */
  public keys(): string[] {
    return [...this.index.keys()];
  }

  /** True when some CRD defines this group + kind (in any version). */
  public hasGroupKind(group: string, kind: string): boolean {
    return this.byGroupKind.has(`${group}/${kind}`);
  }

  /** Versions defined for a group + kind. */
  public versionsOf(group: string, kind: string): string[] {
    return (this.byGroupKind.get(`${group}/${kind}`) ?? []).map((r) => r.version);
  }

  /** The CRD version entry, or undefined when not defined. Loads the schema lazily. */
  public get(group: string, version: string, kind: string): CrdVersionEntry | undefined {
    const key = crdKey(group, version, kind);
    const hit = this.loaded.get(key);
    if (hit) return hit;
    const row = this.index.get(key);
    if (!row) return undefined;
    const schema = this.inMemory.get(key) ?? JSON.parse(fs.readFileSync(row.cacheFile, 'utf8'));
    const { cacheFile: _ignored, ...rest } = row;
    const entry: CrdVersionEntry = { ...rest, schema };
    this.loaded.set(key, entry);
    return entry;
  }

  private load(): void {
    const files = listYamlFiles(this.dir);
    const hash = createHash('sha256');
    hash.update(CACHE_FORMAT);
    for (const f of files) {
      hash.update(path.relative(this.dir, f));
      hash.update('\0');
      hash.update(fs.readFileSync(f));
      hash.update('\0');
    }
    const cacheDir = path.join(CACHE_ROOT, hash.digest('hex').slice(0, 24));
    const indexFile = path.join(cacheDir, 'index.json');
    let rows: IndexRow[] | undefined;
    if (fs.existsSync(indexFile)) {
      try {
        rows = (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as IndexRow[])
          .map((r) => ({ ...r, cacheFile: path.join(cacheDir, r.cacheFile) }));
      } catch {
        rows = undefined;
      }
    }
    if (!rows) rows = this.parseAndCache(files, cacheDir, indexFile);
    for (const row of rows) {
      this.index.set(crdKey(row.group, row.version, row.kind), row);
      const gk = `${row.group}/${row.kind}`;
      const list = this.byGroupKind.get(gk) ?? [];
      list.push(row);
      this.byGroupKind.set(gk, list);
    }
  }

  private parseAndCache(files: string[], cacheDir: string, indexFile: string): IndexRow[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml') as typeof import('yaml');
    const rows: IndexRow[] = [];
    const schemas = new Map<string, any>();
    for (const file of files) {
      const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
      for (const doc of docs) {
        const crd = doc.toJS({ maxAliasCount: -1 });
        if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
        const { group, names, scope } = crd.spec;
        for (const v of crd.spec.versions ?? []) {
          const key = crdKey(group, v.name, names.kind);
          const cacheName = `${group}_${names.kind}_${v.name}.json`;
          rows.push({
            group,
            version: v.name,
            kind: names.kind,
            crdName: crd.metadata.name,
            scope,
            served: v.served !== false,
            file: path.relative(REPO_ROOT, file),
            cacheFile: path.join(cacheDir, cacheName),
          });
          schemas.set(key, v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
        }
      }
    }
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      for (const row of rows) {
        writeAtomic(row.cacheFile, JSON.stringify(schemas.get(crdKey(row.group, row.version, row.kind))));
      }
      writeAtomic(indexFile, JSON.stringify(rows.map((r) => ({ ...r, cacheFile: path.basename(r.cacheFile) }))));
    } catch {
      // Read-only node_modules: the in-memory copy below is all we have.
    }
    for (const [k, s] of schemas) this.inMemory.set(k, s);
    return rows;
  }
}
