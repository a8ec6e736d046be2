import { Chart, Testing } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { expectSameAsSeed, loadSeed } from './seed';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationAction, AuthorizationPolicy } from '../../src/security/authorization-policy';
import { Principal } from '../../src/security/principal';
import { RequestAuthentication } from '../../src/security/request-authentication';

const meta = (name: string) => ({ name, namespace: 'default' });

describe('seed snippets: AuthorizationPolicy and RequestAuthentication', () => {
  test('seed 000: reviews readable by productpage, header allow-list, health checks', () => {
    const [seed] = loadSeed('000-authz-reviews-access-policy.yaml');
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'reviews', {
      metadata: meta('reviews-access-policy'),
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      rules: [
        {
          sources: [{ principals: [Principal.serviceAccount('default', 'bookinfo-productpage')] }],
          when: [Condition.requestHeader('x-forwarded-user', ['alice', 'bob'])],
          operations: [{ methods: ['GET'], paths: ['/reviews/*'] }],
        },
        { operations: [{ paths: ['/health', '/ready'] }] },
      ],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 000: ratings callable only by reviews (from a cdk8s-plus ServiceAccount)', () => {
    const [seed] = loadSeed('000-authz-ratings-access.yaml');
    const chart = Testing.chart();
    const reviewsSa = new ServiceAccount(chart, 'reviews-sa', { metadata: { name: 'bookinfo-reviews', namespace: 'default' } });
    new AuthorizationPolicy(chart, 'ratings', {
      metadata: meta('ratings-access'),
      selector: WorkloadSelector.fromLabels({ app: 'ratings' }),
    })
      .addRule({
        sources: [{ principals: [Principal.fromServiceAccount(reviewsSa)] }],
        operations: [{ methods: ['GET'], paths: ['/*'] }],
      })
      .addRule({ operations: [{ paths: ['/health', '/ready', '/metrics'] }] });
    const policy = Testing.synth(chart).find((o) => o.kind === 'AuthorizationPolicy');
    expectSameAsSeed(policy, seed);
  });

  test('seed 001: GET /users/* allowed for order-service', () => {
    const [seed] = loadSeed('001-authz-allow-get-users.yaml');
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'users', {
      metadata: meta('allow-get-users'),
      selector: WorkloadSelector.fromLabels({ app: 'user-service' }),
      rules: [{
        sources: [{ principals: [Principal.serviceAccount('default', 'order-service')] }],
        operations: [{ methods: ['GET'], paths: ['/users/*'] }],
      }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: allow-nothing for the default namespace', () => {
    const [seed] = loadSeed('004-authz-allow-nothing.yaml');
    const chart = Testing.chart();
    AuthorizationPolicy.allowNothing(chart, 'allow-nothing', { metadata: meta('allow-nothing') });
    const [obj] = Testing.synth(chart);
    expectSameAsSeed(obj, seed);
    expect(obj.apiVersion).toBe('security.istio.io/v1');
  });

  test('seed 004: productpage operations re-opened', () => {
    const [seed] = loadSeed('004-authz-allow-productpage.yaml');
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'productpage', {
      metadata: meta('allow-productpage'),
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      action: AuthorizationAction.ALLOW,
      rules: [{
        operations: [
          { methods: ['GET'], paths: ['/logout', '/static/*', '/productpage', '/api/v1/products'] },
          { methods: ['POST'], paths: ['/login'] },
        ],
      }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: details allowed for the productpage service account', () => {
    const [seed] = loadSeed('004-authz-allow-details.yaml');
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'details', {
      metadata: meta('allow-details'),
      selector: WorkloadSelector.fromLabels({ app: 'details' }),
      action: AuthorizationAction.ALLOW,
      rules: [{
        sources: [{ principals: [Principal.serviceAccount('default', 'bookinfo-productpage')] }],
        operations: [{ methods: ['GET'], paths: ['/details/*'] }],
      }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: reviews and ratings allowed along the call graph', () => {
    const seeds = loadSeed('004-authz-allow-reviews-ratings.yaml');
    expect(seeds).toHaveLength(2);
    const chart = new Chart(Testing.app(), 'bookinfo', { namespace: 'default' });
    const edge = (app: string, caller: string) => new AuthorizationPolicy(chart, app, {
      metadata: { name: `allow-${app}` },
      selector: WorkloadSelector.fromLabels({ app }),
      action: AuthorizationAction.ALLOW,
      rules: [{
        sources: [{ principals: [Principal.serviceAccount('default', `bookinfo-${caller}`)] }],
        operations: [{ methods: ['GET'], paths: [`/${app}/*`] }],
      }],
    });
    edge('reviews', 'productpage');
    edge('ratings', 'reviews');
    const objs = Testing.synth(chart);
    expectSameAsSeed(objs[0], seeds[0]);
    expectSameAsSeed(objs[1], seeds[1]);
  });

  test('seed 004: RequestAuthentication with an inline JWKS', () => {
    const [seed] = loadSeed('004-jwt-productpage.yaml');
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'jwt', {
      metadata: meta('productpage-jwt'),
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      jwtRules: [{
        forwardOriginalToken: true,
        issuer: 'qjoly@a-cup-of.coffee',
        jwks: seed.spec.jwtRules[0].jwks,
      }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });

  test('seed 004: productpage allowed only for tokens of one issuer (JWT claim condition)', () => {
    const [seed] = loadSeed('004-authz-jwt-claim-productpage.yaml');
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'jwt', {
      metadata: meta('productpage-jwt'),
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      action: AuthorizationAction.ALLOW,
      rules: [{ when: [Condition.jwtClaim('iss', ['qjoly@a-cup-of.coffee'])] }],
    });
    expectSameAsSeed(Testing.synth(chart)[0], seed);
  });
});
