// The normaliser behind the Bookinfo parity tests must be strict: it may only equate what
// the Kubernetes API server itself treats as equal, and must report everything else.
import {
  ALLOWED_ADDITIONS,
  areVersionAliases,
  diffManifests,
  expectParity,
  loadOfficial,
  normalizeManifest,
  objectKey,
} from './normalize';
import { VirtualService } from '../../src';
import { fragmentChart } from '../support/fragment';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function virtualService(spec: any = {}, metadata: any = {}): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', ...metadata },
    spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }], ...spec },
  };
}

function meshRoute(spec: any = {}): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'reviews' },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080 }] }],
      ...spec,
    },
  };
}

function serviceEntry(spec: any = {}): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'googleapis' },
    spec: { hosts: ['www.googleapis.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', ...spec },
  };
}

describe('normalize: strictness', () => {
  test('identical objects have no differences', () => {
    expect(diffManifests([virtualService()], [virtualService()])).toEqual([]);
  });

  test('reports a missing field', () => {
    const ours = virtualService();
    delete ours.spec.http[0].route[0].destination.subset;
    expect(diffManifests([virtualService()], [ours])).toEqual([
      'networking.istio.io/VirtualService reviews: missing field spec.http[0].route[0].destination.subset (expected "v1")',
    ]);
  });

  test('reports an extra field (e.g. an exportTo the official file does not have)', () => {
    expect(diffManifests([virtualService()], [virtualService({ exportTo: ['.'] })])).toEqual([
      'networking.istio.io/VirtualService reviews: extra field spec.exportTo: ["."]',
    ]);
  });

  test('reports an extra metadata field (labels added by a construct)', () => {
    expect(diffManifests([virtualService()], [virtualService({}, { labels: { app: 'reviews' } })])).toEqual([
      'networking.istio.io/VirtualService reviews: extra field metadata.labels: {"app":"reviews"}',
    ]);
  });

  test('reports a changed value', () => {
    const ours = virtualService();
    ours.spec.http[0].route[0].destination.subset = 'v2';
    expect(diffManifests([virtualService()], [ours])).toEqual([
      'networking.istio.io/VirtualService reviews: changed value at spec.http[0].route[0].destination.subset: expected "v1", got "v2"',
    ]);
  });

  test('reports a changed value type (string vs number)', () => {
    const official = virtualService({ http: [{ match: [{ port: 80 }], route: [{ destination: { host: 'reviews' } }] }] });
    const ours = clone(official);
    ours.spec.http[0].match[0].port = '80';
    expect(diffManifests([official], [ours])).toEqual([
      'networking.istio.io/VirtualService reviews: changed value at spec.http[0].match[0].port: expected 80, got "80"',
    ]);
  });

  test('reports missing and extra list items, and list order', () => {
    const official = virtualService({ hosts: ['reviews', 'reviews.prod.svc.cluster.local'] });
    expect(diffManifests([official], [virtualService()])).toEqual([
      'networking.istio.io/VirtualService reviews: missing list item spec.hosts[1] (expected "reviews.prod.svc.cluster.local")',
    ]);
    expect(diffManifests([virtualService()], [official])).toEqual([
      'networking.istio.io/VirtualService reviews: extra list item spec.hosts[1]: "reviews.prod.svc.cluster.local"',
    ]);
    const swapped = virtualService({ hosts: ['reviews.prod.svc.cluster.local', 'reviews'] });
    expect(diffManifests([official], [swapped])).toHaveLength(2);
  });

  test('reports a missing object', () => {
    const details = virtualService({}, { name: 'details' });
    expect(diffManifests([virtualService(), details], [virtualService()])).toEqual([
      'missing object networking.istio.io/VirtualService details',
    ]);
  });

  test('reports an extra object', () => {
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews' } };
    expect(diffManifests([virtualService()], [virtualService(), dr])).toEqual([
      'extra object networking.istio.io/DestinationRule reviews',
    ]);
  });

  test('objects are matched by namespace too', () => {
    expect(diffManifests([virtualService()], [virtualService({}, { namespace: 'bookinfo' })])).toEqual([
      'missing object networking.istio.io/VirtualService reviews',
      'extra object networking.istio.io/VirtualService bookinfo/reviews',
    ]);
  });

  test('objects are matched by kind and group, not by name alone', () => {
    const gwapi = { ...meshRoute(), kind: 'HTTPRoute' };
    expect(diffManifests([virtualService()], [gwapi])).toEqual([
      'missing object networking.istio.io/VirtualService reviews',
      'extra object gateway.networking.k8s.io/HTTPRoute reviews',
    ]);
  });

  test('reports duplicate objects', () => {
    expect(diffManifests([virtualService()], [virtualService(), virtualService()])).toEqual([
      'duplicate object in our manifests: networking.istio.io/VirtualService reviews',
    ]);
  });

  test('an empty struct is not the same as an absent one (message presence matters)', () => {
    const ours = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews', trafficPolicy: {} } };
    const official = { ...ours, spec: { host: 'reviews' } };
    expect(diffManifests([official], [ours])).toEqual([
      'networking.istio.io/DestinationRule reviews: extra field spec.trafficPolicy: {}',
    ]);
  });

  test('objects of kinds no vendored CRD defines are refused, not compared loosely', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} };
    expect(() => normalizeManifest(cm)).toThrow(/no vendored CRD defines v1 ConfigMap/);
  });
});

