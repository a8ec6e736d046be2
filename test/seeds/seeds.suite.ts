// test/seeds/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'destination-rule.test.ts': () => require('./destination-rule.test'),
  'gateway-api.test.ts': () => require('./gateway-api.test'),
  'gateway.test.ts': () => require('./gateway.test'),
  'peer-authentication.test.ts': () => require('./peer-authentication.test'),
  'security.test.ts': () => require('./security.test'),
  'service-entry.test.ts': () => require('./service-entry.test'),
  'sidecar.test.ts': () => require('./sidecar.test'),
  'telemetry.test.ts': () => require('./telemetry.test'),
  'virtual-service.test.ts': () => require('./virtual-service.test'),
});
