// Route rules read at each synthesis (src/patterns/live-route.ts): their destinations follow
// later changes, a spread or JSON copy holds the values of the moment, and rules of one shape
// share a V8 hidden class in fast mode (checked in a fresh process with V8's natives: accessors
// defined in object literals made every rule a dictionary of its own).
import { HttpMirror, HttpRouteDestination } from '../../src/networking/route-destination';
import { liveHttpRoute, liveRoute } from '../../src/patterns/live-route';
import { COUNT_CLASSES, runInFreshV8 } from '../support/fresh-v8';

/** Classes and fast-mode count of `count` rules made by liveHttpRoute (or, `literal`, by object-literal accessors), in a fresh process. */
function rulesInFreshProcess(count: number, literal: boolean): { classes: number; fast: number } {
  const make = literal
    ? '(i) => ({ name: "default", ...common, fault: undefined, get route() { return [{ destination: { host: "h" + i } }]; }, get mirror() { return undefined; }, get mirrorPercentage() { return undefined; } })'
    : '(i) => liveHttpRoute({ name: "default", ...common, fault: undefined }, () => [{ destination: { host: "h" + i } }], { mirror: () => undefined })';
  return runInFreshV8(['patterns/live-route.ts'], ([liveRouteJs]) => `
    const { liveHttpRoute } = require(${JSON.stringify(liveRouteJs)});
    const common = { retries: { attempts: 3 }, timeout: undefined };
    const make = ${make};
    const rules = Array.from({ length: ${count} }, (_, i) => make(i));
    if (JSON.stringify(rules[7].route) !== '[{"destination":{"host":"h7"}}]') throw new Error('the rule reads another route');
    ${COUNT_CLASSES}
    console.log(JSON.stringify({ classes: classes(rules), fast: rules.filter((r) => %HasFastProperties(r)).length }));`);
}

describe('liveHttpRoute', () => {
  test('route, mirror and mirrorPercentage are read at each access: the rule follows later changes', () => {
    let weight = 90;
    let mirroring = false;
    const rule = liveHttpRoute({ name: 'default' }, (): HttpRouteDestination[] => [{ host: 'reviews', subset: 'v1', weight }, { host: 'reviews', subset: 'v2', weight: 100 - weight }], {
      mirror: (): HttpMirror | undefined => (mirroring ? { host: 'reviews', subset: 'v2' } : undefined),
      mirrorPercentage: () => (mirroring ? 5 : undefined),
    });
    expect(rule.route?.map((d) => d.weight)).toEqual([90, 10]);
    expect(rule.mirror).toBeUndefined();
    weight = 50;
    mirroring = true;
    expect(rule.route?.map((d) => d.weight)).toEqual([50, 50]);
    expect(rule.mirror).toEqual({ host: 'reviews', subset: 'v2' });
    expect(rule.mirrorPercentage).toBe(5);
  });

  test('a spread or JSON copy holds the values of the moment, and lists every field', () => {
    let subset = 'v1';
    const rule = liveHttpRoute({ name: 'override', match: [] }, () => [{ host: 'reviews', subset }]);
    const copy = { ...rule };
    subset = 'v2';
    expect(copy.route).toEqual([{ host: 'reviews', subset: 'v1' }]);
    expect(rule.route).toEqual([{ host: 'reviews', subset: 'v2' }]);
    expect(Object.keys(rule)).toEqual(['name', 'match', 'route']);
    expect(JSON.parse(JSON.stringify(rule))).toEqual({ name: 'override', match: [], route: [{ host: 'reviews', subset: 'v2' }] });
    // without mirror parts, the rule has no mirror fields
    expect('mirror' in rule).toBe(false);
  });

  test('liveRoute: a TCP rule whose destinations are read at each access', () => {
    let port = 9080;
    const rule = liveRoute({}, () => [{ host: 'db', port }]);
    port = 9090;
    expect(rule.route).toEqual([{ host: 'db', port: 9090 }]);
    expect(Object.keys(rule)).toEqual(['route']);
  });

  test('rules of one shape share one hidden class in fast mode; object-literal accessors made each a dictionary (a fresh process)', () => {
    // the premise: accessors written in an object literal give each rule a dictionary of its own
    const literal = rulesInFreshProcess(200, true);
    expect(literal.fast).toBeLessThan(10);
    const live = rulesInFreshProcess(3000, false);
    expect(live).toEqual({ classes: 1, fast: 3000 });
  });
});
