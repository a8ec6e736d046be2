import { isCelError, parse, plan } from '@bufbuild/cel';
import { RuleChecker, collectRules, compileRule, escapeCelName, kubernetesCelEnv } from '../../../src/analysis/schema/cel-rules';
import type { PassedChecks, RuleProblem } from '../../../src/analysis/schema/cel-rules';
import { parseRequestUri } from '../../../src/analysis/schema/k8s-cel-library';
import { k8sIsCIDR, k8sIsIP } from '../../../src/analysis/schema/net-parsing';
import { CrdCatalog } from '../../../src/analysis/schema/schema-catalog';

function run(expr: string, self?: unknown): unknown {
  const result = plan(kubernetesCelEnv(), parse(expr))({ self } as any);
  return isCelError(result) ? `error: ${result.message}` : result;
}

describe('every CEL rule in the vendored CRDs', () => {
  const catalog = CrdCatalog.default();
  const all: { where: string; rule: any }[] = [];
  for (const key of catalog.keys()) {
    const [group, version, kind] = key.split('/');
    const entry = catalog.get(group, version, kind)!;
    for (const rule of collectRules(entry.schema)) all.push({ where: key, rule });
  }

  test('compiles (parse, plan, all functions and identifiers resolve)', () => {
    const transition = all.filter((r) => compileRule(r.rule).transition);
    const failures = all
      .map((r) => ({ ...r, compiled: compileRule(r.rule) }))
      .filter((r) => r.compiled.compileError !== undefined)
      .map((r) => `${r.where}: ${r.rule.rule} -> ${r.compiled.compileError}`);
    // Counted over every served and unserved version of every vendored CRD.
    expect(all.length).toBeGreaterThan(600); // 645 in Istio 1.30.3 + Gateway API v1.5.1
    expect(transition.length).toBeGreaterThan(0); // `self == oldSelf` immutability rules: skipped at runtime
    expect(failures).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(`compiled ${all.length} CEL rules (${new Set(all.map((r) => r.rule.rule)).size} distinct), `
      + `${transition.length} transition rules skipped at runtime, 0 compile failures`);
  });

  test('the compile check itself catches unknown functions and identifiers', () => {
    expect(compileRule({ rule: 'self.noSuchFunction()' }).compileError).toMatch(/no matching overload for 'noSuchFunction'/);
    expect(compileRule({ rule: 'other > 1' }).compileError).toMatch(/undeclared reference to 'other'/);
    expect(compileRule({ rule: 'self >' }).compileError).toBeDefined();
  });
});

