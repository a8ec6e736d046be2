// test/networking/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'destination-rule.test.ts': () => require('./destination-rule.test'),
  'envoy-filter.test.ts': () => require('./envoy-filter.test'),
  'gateway-server.test.ts': () => require('./gateway-server.test'),
  'gateway.test.ts': () => require('./gateway.test'),
  'route-cors.test.ts': () => require('./route-cors.test'),
  'route-destination.test.ts': () => require('./route-destination.test'),
  'route-fault.test.ts': () => require('./route-fault.test'),
  'route-headers.test.ts': () => require('./route-headers.test'),
  'route-http-match.test.ts': () => require('./route-http-match.test'),
  'route-http.test.ts': () => require('./route-http.test'),
  'route-redirect.test.ts': () => require('./route-redirect.test'),
  'route-retry.test.ts': () => require('./route-retry.test'),
  'route-rewrite.test.ts': () => require('./route-rewrite.test'),
  'route-string-match.test.ts': () => require('./route-string-match.test'),
  'route-tcp.test.ts': () => require('./route-tcp.test'),
  'route-tls.test.ts': () => require('./route-tls.test'),
  'service-entry.test.ts': () => require('./service-entry.test'),
  'sidecar.test.ts': () => require('./sidecar.test'),
  'traffic-policy-client-tls.test.ts': () => require('./traffic-policy-client-tls.test'),
  'traffic-policy-connection-pool.test.ts': () => require('./traffic-policy-connection-pool.test'),
  'traffic-policy-load-balancer.test.ts': () => require('./traffic-policy-load-balancer.test'),
  'traffic-policy-outlier-detection.test.ts': () => require('./traffic-policy-outlier-detection.test'),
  'traffic-policy.test.ts': () => require('./traffic-policy.test'),
  'virtual-service.test.ts': () => require('./virtual-service.test'),
});
