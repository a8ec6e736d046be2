/**
 * Regenerates the L1 bindings in `imports/` from the CRDs vendored in `imports/crds/`.
 *
 * Run with `npx projen import`. The output is deterministic: the same vendored CRDs
 * always produce byte-identical `imports/*.ts` (a test compares a fresh regeneration
 * with the committed files).
 *
 * Version policy: for each CRD we emit exactly one API version, the newest stable one
 * the API server serves (`v1` wherever it exists). Older served versions (`v1alpha3`,
 * `v1beta1`) are aliases of the same storage schema in Istio and would only double the
 * generated code; kinds that have no `v1` (EnvoyFilter, WasmPlugin, ProxyConfig, ...)
 * keep their only served version. Unserved (deprecated) versions are never emitted.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { stringify } from 'yaml';
import { crdFiles, readCrds } from './read-crds';

const ROOT = join(__dirname, '..');
const CRD_DIR = join(ROOT, 'imports', 'crds');

/** Where to write the bindings: `imports/`, or the directory given as first argument. */
const OUT_DIR = process.argv[2] ? resolve(process.argv[2]) : join(ROOT, 'imports');

/** The API groups to import: all, or those listed (comma-separated) as second argument. */
const ONLY = process.argv[3] ? new Set(process.argv[3].split(',')) : undefined;

/** The cdk8s CLI of this repository (not whatever `cdk8s` is first on PATH). */
const CDK8S_CLI = join(ROOT, 'node_modules', '.bin', 'cdk8s');

/** Version preference, most preferred first. */
const PREFERENCE = ['v1', 'v1beta1', 'v1alpha3', 'v1alpha2', 'v1alpha1'];

/**
 * Groups whose bindings are limited to the kinds the library emits. Argo Rollouts' CRDs embed
 * the whole pod template several times (2.6 MB of bindings for all five kinds); AnalysisRun and
 * Experiment are created by the controller, never written by users. Every vendored CRD is
 * still validated against (imports/schemas).
 */
const BINDING_KINDS: Record<string, string[]> = {
  'argoproj.io': ['AnalysisTemplate', 'Rollout'],
};

/** Whether `kind` of `group` gets an L1 binding. */
export function wantsBinding(group: string, kind: string): boolean {
  const kinds = BINDING_KINDS[group];
  return kinds === undefined || kinds.includes(kind);
}

interface CrdVersion { name: string; served?: boolean }

export function pickVersion(versions: CrdVersion[]): CrdVersion {
  const served = versions.filter((v) => v.served !== false);
  for (const name of PREFERENCE) {
    const found = served.find((v) => v.name === name);
    if (found) return found;
  }
  throw new Error(`no served version among ${versions.map((v) => v.name).join(', ')}`);
}

function main() {
  const byGroup = new Map<string, any[]>();
  for (const file of crdFiles(CRD_DIR)) {
    for (const crd of readCrds(file)) {
      if (!wantsBinding(crd.spec.group, crd.spec.names.kind)) continue;
      crd.spec.versions = [pickVersion(crd.spec.versions)];
      const group: string = crd.spec.group;
      byGroup.set(group, [...(byGroup.get(group) ?? []), crd]);
    }
  }

  const tmp = mkdtempSync(join(tmpdir(), 'cdk8s-istio-import-'));
  try {
    for (const group of [...byGroup.keys()].sort().filter((g) => !ONLY || ONLY.has(g))) {
      const crds = byGroup.get(group)!.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      const file = join(tmp, `${group}.yaml`);
      writeFileSync(file, crds.map((c) => stringify(c)).join('---\n'));
      console.log(`import ${group}: ${crds.map((c) => `${c.spec.names.kind}/${c.spec.versions[0].name}`).join(', ')}`);
      execFileSync(CDK8S_CLI, ['import', '--no-check-upgrade', '--no-save', '--language', 'typescript', '--output', OUT_DIR, file], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main();
}