describe('Kubernetes CEL libraries', () => {
  test('durations (standard library, Go duration syntax)', () => {
    expect(run("duration(self) >= duration('1ms')", '1h30m')).toBe(true);
    expect(run("duration(self) >= duration('1ms')", '1.5s')).toBe(true);
    expect(run("duration(self) >= duration('1ms')", '500us')).toBe(false);
    expect(run("duration(self) > duration('0s')", 'nope')).toMatch(/^error/);
  });

  test('URLs: isURL / url().getScheme() / getHost() like url.ParseRequestURI', () => {
    expect(run('isURL(self)', 'https://example.com:8443/a?b=c')).toBe(true);
    expect(run('isURL(self)', '/absolute/path')).toBe(true);
    expect(run('isURL(self)', 'example.com/x')).toBe(false);
    expect(run('isURL(self)', 'http://exa mple.com')).toBe(false);
    expect(run('url(self).getScheme()', 'OCI://registry/x')).toBe('oci');
    expect(run('url(self).getHost()', 'https://example.com:8443/a')).toBe('example.com:8443');
    expect(run('url(self).getHostname()', 'https://[::1]:80/a')).toBe('::1');
    expect(run('url(self).getPort()', 'https://example.com:8443/a')).toBe('8443');
    expect(run('url(self).getEscapedPath()', 'https://example.com/a%20b')).toBe('/a%20b');
    expect(run('url(self)', 'not a url')).toMatch(/^error/);
    expect(parseRequestUri('mailto:someone')).toEqual({ scheme: 'mailto', host: '', path: '', query: '' });
  });

  test('WasmPlugin url rule (isURL + url().getScheme())', () => {
    const rule = compileRule({
      rule: 'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])',
    });
    expect(rule.evaluate!({ self: 'oci://ghcr.io/x/y:1' })).toBe(true);
    expect(rule.evaluate!({ self: 'ghcr.io/x/y:1' })).toBe(true);
    expect(rule.evaluate!({ self: 'ftp://x/y' })).toBe(false);
  });

  test('IPs and CIDRs', () => {
    expect(run('isIP(self)', '10.0.0.1')).toBe(true);
    expect(run('isIP(self)', '2001:db8::1')).toBe(true);
    expect(run('isIP(self)', '010.0.0.1')).toBe(false);
    expect(run('isIP(self)', 'fe80::1%eth0')).toBe(false);
    expect(run('isIP(self)', '::ffff:1.2.3.4')).toBe(false);
    expect(run('isIP(self)', 'example.com')).toBe(false);
    expect(run('ip(self).family()', '2001:db8::1')).toBe(6n);
    expect(run('ip(self).isLoopback()', '127.0.0.1')).toBe(true);
    expect(run('isCIDR(self)', '10.0.0.0/8')).toBe(true);
    expect(run('isCIDR(self)', '10.0.0.0/33')).toBe(false);
    expect(run("cidr(self).containsIP('10.1.2.3')", '10.0.0.0/8')).toBe(true);
    expect(run("cidr(self).containsIP(ip('11.1.2.3'))", '10.0.0.0/8')).toBe(false);
    expect(run('cidr(self).prefixLength()', '2001:db8::/32')).toBe(32n);
    expect(k8sIsIP('1.2.3')).toBe(false);
    expect(k8sIsCIDR('::/0')).toBe(true);
  });

  test('strings and lists', () => {
    expect(run("self.lowerAscii() == 'abc'", 'AbC')).toBe(true);
    expect(run("self.split('/')[0]", 'a/b')).toBe('a');
    expect(run("['a', 'b'].join('-')")).toBe('a-b');
    expect(run("self.matches('^(?i)ab+$')", 'ABB')).toBe(true); // RE2 syntax
    expect(run('self.exists_one(x, x > 1)', [1n, 2n])).toBe(true);
    expect(run('self.isSorted()', [1n, 2n, 3n])).toBe(true);
    expect(run('self.sum()', [1n, 2n, 3n])).toBe(6n);
    expect(run('self.max()', [1n, 5n, 3n])).toBe(5n);
    expect(run('self.min()', ['b', 'a'])).toBe('a');
  });

  test('property names are escaped like Kubernetes does', () => {
    expect(escapeCelName('namespace')).toBe('__namespace__');
    expect(escapeCelName('x-y.z/w')).toBe('x__dash__y__dot__z__slash__w');
    expect(escapeCelName('a__b')).toBe('a__underscores__b');
    expect(escapeCelName('jwks_uri')).toBe('jwks_uri');
    expect(escapeCelName('9lives')).toBeUndefined();
  });
});

