// test/imports/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'crd-schemas.test.ts': () => require('./crd-schemas.test'),
  'import-crds.test.ts': () => require('./import-crds.test'),
});
