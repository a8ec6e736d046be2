// Core building blocks shared by every construct.
export * from './core/protocol';
export * from './core/resource';
export * from './core/workload-selector';

// security.istio.io
export * from './security/peer-authentication';

// telemetry.istio.io
export * from './telemetry/workload-mode';
export * from './telemetry/access-logging';
export * from './telemetry/tracing';
export * from './telemetry/metrics';
export * from './telemetry/target-ref';
export * from './telemetry/telemetry';

// Generated L1 bindings (cdk8s import), kept importable as namespaces: the escape hatch.
export * as networking_istio_io from '../imports/networking.istio.io';
export * as security_istio_io from '../imports/security.istio.io';
export * as telemetry_istio_io from '../imports/telemetry.istio.io';
export * as extensions_istio_io from '../imports/extensions.istio.io';
export * as gateway_networking_k8s_io from '../imports/gateway.networking.k8s.io';
export * as monitoring_coreos_com from '../imports/monitoring.coreos.com';
