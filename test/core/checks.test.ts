import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  checkDns1123Label, checkDns1123Subdomain, checkExclusive, checkHost, checkLabel, checkNonEmpty,
  checkIpOrCidr, checkPercentage, checkPort, checkPositiveInteger, checkRe2Regex, checkUnique, checkWeight, isCidr, isIpAddress,
} from '../../src/core/checks';
import { isHttpFamily, Protocol } from '../../src/core/protocol';

function scope(): Construct {
  return new Construct(Testing.chart(), 'res');
}

describe('checkDns1123Label', () => {
  test.each(['a', 'reviews', 'reviews-v2', '0', 'a'.repeat(63)])('accepts %s', (v) => {
    expect(() => checkDns1123Label(scope(), 'name', v)).not.toThrow();
  });

  test('accepts undefined', () => {
    expect(() => checkDns1123Label(scope(), 'name', undefined)).not.toThrow();
  });

  describe('bad input', () => {
    test.each(['', 'Reviews', 'reviews.default', '-a', 'a-', 'a_b', 'a'.repeat(64)])('rejects %j', (v) => {
      expect(() => checkDns1123Label(scope(), 'subset name', v))
        .toThrow(`[test/res] subset name ${JSON.stringify(v)} is invalid: it must be a DNS-1123 label`);
    });

    test('message gives the fix', () => {
      expect(() => checkDns1123Label(scope(), 'name', 'V1')).toThrow(/Fix: use a name such as "reviews-v2"$/);
    });
  });
});

describe('checkDns1123Subdomain', () => {
  test.each(['reviews', 'reviews.default', 'a.b-c.d0', 'a'.repeat(253)])('accepts %s', (v) => {
    expect(() => checkDns1123Subdomain(scope(), 'name', v)).not.toThrow();
  });

  describe('bad input', () => {
    test.each(['', 'Reviews', 'a..b', '.a', 'a.', 'a_b', 'a'.repeat(254)])('rejects %j', (v) => {
      expect(() => checkDns1123Subdomain(scope(), 'name', v))
        .toThrow(/^\[test\/res\] name .* is invalid: it must be a DNS-1123 subdomain .*Fix: use a name such as "reviews"/);
    });
  });
});

describe('checkPort', () => {
  test.each([1, 80, 9080, 65535])('accepts %d', (p) => {
    expect(() => checkPort(scope(), 'port', p)).not.toThrow();
  });

  test('accepts undefined', () => {
    expect(() => checkPort(scope(), 'port', undefined)).not.toThrow();
  });

  describe('bad input', () => {
    test.each([0, -1, 65536, 80.5])('rejects %d', (p) => {
      expect(() => checkPort(scope(), 'port', p))
        .toThrow(`[test/res] port ${p} is invalid: a port number must be an integer from 1 to 65535. Fix: use the service or container port, e.g. 9080`);
    });

    test('rejects NaN', () => {
      expect(() => checkPort(scope(), 'port', NaN)).toThrow(/\[test\/res\] port NaN is invalid: a port number/);
    });
  });
});

describe('checkPercentage', () => {
  test.each([0, 0.01, 50, 99.9, 100])('accepts %d', (v) => {
    expect(() => checkPercentage(scope(), 'mirrorPercentage', v)).not.toThrow();
  });

  describe('bad input', () => {
    test.each([-0.1, 100.1, 1000, Infinity])('rejects %d', (v) => {
      expect(() => checkPercentage(scope(), 'mirrorPercentage', v))
        .toThrow(/^\[test\/res\] mirrorPercentage .* is invalid: a percentage must be a number from 0 to 100\. Fix: pass e\.g\. 10 for 10%$/);
    });

    test('rejects NaN', () => {
      expect(() => checkPercentage(scope(), 'p', NaN)).toThrow(/a percentage must be a number from 0 to 100/);
    });
  });
});

describe('checkWeight', () => {
  test.each([0, 1, 90, 100])('accepts %d', (v) => {
    expect(() => checkWeight(scope(), 'weight', v)).not.toThrow();
  });

  describe('bad input', () => {
    test.each([-1, 101, 12.5])('rejects %d', (v) => {
      expect(() => checkWeight(scope(), 'route weight', v))
        .toThrow(`[test/res] route weight ${v} is invalid: a route weight must be an integer from 0 to 100. Fix: give weights such as 90 and 10 that add up to 100`);
    });
  });
});

