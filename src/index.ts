// Opt-in (CDK8S_ISTIO_VALIDATION_WORKER=on): loads the schema validators in a worker thread.
import './analysis/schema/prewarm';

// Core building blocks shared by every construct.
export * from './core/protocol';
export * from './core/resource';
export * from './core/workload-selector';
export * from './core/mesh-analysis';
export * from './core/mesh-config-source';

// networking.istio.io
export * from './networking/route-string-match';
export * from './networking/route-destination';
export * from './networking/route-headers';
export * from './networking/route-http-match';
export * from './networking/route-retry';
export * from './networking/route-fault';
export * from './networking/route-redirect';
export * from './networking/route-rewrite';
export * from './networking/route-cors';
export * from './networking/route-http';
export * from './networking/route-tcp';
export * from './networking/route-tls';
export * from './networking/gateway-ref';
export * from './networking/virtual-service-ref';
export * from './networking/virtual-service';
export * from './networking/gateway-server';
export * from './networking/gateway';
export * from './networking/destination-rule';
export * from './networking/traffic-policy';
export * from './networking/traffic-policy-load-balancer';
export * from './networking/traffic-policy-connection-pool';
export * from './networking/traffic-policy-outlier-detection';
export * from './networking/traffic-policy-client-tls';
export * from './networking/service-entry';
export * from './networking/sidecar';
export * from './networking/envoy-filter-patch';
export * from './networking/envoy-filter';

// security.istio.io
export * from './security/peer-authentication';
export * from './security/principal';
export * from './security/authorization-condition';
export * from './security/authorization-rule';
export * from './security/authorization-target';
export * from './security/authorization-policy';
export * from './security/jwt-rule';
export * from './security/request-authentication';

// telemetry.istio.io
export * from './telemetry/workload-mode';
export * from './telemetry/access-logging';
export * from './telemetry/tracing';
export * from './telemetry/metrics';
export * from './telemetry/target-ref';
export * from './telemetry/telemetry';

// Installing the mesh (IstioOperator / Helm values, MeshConfig)
export * from './install/extension-provider';
export * from './install/mesh-config';
export * from './install/mesh-components';
export * from './install/mesh-profile';
export * from './install/mesh-installation';
export * from './install/gitops-install';

// gateway.networking.k8s.io (Kubernetes Gateway API)
export * from './gateway-api/gateway';
export * from './gateway-api/listener';
export * from './gateway-api/allowed-routes';
export * from './gateway-api/address';
export * from './gateway-api/backend-ref';
export * from './gateway-api/http-route';
export * from './gateway-api/grpc-route';
export * from './gateway-api/tls-route';
export * from './gateway-api/parent-ref';
export * from './gateway-api/http-route-match';
export * from './gateway-api/http-route-filter';
export * from './gateway-api/reference-grant';

// Ambient mode
export * from './ambient/waypoint';

// Patterns (L3): one intention of a platform team, as a complete and consistent set of objects
export * from './patterns/workload-options';
export * from './patterns/mesh-service-version';
export * from './patterns/mesh-service-port';
export * from './patterns/mesh-service-options';
export * from './patterns/workload-container-port';
export * from './patterns/workload-probe';
export * from './patterns/workload-pod';
export * from './patterns/workload-scaling';
export * from './patterns/workload-scheduling';
export { IMAGE_USER_WARNING_CONTEXT } from './patterns/workload-deployment';
export * from './patterns/service-ip-family';
export * from './patterns/mesh-service';
export * from './patterns/mesh-service-props';
export * from './patterns/mesh-workload-ref';
export * from './patterns/mesh-workload';
export * from './patterns/mtls-namespace';
export * from './patterns/jwt-protected-app';
export * from './patterns/canary-service';
export * from './patterns/delivery/delivery-metric';
export * from './patterns/delivery/gitops';
export * from './patterns/delivery/flagger-alert';
export * from './patterns/delivery/flagger-webhook';
export * from './patterns/delivery/flagger-options';
export * from './patterns/delivery/flagger-canary';
export * from './patterns/delivery/rollout-step';
export * from './patterns/delivery/argo-rollout';
export * from './patterns/delivery/progressive-delivery';
export * from './patterns/resilience';
export * from './patterns/fault-injection';
export * from './patterns/rate-limit/rate-limit-target';
export * from './patterns/rate-limit/rate-limit-descriptor';
export * from './patterns/rate-limit/rate-limit-service';
export * from './patterns/rate-limit/local-rate-limit';
export * from './patterns/rate-limit/global-rate-limit';
export * from './patterns/egress-lockdown-props';
export * from './patterns/egress-lockdown';
export * from './patterns/ingress-route';
export * from './patterns/ingress-gateway';
export * from './patterns/ingress';
export * from './patterns/ingress-props';
export * from './patterns/observability';
export * from './patterns/mesh-telemetry';
export * from './patterns/service-alerts';
export * from './patterns/grafana-dashboard';

// Mesh analysis engine (istioctl analyze rules) and cdk8s validation plugin
export * from './analysis';

// Generated L1 bindings (cdk8s import), kept importable as namespaces: the escape hatch.
export * as networking_istio_io from '../imports/networking.istio.io';
export * as security_istio_io from '../imports/security.istio.io';
export * as telemetry_istio_io from '../imports/telemetry.istio.io';
export * as extensions_istio_io from '../imports/extensions.istio.io';
export * as gateway_networking_k8s_io from '../imports/gateway.networking.k8s.io';
export * as monitoring_coreos_com from '../imports/monitoring.coreos.com';
