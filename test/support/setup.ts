// Jest setup (setupFilesAfterEnv): installs the manifest validator so that every object
// any test synthesizes is checked against its schema (see ./validator.ts).
//
// `Testing.synth(chart)` and `App.prototype.synthYaml()` run first (so a construct's own
// synth-time validation errors surface unchanged), then their output is validated and
// the call throws the validator's report if anything is wrong. The validator module is
// loaded lazily: test files that never synthesize pay nothing.
import { App, Testing } from 'cdk8s';

// The warning about images whose user is unknown (MeshService without a user) would print for
// most test services; its own tests turn it back on.
process.env.CDK8S_ISTIO_IMAGE_USER_WARNING = process.env.CDK8S_ISTIO_IMAGE_USER_WARNING ?? 'off';

type ValidatorModule = typeof import('./validator');
let validator: ValidatorModule | undefined;
function load(): ValidatorModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!validator) validator = require('./validator') as ValidatorModule;
  return validator;
}

const PATCHED = Symbol.for('cdk8s-istio.manifest-validator');
const testing = Testing as any;
if (!testing[PATCHED]) {
  const originalSynth = Testing.synth;
  Testing.synth = function synthAndValidate(this: unknown, chart) {
    const out = originalSynth.call(this, chart);
    const v = load();
    if (v.isManifestValidationEnabled()) v.assertValidManifests(out, `Testing.synth(${chart.node.path || '<root>'})`);
    return out;
  };

  const originalSynthYaml = App.prototype.synthYaml;
  App.prototype.synthYaml = function synthYamlAndValidate(this: App): string {
    const yaml = originalSynthYaml.call(this);
    const v = load();
    if (v.isManifestValidationEnabled()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const YAML = require('yaml') as typeof import('yaml');
      const objects = YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null && o !== undefined);
      v.assertValidManifests(objects, 'App.synthYaml()');
    }
    return yaml;
  };
  testing[PATCHED] = true;
}
