import { Chart, Duration, Testing } from 'cdk8s';
import { Protocol } from '../../src';
import { GrafanaDashboard, GrafanaDashboardProps } from '../../src/patterns/grafana-dashboard';
import { MeshService } from '../../src/patterns/mesh-service';
import { MetricsReporter, MonitoredService } from '../../src/patterns/observability';

function configMaps(chart: Chart): any[] {
  return Testing.synth(chart).filter((o) => o.kind === 'ConfigMap');
}

/** The manifest with its dashboard JSON parsed, for reviewable snapshots. */
function readable(cm: any): any {
  return { ...cm, data: Object.fromEntries(Object.entries(cm.data).map(([k, v]) => [k, JSON.parse(v as string)])) };
}

function dashboardModel(chart: Chart): any {
  const [cm] = configMaps(chart);
  const values = Object.values(cm.data) as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0]);
}

function dashboardWith(props: Partial<GrafanaDashboardProps>): () => GrafanaDashboard {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
  return () => new GrafanaDashboard(chart, 'dash', { services: [MonitoredService.fromName('reviews', 'bookinfo')], ...props });
}

function bookinfo(): { chart: Chart; services: MeshService[] } {
  const chart = new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
  const services = ['productpage', 'reviews', 'ratings'].map((name) => new MeshService(chart, name, { port: 9080, image: `${name}:1` }));
  return { chart, services };
}

