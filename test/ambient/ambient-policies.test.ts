// Authorization in ambient mode: where MeshService and JwtProtectedApp policies attach
// (pods by selector for ztunnel, or the Service by targetRefs once a waypoint serves it), the
// waypoint's own default deny, and the failures that name the fix when no waypoint exists.
import { App, Testing } from 'cdk8s';
import { Waypoint, WaypointTrafficType } from '../../src/ambient/waypoint';
import { Protocol } from '../../src/core/protocol';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { EgressLockdown } from '../../src/patterns/egress-lockdown';
import { JwtProtectedApp } from '../../src/patterns/jwt-protected-app';
import { MeshService } from '../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../src/patterns/mtls-namespace';
import { AuthorizationAction, AuthorizationPolicy } from '../../src/security/authorization-policy';
import { SecurityPolicyTarget } from '../../src/security/authorization-target';
import { RequestAuthentication } from '../../src/security/request-authentication';

const named = (objects: any[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};

function shop(options: { waypoint?: 'before' | 'after' | 'none' } = {}) {
  const app = Testing.app();
  const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
  if (options.waypoint === 'before') ns.addWaypoint();
  const frontend = new MeshService(ns, 'frontend', { port: 8080, image: 'frontend:1' });
  const cart = new MeshService(ns, 'cart', { port: 7070, containerPort: 7000, image: 'cart:1' });
  return { app, ns, frontend, cart };
}

describe('allowFrom in an ambient namespace', () => {
  test('without a waypoint, identity rules stay on the pods (ztunnel enforces L4)', () => {
    const { ns, frontend, cart } = shop();
    cart.allowFrom(frontend, { ports: [7070] });
    const policy = named(Testing.synth(ns), 'AuthorizationPolicy', 'cart');
    expect(policy.spec.selector).toEqual({ matchLabels: { app: 'cart' } });
    expect(policy.spec.targetRefs).toBeUndefined();
    expect(policy.spec.rules[0].to[0].operation.ports).toEqual(['7000']);
  });

  test.each(['before', 'after'] as const)('with a namespace waypoint added %s the rules, every rule attaches to the Service', (when) => {
    const { ns, frontend, cart } = shop({ waypoint: when === 'before' ? 'before' : 'none' });
    cart.allowFrom(frontend, { methods: ['GET', 'POST'], paths: ['/cart/*'] });
    cart.allowFromNamespace('shop', { ports: [7070] });
    if (when === 'after') ns.addWaypoint();
    const objects = Testing.synth(ns);
    const policy = named(objects, 'AuthorizationPolicy', 'cart');
    expect(policy.spec.selector).toBeUndefined();
    expect(policy.spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'cart' }]);
    expect(policy.spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }], to: [{ operation: { methods: ['GET', 'POST'], paths: ['/cart/*'] } }] },
      { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['7000'] } }] },
    ]);
    // The waypoint denies what no policy attached to it or to a Service it serves admits.
    const deny = named(objects, 'AuthorizationPolicy', 'waypoint-allow-nothing');
    expect(deny.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }] });
    expect(named(objects, 'Namespace', 'shop').metadata.labels['istio.io/use-waypoint']).toBe('waypoint');
  });

  test('a waypoint of the service alone (useWaypoint) moves only that service\'s policy', () => {
    const { ns, frontend, cart } = shop();
    const wp = ns.addWaypoint('cart-waypoint', { useForNamespace: false });
    cart.allowFrom(frontend, { methods: ['GET'] });
    frontend.allowFrom(cart);
    cart.useWaypoint(wp);
    const objects = Testing.synth(ns);
    expect(named(objects, 'AuthorizationPolicy', 'cart').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'cart' }]);
    expect(named(objects, 'AuthorizationPolicy', 'frontend').spec.selector).toEqual({ matchLabels: { app: 'frontend' } });
    expect(named(objects, 'Service', 'cart').metadata.labels['istio.io/use-waypoint']).toBe('cart-waypoint');
  });

  test('the ingress gateway goes through the waypoint when one serves the service', () => {
    const { ns, frontend, cart } = shop({ waypoint: 'before' });
    frontend.allowFromIngressGateway({ paths: ['/'] });
    cart.allowFrom(frontend);
    const objects = Testing.synth(ns);
    expect(named(objects, 'Service', 'frontend').metadata.labels['istio.io/ingress-use-waypoint']).toBe('true');
    expect(named(objects, 'Service', 'cart').metadata.labels['istio.io/ingress-use-waypoint']).toBeUndefined();
    expect(named(objects, 'AuthorizationPolicy', 'frontend').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'frontend' }]);
  });

  test('without a waypoint, the ingress gateway calls the pods directly (no label)', () => {
    const { ns, frontend } = shop();
    frontend.allowFromIngressGateway();
    expect(named(Testing.synth(ns), 'Service', 'frontend').metadata.labels['istio.io/ingress-use-waypoint']).toBeUndefined();
  });

  test('L7 rules without a waypoint fail, naming addWaypoint and useWaypoint', () => {
    const { ns, frontend, cart } = shop();
    cart.allowFrom(frontend, { methods: ['GET'] });
    expect(() => Testing.synth(ns)).toThrow(/\[shop\/cart\/Allow\] rules \(methods\) is invalid: in the ambient namespace "shop" a policy with a workload selector is enforced by ztunnel.*never match.*Fix: give the service a waypoint — `addWaypoint\(\)` on the MtlsNamespace, or `useWaypoint\(waypoint\)` on the MeshService/);
  });

  test('a waypoint managed elsewhere (the `waypoint` prop) serves the namespace too', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'shared' });
    const a = new MeshService(ns, 'a', { port: 80, image: 'a:1' });
    const b = new MeshService(ns, 'b', { port: 80, image: 'b:1' });
    b.allowFrom(a, { paths: ['/api/*'] });
    const objects = Testing.synth(ns);
    expect(named(objects, 'AuthorizationPolicy', 'b').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'b' }]);
    expect(named(objects, 'AuthorizationPolicy', 'shared-allow-nothing').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared' }]);
  });

  test('without default deny the waypoint gets no allow-nothing policy; a Waypoint can opt in', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'open', { dataplaneMode: DataplaneMode.AMBIENT, defaultDeny: false });
    ns.addWaypoint();
    new Waypoint(ns, 'strict', { defaultDeny: true });
    const names = Testing.synth(ns).filter((o) => o.kind === 'AuthorizationPolicy').map((o) => o.metadata.name);
    expect(names).toEqual(['strict-allow-nothing']);
  });

  test('a waypoint for workload traffic only does not serve Services: policies stay on the pods, useWaypoint is refused', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = ns.addWaypoint('waypoint', { trafficType: WaypointTrafficType.WORKLOAD });
    const a = new MeshService(ns, 'a', { port: 80, image: 'a:1' });
    const b = new MeshService(ns, 'b', { port: 80, image: 'b:1' });
    b.allowFrom(a);
    expect(named(Testing.synth(ns), 'AuthorizationPolicy', 'b').spec.selector).toEqual({ matchLabels: { app: 'b' } });
    const other = new MtlsNamespace(app, 'other', { dataplaneMode: DataplaneMode.AMBIENT });
    const c = new MeshService(other, 'c', { port: 80, image: 'c:1' });
    expect(() => c.useWaypoint(wp)).toThrow(/\[other\/c\] useWaypoint "waypoint" is invalid: the waypoint processes workload traffic only, and calls to the Service would bypass it\. Fix: create the waypoint with trafficType WaypointTrafficType\.SERVICE/);
  });

  test('useWaypoint in a sidecar namespace is refused', () => {
    const app = new App();
    const sidecar = new MtlsNamespace(app, 'side');
    const ambient = new MtlsNamespace(app, 'amb', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = ambient.addWaypoint('wp', { useForNamespace: false });
    const svc = new MeshService(sidecar, 'svc', { port: 80, image: 'svc:1' });
    expect(() => svc.useWaypoint(wp)).toThrow(/\[side\/svc\] useWaypoint "wp" is invalid: waypoint proxies serve ambient workloads, and the namespace "side" uses sidecars.*Fix: use DataplaneMode\.AMBIENT/);
  });
});

