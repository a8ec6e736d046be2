// test/analysis/schema/admission/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../../support/suite';

runTestFiles(__dirname, {
  'authorization-policy.test.ts': () => require('./authorization-policy.test'),
  'destination-rule.test.ts': () => require('./destination-rule.test'),
  'dispatch.test.ts': () => require('./dispatch.test'),
  'extensions.test.ts': () => require('./extensions.test'),
  'gateway.test.ts': () => require('./gateway.test'),
  'istio-metadata.test.ts': () => require('./istio-metadata.test'),
  'peer-authentication.test.ts': () => require('./peer-authentication.test'),
  'request-authentication.test.ts': () => require('./request-authentication.test'),
  'service-entry.test.ts': () => require('./service-entry.test'),
  'sidecar.test.ts': () => require('./sidecar.test'),
  'telemetry.test.ts': () => require('./telemetry.test'),
  'virtual-service.test.ts': () => require('./virtual-service.test'),
});
