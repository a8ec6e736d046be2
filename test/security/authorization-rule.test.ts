import { Testing } from 'cdk8s';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { AuthorizationRule, RuleOperation, RuleSource } from '../../src/security/authorization-rule';
import { Principal } from '../../src/security/principal';
import { fragmentChart } from '../support/fragment';

function render(rule: AuthorizationRule): any {
  const chart = fragmentChart();
  new AuthorizationPolicy(chart, 'p', { rules: [rule] });
  return Testing.synth(chart)[0].spec.rules[0];
}

function addSource(source: RuleSource): () => void {
  return () => new AuthorizationPolicy(fragmentChart(), 'p', { rules: [{ sources: [source] }] });
}

function addOperation(operation: RuleOperation): () => void {
  return () => new AuthorizationPolicy(fragmentChart(), 'p', { rules: [{ operations: [operation] }] });
}

describe('AuthorizationRule parts', () => {
  test('an empty rule matches every request and renders as {}', () => {
    expect(render({})).toEqual({});
  });

  test('every source field renders under from[].source', () => {
    expect(render({
      sources: [
        { principals: [Principal.of('cluster.local/ns/default/*')], requestPrincipals: ['iss/sub'], namespaces: ['team-*', 'default'] },
        { notNamespaces: ['kube-system'], trustDomains: ['cluster.local'], notTrustDomains: ['evil.org'], ipBlocks: ['10.0.0.0/8'] },
        { notServiceAccounts: ['default/sleep'], notRemoteIpBlocks: ['192.0.2.0/24'], notRequestPrincipals: ['*'] },
      ],
    })).toEqual({
      from: [
        { source: { principals: ['cluster.local/ns/default/*'], requestPrincipals: ['iss/sub'], namespaces: ['team-*', 'default'] } },
        { source: { notNamespaces: ['kube-system'], trustDomains: ['cluster.local'], notTrustDomains: ['evil.org'], ipBlocks: ['10.0.0.0/8'] } },
        { source: { notServiceAccounts: ['default/sleep'], notRemoteIpBlocks: ['192.0.2.0/24'], notRequestPrincipals: ['*'] } },
      ],
    });
  });

  test('paths: exact, prefix, suffix, presence and templates', () => {
    const paths = ['/login', '/static/*', '*.png', '*', '/api/{*}/reviews', '/files/{**}'];
    expect(render({ operations: [{ paths }] })).toEqual({ to: [{ operation: { paths } }] });
  });

  test('ports are rendered as strings, as the CRD wants', () => {
    expect(render({ operations: [{ ports: [80, 9080], notPorts: [15021] }] })).toEqual({ to: [{ operation: { ports: ['80', '9080'], notPorts: ['15021'] } }] });
  });

  describe('bad input', () => {
    test('empty from list', () => {
      expect(() => new AuthorizationPolicy(fragmentChart(), 'p', { rules: [{ sources: [] }] }))
        .toThrow(/\[test\/p\] rules\[0\]\.sources \[\] is invalid: the list must not be empty\. Fix: .*leave `sources` out/);
    });

    test('empty to list', () => {
      expect(() => new AuthorizationPolicy(fragmentChart(), 'p', { rules: [{ operations: [] }] })).toThrow(/rules\[0\]\.operations \[\] is invalid: the list must not be empty/);
    });

    test('empty when list', () => {
      expect(() => new AuthorizationPolicy(fragmentChart(), 'p', { rules: [{ when: [] }] })).toThrow(/rules\[0\]\.when \[\] is invalid: the list must not be empty/);
    });

    test('source without any field', () => {
      expect(addSource({})).toThrow(/rules\[0\]\.sources\[0\] \{\} is invalid: a source must set at least one field/);
    });

    test('operation without any field', () => {
      expect(addOperation({})).toThrow(/rules\[0\]\.operations\[0\] \{\} is invalid: an operation must set at least one field/);
    });

    test('empty principals list', () => {
      expect(addSource({ principals: [] })).toThrow(/sources\[0\]\.principals \[\] is invalid: the list must not be empty/);
    });

    test('malformed CIDR in ipBlocks', () => {
      expect(addSource({ ipBlocks: ['10.0.0.0/33'] })).toThrow(/sources\[0\]\.ipBlocks\[0\] "10\.0\.0\.0\/33" is invalid: it must be an IP address or a CIDR block\. Fix: write e\.g\. "10\.0\.0\.0\/16"/);
    });

    test('hostname instead of an IP in remoteIpBlocks', () => {
      expect(addSource({ remoteIpBlocks: ['example.com'] })).toThrow(/sources\[0\]\.remoteIpBlocks\[0\] "example\.com" is invalid: it must be an IP address or a CIDR block/);
    });

    test('empty string in namespaces', () => {
      expect(addSource({ namespaces: [''] })).toThrow(/sources\[0\]\.namespaces\[0\] "" is invalid: the value must be a non-empty string/);
    });

    test('upper-case namespace', () => {
      expect(addSource({ namespaces: ['Bookinfo'] })).toThrow(/sources\[0\]\.namespaces\[0\] "Bookinfo" is invalid: it must be a DNS-1123 label/);
    });

    test('wildcard in the middle of a request principal', () => {
      expect(addSource({ requestPrincipals: ['https://issuer/*/admin'] })).toThrow(/requestPrincipals\[0\] "https:\/\/issuer\/\*\/admin" is invalid: .*"\*" may appear once, only at the start or the end/);
    });

    test('serviceAccounts together with principals (CRD CEL rule)', () => {
      expect(addSource({ serviceAccounts: ['default/a'], principals: [Principal.any()] }))
        .toThrow(/sources\[0\]\.serviceAccounts \["default\/a"\] is invalid: serviceAccounts \/ notServiceAccounts cannot be combined with principals/);
    });

    test('serviceAccounts not written namespace/name', () => {
      expect(addSource({ serviceAccounts: ['bookinfo-productpage'] })).toThrow(/serviceAccounts\[0\] "bookinfo-productpage" is invalid: a service account must be written "<namespace>\/<name>"/);
    });

    test('more than 16 serviceAccounts (CRD maxItems)', () => {
      const accounts = Array.from({ length: 17 }, (_, i) => `default/sa-${i}`);
      expect(addSource({ serviceAccounts: accounts })).toThrow(/sources\[0\]\.serviceAccounts 17 is invalid: at most 16 service accounts/);
    });

    test('lower-case HTTP method', () => {
      expect(addOperation({ methods: ['get'] })).toThrow(/operations\[0\]\.methods\[0\] "get" is invalid: HTTP methods are matched case-sensitively and must be upper-case\. Fix: write "GET"/);
    });

    test('a method that is not an HTTP token (extension methods such as FETCH are legal)', () => {
      expect(addOperation({ notMethods: ['FETCH'] })).not.toThrow();
      expect(addOperation({ notMethods: ['GE T'] })).toThrow(/operations\[0\]\.notMethods\[0\] "GE T" is invalid: not an HTTP method \(an upper-case HTTP token/);
    });

    test('path without a leading slash', () => {
      expect(addOperation({ paths: ['api/v1'] })).toThrow(/operations\[0\]\.paths\[0\] "api\/v1" is invalid: a path must start with "\/".*Fix: write an exact path/);
    });

    test('wildcard in the middle of a path', () => {
      expect(addOperation({ paths: ['/api/*/items'] })).toThrow(/operations\[0\]\.paths\[0\] "\/api\/\*\/items" is invalid: "\*" may appear only at the end of a path/);
    });

    test('path template with {**} before the end', () => {
      expect(addOperation({ notPaths: ['/files/{**}/meta'] })).toThrow(/notPaths\[0\] "\/files\/\{\*\*\}\/meta" is invalid: \{\*\*\} may appear once, as the last segment/);
    });

    test('path template with a bare wildcard', () => {
      expect(addOperation({ paths: ['/api/{*}/*'] })).toThrow(/may only use the operators \{\*\} \(one segment\) and \{\*\*\}/);
    });

    test('port out of range', () => {
      expect(addOperation({ ports: [0] })).toThrow(/operations\[0\]\.ports\[0\] 0 is invalid: a port number must be an integer from 1 to 65535/);
    });

    test('empty ports list', () => {
      expect(addOperation({ notPorts: [] })).toThrow(/operations\[0\]\.notPorts \[\] is invalid: the list must not be empty/);
    });

    test('host written as a URL', () => {
      expect(addOperation({ hosts: ['https://bookinfo.example.com/'] })).toThrow(/operations\[0\]\.hosts\[0\] "https:\/\/bookinfo\.example\.com\/" is invalid: a host is matched against the Host header: no scheme, path or spaces/);
    });
  });
});
