// test/analysis/schema/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../support/suite';

runTestFiles(__dirname, {
  'cel-rules.test.ts': () => require('./cel-rules.test'),
  'compiled-schemas.test.ts': () => require('./compiled-schemas.test'),
  'manifest-validator.test.ts': () => require('./manifest-validator.test'),
  'schema-convert.test.ts': () => require('./schema-convert.test'),
  'strict-tracking.test.ts': () => require('./strict-tracking.test'),
  'validation-host.test.ts': () => require('./validation-host.test'),
});
