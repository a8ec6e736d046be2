import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MeshServiceProps, Protocol, WorkloadProbe } from '../../src';
import { MeshService } from '../../src/patterns/mesh-service';

function chart(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

/** The main container of the single Deployment of a service built with `props`. */
function container(props: Partial<MeshServiceProps>): any {
  const c = chart();
  new MeshService(c, 'cart', { port: 7070, image: 'cart:1', ...props });
  return Testing.synth(c).find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
}

function build(props: Partial<MeshServiceProps>): () => MeshService {
  return () => new MeshService(chart(), 'cart', { port: 7070, image: 'cart:1', ...props });
}

describe('WorkloadProbe', () => {
  test('gRPC readiness with a service name and timing; ports stay numbers', () => {
    expect(container({
      protocol: Protocol.GRPC,
      readiness: WorkloadProbe.grpc({ service: 'hipstershop.CartService', initialDelay: Duration.seconds(15), period: Duration.seconds(10), timeout: Duration.seconds(2), failureThreshold: 5 }),
    }).readinessProbe).toEqual({ grpc: { port: 7070, service: 'hipstershop.CartService' }, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 5 });
  });

  test('a GRPC service is checked with gRPC by default; an HTTP service with TCP; a health check path with HTTP GET', () => {
    expect(container({ protocol: Protocol.GRPC }).readinessProbe).toEqual({ grpc: { port: 7070 } });
    expect(container({}).readinessProbe).toEqual({ tcpSocket: { port: 7070 }, failureThreshold: 3 });
    expect(container({ protocol: Protocol.GRPC, healthCheckPath: '/healthz' }).readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 7070 });
  });

  test('HTTP GET with headers and scheme; liveness on another container port; exec startup', () => {
    const c = container({
      containerPort: 8080,
      containerPorts: [{ number: 9090, name: 'metrics' }],
      readiness: WorkloadProbe.httpGet('/_healthz', { headers: { Cookie: 'shop_session-id=x-readiness-probe' }, initialDelay: Duration.seconds(10) }),
      liveness: WorkloadProbe.tcp({ port: 9090, successThreshold: 1 }),
      startup: WorkloadProbe.exec(['redis-cli', 'ping'], { period: Duration.seconds(5), failureThreshold: 30 }),
    });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/_healthz', port: 8080, httpHeaders: [{ name: 'Cookie', value: 'shop_session-id=x-readiness-probe' }] }, initialDelaySeconds: 10 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 9090 }, successThreshold: 1 });
    expect(c.startupProbe).toEqual({ exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5, failureThreshold: 30 });
    expect(container({ readiness: WorkloadProbe.httpGet('/h', { scheme: kplus.ConnectionScheme.HTTPS }) }).readinessProbe.httpGet.scheme).toBe('HTTPS');
  });

  test('a cdk8s-plus probe is rendered by cdk8s-plus', () => {
    expect(container({ liveness: WorkloadProbe.fromKplus(kplus.Probe.fromTcpSocket({ port: 7070 })) }).livenessProbe)
      .toEqual({ tcpSocket: { port: 7070 }, failureThreshold: 3 });
  });

  describe('bad input', () => {
    test('a probe port the container does not listen on', () => {
      expect(build({ readiness: WorkloadProbe.grpc({ port: 8080 }) }))
        .toThrow(/\[shop\/cart\] readiness\.port 8080 is invalid: the probe must check a port the container listens on \(its ports are 7070\)\. Fix: use one of the container ports/);
    });

    test('probe times that are not whole seconds', () => {
      expect(build({ liveness: WorkloadProbe.tcp({ period: Duration.millis(1500) }) }))
        .toThrow(/liveness\.period "1500ms" is invalid: Kubernetes counts probe times in whole seconds, at least 1/);
      expect(build({ readiness: WorkloadProbe.tcp({ timeout: Duration.seconds(0) }) }))
        .toThrow(/readiness\.timeout "0ms" is invalid/);
    });

    test('a success threshold other than 1 on liveness or startup', () => {
      expect(build({ startup: WorkloadProbe.tcp({ successThreshold: 2 }) }))
        .toThrow(/startup\.successThreshold 2 is invalid: a startup probe's success threshold must be 1/);
    });

    test('a cdk8s-plus Probe passed directly (plain JavaScript), or something else', () => {
      expect(build({ readiness: kplus.Probe.fromTcpSocket() as any }))
        .toThrow(/readiness "a cdk8s-plus Probe" is invalid: a probe must be a WorkloadProbe\. Fix: wrap it: readiness: WorkloadProbe\.fromKplus\(probe\)/);
      expect(build({ liveness: { tcpSocket: { port: 1 } } as any })).toThrow(/liveness .* is invalid: a probe must be a WorkloadProbe/);
    });

    test('an empty exec command, a relative HTTP path, a bad header name or value', () => {
      expect(build({ startup: WorkloadProbe.exec([]) })).toThrow(/startup\.command \[\] is invalid: an exec probe needs a command/);
      expect(build({ readiness: WorkloadProbe.httpGet('health') })).toThrow(/readiness\.path "health" is invalid: an HTTP probe path must be an absolute URL path/);
      expect(build({ readiness: WorkloadProbe.httpGet('/h', { headers: { 'bad header': 'x' } }) })).toThrow(/readiness\.headers "bad header" is invalid/);
      expect(build({ readiness: WorkloadProbe.httpGet('/h', { headers: { Cookie: 'a\nb' } }) })).toThrow(/readiness\.headers\["Cookie"\] "a\\nb" is invalid: a header value must be a string without line breaks/);
    });

    test('a readiness probe together with a health check path', () => {
      expect(build({ healthCheckPath: '/h', readiness: WorkloadProbe.tcp() })).toThrow(/give either a full readiness probe or a health check path/);
    });
  });
});
