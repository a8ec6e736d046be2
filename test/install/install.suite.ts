// test/install/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'gitops-install.test.ts': () => require('./gitops-install.test'),
  'mesh-config.test.ts': () => require('./mesh-config.test'),
  'mesh-installation-analysis.test.ts': () => require('./mesh-installation-analysis.test'),
  'mesh-installation.test.ts': () => require('./mesh-installation.test'),
  'profile-parity.test.ts': () => require('./profile-parity.test'),
  'profiles.test.ts': () => require('./profiles.test'),
});
