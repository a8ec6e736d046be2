// test/patterns/delivery/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../support/suite';

runTestFiles(__dirname, {
  'argo-rollout.test.ts': () => require('./argo-rollout.test'),
  'delivery-errors.test.ts': () => require('./delivery-errors.test'),
  'flagger-canary.test.ts': () => require('./flagger-canary.test'),
  'parity.test.ts': () => require('./parity.test'),
});
