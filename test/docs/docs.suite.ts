// test/docs/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'readme-mesh.test.ts': () => require('./readme-mesh.test'),
  'readme.test.ts': () => require('./readme.test'),
  'your-app.test.ts': () => require('./your-app.test'),
});
