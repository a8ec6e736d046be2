// Waypoint: the Gateway Istio's ambient Bookinfo declares, the labels that make Services,
// ServiceEntries and namespaces use it, and the mistakes refused at synth.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Waypoint, WaypointTrafficType } from '../../src/ambient/waypoint';
import { Protocol } from '../../src/core/protocol';
import { GatewayApiAllowedRoutes } from '../../src/gateway-api/allowed-routes';
import { GatewayApiGateway } from '../../src/gateway-api/gateway';
import { GatewayApiListener } from '../../src/gateway-api/listener';
import { ServiceEntry, ServiceEntryResolution } from '../../src/networking/service-entry';
import { MeshService } from '../../src/patterns/mesh-service';
import { DataplaneMode, MtlsNamespace } from '../../src/patterns/mtls-namespace';

const AMBIENT = path.join(__dirname, '..', 'fixtures', 'istio-1.30.3-ambient');
const reference = (file: string) => parse(fs.readFileSync(path.join(AMBIENT, file), 'utf8'));
const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('Waypoint', () => {
  test('the vendored ambient references are the pinned upstream files', () => {
    const readme = fs.readFileSync(path.join(AMBIENT, 'README.md'), 'utf8');
    const files = fs.readdirSync(AMBIENT).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBe(11);
    for (const f of files) {
      const sha = createHash('sha256').update(fs.readFileSync(path.join(AMBIENT, f))).digest('hex');
      expect(readme).toContain(`${sha}  ${f}`);
    }
  });

  test.each([['reviews-waypoint.yaml', 'bookinfo-reviews', 'rapid'], ['details-waypoint.yaml', 'bookinfo-details', 'stable']])('reproduces Istio\'s %s', (file, name, revision) => {
    const chart = Testing.chart();
    new Waypoint(chart, 'wp', { waypointName: name, revision });
    expect(Testing.synth(chart)).toEqual([reference(file)]);
  });

  test('defaults: named after the id, service traffic (no label), usable from its own namespace', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const wp = new Waypoint(chart, 'waypoint');
    expect(Testing.synth(chart)).toMatchSnapshot();
    const [gw] = Testing.synth(chart);
    expect(gw.metadata).toEqual({ name: 'waypoint', namespace: 'shop' });
    expect(gw.spec.listeners).toEqual([{ name: 'mesh', port: 15008, protocol: 'HBONE' }]);
    expect(wp.trafficType).toBe(WaypointTrafficType.SERVICE);
    expect(wp.namespace).toBe('shop');
  });

  test('traffic type, revision, further labels and cross-namespace use', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shared' });
    new Waypoint(chart, 'wp', {
      waypointName: 'shared-waypoint',
      trafficType: WaypointTrafficType.ALL,
      revision: 'canary',
      usableFrom: GatewayApiAllowedRoutes.fromNamespacesWithLabels({ 'kubernetes.io/metadata.name': 'shop' }),
      metadata: { labels: { team: 'platform' }, annotations: { 'example.com/owner': 'platform' } },
    });
    const [gw] = Testing.synth(chart);
    expect(gw.metadata.labels).toEqual({ 'team': 'platform', 'istio.io/waypoint-for': 'all', 'istio.io/rev': 'canary' });
    expect(gw.metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
    expect(gw.spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } });
  });

  test('its identity is the service account named after it', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const wp = new Waypoint(chart, 'reviews-waypoint');
    expect(wp.principal._render(chart, 'p')).toBe('cluster.local/ns/shop/sa/reviews-waypoint');
  });

  test('MtlsNamespace.addWaypoint: the namespace uses it, services enrolled one by one otherwise', () => {
    const app = Testing.app();
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = ns.addWaypoint();
    const reviewsWaypoint = ns.addWaypoint('reviews-waypoint', { useForNamespace: false });
    const reviews = new MeshService(ns, 'reviews', { port: 9080, image: 'reviews:1' }).useWaypoint(reviewsWaypoint);
    const out = Testing.synth(ns);
    expect(byKind(out, 'Namespace')[0].metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(byKind(out, 'Gateway').map((g) => g.metadata.name)).toEqual(['waypoint', 'reviews-waypoint']);
    expect(byKind(out, 'Service')[0].metadata.labels['istio.io/use-waypoint']).toBe('reviews-waypoint');
    expect(ns.waypoints).toEqual([wp, reviewsWaypoint]);
    expect(ns.namespaceWaypoint).toBe(wp);
    expect(reviews.service.metadata.getLabel('istio.io/use-waypoint-namespace')).toBeUndefined();
  });

  test('a waypoint in another namespace: usable only when it admits the namespace, then labelled with its namespace', () => {
    const app = Testing.app();
    const shared = new Chart(app, 'shared', { namespace: 'shared' });
    const open = new Waypoint(shared, 'open', { usableFrom: GatewayApiAllowedRoutes.all() });
    const ns = new MtlsNamespace(app, 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
    const svc = new MeshService(ns, 'web', { port: 8080, image: 'web:1' }).useWaypoint(open);
    expect(svc.service.metadata.getLabel('istio.io/use-waypoint')).toBe('open');
    expect(svc.service.metadata.getLabel('istio.io/use-waypoint-namespace')).toBe('shared');
    const closed = new Waypoint(shared, 'closed');
    const other = new MeshService(ns, 'api', { port: 8080, image: 'api:1' });
    expect(() => other.useWaypoint(closed)).toThrow(/\[shop\/api\] waypoint "closed" is invalid: the waypoint is in namespace "shared" and only usable from there, so resources in "shop" cannot use it\. Fix: create the waypoint with usableFrom: GatewayApiAllowedRoutes\.fromNamespacesWithLabels/);
  });

  test('ServiceEntry.useWaypoint: egress through a waypoint', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'egress' });
    const wp = new Waypoint(chart, 'egress-waypoint');
    const se = new ServiceEntry(chart, 'httpbin', { hosts: ['httpbin.org'], ports: [{ number: 443, protocol: Protocol.TLS }], resolution: ServiceEntryResolution.DNS });
    expect(se.useWaypoint(wp)).toBe(se);
    const [entry] = byKind(Testing.synth(chart), 'ServiceEntry');
    expect(entry.metadata.labels).toEqual({ 'istio.io/use-waypoint': 'egress-waypoint' });
    expect(() => se.useWaypoint(wp)).toThrow(/already uses waypoint "egress-waypoint"/);
  });

  describe('bad input', () => {
    test('a waypoint in a sidecar namespace', () => {
      const ns = new MtlsNamespace(Testing.app(), 'shop');
      expect(() => ns.addWaypoint()).toThrow(/\[shop\] addWaypoint "waypoint" is invalid: waypoint proxies serve ambient workloads, and this namespace uses sidecars.*Fix: use DataplaneMode\.AMBIENT/);
    });
    test('two namespace-wide waypoints, or one next to the `waypoint` label', () => {
      const ns = new MtlsNamespace(Testing.app(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
      ns.addWaypoint();
      expect(() => ns.addWaypoint('second')).toThrow(/the namespace already uses waypoint "waypoint"\. Fix: pass useForNamespace: false/);
      const labelled = new MtlsNamespace(Testing.app(), 'web', { dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'external' });
      expect(() => labelled.addWaypoint()).toThrow(/the namespace already uses waypoint "external"/);
    });
    test('a namespace-wide waypoint when the Namespace object is not created', () => {
      const ns = new MtlsNamespace(Testing.app(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT, createNamespace: false });
      expect(() => ns.addWaypoint()).toThrow(/which is not created\. Fix: create the namespace/);
      expect(ns.addWaypoint('wp', { useForNamespace: false }).waypointName).toBe('wp');
    });
    test('names, labels and traffic types', () => {
      const chart = Testing.chart();
      expect(() => new Waypoint(chart, 'a', { waypointName: '1-waypoint' })).toThrow(/\[test\/a\] waypointName "1-waypoint" is invalid/);
      expect(() => new Waypoint(chart, 'b', { waypointName: 'x', metadata: { name: 'y' } })).toThrow(/metadata\.name "y" is invalid: the waypoint is named by `waypointName`/);
      expect(() => new Waypoint(chart, 'c', { metadata: { labels: { 'istio.io/rev': 'x' } } })).toThrow(/metadata\.labels\["istio\.io\/rev"\] "x" is invalid: this label is set by the Waypoint itself\. Fix: use `revision`/);
      expect(() => new Waypoint(chart, 'd', { trafficType: 'pods' as WaypointTrafficType })).toThrow(/trafficType "pods" is invalid: unknown waypoint traffic type/);
      expect(() => new Waypoint(chart, 'e', { revision: 'Canary_1' })).toThrow(/revision "Canary_1" is invalid/);
    });
    test('a service that uses two waypoints', () => {
      const ns = new MtlsNamespace(Testing.app(), 'shop', { dataplaneMode: DataplaneMode.AMBIENT });
      const svc = new MeshService(ns, 'web', { port: 8080, image: 'web:1' }).useWaypoint(ns.addWaypoint('a', { useForNamespace: false }));
      expect(() => svc.useWaypoint(ns.addWaypoint('b', { useForNamespace: false }))).toThrow(/\[shop\/web\] useWaypoint "b" is invalid: the service already uses waypoint "a"/);
    });
    test('HBONE listeners belong to waypoint and east-west classes; a waypoint class needs one', () => {
      const chart = Testing.chart();
      expect(() => new GatewayApiGateway(chart, 'gw', { listeners: [GatewayApiListener.hbone()] })).toThrow(/\[test\/gw\] listeners\[0\]\.protocol "HBONE" is invalid: HBONE listeners are served only by the gateway classes istio-waypoint and istio-east-west, not "istio"/);
      expect(() => new GatewayApiGateway(chart, 'hb', { listeners: [GatewayApiListener.hbone({ name: 'mesh' })] }).addListener(GatewayApiListener.http())).toThrow(/HBONE listeners are served only/);
      const ew = new GatewayApiGateway(Testing.chart(), 'ew', { gatewayClassName: 'istio-east-west', listeners: [GatewayApiListener.hbone({ name: 'mesh' })] });
      expect(ew.listeners[0].port).toBe(15008);
      const wrong = Testing.chart();
      new GatewayApiGateway(wrong, 'wp', { gatewayClassName: 'istio-waypoint', listeners: [GatewayApiListener.http()] });
      expect(() => Testing.synth(wrong)).toThrow(/listeners \["HTTP\/80"\] is invalid: a gateway of class istio-waypoint receives its traffic through ztunnel on the HBONE port 15008\. Fix: add GatewayApiListener\.hbone/);
      expect(() => new GatewayApiGateway(Testing.chart(), 'h', { gatewayClassName: 'istio-waypoint', listeners: [GatewayApiListener.hbone({ name: 'mesh', port: 15008 })] }).addListener(new GatewayApiListener({ port: 15009, protocol: 'HBONE' as any, hostname: 'a.example.com' }))).toThrow(/hostname "a\.example\.com" is invalid: an HBONE listener carries tunnelled connections for any host/);
    });
  });
});
