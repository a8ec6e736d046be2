// test/bookinfo/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'gateway-api-parity.test.ts': () => require('./gateway-api-parity.test'),
  'networking-parity.test.ts': () => require('./networking-parity.test'),
  'normalize.test.ts': () => require('./normalize.test'),
  'platform-parity.test.ts': () => require('./platform-parity.test'),
});
