import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pickVersion } from '../../projenrc/import-crds';

const ROOT = join(__dirname, '..', '..');

describe('imports/ (generated L1 bindings)', () => {
  test('pickVersion prefers v1, then the newest served pre-release version', () => {
    expect(pickVersion([{ name: 'v1alpha3', served: true }, { name: 'v1', served: true }, { name: 'v1beta1', served: true }]).name).toBe('v1');
    expect(pickVersion([{ name: 'v1alpha1', served: true }]).name).toBe('v1alpha1');
    expect(pickVersion([{ name: 'v1', served: false }, { name: 'v1beta1', served: true }]).name).toBe('v1beta1');
    expect(() => pickVersion([{ name: 'v1', served: false }])).toThrow(/no served version/);
  });

  // The whole regeneration (every group, ~15 s) runs in CI (.ci/run: `npx projen import`, then
  // `git diff --exit-code -- imports`); here one small group goes through the same script, run
  // as the import task runs it (transpile-only: the check task type-checks projenrc/).
  test('a committed binding equals a fresh `npx projen import` of its group', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdk8s-istio-imports-'));
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--project', 'projenrc/tsconfig.json', 'projenrc/import-crds.ts', out, 'monitoring.coreos.com'], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      expect(readdirSync(out).filter((f) => f.endsWith('.ts'))).toEqual(['monitoring.coreos.com.ts']);
      const same = readFileSync(join(out, 'monitoring.coreos.com.ts'), 'utf8') === readFileSync(join(ROOT, 'imports', 'monitoring.coreos.com.ts'), 'utf8');
      expect(same).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
