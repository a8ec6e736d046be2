// test/properties/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'authorization-policy.property.test.ts': () => require('./authorization-policy.property.test'),
  'canary-service.property.test.ts': () => require('./canary-service.property.test'),
  'destination-rule.property.test.ts': () => require('./destination-rule.property.test'),
  'mesh-ingress.property.test.ts': () => require('./mesh-ingress.property.test'),
  'virtual-service.property.test.ts': () => require('./virtual-service.property.test'),
});
