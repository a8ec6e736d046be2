// Parity of the library with Istio's official Bookinfo Gateway API samples
// (test/fixtures/istio-1.30.3-bookinfo/gateway-api/*.yaml): each file is rebuilt with the
// public API, the way a user would, and compared semantically (see ./normalize.ts).
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { BOOKINFO_DIR, expectParity } from './normalize';
import {
  GatewayApiAllowedRoutes,
  GatewayApiGateway,
  GatewayApiHttpBackendRef,
  GatewayApiHttpRoute,
  GatewayApiListener,
  GatewayApiParentRef,
  GatewayApiPathMatch,
} from '../../src';
import { fragmentChart } from '../support/fragment';

const PORT = 9080;

/**
 * A mesh (GAMMA) route for calls to Service `service` on port 9080, sending them to the
 * versioned Services `<service>-<version>` with the given weights (none: no weight).
 */
function meshRoute(scope: Construct, service: string, backends: Array<[version: string, weight?: number]>): GatewayApiHttpRoute {
  const backendRefs: GatewayApiHttpBackendRef[] = backends.map(([version, weight]) => ({ name: `${service}-${version}`, port: PORT, weight }));
  return new GatewayApiHttpRoute(scope, service, {
    metadata: { name: service },
    parentRefs: [GatewayApiParentRef.fromServiceName(service, { port: PORT })],
    rules: [{ backendRefs }],
  });
}

function reviews(backends: Array<[version: string, weight?: number]>) {
  const chart = fragmentChart();
  meshRoute(chart, 'reviews', backends);
  return chart;
}

const builders: { [file: string]: () => ReturnType<typeof fragmentChart> } = {
  'bookinfo-gateway.yaml': () => {
    const chart = fragmentChart();
    const gateway = new GatewayApiGateway(chart, 'bookinfo-gateway', {
      metadata: { name: 'bookinfo-gateway' },
      gatewayClassName: 'istio',
      listeners: [GatewayApiListener.http({ name: 'http', port: 80, allowedRoutes: GatewayApiAllowedRoutes.same() })],
    });
    new GatewayApiHttpRoute(chart, 'bookinfo', {
      metadata: { name: 'bookinfo' },
      parentRefs: [GatewayApiParentRef.fromGateway(gateway)],
      rules: [{
        matches: [
          { path: GatewayApiPathMatch.exact('/productpage') },
          { path: GatewayApiPathMatch.prefix('/static') },
          { path: GatewayApiPathMatch.exact('/login') },
          { path: GatewayApiPathMatch.exact('/logout') },
          { path: GatewayApiPathMatch.prefix('/api/v1/products') },
        ],
        backendRefs: [{ name: 'productpage', port: PORT }],
      }],
    });
    return chart;
  },

  'route-all-v1.yaml': () => {
    const chart = fragmentChart();
    for (const service of ['reviews', 'productpage', 'ratings', 'details']) meshRoute(chart, service, [['v1']]);
    return chart;
  },

  'route-reviews-50-v3.yaml': () => reviews([['v1', 50], ['v3', 50]]),
  'route-reviews-90-10.yaml': () => reviews([['v1', 90], ['v2', 10]]),
  'route-reviews-v1.yaml': () => reviews([['v1']]),
  'route-reviews-v3.yaml': () => reviews([['v3']]),
};

describe('Bookinfo parity: gateway-api/ (Istio 1.30.3)', () => {
  const files = fs.readdirSync(path.join(BOOKINFO_DIR, 'gateway-api')).filter((f) => f.endsWith('.yaml')).sort();

  test('every official gateway-api file has a parity test', () => {
    expect(files).toHaveLength(6);
    expect(Object.keys(builders).sort()).toEqual(files);
  });

  test.each(files)('%s', (file) => {
    expectParity(`gateway-api/${file}`, builders[file]());
  });
});