describe('JwtProtectedApp in an ambient namespace', () => {
  const jwt = { issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/jwks.json', exemptPaths: ['/healthz'] };

  test.each(['before', 'after'] as const)('the token is checked by the waypoint (waypoint added %s)', (when) => {
    const { ns, frontend } = shop({ waypoint: when === 'before' ? 'before' : 'none' });
    frontend.allowFromIngressGateway();
    new JwtProtectedApp(ns, 'jwt', { service: frontend, ...jwt });
    if (when === 'after') ns.addWaypoint();
    const objects = Testing.synth(ns);
    const service = [{ group: '', kind: 'Service', name: 'frontend' }];
    for (const [kind, name] of [['RequestAuthentication', 'frontend'], ['AuthorizationPolicy', 'frontend-require-jwt'], ['AuthorizationPolicy', 'frontend']]) {
      const o = named(objects, kind, name);
      expect(o.spec.targetRefs).toEqual(service);
      expect(o.spec.selector).toBeUndefined();
    }
  });

  test('without a waypoint it fails, naming the fix', () => {
    const { ns, frontend } = shop();
    frontend.allowFromIngressGateway();
    new JwtProtectedApp(ns, 'jwt', { service: frontend, ...jwt });
    expect(() => Testing.synth(ns)).toThrow(/RequestAuthentication frontend is invalid: in the ambient namespace "shop" there are no sidecars.*Fix: give the service a waypoint — `addWaypoint\(\)`/);
  });

  test('hand-made CUSTOM, AUDIT and selector-bound RequestAuthentication policies need targetRefs', () => {
    const { ns } = shop({ waypoint: 'before' });
    new AuthorizationPolicy(ns, 'ext', { action: AuthorizationAction.CUSTOM, provider: 'authz', selector: WorkloadSelector.fromLabels({ app: 'cart' }), rules: [{}] });
    new RequestAuthentication(ns, 'ra', { selector: WorkloadSelector.fromLabels({ app: 'cart' }), jwtRules: [{ issuer: 'https://a.example.com' }] });
    expect(() => Testing.synth(ns)).toThrow(/\[shop\/ext\] action "CUSTOM" is invalid: .*needs a waypoint[\s\S]*\[shop\/ra\] RequestAuthentication \S+ is invalid/);
  });

  test('the same policies attached with targetRefs pass', () => {
    const { ns } = shop({ waypoint: 'before' });
    new AuthorizationPolicy(ns, 'ext', { action: AuthorizationAction.CUSTOM, provider: 'authz', targetRefs: [SecurityPolicyTarget.service('cart')], rules: [{}] });
    new RequestAuthentication(ns, 'ra', { targetRefs: [SecurityPolicyTarget.gateway('waypoint')], jwtRules: [{ issuer: 'https://a.example.com' }] });
    expect(Testing.synth(ns).filter((o) => o.spec?.targetRefs !== undefined)).toHaveLength(3);
  });
});

describe('EgressLockdown in an ambient namespace', () => {
  function egress() {
    const app = Testing.app();
    const egressNs = new MtlsNamespace(app, 'istio-egress', { dataplaneMode: DataplaneMode.AMBIENT });
    const waypoint = egressNs.addWaypoint('waypoint');
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    ns.addWaypoint();
    const frontend = new MeshService(ns, 'frontend', { port: 8080, image: 'frontend:1' });
    const cart = new MeshService(ns, 'cart', { port: 7070, image: 'cart:1' });
    return { egressNs, waypoint, ns, frontend, cart };
  }

  test('per workload: the host\'s ServiceEntry uses the egress waypoint, whose policy admits only the allowed identities', () => {
    const { egressNs, waypoint, ns, frontend, cart } = egress();
    const a = new EgressLockdown(ns, 'frontend-egress', { workload: frontend, egressWaypoint: waypoint, allow: [{ host: 'api.example.com' }] });
    new EgressLockdown(ns, 'cart-egress', { workload: cart, egressWaypoint: waypoint, allow: [{ host: 'api.example.com' }, { host: 'pay.example.com' }] });
    expect(a.sidecar).toBeUndefined();
    expect(Testing.synth(ns).filter((o) => o.kind === 'Sidecar' || o.kind === 'ServiceEntry')).toEqual([]);
    const objects = Testing.synth(egressNs);
    const entry = named(objects, 'ServiceEntry', 'egress-api.example.com');
    expect(entry.metadata).toEqual({ name: 'egress-api.example.com', namespace: 'istio-egress', labels: { 'istio.io/use-waypoint': 'waypoint' } });
    expect(entry.spec).toMatchObject({ hosts: ['api.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS' });
    expect(named(objects, 'AuthorizationPolicy', 'egress-api.example.com').spec).toEqual({
      targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'egress-api.example.com' }],
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/shop/sa/cart'] } }] },
      ],
    });
    expect(named(objects, 'AuthorizationPolicy', 'egress-pay.example.com').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/cart'] } }] }]);
    // everything else through the egress waypoint is denied
    expect(named(objects, 'AuthorizationPolicy', 'waypoint-allow-nothing')).toBeDefined();
  });

  test('namespace-wide: the namespace is admitted', () => {
    const { egressNs, waypoint, ns } = egress();
    new EgressLockdown(ns, 'egress', { egressWaypoint: waypoint, allow: [{ host: 'api.example.com' }] });
    expect(named(Testing.synth(egressNs), 'AuthorizationPolicy', 'egress-api.example.com').spec.rules).toEqual([{ from: [{ source: { namespaces: ['shop'] } }] }]);
  });

  test.each([
    ['no egress waypoint', {}, /\[shop\/egress\] egressWaypoint undefined is invalid: the namespace is in ambient mode.*Fix: pass egressWaypoint: new MtlsNamespace\(app, 'istio-egress'/],
    ['blockAllExternal', { blockAllExternal: true }, /blockAllExternal true is invalid: .*ztunnel passes connections to hosts outside the service registry through.*NetworkPolicy/],
    ['mesh services', { meshNamespaces: ['istio-system'] }, /meshNamespaces 1 is invalid: .*governed by the callee's policies/],
    ['a wildcard host', { allow: [{ host: '*.example.com' }] }, /allow\["\*\.example\.com"\] "\*\.example\.com" is invalid: an egress waypoint forwards to a host it resolves itself/],
    ['a selector without identity', { workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }) }, /workloadSelector .* is invalid: .*admits callers by identity.*Fix: pass the MeshService or MeshWorkload as `workload`/],
  ])('refused in ambient mode: %s', (_name, extra, message) => {
    const { waypoint, ns } = egress();
    const base = (extra as any).blockAllExternal || (extra as any).allow ? {} : { allow: [{ host: 'api.example.com' }] };
    const withWaypoint = _name === 'no egress waypoint' ? {} : { egressWaypoint: waypoint };
    expect(() => new EgressLockdown(ns, 'egress', { ...base, ...withWaypoint, ...extra as any })).toThrow(message);
  });

  test('two lockdowns must agree on a shared host\'s ports', () => {
    const { waypoint, ns, frontend, cart } = egress();
    new EgressLockdown(ns, 'a', { workload: frontend, egressWaypoint: waypoint, allow: [{ host: 'api.example.com' }] });
    expect(() => new EgressLockdown(ns, 'b', { workload: cart, egressWaypoint: waypoint, allow: [{ host: 'api.example.com', ports: [{ number: 8443, protocol: Protocol.TLS }] }] }))
      .toThrow(/\[shop\/b\] allow\["api\.example\.com"\] "api\.example\.com" is invalid: shop\/a already routes this host through the egress waypoint "waypoint" with other ports/);
  });
});
