// The vendored Online Boutique manifests are the official ones, unmodified (their README pins
// the SHA-256 of each file), and hold the objects the parity test compares against.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { loadYamlManifests } from '../support/validator';

const DIR = path.join(__dirname, '..', 'fixtures', 'online-boutique');

describe('vendored Online Boutique manifests', () => {
  const pinned = [...fs.readFileSync(path.join(DIR, 'README.md'), 'utf8').matchAll(/^([0-9a-f]{64})  (\S+\.yaml)$/gm)];

  test('every YAML file is pinned in the README and unmodified', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
    expect(pinned.map((m) => m[2]).sort()).toEqual(files);
    for (const [, sha, file] of pinned) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(DIR, file))).digest('hex')).toBe(sha);
    }
  });

  test('they hold 12 Deployments, 12 Services, 11 ServiceAccounts and the Istio objects', () => {
    const count = (kind: string) => loadYamlManifests(DIR).filter((m) => (m.object as { kind?: string }).kind === kind).length;
    expect([count('Deployment'), count('Service'), count('ServiceAccount')]).toEqual([12, 12, 11]);
    expect([count('Gateway'), count('HTTPRoute'), count('VirtualService'), count('ServiceEntry')]).toEqual([1, 1, 1, 2]);
  });
});