describe('RuleChecker (Kubernetes evaluation semantics)', () => {
  function check(schema: any, value: unknown): RuleProblem[] {
    const problems: RuleProblem[] = [];
    new RuleChecker(problems, new WeakMap()).check(schema, value, '');
    return problems;
  }
  const objectWith = (props: any, rules: any[]) => ({ 'type': 'object', 'properties': props, 'x-kubernetes-validations': rules });

  test('rules on a field run only when the field is present and not null', () => {
    const schema = objectWith({ a: { 'type': 'string', 'x-kubernetes-validations': [{ rule: 'false', message: 'a ran' }] } }, []);
    expect(check(schema, {})).toEqual([]);
    expect(check(schema, { a: null })).toEqual([]);
    expect(check(schema, { a: 'x' })).toEqual([{ path: '.a', message: 'a ran (CEL rule: false)', value: 'x' }]);
  });

  test('integers are CEL ints, numbers are doubles', () => {
    const schema = objectWith({ i: { type: 'integer' }, d: { type: 'number' } }, [{ rule: 'type(self.i) == int && type(self.d) == double' }]);
    expect(check(schema, { i: 3, d: 3 })).toEqual([]);
  });

  test('messageExpression, fieldPath and the default message', () => {
    const schema = objectWith({ n: { type: 'integer' } }, [
      { rule: 'self.n < 3', messageExpression: "'n is ' + string(self.n)", fieldPath: '.n' },
      { rule: 'self.n < 2' },
    ]);
    expect(check(schema, { n: 5 })).toEqual([
      { path: '.n', message: 'n is 5 (CEL rule: self.n < 3)' },
      { path: '', message: 'failed rule: self.n < 2 (CEL rule: self.n < 2)', value: { n: 5 } },
    ]);
  });

  test('transition rules (oldSelf) are skipped; runtime errors are reported', () => {
    const schema = objectWith({ s: { type: 'string' } }, [{ rule: 'self == oldSelf', message: 'immutable' }, { rule: 'self.missing == 1' }]);
    const problems = check(schema, { s: 'x' });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^CEL rule evaluation error .*: self\.missing == 1$/);
  });

  test('maps keep their keys, objects get escaped field names', () => {
    const schema = objectWith({
      'namespace': { type: 'string' },
      'x-y': { type: 'string' },
      'labels': { type: 'object', additionalProperties: { type: 'string' } },
    }, [{ rule: "self.__namespace__ == 'ns' && self.x__dash__y == 'v' && self.labels['a.b/c'] == 'd'" }]);
    expect(check(schema, { 'namespace': 'ns', 'x-y': 'v', 'labels': { 'a.b/c': 'd' } })).toEqual([]);
  });

  test('list-type set and map uniqueness', () => {
    expect(check({ 'type': 'array', 'items': { type: 'string' }, 'x-kubernetes-list-type': 'set' }, ['a', 'b', 'a']))
      .toEqual([{ path: '[2]', message: 'Duplicate value: "a"' }]);
    const map = {
      'type': 'array',
      'items': { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    };
    expect(check(map, [{ name: 'a', port: 1 }, { name: 'b', port: 1 }])).toEqual([]);
    expect(check(map, [{ name: 'a', port: 1 }, { name: 'a', port: 2 }])).toEqual([{ path: '[1]', message: 'Duplicate value: map["name":"a"]' }]);
  });
});

describe('RuleChecker with remembered passed checks', () => {
  /** A memo that records what was asked and remembered (keys readable, not hashed). */
  function memo() {
    const remembered = new Set<string>();
    const passed: PassedChecks = {
      keyOf: (check, input) => `${check}|${JSON.stringify(input)}`,
      passed: (key) => remembered.has(key),
      remember: (key) => { remembered.add(key); },
    };
    return { passed, remembered };
  }
  const schema = {
    type: 'object',
    properties: { t: { 'type': 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3', message: 'too long' }] } },
  };
  const checkWith = (p: PassedChecks, value: unknown) => {
    const problems: RuleProblem[] = [];
    new RuleChecker(problems, new WeakMap(), p).check(schema, value, '');
    return problems;
  };

  test('a passing rule is remembered with its location and input, a failing one is not', () => {
    const m = memo();
    expect(checkWith(m.passed, { t: 'abc' })).toEqual([]);
    expect([...m.remembered]).toEqual(['cel\0.t\0self.size() <= 3\0|"abc"']);
    expect(checkWith(m.passed, { t: 'abcd' })).toEqual([{ path: '.t', message: 'too long (CEL rule: self.size() <= 3)', value: 'abcd' }]);
    expect(m.remembered.size).toBe(1);
  });

  test('a remembered check is skipped; the same rule on a changed value runs again', () => {
    const m = memo();
    // a key remembered as passed although the rule would fail: proves the rule is not run
    m.remembered.add('cel\0.t\0self.size() <= 3\0|"abcdef"');
    expect(checkWith(m.passed, { t: 'abcdef' })).toEqual([]);
    expect(checkWith(m.passed, { t: 'abcdefg' })).toHaveLength(1);
  });

  test('list indices and map keys do not change the location, so one entry serves every item', () => {
    const m = memo();
    const listSchema = { type: 'object', properties: { l: { type: 'array', items: schema.properties.t } } };
    const problems: RuleProblem[] = [];
    new RuleChecker(problems, new WeakMap(), m.passed).check(listSchema, { l: ['ab', 'ab', 'cd'] }, '');
    expect(problems).toEqual([]);
    expect([...m.remembered].sort()).toEqual(['cel\0.l[]\0self.size() <= 3\0|"ab"', 'cel\0.l[]\0self.size() <= 3\0|"cd"']);
  });
});
