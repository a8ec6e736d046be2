// A minimal cdk8s app using cdk8s-istio: a namespace with STRICT mTLS and default-deny
// authorization, two services, and one allowed call between them.
import { App } from 'cdk8s';
import { MeshService, MtlsNamespace } from 'cdk8s-istio';

const app = new App();
const shop = new MtlsNamespace(app, 'shop', { namespaceName: 'shop' });

const api = new MeshService(shop, 'api', {
  port: 8080,
  image: 'ghcr.io/example/api:1.4.2',
  securityContext: { user: 1000, group: 1000 },
});
const web = new MeshService(shop, 'web', {
  port: 8080,
  image: 'ghcr.io/example/web:2.0.1',
  securityContext: { user: 1000, group: 1000 },
});
api.allowFrom(web, { methods: ['GET'], paths: ['/api/*'] });

app.synth();
