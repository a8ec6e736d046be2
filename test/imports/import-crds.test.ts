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

  test('the committed bindings equal a fresh `npx projen import`', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdk8s-istio-imports-'));
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--project', 'projenrc/tsconfig.json', 'projenrc/import-crds.ts', out], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      const fresh = readdirSync(out).filter((f) => f.endsWith('.ts')).sort();
      const committed = readdirSync(join(ROOT, 'imports')).filter((f) => f.endsWith('.ts')).sort();
      expect(fresh).toEqual(committed);
      expect(fresh.length).toBeGreaterThan(0);
      for (const file of fresh) {
        const same = readFileSync(join(out, file), 'utf8') === readFileSync(join(ROOT, 'imports', file), 'utf8');
        expect({ file, same }).toEqual({ file, same: true });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
