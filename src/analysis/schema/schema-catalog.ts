// The CRD schemas the library validates against: `imports/schemas/` (generated from the
// vendored CRDs in `imports/crds/` by `npx projen schemas`, shipped in the npm package).
// Only the index is read up front; each version's schema is read when first needed.
import * as fs from 'fs';
import * as path from 'path';

/** One CRD version of the catalogue. */
export interface CrdVersionEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** `metadata.name` of the CRD, e.g. `virtualservices.networking.istio.io`. */
  readonly crdName: string;
  readonly scope: string;
  readonly served: boolean;
  /** The vendored CRD file, relative to `imports/crds`. */
  readonly crdFile: string;
  /** Raw `openAPIV3Schema` of this version (with `x-kubernetes-*` keywords, without descriptions). */
  readonly schema: any;
}

/** One row of `imports/schemas/index.json`. */
export interface SchemaIndexRow extends Omit<CrdVersionEntry, 'schema'> {
  /** The schema file, relative to `imports/schemas`. */
  readonly schemaFile: string;
}
type IndexRow = SchemaIndexRow;

/** Finds `imports/schemas` from this module (src/analysis/schema or lib/src/analysis/schema). */
function findSchemaDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'imports', 'schemas');
    if (fs.existsSync(path.join(candidate, 'index.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`cdk8s-istio: the CRD schema catalogue (imports/schemas/index.json) was not found above ${__dirname}; the package is incomplete. Fix: reinstall cdk8s-istio (or run \`npx projen schemas\` in its repository).`);
}

/** Key of one CRD version. */
export function crdKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** Catalogue of every CRD version the library knows. */
export class CrdCatalog {
  /** The catalogue of `imports/schemas` (one per process). */
  public static default(): CrdCatalog {
    if (!CrdCatalog.instance) CrdCatalog.instance = new CrdCatalog(findSchemaDir());
    return CrdCatalog.instance;
  }

  private static instance: CrdCatalog | undefined;

  private readonly index = new Map<string, IndexRow>();
  private readonly byGroupKind = new Map<string, IndexRow[]>();
  private readonly loaded = new Map<string, CrdVersionEntry>();

  constructor(private readonly dir: string) {
    const rows = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as IndexRow[];
    for (const row of rows) {
      this.index.set(crdKey(row.group, row.version, row.kind), row);
      const gk = `${row.group}/${row.kind}`;
      const list = this.byGroupKind.get(gk) ?? [];
      list.push(row);
      this.byGroupKind.set(gk, list);
    }
  }

  /** Every (group, version, kind) key in the catalogue. */
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

  /** The CRD version entry, or undefined when not defined. Reads the schema on first use. */
  public get(group: string, version: string, kind: string): CrdVersionEntry | undefined {
    const key = crdKey(group, version, kind);
    const hit = this.loaded.get(key);
    if (hit) return hit;
    const row = this.index.get(key);
    if (!row) return undefined;
    const { schemaFile, ...rest } = row;
    const entry: CrdVersionEntry = { ...rest, schema: JSON.parse(fs.readFileSync(path.join(this.dir, schemaFile), 'utf8')) };
    this.loaded.set(key, entry);
    return entry;
  }
}
