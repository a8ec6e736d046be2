// test/gateway-api/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'address.test.ts': () => require('./address.test'),
  'allowed-routes.test.ts': () => require('./allowed-routes.test'),
  'gateway.test.ts': () => require('./gateway.test'),
  'grpc-route.test.ts': () => require('./grpc-route.test'),
  'http-route-filter.test.ts': () => require('./http-route-filter.test'),
  'http-route-match.test.ts': () => require('./http-route-match.test'),
  'http-route.test.ts': () => require('./http-route.test'),
  'internal.test.ts': () => require('./internal.test'),
  'listener.test.ts': () => require('./listener.test'),
  'parent-ref.test.ts': () => require('./parent-ref.test'),
  'reference-grant.test.ts': () => require('./reference-grant.test'),
  'tls-route.test.ts': () => require('./tls-route.test'),
});
