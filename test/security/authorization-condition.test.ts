import { Testing } from 'cdk8s';
import { Condition } from '../../src/security/authorization-condition';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { Principal } from '../../src/security/principal';

function renderWhen(...when: Condition[]): any[] {
  const chart = Testing.chart();
  new AuthorizationPolicy(chart, 'p', { rules: [{ when }] });
  return Testing.synth(chart)[0].spec.rules[0].when;
}

function addWhen(...when: Condition[]): () => void {
  return () => new AuthorizationPolicy(Testing.chart(), 'p', { rules: [{ when }] });
}

describe('Condition', () => {
  test('typed factories render Istio attribute keys', () => {
    expect(renderWhen(
      Condition.requestHeader('x-token', ['admin']),
      Condition.jwtClaim('groups', ['dev', 'ops']),
      Condition.nestedJwtClaim(['realm_access', 'roles'], ['admin']),
      Condition.requestPrincipal(['https://issuer.example.com/alice']),
      Condition.audience(['bookinfo']),
      Condition.presenter(['web-client']),
      Condition.sourceIp(['10.0.0.0/8']),
      Condition.remoteIp(['203.0.113.0/24']),
      Condition.destinationIp(['10.1.2.3']),
      Condition.destinationPort([9080, 15021]),
      Condition.sourceNamespace(['bookinfo']),
      Condition.sourcePrincipal([Principal.serviceAccount('bookinfo', 'reviews')]),
      Condition.sni(['www.example.com']),
    )).toEqual([
      { key: 'request.headers[x-token]', values: ['admin'] },
      { key: 'request.auth.claims[groups]', values: ['dev', 'ops'] },
      { key: 'request.auth.claims[realm_access][roles]', values: ['admin'] },
      { key: 'request.auth.principal', values: ['https://issuer.example.com/alice'] },
      { key: 'request.auth.audiences', values: ['bookinfo'] },
      { key: 'request.auth.presenter', values: ['web-client'] },
      { key: 'source.ip', values: ['10.0.0.0/8'] },
      { key: 'remote.ip', values: ['203.0.113.0/24'] },
      { key: 'destination.ip', values: ['10.1.2.3'] },
      { key: 'destination.port', values: ['9080', '15021'] },
      { key: 'source.namespace', values: ['bookinfo'] },
      { key: 'source.principal', values: ['cluster.local/ns/bookinfo/sa/reviews'] },
      { key: 'connection.sni', values: ['www.example.com'] },
    ]);
  });

  test('negate() swaps values and notValues; excluding() adds notValues', () => {
    expect(renderWhen(
      Condition.sourceNamespace(['legacy']).negate(),
      Condition.sourceIp(['10.0.0.0/8']).excluding(['10.0.0.1']),
      Condition.of('request.headers[version]', { values: ['v1'], notValues: ['v0'] }),
      Condition.of('experimental.envoy.filters.network.mysql_proxy[db.table]', { notValues: ['[update]'] }),
    )).toEqual([
      { key: 'source.namespace', notValues: ['legacy'] },
      { key: 'source.ip', values: ['10.0.0.0/8'], notValues: ['10.0.0.1'] },
      { key: 'request.headers[version]', values: ['v1'], notValues: ['v0'] },
      { key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', notValues: ['[update]'] },
    ]);
  });

  test('key is exposed', () => {
    expect(Condition.jwtClaim('iss', ['x']).key).toBe('request.auth.claims[iss]');
  });

  describe('bad input', () => {
    test('condition with neither values nor notValues', () => {
      expect(addWhen(Condition.of('source.ip', {}))).toThrow(/\[test\/p\] rules\[0\]\.when\[0\] \(source\.ip\) \{\} is invalid: a condition needs `values` or `notValues`/);
    });

    test('unknown attribute key', () => {
      expect(addWhen(Condition.of('request.header[x-user]', { values: ['a'] })))
        .toThrow(/rules\[0\]\.when\[0\] key "request\.header\[x-user\]" is invalid: Istio does not know this attribute\. Fix: use a Condition factory/);
    });

    test('empty header name', () => {
      expect(addWhen(Condition.requestHeader('', ['a']))).toThrow(/key "request\.headers\[\]" is invalid: Istio does not know this attribute/);
    });

    test('empty values list', () => {
      expect(addWhen(Condition.jwtClaim('groups', []))).toThrow(/when\[0\] \(request\.auth\.claims\[groups\]\) values \[\] is invalid: the list must not be empty/);
    });

    test('bad CIDR in source.ip', () => {
      expect(addWhen(Condition.sourceIp(['10.0.0/8']))).toThrow(/\(source\.ip\) values\[0\] "10\.0\.0\/8" is invalid: it must be an IP address or a CIDR block/);
    });

    test('bad CIDR in a negated remote.ip', () => {
      expect(addWhen(Condition.remoteIp(['1.2.3.4/40']).negate())).toThrow(/\(remote\.ip\) notValues\[0\] "1\.2\.3\.4\/40" is invalid/);
    });

    test('destination port out of range', () => {
      expect(addWhen(Condition.destinationPort([70000]))).toThrow(/\(destination\.port\) values\[0\] 70000 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('destination port that is not a number', () => {
      expect(addWhen(Condition.of('destination.port', { values: ['http'] }))).toThrow(/\(destination\.port\) values\[0\] "http" is invalid: a port must be a whole number/);
    });

    test('invalid namespace in source.namespace', () => {
      expect(addWhen(Condition.sourceNamespace(['Team_A']))).toThrow(/\(source\.namespace\) values\[0\] "Team_A" is invalid: it must be a DNS-1123 label/);
    });

    test('empty JWT claim value', () => {
      expect(addWhen(Condition.jwtClaim('groups', ['']))).toThrow(/\(request\.auth\.claims\[groups\]\) values\[0\] "" is invalid: the value must be a non-empty string/);
    });

    test('wildcard in the middle of a request principal value', () => {
      expect(addWhen(Condition.requestPrincipal(['iss/*/sub']))).toThrow(/\(request\.auth\.principal\) values\[0\] "iss\/\*\/sub" is invalid/);
    });
  });
});
