import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { generateSchemaFiles } from '../../projenrc/crd-schemas';

const OUT = join(__dirname, '..', '..', 'imports', 'schemas');

function committed(dir = OUT): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? committed(p) : [relative(OUT, p)];
  });
}

describe('imports/schemas (the shipped validator\'s CRD schemas)', () => {
  const fresh = generateSchemaFiles();

  test('is exactly what `npx projen schemas` generates from imports/crds', () => {
    expect(committed().sort()).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) expect({ name, same: readFileSync(join(OUT, name), 'utf8') === content }).toEqual({ name, same: true });
  });

  test('every served version of every vendored CRD, CEL rules kept, descriptions dropped', () => {
    const index = JSON.parse(fresh.get('index.json')!);
    const kinds = new Set(index.map((r: any) => `${r.group}/${r.kind}`));
    for (const k of ['networking.istio.io/VirtualService', 'security.istio.io/AuthorizationPolicy', 'gateway.networking.k8s.io/HTTPRoute', 'monitoring.coreos.com/PrometheusRule']) {
      expect(kinds.has(k)).toBe(true);
    }
    const vs = fresh.get('networking.istio.io/VirtualService.v1.json')!;
    expect(vs).toContain('x-kubernetes-validations');
    expect(vs).not.toContain('"description"');
  });
});