describe('checkPositiveInteger', () => {
  test('accepts integers >= min (default 1)', () => {
    expect(() => checkPositiveInteger(scope(), 'attempts', 1)).not.toThrow();
    expect(() => checkPositiveInteger(scope(), 'attempts', 0, 0)).not.toThrow();
    expect(() => checkPositiveInteger(scope(), 'attempts', undefined)).not.toThrow();
  });

  describe('bad input', () => {
    test('below the default minimum', () => {
      expect(() => checkPositiveInteger(scope(), 'maxConnections', 0))
        .toThrow('[test/res] maxConnections 0 is invalid: it must be an integer of at least 1. Fix: pass an integer >= 1');
    });

    test('below a custom minimum and fractional', () => {
      expect(() => checkPositiveInteger(scope(), 'f', 1, 2)).toThrow(/f 1 is invalid: it must be an integer of at least 2\. Fix: pass an integer >= 2/);
      expect(() => checkPositiveInteger(scope(), 'f', 2.5)).toThrow(/f 2\.5 is invalid/);
    });
  });
});

describe('checkNonEmpty', () => {
  test('accepts undefined and non-empty lists', () => {
    expect(() => checkNonEmpty(scope(), 'hosts', undefined, 'x')).not.toThrow();
    expect(() => checkNonEmpty(scope(), 'hosts', ['a'], 'x')).not.toThrow();
  });

  test('bad input: an empty list names the field and the caller-supplied fix', () => {
    expect(() => checkNonEmpty(scope(), 'hosts', [], 'add at least one host'))
      .toThrow('[test/res] hosts [] is invalid: the list must not be empty. Fix: add at least one host');
  });
});

describe('checkExclusive', () => {
  test('accepts zero or one field set', () => {
    expect(() => checkExclusive(scope(), { a: undefined, b: undefined }, 'x')).not.toThrow();
    expect(() => checkExclusive(scope(), { a: 1, b: undefined }, 'x')).not.toThrow();
    // falsy-but-defined values count as set only when several are given
    expect(() => checkExclusive(scope(), { a: 0, b: undefined }, 'x')).not.toThrow();
  });

  describe('bad input', () => {
    test('two fields set names both and their values', () => {
      expect(() => checkExclusive(scope(), { redirect: { uri: '/x' }, route: 'r', mirror: undefined }, 'use either redirect or route'))
        .toThrow('[test/res] redirect and route {"redirect":{"uri":"/x"},"route":"r"} is invalid: these fields are mutually exclusive. Fix: use either redirect or route');
    });

    test('false and empty string still count as set', () => {
      expect(() => checkExclusive(scope(), { a: false, b: '' }, 'x')).toThrow(/a and b .*mutually exclusive/);
    });
  });
});

describe('checkUnique', () => {
  test('accepts distinct values', () => {
    expect(() => checkUnique(scope(), 'subsets', ['v1', 'v2', 'v3'], 'x')).not.toThrow();
    expect(() => checkUnique(scope(), 'subsets', [], 'x')).not.toThrow();
  });

  test('bad input: reports the first repeated value', () => {
    expect(() => checkUnique(scope(), 'subset name', ['v1', 'v2', 'v2', 'v1'], 'name each subset once'))
      .toThrow('[test/res] subset name "v2" is invalid: the value appears more than once. Fix: name each subset once');
  });
});

describe('checkHost', () => {
  test.each([
    '*', 'reviews', 'reviews.prod.svc.cluster.local', '*.example.com', 'api.example.com.', 'API.Example.com', '*foo.example.com', '*-foo.example.com',
  ])('accepts %s', (h) => {
    expect(() => checkHost(scope(), 'hosts[0]', h)).not.toThrow();
  });

  describe('bad input', () => {
    test.each([
      '', 'https://api.example.com', 'api.example.com:443', 'api.example.com/v1', 'a*.example.com', '*.', 'a..b', '-a.com', `${'a'.repeat(250)}.com.x`, `${'a'.repeat(64)}.com`,
    ])('rejects %j', (h) => {
      expect(() => checkHost(scope(), 'hosts[0]', h))
        .toThrow(`[test/res] hosts[0] ${JSON.stringify(h)} is invalid: a host must be a DNS name`);
    });

    test('"_" is refused as istiod refuses it, with the dash spelling as the fix', () => {
      expect(() => checkHost(scope(), 'hosts[0]', 'my_svc.ns')).toThrow('[test/res] hosts[0] "my_svc.ns" is invalid: a host must be a DNS name of letters, digits and "-"');
      expect(() => checkHost(scope(), 'hosts[0]', 'my_svc.ns')).toThrow('Fix: istiod refuses "_" in host names: write e.g. "my-svc.ns"');
    });

    test('the generated SNI outbound_.<port>_._.<host> is accepted only as an SNI host', () => {
      expect(() => checkHost(scope(), 'sniHosts[0]', 'outbound_.9080_._.reviews.bookinfo.svc.cluster.local', { sni: true })).not.toThrow();
      expect(() => checkHost(scope(), 'hosts[0]', 'outbound_.9080_._.reviews.bookinfo.svc.cluster.local')).toThrow(/is invalid/);
    });

    test('message tells how to fix a URL', () => {
      expect(() => checkHost(scope(), 'host', 'https://x.io')).toThrow(/Fix: remove schemes, ports and paths/);
    });
  });
});

