// test/core/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'checks-mesh.test.ts': () => require('./checks-mesh.test'),
  'checks.test.ts': () => require('./checks.test'),
  'duplicate-objects.test.ts': () => require('./duplicate-objects.test'),
  'duration.test.ts': () => require('./duration.test'),
  'errors.test.ts': () => require('./errors.test'),
  'heap-compaction.test.ts': () => require('./heap-compaction.test'),
  'json-text.test.ts': () => require('./json-text.test'),
  'legal-inputs.test.ts': () => require('./legal-inputs.test'),
  'mesh-analysis.test.ts': () => require('./mesh-analysis.test'),
  'mesh-config-source.test.ts': () => require('./mesh-config-source.test'),
  'messages.test.ts': () => require('./messages.test'),
  'metadata.test.ts': () => require('./metadata.test'),
  'plain-copy.test.ts': () => require('./plain-copy.test'),
  'rendering.test.ts': () => require('./rendering.test'),
  'required-props.test.ts': () => require('./required-props.test'),
  'resource.test.ts': () => require('./resource.test'),
  'schema-validation.test.ts': () => require('./schema-validation.test'),
  'synthesis-job.test.ts': () => require('./synthesis-job.test'),
  'synthesis.test.ts': () => require('./synthesis.test'),
  'workload-selector.test.ts': () => require('./workload-selector.test'),
  'yaml-writer.test.ts': () => require('./yaml-writer.test'),
});
