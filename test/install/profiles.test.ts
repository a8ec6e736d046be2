import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { MeshProfile } from '../../src/install/mesh-profile';

const DIR = path.join(__dirname, 'fixtures', 'profiles');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

/** A reference file as data: comments and blank lines do not survive parsing. */
function reference(name: string): unknown {
  return YAML.parse(fs.readFileSync(path.join(DIR, `${name}.yaml`), 'utf8'));
}

describe('MeshProfile', () => {
  test('the ten Istio 1.30 profiles, each with a reference file', () => {
    expect(MeshProfile.all().map((p) => `${p.name}.yaml`).sort()).toEqual(FILES);
    expect(FILES).toHaveLength(10);
  });

  test.each(FILES.map((f) => f.replace(/\.yaml$/, '')))('%s: the typed definition renders as Istio\'s reference file', (name) => {
    expect(MeshProfile.of(name).toIstioOperator()).toEqual(reference(name));
  });

  test('the vendored files are the ones the fixture README lists (verbatim copies)', () => {
    const readme = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8');
    for (const f of FILES) {
      const sha = createHash('sha256').update(fs.readFileSync(path.join(DIR, f))).digest('hex');
      expect(readme).toContain(`| \`${f}\` | \`${sha}\` |`);
    }
  });

  test('the rendering comes from the typed definition, not from a stored copy', () => {
    expect(MeshProfile.DEMO.definition.components?.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
    expect(MeshProfile.OPENSHIFT.definition.values?.platform).toBe('openshift');
    // the same renderer with a different definition gives a different document
    expect(MeshProfile.DEMO.toIstioOperator()).not.toEqual(MeshProfile.DEFAULT.toIstioOperator());
    expect(MeshProfile.DEFAULT.toIstioOperator().spec.values.gateways).toEqual({ 'istio-ingressgateway': {}, 'istio-egressgateway': {} });
  });

  test('static members are found by name', () => {
    expect(MeshProfile.of('demo')).toBe(MeshProfile.DEMO);
    expect(MeshProfile.of('openshift-ambient')).toBe(MeshProfile.OPENSHIFT_AMBIENT);
    expect(MeshProfile.of('default')).toBe(MeshProfile.DEFAULT);
  });

  test('an unknown name is refused with the list of profiles', () => {
    expect(() => MeshProfile.of('production')).toThrow(/profile "production" is invalid: Istio 1.30 has no profile of this name\. Fix: use one of ambient, default, demo, empty, minimal, openshift-ambient, openshift, preview, remote, stable/);
    // 1.12's "external" profile (seed 002) is gone
    expect(() => MeshProfile.of('external')).toThrow(/no profile of this name/);
  });

  test('effective definitions overlay the profile on default: maps merged, lists replaced', () => {
    const demo = MeshProfile.DEMO.effectiveDefinition().components!;
    expect(demo.pilot).toEqual({ enabled: true });
    expect(demo.ingressGateways).toEqual([{ name: 'istio-ingressgateway', enabled: true }]);
    expect(demo.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
    const empty = MeshProfile.EMPTY.effectiveDefinition();
    expect(empty.components?.pilot).toEqual({ enabled: false });
    expect(empty.components?.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: false }]);
    expect(empty.namespace).toBe('istio-system');
    const osAmbient = MeshProfile.OPENSHIFT_AMBIENT.effectiveDefinition();
    expect(osAmbient.values).toMatchObject({ chartProfile: 'ambient', platform: 'openshift', istioNamespace: 'istio-system' });
    expect(osAmbient.components?.ztunnel).toEqual({ enabled: true, namespace: 'kube-system' });
  });

  test('ambient profiles', () => {
    expect(MeshProfile.all().filter((p) => p.ambient).map((p) => p.name)).toEqual(['ambient', 'openshift-ambient']);
  });

  test('overlaying does not change the definitions', () => {
    const before = JSON.stringify(MeshProfile.DEFAULT.definition);
    MeshProfile.all().forEach((p) => p.effectiveDefinition());
    expect(JSON.stringify(MeshProfile.DEFAULT.definition)).toBe(before);
  });
});
