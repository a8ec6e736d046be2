// test/support/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from './suite';

runTestFiles(__dirname, {
  'global-setup.test.ts': () => require('./global-setup.test'),
  'suite.test.ts': () => require('./suite.test'),
  'validator.test.ts': () => require('./validator.test'),
});
