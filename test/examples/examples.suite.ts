// test/examples/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'bookinfo-delivery.test.ts': () => require('./bookinfo-delivery.test'),
  'bookinfo-dist.test.ts': () => require('./bookinfo-dist.test'),
  'bookinfo-install.test.ts': () => require('./bookinfo-install.test'),
  'bookinfo.test.ts': () => require('./bookinfo.test'),
  'online-boutique-fixtures.test.ts': () => require('./online-boutique-fixtures.test'),
  'online-boutique-parity.test.ts': () => require('./online-boutique-parity.test'),
  'online-boutique.test.ts': () => require('./online-boutique.test'),
});
