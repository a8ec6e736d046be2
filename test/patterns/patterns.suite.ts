// test/patterns/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname, {
  'canary-service-delivery.test.ts': () => require('./canary-service-delivery.test'),
  'canary-service.test.ts': () => require('./canary-service.test'),
  'egress-host-group.test.ts': () => require('./egress-host-group.test'),
  'egress-lockdown.test.ts': () => require('./egress-lockdown.test'),
  'fault-injection.test.ts': () => require('./fault-injection.test'),
  'grafana-dashboard.test.ts': () => require('./grafana-dashboard.test'),
  'ingress-l4.test.ts': () => require('./ingress-l4.test'),
  'ingress-names.test.ts': () => require('./ingress-names.test'),
  'ingress-route.test.ts': () => require('./ingress-route.test'),
  'ingress.test.ts': () => require('./ingress.test'),
  'jwt-protected-app.test.ts': () => require('./jwt-protected-app.test'),
  'live-route.test.ts': () => require('./live-route.test'),
  'mesh-service-naming.test.ts': () => require('./mesh-service-naming.test'),
  'mesh-service.test.ts': () => require('./mesh-service.test'),
  'mesh-telemetry.test.ts': () => require('./mesh-telemetry.test'),
  'mesh-workload.test.ts': () => require('./mesh-workload.test'),
  'mtls-namespace.test.ts': () => require('./mtls-namespace.test'),
  'observability-internal.test.ts': () => require('./observability-internal.test'),
  'observability.test.ts': () => require('./observability.test'),
  'option-picks.test.ts': () => require('./option-picks.test'),
  'resilience.test.ts': () => require('./resilience.test'),
  'root-namespace.test.ts': () => require('./root-namespace.test'),
  'service-alerts.test.ts': () => require('./service-alerts.test'),
  'workload-pod.test.ts': () => require('./workload-pod.test'),
  'workload-probe.test.ts': () => require('./workload-probe.test'),
  'workload-scaling.test.ts': () => require('./workload-scaling.test'),
  'workload-scheduling.test.ts': () => require('./workload-scheduling.test'),
  'zero-errors.test.ts': () => require('./zero-errors.test'),
});
