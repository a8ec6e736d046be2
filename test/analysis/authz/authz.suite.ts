// test/analysis/authz/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../support/suite';

runTestFiles(__dirname, {
  'access.test.ts': () => require('./access.test'),
  'authz-cli.test.ts': () => require('./authz-cli.test'),
  'evaluate.test.ts': () => require('./evaluate.test'),
  'mesh-index.test.ts': () => require('./mesh-index.test'),
  'mesh-model.test.ts': () => require('./mesh-model.test'),
});
