// test/ambient/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'ambient-patterns.test.ts': () => require('./ambient-patterns.test'),
  'ambient-policies.test.ts': () => require('./ambient-policies.test'),
  'ambient-routing.test.ts': () => require('./ambient-routing.test'),
  'waypoint.test.ts': () => require('./waypoint.test'),
});