describe('GrafanaDashboard', () => {
  test('default configuration (snapshot)', () => {
    const { chart, services } = bookinfo();
    new GrafanaDashboard(chart, 'dashboard', { services: [MonitoredService.fromMeshService(services[1])] });
    expect(configMaps(chart).map(readable)).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const { chart, services } = bookinfo();
    const dashboard = new GrafanaDashboard(chart, 'dashboard', {
      services: [MonitoredService.fromMeshService(services[0]), MonitoredService.fromName('catalog', 'shop', Protocol.GRPC)],
      title: 'Bookinfo services',
      uid: 'bookinfo-services',
      latencyPercentiles: [50, 95, 99.9],
      reporter: MetricsReporter.SOURCE,
      rateWindow: Duration.minutes(2),
      refresh: Duration.minutes(1),
      timeRange: Duration.hours(6),
      datasourceUid: 'prometheus-main',
      folder: 'Istio',
      sidecarLabel: { grafana_dashboard: 'istio' },
      metadata: { name: 'bookinfo-dashboard', namespace: 'monitoring', labels: { team: 'bookinfo' } },
    });
    dashboard.addService(MonitoredService.fromMeshService(services[2]));
    expect(dashboard.services).toEqual(['bookinfo/productpage', 'shop/catalog', 'bookinfo/ratings']);
    expect(dashboard.dataKey).toBe('bookinfo-dashboard.json');
    expect(configMaps(chart).map(readable)).toMatchSnapshot();
  });

  describe('behaviour', () => {
    test('one row per service, in order, each followed by rate, error and latency panels of that service only', () => {
      const { chart, services } = bookinfo();
      new GrafanaDashboard(chart, 'dashboard', { services: services.map((s) => MonitoredService.fromMeshService(s)) });
      const { panels } = dashboardModel(chart);
      expect(panels).toHaveLength(services.length * 4);
      services.forEach((svc, i) => {
        const [row, ...graphs] = panels.slice(i * 4, i * 4 + 4);
        expect(row.type).toBe('row');
        expect(row.title).toBe(`${svc.serviceName}.${svc.namespace}`);
        expect(graphs.map((p: any) => p.title)).toEqual(['Request rate', 'Error rate', 'Latency']);
        for (const p of graphs) {
          for (const t of p.targets) {
            const blocks = [...t.expr.matchAll(/\{([^}]*)\}/g)].map((m: RegExpMatchArray) => m[1]);
            expect(blocks.length).toBeGreaterThan(0);
            for (const b of blocks) {
              expect(b).toContain(`destination_service_name="${svc.serviceName}"`);
              expect(b).toContain(`destination_service_namespace="${svc.namespace}"`);
              expect(b).toContain('reporter="destination"');
            }
          }
        }
      });
    });

    test('panel ids are unique and sequential; panels never overlap and fit the 24-column grid', () => {
      const { chart, services } = bookinfo();
      new GrafanaDashboard(chart, 'dashboard', { services: services.map((s) => MonitoredService.fromMeshService(s)) });
      const { panels } = dashboardModel(chart);
      expect(panels.map((p: any) => p.id)).toEqual(panels.map((_: any, i: number) => i + 1));
      const cells = new Set<string>();
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let cx = x; cx < x + w; cx++) {
          for (let cy = y; cy < y + h; cy++) {
            const key = `${cx},${cy}`;
            expect(cells.has(key)).toBe(false);
            cells.add(key);
          }
        }
      }
    });

    test('the latency panel has one target per percentile, with the matching quantile and a unique refId', () => {
      const percentiles = [50, 75, 90, 99, 99.9];
      const chart = new Chart(Testing.app(), 'c');
      new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')], latencyPercentiles: percentiles });
      const latency = dashboardModel(chart).panels.find((p: any) => p.title === 'Latency');
      expect(latency.targets).toHaveLength(percentiles.length);
      latency.targets.forEach((t: any, i: number) => {
        const q = Number(/^histogram_quantile\(([0-9.]+),/.exec(t.expr)?.[1]);
        expect(q).toBeCloseTo(percentiles[i] / 100, 10);
        expect(t.legendFormat).toBe(`p${percentiles[i]}`);
      });
      expect(new Set(latency.targets.map((t: any) => t.refId)).size).toBe(percentiles.length);
    });

    test('the same input always renders byte-identical JSON', () => {
      const render = () => {
        const { chart, services } = bookinfo();
        new GrafanaDashboard(chart, 'dashboard', { services: services.map((s) => MonitoredService.fromMeshService(s)) });
        return Testing.synth(chart).find((o) => o.kind === 'ConfigMap');
      };
      expect(JSON.stringify(render())).toBe(JSON.stringify(render()));
    });

    test('the ConfigMap carries the sidecar label and the JSON under <name>.json', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
      const d = new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')], metadata: { name: 'reviews-dash' } });
      const [cm] = configMaps(chart);
      expect(cm.metadata.labels).toEqual({ grafana_dashboard: '1' });
      expect(Object.keys(cm.data)).toEqual([d.dataKey]);
      expect(d.dataKey).toBe(`${cm.metadata.name}.json`);
      expect(JSON.parse(cm.data[d.dataKey]).uid).toBe(d.uid);
      expect(cm.data[d.dataKey]).toBe(d.renderJson());
    });

    test('a given data source uid replaces the datasource variable everywhere', () => {
      const chart = new Chart(Testing.app(), 'c');
      new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')], datasourceUid: 'prom-1' });
      const model = dashboardModel(chart);
      expect(model.templating.list).toEqual([]);
      const uids = new Set<string>();
      for (const p of model.panels.filter((x: any) => x.type !== 'row')) {
        uids.add(p.datasource.uid);
        for (const t of p.targets) uids.add(t.datasource.uid);
      }
      expect([...uids]).toEqual(['prom-1']);
    });

    test('without a data source uid, panels use the datasource variable the dashboard defines', () => {
      const chart = new Chart(Testing.app(), 'c');
      new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')] });
      const model = dashboardModel(chart);
      const variable = model.templating.list[0];
      expect(variable.type).toBe('datasource');
      for (const p of model.panels.filter((x: any) => x.type !== 'row')) expect(p.datasource.uid).toBe(`\${${variable.name}}`);
    });

    test('a long name gets a deterministic uid of at most 40 characters', () => {
      const name = `${'istio-service-dashboard-'.repeat(3)}bookinfo`;
      const make = () => {
        const chart = new Chart(Testing.app(), 'c');
        return new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')], metadata: { name } });
      };
      const a = make();
      expect(a.uid.length).toBeLessThanOrEqual(40);
      expect(a.uid).toMatch(/^[a-zA-Z0-9_-]+$/);
      expect(a.uid.startsWith(name.slice(0, 20))).toBe(true);
      expect(make().uid).toBe(a.uid);
    });

    test('gRPC services chart gRPC statuses', () => {
      const chart = new Chart(Testing.app(), 'c');
      new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('catalog', 'shop', Protocol.GRPC)] });
      const [, rate, errors] = dashboardModel(chart).panels;
      expect(rate.targets[0].expr).toMatch(/^sum by \(grpc_response_status\)/);
      expect(rate.targets[0].legendFormat).toBe('{{grpc_response_status}}');
      expect(errors.targets[0].expr).toContain('grpc_response_status=~"2|4|12|13|14|15"');
    });

    test('a dashboard over the ConfigMap size limit fails at synth', () => {
      const chart = new Chart(Testing.app(), 'c');
      const d = new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('s0', 'shop')] });
      let i = 1;
      while (Buffer.byteLength(d.renderJson()) <= 1024 * 1024) d.addService(MonitoredService.fromName(`s${i++}`, 'shop'));
      expect(() => Testing.synth(chart)).toThrow(new RegExp(`\\[c/d\\] services ${i} is invalid: the dashboard JSON is \\d+ bytes, over the 1048576-byte ConfigMap limit. Fix: split the services`));
    });
  });

  describe('default output', () => {
    test('is read-only in Grafana and picked up by the sidecar', () => {
      const chart = new Chart(Testing.app(), 'c');
      new GrafanaDashboard(chart, 'd', { services: [MonitoredService.fromName('reviews', 'bookinfo')] });
      const [cm] = configMaps(chart);
      expect(cm.metadata.labels.grafana_dashboard).toBe('1');
      const model = JSON.parse(Object.values(cm.data)[0] as string);
      expect(model.editable).toBe(false);
      expect(model.panels.find((p: any) => p.title === 'Latency').targets.map((t: any) => t.legendFormat)).toEqual(['p50', 'p90', 'p99']);
      expect(model.refresh).toBe('30s');
      expect(model.time).toEqual({ from: 'now-1h', to: 'now' });
    });
  });

  describe('bad input', () => {
    test('empty service list', () => {
      expect(dashboardWith({ services: [] })).toThrow(/\[c\/dash\] services \[\] is invalid: the list must not be empty. Fix: list at least one service/);
    });
    test('the same service twice', () => {
      expect(dashboardWith({ services: [MonitoredService.fromName('a', 'x'), MonitoredService.fromName('a', 'x')] })).toThrow(/services\[1\] "x\/a" is invalid: the service is already on the dashboard.*Fix: list each service once/);
    });
    test('a percentile of 100', () => {
      expect(dashboardWith({ latencyPercentiles: [50, 100] })).toThrow(/latencyPercentiles\[1\] 100 is invalid: a percentile must be a number strictly between 0 and 100/);
    });
    test('a percentile listed twice', () => {
      expect(dashboardWith({ latencyPercentiles: [99, 99] })).toThrow(/latencyPercentiles "99" is invalid: the value appears more than once/);
    });
    test('no percentiles', () => {
      expect(dashboardWith({ latencyPercentiles: [] })).toThrow(/latencyPercentiles \[\] is invalid: the list must not be empty/);
    });
    test('a zero rate window', () => {
      expect(dashboardWith({ rateWindow: Duration.seconds(0) })).toThrow(/\[c\/dash\] rateWindow "0ms" is invalid: the duration must be positive.*Fix:/);
    });
    test('a sub-millisecond refresh', () => {
      expect(dashboardWith({ refresh: Duration.millis(0.25) })).toThrow(/refresh "0.25ms" is invalid: the duration must be positive, in whole milliseconds/);
    });
    test('a time range in milliseconds', () => {
      expect(dashboardWith({ timeRange: Duration.millis(1500) })).toThrow(/\[c\/dash\] timeRange "1500ms" is invalid: Grafana takes whole seconds here. Fix: use e.g. Duration.seconds\(30\)/);
    });
    test('a uid with a slash', () => {
      expect(dashboardWith({ uid: 'istio/services' })).toThrow(/\[c\/dash\] uid "istio\/services" is invalid: a dashboard uid is at most 40 letters.*Fix: shorten it/);
    });
    test('a uid longer than 40 characters', () => {
      expect(dashboardWith({ uid: 'a'.repeat(41) })).toThrow(/uid "a{41}" is invalid/);
    });
    test('an empty title', () => {
      expect(dashboardWith({ title: ' ' })).toThrow(/title " " is invalid: the dashboard title is empty/);
    });
    test('a data source uid with spaces', () => {
      expect(dashboardWith({ datasourceUid: 'my prometheus' })).toThrow(/datasourceUid "my prometheus" is invalid: .*Fix: copy the uid from Grafana/);
    });
    test('an empty folder', () => {
      expect(dashboardWith({ folder: '' })).toThrow(/folder "" is invalid: the folder name is empty/);
    });
    test('an empty sidecar label', () => {
      expect(dashboardWith({ sidecarLabel: {} })).toThrow(/sidecarLabel \[\] is invalid: the list must not be empty.*Fix: give the label your Grafana sidecar watches/);
    });
    test('a sidecar label key Kubernetes rejects', () => {
      expect(dashboardWith({ sidecarLabel: { 'grafana dashboard': '1' } })).toThrow(/sidecarLabel "grafana dashboard" "grafana dashboard" is invalid: a label key/);
    });
    test('a TCP service', () => {
      expect(dashboardWith({ services: [MonitoredService.fromName('db', 'shop', Protocol.TCP)] })).toThrow(/services\[0\].protocol "TCP" is invalid: Istio records request metrics/);
    });
    test('a MeshService without a namespace', () => {
      const chart = new Chart(Testing.app(), 'c');
      const svc = new MeshService(chart, 'reviews', { port: 9080, image: 'r:1' });
      expect(() => new GrafanaDashboard(chart, 'dash', { services: [MonitoredService.fromMeshService(svc)] })).toThrow(/\[c\/dash\] services\[0\].serviceNamespace undefined is invalid: .*has no namespace/);
    });
  });
});
