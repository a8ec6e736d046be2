// test/analysis/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'analysis-input.test.ts': () => require('./analysis-input.test'),
  'analyzers.test.ts': () => require('./analyzers.test'),
  'cli-mesh-config.test.ts': () => require('./cli-mesh-config.test'),
  'cli-synth-agreement.test.ts': () => require('./cli-synth-agreement.test'),
  'cli.test.ts': () => require('./cli.test'),
  'conformance.test.ts': () => require('./conformance.test'),
  'controllers.test.ts': () => require('./controllers.test'),
  'mesh-analyzer.test.ts': () => require('./mesh-analyzer.test'),
  'messages.test.ts': () => require('./messages.test'),
  'model.test.ts': () => require('./model.test'),
  'validation-plugin.test.ts': () => require('./validation-plugin.test'),
  'waypoint-analyzer.test.ts': () => require('./waypoint-analyzer.test'),
});
