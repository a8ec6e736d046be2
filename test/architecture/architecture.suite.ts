// test/architecture/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'layering.test.ts': () => require('./layering.test'),
});
