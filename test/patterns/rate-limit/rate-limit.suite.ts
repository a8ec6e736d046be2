// test/patterns/rate-limit/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../support/suite';

runTestFiles(__dirname, {
  'global-rate-limit.test.ts': () => require('./global-rate-limit.test'),
  'local-rate-limit.test.ts': () => require('./local-rate-limit.test'),
  'parity.test.ts': () => require('./parity.test'),
  'rate-limit-service.test.ts': () => require('./rate-limit-service.test'),
});