describe('normalize: what Kubernetes treats as equal', () => {
  test('key order is irrelevant', () => {
    const official = virtualService();
    const ours = { spec: { http: official.spec.http, hosts: ['reviews'] }, metadata: { name: 'reviews' }, kind: 'VirtualService', apiVersion: 'networking.istio.io/v1' };
    expect(diffManifests([official], [ours])).toEqual([]);
  });

  test('null values of non-nullable fields are pruned', () => {
    expect(diffManifests([virtualService()], [virtualService({ gateways: null })])).toEqual([]);
  });

  test('an empty list or map equals an omitted one when the schema has no default for it', () => {
    expect(diffManifests([virtualService()], [virtualService({ gateways: [], exportTo: [] })])).toEqual([]);
    const dr = (spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' }, spec: { host: 'r', ...spec } });
    expect(diffManifests([dr({ subsets: [{ name: 'v1' }] })], [dr({ subsets: [{ name: 'v1', labels: {} }] })])).toEqual([]);
  });

  test('...but not where the schema defaults it (HTTPRoute matches: [] is not "match everything by default")', () => {
    const official = meshRoute();
    const ours = meshRoute({ rules: [{ matches: [], backendRefs: [{ name: 'reviews-v1', port: 9080 }] }] });
    expect(diffManifests([official], [ours])).toEqual([
      'gateway.networking.k8s.io/HTTPRoute reviews: missing list item spec.rules[0].matches[0] (expected {"path":{"type":"PathPrefix","value":"/"}})',
    ]);
  });

  test('CRD schema defaults are applied to absent fields', () => {
    const explicit = meshRoute({
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v1', port: 9080, weight: 1 }],
      }],
    });
    expect(diffManifests([meshRoute()], [explicit])).toEqual([]);
    expect(diffManifests([explicit], [meshRoute()])).toEqual([]);
  });

  test('a value different from the schema default is still reported', () => {
    const weighted = meshRoute({ rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 2 }] }] });
    expect(diffManifests([meshRoute()], [weighted])).toEqual([
      'gateway.networking.k8s.io/HTTPRoute reviews: changed value at spec.rules[0].backendRefs[0].weight: expected 1, got 2',
    ]);
    const gatewayParent = meshRoute({ parentRefs: [{ name: 'reviews', port: 9080 }] });
    expect(diffManifests([meshRoute()], [gatewayParent])).toEqual([
      'gateway.networking.k8s.io/HTTPRoute reviews: changed value at spec.parentRefs[0].group: expected "", got "gateway.networking.k8s.io"',
      'gateway.networking.k8s.io/HTTPRoute reviews: changed value at spec.parentRefs[0].kind: expected "Service", got "Gateway"',
    ]);
  });

  test('status is not defaulted (the status subresource ignores it on create)', () => {
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } };
    const normalized = normalizeManifest(gw);
    expect(normalized.status).toBeUndefined();
    expect(normalized.spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
  });

  test('API version aliases: v1alpha3 / v1beta1 and v1 of networking.istio.io are the same served schema', () => {
    expect(areVersionAliases('networking.istio.io', 'VirtualService', 'v1', 'v1alpha3')).toBe(true);
    expect(areVersionAliases('networking.istio.io', 'DestinationRule', 'v1beta1', 'v1')).toBe(true);
    const old = { ...virtualService(), apiVersion: 'networking.istio.io/v1alpha3' };
    expect(diffManifests([old], [virtualService()])).toEqual([]);
  });

  test('...while an API version the CRD does not serve is reported', () => {
    expect(areVersionAliases('networking.istio.io', 'VirtualService', 'v1', 'v2')).toBe(false);
    const bogus = { ...virtualService(), apiVersion: 'networking.istio.io/v2' };
    expect(() => diffManifests([virtualService()], [bogus])).toThrow(/no vendored CRD defines networking.istio.io\/v2 VirtualService/);
  });

  test('objectKey ignores the API version', () => {
    expect(objectKey({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'g', namespace: 'istio-system' } }))
      .toBe('networking.istio.io/Gateway istio-system/g');
  });
});

