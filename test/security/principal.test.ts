import { Chart, Testing } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { Principal } from '../../src/security/principal';

function principals(chart: Chart, ...list: Principal[]): string[] {
  new AuthorizationPolicy(chart, 'p', { rules: [{ sources: [{ principals: list }] }] });
  return Testing.synth(chart).find((o) => o.kind === 'AuthorizationPolicy').spec.rules[0].from[0].source.principals;
}

function addPrincipal(p: Principal): () => void {
  return () => new AuthorizationPolicy(Testing.chart(), 'p', { rules: [{ sources: [{ principals: [p] }] }] });
}

describe('Principal', () => {
  test('service account principals, with the default or a custom trust domain', () => {
    expect(principals(Testing.chart(),
      Principal.serviceAccount('default', 'bookinfo-productpage'),
      Principal.serviceAccount('shop', 'cart', 'example.org'),
      Principal.any(),
      Principal.of('cluster.local/ns/default/*'),
      Principal.of('*/sa/sleep'),
    )).toEqual([
      'cluster.local/ns/default/sa/bookinfo-productpage',
      'example.org/ns/shop/sa/cart',
      '*',
      'cluster.local/ns/default/*',
      '*/sa/sleep',
    ]);
  });

  test('fromServiceAccount: own namespace, chart namespace, and imported accounts', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'chart-ns' });
    const own = new ServiceAccount(chart, 'own', { metadata: { name: 'own', namespace: 'own-ns' } });
    const inherited = new ServiceAccount(chart, 'inherited', { metadata: { name: 'inherited' } });
    const imported = ServiceAccount.fromServiceAccountName(chart, 'imported', 'legacy', { namespaceName: 'old' });
    const list = [own, inherited, imported].map((sa) => Principal.fromServiceAccount(sa));
    expect(principals(chart, ...list)).toEqual([
      'cluster.local/ns/own-ns/sa/own',
      'cluster.local/ns/chart-ns/sa/inherited',
      'cluster.local/ns/old/sa/legacy',
    ]);
  });

  describe('bad input', () => {
    test('service account without any namespace fails at synth', () => {
      const chart = Testing.chart();
      const sa = new ServiceAccount(chart, 'sa', { metadata: { name: 'orphan' } });
      new AuthorizationPolicy(chart, 'p', { rules: [{ sources: [{ principals: [Principal.fromServiceAccount(sa)] }] }] });
      expect(() => Testing.synth(chart)).toThrow(/\[test\/p\] rules\[0\]\.sources\[0\]\.principals\[0\] \(service account test\/sa\) "orphan" is invalid: the service account has no namespace.*Fix: give the service account \(or its chart\) a namespace/);
    });

    test('invalid namespace', () => {
      expect(addPrincipal(Principal.serviceAccount('My_NS', 'sa'))).toThrow(/principals\[0\] namespace "My_NS" is invalid: it must be a DNS-1123 label/);
    });

    test('invalid service account name', () => {
      expect(addPrincipal(Principal.serviceAccount('default', 'Bad Name'))).toThrow(/principals\[0\] service account name "Bad Name" is invalid: it must be a DNS-1123 subdomain/);
    });

    test('trust domain with a slash', () => {
      expect(addPrincipal(Principal.serviceAccount('default', 'sa', 'spiffe://cluster.local'))).toThrow(/principals\[0\] trust domain "spiffe:\/\/cluster.local" is invalid: a trust domain must be a DNS-like name/);
    });

    test('explicit principal with a wildcard in the middle', () => {
      expect(addPrincipal(Principal.of('cluster.local/ns/*/sa/sleep'))).toThrow(/principals\[0\] "cluster.local\/ns\/\*\/sa\/sleep" is invalid: Istio matches exact values, a prefix/);
    });

    test('a principal written with spiffe:// never matches (istiod adds the prefix): refused, and the bare form accepted', () => {
      expect(addPrincipal(Principal.of('spiffe://cluster.local/ns/default/sa/sleep')))
        .toThrow('principals[0] "spiffe://cluster.local/ns/default/sa/sleep" is invalid: istiod adds the "spiffe://" prefix itself, so a principal written with it never matches (a DENY rule with it never fires). Fix: write "cluster.local/ns/default/sa/sleep"');
      expect(addPrincipal(Principal.of('cluster.local/ns/default/sa/sleep'))).not.toThrow();
    });

    test('empty explicit principal', () => {
      expect(addPrincipal(Principal.of(''))).toThrow(/principals\[0\] "" is invalid: the value must be a non-empty string/);
    });
  });
});
