// MeshInstallation against Istio 1.30.3's profile files (test/install/fixtures/profiles): what
// an installation of each profile installs is what istioctl computes from the reference files
// (the default profile, overlaid with the chosen one: maps merged, lists replaced).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { MeshInstallation, MeshProfile } from '../../src';

type Obj = { [key: string]: any };
const DIR = path.join(__dirname, 'fixtures', 'profiles');
const reference = (name: string): Obj => YAML.parse(fs.readFileSync(path.join(DIR, `${name}.yaml`), 'utf8'));
const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** istioctl's overlay of two IstioOperator trees: maps merged key by key, lists and scalars replaced. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-parity-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function installation(profile: MeshProfile, extra: Obj = {}): MeshInstallation {
  const chart = new Chart(Testing.app(), 'mesh');
  return new MeshInstallation(chart, 'istio', { profile, outdir: path.join(outdir, profile.name), ...extra });
}

const NAMES = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

test.each(NAMES)('%s: the installation\'s components are the reference files\' (default overlaid with the profile)', (name) => {
  const expected = overlay(reference('default').spec.components, reference(name).spec?.components);
  expect(installation(MeshProfile.of(name)).effectiveComponents()).toEqual(expected);
});

test('the user\'s settings overlay the profile as a further istioctl overlay (the gateway list replaced, maps merged)', () => {
  const components = { egressGateways: [{ name: 'istio-egressgateway', enabled: false }], pilot: { replicas: 2 } };
  const mine = installation(MeshProfile.DEMO, { components });
  const expected = overlay(overlay(reference('default').spec.components, reference('demo').spec.components), components);
  expect(mine.effectiveComponents()).toEqual(expected);
  // and the file for istioctl carries only the user's part (fixed replicas turn istiod's
  // autoscaler off, which would otherwise override them); istioctl adds the profile
  expect(mine.toIstioOperator().spec).toEqual({
    profile: 'demo',
    components: { egressGateways: [{ name: 'istio-egressgateway', enabled: false }], pilot: { k8s: { replicaCount: 2 } } },
    values: { pilot: { autoscaleEnabled: false } },
  });
});