describe('normalize: allowed additions', () => {
  test('the list is exactly the documented one', () => {
    expect(ALLOWED_ADDITIONS.map((a) => `${a.group}/${a.kind} ${a.path.join('.')}=${JSON.stringify(a.value)}`)).toEqual([
      'networking.istio.io/ServiceEntry spec.location="MESH_EXTERNAL"',
    ]);
  });

  test('ServiceEntry location MESH_EXTERNAL may be added where the official object omits it', () => {
    expect(diffManifests([serviceEntry()], [serviceEntry({ location: 'MESH_EXTERNAL' })])).toEqual([]);
  });

  test('...with no other value', () => {
    expect(diffManifests([serviceEntry()], [serviceEntry({ location: 'MESH_INTERNAL' })])).toEqual([
      'networking.istio.io/ServiceEntry googleapis: extra field spec.location: "MESH_INTERNAL"',
    ]);
  });

  test('...not replacing a value the official object states', () => {
    expect(diffManifests([serviceEntry({ location: 'MESH_INTERNAL' })], [serviceEntry({ location: 'MESH_EXTERNAL' })])).toEqual([
      'networking.istio.io/ServiceEntry googleapis: changed value at spec.location: expected "MESH_INTERNAL", got "MESH_EXTERNAL"',
    ]);
  });

  test('...and on no other kind or path', () => {
    const official = virtualService();
    const ours = virtualService({ location: 'MESH_EXTERNAL' });
    expect(diffManifests([official], [ours])).toEqual([
      'networking.istio.io/VirtualService reviews: extra field spec.location: "MESH_EXTERNAL"',
    ]);
    expect(diffManifests([serviceEntry()], [serviceEntry({ location: 'MESH_EXTERNAL' })], { allowedAdditions: [] })).toEqual([
      'networking.istio.io/ServiceEntry googleapis: extra field spec.location: "MESH_EXTERNAL"',
    ]);
  });
});

describe('normalize: loading and expectParity', () => {
  test('loadOfficial reads every document and skips empty ones', () => {
    // destination-rule-all.yaml ends with "---": four objects, no empty fifth.
    expect(loadOfficial('networking/destination-rule-all.yaml').map((o) => o.metadata.name)).toEqual(['productpage', 'reviews', 'ratings', 'details']);
  });

  test('expectParity fails on a chart that differs from the official file', () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews' },
      hosts: ['reviews'],
      http: [{ route: [{ host: 'reviews', subset: 'v2' }] }],
    });
    expect(() => expectParity('networking/virtual-service-reviews-v3.yaml', chart)).toThrow(/changed value at spec\.http\[0\]\.route\[0\]\.destination\.subset: expected \\?"v3\\?", got \\?"v2\\?"/);
  });

  test('expectParity fails when an object of the file is not built', () => {
    const chart = fragmentChart();
    new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews' },
      hosts: ['reviews'],
      http: [{ route: [{ host: 'reviews', subset: 'v3' }] }],
    });
    expect(() => expectParity('networking/virtual-service-ratings-db.yaml', chart)).toThrow(/missing object networking.istio.io\/VirtualService ratings/);
  });
});
