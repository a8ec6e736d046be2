import { Testing } from 'cdk8s';
import { checkIpOrCidr, checkStringList, copyList } from '../../src/core/checks';
import { checkMatchValue } from '../../src/security/authorization-checks';

describe('authorization checks', () => {
  const scope = Testing.chart();

  test('accepted IPs and CIDR blocks', () => {
    for (const v of ['10.0.0.0/8', '192.168.1.7', '0.0.0.0/0', '2001:db8::/32', '::1', 'fe80::1/128']) {
      expect(() => checkIpOrCidr(scope, 'ipBlocks', v)).not.toThrow();
    }
  });

  test('accepted match values', () => {
    for (const v of ['*', 'abc', 'abc*', '*abc']) {
      expect(() => checkMatchValue(scope, 'f', v, 'x')).not.toThrow();
    }
  });

  test('copyList copies', () => {
    const list = ['a'];
    const copy = copyList(list)!;
    list.push('b');
    expect(copy).toEqual(['a']);
    expect(copyList(undefined)).toBeUndefined();
  });

  describe('bad input', () => {
    test.each(['10.0.0.0/', '10.0.0.0/a', '256.1.1.1', '2001:db8::/129', 'localhost', ''])('CIDR %p', (v) => {
      expect(() => checkIpOrCidr(scope, 'ipBlocks[0]', v)).toThrow(/\[test\] ipBlocks\[0\] .* is invalid: it must be an IP address or a CIDR block/);
    });

    test.each(['**', 'a*b', '*a*'])('match value %p', (v) => {
      expect(() => checkMatchValue(scope, 'f', v, 'x')).toThrow(/"\*" may appear once, only at the start or the end/);
    });

    test('string list that is not a list', () => {
      expect(() => checkStringList(scope, 'audiences', 'aud' as any, 'fix')).toThrow(/audiences "aud" is invalid: it must be a list of strings/);
    });

    test('string list with a blank entry', () => {
      expect(() => checkStringList(scope, 'audiences', ['a', '  '], 'fix')).toThrow(/audiences\[1\] "  " is invalid: the value must be a non-empty string/);
    });
  });
});
