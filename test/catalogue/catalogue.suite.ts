// test/catalogue/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'bad-inputs.test.ts': () => require('./bad-inputs.test'),
  'legal-inputs.test.ts': () => require('./legal-inputs.test'),
});