describe('checkLabel', () => {
  test.each([['app', 'reviews'], ['app.kubernetes.io/name', 'reviews'], ['version', ''], ['a_b.c-d', 'v1.2_3']])('accepts %s=%s', (k, v) => {
    expect(() => checkLabel(scope(), 'selector label', k, v)).not.toThrow();
  });

  describe('bad input', () => {
    test.each(['', '*', 'app*', 'bad prefix/app', 'example.com/', `${'a'.repeat(64)}`])('rejects key %j', (k) => {
      expect(() => checkLabel(scope(), 'selector label', k, 'x'))
        .toThrow(`[test/res] selector label ${JSON.stringify(k)} is invalid: a label key must be`);
    });

    test.each(['*', 'a*', '-a', 'a-', `${'a'.repeat(64)}`])('rejects value %j', (v) => {
      expect(() => checkLabel(scope(), 'selector label', 'app', v))
        .toThrow(`[test/res] selector label ${JSON.stringify(v)} is invalid: a label value must be`);
    });
  });
});

describe('one IP/CIDR check for every layer', () => {
  const at = new Construct(Testing.app(), 'test');
  test('accepts addresses and CIDR blocks of both families', () => {
    for (const v of ['10.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1', '192.168.1.7', '0.0.0.0/0']) {
      expect(() => checkIpOrCidr(at, 'ipBlocks[0]', v)).not.toThrow();
    }
    expect([isIpAddress('::1'), isCidr('::1'), isCidr('10.0.0.0/8'), isIpAddress('10.0.0.0/8')]).toEqual([true, false, true, false]);
  });

  test('bad input: refuses what only looks like an address or a block', () => {
    for (const v of ['999.999.999.999', ':::::', '10.0.0.0/33', '2001:db8::/129', '10.0.0.1/', '10.0.0.0/-1', 'example.com', '']) {
      expect(() => checkIpOrCidr(at, 'ipBlocks[0]', v))
        .toThrow(`[test] ipBlocks[0] ${JSON.stringify(v)} is invalid: it must be an IP address or a CIDR block. Fix: write e.g. "10.0.0.0/16", "192.168.1.7" or "2001:db8::/32"`);
    }
  });
});

describe('HTTP family', () => {
  test('HTTP, HTTP2 and gRPC are requests Istio sees at L7; the rest are not', () => {
    expect(Object.values(Protocol).filter((p) => isHttpFamily(p))).toEqual([Protocol.HTTP, Protocol.GRPC, Protocol.HTTP2]);
  });
});

describe('RE2 regexes (checked by a real RE2 engine, as Envoy compiles them)', () => {
  const at = new Construct(Testing.app(), 'test');
  test('legal RE2 that JavaScript would refuse or read differently is accepted', () => {
    for (const v of ['a(?i)b', '(?P<version>v[0-9]+)', '^/api/\\pL+$', '(?s).*', '[[:alpha:]]+', 'x{2,1000}']) {
      expect(() => checkRe2Regex(at, 'uri.regex', v)).not.toThrow();
    }
  });

  test('bad input: what RE2 refuses', () => {
    expect(() => checkRe2Regex(at, 'uri.regex', 'end\\Z')).toThrow('[test] uri.regex "end\\\\Z" is invalid: the regular expression does not parse as RE2 (error parsing regexp: invalid escape sequence: `\\Z`)');
    expect(() => checkRe2Regex(at, 'uri.regex', '\\h+')).toThrow(/invalid escape sequence: `\\h`/);
    expect(() => checkRe2Regex(at, 'uri.regex', 'a{1001}')).toThrow(/invalid repeat count/);
    expect(() => checkRe2Regex(at, 'uri.regex', '(?=a)b')).toThrow(/does not support look-ahead or look-behind/);
    expect(() => checkRe2Regex(at, 'uri.regex', 'x'.repeat(1025))).toThrow(/\(1025 characters\)" is invalid: istiod accepts regexes of at most 1024 characters/);
    expect(() => checkRe2Regex(at, 'uri.regex', 'x'.repeat(1024))).not.toThrow();
  });
});
