// Diagnostics of cdk8s-istio's own analyzers, for mistakes Istio's catalogue (messages.generated.ts,
// codes IST0xxx) has no message for. Their codes use the prefix CKI, so they never collide with
// Istio's and tools filtering on IST codes (e.g. the conformance scorer) pass them by.

/**
 * The library's diagnostic messages: name -> [code, level, template] (Go fmt verbs, as Istio's).
 * @internal
 */
export const LIBRARY_MESSAGES = {
  VirtualServiceOnWaypoint: ['CKI0001', 'Warning', 'The VirtualService routes host %s, which waypoint %s serves: VirtualService support on waypoints is Alpha. Route it with an HTTPRoute whose parent is the Service (CanaryService and ServiceResilience do so in ambient namespaces).'],
  VirtualServiceAndHttpRoute: ['CKI0002', 'Error', 'The VirtualService and the Gateway API route %s both route host %s, which leads to undefined behavior. Route the host with one of them.'],
  WaypointNotFound: ['CKI0003', 'Error', 'The waypoint %q (label istio.io/use-waypoint) does not exist in namespace %q, so traffic to this resource cannot be delivered. Create the waypoint (MtlsNamespace.addWaypoint, Waypoint), or fix the label.'],
  EnvoyFilterInAmbientNamespace: ['CKI0004', 'Warning', 'The namespace %q is in ambient mode, where neither ztunnel nor waypoints apply EnvoyFilters: this one has no effect. Use a WasmPlugin or a TrafficExtension attached to the waypoint, or target a gateway.'],
  PolicyTargetNotFound: ['CKI0005', 'Warning', 'The policy is attached to %s %q, which does not exist in namespace %q, so it applies to nothing.'],
  FlaggerOwnedObject: ['CKI0006', 'Error', 'The app declares %s %s, which Flagger generates for Canary %s: Flagger would overwrite it, and each deploy of the app would set it back. Remove it from the app and configure it through the Canary (spec.service, spec.autoscalerRef).'],
  UndefinedExtensionProvider: ['CKI0007', 'Error', 'The extension provider %q (%s) is not defined in the mesh\'s MeshConfig (defined: %s): istiod skips a Telemetry entry naming it, and a CUSTOM policy naming it denies every request it matches. Define it in the MeshConfig\'s extensionProviders (ExtensionProvider.zipkin(...), .opentelemetry(...), .envoyExtAuthzHttp(...), ...), or use a defined name.'],
  ExtensionProviderKindMismatch: ['CKI0008', 'Error', 'The extension provider %q is a %s provider, which %s cannot use (it takes %s): istiod skips it there. Name a provider of a fitting kind.'],
  UnregisteredExternalHost: ['CKI0009', 'Error', 'The %s %q is outside the service registry and the outbound traffic policy in namespace %q is REGISTRY_ONLY, so sidecars drop the traffic. Declare the host with a ServiceEntry (EgressLockdown does), or remove it.'],
} as const;

/**
 * The name of a library diagnostic message, e.g. `WaypointNotFound`.
 * @internal
 */
export type LibraryMessageName = keyof typeof LIBRARY_MESSAGES;
