// Deployment naming (adopting a running app) and further Services of a MeshService.
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DeploymentNaming, MeshService, ServiceExternalTrafficPolicy } from '../../src';

function shop(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

describe('MeshService deployment naming', () => {
  test('PLAIN: one Deployment named after the service, selecting app only; its pods still carry the version label', () => {
    const chart = shop();
    new MeshService(chart, 'frontend', { port: 80, containerPort: 8080, image: 'f:1', deploymentNaming: DeploymentNaming.PLAIN });
    const d = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(d.metadata.name).toBe('frontend');
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'frontend' } });
    expect(d.spec.template.metadata.labels).toMatchObject({ app: 'frontend', version: 'v1' });
  });

  test('VERSIONED (default): <service>-<version>, selecting app and version', () => {
    const chart = shop();
    new MeshService(chart, 'frontend', { port: 80, image: 'f:1', deploymentNaming: DeploymentNaming.VERSIONED });
    const d = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect([d.metadata.name, d.spec.selector.matchLabels]).toEqual(['frontend-v1', { app: 'frontend', version: 'v1' }]);
  });

  test('PLAIN refuses a second version, at construction or with addVersion', () => {
    expect(() => new MeshService(shop(), 'f', { port: 80, deploymentNaming: DeploymentNaming.PLAIN, versions: [{ version: 'v1', image: 'f:1' }, { version: 'v2', image: 'f:2' }] }))
      .toThrow(/\[shop\/f\] version "v2" is invalid: with DeploymentNaming\.PLAIN the service has one Deployment, "f", already running version "v1"\. Fix: use DeploymentNaming\.VERSIONED/);
    const s = new MeshService(shop(), 'f', { port: 80, image: 'f:1', deploymentNaming: DeploymentNaming.PLAIN });
    expect(() => s.addVersion({ version: 'v2', image: 'f:2' })).toThrow(/with DeploymentNaming\.PLAIN/);
    expect(() => new MeshService(shop(), 'f', { port: 80, image: 'f:1', deploymentNaming: 'plain' as DeploymentNaming }))
      .toThrow(/deploymentNaming "plain" is invalid: unknown deployment naming/);
  });
});

describe('MeshService.addService', () => {
  test('a further Service for every pod, with the same ports, e.g. a LoadBalancer', () => {
    const chart = shop();
    const s = new MeshService(chart, 'frontend', { port: 80, containerPort: 8080, image: 'f:1' });
    s.addService('frontend-external', { serviceType: kplus.ServiceType.LOAD_BALANCER, externalTrafficPolicy: ServiceExternalTrafficPolicy.LOCAL });
    const svc = Testing.synth(chart).find((o) => o.kind === 'Service' && o.metadata.name === 'frontend-external');
    expect(svc.metadata.labels).toEqual({ app: 'frontend' });
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' }] });
  });

  test('bad input: a taken name, a name that is not DNS-1035, an external policy on ClusterIP', () => {
    const s = new MeshService(shop(), 'frontend', { port: 80, image: 'f:1' });
    s.addVersionService('v1');
    expect(() => s.addService('frontend')).toThrow(/\[shop\/frontend\] addService name "frontend" is invalid: the service already has a Service with this name/);
    expect(() => s.addService('frontend-v1')).toThrow(/already has a Service with this name/);
    expect(() => s.addService('1-frontend')).toThrow(/addService name "1-frontend" is invalid/);
    expect(() => s.addService('frontend-x', { externalTrafficPolicy: ServiceExternalTrafficPolicy.LOCAL }))
      .toThrow(/addService externalTrafficPolicy "Local" is invalid: only NodePort and LoadBalancer Services/);
  });
});
