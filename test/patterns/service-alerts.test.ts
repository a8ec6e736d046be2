import { App, Chart, Duration, Testing } from 'cdk8s';
import { Protocol } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';
import { MetricsReporter, MonitoredService } from '../../src/patterns/observability';
import { AlertSeverity, ServiceAlerts, ServiceAlertsProps } from '../../src/patterns/service-alerts';

function bookinfo(): { app: App; chart: Chart; reviews: MeshService; productpage: MeshService } {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo', { namespace: 'bookinfo' });
  const reviews = new MeshService(chart, 'reviews', { port: 9080, image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' });
  const productpage = new MeshService(chart, 'productpage', { port: 9080, image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3' });
  return { app, chart, reviews, productpage };
}

function rules(chart: Chart): any[] {
  return Testing.synth(chart).filter((o) => o.kind === 'PrometheusRule');
}

/** Every `{...}` label-matcher block of a PromQL expression. */
function selectors(expr: string): string[] {
  return [...expr.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
}

function alertsWith(props: Partial<ServiceAlertsProps>): () => ServiceAlerts {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
  return () => new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('reviews', 'bookinfo')], ...props });
}

describe('ServiceAlerts', () => {
  test('default configuration (snapshot)', () => {
    const { chart, reviews } = bookinfo();
    new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromMeshService(reviews)] });
    expect(rules(chart)).toMatchSnapshot();
  });

  test('richest configuration (snapshot)', () => {
    const { chart, reviews, productpage } = bookinfo();
    const alerts = new ServiceAlerts(chart, 'alerts', {
      services: [MonitoredService.fromMeshService(reviews), MonitoredService.fromName('catalog', 'shop', Protocol.GRPC)],
      errorRate: {
        threshold: 0.01,
        pendingFor: Duration.minutes(10),
        window: Duration.minutes(2),
        severity: AlertSeverity.CRITICAL,
        minRequestsPerSecond: 0.5,
        runbookUrl: 'https://runbooks.example.com/istio/high-error-rate',
      },
      latency: {
        threshold: Duration.millis(750),
        percentile: 99.9,
        pendingFor: Duration.minutes(15),
        window: Duration.minutes(10),
        severity: AlertSeverity.INFO,
        runbookUrl: 'https://runbooks.example.com/istio/high-latency',
      },
      reporter: MetricsReporter.SOURCE,
      labels: { team: 'bookinfo', tier: 'backend' },
      annotations: { dashboard: 'https://grafana.example.com/d/bookinfo' },
      evaluationInterval: Duration.seconds(30),
      metadata: { name: 'bookinfo-alerts', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } },
    });
    alerts.addService(MonitoredService.fromMeshService(productpage));
    expect(alerts.services).toEqual(['bookinfo/reviews', 'shop/catalog', 'bookinfo/productpage']);
    expect(rules(chart)).toMatchSnapshot();
  });

  describe('behaviour', () => {
    test('every metric selector of every rule names its own service, namespace and reporter', () => {
      const { chart, reviews, productpage } = bookinfo();
      const services = [reviews, productpage];
      new ServiceAlerts(chart, 'alerts', {
        services: services.map((s) => MonitoredService.fromMeshService(s)),
        reporter: MetricsReporter.WAYPOINT,
        errorRate: { minRequestsPerSecond: 2 },
      });
      const [rule] = rules(chart);
      expect(rule.spec.groups).toHaveLength(services.length);
      rule.spec.groups.forEach((group: any, i: number) => {
        const svc = services[i];
        expect(group.rules).toHaveLength(2);
        for (const r of group.rules) {
          const blocks = selectors(r.expr);
          // error ratio (2) + min-traffic guard (1), or the latency histogram (1)
          expect(blocks.length).toBeGreaterThanOrEqual(1);
          for (const block of blocks) {
            expect(block).toContain(`destination_service_name="${svc.serviceName}"`);
            expect(block).toContain(`destination_service_namespace="${svc.namespace}"`);
            expect(block).toContain('reporter="waypoint"');
          }
          expect(r.annotations.summary).toContain(`${svc.serviceName}.${svc.namespace}`);
        }
      });
    });

    test('the error ratio divides failed requests by all requests of the same service', () => {
      const { chart, reviews } = bookinfo();
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromMeshService(reviews)], latency: { enabled: false } });
      const [rule] = rules(chart);
      const [errorRule] = rule.spec.groups[0].rules;
      const [numerator, denominator] = errorRule.expr.split(' / ');
      expect(numerator).toContain('istio_requests_total{');
      expect(numerator).toContain('response_code=~"5.."');
      expect(denominator).toContain('istio_requests_total{');
      expect(denominator).not.toContain('response_code');
      // both sides aggregate by the same labels, so the division matches series one to one
      const by = (s: string) => /sum by \(([^)]*)\)/.exec(s)?.[1];
      expect(by(numerator)).toBe(by(denominator));
      expect(by(numerator)).toBe('destination_service_namespace, destination_service_name');
    });

    test.each([
      [0.05, '> 0.05', '5%'],
      [0.123, '> 0.123', '12.3%'],
      [0, '> 0', '0%'],
    ])('error threshold %p is rendered as %p and described as %p', (threshold, comparison, percent) => {
      const chart = new Chart(Testing.app(), 'c');
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('reviews', 'bookinfo')], errorRate: { threshold } });
      const errorRule = rules(chart)[0].spec.groups[0].rules[0];
      expect(errorRule.expr.endsWith(comparison)).toBe(true);
      expect(errorRule.annotations.description).toContain(`above the ${percent} threshold`);
    });

    test('latency threshold, percentile and durations come from the props', () => {
      const chart = new Chart(Testing.app(), 'c');
      const threshold = Duration.millis(1500);
      new ServiceAlerts(chart, 'alerts', {
        services: [MonitoredService.fromName('reviews', 'bookinfo')],
        errorRate: { enabled: false },
        latency: { threshold, percentile: 95, pendingFor: Duration.minutes(90), window: Duration.seconds(90) },
      });
      const [latency] = rules(chart)[0].spec.groups[0].rules;
      expect(latency.alert).toBe('IstioServiceHighLatencyP95');
      expect(latency.expr.startsWith('histogram_quantile(0.95, ')).toBe(true);
      expect(latency.expr).toContain('istio_request_duration_milliseconds_bucket{');
      expect(latency.expr).toContain('sum by (le, ');
      expect(latency.expr).toContain('[90s]');
      expect(latency.expr.endsWith(`> ${threshold.toMilliseconds()}`)).toBe(true);
      expect(latency.for).toBe('90m');
    });

    test('a gRPC service counts gRPC server-error statuses, not HTTP codes', () => {
      const chart = new Chart(Testing.app(), 'c');
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('catalog', 'shop', Protocol.GRPC)] });
      const errorRule = rules(chart)[0].spec.groups[0].rules[0];
      expect(errorRule.expr).toContain('grpc_response_status=~"2|4|12|13|14|15"');
      expect(errorRule.expr).not.toContain('response_code');
    });

    test('a gRPC MeshService is recognised from its protocol', () => {
      const { chart } = bookinfo();
      const grpc = new MeshService(chart, 'catalog', { port: 8080, protocol: Protocol.GRPC, image: 'catalog:1' });
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromMeshService(grpc)] });
      expect(rules(chart)[0].spec.groups[0].rules[0].expr).toContain('grpc_response_status');
    });

    test('the minimum-traffic guard is a second condition on the same service', () => {
      const chart = new Chart(Testing.app(), 'c');
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('reviews', 'bookinfo')], errorRate: { minRequestsPerSecond: 3 } });
      const { expr } = rules(chart)[0].spec.groups[0].rules[0];
      const [ratio, guard] = expr.split(' and ');
      expect(ratio).toMatch(/\) > 0\.05\)$/);
      expect(guard).toMatch(/> 3\)$/);
      expect(selectors(guard)).toEqual(['reporter="destination", destination_service_namespace="bookinfo", destination_service_name="reviews"']);
    });

    test('the PrometheusRule lands in the namespace the services share', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
      new ServiceAlerts(chart, 'same', { services: [MonitoredService.fromName('a', 'shop'), MonitoredService.fromName('b', 'shop')] });
      new ServiceAlerts(chart, 'mixed', { services: [MonitoredService.fromName('a', 'shop'), MonitoredService.fromName('b', 'bank')] });
      const [same, mixed] = rules(chart);
      expect(same.metadata.namespace).toBe('shop');
      expect(mixed.metadata.namespace).toBe('monitoring');
    });

    test('user labels and annotations reach every alert, severity per alert', () => {
      const chart = new Chart(Testing.app(), 'c');
      new ServiceAlerts(chart, 'alerts', {
        services: [MonitoredService.fromName('reviews', 'bookinfo')],
        labels: { team: 'x' },
        annotations: { dashboard: 'd' },
        errorRate: { severity: AlertSeverity.CRITICAL },
      });
      const [errorRule, latency] = rules(chart)[0].spec.groups[0].rules;
      expect(errorRule.labels).toEqual({ team: 'x', severity: 'critical' });
      expect(latency.labels).toEqual({ team: 'x', severity: 'warning' });
      expect(errorRule.annotations.dashboard).toBe('d');
      expect(latency.annotations.dashboard).toBe('d');
    });

    test('addService adds one rule group per service', () => {
      const chart = new Chart(Testing.app(), 'c');
      const alerts = new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('a', 'shop')] });
      const names = ['b', 'c', 'd'];
      names.forEach((n) => alerts.addService(MonitoredService.fromName(n, 'shop')));
      const groups = rules(chart)[0].spec.groups;
      expect(groups.map((g: any) => g.name)).toEqual(['a', ...names].map((n) => `istio-service.shop.${n}`));
    });
  });

  describe('default output', () => {
    test('alerts on both errors and latency, at warning severity, from the server side', () => {
      const chart = new Chart(Testing.app(), 'c');
      new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromName('reviews', 'bookinfo')] });
      const groupRules = rules(chart)[0].spec.groups[0].rules;
      expect(groupRules.map((r: any) => r.alert)).toEqual(['IstioServiceHighErrorRate', 'IstioServiceHighLatencyP99']);
      for (const r of groupRules) {
        expect(r.labels.severity).toBe('warning');
        expect(r.for).toBe('5m');
        for (const block of selectors(r.expr)) expect(block).toContain('reporter="destination"');
        expect(r.annotations.summary).toBeTruthy();
        expect(r.annotations.description).toContain('{{ $value');
      }
      expect(groupRules[0].expr.endsWith('> 0.05')).toBe(true);
      expect(groupRules[1].expr.endsWith('> 1000')).toBe(true);
    });
  });

  describe('bad input', () => {
    test('empty service list', () => {
      expect(alertsWith({ services: [] })).toThrow(/\[c\/alerts\] services \[\] is invalid: .*Fix: list at least one service/);
    });
    test('error-rate threshold given as a percentage', () => {
      expect(alertsWith({ errorRate: { threshold: 5 } })).toThrow(/\[c\/alerts\] errorRate.threshold 5 is invalid: .*fraction.*Fix: pass e.g. 0.05 for 5% \(5% is 0.05\)/);
    });
    test('error-rate threshold of 1 (can never be exceeded)', () => {
      expect(alertsWith({ errorRate: { threshold: 1 } })).toThrow(/errorRate.threshold 1 is invalid: .*1 \(exclusive\).*Fix:/);
    });
    test('negative error-rate threshold', () => {
      expect(alertsWith({ errorRate: { threshold: -0.1 } })).toThrow(/errorRate.threshold -0.1 is invalid: .*Fix: pass e.g. 0.05/);
    });
    test('NaN error-rate threshold', () => {
      expect(alertsWith({ errorRate: { threshold: NaN } })).toThrow(/errorRate.threshold NaN is invalid/);
    });
    test('zero pendingFor', () => {
      expect(alertsWith({ errorRate: { pendingFor: Duration.seconds(0) } })).toThrow(/\[c\/alerts\] errorRate.pendingFor "0ms" is invalid: the duration must be positive.*Fix: use e.g. Duration.minutes\(5\)/);
    });
    test('fractional-millisecond window', () => {
      expect(alertsWith({ latency: { window: Duration.millis(0.5) } })).toThrow(/latency.window "0.5ms" is invalid/);
    });
    test('zero latency threshold', () => {
      expect(alertsWith({ latency: { threshold: Duration.millis(0) } })).toThrow(/latency.threshold "0ms" is invalid/);
    });
    test('percentile of 100', () => {
      expect(alertsWith({ latency: { percentile: 100 } })).toThrow(/latency.percentile 100 is invalid: .*strictly between 0 and 100.*Fix: pass e.g. 99/);
    });
    test('percentile given as a quantile-like 0', () => {
      expect(alertsWith({ latency: { percentile: 0 } })).toThrow(/latency.percentile 0 is invalid/);
    });
    test('both alerts disabled', () => {
      expect(alertsWith({ errorRate: { enabled: false }, latency: { enabled: false } })).toThrow(/errorRate.enabled and latency.enabled false is invalid: both alerts are disabled.*Fix: keep at least one/);
    });
    test('the same service twice', () => {
      expect(alertsWith({ services: [MonitoredService.fromName('reviews', 'bookinfo'), MonitoredService.fromName('reviews', 'bookinfo')] }))
        .toThrow(/services\[1\] "bookinfo\/reviews" is invalid: the service is already alerted on.*Fix: list each service once/);
    });
    test('the same service added again with addService', () => {
      const alerts = alertsWith({})();
      expect(() => alerts.addService(MonitoredService.fromName('reviews', 'bookinfo'))).toThrow(/services\[1\] "bookinfo\/reviews" is invalid/);
    });
    test('a severity label (set per alert instead)', () => {
      expect(alertsWith({ labels: { severity: 'page' } })).toThrow(/labels key "severity" is invalid: .*generated.*Fix: set `errorRate.severity`/);
    });
    test('a label name Prometheus rejects', () => {
      expect(alertsWith({ labels: { 'team-name': 'x' } })).toThrow(/labels key "team-name" is invalid: .*\[a-zA-Z_\].*Fix: use letters, digits and "_"/);
    });
    test('a reserved __ label name', () => {
      expect(alertsWith({ labels: { __name__: 'x' } })).toThrow(/labels key "__name__" is invalid/);
    });
    test('a non-string label value (from a jsii language)', () => {
      expect(alertsWith({ labels: { team: 5 as unknown as string } })).toThrow(/labels.team 5 is invalid: values must be strings.*Fix: quote the value/);
    });
    test('a summary annotation (generated)', () => {
      expect(alertsWith({ annotations: { summary: 'x' } })).toThrow(/annotations key "summary" is invalid: "summary" is generated.*Fix: remove "summary"/);
    });
    test('a runbook_url annotation (use runbookUrl)', () => {
      expect(alertsWith({ annotations: { runbook_url: 'https://x' } })).toThrow(/annotations key "runbook_url" is invalid.*Fix: set `errorRate.runbookUrl`/);
    });
    test('a runbook URL that is not a URL', () => {
      expect(alertsWith({ latency: { runbookUrl: 'see wiki' } })).toThrow(/latency.runbookUrl "see wiki" is invalid: .*absolute http\(s\) URL.*Fix:/);
    });
    test('zero minimum request rate', () => {
      expect(alertsWith({ errorRate: { minRequestsPerSecond: 0 } })).toThrow(/errorRate.minRequestsPerSecond 0 is invalid: .*positive.*Fix: pass e.g. 1/);
    });
    test('zero evaluation interval', () => {
      expect(alertsWith({ evaluationInterval: Duration.seconds(0) })).toThrow(/evaluationInterval "0ms" is invalid/);
    });
    test('a MeshService without a namespace', () => {
      const chart = new Chart(Testing.app(), 'c');
      const svc = new MeshService(chart, 'reviews', { port: 9080, image: 'reviews:1' });
      expect(() => new ServiceAlerts(chart, 'alerts', { services: [MonitoredService.fromMeshService(svc)] }))
        .toThrow(/\[c\/alerts\] services\[0\].serviceNamespace undefined is invalid: the service "reviews" \(c\/reviews\) has no namespace.*Fix: give the MeshService a `namespace`/);
    });
    test('a TCP service (no request metrics)', () => {
      expect(alertsWith({ services: [MonitoredService.fromName('mongodb', 'bookinfo', Protocol.MONGO)] }))
        .toThrow(/services\[0\].protocol "MONGO" is invalid: Istio records request metrics .* only for HTTP, HTTP2 and GRPC.*Fix:/);
    });
    test('a service name that is not a DNS label (would break the PromQL)', () => {
      expect(alertsWith({ services: [MonitoredService.fromName('reviews"}', 'bookinfo')] }))
        .toThrow(/services\[0\].serviceName "reviews\\"}" is invalid: it must be a DNS-1123 label.*Fix:/);
    });
    test('a namespace that is not a DNS label', () => {
      expect(alertsWith({ services: [MonitoredService.fromName('reviews', 'Bookinfo')] }))
        .toThrow(/services\[0\].serviceNamespace "Bookinfo" is invalid: it must be a DNS-1123 label/);
    });
  });
});
