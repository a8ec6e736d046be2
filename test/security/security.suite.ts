// test/security/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'authorization-checks.test.ts': () => require('./authorization-checks.test'),
  'authorization-condition.test.ts': () => require('./authorization-condition.test'),
  'authorization-policy.test.ts': () => require('./authorization-policy.test'),
  'authorization-rule.test.ts': () => require('./authorization-rule.test'),
  'authorization-target.test.ts': () => require('./authorization-target.test'),
  'jwt-rule.test.ts': () => require('./jwt-rule.test'),
  'peer-authentication.test.ts': () => require('./peer-authentication.test'),
  'principal.test.ts': () => require('./principal.test'),
  'request-authentication.test.ts': () => require('./request-authentication.test'),
});
